"""Several training runs in the worker pool, followed from the window.

``PoolRuns`` hands a list of requests to ``nnstudio.experiments.local_pool.LocalPool`` (one
worker process per run, ``workers`` at a time) on a background thread and reports each run's
start, epochs and outcome as Qt signals, delivered on the GUI thread. ``stop()`` ends every
run (a worker is asked to stop, then killed); the window stays responsive throughout.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QPushButton, QSpinBox, QSplitter, QWidget

from nnstudio.app.background import BackgroundJob
from nnstudio.experiments.local_pool import LocalPool, RunFailed, RunStopped, default_workers
from nnstudio.experiments.trial_run import (
    BatchLosses,
    EpochProgress,
    TrainOutcome,
    TrainRequest,
)


class _PoolWorker(QObject):
    run_started = Signal(int)  # the run's index
    epoch = Signal(int, object)  # index, EpochProgress
    batches = Signal(int, object)  # index, BatchLosses (a request with batch_reports)
    outcome = Signal(int, object)  # index, TrainOutcome, or the RunFailed/RunStopped
    finished = Signal()

    def __init__(self, requests: Sequence[TrainRequest], pool: LocalPool) -> None:
        super().__init__()
        self.requests = list(requests)
        self.pool = pool

    @Slot()
    def run(self) -> None:
        def one(index: int) -> None:
            def started(_pid: int) -> None:
                self.run_started.emit(index)

            def epoch(progress: object) -> None:  # None: the pool must not stop the run
                self.epoch.emit(index, progress)

            def batches(losses: object) -> None:
                self.batches.emit(index, losses)

            try:
                result = self.pool.train(self.requests[index], on_start=started,
                                         on_epoch=epoch, on_batches=batches)
            except (RunFailed, RunStopped) as error:
                result = error
            self.outcome.emit(index, result)

        workers = min(self.pool.workers, max(1, len(self.requests)))
        try:
            with ThreadPoolExecutor(max_workers=workers,
                                    thread_name_prefix="nnstudio-pool-runs") as executor:
                list(executor.map(one, range(len(self.requests))))
        finally:
            self.pool.close()  # its spare workers too
        self.finished.emit()


class PoolRuns(QObject):
    """Train ``requests`` in parallel; signals arrive on the GUI thread."""

    run_started = Signal(int)
    epoch = Signal(int, object)
    batches = Signal(int, object)
    outcome = Signal(int, object)
    ended = Signal()

    def __init__(self, requests: Sequence[TrainRequest], workers: int | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = LocalPool(workers)
        worker = _PoolWorker(requests, self.pool)
        worker.run_started.connect(self.run_started)
        worker.epoch.connect(self.epoch)
        worker.batches.connect(self.batches)
        worker.outcome.connect(self.outcome)
        self.job = BackgroundJob(worker, self)
        self.job.ended.connect(self.ended)

    def start(self) -> None:
        self.job.start()

    @property
    def running(self) -> bool:
        return self.job.running

    def stop(self) -> None:
        """End every run under way (asked to stop, killed if it does not)."""
        self.pool.stop()

    def shutdown(self, timeout_ms: int = 15000) -> None:
        """Stop and wait for the thread: what closing the window does."""
        if self.job.running:
            self.pool.stop()
            self.job.wait(timeout_ms)


def outcome_state(outcome: object) -> str:
    """A run's State once it is over: why it ended when it trained, else stopped or failed."""
    if isinstance(outcome, TrainOutcome):
        return outcome.reason
    return "stopped" if isinstance(outcome, RunStopped) else "failed"


class PoolRunsPage(QWidget):
    """A page that trains a list of runs in the pool (the ensemble's members, the side-by-side
    variants): its Workers box, its Run and Stop buttons, and the runs' signals handed to
    ``_on_started``, ``_on_epoch``, ``_on_outcome`` and ``_on_ended``."""

    status = Signal(str)

    def __init__(self, run_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runs: PoolRuns | None = None
        self.workers = QSpinBox()
        self.workers.setRange(1, 64)
        self.workers.setValue(default_workers())
        self.workers.setToolTip("Worker processes training at once (one per core by default)")
        self.run_button = QPushButton(run_text)
        self.run_button.clicked.connect(self.start)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)

    @staticmethod
    def plots_over_table(plots: QWidget, table: QWidget) -> QSplitter:
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(plots)
        splitter.addWidget(table)
        return splitter

    @property
    def running(self) -> bool:
        return self.runs is not None and self.runs.running

    def start(self) -> None:
        raise NotImplementedError

    def launch(self, requests: Sequence[TrainRequest]) -> None:
        """Train ``requests`` in the pool, ``workers`` at a time."""
        self.runs = PoolRuns(requests, self.workers.value(), self)
        self.runs.run_started.connect(self._on_started)
        self.runs.epoch.connect(self._on_epoch)
        self.runs.batches.connect(self._on_batches)
        self.runs.outcome.connect(self._on_outcome)
        self.runs.ended.connect(self._on_ended)
        self.runs.start()
        self._set_running(True)

    def stop(self) -> None:
        if self.runs is not None:
            self.runs.stop()

    def shutdown(self) -> None:
        if self.runs is not None:
            self.runs.shutdown()

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.stop_button.setEnabled(running)

    def _on_started(self, index: int) -> None:
        raise NotImplementedError

    def _on_epoch(self, index: int, progress: EpochProgress) -> None:
        raise NotImplementedError

    def _on_batches(self, index: int, losses: BatchLosses) -> None:
        """A run's batches' losses, when its request asks for them: nothing by default."""

    def _on_outcome(self, index: int, outcome: object) -> None:
        raise NotImplementedError

    def _on_ended(self) -> None:
        raise NotImplementedError
