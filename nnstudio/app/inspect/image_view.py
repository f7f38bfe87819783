"""A 2-D array painted as a colour-mapped picture, with the value under the mouse as a
tooltip. Light and cheap: the grids of the inspection views hold dozens of them."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QHelpEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from nnstudio.app.plots.common import lut

GAP_COLOR = (238, 241, 245)  # NaN cells: the gaps between tiles
BORDER = "#c9ced6"
SELECTED = "#2563eb"
NUMBER_MIN_CELL = 40.0  # cells at least this wide print their value


def colorize(values: np.ndarray, colormap: pg.ColorMap,
             levels: tuple[float, float]) -> QImage:
    """``values`` (H, W) as an RGB image through ``colormap`` between ``levels``; a colour
    image (H, W, 3) in its own colours."""
    values = np.asarray(values, dtype=np.float32)
    low, high = levels
    span = high - low if high > low else 1.0
    index = np.clip((np.nan_to_num(values) - low) / span * 255.0, 0, 255).astype(np.uint8)
    if values.ndim == 3:
        rgb = index
    else:
        rgb = lut(colormap)[index]
        rgb[~np.isfinite(values)] = GAP_COLOR
    rgb = np.ascontiguousarray(rgb)
    height, width = values.shape[:2]
    image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels: ``rgb`` dies with this function



def number_text(value: float) -> str:
    return f"{value:.2g}"


def numbers_fit(values: np.ndarray, cell_width: float, metrics: QFontMetricsF) -> bool:
    """Whether every value's text fits in its cell, with a little room either side."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return True
    widest = max(metrics.horizontalAdvance(number_text(float(v))) for v in finite.ravel())
    return widest + 3 <= cell_width

class ArrayView(QWidget):
    """Shows one array; ``cell`` is the preferred size of one value in pixels."""

    clicked = Signal()

    def __init__(self, cell: tuple[float, float] = (4.0, 4.0),
                 max_size: tuple[int, int] = (360, 240), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cell = cell
        self.max_size = max_size
        self.values: np.ndarray | None = None
        self.levels = (0.0, 1.0)
        self.selected = False
        self.clickable = False
        self.print_numbers = True  # in cells wide enough
        self.describe: Callable[[int, int, float], str] | None = None  # row, col, value
        self._image: QImage | None = None
        self._hint = QSize()
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_array(self, values: np.ndarray | None, colormap: pg.ColorMap,
                  levels: tuple[float, float]) -> None:
        self.values = None if values is None else np.asarray(values, dtype=np.float32)
        self.levels = levels
        self._image = None if self.values is None else colorize(self.values, colormap, levels)
        hint = self.sizeHint()
        if hint != self._hint:
            self._hint = hint
            self.updateGeometry()
        self.update()

    def set_selected(self, selected: bool) -> None:
        self.selected = selected
        self.update()

    # -- geometry ------------------------------------------------------------------------
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        if self.values is None:
            return QSize(24, 24)
        rows, cols = self.values.shape[:2]
        width, height = cols * self.cell[0], rows * self.cell[1]
        shrink = min(1.0, self.max_size[0] / width, self.max_size[1] / height)
        return QSize(max(8, round(width * shrink)) + 2, max(8, round(height * shrink)) + 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.sizeHint()

    def set_max_size(self, width: int, height: int) -> None:
        """The largest it is drawn (its preferred size shrinks to fit inside)."""
        if (width, height) != self.max_size:
            self.max_size = (width, height)
            self._hint = self.sizeHint()
            self.updateGeometry()

    def _target(self) -> QRectF:
        """Where the picture goes: as large as fits, keeping the cells' aspect, centred."""
        if self.values is None:
            return QRectF()
        rows, cols = self.values.shape[:2]
        width, height = cols * self.cell[0], rows * self.cell[1]
        scale = min((self.width() - 2) / width, (self.height() - 2) / height)
        w, h = width * scale, height * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    # -- painting and interaction --------------------------------------------------------
    def paintEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        target = self._target()
        if self._image is not None:
            painter.drawImage(target, self._image)
            self._paint_numbers(painter, target)
        pen = QPen(QColor(SELECTED if self.selected else BORDER), 3 if self.selected else 1)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(target.adjusted(-0.5, -0.5, 0.5, 0.5))
        painter.end()

    def _paint_numbers(self, painter: QPainter, target: QRectF) -> None:
        """Print the values in cells wide enough (short vectors of small networks)."""
        values = self.values
        if not self.print_numbers or values.ndim != 2:
            return
        rows, cols = values.shape
        width, height = target.width() / cols, target.height() / rows
        if width < NUMBER_MIN_CELL or height < 14:
            return
        font = painter.font()
        font.setPointSizeF(7.5)
        painter.setFont(font)
        if not numbers_fit(values, width, QFontMetricsF(font)):
            return  # numbers over one another read as nothing: the colours alone
        for r in range(rows):
            for c in range(cols):
                value = float(values[r, c])
                if not np.isfinite(value):
                    continue
                cell = QRectF(target.left() + c * width, target.top() + r * height,
                              width, height)
                dark = self._image.pixelColor(c, r).lightnessF() < 0.5
                painter.setPen(QColor("#ffffff" if dark else "#1f2933"))
                painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, number_text(value))

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        target = self._target()
        if self.values is None or not target.contains(x, y):
            return None
        rows, cols = self.values.shape[:2]
        row = int((y - target.top()) / target.height() * rows)
        col = int((x - target.left()) / target.width() * cols)
        return min(row, rows - 1), min(col, cols - 1)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            cell = self.cell_at(event.pos().x(), event.pos().y())
            text = ""
            if cell is not None and self.values is not None and self.values.ndim == 3:
                red, green, blue = self.values[cell]
                text = f"pixel ({cell[0]}, {cell[1]}): red {red:.2f}, green {green:.2f}, " \
                       f"blue {blue:.2f}"
            elif cell is not None and self.values is not None:
                value = float(self.values[cell])
                if np.isfinite(value):
                    text = (self.describe(*cell, value) if self.describe
                            else f"row {cell[0]}, column {cell[1]}: {value:.4g}")
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if self.clickable and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
            event.accept()
            return
        super().mousePressEvent(event)

    def set_clickable(self, clickable: bool) -> None:
        self.clickable = clickable
        self.setCursor(Qt.CursorShape.PointingHandCursor if clickable
                       else Qt.CursorShape.ArrowCursor)
