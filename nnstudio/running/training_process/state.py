"""Where a run stands, seen from the window: the one spelling of a run's states, and the
transitions between them that the training controller follows."""

from __future__ import annotations

from enum import Enum


class RunState(Enum):
    IDLE = "idle"  # no run: Start and Step begin one
    STARTING = "starting"  # the process builds the session
    RUNNING = "running"
    PAUSED = "paused"  # between two batches; Step runs one more
    # The training process has said nothing for its silence limit (stopped with SIGSTOP,
    # frozen): Stop ends it, Start ends it and then starts the new run.
    UNRESPONSIVE = "unresponsive"

    @property
    def active(self) -> bool:
        """A run is under way and its process answers: the controls reach it."""
        return self in (RunState.STARTING, RunState.RUNNING, RunState.PAUSED)

    def may_become(self, state: RunState) -> bool:
        return state in TRANSITIONS[self]


# Every change of state a run may make; anything else is a bug in whoever asked for it.
TRANSITIONS: dict[RunState, frozenset[RunState]] = {
    RunState.IDLE: frozenset({RunState.STARTING}),
    # Ready says whether it starts paused; the end of the process makes any state idle.
    RunState.STARTING: frozenset({RunState.RUNNING, RunState.PAUSED, RunState.UNRESPONSIVE,
                                  RunState.IDLE}),
    RunState.RUNNING: frozenset({RunState.PAUSED, RunState.UNRESPONSIVE, RunState.IDLE}),
    RunState.PAUSED: frozenset({RunState.RUNNING, RunState.UNRESPONSIVE, RunState.IDLE}),
    # Heard again: back to where it was (or where its pause/resume commands took it).
    RunState.UNRESPONSIVE: frozenset({RunState.STARTING, RunState.RUNNING, RunState.PAUSED,
                                      RunState.IDLE}),
}
