"""A project trained on the command line and opened in the window, by every door (File >
Open, ``--open``, Open Recent, crash recovery): the pad, the inspection views and the
dashboard use what was saved, and Train offers to continue from the saved weights."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from nnstudio import cli
from nnstudio.app import dialogs
from nnstudio.app.main_window import MainWindow
from nnstudio.app.recovery import offer_recovery
from nnstudio.app.settings import make_settings
from nnstudio.data.datasets import load_dataset
from nnstudio.files.project import Project, load_project
from nnstudio.running.build import build_network
from nnstudio.running.training_process.state import RunState
from tests.app.inspect.strokes import DIGITS, draw_with_mouse

PRESET = "mlp-784-100-10"


@cache
def _trained(folder: str) -> str:
    path = str(Path(folder) / "mlp.nnstudio")
    assert cli.main(["train", PRESET, "--epochs", "1", "--save", path]) == 0
    return path


@pytest.fixture
def trained_path(tmp_path_factory) -> str:
    """``nnstudio train mlp-784-100-10 --epochs 1 --save mlp.nnstudio``, once per session."""
    return _trained(str(tmp_path_factory.getbasetemp()))


def saved_prediction(project: Project, digit: np.ndarray) -> np.ndarray:
    """What the saved network says about ``digit``, computed without the window."""
    network = build_network(project.network, project.training)
    network.set_weights(project.weights)
    network.set_training(False)
    return np.asarray(network.predict(digit.reshape(1, -1).astype(np.float32))).reshape(-1)


def _open_with_menu(window: MainWindow, path: str, monkeypatch) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (path, "")))
    window.actions.open.trigger()


def _open_recent(window: MainWindow, path: str, monkeypatch) -> None:
    window.open_file(path)  # puts it in the list
    window.new_network()
    window.menus.recent.aboutToShow.emit()
    entry = next(a for a in window.menus.recent.actions() if a.text() == Path(path).name)
    entry.trigger()


def _recover(window: MainWindow, path: str, monkeypatch) -> None:
    crashed = MainWindow(settings=window.settings, persist=False, open_source=path)
    crashed.document.set_training(crashed.document.training)  # nothing changes...
    crashed.document.mark_modified()  # ...but the window has unsaved work
    assert crashed.autosaver.autosave()
    crashed.autosaver.timer.stop()  # a crash: no clean-up runs
    crashed.training.dashboard.stop()
    crashed.autosaver.lock.unlock()  # its process is gone: so is its lock
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    assert offer_recovery(window)
    crashed.deleteLater()


DOORS = {"file-open": _open_with_menu, "open-recent": _open_recent, "recovery": _recover}


@pytest.fixture
def make_window(qtbot, settings_path):
    def make(open_source: str | None = None) -> MainWindow:
        win = MainWindow(settings=make_settings(settings_path), open_source=open_source)
        qtbot.addWidget(win, before_close_func=lambda w: w.document.mark_saved(w.document.path))
        win.resize(1400, 900)
        win.show()
        qtbot.waitExposed(win)
        return win
    return make


def assert_uses_the_saved_project(window: MainWindow, path: str, origin: str) -> None:
    project = load_project(path)
    source = window.inspect.source
    assert source.trained
    assert "untrained" not in source.description().lower()
    assert origin in source.description()
    assert "untrained" not in window.inspect.draw.status.text().lower()
    for view in (window.inspect.inside, window.inspect.filters):  # Look inside, filters
        view.refresh()
        assert view.header.text() == source.description()

    draw = window.inspect.draw
    draw_with_mouse(draw.pad, DIGITS[7])
    assert draw.digit is not None
    expected = saved_prediction(project, draw.digit)
    assert np.allclose(draw.bars.probabilities, expected, atol=1e-5)
    assert int(np.argmax(draw.bars.probabilities)) == int(np.argmax(expected))
    # A test digit of the dataset, as the pad would hand it to the network.
    data = load_dataset(project.training.dataset)
    images = data.x_test[:50].astype(np.float32) / 255.0
    answers = saved_prediction_batch(project, images.reshape(50, -1)).argmax(axis=1)
    index = int(np.flatnonzero(answers == data.y_test[:50])[0])  # one it gets right
    draw.digit = images[index]
    draw.update_prediction()
    assert np.allclose(draw.bars.probabilities, saved_prediction(project, images[index]),
                       atol=1e-5)
    assert f"It looks like {data.y_test[index]}" in draw.answer.text()
    assert source.viewer is not None
    sample = np.random.default_rng(0).random((3, 784), dtype=np.float32)
    assert np.allclose(source.viewer.predict(sample),
                       saved_prediction_batch(project, sample), atol=1e-5)

    loss = window.training.dashboard.loss_view
    window.training.dashboard.refresh()
    assert loss.status.text() != "No run yet"
    history = project.history
    assert len(loss.batch_losses()) == len(history["batch_loss"])
    assert np.allclose(loss.batch_losses(), history["batch_loss"])
    assert np.allclose(loss.epoch_series("val_accuracy"), history["val_accuracy"])
    x, y = loss.plotted("raw")
    assert len(x) == len(history["batch_loss"])


def saved_prediction_batch(project: Project, x: np.ndarray) -> np.ndarray:
    network = build_network(project.network, project.training)
    network.set_weights(project.weights)
    network.set_training(False)
    return np.asarray(network.predict(x))


def test_open_on_the_command_line_uses_the_saved_weights_and_history(
        qtbot, make_window, trained_path) -> None:
    window = make_window(open_source=trained_path)
    assert_uses_the_saved_project(window, trained_path, "saved in mlp.nnstudio")


@pytest.mark.parametrize("door", sorted(DOORS))
def test_every_door_uses_the_saved_weights_and_history(
        qtbot, make_window, trained_path, monkeypatch, door) -> None:
    window = make_window()
    DOORS[door](window, trained_path, monkeypatch)
    origin = "recovered" if door == "recovery" else "saved in mlp.nnstudio"
    assert_uses_the_saved_project(window, trained_path, origin)


@pytest.mark.parametrize("choice", ["continue", "fresh"])
def test_train_after_opening_asks_whether_to_continue_and_says_which(
        qtbot, make_window, trained_path, monkeypatch, tmp_path, choice) -> None:
    window = make_window(open_source=trained_path)
    asked = []
    monkeypatch.setattr(dialogs, "ask_continue_training",
                        lambda parent, name: asked.append(name) or choice)
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    controller = window.training.controller
    with qtbot.waitSignal(controller.run_finished, timeout=60000):
        window.actions.train_start.trigger()
    qtbot.waitUntil(lambda: controller.state is RunState.IDLE, timeout=20000)
    assert asked == [f"saved in {Path(trained_path).name}"]
    said = " ".join(messages).lower()
    first_loss = window.training.dashboard.loss_view.batch_losses()[0]
    if choice == "continue":
        assert "continuing from the weights saved in" in said
        assert first_loss < 1.0  # the trained network's loss, not a fresh one's (~2.3)
    else:
        assert "fresh" in said
        assert first_loss > 1.5
    # Asked once: the weights are now this run's, and the next Start asks nothing.
    assert window.training.saved_origin == ""


def test_cancelling_the_question_starts_nothing(qtbot, make_window, trained_path,
                                                monkeypatch) -> None:
    window = make_window(open_source=trained_path)
    monkeypatch.setattr(dialogs, "ask_continue_training", lambda parent, name: None)
    window.actions.train_start.trigger()
    assert window.training.controller.state is RunState.IDLE


def test_step_after_opening_asks_too(qtbot, make_window, trained_path, monkeypatch) -> None:
    window = make_window(open_source=trained_path)
    asked = []
    monkeypatch.setattr(dialogs, "ask_continue_training",
                        lambda parent, name: asked.append(name) or "continue")
    controller = window.training.controller
    window.actions.train_step.trigger()
    qtbot.waitUntil(lambda: len(window.training.dashboard.loss_view.batch_losses()) == 1,
                    timeout=60000)
    assert asked == ["saved in mlp.nnstudio"]
    assert window.training.dashboard.loss_view.batch_losses()[0] < 1.0  # trained weights
    with qtbot.waitSignal(controller.run_finished, timeout=20000):
        window.actions.train_stop.trigger()
    qtbot.waitUntil(lambda: controller.state is RunState.IDLE, timeout=20000)


def _project_with(path: str, folder: Path, name: str, change) -> str:  # noqa: ANN001
    from nnstudio.files.project import save_project

    project = load_project(path)
    change(project.weights)
    target = str(folder / name)
    save_project(target, project)
    return target


def test_nan_weights_are_refused_by_name_and_the_views_stay_untrained(
        make_window, trained_path, tmp_path, monkeypatch) -> None:
    def poison(weights: dict) -> None:
        weights["dense2"]["W"][0, 0] = np.nan
    path = _project_with(trained_path, tmp_path, "nan.nnstudio", poison)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text: warned.append(text)))
    window = make_window()
    window.open_file(path)
    assert len(warned) == 1
    assert "nan.nnstudio" in warned[0] and "dense2.W" in warned[0] and "NaN" in warned[0]
    assert not window.inspect.source.trained
    assert "Loaded the trained weights" not in window.statusBar().currentMessage()
    assert window.training.weights is None


def test_weights_missing_a_layer_load_with_a_note(make_window, trained_path, tmp_path,
                                                  monkeypatch) -> None:
    path = _project_with(trained_path, tmp_path, "partial.nnstudio",
                         lambda weights: weights.pop("dense2"))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(
        lambda *a: pytest.fail(f"no warning expected: {a[2]}")))
    window = make_window()
    window.open_file(path)
    assert window.inspect.source.trained
    message = window.statusBar().currentMessage()
    assert "Loaded the trained weights" in message
    assert "no saved weights for dense2" in message and "starting weights" in message
