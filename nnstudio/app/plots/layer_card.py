"""One layer's activations as a picture: feature maps tiled in a grid, a vector as a heat
strip, the input as the image it is. A title names the layer and its shape."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from nnstudio.app.plots import style
from nnstudio.app.plots.common import (
    DIVERGING,
    INK,
    SEQUENTIAL,
    as_picture,
    as_square_image,
    lut,
    symmetric_levels,
    tile_images,
    value_levels,
    wrap_strip,
)

MAP_HEIGHT = 150
STRIP_ROW_HEIGHT = 16
MAX_VALUE_TEXTS = 16  # strips this short show their values as numbers too
LUTS = {"diverging": lut(DIVERGING), "sequential": lut(SEQUENTIAL), "ink": lut(INK),
        "rgb": None}  # a colour image shows its own colours


def shape_text(shape: tuple[int, ...] | None) -> str:
    return "×".join(str(s) for s in shape) if shape else "?"


PROBABILITY_TYPES = ("Sigmoid", "Softmax")


def activation_picture(values: np.ndarray, is_input_image: bool = False,
                       probabilities: bool = False) -> tuple[
        np.ndarray, str, tuple[float, float]]:
    """(image, colour map name, levels) for one sample's activation of any shape (a colour
    input image comes back (H, W, 3) with the map "rgb");
    ``probabilities`` fixes the levels at 0..1 so a sure 0.99 looks surer than a 0.06."""
    values = np.asarray(values, dtype=np.float32)
    if is_input_image:
        image = as_picture(values) if values.ndim == 3 else as_square_image(values)
        if image is not None:
            return image, "rgb" if image.ndim == 3 else "ink", (
                0.0, max(1.0, float(np.nanmax(image))))
    if values.ndim == 3:
        image = values[0] if values.shape[0] == 1 else tile_images(values)
    elif values.ndim == 2:
        image = values
    else:
        image = wrap_strip(values)
    if probabilities:
        return image, "sequential", (0.0, 1.0)
    if image.size and np.nanmin(image) < 0:
        return image, "diverging", symmetric_levels(image)
    low, high = value_levels(image)
    return image, "sequential", (min(0.0, low), high)


def is_map(shape: tuple[int, ...] | None, is_input_image: bool) -> bool:
    if shape is None:
        return False
    return len(shape) >= 2 or (is_input_image and as_square_image(np.zeros(shape)) is not None)


class LayerCard(QFrame):
    """``image_shape`` (C, H, W): the input image whose pixels a flat input layer holds."""

    def __init__(self, node: str, type_name: str, shape: tuple[int, ...] | None,
                 is_input_image: bool = False, parent: QWidget | None = None,
                 image_shape: tuple[int, ...] | None = None) -> None:
        super().__init__(parent)
        self.node = node
        self.is_input_image = is_input_image
        self.image_shape = image_shape if is_input_image else None
        self.is_map = is_map(shape, is_input_image) or self.image_shape is not None
        self.probabilities = type_name in PROBABILITY_TYPES
        self.base_title = f"<b>{node}</b>&nbsp; {type_name} &nbsp;{shape_text(shape)}"
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(f"LayerCard {{ background: {style.BACKGROUND}; "
                           f"border: 1px solid {style.AXIS}; border-radius: 4px; }}")
        self.title = QLabel(self.base_title)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.title.setMinimumWidth(40)
        self.title.setStyleSheet(f"color: {style.TEXT}; padding: 1px 2px;")
        self.graphics = style.layout_widget()
        self.graphics.ci.setContentsMargins(2, 2, 2, 2)
        self.tiled = style.TiledImage(self.graphics, lock_aspect=self.is_map)
        self.image = self.tiled.item
        rows = 1
        if not self.is_map and shape:
            rows = wrap_strip(np.zeros(int(np.prod(shape)))).shape[0]
        self.graphics.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.graphics.setFixedHeight(MAP_HEIGHT if self.is_map else 8 + STRIP_ROW_HEIGHT * rows)
        self._lut_name = ""
        self._cell_texts: list[pg.TextItem] = []
        self._texts_show_values = False
        size = int(np.prod(shape)) if shape else 0
        if not self.is_map and 0 < size <= MAX_VALUE_TEXTS:  # a few numbers: write them
            self.label_cells([""] * size)
            self._texts_show_values = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.graphics)

    def label_cells(self, names: list[str]) -> None:
        """Write a name on each cell of a one-row strip (the output layer's classes)."""
        for text in self._cell_texts:
            self.tiled.box.removeItem(text)
        self._cell_texts = []
        self._texts_show_values = False
        for i, name in enumerate(names):
            text = pg.TextItem(name, color=style.INK, anchor=(0.5, 0.5))
            text.setFont(style.tick_font())
            text.setPos(i + 0.5, 0.5)
            self.tiled.box.addItem(text)
            self._cell_texts.append(text)
        self._fit_cell_texts()

    def _fit_cell_texts(self) -> None:
        """Write the cells' words only while each fits in its cell: narrow cells show the
        colours alone rather than numbers over one another."""
        if not self._cell_texts:
            return
        metrics = QFontMetrics(style.tick_font())
        widest = max(metrics.horizontalAdvance(text.textItem.toPlainText())
                     for text in self._cell_texts)
        cell = (self.graphics.width() - 8) / len(self._cell_texts)
        fits = widest + 4 <= cell
        for text in self._cell_texts:
            text.setVisible(fits)

    def cell_texts_shown(self) -> bool:
        return bool(self._cell_texts) and self._cell_texts[0].isVisible()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_cell_texts()

    def _recolour_cell_texts(self, image: np.ndarray, levels: tuple[float, float]) -> None:
        low, high = levels
        for i, text in enumerate(self._cell_texts):
            if i >= image.shape[1]:
                break
            value = float(image[0, i])
            if self._texts_show_values:
                text.setText(f"{value:.2g}")
            strength = abs(value) / max(abs(low), abs(high), 1e-12)
            text.setColor("#ffffff" if strength > 0.6 else style.INK)

    def show_values(self, values: np.ndarray, note: str = "") -> None:
        """Draw one sample's activation (no batch axis); ``note`` goes after the title."""
        if self.image_shape is not None and values.size == np.prod(self.image_shape):
            values = values.reshape(self.image_shape)
        image, lut_name, levels = activation_picture(values, self.is_input_image,
                                                     self.probabilities)
        if lut_name != self._lut_name:
            self.image.setLookupTable(LUTS[lut_name])
            self._lut_name = lut_name
        self.tiled.set_image(image, levels)
        if self._cell_texts:
            self._recolour_cell_texts(image, levels)
            self._fit_cell_texts()
        extra = f"&nbsp; <span style='color:{style.MUTED}'>{levels[0]:.3g} … {levels[1]:.3g}"
        extra += "</span>"
        if note:
            extra += f"&nbsp; <b>{note}</b>"
        self.title.setText(self.base_title + extra)
