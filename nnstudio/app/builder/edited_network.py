"""EditedNetwork: the network being edited, its undo stack and its change signals.

The canvas, inspector and summary only *follow* this object. Edits go through
``QUndoCommand``s (commands.py), which call the primitive mutations below; every edit
reruns ``NetworkSpec.analyze()`` and announces the new Analysis.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from nnstudio.app.builder import commands
from nnstudio.spec import edit_rules as rules
from nnstudio.spec import layout
from nnstudio.spec.catalogue import LAYER_TYPES
from nnstudio.spec.edit_rules import EditError
from nnstudio.spec.network import Analysis, EdgeSpec, NetworkSpec, NodeSpec
from nnstudio.spec.training import TrainingSpec

Pos = tuple[float, float]


class EditedNetwork(QObject):
    """Holds the NetworkSpec and TrainingSpec being edited and announces every change."""

    node_added = Signal(str)
    node_removed = Signal(str)
    node_changed = Signal(str)  # a parameter changed
    node_moved = Signal(str)
    node_renamed = Signal(str, str)  # old id, new id
    edge_added = Signal(object)  # EdgeSpec
    edge_removed = Signal(object)  # EdgeSpec
    analysis_changed = Signal(object)  # Analysis
    modified_changed = Signal(bool)
    reset = Signal()  # the whole network was replaced (new, open)
    training_changed = Signal(object)  # TrainingSpec
    path_changed = Signal(str)

    def __init__(self, spec: NetworkSpec | None = None, training: TrainingSpec | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._spec = spec if spec is not None else rules.new_network()
        self._training = training if training is not None else TrainingSpec()
        self._analysis = self._spec.analyze()
        self._depth = 0
        self._training_dirty = False
        self._path = ""
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)

    # -- reading -----------------------------------------------------------------------
    @property
    def spec(self) -> NetworkSpec:
        """The live spec: read it, never change it (use the edit methods)."""
        return self._spec

    @property
    def training(self) -> TrainingSpec:
        return self._training

    @property
    def analysis(self) -> Analysis:
        return self._analysis

    @property
    def path(self) -> str:
        return self._path

    @property
    def is_modified(self) -> bool:
        return not self.undo_stack.isClean() or self._training_dirty

    def snapshot(self) -> tuple[NetworkSpec, TrainingSpec]:
        """Independent copies for a training run, which must never see later edits."""
        return self._spec.copy(), copy.deepcopy(self._training)

    def current_output(self) -> str | None:
        """The layer a new layer is appended after when nothing is selected: the last
        layer (in flow order) that feeds nothing."""
        order = {node_id: i for i, node_id in enumerate(self._analysis.order)}
        sinks = [n for n in self._spec.nodes if not self._spec.outputs_of(n.id)]
        if not sinks:
            return None
        layers = [n for n in sinks if n.type != "Input"] or sinks
        return max(layers, key=lambda n: order.get(n.id, len(order))).id

    # -- whole-document changes (not undoable) -----------------------------------------
    def replace(self, spec: NetworkSpec, training: TrainingSpec | None = None,
                path: str = "") -> None:
        """Show another network (New, Open); clears the undo history."""
        if layout.needs_layout(spec):
            for node_id, pos in layout.auto_layout(spec).items():
                spec.node(node_id).pos = pos
        self._spec = spec
        self._training = training if training is not None else TrainingSpec()
        self._training_dirty = False
        self._analysis = self._spec.analyze()
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.set_path(path)
        self.reset.emit()
        self.analysis_changed.emit(self._analysis)
        self.training_changed.emit(self._training)
        self.modified_changed.emit(False)

    def set_training(self, training: TrainingSpec) -> None:
        """Replace the training settings (marks the document modified)."""
        self._training = training
        was = self.is_modified
        self._training_dirty = True
        self.training_changed.emit(training)
        if not was:
            self.modified_changed.emit(True)

    def set_path(self, path: str) -> None:
        self._path = path
        self.path_changed.emit(path)

    def mark_saved(self, path: str) -> None:
        was = self.is_modified
        self._training_dirty = False
        self.undo_stack.setClean()
        self.set_path(path)
        if was and not self.is_modified:
            self.modified_changed.emit(False)

    def mark_modified(self) -> None:
        """Unsaved work that is not an edit (a recovered autosave, trained weights)."""
        was = self.is_modified
        self._training_dirty = True
        if not was:
            self.modified_changed.emit(True)

    def _on_clean_changed(self, clean: bool) -> None:
        self.modified_changed.emit(self.is_modified)

    # -- edits (each one undoable) -----------------------------------------------------
    def add_node(self, type_name: str, pos: Pos, params: dict[str, Any] | None = None,
                 connect_from: str | None = None) -> str:
        """Add a layer at ``pos`` (top-left), optionally fed by ``connect_from``."""
        lt = rules.layer_type(type_name)
        node = NodeSpec(self._spec.new_id(type_name), type_name,
                        dict(params) if params else rules.initial_params(type_name), pos)
        edges = []
        if connect_from is not None and lt.inputs != 0:
            edges.append(EdgeSpec(connect_from, node.id, 0))
        self.undo_stack.push(commands.AddNodesCommand(self, [node], edges, f"Add {type_name}"))
        return node.id

    def remove(self, node_ids: list[str], edges: list[EdgeSpec] | None = None) -> None:
        """Delete layers (with their connections) and connections."""
        node_ids = [i for i in node_ids if self._spec.has_node(i)]
        edges = [e for e in (edges or []) if e in self._spec.edges]
        if not node_ids and not edges:
            return
        what = (f"Delete {node_ids[0]}" if len(node_ids) == 1 and not edges
                else f"Delete {len(node_ids) + len(edges)} items")
        self.undo_stack.push(commands.RemoveCommand(self, node_ids, edges, what))

    def connection_problem(self, source: str, target: str) -> str | None:
        """Why ``source`` cannot feed ``target``, or None when it can."""
        return rules.connection_problem(self._spec, source, target)

    def connect(self, source: str, target: str) -> EdgeSpec:
        """Connect ``source``'s output to ``target``: a merge layer takes it on its next free
        port; a one-input layer that is already fed has that connection replaced."""
        problem = self.connection_problem(source, target)
        if problem:
            raise EditError(problem)
        existing = self._spec.inputs_of(target)
        lt = LAYER_TYPES.get(self._spec.node(target).type)
        replaces = None
        if lt is None or lt.inputs is not None:
            port = 0
            replaces = existing[0] if existing else None
        else:
            port = rules.next_free_port(existing)
        edge = EdgeSpec(source, target, port)
        self.undo_stack.push(commands.ConnectCommand(self, edge, replaces))
        return edge

    def insert_on_edge(self, type_name: str, edge: EdgeSpec, pos: Pos | None = None) -> str:
        """Put a new one-input layer in the middle of ``edge``."""
        lt = rules.layer_type(type_name)
        if lt.inputs != 1:
            raise EditError(f"only a one-input layer can go on a connection, not {type_name}")
        if edge not in self._spec.edges:
            raise EditError("that connection is not in the network")
        if pos is None:
            pos = self._spec.node(edge.source).pos or (0.0, 0.0)
            pos = (pos[0], pos[1] + layout.ROW_STEP)
        node = NodeSpec(self._spec.new_id(type_name), type_name, rules.initial_params(type_name),
                        pos)
        self.undo_stack.push(commands.InsertOnEdgeCommand(self, node, edge))
        return node.id

    def can_splice(self, node_id: str) -> bool:
        """Whether ``node_id`` could go onto a connection: a one-input layer with none."""
        return rules.can_splice(self._spec, node_id)

    def splice_into_edge(self, node_id: str, edge: EdgeSpec) -> None:
        """Put the unconnected one-input layer ``node_id`` in the middle of ``edge``."""
        if not self.can_splice(node_id):
            raise EditError(f"only an unconnected one-input layer can go on a connection, "
                            f"and {node_id} is not one")
        if edge not in self._spec.edges:
            raise EditError("that connection is not in the network")
        self.undo_stack.push(commands.InsertOnEdgeCommand(self, self._spec.node(node_id),
                                                          edge, existing=True))

    def set_param(self, node_id: str, name: str, value: Any,
                  merge_key: object | None = None) -> None:
        """Set one parameter; edits with the same non-None ``merge_key`` (one editing
        session) merge into one undo step."""
        current = self._spec.node(node_id).params
        if name in current and current[name] == value and type(current[name]) is type(value):
            return
        self.undo_stack.push(commands.SetParamCommand(self, node_id, name, value, merge_key))

    def move_nodes(self, positions: dict[str, Pos], text: str = "Move",
                   merge: bool = True) -> None:
        moves = {}
        for node_id, pos in positions.items():
            old = self._spec.node(node_id).pos
            new = (float(pos[0]), float(pos[1]))
            if old is None or (abs(old[0] - new[0]) > 1e-6 or abs(old[1] - new[1]) > 1e-6):
                moves[node_id] = (old, new)
        if moves:
            self.undo_stack.push(commands.MoveNodesCommand(self, moves, text, merge))

    def id_problem(self, new_id: str, old_id: str | None = None) -> str | None:
        """Why ``new_id`` cannot name a layer, or None when it can."""
        return rules.id_problem(self._spec, new_id, old_id)

    def rename_node(self, old: str, new: str) -> None:
        if old == new:
            return
        problem = self.id_problem(new, old)
        if problem:
            raise EditError(problem)
        self.undo_stack.push(commands.RenameNodeCommand(self, old, new))

    def add_fragment(self, nodes: list[NodeSpec], edges: list[EdgeSpec],
                     offset: Pos = (30.0, 30.0), text: str = "Paste") -> list[str]:
        """Add copied layers: ids that are taken get fresh ones, positions move by
        ``offset``, and only edges between the added layers are kept. Returns the new ids."""
        added, kept = rules.fragment_to_add(self._spec, nodes, edges, offset)
        if added:
            self.undo_stack.push(commands.AddNodesCommand(self, added, kept, text))
        return [n.id for n in added]

    def append_layer(self, type_name: str, after: str | None = None) -> str:
        """Add a layer after ``after`` (or the current output layer), connected to it. If
        ``after`` feeds exactly one layer, the new one goes in between and what lies below
        moves down a row, so a stack can be built by naming its layers in order."""
        lt = rules.layer_type(type_name)
        anchor = after if after is not None and self._spec.has_node(after) \
            else self.current_output()
        if anchor is None:
            return self.add_node(type_name, layout.free_spot(self._spec, (0.0, 0.0)))
        apos = self._spec.node(anchor).pos or (0.0, 0.0)
        below = (apos[0], apos[1] + layout.ROW_STEP)
        if lt.inputs == 0:
            box = layout.bounding_box(self._spec) or (0.0, 0.0, 0.0, 0.0)
            return self.add_node(type_name, (box[0] - layout.COLUMN_STEP, box[1]))
        outs = self._spec.outputs_of(anchor)
        if len(outs) == 1 and lt.inputs == 1:
            self.undo_stack.beginMacro(f"Insert {type_name}")
            try:
                downstream = rules.downstream(self._spec, outs[0].target)
                shift = {n.id: (n.pos[0], n.pos[1] + layout.ROW_STEP)
                         for n in self._spec.nodes if n.id in downstream and n.pos is not None
                         and n.pos[1] >= below[1] - layout.NODE_HEIGHT}
                self.move_nodes(shift, text="Make room", merge=False)
                new_id = self.insert_on_edge(type_name, outs[0], below)
            finally:
                self.undo_stack.endMacro()
            return new_id
        return self.add_node(type_name, layout.free_spot(self._spec, below),
                             connect_from=anchor)

    def auto_layout(self) -> None:
        self.move_nodes(layout.auto_layout(self._spec), text="Auto layout", merge=False)

    # -- primitive mutations: called by commands only ----------------------------------
    @contextmanager
    def changing(self) -> Iterator[None]:
        """Group primitive mutations; shape inference reruns once when the outermost ends."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._analysis = self._spec.analyze()
                self.analysis_changed.emit(self._analysis)

    def insert_node_at(self, index: int, node: NodeSpec,
                       weights: dict[str, Any] | None = None) -> None:
        self._spec.nodes.insert(index, node)
        if weights is not None:
            self._spec.weights[node.id] = weights
        self.node_added.emit(node.id)

    def take_node(self, node_id: str) -> tuple[int, NodeSpec, dict[str, Any] | None]:
        index = next(i for i, n in enumerate(self._spec.nodes) if n.id == node_id)
        node = self._spec.nodes.pop(index)
        weights = self._spec.weights.pop(node_id, None)
        self.node_removed.emit(node_id)
        return index, node, weights

    def insert_edge_at(self, index: int, edge: EdgeSpec) -> None:
        self._spec.edges.insert(index, edge)
        self.edge_added.emit(edge)

    def take_edge(self, edge: EdgeSpec) -> int:
        index = self._spec.edges.index(edge)
        self.take_edge_at(index)
        return index

    def take_edge_at(self, index: int) -> EdgeSpec:
        edge = self._spec.edges.pop(index)
        self.edge_removed.emit(edge)
        return edge

    def write_param(self, node_id: str, name: str, present: bool, value: Any) -> None:
        params = self._spec.node(node_id).params
        if present:
            params[name] = value
        else:
            params.pop(name, None)
        self.node_changed.emit(node_id)

    def write_weights(self, weights: dict[str, Any]) -> None:
        """The network's hand-set weights ({node: {param: nested lists}}), all at once."""
        self._spec.weights = weights

    def write_pos(self, node_id: str, pos: Pos | None) -> None:
        self._spec.node(node_id).pos = pos
        self.node_moved.emit(node_id)

    def write_id(self, old: str, new: str) -> None:
        self._spec.node(old).id = new
        self._spec.edges = [EdgeSpec(new if e.source == old else e.source,
                                     new if e.target == old else e.target, e.port)
                            for e in self._spec.edges]
        if old in self._spec.weights:
            self._spec.weights = {(new if k == old else k): v
                                  for k, v in self._spec.weights.items()}
        self.node_renamed.emit(old, new)
