"""What follows a run on the window's side (the dashboard, a benchmark's recorder): the
interface the training controller feeds once it is attached with ``attach(listener)``."""

from __future__ import annotations

from typing import Protocol

from nnstudio.engine.events import BatchEnd, Diverged, EpochEnd, Finished, Snapshot
from nnstudio.running.inspection_copy import InspectionCopy, RunContext


class RunListener(Protocol):
    """Called on the GUI thread: ``start_run`` once per run (the viewer holds the run's
    weights), then the run's events as they come; ``on_snapshot`` after the viewer has
    loaded the snapshot's weights."""

    def start_run(self, context: RunContext, viewer: InspectionCopy) -> None: ...

    def on_batch(self, event: BatchEnd) -> None: ...

    def on_epoch(self, event: EpochEnd) -> None: ...

    def on_snapshot(self, event: Snapshot) -> None: ...

    def on_diverged(self, event: Diverged) -> None: ...

    def on_finished(self, event: Finished) -> None: ...


def missing_methods(listener: object) -> list[str]:
    """The methods of RunListener that ``listener`` lacks (none: it can follow a run)."""
    names = [name for name, value in vars(RunListener).items()
             if callable(value) and not name.startswith("_")]
    return [name for name in names if not callable(getattr(listener, name, None))]
