"""Training runs in parallel worker processes on this machine: one per core by default,
one BLAS thread each, through the app's own child-process machinery
(``running/training_process``: spawned, never forked; pipes; a heartbeat; Stop, then kill).

``LocalPool.train`` runs one request in a fresh worker and blocks until it ends, so a
caller runs as many at once as it has threads (``Sweep`` runs one thread per worker,
``train_all`` does the same for a list of requests, e.g. an ensemble's members). A worker
that dies (SIGKILL, out of memory) or fails raises ``RunFailed``; the other runs go on.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from nnstudio.experiments.trial_run import (
    BatchLosses,
    EpochProgress,
    TrainOutcome,
    TrainRequest,
    run_trial_child,
)
from nnstudio.running.training_process.messages import Ended, Failed
from nnstudio.running.training_process.process import TrainingProcess

# How long a worker asked to stop may take to end its batch before it is killed.
STOP_SECONDS = 10.0


class RunFailed(Exception):
    """A run ended without an outcome: its worker failed or died; the message says how."""


class RunStopped(Exception):
    """The pool was stopped while this run was under way (not the run's fault)."""


OnStart = Callable[[int], None]  # the worker's pid
OnEpoch = Callable[[EpochProgress], bool | None]  # True: stop this run (pruned)
OnBatches = Callable[[BatchLosses], None]  # a request with batch_reports: its batches' losses


def default_workers() -> int:
    """One worker per core."""
    return max(1, os.cpu_count() or 1)


class LocalPool:
    """Worker processes on this machine. Thread-safe: call ``train`` from ``workers``
    threads at once; ``stop()`` from any thread ends every run under way."""

    kind = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_workers()
        self._lock = threading.Lock()
        self._running: set[TrainingProcess] = set()
        # Workers whose last run ended well, waiting for the next: each process trains run
        # after run, with the engine imported and the dataset loaded once.
        self._idle: list[TrainingProcess] = []
        self._stopped = False

    def _worker(self) -> TrainingProcess:
        """An idle worker if one is still alive, else a new one."""
        with self._lock:
            while self._idle:
                process = self._idle.pop()
                if process.alive:
                    return process
                process.discard()
        process = TrainingProcess(target=run_trial_child)
        process.start()
        return process

    def train(self, request: TrainRequest, on_start: OnStart | None = None,
              on_epoch: OnEpoch | None = None,
              on_batches: OnBatches | None = None) -> TrainOutcome:
        """Train ``request`` in a worker process; its outcome, or RunFailed/RunStopped."""
        with self._lock:
            if self._stopped:
                raise RunStopped("the pool was stopped")
        process = self._worker()
        with self._lock:
            self._running.add(process)
            stopped = self._stopped
        outcome: TrainOutcome | None = None
        failure: str | None = None
        ended = False
        try:
            process.begin(request)
            if stopped:
                process.kill()
            if on_start is not None:
                on_start(process.pid)
            for message in process.messages(exit_timeout=STOP_SECONDS, keep_alive=True):
                if isinstance(message, EpochProgress):
                    if on_epoch is not None and on_epoch(message):
                        process.control.stop()
                elif isinstance(message, BatchLosses):
                    if on_batches is not None:
                        on_batches(message)
                elif isinstance(message, TrainOutcome):
                    outcome = message
                elif isinstance(message, Failed) and failure is None:
                    failure = message.message
                ended = isinstance(message, Ended) and failure is None
        finally:
            with self._lock:
                self._running.discard(process)
                stopped = self._stopped
                if ended and outcome is not None and not stopped:
                    self._idle.append(process)  # ready for the next run
                    process = None
            if process is not None:
                # Not kept for another run: a worker whose run failed (it reported Failed,
                # then Ended, and waits for the next run), or one that ended as the pool
                # stopped. Ended here, not left waiting until its pipe is collected.
                process.discard()
        # A run the pool's stop ended (its Stop command can win the race with the kill
        # that follows it) was stopped, not finished: its outcome is not a result.
        if outcome is not None and not (stopped and outcome.reason == "stopped"):
            return outcome
        if stopped:
            raise RunStopped("the pool was stopped")
        raise RunFailed(failure or "the worker ended without a result")

    def stop(self, kill: bool = True) -> None:
        """End every run under way: killed at once (``kill``), else asked to stop after its
        batch; ``train`` refuses new runs from now on."""
        with self._lock:
            self._stopped = True
            running = list(self._running)
            idle, self._idle = self._idle, []
        for process in idle:
            process.discard()
        for process in running:
            process.control.stop()
            if kill:
                process.kill()

    def close(self) -> None:
        """Stop, and end the idle workers: call it when done with the pool."""
        self.stop()


def train_all(requests: Sequence[TrainRequest], workers: int | None = None,
              pool: LocalPool | None = None,
              on_epoch: Callable[[int, EpochProgress], None] | None = None,
              ) -> list[TrainOutcome | Exception]:
    """Train every request, ``workers`` at a time (default: one per core): the outcome of
    each, in order, or the RunFailed/RunStopped it ended with. ``on_epoch(i, progress)``
    follows request ``i`` (called from a pool thread). An ensemble trains its members so,
    each with its own seed."""
    own = pool is None  # a pool made here is closed here: no worker outlives the call
    pool = pool or LocalPool(workers)

    def one(index: int) -> TrainOutcome | Exception:
        follow = None if on_epoch is None else (lambda p: on_epoch(index, p))
        try:
            return pool.train(requests[index], on_epoch=follow)
        except (RunFailed, RunStopped) as error:
            return error

    try:
        with ThreadPoolExecutor(max_workers=min(pool.workers, max(1, len(requests))),
                                thread_name_prefix="nnstudio-pool") as executor:
            return list(executor.map(one, range(len(requests))))
    finally:
        if own:
            pool.close()
