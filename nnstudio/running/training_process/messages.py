"""What crosses the pipe from a training process to the window, besides the engine's events."""

from __future__ import annotations

from dataclasses import dataclass

from nnstudio.engine.events import BatchEnd
from nnstudio.running.inspection_copy import RunContext


@dataclass
class BatchBlock:
    """Batch events since the last block; ``batches[-1]`` is the newest."""

    batches: list[BatchEnd]


@dataclass
class Ready:
    """The session is built: what the views need to know about the run."""

    context: RunContext


@dataclass
class Failed:
    """The run could not go on: a message for a person, and the details."""

    message: str
    details: str = ""


@dataclass
class Ended:
    """The last message of a run that ended by itself (not killed)."""


@dataclass
class Heartbeat:
    """The child is alive: sent every ``RunRequest.heartbeat_seconds``, paused or not."""


@dataclass
class Silent:
    """Made on the window's side, not sent: the child has said nothing for ``seconds``
    (stopped with SIGSTOP, frozen, swapped out)."""

    seconds: float


@dataclass
class Awake:
    """Made on the window's side: a silent child is heard again."""


@dataclass
class Refused:
    """The child received something it cannot act on (a bug on the window's side): what it
    got, and why it refused it. The run goes on."""

    command: str
    reason: str
