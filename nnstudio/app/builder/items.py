"""Canvas items: a layer (rounded rectangle with ports), its ports, and an edge with its
shape label. Items draw what they are told; the scene tells them what the document says."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyleOptionGraphicsItem, QWidget

from nnstudio.app import theme
from nnstudio.spec import routing
from nnstudio.spec.layout import NODE_HEIGHT, NODE_WIDTH
from nnstudio.spec.network import EdgeSpec

RADIUS = 8.0
STRIP = 6.0
ERROR_LINE = 14.0
MAX_ERROR_LINES = 2


def _font(pixels: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font


TYPE_FONT = _font(14, bold=True)
DETAIL_FONT = _font(13)
META_FONT = _font(12)
ERROR_FONT = _font(11)
LABEL_FONT = _font(11)


@dataclass
class NodeContent:
    """What a node shows; built by the scene from the spec and its Analysis."""

    type_name: str
    group: str | None
    summary: str = ""
    shape: str = "?"
    params: int = 0
    problems: list[str] = field(default_factory=list)
    help: str = ""
    inputs: int | None = 1  # 0: no input port; None: a merge (several ports)


class PortItem(QGraphicsItem):
    """A connection point: inputs on the top edge, the output at the bottom."""

    RADIUS = 5.0

    def __init__(self, node: NodeItem, kind: str, index: int = 0) -> None:
        super().__init__(node)
        self.node = node
        self.kind = kind  # "in" or "out"
        self.index = index
        self.connected = False
        self._hover = False
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setZValue(2)
        self.setToolTip("Drag to a layer to connect" if kind == "out"
                        else "Input: drag from here to a layer to feed this one")

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF(-10, -10, 20, 20)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addEllipse(QPointF(0, 0), 9, 9)
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        color = self.node.accent()
        radius = self.RADIUS + (1.5 if self._hover else 0)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(color.darker(115), 1.6))
        painter.setBrush(color if (self._hover or self.connected) else QColor(theme.BASE_COLOR))
        painter.drawEllipse(QPointF(0, 0), radius, radius)

    def hoverEnterEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self._hover = False
        self.update()


class NodeItem(QGraphicsItem):
    """One layer: type and key parameters, output shape, parameter count, problems."""

    def __init__(self, node_id: str, content: NodeContent) -> None:
        super().__init__()
        self.node_id = node_id
        self.content = content
        self.output_port = PortItem(self, "out")
        self.input_ports: list[PortItem] = []
        self._height = NODE_HEIGHT
        self._error_lines: list[str] = []
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsMovable
                      | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                      | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setAcceptHoverEvents(True)
        self.setZValue(1)
        self.set_content(content)

    # -- content -----------------------------------------------------------------------
    def set_content(self, content: NodeContent, used_ports: int = 0) -> None:
        self.prepareGeometryChange()
        self.content = content
        # A node at fault shows why in place of its (unknown) output, on up to two lines.
        self._error_lines = _wrap("⚠ " + " · ".join(content.problems) if content.problems
                                  else "", ERROR_FONT, NODE_WIDTH - STRIP - 16,
                                  MAX_ERROR_LINES)
        self._height = NODE_HEIGHT + (ERROR_LINE if len(self._error_lines) > 1 else 0)
        self._set_port_count(0 if content.inputs == 0 else
                             1 if content.inputs == 1 else max(2, used_ports + 1))
        self.output_port.setPos(NODE_WIDTH / 2, self._height)
        self.setToolTip(self._tooltip())
        self.update()

    def set_connected_ports(self, ports: set[int], has_output: bool) -> None:
        for port in self.input_ports:
            port.connected = port.index in ports
            port.update()
        self.output_port.connected = has_output
        self.output_port.update()

    def _set_port_count(self, count: int) -> None:
        while len(self.input_ports) > count:
            port = self.input_ports.pop()
            port.setParentItem(None)
            if port.scene() is not None:
                port.scene().removeItem(port)
        while len(self.input_ports) < count:
            self.input_ports.append(PortItem(self, "in", len(self.input_ports)))
        for port in self.input_ports:
            port.setPos(self.input_port_x(port.index), 0)

    def input_port_x(self, index: int) -> float:
        count = max(len(self.input_ports), 1)
        if count == 1:
            return NODE_WIDTH / 2
        return NODE_WIDTH * (index + 1) / (count + 1)

    def input_anchor(self, port: int) -> QPointF:
        """Scene point where an edge into ``port`` ends."""
        x = self.input_port_x(min(port, max(len(self.input_ports) - 1, 0)))
        return self.mapToScene(QPointF(x, 0))

    def output_anchor(self) -> QPointF:
        return self.mapToScene(QPointF(NODE_WIDTH / 2, self._height))

    def frame(self) -> QRectF:
        """The node's rectangle in scene coordinates."""
        return QRectF(self.scenePos(), self.frame_size())

    def frame_size(self) -> Any:
        return QRectF(0, 0, NODE_WIDTH, self._height).size()

    def accent(self) -> QColor:
        return theme.group_color(self.content.group)

    def has_error(self) -> bool:
        return bool(self.content.problems)

    def error_text(self) -> str:
        """The small red text shown on the node (may be shortened; the tooltip has all)."""
        return " ".join(self._error_lines).removeprefix("⚠ ")

    def _tooltip(self) -> str:
        c = self.content
        parts = [f"<b>{html.escape(self.node_id)}</b> · {html.escape(c.type_name)}"]
        if c.summary:
            parts.append(html.escape(c.summary))
        parts.append(f"output {html.escape(c.shape)} · {c.params:,} parameters")
        if c.help:
            parts.append(f"<i>{html.escape(c.help)}</i>")
        for problem in c.problems:
            parts.append(f"<span style='color:{theme.ERROR_COLOR}'>⚠ "
                         f"{html.escape(problem)}</span>")
        return "<br>".join(parts)

    # -- QGraphicsItem -----------------------------------------------------------------
    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF(-4, -4, NODE_WIDTH + 8, self._height + 10)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, NODE_WIDTH, self._height), RADIUS, RADIUS)
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        c = self.content
        rect = QRectF(0, 0, NODE_WIDTH, self._height)
        accent = self.accent()
        error = bool(c.problems)
        selected = self.isSelected()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)

        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(20, 30, 50, 22))
        painter.drawRoundedRect(rect.translated(0, 2), RADIUS, RADIUS)

        fill = QColor(theme.ERROR_FILL) if error else theme.tint(accent, 0.07)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, RADIUS, RADIUS)

        outline = QPainterPath()
        outline.addRoundedRect(rect, RADIUS, RADIUS)
        painter.save()
        painter.setClipPath(outline)
        painter.fillRect(QRectF(0, 0, STRIP, self._height), accent)
        painter.restore()

        if selected:
            pen = QPen(QColor(theme.SELECTION_COLOR), 2.5)
        elif error:
            pen = QPen(QColor(theme.ERROR_COLOR), 2.0)
        else:
            pen = QPen(accent.lighter(115), 1.2)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect, RADIUS, RADIUS)

        left = STRIP + 8
        right = NODE_WIDTH - 8
        type_metrics, detail_metrics = QFontMetricsF(TYPE_FONT), QFontMetricsF(DETAIL_FONT)
        meta_metrics = QFontMetricsF(META_FONT)
        # Type and key parameters first; the id takes what room is left on the line.
        type_text = type_metrics.elidedText(c.type_name, Qt.TextElideMode.ElideRight,
                                            right - left)
        painter.setFont(TYPE_FONT)
        painter.setPen(accent.lighter(150) if theme.is_dark() else accent.darker(135))
        painter.drawText(QPointF(left, 20), type_text)
        x = left + type_metrics.horizontalAdvance(type_text) + 6
        summary = detail_metrics.elidedText(c.summary, Qt.TextElideMode.ElideRight,
                                            max(right - x, 0)) if c.summary else ""
        if summary:
            painter.setFont(DETAIL_FONT)
            painter.setPen(QColor(theme.TEXT_COLOR))
            painter.drawText(QPointF(x, 20), summary)
            x += detail_metrics.horizontalAdvance(summary)
        room = right - x - 10
        if room >= 24:
            id_text = meta_metrics.elidedText(self.node_id, Qt.TextElideMode.ElideRight, room)
            painter.setFont(META_FONT)
            painter.setPen(QColor(theme.MUTED_TEXT))
            painter.drawText(QPointF(right - meta_metrics.horizontalAdvance(id_text), 20),
                             id_text)

        if self._error_lines:
            painter.setFont(ERROR_FONT)
            painter.setPen(QColor(theme.ERROR_COLOR))
            for i, line in enumerate(self._error_lines):
                painter.drawText(QPointF(left, 39 + i * ERROR_LINE), line)
            return
        painter.setFont(DETAIL_FONT)
        painter.setPen(QColor(theme.TEXT_COLOR))
        painter.drawText(QPointF(left, 41), f"→ {c.shape}")
        if c.params:
            count = f"{c.params:,} params"
            painter.setFont(META_FONT)
            painter.setPen(QColor(theme.MUTED_TEXT))
            painter.drawText(QPointF(right - meta_metrics.horizontalAdvance(count), 41), count)


class EdgeLabel(QGraphicsItem):
    """The tensor shape carried by an edge, on a small white tag beside the line."""

    def __init__(self, parent: QGraphicsItem) -> None:
        super().__init__(parent)
        self.text = ""
        self.setZValue(1)

    def set_text(self, text: str) -> None:
        self.prepareGeometryChange()
        self.text = text
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        width = QFontMetricsF(LABEL_FONT).horizontalAdvance(self.text) + 10
        return QRectF(0, -8, width, 16)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        if not self.text:
            return
        rect = self.boundingRect()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(theme.current.border), 1))
        page = QColor(theme.BASE_COLOR)
        page.setAlpha(235)
        painter.setBrush(page)
        painter.drawRoundedRect(rect, 4, 4)
        painter.setFont(LABEL_FONT)
        painter.setPen(QColor(theme.MUTED_TEXT))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.text)


class EdgeItem(QGraphicsPathItem):
    """A connection from a layer's output to a numbered input port of another layer."""

    def __init__(self, edge: EdgeSpec, source: NodeItem, target: NodeItem) -> None:
        super().__init__()
        self.edge = edge
        self.source = source
        self.target = target
        self.highlighted = False
        self.label = EdgeLabel(self)
        self.setZValue(0)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self._arrow = QPolygonF()
        self.route: routing.Route | None = None

    def set_shape_text(self, text: str) -> None:
        self.label.set_text(text)
        self.setToolTip(f"{self.edge.source} → {self.edge.target}"
                        + (f" (input {self.edge.port + 1})" if self.edge.port else "")
                        + f": {text}")

    def set_highlighted(self, on: bool) -> None:
        if on != self.highlighted:
            self.highlighted = on
            self.update()

    def update_path(self, obstacles: list[QRectF]) -> None:
        start = self.source.output_anchor()
        end = self.target.input_anchor(self.edge.port)
        way = route(start, end, obstacles)
        self.route = way
        self.setPath(painter_path(way))
        self._arrow = _arrow_head(end)
        mid = QPointF(*way.midpoint())
        rect = self.label.boundingRect()
        if abs(end.x() - start.x()) < 1 or way.detour:
            self.label.setPos(mid.x() + 6, mid.y())
        else:
            self.label.setPos(mid.x() - rect.width() / 2, mid.y())

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(12)
        return stroker.createStroke(self.path())

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return super().boundingRect().adjusted(-8, -8, 8, 8)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        if self.highlighted:
            color, width = QColor("#f59e0b"), 3.2
        elif self.isSelected():
            color, width = QColor(theme.SELECTION_COLOR), 2.6
        else:
            color, width = QColor(theme.EDGE_COLOR), 1.6
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(color, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(color))
        painter.drawPolygon(self._arrow)


def _arrow_head(tip: QPointF) -> QPolygonF:
    top = tip.y() - PortItem.RADIUS - 1
    return QPolygonF([QPointF(tip.x(), top), QPointF(tip.x() - 4.5, top - 7),
                      QPointF(tip.x() + 4.5, top - 7)])


def painter_path(route: routing.Route) -> QPainterPath:
    """The canvas's path along a route (spec/routing.py works it out without Qt)."""
    path = QPainterPath(QPointF(*route.start))
    for segment in route.segments:
        if isinstance(segment, routing.Cubic):
            path.cubicTo(QPointF(*segment.c1), QPointF(*segment.c2), QPointF(*segment.end))
        else:
            path.lineTo(QPointF(*segment.end))
    return path


def route(start: QPointF, end: QPointF, obstacles: list[QRectF]) -> routing.Route:
    """The route of an edge from ``start`` to ``end`` around the ``obstacles`` (layers)."""
    return routing.route((start.x(), start.y()), (end.x(), end.y()),
                         [(r.left(), r.top(), r.right(), r.bottom()) for r in obstacles])


def _wrap(text: str, font: QFont, width: float, max_lines: int) -> list[str]:
    """Word-wrap ``text`` into at most ``max_lines`` lines, eliding the last one."""
    if not text:
        return []
    metrics = QFontMetricsF(font)
    words, lines, line = text.split(), [], ""
    for i, word in enumerate(words):
        trial = f"{line} {word}".strip()
        if metrics.horizontalAdvance(trial) <= width or not line:
            line = trial
            continue
        lines.append(line)
        line = word
        if len(lines) == max_lines - 1:
            line = " ".join(words[i:])
            break
    lines.append(line)
    lines[-1] = metrics.elidedText(lines[-1], Qt.TextElideMode.ElideRight, width)
    return lines

