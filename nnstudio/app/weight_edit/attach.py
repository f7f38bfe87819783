"""Puts weight editing into the Network diagram tab: clicks on its edges and neurons, the
edit bar, the truth table with the loss; edits go on the document's undo stack."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Slot
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import (
    QBoxLayout,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QWidget,
)

from nnstudio.app.inspect.dense_chain import DenseChain, NotDrawable, dense_chain
from nnstudio.app.inspect.diagram_scene import EdgeItem, NeuronItem
from nnstudio.app.inspect.input_editor import sample_rows
from nnstudio.app.inspect.refresh import RefreshWhenVisible
from nnstudio.app.weight_edit.command import SetWeightsCommand
from nnstudio.app.weight_edit.editor import WeightEditor
from nnstudio.app.weight_edit.edits import (
    WeightTarget,
    bias_target,
    edge_target,
    value_of,
    with_edit,
)
from nnstudio.app.weight_edit.truth_table import TruthTable
from nnstudio.data.errors import DatasetError

HIGHLIGHT = QColor(250, 204, 21, 170)  # the weight or bias being edited, under its item
TRUTH_TABLE_WIDTH = 250
NARROW = 640  # a diagram narrower than this shows its truth table below the drawing
MAX_TABLE_ROWS = 16


class WeightEditing(QObject):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.diagram = window.inspect.diagram
        self.source = window.inspect.source
        self.editor = WeightEditor()
        self.highlight: QGraphicsItem | None = None
        self.truth_table = TruthTable()
        self.truth_table.setMaximumWidth(TRUTH_TABLE_WIDTH)
        self._place_widgets()
        self.diagram.view.viewport().installEventFilter(self)
        self.diagram.installEventFilter(self)
        self.editor.value_entered.connect(self.edit)
        self.refresher = RefreshWhenVisible(self.diagram, self.refresh)
        self.source.changed.connect(self.refresher.request)
        self.refresher.request()

    def _place_widgets(self) -> None:
        """The edit bar above the drawing, the truth table beside it."""
        layout = self.diagram.layout()
        index = layout.indexOf(self.diagram.view)
        layout.removeWidget(self.diagram.view)
        self.row = row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        row.addWidget(self.diagram.view, 1)
        row.addWidget(self.truth_table, 0, Qt.AlignmentFlag.AlignTop)
        layout.insertLayout(index, row, 1)
        layout.insertWidget(index, self.editor)

    def chain(self) -> DenseChain | None:
        viewer = self.source.viewer
        if viewer is None:
            return None
        try:
            return dense_chain(viewer.spec)
        except NotDrawable:
            return None

    # -- choosing and editing --------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.diagram and event.type() == QEvent.Type.Resize:
            narrow = self.diagram.width() < NARROW
            self.row.setDirection(QBoxLayout.Direction.TopToBottom if narrow
                                  else QBoxLayout.Direction.LeftToRight)
            return False
        if event.type() == QEvent.Type.MouseButtonPress \
                and event.button() == Qt.MouseButton.LeftButton:
            item = self.diagram.view.itemAt(event.position().toPoint())
            target = self.target_at(item)
            if target is not None:
                self.choose(target)
                return True
        return False

    def target_at(self, item: QGraphicsItem | None) -> WeightTarget | None:
        scene, chain = self.diagram.scene, self.chain()
        while item is not None and not isinstance(item, EdgeItem | NeuronItem):
            label = next((k for k, v in scene.edge_labels.items() if v is item), None)
            if label is not None and chain is not None:
                return edge_target(chain, label)
            item = item.parentItem()
        if item is None or chain is None:
            return None
        for key, edge in scene.edges.items():
            if edge is item:
                return edge_target(chain, key)
        for key, neuron in scene.neurons.items():
            if neuron is item:
                return bias_target(chain, key)
        return None

    def choose(self, target: WeightTarget | None) -> None:
        viewer = self.source.viewer
        value = value_of(viewer.weights(), target) if viewer and target else None
        self.editor.choose(target, value)
        self._highlight(target)

    def _highlight(self, target: WeightTarget | None) -> None:
        """A yellow glow under the edge or around the neuron being edited."""
        scene, chain = self.diagram.scene, self.chain()
        try:
            if self.highlight is not None and self.highlight.scene() is scene:
                scene.removeItem(self.highlight)
        except RuntimeError:  # the drawing was rebuilt (another network): it went with it
            pass
        self.highlight = None
        if target is None or chain is None:
            return
        if target.param == "W":
            layer = next(i for i, c in enumerate(chain.columns) if c.dense == target.node)
            edge = scene.edges.get((layer, *target.index))
            if edge is None:
                return
            item = QGraphicsLineItem(edge.line())
            pen = QPen(HIGHLIGHT, 14)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            item.setPen(pen)
        else:
            column = 1 + next(i for i, c in enumerate(chain.columns) if c.dense == target.node)
            neuron = scene.neurons.get((column, target.index[0]))
            if neuron is None:
                return
            radius = neuron.rect().width() / 2 + 7
            item = QGraphicsEllipseItem(-radius, -radius, 2 * radius, 2 * radius)
            item.setPos(QPointF(neuron.pos()))
            item.setPen(QPen(HIGHLIGHT, 8))
        item.setZValue(-1)
        scene.addItem(item)
        self.highlight = item

    @Slot(object, float)
    def edit(self, target: WeightTarget, value: float) -> bool:
        """Set ``target`` to ``value`` as an undoable edit of the network's hand-set
        weights; the views show the edited network at once. False when it cannot be."""
        viewer, chain = self.source.viewer, self.chain()
        training = self.window.training
        if viewer is None or chain is None:
            return False
        if training.controller.state.active:
            self.window.statusBar().showMessage("Stop the run before editing weights", 6000)
            return False
        document = self.window.document
        after = with_edit(document.spec.weights, viewer.weights(), chain, target, value)
        shown_trained = self.source.trained
        if shown_trained:  # the trained weights become the network's own, as edited
            training.weights, training.saved_origin = None, ""
        document.undo_stack.push(SetWeightsCommand(document, after,
                                                   f"Set {target.name} to {value:g}"))
        if shown_trained:
            self.source.forget_run(*document.snapshot())
        self.editor.choose(target, value)
        return True

    # -- the truth table ---------------------------------------------------------------------
    def refresh(self) -> None:
        viewer, chain = self.source.viewer, self.chain()
        rows = self._rows(chain) if viewer is not None and chain is not None else []
        self.editor.setVisible(chain is not None)
        self.truth_table.setVisible(bool(rows))
        if chain is None:
            self.editor.choose(None, None)
            self.highlight = None  # (gone with the drawing it was on)
        if rows:
            self.truth_table.show_rows(viewer, rows, viewer.training.loss)

    def _rows(self, chain: DenseChain) -> list:
        try:
            rows = sample_rows(self.diagram.samples.dataset(self.source.dataset_name))
        except DatasetError:
            return []
        rows = [row for row in rows if len(row[1]) == chain.input_size]
        return rows if len(rows) <= MAX_TABLE_ROWS else []
