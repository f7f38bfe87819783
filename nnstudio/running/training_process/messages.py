"""What crosses the pipe from a training process to the window, besides the engine's events."""

from __future__ import annotations

from dataclasses import dataclass

from nnstudio.engine.events import BatchEnd, EpochEnd
from nnstudio.running.inspection_copy import RunContext


@dataclass
class BatchBlock:
    """The batch and epoch ends since the last block, in the order they happened (a toy
    set's epoch is one batch: its thousands of epochs a second go as a few blocks)."""

    events: list[BatchEnd | EpochEnd]

    @property
    def batches(self) -> list[BatchEnd]:
        """The block's batch ends; ``batches[-1]`` is the newest."""
        return [event for event in self.events if isinstance(event, BatchEnd)]


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
