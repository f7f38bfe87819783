"""The undoable step of a weight edit, on the document's undo stack."""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtGui import QUndoCommand

from nnstudio.app.builder.edited_network import EditedNetwork


class SetWeightsCommand(QUndoCommand):
    """Replace the network's hand-set weights (``after``); undo puts ``before`` back."""

    def __init__(self, doc: EditedNetwork, after: dict[str, Any], text: str) -> None:
        super().__init__(text)
        self.doc = doc
        self.before = copy.deepcopy(doc.spec.weights)
        self.after = copy.deepcopy(after)

    def redo(self) -> None:
        with self.doc.changing():
            self.doc.write_weights(copy.deepcopy(self.after))

    def undo(self) -> None:
        with self.doc.changing():
            self.doc.write_weights(copy.deepcopy(self.before))
