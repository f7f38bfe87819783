"""The drawing pad: strokes with an anti-aliased round pen on a 280x280 canvas.

The strokes are kept (for undo) and also painted into a greyscale image as they are drawn,
so each mouse move costs one short line, not a redraw of everything. The canvas is always
280x280; on screen it is shown as large as the pad's square allows (smaller in a narrow
dock), and mouse positions are mapped back to canvas pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

PAD_SIZE = 280  # canvas pixels: ten times MNIST's 28
MIN_SIDE = 180  # the smallest the pad is shown
DEFAULT_BRUSH = 20
BRUSH_RANGE = (6, 40)
HINT_COLOR = "#9aa3ae"
GUIDE_COLOR = "#e3e7ec"
BORDER_COLOR = "#a0a7b2"


@dataclass
class Stroke:
    width: float  # in canvas pixels
    points: list[QPointF] = field(default_factory=list)  # in canvas pixels


class DigitPad(QWidget):
    """Draw with the mouse or a pen (Qt turns pen input into mouse events). Ctrl+Z, while
    the pad has focus, takes back the last stroke."""

    drawing_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumSize(MIN_SIDE, MIN_SIDE)
        self.setMaximumSize(PAD_SIZE + 2, PAD_SIZE + 2)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Draw a digit; Ctrl+Z takes back a stroke")
        self.brush_size = float(DEFAULT_BRUSH)
        self.strokes: list[Stroke] = []
        self._drawing = False
        self._image = QImage(PAD_SIZE, PAD_SIZE, QImage.Format.Format_Grayscale8)
        self._image.fill(255)

    # -- the drawing as data ---------------------------------------------------------------
    def canvas(self) -> np.ndarray:
        """The drawing as a (280, 280) float array, 1 where there is ink."""
        view = np.frombuffer(self._image.constBits(), dtype=np.uint8)
        pixels = view.reshape(PAD_SIZE, self._image.bytesPerLine())[:, :PAD_SIZE]
        return 1.0 - pixels.astype(np.float32) / 255.0

    def is_empty(self) -> bool:
        return not self.strokes

    def set_brush_size(self, size: float) -> None:
        self.brush_size = float(size)

    def clear(self) -> None:
        if self.strokes:
            self.strokes.clear()
            self._repaint_image()

    def undo(self) -> None:
        if self.strokes:
            self.strokes.pop()
            self._repaint_image()

    def draw_strokes(self, strokes: list[list[tuple[float, float]]]) -> None:
        """Add strokes given as point lists in canvas pixels (for scripts and tests)."""
        for points in strokes:
            self.strokes.append(Stroke(self.brush_size, [QPointF(x, y) for x, y in points]))
        self._repaint_image()

    # -- where the canvas is on screen -------------------------------------------------------
    def canvas_rect(self) -> QRectF:
        """The square the canvas is shown in, centred in the widget, inside a 1 px border."""
        side = max(1.0, min(self.width(), self.height()) - 2.0)
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def to_canvas(self, point: QPointF) -> QPointF:
        rect = self.canvas_rect()
        scale = PAD_SIZE / rect.width()
        return QPointF((point.x() - rect.left()) * scale, (point.y() - rect.top()) * scale)

    def to_widget(self, point: QPointF) -> QPointF:
        rect = self.canvas_rect()
        scale = rect.width() / PAD_SIZE
        return QPointF(rect.left() + point.x() * scale, rect.top() + point.y() * scale)

    # -- painting into the image ------------------------------------------------------------
    def _pen(self, width: float) -> QPen:
        pen = QPen(QColor(0, 0, 0), width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        return pen

    def _paint_segment(self, stroke: Stroke, start: QPointF, end: QPointF) -> None:
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self._pen(stroke.width))
        painter.drawLine(start, end)
        painter.end()
        pad = stroke.width / 2 + 2
        dirty = QRectF(start, end).normalized().adjusted(-pad, -pad, pad, pad)
        self.update(QRectF(self.to_widget(dirty.topLeft()), self.to_widget(dirty.bottomRight()))
                    .toAlignedRect().adjusted(-1, -1, 1, 1))

    def _repaint_image(self) -> None:
        self._image.fill(255)
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for stroke in self.strokes:
            painter.setPen(self._pen(stroke.width))
            points = stroke.points
            if len(points) == 1:
                painter.drawLine(points[0], points[0])
            else:
                painter.drawPolyline(QPolygonF(points))
        painter.end()
        self.update()
        self.drawing_changed.emit()

    # -- events ------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        point = self.to_canvas(event.position())
        stroke = Stroke(self.brush_size, [point])
        self.strokes.append(stroke)
        self._drawing = True
        self._paint_segment(stroke, point, point)
        if len(self.strokes) == 1:
            self.update()  # the hint and guide box go
        self.drawing_changed.emit()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if not self._drawing or not self.strokes:
            return super().mouseMoveEvent(event)
        stroke = self.strokes[-1]
        point = self.to_canvas(event.position())
        last = stroke.points[-1]
        if point == last:
            return
        stroke.points.append(point)
        self._paint_segment(stroke, last, point)
        self.drawing_changed.emit()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton:
            self._drawing = False
        super().mouseReleaseEvent(event)

    def event(self, event: QEvent) -> bool:
        # Claim Ctrl+Z before the window's Edit > Undo shortcut sees it, while focused here.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.matches(QKeySequence.StandardKey.Undo):
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo()
            event.accept()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        rect = self.canvas_rect()
        painter.drawImage(rect, self._image)
        if not self.strokes:
            # Where MNIST puts a digit: a 20x20 box in the middle of 28x28.
            painter.setPen(QPen(QColor(GUIDE_COLOR), 1, Qt.PenStyle.DashLine))
            margin = rect.width() * 4 / 28
            painter.drawRect(rect.adjusted(margin, margin, -margin, -margin))
            painter.setPen(QColor(HINT_COLOR))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "Draw a digit here")
        painter.setPen(QPen(QColor(BORDER_COLOR), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(-0.5, -0.5, 0.5, 0.5))
        painter.end()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(PAD_SIZE + 2, PAD_SIZE + 2)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return min(max(width, MIN_SIDE), PAD_SIZE + 2)
