"""The window's side of a training run in a child process.

``TrainingProcess`` starts the child (spawned, never forked: the window's process holds Qt
and threads), hands out a ``RemoteControl`` with the trainer control's methods, and yields
what the child sends until it is done. When the child dies without saying goodbye (killed,
out of memory, a crash in native code) the last message says so.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Iterator

from nnstudio.runs.child import RunRequest, run_child
from nnstudio.runs.messages import Ended, Failed

START_METHOD = "spawn"


class RemoteControl:
    """TrainerControl's commands, sent to the child; remembers what it asked for."""

    def __init__(self, connection, paused: bool = False) -> None:  # noqa: ANN001
        self._connection = connection
        self._paused = paused
        self._stopped = False

    def _send(self, *command: object) -> None:
        try:
            self._connection.send(command)
        except (BrokenPipeError, OSError):
            pass  # the child has gone: nothing left to control

    def pause(self) -> None:
        self._paused = True
        self._send("pause")

    def resume(self) -> None:
        self._paused = False
        self._send("resume")

    def step(self, batches: int = 1) -> None:
        self._paused = True
        self._send("step", batches)

    def stop(self) -> None:
        if not self._stopped:
            self._stopped = True
            self._send("stop")

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
    """

    def __init__(self, request: RunRequest | None = None) -> None:
        context = multiprocessing.get_context(START_METHOD)
        self._events, child_events = context.Pipe(duplex=False)
        child_commands, self._commands = context.Pipe(duplex=False)
        self.request = request
        self.control = RemoteControl(self._commands, paused=bool(request and request.paused))
        self._child_ends = (child_events, child_commands)
        self._process = context.Process(
            target=run_child, args=(request, child_events, child_commands),
            name="nnstudio-run" if request is None else f"nnstudio-run-{request.run_id}",
            daemon=True)

    def start(self) -> None:
        self._process.start()
        for end in self._child_ends:  # the child holds its own copies now
            end.close()

    @property
    def started(self) -> bool:
        return self._process.pid is not None

    def begin(self, request: RunRequest) -> None:
        """Give a spare its run (before or after ``start()``)."""
        if self.request is not None:
            raise RuntimeError("this training process already has a run")
        self.request = request
        self.control = RemoteControl(self._commands, paused=request.paused)
        self._commands.send(("run", request))

    def discard(self, timeout: float = 2.0) -> None:
        """Let a spare go: it exits when its command pipe closes."""
        self._commands.close()
        if self.started:
            self._process.join(timeout)
            self.kill()
        self._events.close()

    def messages(self, exit_timeout: float = 10.0) -> Iterator[object]:
        """Everything the child sends, ending with ``Ended``; a ``Failed`` comes first
        when the child died without one."""
        ended = False
        while not ended:
            try:
                message = self._events.recv()
            except (EOFError, OSError):
                break
            ended = isinstance(message, Ended)
            yield message
        self._process.join(exit_timeout)
        if self._process.is_alive():
            self.kill()
        self._events.close()
        if not ended:
            yield Failed("The training process ended unexpectedly: "
                         + describe_exit(self._process.exitcode))
            yield Ended()

    def kill(self) -> None:
        """End the child now (it ignored a stop request)."""
        if self._process.is_alive():
            self._process.kill()
            self._process.join(5.0)

    @property
    def pid(self) -> int | None:
        return self._process.pid

    @property
    def alive(self) -> bool:
        return self._process.is_alive()
