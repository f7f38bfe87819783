"""A training process that stops answering (SIGSTOP: every thread of it, its heartbeat
too) is noticed: the window says so, Stop ends it, Start ends it and starts anew, and
closing does not wait for it. The silence threshold is shortened for the tests."""

from __future__ import annotations

import os
import signal
from dataclasses import replace

import pytest

from nnstudio.running.training_process.state import RunState
from nnstudio.spec.presets import load_preset

SILENCE = 1.0


@pytest.fixture
def frozen(qtbot, window):  # noqa: ANN001, ANN201
    """The window with a long xor run whose training process was then stopped (SIGSTOP)
    and has been noticed; SIGCONT and a kill in the clean-up, whatever the test did."""
    preset = load_preset("xor-mlp")
    window.document.replace(preset.network, replace(preset.training, epochs=100_000))
    controller = window.training.controller
    controller.silence_seconds = SILENCE
    window.actions.train_start.trigger()
    qtbot.waitUntil(lambda: controller.state is RunState.RUNNING, timeout=30000)
    process = controller._process
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    os.kill(process.pid, signal.SIGSTOP)
    qtbot.waitUntil(lambda: controller.state is RunState.UNRESPONSIVE, timeout=30000)
    yield window, process, messages
    if process.alive:
        os.kill(process.pid, signal.SIGCONT)
        process.kill()


def test_silence_is_shown_and_stop_ends_the_process(qtbot, frozen) -> None:
    window, process, messages = frozen
    controller = window.training.controller
    assert any("has not answered" in m for m in messages)
    assert "not answering" in window.training.panel.progress_label.text()
    assert window.actions.train_stop.isEnabled() and window.actions.train_start.isEnabled()
    window.actions.train_stop.trigger()  # (a problem dialog would fail the test)
    qtbot.waitUntil(lambda: controller.state is RunState.IDLE, timeout=20000)
    assert not process.alive
    assert any("Ended the training process" in m for m in messages)
    assert controller.viewer.weights(), "the last weights it published are kept"
    assert window.training.weights and window.document.is_modified  # ...and can be saved


def test_start_ends_the_silent_process_and_starts_anew(qtbot, frozen) -> None:
    window, process, messages = frozen
    controller = window.training.controller
    window.actions.train_start.trigger()
    qtbot.waitUntil(lambda: controller.state is RunState.RUNNING and controller._process is not None
                    and controller._process is not process, timeout=30000)
    assert not process.alive
    with qtbot.waitSignal(controller.run_finished, timeout=20000):
        window.actions.train_stop.trigger()
    qtbot.waitUntil(lambda: controller.state is RunState.IDLE, timeout=20000)


def test_sigcont_brings_it_back(qtbot, frozen) -> None:
    window, process, messages = frozen
    controller = window.training.controller
    os.kill(process.pid, signal.SIGCONT)
    qtbot.waitUntil(lambda: controller.state is RunState.RUNNING, timeout=30000)
    assert any("answers again" in m for m in messages)
    with qtbot.waitSignal(controller.run_finished, timeout=20000):
        window.actions.train_stop.trigger()
    qtbot.waitUntil(lambda: controller.state is RunState.IDLE, timeout=20000)


def test_closing_does_not_wait_for_a_silent_process(qtbot, frozen) -> None:
    window, process, messages = frozen
    controller = window.training.controller
    # A limit of ten minutes: this returns only because the silence is noticed.
    assert controller.shutdown(timeout_ms=600_000)
    assert not process.alive and not controller.running
