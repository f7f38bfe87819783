"""One training run of a search or an ensemble: a network and its settings in, the
history, the weights and the scores out.

``train`` runs it here (a Ray worker, a test); ``run_trial_child`` is the entry point of a
worker process of the local pool (``local_pool``), started by the app's training-process
machinery (``running/training_process``): it uses its heartbeat, its command thread (Stop)
and its error reporting, and sends ``EpochProgress`` after every epoch and one
``TrainOutcome`` at the end, then ``Ended``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nnstudio.data.dataset import Dataset
from nnstudio.engine.events import BatchEnd, Diverged, EpochEnd, Finished, Started
from nnstudio.engine.trainer import TrainerControl
from nnstudio.running.session import create_session
from nnstudio.running.training_process.child import (
    HEARTBEAT_SECONDS,
    Heart,
    serve_framed,
    serve_in_child,
)
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec


@dataclass
class TrainRequest:
    """What one run trains: copies of the network and its settings (seed included)."""

    spec: NetworkSpec
    training: TrainingSpec
    label: str = ""
    run_id: int = 0  # names the worker process (nnstudio-run-N)
    paused: bool = False  # (as the training process reads a request; always False here)
    blas_threads: int = 1
    heartbeat_seconds: float = HEARTBEAT_SECONDS
    batch_reports: bool = False  # also send the batches' losses (BatchLosses), in blocks


# A run that reports its batches sends them at most this often: a few messages a second,
# whatever the batch rate, so that following them live costs the training nothing.
BATCH_REPORT_SECONDS = 0.25


@dataclass
class BatchLosses:
    """The batches trained since the last report: where each stands in (fractional) epochs
    (1.0 is the end of the first epoch) and its training loss."""

    x: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)


@dataclass
class EpochProgress:
    """One epoch done (0-based ``epoch`` of ``epochs``)."""

    epoch: int
    epochs: int
    train_loss: float
    train_accuracy: float | None
    val_loss: float | None
    val_accuracy: float | None
    seconds: float


@dataclass
class TrainOutcome:
    """How a run ended. ``reason``: completed, early_stopping, stopped or diverged.
    ``score`` is what a search maximizes: the validation accuracy (the test accuracy when
    there is no validation split), or minus the validation loss for a regression."""

    reason: str
    epochs_run: int
    seconds: float
    history: dict[str, list[Any]]
    weights: dict[str, dict[str, Any]]
    val_loss: float | None
    val_accuracy: float | None
    test_loss: float | None
    test_accuracy: float | None
    diverged: str | None = None
    pid: int = field(default_factory=os.getpid)
    # Where it ran, in words, when not in a local worker (e.g. "ray worker 3f2a... on node ...").
    process: str = ""

    @property
    def score(self) -> float | None:
        if self.val_accuracy is not None:
            return self.val_accuracy
        if self.val_loss is not None:
            return -self.val_loss
        if self.test_accuracy is not None:
            return self.test_accuracy
        return None if self.test_loss is None else -self.test_loss

    def curves(self) -> dict[str, list[Any]]:
        """The per-epoch curves of the history (no per-batch losses): what a study keeps."""
        keys = ("epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr")
        return {k: list(self.history.get(k, [])) for k in keys}


def train(request: TrainRequest, dataset: Dataset | None = None,
          control: TrainerControl | None = None,
          on_epoch: Callable[[EpochProgress], None] | None = None,
          on_batches: Callable[[BatchLosses], None] | None = None) -> TrainOutcome:
    """Train ``request`` here (on ``dataset``, else the one its settings name), calling
    ``on_epoch`` after every epoch and ``on_batches`` with the batches' losses every
    ``BATCH_REPORT_SECONDS`` (and before each epoch's report); ``control.stop()`` ends it
    after the current batch."""
    session = create_session(request.spec, request.training, dataset=dataset, control=control)
    trainer = session.trainer
    finished: Finished | None = None
    diverged: Diverged | None = None
    epochs = request.training.epochs
    per_epoch = 1
    pending, reported = BatchLosses(), time.monotonic()

    def report_batches() -> None:
        nonlocal pending, reported
        if on_batches is not None and pending.x:
            on_batches(pending)
        pending, reported = BatchLosses(), time.monotonic()

    for event in trainer.run():
        if isinstance(event, Started):
            per_epoch = max(1, event.batches_per_epoch)
        elif isinstance(event, BatchEnd) and on_batches is not None:
            pending.x.append(event.epoch + (event.batch + 1) / per_epoch)
            pending.losses.append(float(event.loss))
            if time.monotonic() - reported >= BATCH_REPORT_SECONDS:
                report_batches()
        elif isinstance(event, EpochEnd) and on_epoch is not None:
            report_batches()
            on_epoch(EpochProgress(event.epoch, epochs, event.train_loss, event.train_accuracy,
                                   event.val_loss, event.val_accuracy, event.seconds))
        elif isinstance(event, Diverged):
            diverged = event
        elif isinstance(event, Finished):
            finished = event
    report_batches()
    assert finished is not None
    history = finished.history
    test_loss, test_accuracy = trainer.evaluate(session.x_test, session.y_test)
    val_loss = history["val_loss"][-1] if history["val_loss"] else None
    val_accuracy = history["val_accuracy"][-1] if history["val_accuracy"] else None
    return TrainOutcome(finished.reason, finished.epochs_run, finished.seconds, history,
                        session.network.get_weights(), val_loss, val_accuracy, test_loss,
                        test_accuracy, diverged.message if diverged else None)


def serve_train(request: TrainRequest, send: Callable[[object], None],
                receive: Callable[[], object]) -> None:
    """Train ``request``, sending EpochProgress, then TrainOutcome (or Failed), then Ended,
    with a heartbeat between them; a Stop from the other end stops after the current batch."""
    control = TrainerControl()

    def body(heart: Heart) -> None:
        dataset = cached_dataset(request.training)
        heart.send(train(request, dataset, control=control, on_epoch=heart.send,
                         on_batches=heart.send if request.batch_reports else None))

    listener = serve_framed(send, receive, control, request.heartbeat_seconds, body)
    # The other end answers Ended with a Stop (it keeps this worker for another run) or
    # closes the pipe: either ends the command thread, before the next run reads the pipe.
    listener.join()


_DATASETS: dict[tuple[str, str], Dataset] = {}


def cached_dataset(training: TrainingSpec) -> Dataset:
    """The run's dataset, loaded once per worker (the last one asked for is kept)."""
    from nnstudio.data.datasets import load_dataset

    key = (training.dataset, training.data_dir)
    if key not in _DATASETS:
        _DATASETS.clear()
        _DATASETS[key] = load_dataset(training.dataset, data_dir=training.data_dir or None)
    return _DATASETS[key]


def run_trial_child(request: TrainRequest | None, events, commands) -> None:  # noqa: ANN001
    """A local worker's entry point (a ``TrainingProcess`` target): one BLAS thread, Ctrl+C
    left to the parent, which stops its workers itself. Without a request it is a spare,
    started ahead with the engine imported, that waits for its ``Begin``. After each run it
    waits for the next ``Begin`` (the pool keeps it: no new process, no dataset loaded
    again), until the other end closes the pipe."""
    serve_in_child(request, events, commands, serve_train, keep_serving=True)
