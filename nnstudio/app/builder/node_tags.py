"""Small tags on a layer's top edge: the health badge on the right, the switched-off units on
the left. A tag is a rounded pill with a short text, colours and a tooltip."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from nnstudio.app.builder.canvas import NetworkScene
from nnstudio.app.builder.items import NodeItem
from nnstudio.spec.layout import NODE_WIDTH

HEIGHT = 18.0
PADDING = 7.0
INSET = 10.0  # from the node's side


def _tag_font() -> QFont:
    font = QFont()
    font.setPixelSize(11)
    font.setBold(True)
    return font


class NodeTag(QGraphicsItem):
    """One tag of a node; ``kind`` tells tags apart ("health", "off"), ``side`` places it."""

    def __init__(self, node: NodeItem, kind: str, side: str) -> None:
        super().__init__(node)
        self.kind, self.side = kind, side
        self.text = ""
        self.fill, self.line = QColor("#ffffff"), QColor("#000000")
        self._width = 40.0
        self.setZValue(3)
        self.setAcceptHoverEvents(True)

    def set_tag(self, text: str, fill: str, line: str, tooltip: str) -> None:
        self.prepareGeometryChange()
        self.text, self.fill, self.line = text, QColor(fill), QColor(line)
        self._width = QFontMetricsF(_tag_font()).horizontalAdvance(text) + 2 * PADDING
        x = NODE_WIDTH - self._width - INSET if self.side == "right" else INSET + 6
        self.setPos(x, 6 - HEIGHT)
        self.setToolTip(tooltip)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF(-1, -1, self._width + 2, HEIGHT + 2)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        rect = QRectF(0, 0, self._width, HEIGHT)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.line, 1.2))
        painter.setBrush(self.fill)
        painter.drawRoundedRect(rect, HEIGHT / 2, HEIGHT / 2)
        painter.setFont(_tag_font())
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.text)


def tag_of(scene: NetworkScene, node_id: str, kind: str) -> NodeTag | None:
    item = scene.nodes.get(node_id)
    if item is None:
        return None
    return next((c for c in item.childItems() if isinstance(c, NodeTag) and c.kind == kind),
                None)


def put_tag(scene: NetworkScene, node_id: str, kind: str, side: str) -> NodeTag:
    """The node's tag of ``kind``, made if it has none."""
    return tag_of(scene, node_id, kind) or NodeTag(scene.nodes[node_id], kind, side)


def remove_tag(scene: NetworkScene, node_id: str, kind: str) -> None:
    tag = tag_of(scene, node_id, kind)
    if tag is not None:
        tag.setParentItem(None)
        scene.removeItem(tag)
