"""The Experiments tab with real runs in the worker pool: a search fills the view with real
numbers and opens its best trial; side by side overlays its variants' curves; an ensemble
shows its members beside its vote, votes under the digit pad and saves; closing the window
stops the workers and keeps the study."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest

from nnstudio.running.loss_series import Smoothed
from nnstudio.spec.comparisons import parse_comparison
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec

WAIT_MS = 240_000  # a busy two-core machine spawns slowly; the runs themselves take seconds


def toy_document(window, epochs: int = 2) -> None:  # noqa: ANN001
    network = NetworkSpec.sequential([("Dense", {"units": 8}), ("Tanh", {}),
                                      ("Dense", {"units": 2}), ("Softmax", {})],
                                     name="toy", input_shape=[2])
    training = TrainingSpec(dataset="circles", optimizer="adam", lr=0.01, batch_size=32,
                            epochs=epochs)
    window.document.replace(network, training, "")


def search_page(window, tmp_path: Path, trials: int, epochs: int = 2):  # noqa: ANN001, ANN201
    toy_document(window, epochs)
    ui = window.experiments
    ui.show_page(ui.search)
    search = ui.search
    assert "lr" in search.editors.rows and "dense1.units" in search.editors.rows
    search.editors.rows["lr"].set_varied(True)
    search.editors.rows["lr"].set_range(1e-3, 1e-1, True)
    search.editors.rows["dense1.units"].set_varied(True)
    search.editors.rows["dense1.units"].set_range(2, 16)
    search.strategy.setCurrentIndex(search.strategy.findData("random"))
    search.trials.setValue(trials)
    search.workers.setValue(2)
    search.study_path.setText(str(tmp_path / "toy-study.db"))
    return search


def test_a_real_search_fills_the_view_and_opens_its_best_trial(window, qtbot,  # noqa: ANN001
                                                                tmp_path: Path) -> None:
    search = search_page(window, tmp_path, trials=4)
    assert search.editors.texts() == ["lr=log:0.001:0.1", "dense1.units=int:2:16"]
    assert search.start(), search.message.text()
    qtbot.waitUntil(lambda: not search.running and "Search completed" in search.message.text(),
                    timeout=WAIT_MS)
    assert len(search.rows) == 4 and search.table.rowCount() == 4
    accuracies = [search.table.value(n, "Val. accuracy") for n in search.rows]
    assert all(isinstance(a, float) and 0.0 <= a <= 1.0 for a in accuracies)
    assert all(search.table.value(n, "Time") > 0 for n in search.rows)
    assert {search.table.value(n, "State") for n in search.rows} == {"complete"}
    for n, row in search.rows.items():
        assert search.table.value(n, "dense1.units") == row.params["dense1.units"]
    # Best so far: one point per finished trial, never falling.
    _, best_so_far = search.best_plot.curves[0].getData()
    assert len(best_so_far) == 4 and list(best_so_far) == sorted(best_so_far)
    # A scatter per varied setting, each with every trial.
    assert set(search.scatters) == {"lr", "dense1.units"}
    for plot in search.scatters.values():
        (scatter,) = [i for i in plot.items if isinstance(i, pg.ScatterPlotItem)]
        assert len(scatter.data) == 4
    # Every trial's loss curve, the best one emphasized.
    best = search.best_row()
    assert len(search.loss_plot.curves) == 4 and search.loss_plot.emphasized == best.number
    assert len(search.loss_plot.curves[best.number].getData()[0]) == 2
    # Sorted by validation accuracy, the best comes first; open it.
    column = search.table.columns.index("Val. accuracy")
    search.table.sortItems(column, pg.QtCore.Qt.SortOrder.DescendingOrder)
    assert search.table.row_key(0) == best.number
    search.table.selectRow(0)
    assert search.open_button.isEnabled()
    assert search.open_selected()
    spec = window.document.spec
    assert spec.params_of("dense1")["units"] == best.params["dense1.units"]
    assert window.document.training.lr == pytest.approx(best.params["lr"])
    assert window.training.weights is not None
    assert window.training.weights["dense1"]["W"].shape == (2, best.params["dense1.units"])
    assert window.training.tabs.currentIndex() == 0


def test_nothing_ticked_is_said_before_anything_runs(window, tmp_path: Path) -> None:  # noqa: ANN001
    toy_document(window)
    ui = window.experiments
    ui.show_page(ui.search)
    assert not ui.search.start()
    assert "Tick at least one" in ui.search.message.text()
    assert not ui.search.running


def test_closing_the_window_stops_the_search_and_keeps_the_study(window, qtbot,  # noqa: ANN001
                                                                 tmp_path: Path) -> None:
    from nnstudio.experiments.study_store import StudyStore

    search = search_page(window, tmp_path, trials=40, epochs=200)
    assert search.start()
    qtbot.waitUntil(lambda: search.table.rowCount() >= 1, timeout=WAIT_MS)
    window.document.mark_saved(window.document.path)
    window.close()
    assert not search.running
    assert Path(search.study_file).exists()
    StudyStore(search.study_file).rows()  # the study opens; its unfinished trials resume


def test_side_by_side_overlays_the_variants_live(window, qtbot) -> None:  # noqa: ANN001
    comparison = parse_comparison({
        "format": "nnstudio.comparison", "title": "Toy: SGD vs Adam",
        "layers": [["Dense", {"units": 8}], ["Tanh", {}], ["Dense", {"units": 2}],
                   ["Softmax", {}]],
        "input_shape": [2],
        "training": {"dataset": "circles", "optimizer": "sgd", "lr": 0.05, "epochs": 3},
        "variants": [{"label": "SGD"},
                     {"label": "Adam", "training": {"optimizer": "adam", "lr": 0.01}}]},
        "toy")
    ui = window.experiments
    view = ui.side_by_side
    view.comparisons["toy"] = comparison
    view.choice.addItem(comparison.title, "toy")
    ui.show_side_by_side("toy")
    view.workers.setValue(2)
    view.start()
    qtbot.waitUntil(lambda: not view.running and len(view.outcomes) == 2, timeout=WAIT_MS)
    for index in (0, 1):
        # The loss per batch, smoothed as the dashboard smooths it, over 3 epochs.
        x, y = view.loss.curves[index].getData()
        smoothing = Smoothed()
        expected = [smoothing.add(v) for v in view.outcomes[index].history["batch_loss"]]
        assert len(x) == len(expected) > 3 and x[-1] == pytest.approx(3.0)
        assert np.all(np.diff(x) > 0) and y == pytest.approx(expected)
        assert len(view.accuracy.curves[index].getData()[0]) == 3
        assert 0.0 <= view.table.value(index, "Test accuracy") <= 1.0
    assert [view.table.value(i, "Variant") for i in (0, 1)] == ["SGD", "Adam"]
    view.table.selectRow(1)
    view.open_button.click()
    assert window.document.training.optimizer == "adam"
    assert window.training.weights is not None


def test_an_ensemble_shows_members_beside_the_vote_and_votes_under_the_pad(  # noqa: ANN001
        window, qtbot, tmp_path: Path) -> None:
    from nnstudio.files.documents import open_file

    network = NetworkSpec.sequential([("Dense", {"units": 16}), ("ReLU", {}),
                                      ("Dense", {"units": 10}), ("Softmax", {})],
                                     name="tiny", input_shape=[784])
    window.document.replace(network, TrainingSpec(dataset="mnist-subset", optimizer="adam",
                                                  lr=0.003, epochs=1), "")
    ui = window.experiments
    ui.show_page(ui.ensemble)
    view = ui.ensemble
    view.count.setValue(3)
    view.workers.setValue(2)
    view.start()
    qtbot.waitUntil(lambda: not view.running and view.scores is not None, timeout=WAIT_MS)
    scores = view.scores
    assert len(scores.members) == 3
    for index, accuracy in enumerate(scores.members):
        assert view.table.value(index, "Test accuracy") == pytest.approx(accuracy)
        assert view.table.value(index, "Seed") == index
    assert f"{scores.mean_probability:.2%}" in view.summary.text()
    bars = [i for i in view.bars_plot.items if isinstance(i, pg.BarGraphItem)]
    assert len(bars) == 1 and len(bars[0].opts["height"]) == 3
    # The pad: each member's vote.
    assert ui.votes.isVisibleTo(window.inspect.draw)
    window.inspect.draw.pad.draw_strokes([[(140.0, 50.0), (142.0, 140.0), (144.0, 230.0)]])
    qtbot.waitUntil(lambda: "members' votes" in ui.votes.text(), timeout=5000)
    assert ui.votes.text().count("■") == 3
    # Saved as a project with its members.
    saved = view.save(str(tmp_path / "tiny-ensemble.nnstudio"))
    assert [m.seed for m in open_file(saved).members] == [0, 1, 2]


def test_an_ensemble_project_opens_with_its_members(window, qtbot,  # noqa: ANN001
                                                    tmp_path: Path) -> None:
    from nnstudio.experiments.ensemble import save_ensemble, train_members

    network = NetworkSpec.sequential([("Dense", {"units": 8}), ("ReLU", {}),
                                      ("Dense", {"units": 10}), ("Softmax", {})],
                                     name="tiny", input_shape=[784])
    training = TrainingSpec(dataset="mnist-subset", epochs=1, validation_split=0.0)
    members = train_members(network, training, 2, workers=1)
    path = tmp_path / "pair.nnstudio"
    save_ensemble(str(path), network, training, members)
    assert window.open_file(str(path))
    view = window.experiments.ensemble
    assert [m.seed for m in view.trained_members()] == [0, 1]
    qtbot.waitUntil(lambda: view.scores is not None, timeout=WAIT_MS)
    assert len(view.scores.members) == 2
    assert view.scores.members == pytest.approx([m.test_accuracy for m in members])
    assert window.experiments.votes.predictor is not None


def test_a_range_that_breaks_the_network_is_named_before_anything_runs(window) -> None:  # noqa: ANN001
    window.load_preset("small-cnn")
    ui = window.experiments
    ui.show_page(ui.search)
    search = ui.search
    row = search.editors.rows["conv2d2.kernel_size"]
    row.set_varied(True)
    row.set_range(3, 20)
    assert not search.start()
    assert "conv2d2.kernel_size" in search.message.text() and "20" in search.message.text()
    assert not search.running
