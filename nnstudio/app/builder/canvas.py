"""The canvas: a scene that follows a EditedNetwork, and the view that shows it.

The scene adds, removes and updates items when the document announces a change; it never
changes the spec itself, it asks the document (whose edits are undo commands).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QGraphicsView,
    QWidget,
)

from nnstudio.app import theme
from nnstudio.app.builder.edited_network import EditedNetwork
from nnstudio.app.builder.interactions import ConnectInteraction, ViewNavigation
from nnstudio.app.builder.items import EdgeItem, NodeContent, NodeItem, PortItem
from nnstudio.app.builder.mime import LAYER_MIME
from nnstudio.running.data_fit import fit_problems, listed_data_shape
from nnstudio.spec.catalogue import LAYER_TYPES
from nnstudio.spec.edit_rules import EditError
from nnstudio.spec.layout import NODE_HEIGHT, NODE_WIDTH
from nnstudio.spec.network import Analysis, EdgeSpec
from nnstudio.spec.shapes import format_shape
from nnstudio.spec.training import TrainingSpec

SCENE_MARGIN = 2000.0
GRID_STEP = 24  # scene units between the background's dots
MAX_GRID_POINTS = 40000


class FramesByHeight:
    """Node frames sorted by their top, so an edge finds the layers level with it without
    looking at all of them (a 10,000-layer chain froze the window for minutes)."""

    MARGIN = 16.0  # an edge's curve stays within its ends' frames, its ports a few px out

    def __init__(self, frames: dict[str, QRectF]) -> None:
        self.frames = frames
        self.sorted = sorted(frames.items(), key=lambda item: item[1].top())
        self.tops = [rect.top() for _, rect in self.sorted]
        self.tallest = max((rect.height() for rect in frames.values()), default=0.0)

    def beside(self, source: str, target: str) -> list[QRectF]:
        """The frames of the other layers that reach into the band of heights between the
        two ends' frames: the only ones an edge's route can meet."""
        ends = (self.frames[source], self.frames[target])
        top = min(r.top() for r in ends) - self.MARGIN
        bottom = max(r.bottom() for r in ends) + self.MARGIN
        first = bisect_left(self.tops, top - self.tallest)
        last = bisect_left(self.tops, bottom)
        return [rect for node_id, rect in self.sorted[first:last]
                if node_id not in (source, target) and rect.bottom() > top]


def dataset_misfits(analysis: Analysis, training: TrainingSpec) -> dict[str, list[str]]:
    """{node id: what does not fit} for the ends of the network that the training dataset
    does not fit (the dataset list says its shape; nothing is loaded)."""
    data = listed_data_shape(training.dataset, training.features)
    misfits: dict[str, list[str]] = {}
    for problem in fit_problems(analysis, data) if data is not None else []:
        misfits.setdefault(problem.node_id, []).append(problem.message)
    return misfits


class NetworkScene(QGraphicsScene):
    """Items for the document's nodes and edges, kept in step with its signals."""

    message = Signal(str)  # something to tell the person (status bar)

    def __init__(self, document: EditedNetwork, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.nodes: dict[str, NodeItem] = {}
        self.edges: list[EdgeItem] = []
        # The layers at either end that do not fit the training dataset, flagged before Start.
        self.data_problems: dict[str, list[str]] = {}
        self._connect: ConnectInteraction | None = None
        self._hover_edge: EdgeItem | None = None
        self.setBackgroundBrush(QColor(theme.CANVAS_COLOR))
        document.node_added.connect(self._on_node_added)
        document.node_removed.connect(self._on_node_removed)
        document.node_moved.connect(self._on_node_moved)
        # Parameter changes (node_changed) show through the analysis that follows them.
        document.node_renamed.connect(self._on_node_renamed)
        document.edge_added.connect(self._on_edge_added)
        document.edge_removed.connect(self._on_edge_removed)
        document.analysis_changed.connect(self._on_analysis_changed)
        document.reset.connect(self.rebuild)
        document.training_changed.connect(lambda _: self._on_analysis_changed(
            self.document.analysis))
        self.rebuild()

    # -- following the document --------------------------------------------------------
    def rebuild(self) -> None:
        self._connect = None
        self._hover_edge = None
        self.clear()
        self.nodes.clear()
        self.edges.clear()
        for node in self.document.spec.nodes:
            self._on_node_added(node.id)
        for edge in self.document.spec.edges:
            self._on_edge_added(edge)
        self._on_analysis_changed(self.document.analysis)

    def _on_node_added(self, node_id: str) -> None:
        node = self.document.spec.node(node_id)
        item = NodeItem(node_id, self._content(node_id, self.document.analysis))
        self.nodes[node_id] = item
        item.setPos(QPointF(*(node.pos or (0.0, 0.0))))
        self.addItem(item)

    def _on_node_removed(self, node_id: str) -> None:
        item = self.nodes.pop(node_id, None)
        if item is not None:
            for edge in [e for e in self.edges if item in (e.source, e.target)]:
                self._drop_edge_item(edge)
            self.removeItem(item)

    def _on_node_moved(self, node_id: str) -> None:
        item = self.nodes.get(node_id)
        pos = self.document.spec.node(node_id).pos
        if item is not None and pos is not None:
            item.setPos(QPointF(*pos))
            self.update_edges()

    def _on_node_renamed(self, old: str, new: str) -> None:
        item = self.nodes.pop(old)
        item.node_id = new
        self.nodes[new] = item
        for edge_item in self.edges:
            e = edge_item.edge
            edge_item.edge = EdgeSpec(new if e.source == old else e.source,
                                      new if e.target == old else e.target, e.port)
        item.update()

    def _on_edge_added(self, edge: EdgeSpec) -> None:
        source, target = self.nodes.get(edge.source), self.nodes.get(edge.target)
        if source is None or target is None:
            return  # an edge to a missing layer: analysis reports it
        item = EdgeItem(edge, source, target)
        self.edges.append(item)
        self.addItem(item)

    def _on_edge_removed(self, edge: EdgeSpec) -> None:
        if edge in self.document.spec.edges:
            return  # an identical edge is still there; keep showing it
        for item in [e for e in self.edges if e.edge == edge]:
            self._drop_edge_item(item)

    def _drop_edge_item(self, item: EdgeItem) -> None:
        if item is self._hover_edge:
            self._hover_edge = None
        self.edges.remove(item)
        self.removeItem(item)

    def _on_analysis_changed(self, analysis: Analysis) -> None:
        self.data_problems = dataset_misfits(analysis, self.document.training)
        for node_id, item in self.nodes.items():
            if self.document.spec.has_node(node_id):
                ports = {e.port for e in self.document.spec.inputs_of(node_id)}
                item.set_content(self._content(node_id, analysis),
                                 used_ports=max(ports, default=-1) + 1)
                item.set_connected_ports(ports, bool(self.document.spec.outputs_of(node_id)))
        for edge_item in self.edges:
            edge_item.set_shape_text(format_shape(analysis.shapes.get(edge_item.edge.source)))
        self.update_edges()
        self._update_scene_rect()

    def _content(self, node_id: str, analysis: Analysis) -> NodeContent:
        node = self.document.spec.node(node_id)
        lt = LAYER_TYPES.get(node.type)
        problems = [p.message for p in analysis.problems_of(node_id)]
        problems += self.data_problems.get(node_id, [])
        if lt is None:
            return NodeContent(node.type, None, problems=problems)
        try:
            summary = lt.describe(node.params)
        except (KeyError, TypeError, ValueError):
            summary = ""
        return NodeContent(node.type, lt.group, summary,
                           format_shape(analysis.shapes.get(node_id)),
                           analysis.param_counts.get(node_id, 0), problems, lt.help, lt.inputs)

    # -- geometry ----------------------------------------------------------------------
    def update_edges(self) -> None:
        frames = FramesByHeight({node_id: item.frame() for node_id, item in self.nodes.items()})
        for edge_item in self.edges:
            source, target = edge_item.source.node_id, edge_item.target.node_id
            edge_item.update_path(frames.beside(source, target))

    def _update_scene_rect(self) -> None:
        box = self.network_rect()
        self.setSceneRect(box.adjusted(-SCENE_MARGIN, -SCENE_MARGIN, SCENE_MARGIN,
                                       SCENE_MARGIN))

    def network_rect(self) -> QRectF:
        """The rectangle around every node and edge (with their labels)."""
        box = QRectF()
        for item in [*self.nodes.values(), *self.edges]:
            box = box.united(item.sceneBoundingRect())
            if isinstance(item, EdgeItem):
                box = box.united(item.label.sceneBoundingRect())
        return box if not box.isNull() else QRectF(0, 0, NODE_WIDTH, NODE_HEIGHT)

    # -- selection ---------------------------------------------------------------------
    def selected_node_ids(self) -> list[str]:
        order = {n.id: i for i, n in enumerate(self.document.spec.nodes)}
        ids = [i.node_id for i in self.selectedItems() if isinstance(i, NodeItem)]
        return sorted(ids, key=lambda i: order.get(i, 0))

    def selected_edges(self) -> list[EdgeSpec]:
        return [i.edge for i in self.selectedItems() if isinstance(i, EdgeItem)]

    def select_nodes(self, node_ids: list[str]) -> None:
        self.blockSignals(True)
        self.clearSelection()
        for node_id in node_ids:
            if node_id in self.nodes:
                self.nodes[node_id].setSelected(True)
        self.blockSignals(False)
        self.selectionChanged.emit()

    # -- what sits where ---------------------------------------------------------------
    def node_at(self, scene_pos: QPointF) -> NodeItem | None:
        for item in self.items(scene_pos):
            if isinstance(item, NodeItem):
                return item
            if isinstance(item, PortItem):
                return item.node
        return None

    def port_at(self, scene_pos: QPointF) -> PortItem | None:
        for item in self.items(scene_pos):
            if isinstance(item, PortItem):
                return item
        return None

    def edge_at(self, scene_pos: QPointF, ignore: NodeItem | None = None) -> EdgeItem | None:
        """The connection under ``scene_pos``; none where a node (other than ``ignore``)
        covers it."""
        for item in self.items(scene_pos):
            node = item.node if isinstance(item, PortItem) else item
            if isinstance(node, NodeItem) and node is not ignore:
                return None
        area = QRectF(scene_pos - QPointF(4, 4), scene_pos + QPointF(4, 4))
        for item in self.items(area):
            if isinstance(item, EdgeItem):
                return item
        return None

    def splice_target(self) -> tuple[str, EdgeItem] | None:
        """While one unconnected one-input layer is dragged: the connection its centre is
        over, where dropping it inserts it (as a palette drop would)."""
        grabbed = self.mouseGrabberItem()
        selected = self.selected_node_ids()
        if not isinstance(grabbed, NodeItem) or selected != [grabbed.node_id] \
                or not self.document.can_splice(grabbed.node_id):
            return None
        edge = self.edge_at(grabbed.sceneBoundingRect().center(), ignore=grabbed)
        return None if edge is None else (grabbed.node_id, edge)

    def highlight_edge(self, edge: EdgeItem | None) -> None:
        if self._hover_edge is not None and self._hover_edge is not edge:
            self._hover_edge.set_highlighted(False)
        self._hover_edge = edge
        if edge is not None:
            edge.set_highlighted(True)

    # -- edits asked of the document ---------------------------------------------------
    def drop_layer(self, type_name: str, scene_pos: QPointF) -> str | None:
        """Add a layer where it was dropped: onto an edge inserts it there."""
        self.highlight_edge(None)
        if type_name not in LAYER_TYPES:
            self.message.emit(f"Unknown layer type {type_name!r}")
            return None
        pos = (round(scene_pos.x() - NODE_WIDTH / 2), round(scene_pos.y() - NODE_HEIGHT / 2))
        edge = self.edge_at(scene_pos)
        try:
            if edge is not None and LAYER_TYPES[type_name].inputs == 1:
                node_id = self.document.insert_on_edge(type_name, edge.edge, pos)
            else:
                node_id = self.document.add_node(type_name, pos)
        except EditError as error:
            self.message.emit(str(error))
            return None
        self.select_nodes([node_id])
        return node_id

    def connect_nodes(self, source: str, target: str) -> bool:
        try:
            edge = self.document.connect(source, target)
        except EditError as error:
            self.message.emit(f"Cannot connect {source} to {target}: {error}")
            return False
        self.message.emit(f"Connected {edge.source} → {edge.target}")
        return True

    def commit_moves(self) -> None:
        """Tell the document where dragged nodes ended up (one undoable move)."""
        moved = {}
        for node_id, item in self.nodes.items():
            if not self.document.spec.has_node(node_id):
                continue
            pos = self.document.spec.node(node_id).pos
            here = (round(item.pos().x(), 2), round(item.pos().y(), 2))
            if pos is None or abs(pos[0] - here[0]) > 0.01 or abs(pos[1] - here[1]) > 0.01:
                moved[node_id] = here
        if moved:
            self.document.move_nodes(moved)

    # -- mouse: the connect gesture and move commits -----------------------------------
    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            port = self.port_at(event.scenePos())
            if port is not None:
                self._connect = ConnectInteraction(self, port)
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self._connect is not None:
            self._connect.move(event.scenePos())
            event.accept()
            return
        super().mouseMoveEvent(event)
        if event.buttons() & Qt.MouseButton.LeftButton and self.mouseGrabberItem() is not None:
            self.update_edges()  # nodes being dragged: their edges follow
            target = self.splice_target()
            self.highlight_edge(None if target is None else target[1])

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self._connect is not None:
            gesture, self._connect = self._connect, None
            gesture.finish(event.scenePos())
            event.accept()
            return
        target = None
        if event.button() == Qt.MouseButton.LeftButton:
            dragged = event.scenePos() - event.buttonDownScenePos(Qt.MouseButton.LeftButton)
            if dragged.manhattanLength() > 2:  # a click on a layer never rewires it
                target = self.splice_target()
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self.highlight_edge(None)
            if target is None:
                self.commit_moves()
                return
            node_id, edge = target
            stack = self.document.undo_stack
            stack.beginMacro(f"Insert {node_id} on {edge.edge.source} → {edge.edge.target}")
            source, target_id = edge.edge.source, edge.edge.target
            try:
                self.commit_moves()
                self.document.splice_into_edge(node_id, edge.edge)
            except EditError as error:
                self.message.emit(str(error))
            else:
                self.message.emit(f"Inserted {node_id} between {source} and {target_id}")
            finally:
                stack.endMacro()

    def cancel_gesture(self) -> None:
        if self._connect is not None:
            self._connect.cancel()
            self._connect = None


class NetworkView(QGraphicsView):
    """Shows the scene: zoom (Ctrl+wheel, Ctrl +/-), pan (middle-drag, space-drag),
    rubber-band selection, and drops of layers from the palette."""

    zoom_changed = Signal(float)

    def __init__(self, scene: NetworkScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setObjectName("canvas")
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.TextAntialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAcceptDrops(True)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.navigation = ViewNavigation(self)

    def network_scene(self) -> NetworkScene:
        return self.scene()  # type: ignore[return-value]

    # -- zoom --------------------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        self.navigation.set_zoom(factor)

    def zoom_in(self) -> None:
        self.navigation.zoom_by(1.25, anchor_center=True)

    def zoom_out(self) -> None:
        self.navigation.zoom_by(0.8, anchor_center=True)

    def fit_network(self, max_zoom: float = 1.25) -> None:
        """Show the whole network, no larger than ``max_zoom``."""
        box = self.network_scene().network_rect().adjusted(-30, -30, 30, 30)
        view = self.viewport().rect()
        if box.isEmpty() or view.isEmpty():
            return
        factor = min(view.width() / box.width(), view.height() / box.height(), max_zoom)
        self.navigation.set_zoom(factor)
        self.centerOn(box.center())

    # -- background: a light dot grid --------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802
        super().drawBackground(painter, rect)
        step = GRID_STEP
        corners = (rect.left(), rect.top(), rect.right(), rect.bottom())
        if self.zoom() < 0.45 or not all(math.isfinite(v) for v in corners):
            return
        if (rect.width() / step + 2) * (rect.height() / step + 2) >= MAX_GRID_POINTS:
            return  # too many dots to be worth drawing (and to build)
        painter.setPen(QPen(QColor(theme.current.border), 1.6 / max(self.zoom(), 0.1)))
        left = int(rect.left()) - int(rect.left()) % step
        top = int(rect.top()) - int(rect.top()) % step
        points = [QPointF(x, y) for x in range(left, int(rect.right()) + step, step)
                  for y in range(top, int(rect.bottom()) + step, step)]
        painter.drawPoints(points)

    # -- input -------------------------------------------------------------------------
    def wheelEvent(self, event: Any) -> None:  # noqa: N802
        if not self.navigation.wheel(event):
            super().wheelEvent(event)

    def mousePressEvent(self, event: Any) -> None:  # noqa: N802
        if not self.navigation.press(event):
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: Any) -> None:  # noqa: N802
        if not self.navigation.move(event):
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: Any) -> None:  # noqa: N802
        if not self.navigation.release(event):
            super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.network_scene().cancel_gesture()
        if not self.navigation.key_press(event):
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: Any) -> None:  # noqa: N802
        if not self.navigation.key_release(event):
            super().keyReleaseEvent(event)

    # -- drops from the palette --------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasFormat(LAYER_MIME):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if not event.mimeData().hasFormat(LAYER_MIME):
            event.ignore()
            return
        scene = self.network_scene()
        type_name = _layer_type_of(event.mimeData())
        edge = scene.edge_at(self.mapToScene(event.position().toPoint()))
        insertable = type_name in LAYER_TYPES and LAYER_TYPES[type_name].inputs == 1
        scene.highlight_edge(edge if insertable else None)
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    def dragLeaveEvent(self, event: Any) -> None:  # noqa: N802
        self.network_scene().highlight_edge(None)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        if not event.mimeData().hasFormat(LAYER_MIME):
            event.ignore()
            return
        type_name = _layer_type_of(event.mimeData())
        scene_pos = self.mapToScene(event.position().toPoint())
        if self.network_scene().drop_layer(type_name, scene_pos) is not None:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.setFocus()
        else:
            event.ignore()


def _layer_type_of(mime: Any) -> str:
    return bytes(mime.data(LAYER_MIME).data()).decode("utf-8", errors="replace")

