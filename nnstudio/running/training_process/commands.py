"""What the window sends its training process: one frozen dataclass per command.

They cross the command pipe as objects and the child dispatches on their type
(``child.apply_command``); anything else it receives it reports with a
``Refused`` message and otherwise ignores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nnstudio.running.training_process.child import RunRequest


@dataclass(frozen=True)
class Begin:
    """A spare process's run (the first and only command a spare waits for)."""

    request: RunRequest


@dataclass(frozen=True)
class Pause:
    """Pause between two batches."""


@dataclass(frozen=True)
class Resume:
    """Go on after a pause."""


@dataclass(frozen=True)
class Step:
    """While paused, let ``batches`` more batches run, then pause again."""

    batches: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.batches, int) or self.batches < 1:
            raise ValueError(f"a step runs at least one batch, not {self.batches!r}")


@dataclass(frozen=True)
class Stop:
    """Stop after the current batch; the child then ends its run."""


# Every command there is; a running child acts on all but Begin.
Command = Begin | Pause | Resume | Step | Stop
