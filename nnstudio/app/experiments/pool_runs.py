"""Several training runs in the worker pool, followed from the window.

``PoolRuns`` hands a list of requests to ``nnstudio.experiments.local_pool.LocalPool`` (one
worker process per run, ``workers`` at a time) on a background thread and reports each run's
start, epochs and outcome as Qt signals, delivered on the GUI thread. ``stop()`` ends every
run (a worker is asked to stop, then killed); the window stays responsive throughout.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal, Slot

from nnstudio.app.background import BackgroundJob
from nnstudio.experiments.local_pool import LocalPool, RunFailed, RunStopped
from nnstudio.experiments.trial_run import TrainRequest


class _PoolWorker(QObject):
    run_started = Signal(int)  # the run's index
    epoch = Signal(int, object)  # index, EpochProgress
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

            try:
                result = self.pool.train(self.requests[index], on_start=started,
                                         on_epoch=epoch)
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
    outcome = Signal(int, object)
    ended = Signal()

    def __init__(self, requests: Sequence[TrainRequest], workers: int | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = LocalPool(workers)
        worker = _PoolWorker(requests, self.pool)
        worker.run_started.connect(self.run_started)
        worker.epoch.connect(self.epoch)
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
