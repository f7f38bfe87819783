"""What training costs the window, and what the window costs training.

``event_loop_delay``: a 10 ms timer on the GUI thread while the window trains a preset with
every view showing; how late each tick fires (the target: 99th percentile under 50 ms).
``throughput``: samples per second with every view open against the same preset trained
headless in this process on one BLAS thread, as the app's training process uses (the
target: at least 0.85). Both run in ``nnstudio bench --app`` and in the test suite.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import replace
from typing import Any

import numpy as np
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from nnstudio.engine.events import BatchEnd
from nnstudio.spec.presets import load_preset

DELAY_PRESET, DELAY_EPOCHS = "small-cnn", 3
THROUGHPUT_PRESET, THROUGHPUT_EPOCHS = "mlp-784-100-10", 8
DASHBOARD_TAB = 1


def train_in_window(window: Any, preset_name: str, epochs: int, on_started=None,  # noqa: ANN001
                    timeout_s: float = 300.0) -> list[BatchEnd]:
    """Train ``preset_name`` for ``epochs`` in ``window`` with the dashboard showing; the
    batch events the run sent its listeners (the dashboard among them). ``on_started()``
    runs when the run's views are set up."""
    preset = load_preset(preset_name)
    window.document.replace(preset.network, replace(preset.training, epochs=epochs))
    window.training.tabs.setCurrentIndex(DASHBOARD_TAB)
    controller = window.training.controller
    recorder = BatchRecorder()
    loop = QEventLoop()
    outcome: list[str] = []

    def finished(event: Any) -> None:  # noqa: ANN401
        outcome.append(event.reason)
        loop.quit()

    def problem(_title: str, text: str) -> None:
        outcome.append(text)

    def started(_context: Any) -> None:  # noqa: ANN401
        if on_started is not None:
            on_started()

    controller.attach(recorder)
    connections = [(controller.run_finished, finished), (controller.problem, problem),
                   (controller.run_started, started)]
    for signal, slot in connections:
        signal.connect(slot)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    try:
        window.actions.train_start.trigger()
        loop.exec()
    finally:
        controller.detach(recorder)
        for signal, slot in connections:
            signal.disconnect(slot)
    deadline = time.perf_counter() + 30
    while controller.running and time.perf_counter() < deadline:  # the process winds down
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    if outcome[-1:] != ["completed"]:
        controller.shutdown()
        raise RuntimeError(f"the benchmark run did not complete: {outcome or 'timed out'}")
    return recorder.batches


class BatchRecorder:
    """A RunListener that keeps the batch events of the runs it follows."""

    def __init__(self) -> None:
        self.batches: list[BatchEnd] = []

    def start_run(self, context: object, viewer: object) -> None:
        pass

    def on_batch(self, event: BatchEnd) -> None:
        self.batches.append(event)

    def on_epoch(self, event: object) -> None:
        pass

    def on_snapshot(self, event: object) -> None:
        pass

    def on_diverged(self, event: object) -> None:
        pass

    def on_finished(self, event: object) -> None:
        pass


def event_loop_delay(window: Any, preset_name: str = DELAY_PRESET,  # noqa: ANN401
                     epochs: int = DELAY_EPOCHS) -> dict[str, float]:
    """Milliseconds a 10 ms GUI-thread timer fires late while ``window`` trains."""
    delays: list[float] = []
    last = [0.0]

    def probe() -> None:
        now = time.perf_counter()
        delays.append((now - last[0]) * 1000 - 10)
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(probe)

    def start_probe() -> None:
        last[0] = time.perf_counter()
        timer.start(10)

    try:
        train_in_window(window, preset_name, epochs, on_started=start_probe)
    finally:
        timer.stop()
    array = np.asarray(delays)
    return {"median_ms": float(np.median(array)), "p99_ms": float(np.percentile(array, 99)),
            "max_ms": float(array.max()), "probes": float(len(array)), "target_p99_ms": 50.0}


def steady_rate(batches: list[BatchEnd]) -> float:
    """Samples per second after the first epoch (start-up costs excluded)."""
    first = next(b for b in batches if b.epoch == 1)
    last = batches[-1]
    return (last.samples_seen - first.samples_seen) / (last.seconds - first.seconds)


def headless_batches(preset_name: str, epochs: int) -> list[BatchEnd]:
    from threadpoolctl import threadpool_limits

    from nnstudio.running.session import create_session

    preset = load_preset(preset_name)
    session = create_session(preset.network, replace(preset.training, epochs=epochs))
    with threadpool_limits(limits=1, user_api="blas"):
        return [e for e in session.trainer.run() if isinstance(e, BatchEnd)]


def throughput(window: Any, preset_name: str = THROUGHPUT_PRESET,  # noqa: ANN401
               epochs: int = THROUGHPUT_EPOCHS) -> dict[str, float]:
    """Samples per second in the window (every view open) and headless, and their ratio."""
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    app_rate = steady_rate(train_in_window(window, preset_name, epochs))
    window_cpu = (time.process_time() - cpu_before) / (time.perf_counter() - wall_before)
    headless_rate = steady_rate(headless_batches(preset_name, epochs))
    return {"app_samples_per_second": app_rate, "headless_samples_per_second": headless_rate,
            "ratio": app_rate / headless_rate, "target_ratio": 0.85,
            "window_cpu_cores": window_cpu}


def run_app_benchmark(log=print) -> dict[str, dict[str, float]]:  # noqa: ANN001
    """Both measurements in an offscreen window with settings of its own."""
    from nnstudio.app.main_window import MainWindow
    from nnstudio.app.settings import make_settings

    if QApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        window = MainWindow(settings=make_settings(os.path.join(folder, "bench.ini")))
        window.resize(1400, 900)
        window.show()
        app.processEvents()
        try:
            delay = event_loop_delay(window)
            log(f"window while training {DELAY_PRESET} ({DELAY_EPOCHS} epochs, every view "
                f"open): event-loop delay median {delay['median_ms']:.1f} ms, p99 "
                f"{delay['p99_ms']:.1f} ms, max {delay['max_ms']:.1f} ms "
                f"(target p99 < 50 ms)")
            rates = throughput(window)
            log(f"throughput of {THROUGHPUT_PRESET} with every view open: "
                f"{rates['app_samples_per_second']:,.0f} samples/s, headless "
                f"{rates['headless_samples_per_second']:,.0f} -> ratio {rates['ratio']:.2f} "
                f"(target >= 0.85); the window's process used "
                f"{rates['window_cpu_cores']:.2f} of a core meanwhile")
        finally:
            window.document.mark_saved(window.document.path)
            window.close()
            window.deleteLater()
            app.processEvents()
    return {"event_loop": delay, "throughput": rates}
