"""Health badges on the canvas: a small tag on each layer's top edge with the signal that
matters for its type (``engine.health``), green, amber or red; its tooltip says what the
signal means in the course's words. ``show_health(scene, health)`` puts them on, None takes
them off."""

from __future__ import annotations

import html

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from nnstudio.app.builder.canvas import NetworkScene
from nnstudio.app.builder.items import NodeItem
from nnstudio.engine.health import AMBER, RED, NetworkHealth, Signal
from nnstudio.spec.layout import NODE_WIDTH

# (fill, outline and text) per level.
BADGE_COLORS = {
    "ok": ("#e8f5ec", "#2f7d4f"),
    AMBER: ("#fff3d6", "#b86e00"),
    RED: ("#fde8e8", "#c62828"),
}
LEVEL_WORDS = {"ok": "healthy", AMBER: "warning", RED: "problem"}
HEIGHT = 18.0
PADDING = 7.0


def _badge_font() -> QFont:
    font = QFont()
    font.setPixelSize(11)
    font.setBold(True)
    return font


class HealthBadge(QGraphicsItem):
    """The tag on one node's top-right corner."""

    def __init__(self, node: NodeItem) -> None:
        super().__init__(node)
        self.signal: Signal | None = None
        self._width = 40.0
        self.setZValue(3)
        self.setAcceptHoverEvents(True)

    def set_signals(self, shown: Signal, signals: list[Signal], step: int) -> None:
        self.prepareGeometryChange()
        self.signal = shown
        self._width = QFontMetricsF(_badge_font()).horizontalAdvance(shown.short) + 2 * PADDING
        self.setPos(NODE_WIDTH - self._width - 10, 6 - HEIGHT)
        self.setToolTip(tooltip(shown.node, signals, step))
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF(-1, -1, self._width + 2, HEIGHT + 2)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        if self.signal is None:
            return
        fill, line = BADGE_COLORS[self.signal.level]
        rect = QRectF(0, 0, self._width, HEIGHT)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(line), 1.2))
        painter.setBrush(QColor(fill))
        painter.drawRoundedRect(rect, HEIGHT / 2, HEIGHT / 2)
        painter.setFont(_badge_font())
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.signal.short)


def tooltip(node: str, signals: list[Signal], step: int) -> str:
    """Every signal of ``node``, worst first, as rich text."""
    order = sorted(signals, key=lambda s: (s.level != RED, s.level != AMBER))
    lines = [f"<b>{html.escape(node)}</b> · training health at step {step:,}"]
    for s in order:
        color = BADGE_COLORS[s.level][1]
        lines.append(f"<span style='color:{color}'>● {LEVEL_WORDS[s.level]}</span>: "
                     f"{html.escape(s.text)}")
    return "<br>".join(lines)


def show_health(scene: NetworkScene, health: NetworkHealth | None) -> None:
    """Badges for ``health`` on the scene's nodes (those it names); None removes them."""
    for node_id, item in scene.nodes.items():
        badge = _badge_of(item)
        shown = health.badge(node_id) if health is not None else None
        if shown is None:
            if badge is not None:
                badge.setParentItem(None)
                scene.removeItem(badge)
            continue
        if badge is None:
            badge = HealthBadge(item)
        badge.set_signals(shown, health.of(node_id), health.step)


def _badge_of(item: NodeItem) -> HealthBadge | None:
    return next((c for c in item.childItems() if isinstance(c, HealthBadge)), None)


def badge_of(scene: NetworkScene, node_id: str) -> HealthBadge | None:
    """The badge on ``node_id`` (tests and screenshots)."""
    item = scene.nodes.get(node_id)
    return _badge_of(item) if item is not None else None

