"""Undo commands: the only code that changes a EditedNetwork's spec.

Each command calls the document's primitive mutations inside ``doc.changing()``, which
reruns shape inference once at the end. Removals remember the list positions they took
things from and undo puts them back there, so undo restores ``spec.to_json()`` exactly.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from nnstudio.spec.network import EdgeSpec, NodeSpec

if TYPE_CHECKING:
    from nnstudio.app.builder.edited_network import EditedNetwork

Pos = tuple[float, float]

SET_PARAM_ID = 1001
MOVE_ID = 1002


class AddNodesCommand(QUndoCommand):
    """Add nodes and edges (a new layer with its connection, or a pasted fragment)."""

    def __init__(self, doc: EditedNetwork, nodes: list[NodeSpec], edges: list[EdgeSpec],
                 text: str) -> None:
        super().__init__(text)
        self.doc = doc
        self.nodes = [copy.deepcopy(n) for n in nodes]
        self.edges = list(edges)

    def redo(self) -> None:
        with self.doc.changing():
            for node in self.nodes:
                self.doc.insert_node_at(len(self.doc.spec.nodes), copy.deepcopy(node))
            for edge in self.edges:
                self.doc.insert_edge_at(len(self.doc.spec.edges), edge)

    def undo(self) -> None:
        with self.doc.changing():
            for edge in reversed(self.edges):
                self.doc.take_edge(edge)
            for node in reversed(self.nodes):
                self.doc.take_node(node.id)


class RemoveCommand(QUndoCommand):
    """Remove nodes (with every edge touching them) and edges."""

    def __init__(self, doc: EditedNetwork, node_ids: list[str], edges: list[EdgeSpec],
                 text: str) -> None:
        super().__init__(text)
        self.doc = doc
        self.node_ids = list(node_ids)
        self.extra_edges = list(edges)
        self.taken_nodes: list[tuple[int, NodeSpec, dict[str, Any] | None]] = []
        self.taken_edges: list[tuple[int, EdgeSpec]] = []

    def redo(self) -> None:
        spec = self.doc.spec
        ids = set(self.node_ids)
        doomed = [i for i, e in enumerate(spec.edges)
                  if e.source in ids or e.target in ids or e in self.extra_edges]
        node_indices = [i for i, n in enumerate(spec.nodes) if n.id in ids]
        with self.doc.changing():
            self.taken_edges = []
            for i in sorted(doomed, reverse=True):
                self.taken_edges.append((i, self.doc.take_edge_at(i)))
            self.taken_nodes = []
            for i in sorted(node_indices, reverse=True):
                node_id = spec.nodes[i].id
                self.taken_nodes.append((i, *self.doc.take_node(node_id)[1:]))

    def undo(self) -> None:
        with self.doc.changing():
            for i, node, weights in reversed(self.taken_nodes):
                self.doc.insert_node_at(i, node, weights)
            for i, edge in reversed(self.taken_edges):
                self.doc.insert_edge_at(i, edge)


class ConnectCommand(QUndoCommand):
    """Add one edge; for a one-input layer that already has an input, replace that edge."""

    def __init__(self, doc: EditedNetwork, edge: EdgeSpec, replaces: EdgeSpec | None) -> None:
        super().__init__(f"Connect {edge.source} to {edge.target}")
        self.doc = doc
        self.edge = edge
        self.replaces = replaces
        self.replaced_index = -1

    def redo(self) -> None:
        with self.doc.changing():
            if self.replaces is not None:
                self.replaced_index = self.doc.take_edge(self.replaces)
            self.doc.insert_edge_at(len(self.doc.spec.edges), self.edge)

    def undo(self) -> None:
        with self.doc.changing():
            self.doc.take_edge(self.edge)
            if self.replaces is not None:
                self.doc.insert_edge_at(self.replaced_index, self.replaces)


class InsertOnEdgeCommand(QUndoCommand):
    """Put a one-input layer in the middle of an edge: a -> b becomes a -> new -> b. The
    layer is new, or (``existing``) one already on the canvas with no connections."""

    def __init__(self, doc: EditedNetwork, node: NodeSpec, edge: EdgeSpec,
                 existing: bool = False) -> None:
        super().__init__(f"Insert {node.id if existing else node.type}")
        self.doc = doc
        self.node = copy.deepcopy(node)
        self.existing = existing
        self.edge = edge
        self.first = EdgeSpec(edge.source, node.id, 0)
        self.second = EdgeSpec(node.id, edge.target, edge.port)
        self.index = -1

    def redo(self) -> None:
        with self.doc.changing():
            self.index = self.doc.take_edge(self.edge)
            if not self.existing:
                self.doc.insert_node_at(len(self.doc.spec.nodes), copy.deepcopy(self.node))
            self.doc.insert_edge_at(self.index, self.first)
            self.doc.insert_edge_at(self.index + 1, self.second)

    def undo(self) -> None:
        with self.doc.changing():
            self.doc.take_edge(self.second)
            self.doc.take_edge(self.first)
            if not self.existing:
                self.doc.take_node(self.node.id)
            self.doc.insert_edge_at(self.index, self.edge)


_ABSENT = object()


class SetParamCommand(QUndoCommand):
    """Set one parameter. Consecutive edits of the same parameter merge into one step only
    when they share a ``merge_key`` (one editing session of one field: spin-box steps
    before Enter); each committed edit is its own step."""

    def __init__(self, doc: EditedNetwork, node_id: str, name: str, value: Any,
                 merge_key: object | None = None) -> None:
        super().__init__(f"Set {node_id} {name}")
        self.doc = doc
        self.merge_key = merge_key
        self.node_id = node_id
        self.name = name
        self.value = copy.deepcopy(value)
        params = doc.spec.node(node_id).params
        self.old = copy.deepcopy(params[name]) if name in params else _ABSENT

    def id(self) -> int:
        return SET_PARAM_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, SetParamCommand) or other.merge_key is not self.merge_key \
                or (other.node_id, other.name) != (self.node_id, self.name):
            return False
        self.value = other.value
        self.setObsolete(self.old is not _ABSENT and self.old == self.value
                         and type(self.old) is type(self.value))
        return True

    def redo(self) -> None:
        with self.doc.changing():
            self.doc.write_param(self.node_id, self.name, True, copy.deepcopy(self.value))

    def undo(self) -> None:
        with self.doc.changing():
            if self.old is _ABSENT:
                self.doc.write_param(self.node_id, self.name, False, None)
            else:
                self.doc.write_param(self.node_id, self.name, True, copy.deepcopy(self.old))


class MoveNodesCommand(QUndoCommand):
    """Move nodes; consecutive moves of the same nodes merge (unless ``merge`` is False)."""

    def __init__(self, doc: EditedNetwork, moves: dict[str, tuple[Pos | None, Pos]],
                 text: str = "Move", merge: bool = True) -> None:
        super().__init__(text)
        self.doc = doc
        self.moves = dict(moves)
        self.merge = merge

    def id(self) -> int:
        return MOVE_ID if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, MoveNodesCommand) or not other.merge \
                or set(other.moves) != set(self.moves):
            return False
        self.moves = {k: (old, other.moves[k][1]) for k, (old, _) in self.moves.items()}
        return True

    def redo(self) -> None:
        with self.doc.changing():
            for node_id, (_, new) in self.moves.items():
                self.doc.write_pos(node_id, new)

    def undo(self) -> None:
        with self.doc.changing():
            for node_id, (old, _) in self.moves.items():
                self.doc.write_pos(node_id, old)


class RenameNodeCommand(QUndoCommand):
    def __init__(self, doc: EditedNetwork, old: str, new: str) -> None:
        super().__init__(f"Rename {old} to {new}")
        self.doc = doc
        self.old = old
        self.new = new

    def redo(self) -> None:
        with self.doc.changing():
            self.doc.write_id(self.old, self.new)

    def undo(self) -> None:
        with self.doc.changing():
            self.doc.write_id(self.new, self.old)
