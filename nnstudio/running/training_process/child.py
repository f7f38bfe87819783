"""The child side of a training run: build the session, train, stream the events.

``run_child`` is the process's entry point. A thread of its own applies the window's
commands (``commands``: Pause, Resume, Step, Stop) to the trainer's control,
and reports anything else it receives with a ``Refused`` message; the main thread trains and
sends batch events in blocks (at most one message every ``BLOCK_SECONDS``, however fast the
batches), the other events as they come.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from nnstudio.data.dataset import Dataset
from nnstudio.data.errors import DatasetError
from nnstudio.data.source import DataSource
from nnstudio.engine.backend import BackendUnavailable
from nnstudio.engine.events import BatchEnd, EpochEnd
from nnstudio.engine.trainer import Trainer, TrainerControl
from nnstudio.running.checkpoints import checkpoint_steps
from nnstudio.running.inspection_copy import RunContext
from nnstudio.running.session import Session, SessionError, create_session
from nnstudio.running.training_process.commands import Begin, Pause, Resume, Step, Stop
from nnstudio.running.training_process.health_watch import HealthWatch
from nnstudio.running.training_process.messages import (
    BatchBlock,
    Ended,
    Failed,
    Heartbeat,
    Ready,
    Refused,
)
from nnstudio.spec.network import NetworkSpec, SpecError
from nnstudio.spec.training import TrainingSpec

BLOCK_SECONDS = 0.04
HEARTBEAT_SECONDS = 0.5  # how often a run says it is alive, also while paused
# Failures a person can act on, reported in one line; anything else is a bug and comes with
# its traceback (the window writes it to the error log).
EXPECTED_ERRORS = (SessionError, SpecError, DatasetError, BackendUnavailable, MemoryError)


@dataclass
class RunRequest:
    """Everything a child needs to start a run; the specs are copies of the window's."""

    run_id: int
    label: str
    spec: NetworkSpec
    training: TrainingSpec
    paused: bool = False
    snapshot_seconds: float = 0.25
    blas_threads: int = 1
    # CPU cores each batch is shared across (this process and cores - 1 helper processes;
    # see engine/sharing.py). 1: the window keeps the other cores.
    cores: int = 1
    # Trained weights to continue from ({layer: {param: array}}); None: fresh ones.
    weights: dict | None = None
    heartbeat_seconds: float = HEARTBEAT_SECONDS
    # The person's own data (a table, image folder or arrays); None: training.dataset.
    data: DataSource | None = None
    # A branch's: the epoch of the checkpoint it continues from (see RunContext).
    start_epoch: float = 0.0


def prepare_session(request: RunRequest, control: TrainerControl) -> tuple[Session, RunContext]:
    """The session with everything the views want switched on, and the run's context."""
    session = create_session(request.spec, request.training, control=control,
                             snapshot_seconds=request.snapshot_seconds, weights=request.weights,
                             data=request.data)
    trainer = session.trainer
    trainer.config.keep_val_outputs = True
    trainer.config.snapshot_grads = True
    trainer.config.checkpoint_steps = checkpoint_steps  # the timeline of the training
    trainer.config.cores = request.cores
    cores_note = share_batches(trainer, request.cores)
    device = session.network.device
    x_val, y_val = trainer.x_val, trainer.y_val
    held_out = "validation"
    if x_val is None:  # no validation split: the views look at the test set
        held_out = "test"
        x_val, y_val = session.x_test, session.y_test
        trainer.x_val = device.send(x_val, session.network.dtype)
        trainer.y_val = device.send(y_val)
    context = RunContext(request.run_id, request.label, request.spec, request.training,
                         for_the_views(session.dataset), session.input_shape,
                         device.to_host(x_val), device.to_host(y_val),
                         list(session.dataset.classes), len(session.dataset.x_train),
                         held_out, request.start_epoch, cores_note)
    return session, context


def share_batches(trainer: Trainer, cores: int) -> str:
    """Start sharing the run's batches across ``cores`` processes where the network allows
    it; what the window tells the person ("" for one core). The training process is a
    daemon of the window's (ended with it); its helpers are its own daemons, ended with it,
    and one whose training process was killed reads the end of its pipe and ends."""
    if cores <= 1:
        return ""
    multiprocessing.current_process().daemon = False  # (it may start helpers)
    trainer.share_batches()
    how, words = trainer.sharing_status()
    return f"one core: {words}" if how == "not shared" else words


def for_the_views(dataset: Dataset) -> Dataset:
    """The dataset as the window needs it: image training sets stay here (the views show
    validation and test samples, and the full MNIST would cross the pipe as 47 MB more on
    every run); the small 2-D sets go whole, for the decision boundary's points."""
    if not dataset.is_image:
        return dataset
    return replace(dataset, x_train=dataset.x_train[:0], y_train=dataset.y_train[:0])


def in_blocks(events: Iterable[object], seconds: float = BLOCK_SECONDS,
              clock: Callable[[], float] = time.perf_counter,
              holding: Callable[[], bool] = lambda: False) -> Iterator[object]:
    """``events`` with runs of BatchEnd and EpochEnd gathered into BatchBlocks of about
    ``seconds``; an end after which the run waits (``holding()``: paused, a Step done) goes
    at once, and so does a block before any other event."""
    pending: list[BatchEnd | EpochEnd] = []
    last = clock()
    for event in events:
        if isinstance(event, BatchEnd | EpochEnd):
            pending.append(event)
            now = clock()
            if now - last >= seconds or holding():
                yield BatchBlock(pending)
                pending, last = [], now
            continue
        if pending:
            yield BatchBlock(pending)
            pending = []
        yield event
    if pending:
        yield BatchBlock(pending)


class UnknownCommand(Exception):
    """Something came down the command pipe that a running child cannot act on."""


def apply_command(command: object, control: TrainerControl) -> None:
    """Act on one of the window's commands; UnknownCommand for anything else."""
    match command:
        case Pause():
            control.pause()
        case Resume():
            control.resume()
        case Step(batches=batches):
            control.step(batches)
        case Stop():
            control.stop()
        case Begin():
            raise UnknownCommand("this process already has its run")
        case _:
            raise UnknownCommand(f"not a command ({type(command).__name__})")


def apply_commands(receive: Callable[[], object], control: TrainerControl,
                   report: Callable[[object], None]) -> None:
    """Apply the window's commands until Stop, or until it closes its end (then stop:
    nobody watches). What cannot be acted on is reported through ``report`` and ignored."""
    while True:
        try:
            command = receive()
        except (EOFError, OSError):
            control.stop()
            return
        try:
            apply_command(command, control)
        except UnknownCommand as error:
            refuse(command, str(error), report)
        if control.stopped:
            return


def refuse(command: object, reason: str, report: Callable[[object], None]) -> None:
    """Tell the window what was refused and why (it writes it to its error log)."""
    try:
        report(Refused(repr(command), reason))
    except (BrokenPipeError, EOFError, OSError):
        pass  # the window went away


class Heart:
    """Sends a Heartbeat every ``seconds`` from a thread of its own until ``stop()``, so the
    window can tell a child that is slow or paused from one that stopped answering. Every
    message goes through ``send`` here, one at a time (a pipe takes one writer)."""

    def __init__(self, send: Callable[[object], None], seconds: float) -> None:
        self._send, self._lock = send, threading.Lock()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, args=(seconds,),
                                        name="nnstudio-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def send(self, message: object) -> None:
        with self._lock:
            self._send(message)

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()

    def _beat(self, seconds: float) -> None:
        while not self._stopped.wait(seconds):
            try:
                self.send(Heartbeat())
            except (BrokenPipeError, EOFError, OSError):
                return  # the window went away


def serve_framed(send: Callable[[object], None], receive: Callable[[], object],
                 control: TrainerControl, heartbeat_seconds: float,
                 body: Callable[[Heart], None]) -> threading.Thread:
    """One run's frame in a child process: a command thread acting on ``control``, a
    heartbeat between the messages ``body`` sends through the heart, a ``Failed`` for an
    error (with its traceback when it is a bug), and ``Ended`` last. Returns the command
    thread, which ends when the other end answers ``Ended`` or closes the pipe."""
    heart = Heart(send, heartbeat_seconds)
    listener = threading.Thread(target=apply_commands, args=(receive, control, heart.send),
                                name="nnstudio-commands", daemon=True)
    listener.start()
    heart.start()
    try:
        body(heart)
    except EXPECTED_ERRORS as error:  # the settings, the data or the machine: no bug
        heart.send(Failed(str(error) or type(error).__name__))
    except Exception as error:  # noqa: BLE001 - a bug: reported with its traceback
        heart.send(Failed(f"{type(error).__name__}: {error}", traceback.format_exc()))
    finally:
        heart.stop()
    heart.send(Ended())  # (through its lock: the command thread may be reporting)
    return listener


def serve_run(request: RunRequest, send: Callable[[object], None],
              receive: Callable[[], object]) -> None:
    """Train ``request``, sending every message through ``send`` (with a heartbeat between
    them); ``Ended`` comes last."""
    control = TrainerControl()
    if request.paused:
        control.pause()

    def body(heart: Heart) -> None:
        session, context = prepare_session(request, control)
        heart.send(Ready(context))
        watch = HealthWatch(session.network, session.trainer.x_val, control)
        try:
            for message in in_blocks(watch.follow(session.trainer.run()),
                                     holding=lambda: control.holding):
                heart.send(message)
        finally:
            session.trainer.close()  # the helpers of shared batches, if any

    serve_framed(send, receive, control, request.heartbeat_seconds, body)


def await_run(receive: Callable[[], object], send: Callable[[object], None]) -> RunRequest | None:
    """A spare's wait for its ``Begin``: its request, or None when the window closes its end
    instead (it needs the spare no more). Any other command is reported and ignored."""
    while True:
        try:
            command = receive()
        except (EOFError, OSError):
            return None
        if isinstance(command, Begin):
            return command.request
        refuse(command, "this process has no run yet", send)


def serve_in_child(request: object | None, events, commands,  # noqa: ANN001
                   serve: Callable[[object, Callable, Callable], None],
                   keep_serving: bool = False) -> None:
    """A child process's life around ``serve(request, send, receive)``: Ctrl+C left to the
    parent, one BLAS thread, a spare (no request) waiting for its ``Begin`` first, the pipe
    closed at the end; with ``keep_serving`` it waits for the next ``Begin`` after each run,
    until the other end closes the pipe."""
    import signal

    from threadpoolctl import threadpool_limits

    # Ctrl+C in the terminal that started the app goes to the whole process group: the
    # parent decides when its children stop, not the keyboard.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        if request is None:
            request = await_run(commands.recv, events.send)
        # One BLAS thread by default: a second one spins against the window's thread on a
        # small machine and makes both the window and the training slower.
        while request is not None:
            with threadpool_limits(limits=request.blas_threads, user_api="blas"):
                serve(request, events.send, commands.recv)
            request = await_run(commands.recv, events.send) if keep_serving else None
    except (BrokenPipeError, EOFError, OSError):
        pass  # the parent went away: nobody to report to
    finally:
        events.close()


def run_child(request: RunRequest | None, events, commands) -> None:  # noqa: ANN001
    """The training process's entry point (see ``process``). Without a
    request it is a spare, started ahead with everything imported (see ``await_run``)."""
    serve_in_child(request, events, commands, serve_run)

