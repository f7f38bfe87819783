"""Comparing runs: a table of the runs on the loss plots (dataset, final loss and accuracy,
the settings in which they differ), values on hover, and runs on other data hidden."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from nnstudio.app.plots.run_list import CURRENT
from nnstudio.engine.events import EpochEnd

from .conftest import run_through


def test_runs_are_listed_with_their_data_numbers_and_differences(dashboard,
                                                                 circles_run) -> None:
    view = dashboard.loss_view
    faster = replace(circles_run, training=replace(circles_run.training, lr=0.1))
    run_through(dashboard, circles_run, 1, "run 1: adam lr 0.03")
    assert view.run_list.rows() == []  # one run: nothing to compare yet
    run_through(dashboard, faster, 2, "run 2: adam lr 0.1")
    rows = {row.name: row for row in view.run_list.rows()}
    assert list(rows) == ["run 2", "run 1"]  # the current run first
    assert rows["run 2"].key == CURRENT and rows["run 1"].shown
    assert (rows["run 1"].differs, rows["run 2"].differs) == ("lr 0.03", "lr 0.1")
    assert {row.dataset for row in rows.values()} == {"circles"}
    last = circles_run.of_type(EpochEnd)[-1]
    assert rows["run 1"].loss == np.float64(last.val_loss)
    assert rows["run 1"].accuracy == np.float64(last.val_accuracy)
    table = view.run_list.table
    assert [table.topLevelItem(i).text(4) for i in range(2)] == ["lr 0.1", "lr 0.03"]
    assert table.topLevelItem(1).text(3) == f"{100 * last.val_accuracy:.1f}%"


def test_runs_on_other_data_are_hidden_by_default(dashboard, circles_run) -> None:
    view = dashboard.loss_view
    spirals = replace(circles_run, training=replace(circles_run.training, dataset="spirals"))
    run_through(dashboard, circles_run, 1, "run 1")
    run_through(dashboard, circles_run, 2, "run 2")
    first = view.earlier[1]
    assert first.shown
    run_through(dashboard, spirals, 3, "run 3")
    assert not any(run.shown for run in view.earlier.values())
    assert not first.curves["smoothed"].isVisible()
    rows = view.run_list.rows()
    assert [(row.name, row.dataset, row.shown) for row in rows] == [
        ("run 3", "spirals", True), ("run 2", "circles", False), ("run 1", "circles", False)]
    assert view.run_list.item_of(1).checkState(0) == Qt.CheckState.Unchecked
    assert "2 hidden" in view.run_list.hint.text()
    view.run_list.item_of(1).setCheckState(0, Qt.CheckState.Checked)  # compare anyway
    assert first.shown and first.curves["smoothed"].isVisible()


def test_hovering_a_curve_names_its_run_and_value(qtbot, dashboard, circles_run) -> None:
    view = dashboard.loss_view
    view.resize(600, 500)
    view.show()
    qtbot.waitExposed(view)
    run_through(dashboard, circles_run, 1, "run 1: adam")
    run_through(dashboard, circles_run, 2, "run 2: adam again")
    view.set_run_visible(1, False)
    x, y = view.plotted("smoothed")
    middle = len(x) // 2
    box = view.loss_plot.getViewBox()
    box.updateAutoRange()  # (pyqtgraph applies a new range on the next paint)
    on_curve = box.mapViewToScene(pg.QtCore.QPointF(x[middle], y[middle]))
    text = view.point_near(on_curve)
    assert text is not None and text.startswith("run 2 · circles")
    assert f"loss {y[middle]:.3g}"[:9] in text
    far = box.mapViewToScene(pg.QtCore.QPointF(x[middle], y.max() * 10))
    assert view.point_near(far) is None
    view._hover(on_curve)  # noqa: SLF001 - what the mouse does
    assert view.hover_label.isVisible() and "run 2" in view.hover_label.textItem.toPlainText()


def test_runs_with_the_same_settings_say_so(dashboard, circles_run) -> None:
    run_through(dashboard, circles_run, 1, "run 1")
    run_through(dashboard, circles_run, 2, "run 2")
    assert {row.differs for row in dashboard.loss_view.run_list.rows()} == {"same settings"}


def saved_history(run) -> dict:  # noqa: ANN001 - a RecordedRun
    """What a project's history.json would hold for ``run``."""
    epochs = run.of_type(EpochEnd)
    return {"epoch": [e.epoch for e in epochs], "train_loss": [e.train_loss for e in epochs],
            "val_loss": [e.val_loss for e in epochs],
            "val_accuracy": [e.val_accuracy for e in epochs],
            "batch_loss": [e.train_loss for e in epochs]}


def test_a_run_saved_in_a_project_names_its_dataset_and_stays_beside_a_new_run(
        dashboard, circles_run) -> None:
    view = dashboard.loss_view
    dashboard.show_saved_history("Saved in c.nnstudio", saved_history(circles_run),
                                 circles_run.training)
    run_through(dashboard, circles_run, 1, "run 1: adam lr 0.03")
    rows = {row.name: row for row in view.run_list.rows()}
    saved = rows["Saved in c.nnstudio"]
    assert saved.dataset == "circles" and saved.shown  # same data: compared by default
    spirals = replace(circles_run, training=replace(circles_run.training, dataset="spirals"))
    run_through(dashboard, spirals, 2, "run 2")
    assert not {row.name: row for row in view.run_list.rows()}["Saved in c.nnstudio"].shown


def test_the_window_gives_a_saved_run_the_project_s_settings(window, circles_run) -> None:  # noqa: ANN001
    window.training.load_saved(None, saved_history(circles_run), "saved in c.nnstudio")
    current = window.training.dashboard.loss_view.current
    assert current.dataset == window.document.training.dataset != "?"
