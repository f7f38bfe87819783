"""Training in the window: responsiveness, throughput with every view open, clean closing
(the measurements are `nnstudio bench --app`'s)."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from nnstudio.app.training.app_benchmark import event_loop_delay, throughput
from nnstudio.running.training_process.state import RunState
from nnstudio.spec.presets import load_preset


def load_into(window, preset_name: str, **changes) -> None:
    preset = load_preset(preset_name)
    window.document.replace(preset.network, replace(preset.training, **changes))


def test_gui_stays_responsive_while_training_the_small_cnn(qtbot, window) -> None:
    """A 10 ms timer on the GUI thread, from the moment the run is set up (views built,
    training process started) to its end: how late does it fire?"""
    delay = event_loop_delay(window, "small-cnn", epochs=1)
    print(f"event-loop delay while training small-cnn: median {delay['median_ms']:.1f} ms, "
          f"p99 {delay['p99_ms']:.1f} ms, max {delay['max_ms']:.1f} ms over "
          f"{delay['probes']:.0f} probes")
    # The target is 50 ms (`nnstudio bench --app` measures it: 31-43 ms on a 2-core
    # machine); the test guards at twice that, so a slower CI machine does not fail it but
    # training back on the GUI process's GIL (hundreds of ms) would.
    assert delay["p99_ms"] < 100


def test_throughput_with_every_view_open_is_close_to_headless(qtbot, window) -> None:
    rates = throughput(window, "mlp-784-100-10", epochs=6)
    print(f"throughput: app {rates['app_samples_per_second']:,.0f} samples/s, headless "
          f"{rates['headless_samples_per_second']:,.0f} samples/s, ratio {rates['ratio']:.2f}, "
          f"window {rates['window_cpu_cores']:.2f} cores")
    if (os.cpu_count() or 1) >= 2:
        # The target is 0.85 (measured 0.86-1.09 by `nnstudio bench --app`); half of it
        # still tells a training process from a thread fighting the views for the GIL
        # (0.43-0.67 before).
        assert rates["ratio"] > 0.5


def test_closing_mid_run_stops_cleanly(qtbot, window) -> None:
    load_into(window, "small-cnn", epochs=50)
    controller = window.training.controller
    window.actions.train_start.trigger()
    qtbot.waitUntil(lambda: controller.state is RunState.RUNNING, timeout=30000)
    qtbot.wait(300)
    window.document.mark_saved(window.document.path)
    window.close()
    assert not controller.running


@pytest.mark.parametrize("preset", ["xor-mlp"])
def test_train_actions_follow_the_run(qtbot, window, preset) -> None:
    load_into(window, preset, epochs=100000)
    a = window.actions
    assert a.train_start.isEnabled() and not a.train_pause.isEnabled()
    a.train_start.trigger()
    qtbot.waitUntil(lambda: a.train_pause.isEnabled(), timeout=10000)
    a.train_pause.trigger()
    qtbot.waitUntil(lambda: a.train_start.text() == "&Resume", timeout=5000)
    a.train_step.trigger()
    a.train_start.trigger()
    qtbot.waitUntil(lambda: a.train_pause.isEnabled(), timeout=5000)
    with qtbot.waitSignal(window.training.controller.run_finished, timeout=10000):
        a.train_stop.trigger()
    qtbot.waitUntil(lambda: not a.train_stop.isEnabled(), timeout=5000)
