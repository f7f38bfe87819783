"""The confusion matrix of the validation set as a heat map with counts; clicking a cell
lists its samples below and selects the first for the other views."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtWidgets import QGraphicsRectItem, QVBoxLayout, QWidget

from nnstudio.app.plots import style
from nnstudio.app.plots.base import LiveView
from nnstudio.app.plots.common import class_names
from nnstudio.app.plots.sample_tiles import SampleTiles, Tile, context_image
from nnstudio.app.plots.validation import ValidationResults
from nnstudio.running.inspection_copy import InspectionCopy, RunContext

MAX_TEXT_CLASSES = 30
MAX_CELL_TILES = 60
CORRECT_RGB = np.array([8, 81, 156])
WRONG_RGB = np.array([214, 39, 40])


class CellImage(pg.ImageItem):
    """An ImageItem that says which pixel (row, column) was clicked."""

    cell_clicked = Signal(int, int)

    def mouseClickEvent(self, event) -> None:  # noqa: ANN001, N802 - pyqtgraph's event and name
        if self.image is None:
            return
        pos = event.pos()
        row, col = int(np.floor(pos.y())), int(np.floor(pos.x()))
        if 0 <= row < self.image.shape[0] and 0 <= col < self.image.shape[1]:
            event.accept()
            self.cell_clicked.emit(row, col)


def confusion_colors(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(RGBA uint8 image, darkness 0..1 per cell): blue for correct, red for mistakes, by the
    share of the true class's samples (square-rooted so rare mistakes still show)."""
    counts = np.asarray(counts, dtype=np.float64)
    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    strength = np.sqrt(share)
    k = len(counts)
    diagonal = np.eye(k, dtype=bool)
    target = np.where(diagonal[..., None], CORRECT_RGB, WRONG_RGB)
    rgb = 255 - strength[..., None] * (255 - target)
    rgba = np.empty((k, k, 4), dtype=np.uint8)
    rgba[..., :3] = np.clip(np.round(rgb), 0, 255)
    rgba[..., 3] = 255
    return rgba, strength


class ConfusionView(LiveView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = style.plot_widget()
        self.plot = self.plot_widget.getPlotItem()
        style.style_plot(self.plot, "Confusion matrix (validation)", left="true class",
                         bottom="predicted class", grid=False)
        self.plot.invertY(True)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMenuEnabled(False)
        self.image = CellImage(axisOrder="row-major")
        self.image.cell_clicked.connect(self.select_cell)
        self.plot.addItem(self.image)
        self.highlight = QGraphicsRectItem(QRectF(0, 0, 1, 1))
        self.highlight.setPen(style.pen("#111827", 2.5))
        self.highlight.setVisible(False)
        self.plot.addItem(self.highlight)
        self.cell_label = style.caption("Click a cell to list its samples.")
        self.tiles = SampleTiles(image_size=40)
        self.tiles.setFixedHeight(118)
        self.tiles.sample_clicked.connect(self.sample_selected)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.cell_label)
        layout.addWidget(self.tiles)
        self.set_content(page)
        self.show_message("The confusion matrix appears after the first epoch.")
        self.results: ValidationResults | None = None
        self.texts: list[list[pg.TextItem]] = []
        self.counts = np.zeros((0, 0), dtype=np.int64)
        self.selected: tuple[int, int] | None = None
        self._cell_samples: np.ndarray = np.zeros(0, dtype=np.int64)

    def start_run(self, context: RunContext, viewer: InspectionCopy) -> None:
        self.results = None
        self.counts = np.zeros((0, 0), dtype=np.int64)
        self.selected = None
        self._cell_samples = np.zeros(0, dtype=np.int64)
        self.highlight.setVisible(False)
        self.tiles.clear()
        self.cell_label.setText("Click a cell to list its samples.")
        style.set_title(self.plot, f"Confusion matrix ({context.held_out})")
        if context.dataset.task != "classification":
            self.show_message("The confusion matrix is shown for classification data sets.")
        elif not len(context.x_val):
            self.show_message("This run keeps no validation samples (validation split 0), "
                              "so there is no confusion matrix.")
        else:
            self.show_message("The confusion matrix appears after the first epoch.")
        self._make_axes(context)
        super().start_run(context, viewer)

    def _make_axes(self, context: RunContext) -> None:
        names = class_names(context) or ["0", "1"]
        k = max(len(names), 2)
        names = names + [str(i) for i in range(len(names), k)]
        ticks = [[(i + 0.5, name) for i, name in enumerate(names)]]
        self.plot.getAxis("bottom").setTicks(ticks)
        self.plot.getAxis("left").setTicks(ticks)
        if len(self.texts) == k:  # the same classes as the last run: keep the cell labels
            for row in self.texts:
                for text in row:
                    text.setText("")
            return
        for row in self.texts:
            for text in row:
                self.plot.removeItem(text)
        self.texts = []
        if k <= MAX_TEXT_CLASSES:
            for r in range(k):
                row = []
                for c in range(k):
                    text = pg.TextItem("", anchor=(0.5, 0.5))
                    text.setPos(c + 0.5, r + 0.5)
                    self.plot.addItem(text)
                    row.append(text)
                self.texts.append(row)
        self.plot.setRange(xRange=(0, k), yRange=(0, k), padding=0.01)

    def on_validation(self, results: ValidationResults) -> None:
        self.results = results
        self.mark_dirty()

    def redraw(self) -> None:
        if self.results is None:
            return
        self.show_content()
        self.counts = self.results.confusion()
        rgba, strength = confusion_colors(self.counts)
        self.image.setImage(rgba, levels=(0, 255), autoLevels=False)
        k = len(self.counts)
        self.image.setRect(QRectF(0, 0, k, k))
        for r, row in enumerate(self.texts[:k]):
            for c, text in enumerate(row[:k]):
                count = int(self.counts[r, c])
                text.setText(str(count) if count else "")
                text.setColor("#ffffff" if strength[r, c] > 0.62 else style.INK)
        accuracy = np.trace(self.counts) / max(self.counts.sum(), 1)
        epoch = (self.context.epoch_number(self.results.epoch) if self.context is not None
                 else self.results.epoch + 1)
        style.set_title(self.plot, f"Epoch {epoch}: {self._held_out()} accuracy "
                                   f"{100 * accuracy:.1f}%")
        if self.selected is not None:
            self._fill_cell(*self.selected)

    # -- cells ---------------------------------------------------------------------------------
    def select_cell(self, true_class: int, predicted_class: int) -> None:
        """List the samples of one cell; the first is selected for the other views."""
        if self.results is None:
            return
        self.selected = (true_class, predicted_class)
        self._fill_cell(true_class, predicted_class)
        if len(self._cell_samples):
            self.sample_selected.emit(int(self._cell_samples[0]))

    def _fill_cell(self, true_class: int, predicted_class: int) -> None:
        assert self.results is not None and self.context is not None
        samples = self.results.samples_in_cell(true_class, predicted_class)
        self._cell_samples = samples
        self.highlight.setRect(QRectF(predicted_class, true_class, 1, 1))
        self.highlight.setVisible(True)
        names = class_names(self.context)

        def name(i: int) -> str:
            return names[i] if i < len(names) else str(i)

        shown = samples[:MAX_CELL_TILES]
        more = f", the first {len(shown)} shown" if len(shown) < len(samples) else ""
        self.cell_label.setText(f"True {name(true_class)}, predicted {name(predicted_class)}: "
                                f"{len(samples)} samples{more}. Click one to look inside.")
        x = self.context.x_val
        self.tiles.set_tiles([Tile(int(i), f"#{i}", context_image(x[i], self.context),
                                   f"{self._held_out()} sample {i}") for i in shown])

    def _held_out(self) -> str:
        return self.context.held_out if self.context is not None else "validation"

    # -- data for tests ----------------------------------------------------------------------
    def matrix(self) -> np.ndarray:
        """counts[true, predicted] as drawn."""
        return self.counts.copy()

    def selected_samples(self) -> list[int]:
        return [int(i) for i in self._cell_samples]
