"""The training side of a data import as an undo step: the settings the import changed
(dataset, loss) and the data reference runs use, put back together by Undo."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from nnstudio.data.source import DataSource
from nnstudio.spec.training import TrainingSpec


class UseDataCommand(QUndoCommand):
    """Train with ``training`` on ``data`` (redo) or as before (undo); ``apply`` does it."""

    def __init__(self, before: tuple[TrainingSpec, DataSource | None],
                 after: tuple[TrainingSpec, DataSource | None],
                 apply: Callable[[TrainingSpec, DataSource | None], None]) -> None:
        super().__init__("Train on the imported data")
        self.before, self.after, self.apply = before, after, apply

    def redo(self) -> None:
        self.apply(*self.after)

    def undo(self) -> None:
        self.apply(*self.before)
