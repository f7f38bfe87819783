"""The window's side of a training run in a child process.

``TrainingProcess`` starts the child (spawned, never forked: the window's process holds Qt
and threads), hands out a ``RemoteControl`` with the trainer control's methods (each sends
one of the commands of ``commands``), and yields
what the child sends until it is done. When the child dies without saying goodbye (killed,
out of memory, a crash in native code) the last message says so. When it says nothing at
all for ``silence_seconds`` (not even its heartbeat: stopped with SIGSTOP, frozen), a
``Silent`` notice comes, and ``Awake`` if it is heard again.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
from collections.abc import Callable, Iterator

from nnstudio.running.training_process.child import RunRequest, run_child
from nnstudio.running.training_process.commands import Begin, Command, Pause, Resume, Step, Stop
from nnstudio.running.training_process.messages import Awake, Ended, Failed, Heartbeat, Silent

START_METHOD = "spawn"
# A child that sends nothing (its heartbeat comes every 0.5 s) for this long is reported.
SILENCE_SECONDS = 5.0


class RemoteControl:
    """TrainerControl's commands, sent to the child; remembers what it asked for. Safe to
    use from the GUI thread while the listening thread closes it at the end of a run."""

    def __init__(self, connection, paused: bool = False) -> None:  # noqa: ANN001
        self._connection = connection
        self._lock = threading.Lock()
        self._paused = paused
        self._stopped = False

    def send(self, command: Command) -> bool:
        """Send one command; False when the child can no longer hear it."""
        with self._lock:
            if self._connection is None:
                return False
            try:
                self._connection.send(command)
            except (BrokenPipeError, OSError):
                return False  # the child has gone: nothing left to control
        return True

    def renewed(self) -> RemoteControl:
        """A fresh control on the same pipe, for the child's next run."""
        return RemoteControl(self._connection)

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def pause(self) -> None:
        self._paused = True
        self.send(Pause())

    def resume(self) -> None:
        self._paused = False
        self.send(Resume())

    def step(self, batches: int = 1) -> None:
        self._paused = True
        self.send(Step(batches))

    def stop(self) -> None:
        if not self._stopped:
            self._stopped = True
            self.send(Stop())

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def stopped(self) -> bool:
        return self._stopped


def describe_exit(code: int | None) -> str:
    if code is None:
        return "it stopped answering"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (the system may have run out of memory)" if -code == signal.SIGKILL else ""
        return f"it was killed by {name}{hint}"
    return f"it exited with status {code}"


class TrainingProcess:
    """One run in a child process: ``start()``, then iterate ``messages()`` on one thread
    while ``control`` is used from another.

    Made without a request it is a spare: ``start()`` it ahead of time (it imports the
    engine meanwhile, most of a run's start-up), then ``begin(request)`` when a run starts,
    or ``discard()`` it.

    ``target`` is the child's entry point, ``run_child`` unless another kind of run uses
    the same machinery (an experiment's trials: ``(request, events, commands)``, a
    module-level function, as spawn pickles it).
    """

    def __init__(self, request: RunRequest | None = None,
                 silence_seconds: float = SILENCE_SECONDS,
                 target: Callable[..., None] = run_child) -> None:
        context = multiprocessing.get_context(START_METHOD)
        self.silence_seconds = silence_seconds
        # time.monotonic() when the child was last heard (or the listening began).
        self.last_heard = time.monotonic()
        self._events, child_events = context.Pipe(duplex=False)
        child_commands, commands = context.Pipe(duplex=False)
        self.request = request
        self.control = RemoteControl(commands, paused=bool(request and request.paused))
        self._child_ends = (child_events, child_commands)
        self._process = context.Process(
            target=target, args=(request, child_events, child_commands),
            name="nnstudio-run" if request is None else f"nnstudio-run-{request.run_id}",
            daemon=True)
        self.pid: int | None = None
        self.exitcode: int | None = None
        self._closed = False

    def start(self) -> None:
        self._process.start()
        self.pid = self._process.pid
        for end in self._child_ends:  # the child holds its own copies now
            end.close()

    @property
    def started(self) -> bool:
        return self.pid is not None

    @property
    def alive(self) -> bool:
        try:
            return not self._closed and self._process.is_alive()
        except ValueError:  # closed meanwhile by the thread that read its messages
            return False

    def begin(self, request: RunRequest) -> None:
        """Give a spare its run (before or after ``start()``)."""
        if self.request is not None:
            raise RuntimeError("this training process already has a run")
        self.request = request
        self.last_heard = time.monotonic()  # a spare says nothing until it has a run
        self.control.send(Begin(request))
        if request.paused:
            self.control.pause()

    def discard(self, timeout: float = 2.0) -> None:
        """Let a spare go: it exits when its command pipe closes."""
        self.control.close()
        self._release(timeout)

    def silent_for(self) -> float:
        """Seconds since the child was last heard (thread-safe: a float read)."""
        return time.monotonic() - self.last_heard

    def messages(self, exit_timeout: float = 10.0,
                 keep_alive: bool = False) -> Iterator[object]:
        """Everything the child sends, ending with ``Ended``; a ``Failed`` comes first
        when the child died without one. Heartbeats are not passed on; a ``Silent`` comes
        when the child said nothing for ``silence_seconds``, an ``Awake`` when it speaks
        again. However the iteration ends (also an error while receiving, or the consumer
        giving up), the child is stopped and its pipes closed."""
        ended = silent = False
        self.last_heard = time.monotonic()
        wait = max(0.01, min(0.25, self.silence_seconds / 4))
        try:
            while not ended:
                try:
                    if not self._events.poll(wait):
                        if not silent and self.silent_for() >= self.silence_seconds:
                            silent = True
                            yield Silent(self.silent_for())
                        continue
                    message = self._events.recv()
                except (EOFError, OSError):
                    break
                self.last_heard = time.monotonic()
                if silent:
                    silent = False
                    yield Awake()
                if isinstance(message, Heartbeat):
                    continue
                ended = isinstance(message, Ended)
                yield message
        finally:
            if ended and keep_alive:
                self._await_next_run()
            else:
                if not ended:
                    self.control.stop()
                self.control.close()
                self._release(exit_timeout if ended else 2.0)
        if not ended:
            yield Failed("The training process ended unexpectedly: "
                         + describe_exit(self.exitcode))
            yield Ended()

    def _await_next_run(self) -> None:
        """``keep_alive``: a child whose run ended by itself stays for the next ``begin``
        (a target that serves several runs, as an experiment's workers do); the Stop ends
        the finished run's command thread, and the next run gets a control of its own."""
        self.control.send(Stop())
        self.control = self.control.renewed()
        self.request = None

    def _release(self, timeout: float) -> None:
        """Wait for the child (kill it after ``timeout``), then close everything it used:
        a window trains many times, and each run's pipes must not outlive it."""
        if self._closed:
            return
        if self.started:
            self._process.join(timeout)
            self.kill()
            self.exitcode = self._process.exitcode
        self._events.close()
        self._closed = True
        if self.started:
            self._process.close()

    def kill(self) -> None:
        """End the child now (it ignored a stop request)."""
        if self.alive:
            try:
                self._process.kill()
                self._process.join(5.0)
            except ValueError:  # closed meanwhile: it had ended
                pass
