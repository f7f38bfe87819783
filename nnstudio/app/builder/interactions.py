"""Gestures as small classes: drag-to-connect on the scene, pan and zoom on the view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsView

from nnstudio.app import theme
from nnstudio.app.builder.items import NodeItem, PortItem, painter_path
from nnstudio.spec import routing

if TYPE_CHECKING:
    from nnstudio.app.builder.canvas import NetworkScene

MIN_ZOOM = 0.15
MAX_ZOOM = 3.0


class ConnectInteraction:
    """Drag from a port to a layer. From an output port the layer under the mouse gets
    fed; from an input port, the layer under the mouse feeds this one. A dashed line
    follows the mouse, green over a layer that can take the connection, red otherwise."""

    def __init__(self, scene: NetworkScene, port: PortItem) -> None:
        self.scene = scene
        self.port = port
        self.from_output = port.kind == "out"
        self.anchor = (port.node.output_anchor() if self.from_output
                       else port.node.input_anchor(port.index))
        self.line = QGraphicsPathItem()
        self.line.setZValue(3)
        self._style(None)
        scene.addItem(self.line)
        self._target: NodeItem | None = None
        self.move(self.anchor)

    def _ends(self, other: str) -> tuple[str, str]:
        me = self.port.node.node_id
        return (me, other) if self.from_output else (other, me)

    def _style(self, ok: bool | None) -> None:
        color = QColor(theme.SELECTION_COLOR if ok is None else "#16a34a" if ok
                       else theme.ERROR_COLOR)
        self.line.setPen(QPen(color, 2.2, Qt.PenStyle.DashLine))

    def move(self, scene_pos: QPointF) -> None:
        start, end = (self.anchor, scene_pos) if self.from_output else (scene_pos, self.anchor)
        self.line.setPath(painter_path(routing.direct((start.x(), start.y()),
                                                      (end.x(), end.y()))))
        node = self.scene.node_at(scene_pos)
        if node is self.port.node:
            node = None
        if node is not self._target:
            self._target = node
            if node is None:
                self._style(None)
            else:
                problem = self.scene.document.connection_problem(*self._ends(node.node_id))
                self._style(problem is None)
                if problem:
                    self.scene.message.emit(problem)

    def finish(self, scene_pos: QPointF) -> bool:
        """Connect to the layer under ``scene_pos``, if any; True when connected."""
        self.cancel()
        node = self.scene.node_at(scene_pos)
        if node is None or node is self.port.node:
            return False
        return self.scene.connect_nodes(*self._ends(node.node_id))

    def cancel(self) -> None:
        if self.line.scene() is not None:
            self.scene.removeItem(self.line)


class ViewNavigation:
    """Zoom with Ctrl+wheel; pan with the middle button or with space held down."""

    def __init__(self, view: QGraphicsView) -> None:
        self.view = view
        self._pan_from: QPoint | None = None
        self._space = False

    def set_zoom(self, factor: float) -> None:
        factor = min(max(factor, MIN_ZOOM), MAX_ZOOM)
        self.view.resetTransform()
        self.view.scale(factor, factor)
        self.view.zoom_changed.emit(factor)

    def zoom_by(self, step: float, anchor_center: bool = False) -> None:
        current = self.view.transform().m11()
        factor = min(max(current * step, MIN_ZOOM), MAX_ZOOM) / current
        if anchor_center:
            anchor = self.view.transformationAnchor()
            self.view.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
            self.view.scale(factor, factor)
            self.view.setTransformationAnchor(anchor)
        else:
            self.view.scale(factor, factor)
        self.view.zoom_changed.emit(self.view.transform().m11())

    def wheel(self, event: Any) -> bool:
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return False
        delta = event.angleDelta().y()
        if delta:
            self.zoom_by(1.0015 ** delta)
        event.accept()
        return True

    def press(self, event: Any) -> bool:
        if event.button() == Qt.MouseButton.MiddleButton or (
                self._space and event.button() == Qt.MouseButton.LeftButton):
            self._pan_from = event.position().toPoint()
            self.view.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return True
        return False

    def move(self, event: Any) -> bool:
        if self._pan_from is None:
            return False
        here = event.position().toPoint()
        delta = here - self._pan_from
        self._pan_from = here
        bars = (self.view.horizontalScrollBar(), self.view.verticalScrollBar())
        bars[0].setValue(bars[0].value() - delta.x())
        bars[1].setValue(bars[1].value() - delta.y())
        event.accept()
        return True

    def release(self, event: Any) -> bool:
        if self._pan_from is None:
            return False
        self._pan_from = None
        self._restore_cursor()
        event.accept()
        return True

    def key_press(self, event: Any) -> bool:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.view.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return True
        return event.key() == Qt.Key.Key_Space

    def key_release(self, event: Any) -> bool:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self._restore_cursor()
            event.accept()
            return True
        return False

    def _restore_cursor(self) -> None:
        if self._space:
            self.view.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.view.viewport().unsetCursor()
