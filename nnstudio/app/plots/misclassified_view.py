"""The validation samples the network gets wrong after each epoch, most confident mistakes
first: digits as tiles (true -> predicted, confidence), other data as a table. Clicking one
selects that sample for the other views."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app.plots import style
from nnstudio.app.plots.base import LiveView
from nnstudio.app.plots.common import class_names
from nnstudio.app.plots.sample_tiles import SampleTiles, Tile, context_image
from nnstudio.app.plots.validation import ValidationResults
from nnstudio.running.inspection_copy import InspectionCopy, RunContext

MAX_TILES = 48
MAX_ROWS = 500
NOT_CLASSIFICATION = "Misclassified samples are shown for classification data sets."


class MisclassifiedView(LiveView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = style.heading("")
        self.tiles = SampleTiles(image_size=56)
        self.tiles.sample_clicked.connect(self.sample_selected)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["sample", "inputs", "true", "predicted",
                                              "confidence"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.cellClicked.connect(self._row_clicked)
        self.body = QStackedWidget()
        self.body.addWidget(self.tiles)
        self.body.addWidget(self.table)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.header)
        layout.addWidget(self.body, 1)
        self.set_content(page)
        self.show_message("Misclassified validation samples appear after the first epoch.")
        self.results: ValidationResults | None = None
        self._rows: list[tuple[int, int, int, float]] = []

    def start_run(self, context: RunContext, viewer: InspectionCopy) -> None:
        self.results = None
        self._rows = []
        self.tiles.clear()
        self.table.setRowCount(0)
        if context.dataset.task != "classification":
            self.show_message(NOT_CLASSIFICATION)
        elif not len(context.x_val):
            self.show_message("This run keeps no validation samples (validation split 0), "
                              "so there are no mistakes to show.")
        else:
            self.show_message(f"Misclassified {context.held_out} samples appear after the "
                              "first epoch.")
        self.body.setCurrentWidget(self.tiles if context.is_image else self.table)
        super().start_run(context, viewer)

    def on_validation(self, results: ValidationResults) -> None:
        self.results = results
        self.mark_dirty()

    def redraw(self) -> None:
        results, context = self.results, self.context
        if results is None or context is None:
            return
        wrong = results.wrong
        self._rows = [(int(i), int(results.actual[i]), int(results.predicted[i]),
                       float(results.confidence[i])) for i in wrong]
        total = len(results.actual)
        shown = min(len(wrong), MAX_TILES if context.is_image else MAX_ROWS)
        self.header.setText(
            f"Epoch {context.epoch_number(results.epoch)}: {len(wrong)} of {total} "
            f"{context.held_out} samples "
            f"misclassified ({100 * len(wrong) / max(total, 1):.1f}%)"
            + (f", the {shown} most confident mistakes" if shown < len(wrong) else "")
            + ("  ·  each tile: true → predicted, confidence" if context.is_image else ""))
        if not len(wrong):
            self.show_message(f"Epoch {context.epoch_number(results.epoch)}: every one of "
                              f"the {total} {context.held_out} samples is classified "
                              "correctly.")
            return
        self.show_content()
        if context.is_image:
            self._fill_tiles(self._rows[:shown])
        else:
            self._fill_table(self._rows[:shown])

    def _name(self, index: int) -> str:
        names = class_names(self.context) if self.context else []
        return names[index] if 0 <= index < len(names) else str(index)

    def _fill_tiles(self, rows: list[tuple[int, int, int, float]]) -> None:
        assert self.context is not None
        x = self.context.x_val
        tiles = [Tile(index, f"{self._name(true)} → {self._name(pred)}\n{100 * conf:.0f}%",
                      context_image(x[index], self.context),
                      f"{self.context.held_out.capitalize()} sample {index}: true "
                      f"{self._name(true)}, predicted "
                      f"{self._name(pred)} with {100 * conf:.1f}% confidence")
                 for index, true, pred, conf in rows]
        self.tiles.set_tiles(tiles)

    def _fill_table(self, rows: list[tuple[int, int, int, float]]) -> None:
        assert self.context is not None
        x = self.context.x_val
        self.table.setRowCount(len(rows))
        for r, (index, true, pred, conf) in enumerate(rows):
            values = np.asarray(x[index]).ravel()
            inputs = ", ".join(f"{v:.3g}" for v in values[:6]) + (" …" if values.size > 6 else "")
            cells = [str(index), inputs, self._name(true), self._name(pred), f"{100 * conf:.1f}%"]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def _row_clicked(self, row: int, _column: int) -> None:
        if 0 <= row < len(self._rows):
            self.sample_selected.emit(self._rows[row][0])

    # -- data for tests ----------------------------------------------------------------------
    def misclassified(self) -> list[tuple[int, int, int, float]]:
        """Every misclassified sample (index, true, predicted, confidence), most confident
        first, as of the last redraw."""
        return list(self._rows)
