"""The training's timeline in the window: a project trained on the command line opens with
its checkpoints; the slider puts each checkpoint's exact weights in the views and the pad
(which answers as a headless build at that checkpoint); Save keeps them; a run continues
from a checkpoint as a branch, and the earlier run stays in the loss plot."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from nnstudio import cli
from nnstudio.app.main_window import MainWindow
from nnstudio.engine.events import Checkpoint
from nnstudio.files.project import load_project
from nnstudio.running.build import build_network
from nnstudio.running.checkpoints import checkpoint_steps
from nnstudio.running.session import create_session
from nnstudio.running.training_process.state import RunState
from tests.app.helpers import train_to_the_end
from tests.app.inspect.strokes import DIGITS, draw_with_mouse
from tests.running.test_checkpoints import same_weights


@cache
def _trained(folder: str) -> str:
    path = str(Path(folder) / "timeline.nnstudio")
    assert cli.main(["train", "mlp-784-100-10", "--epochs", "1", "--save", path]) == 0
    return path


@pytest.fixture
def trained_path(tmp_path_factory) -> str:
    """``nnstudio train mlp-784-100-10 --epochs 1 --save timeline.nnstudio``, once."""
    return _trained(str(tmp_path_factory.getbasetemp()))


def open_window(qtbot, source: str) -> MainWindow:
    """A window on ``source``, closed without a save prompt at the end of the test."""
    window = MainWindow(persist=False, interactive=False, open_source=source)
    qtbot.addWidget(window, before_close_func=lambda w: w.document.mark_saved(w.document.path))
    window.show()
    return window


def shoot(window: MainWindow, name: str) -> None:
    """Screenshots of the dashboard when NNSTUDIO_SHOTS names a folder."""
    folder = os.environ.get("NNSTUDIO_SHOTS")
    if not folder:
        return
    window.training.tabs.setCurrentIndex(1)
    for width, height in ((1024, 700), (1400, 900), (1920, 1080)):
        window.resize(width, height)
        window.training.dashboard.refresh()
        window.grab().save(str(Path(folder) / f"{name}-{width}x{height}.png"))


def headless_answer(project, weights: dict, digit: np.ndarray) -> np.ndarray:
    network = build_network(project.network, project.training)
    network.set_weights(weights)
    network.set_training(False)
    return np.asarray(network.predict(digit.reshape(1, -1).astype(np.float32))).reshape(-1)


def test_scrubbing_a_saved_timeline_restores_each_checkpoint(qtbot, trained_path, tmp_path):
    project = load_project(trained_path)
    assert len(project.checkpoints) == 7  # the start, 5 in the first epoch, its end
    window = open_window(qtbot, trained_path)
    timeline, draw = window.timeline, window.inspect.draw
    assert len(timeline.timeline) == len(project.checkpoints)
    assert timeline.panel.slider.isEnabled()  # idle: it scrubs
    draw_with_mouse(draw.pad, DIGITS[3])
    answers = []
    for index in range(len(project.checkpoints)):
        timeline.panel.slider.setValue(index)  # as a person drags it
        weights = project.checkpoints[index].weights
        assert same_weights(window.inspect.source.viewer.weights(), weights)
        expected = headless_answer(project, weights, draw.digit)
        np.testing.assert_allclose(draw.bars.probabilities, expected, rtol=1e-5, atol=1e-7)
        assert "checkpoint at" in window.inspect.source.description()
        answers.append(expected)
    assert not np.allclose(answers[0], answers[-1])  # the network learned something

    timeline.refresh_timelapse()  # the time-lapse: one row per checkpoint, as the pad said
    np.testing.assert_allclose(timeline.panel.timelapse.probabilities, np.array(answers),
                               rtol=1e-5, atol=1e-7)

    again = tmp_path / "again.nnstudio"  # the window's own Save keeps the timeline
    assert window.save_to(str(again))
    saved = load_project(again).checkpoints
    assert [c.step for c in saved] == [c.step for c in project.checkpoints]
    assert all(same_weights(a.weights, b.weights)
               for a, b in zip(saved, project.checkpoints, strict=True))


def test_an_old_project_opens_with_an_empty_timeline(qtbot, tmp_path):
    path = tmp_path / "plain.nnstudio"
    assert cli.main(["train", "xor-mlp", "--epochs", "2", "--save", str(path)]) == 0
    project = load_project(path)
    project.checkpoints = []
    from nnstudio.files.project import save_project

    save_project(path, project)
    window = open_window(qtbot, str(path))
    assert len(window.timeline.timeline) == 0
    assert not window.timeline.panel.slider.isEnabled()
    assert not window.timeline.show_checkpoint(0)


def test_training_continues_from_a_checkpoint_as_a_branch(qtbot):
    window = open_window(qtbot, "xor-mlp")
    train_to_the_end(qtbot, window, epochs=40, schedule="constant")
    controller = window.training.controller
    first = window.timeline.timeline
    assert first.origin.startswith("run 1") and first[-1].epoch == 40
    index = next(i for i, c in enumerate(first) if c.epoch == 10)

    with qtbot.waitSignal(controller.run_finished, timeout=30000):
        assert window.timeline.branch(index)
    qtbot.waitUntil(lambda: controller.state is RunState.IDLE, timeout=10000)
    branch = window.timeline.timeline
    assert "from run 1 at epoch 10" in branch.origin
    assert branch.branch_point == index
    assert all(a is b for a, b in zip(branch.checkpoints[:index + 1],
                                      first.checkpoints[:index + 1], strict=True))
    assert branch[-1].epoch == 10 + 40 and branch[-1].step == first[index].step + 40

    # The branch trained from the checkpoint's weights: a headless run from them agrees.
    spec, settings = window.document.snapshot()
    session = create_session(spec, settings, weights=first[index].weights)
    session.trainer.config.checkpoint_steps = checkpoint_steps
    own = [e for e in session.trainer.run() if isinstance(e, Checkpoint)]
    for mine, theirs in zip(own[1:], branch.checkpoints[index + 1:], strict=True):
        for node, arrays in mine.weights.items():
            for name, array in arrays.items():
                np.testing.assert_allclose(theirs.weights[node][name], array, rtol=1e-5,
                                           atol=1e-6)
    # The earlier run stays in the loss plot, to compare with the branch.
    loss_view = window.training.dashboard.loss_view
    labels = loss_view.overlay_labels()
    assert any(label.startswith("run 1") for label in labels)
    # The branch's curves begin at its branch epoch, after run 1's first 10 epochs.
    window.training.dashboard.refresh()
    batch_x = loss_view.batch_epochs()
    assert 10 < batch_x[0] <= 11 and batch_x[-1] == pytest.approx(50)
    np.testing.assert_array_equal(loss_view.epoch_series("epoch"), np.arange(11, 51))
    # So do the other views: the gradient norms, and the epoch the confusion matrix and the
    # misclassified samples name (the branch's 40th epoch is epoch 50).
    dashboard = window.training.dashboard
    norms_x = next(iter(dashboard.gradients_view.series.values())).column(0)
    assert 10 <= norms_x[0] and norms_x[-1] == pytest.approx(50)
    assert dashboard.confusion_view.plot.titleLabel.text.startswith("Epoch 50:")
    assert "(epoch 50, measured on" in window.training.health_panel.header.text()
    shoot(window, "branch-loss")
    window.document.mark_saved(window.document.path)
    window.close()


def test_the_recovery_file_keeps_the_timeline(qtbot, trained_path):
    window = open_window(qtbot, trained_path)
    window.document.mark_modified()  # unsaved work: the autosave writes it
    assert window.autosaver.autosave()
    recovered = load_project(window.autosaver.path)
    assert [c.step for c in recovered.checkpoints] == \
        [c.step for c in load_project(trained_path).checkpoints]


def test_continuing_from_saved_weights_branches_the_saved_timeline(qtbot, trained_path,
                                                                   tmp_path):
    window = open_window(qtbot, trained_path)  # not interactive: Start continues
    saved = list(window.timeline.timeline.checkpoints)
    train_to_the_end(qtbot, window, timeout_ms=60000, epochs=1)
    branch = window.timeline.timeline
    assert "from timeline.nnstudio at epoch 1" in branch.origin
    assert branch.branch_point == len(saved) - 1
    assert all(a is b for a, b in zip(branch.checkpoints[:len(saved)], saved, strict=True))
    assert branch[-1].epoch == 2 and len(branch) > len(saved)
    window.training.dashboard.refresh()
    assert window.training.dashboard.loss_view.batch_epochs()[0] > 1  # begins at epoch 1
    again = tmp_path / "continued.nnstudio"
    assert window.save_to(str(again))
    assert [c.epoch for c in load_project(again).checkpoints] == [c.epoch for c in branch]
    shoot(window, "continued-from-saved")
