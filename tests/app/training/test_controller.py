"""The training controller and its worker thread: real runs, controls, a clean shutdown."""

from __future__ import annotations

from dataclasses import replace

import pytest

from nnstudio.app.training.controller import TrainingController
from nnstudio.engine.events import EpochEnd, Finished, Snapshot
from nnstudio.running.training_process.state import RunState
from nnstudio.spec.presets import load_preset


class RecordingDashboard:
    """Stands in for the plots: records what the controller feeds it, on the GUI thread."""

    def __init__(self) -> None:
        self.contexts, self.batches, self.epochs, self.snapshots = [], [], [], []
        self.finished: list[Finished] = []
        self.diverged = []

    def start_run(self, context, viewer) -> None:
        self.contexts.append(context)

    def on_batch(self, event) -> None:
        self.batches.append(event)

    def on_epoch(self, event: EpochEnd) -> None:
        self.epochs.append(event)

    def on_snapshot(self, event: Snapshot) -> None:
        self.snapshots.append(event)

    def on_finished(self, event: Finished) -> None:
        self.finished.append(event)

    def on_diverged(self, event) -> None:
        self.diverged.append(event)


@pytest.fixture
def controller(qtbot):
    ctl = TrainingController()
    yield ctl
    ctl.shutdown()


@pytest.fixture
def board(controller) -> RecordingDashboard:
    """What the controller attached to it feeds (as the window attaches its dashboard)."""
    recording = RecordingDashboard()
    controller.attach(recording)
    return recording


def xor_setup(epochs: int = 300):
    preset = load_preset("xor-mlp")
    return preset.network, replace(preset.training, epochs=epochs)


def test_a_run_feeds_every_event_and_ends_idle(qtbot, controller, board) -> None:
    spec, training = xor_setup(epochs=2000)
    states = []
    controller.state_changed.connect(states.append)
    with qtbot.waitSignal(controller.run_finished, timeout=20000):
        assert controller.start(spec, training)
    qtbot.waitUntil(lambda: controller.state is RunState.IDLE, timeout=5000)
    assert board.contexts[0].label.startswith("run 1: sgd lr 2")
    assert len(board.batches) == 2000  # every batch reached the views, in blocks
    assert [b.step for b in board.batches] == list(range(1, 2001))
    assert board.finished[0].reason == "completed"
    assert board.snapshots, "the views got weight snapshots"
    assert states[0] is RunState.STARTING and RunState.RUNNING in states
    assert states[-1] is RunState.IDLE
    # The viewer holds the final weights: it solves XOR.
    import numpy as np
    out = controller.viewer.predict(np.array([[0, 0], [0, 1], [1, 0], [1, 1]]))
    assert list((out[:, 0] > 0.5).astype(int)) == [0, 1, 1, 0]


def test_editing_the_spec_during_a_run_changes_nothing(qtbot, controller) -> None:
    spec, training = xor_setup(epochs=200)
    with qtbot.waitSignal(controller.run_finished, timeout=20000):
        controller.start(spec, training)
        spec.node("dense1").params["units"] = 7  # the canvas edits its own document
    assert controller.viewer.network.layer("dense1").params["W"].shape == (2, 2)


def test_pause_step_resume_and_stop(qtbot, controller, board) -> None:
    spec, training = xor_setup(epochs=100000)
    controller.start(spec, training)
    qtbot.waitUntil(lambda: len(board.batches) > 10, timeout=10000)
    controller.pause()
    assert controller.state is RunState.PAUSED
    qtbot.wait(300)
    count = len(board.batches)
    qtbot.wait(300)
    paused_count = len(board.batches)
    assert paused_count - count <= 1, "no batches while paused"
    controller.step()
    qtbot.waitUntil(lambda: len(board.batches) == paused_count + 1, timeout=5000)
    qtbot.wait(200)
    assert len(board.batches) == paused_count + 1
    controller.resume()
    qtbot.waitUntil(lambda: len(board.batches) > paused_count + 50,
                    timeout=10000)
    with qtbot.waitSignal(controller.run_finished, timeout=10000) as blocker:
        controller.stop()
    assert blocker.args[0].reason == "stopped"


def test_step_from_idle_runs_exactly_one_batch(qtbot, controller, board) -> None:
    spec, training = xor_setup(epochs=100)
    controller.step(spec, training)
    qtbot.waitUntil(lambda: len(board.batches) == 1, timeout=10000)
    qtbot.wait(300)
    assert len(board.batches) == 1
    assert controller.state is RunState.PAUSED


def test_divergence_is_reported_and_keeps_last_good_weights(qtbot, controller) -> None:
    preset = load_preset("mlp-784-100-10")
    problems = []
    controller.problem.connect(lambda title, text: problems.append((title, text)))
    with qtbot.waitSignal(controller.run_finished, timeout=30000) as blocker:
        controller.start(preset.network, replace(preset.training, optimizer="sgd", lr=100.0))
    assert blocker.args[0].reason == "diverged"
    assert problems and problems[0][0] == "Training diverged"
    assert "last good weights were restored" in problems[0][1]
    import numpy as np
    for arrays in controller.viewer.weights().values():
        for array in arrays.values():
            assert np.all(np.isfinite(array))


def test_an_invalid_network_refuses_to_train_and_says_why(qtbot, controller) -> None:
    spec, training = xor_setup()
    spec.node("dense1").params["units"] = 0
    problems = []
    controller.problem.connect(lambda title, text: problems.append(text))
    assert not controller.start(spec, training)
    assert "dense1: units must be at least 1" in problems[0]
    assert controller.state is RunState.IDLE


def test_shutdown_mid_run_stops_the_thread(qtbot, controller, board) -> None:
    spec, training = xor_setup(epochs=100000)
    controller.start(spec, training)
    qtbot.waitUntil(lambda: len(board.batches) > 5, timeout=10000)
    assert controller.shutdown(timeout_ms=5000)
    assert not controller.running


def test_a_training_process_that_dies_is_reported_and_the_window_goes_idle(
        qtbot, controller, board, progress) -> None:
    import os
    import signal

    spec, training = xor_setup(epochs=100000)
    problems = []
    controller.problem.connect(lambda title, text: problems.append((title, text)))
    controller.start(spec, training)
    qtbot.waitUntil(lambda: len(board.batches) > 5, timeout=10000)
    os.kill(controller._process.pid, signal.SIGKILL)  # as the system does when out of memory
    qtbot.waitUntil(lambda: controller.state is RunState.IDLE, timeout=10000)
    assert problems == [("Training stopped", "The training process ended unexpectedly: it "
                         "was killed by SIGKILL (the system may have run out of memory)")]
    assert not controller.running
    assert controller.viewer.weights(), "the last weights it published stay in the views"
    assert progress[-1][1].startswith("ended without finishing · epoch ")


def test_the_training_runs_in_another_process(qtbot, controller) -> None:
    import os

    spec, training = xor_setup(epochs=100000)
    controller.start(spec, training)
    qtbot.waitUntil(lambda: controller._process is not None and controller._process.alive,
                    timeout=10000)
    assert controller._process.pid != os.getpid()
    with qtbot.waitSignal(controller.run_finished, timeout=10000):
        controller.stop()


def test_the_next_run_starts_in_a_spare_process_and_closing_lets_it_go(
        qtbot, controller) -> None:
    spec, training = xor_setup(epochs=20)
    with qtbot.waitSignal(controller.run_finished, timeout=20000):
        controller.start(spec, training)
    qtbot.waitUntil(lambda: controller.state is RunState.IDLE, timeout=5000)
    spare = controller._spare
    assert spare is not None and spare.alive, "a spare waits for the next run"
    with qtbot.waitSignal(controller.run_finished, timeout=20000) as finished:
        controller.start(spec, training)
        assert controller._process is spare
    assert finished.args[0].reason == "completed"
    qtbot.waitUntil(lambda: controller.state is RunState.IDLE, timeout=5000)
    last_spare = controller._spare
    controller.shutdown()
    assert controller._spare is None and not last_spare.alive


def test_a_bug_in_the_training_process_is_logged_for_a_report(
        qtbot, controller, monkeypatch, tmp_path) -> None:
    import nnstudio.app.training.controller as module

    written = []

    def log(text: str):  # noqa: ANN202
        written.append(text)
        return tmp_path / "nnstudio.log"

    monkeypatch.setattr(module, "write_error_log", log)
    problems = []
    controller.problem.connect(lambda title, text: problems.append((title, text)))
    controller.state, controller._job = RunState.RUNNING, object()  # as during a run
    controller._on_failed("ZeroDivisionError: division by zero\n\nTraceback (most recent call "
                          "last): ...")
    assert written and "Traceback" in written[0]
    title, text = problems[0]
    assert title == "Training stopped" and text.startswith("ZeroDivisionError")
    assert str(tmp_path / "nnstudio.log") in text
    controller._on_failed("The network ends in 5 outputs but MNIST has 10 classes")
    assert len(written) == 1, "a setting to change is not logged as a bug"
    controller.state, controller._job = RunState.IDLE, None


def test_after_resume_the_run_stays_running(qtbot, controller, board) -> None:
    """The trainer reports a pause when it leaves it; that late report must not turn a
    resumed run back to "paused"."""
    spec, training = xor_setup(epochs=100000)
    states = []
    controller.state_changed.connect(states.append)
    controller.start(spec, training)
    qtbot.waitUntil(lambda: len(board.batches) > 10, timeout=10000)
    controller.pause()
    qtbot.wait(300)
    controller.resume()
    count = len(board.batches)
    qtbot.waitUntil(lambda: len(board.batches) > count + 50, timeout=10000)
    assert controller.state is RunState.RUNNING
    assert states[-2:] == [RunState.PAUSED, RunState.RUNNING]
    with qtbot.waitSignal(controller.run_finished, timeout=10000):
        controller.stop()


def test_closing_while_the_run_starts_shows_nothing_late(qtbot, controller, board) -> None:
    spec, training = xor_setup(epochs=100000)
    controller.start(spec, training)
    assert controller.shutdown(timeout_ms=10000)
    qtbot.wait(300)  # anything the worker had queued is delivered now
    assert controller.state is RunState.IDLE and not controller.running
    assert not board.contexts, "no run appears after the window closed"


# -- the progress line tells the truth in every state ------------------------------------

@pytest.fixture
def progress(controller) -> list[tuple[float, str]]:
    seen: list[tuple[float, str]] = []
    controller.progress.connect(lambda fraction, text: seen.append((fraction, text)))
    return seen


def extrapolates(text: str) -> bool:
    return "samples/s" in text or "left" in text


def test_a_finished_run_shows_a_full_bar_that_says_finished(
        qtbot, controller, board, progress) -> None:
    spec, training = xor_setup(epochs=500)
    with qtbot.waitSignal(controller.run_finished, timeout=20000):
        assert controller.start(spec, training)
    fraction, text = progress[-1]
    assert fraction == 1.0
    assert text.startswith("finished") and "500 epochs" in text and not extrapolates(text)


def test_a_stopped_run_shows_no_time_left(qtbot, controller, board, progress) -> None:
    spec, training = xor_setup(epochs=100000)
    controller.start(spec, training)
    qtbot.waitUntil(lambda: len(board.batches) > 10, timeout=10000)
    with qtbot.waitSignal(controller.run_finished, timeout=10000):
        controller.stop()
    fraction, text = progress[-1]
    assert fraction < 1.0
    assert text.startswith("stopped") and "of 100000 epochs" in text
    assert not extrapolates(text)


def test_a_paused_run_says_paused(qtbot, controller, board, progress) -> None:
    spec, training = xor_setup(epochs=100000)
    controller.start(spec, training)
    qtbot.waitUntil(lambda: len(board.batches) > 10, timeout=10000)
    controller.pause()
    qtbot.wait(300)
    _, text = progress[-1]
    assert text.startswith("paused") and not extrapolates(text)


def test_steps_show_where_the_run_is_without_a_rate(qtbot, controller, board, progress) -> None:
    spec, training = xor_setup(epochs=100)
    controller.step(spec, training)
    qtbot.waitUntil(lambda: len(board.batches) == 1, timeout=10000)
    controller.step()
    qtbot.waitUntil(lambda: len(board.batches) == 2, timeout=10000)
    qtbot.waitUntil(lambda: "epoch 2/100" in progress[-1][1], timeout=5000)
    assert not any(extrapolates(text) for _, text in progress)
    fraction, text = progress[-1]
    assert text == "stepped · epoch 2/100, batch 1/1"  # xor: one batch per epoch
    assert fraction == pytest.approx(2 / 100)
