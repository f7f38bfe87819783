"""The training process measures the run's health on the snapshots it already sends.

``HealthWatch.follow(events)`` passes a run's events through and sets ``health`` on the
snapshots it measures (``engine.health.measure``, on the first ``SAMPLES`` validation samples).
Measuring costs a forward pass, so it spends at most ``BUDGET`` of the run's time: after a
measurement that took t seconds the next waits t / BUDGET. A run's last snapshot, and one
taken while paused or stopping, is always measured: the badges end on the final weights.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from nnstudio.engine.events import Finished, Snapshot
from nnstudio.engine.health import measure
from nnstudio.engine.network import Network
from nnstudio.engine.trainer import TrainerControl

SAMPLES = 256
BUDGET = 0.02  # of the run's time


class HealthWatch:
    def __init__(self, network: Network, x_val: Any, control: TrainerControl | None = None,
                 budget: float = BUDGET, clock: Callable[[], float] = time.perf_counter) -> None:
        self.network = network
        self.x = x_val[:SAMPLES] if x_val is not None else x_val
        self.control = control
        self.budget = budget
        self.clock = clock
        self.next_at = -float("inf")
        self.updates: dict[str, float] = {}  # the newest update norms seen
        self.measured = 0

    def follow(self, events: Iterable[object]) -> Iterator[object]:
        pending: Snapshot | None = None  # the newest snapshot sent unmeasured
        for event in events:
            if isinstance(event, Snapshot):
                self.updates.update(event.update_norms)
                pending = event
                if self._due():
                    self.measure(event)
                    pending = None
            elif isinstance(event, Finished) and pending is not None:
                # The run ends on weights whose health was not measured: measure them and
                # send their snapshot again, so the badges end on the final weights.
                self.measure(pending)
                yield pending
            yield event

    def _due(self) -> bool:
        if self.control is not None and (self.control.paused or self.control.stopped):
            return True
        return self.clock() >= self.next_at

    def measure(self, snapshot: Snapshot) -> None:
        if self.x is None:
            return
        start = self.clock()
        snapshot.health = measure(self.network, self.x, snapshot, self.updates)
        cost = self.clock() - start
        self.next_at = start + cost / self.budget
        self.measured += 1
