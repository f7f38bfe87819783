"""A spec's lookup index: nodes by id and edges by either end, so ``spec.node(id)``,
``inputs_of`` and ``outputs_of`` cost O(1) instead of a scan of every node and edge, and
analysing a 10,000-layer chain is linear, not quadratic.

The index follows the spec's lists without being told: ``spec.nodes`` and ``spec.edges``
are TrackedLists, which count every change that is not an append. Appends (how files,
ONNX import and the editor add layers) are caught up incrementally; any other change (a
removal, an insertion, a replaced list, a renamed node) rebuilds the index on next use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nnstudio.spec.network import EdgeSpec, NodeSpec

_renames = 0  # node ids changed in place, in any spec


def note_rename() -> None:
    global _renames
    _renames += 1


class TrackedList(list):
    """A list that counts its changes other than appends (``reshaped``)."""

    reshaped = 0


def _reshaping(name: str) -> Any:
    method = getattr(list, name)

    def changing(self: TrackedList, *args: Any, **kwargs: Any) -> Any:
        result = method(self, *args, **kwargs)
        self.reshaped += 1
        return result
    changing.__name__ = name
    return changing


for _name in ("insert", "remove", "pop", "clear", "sort", "reverse", "__setitem__",
              "__delitem__", "__imul__"):
    setattr(TrackedList, _name, _reshaping(_name))


class Lookup:
    """Nodes by id (the first of a shared id), edges by target (sorted by port) and by
    source, and the next number worth trying for each id stem (see ``new_id``)."""

    def __init__(self, nodes: TrackedList, edges: TrackedList) -> None:
        self.node_list, self.edge_list = nodes, edges
        self.nodes_reshaped, self.edges_reshaped = nodes.reshaped, edges.reshaped
        self.renames = _renames
        self.nodes: dict[str, NodeSpec] = {}
        self.inputs: dict[str, list[EdgeSpec]] = {}
        self.outputs: dict[str, list[EdgeSpec]] = {}
        self.next_number: dict[str, int] = {}
        self.node_count = self.edge_count = 0
        self.catch_up()

    def follows(self, nodes: TrackedList, edges: TrackedList) -> bool:
        """True when the lists changed only by appends since this index was built."""
        return (nodes is self.node_list and edges is self.edge_list
                and nodes.reshaped == self.nodes_reshaped
                and edges.reshaped == self.edges_reshaped and _renames == self.renames
                and len(nodes) >= self.node_count and len(edges) >= self.edge_count)

    def catch_up(self) -> None:
        """Index what was appended since the last call."""
        if len(self.node_list) == self.node_count and len(self.edge_list) == self.edge_count:
            return
        for node in self.node_list[self.node_count:]:
            self.nodes.setdefault(node.id, node)
        for edge in self.edge_list[self.edge_count:]:
            edges_in = self.inputs.setdefault(edge.target, [])
            edges_in.append(edge)
            if len(edges_in) > 1 and edges_in[-2].port > edge.port:
                edges_in.sort(key=lambda e: e.port)  # stable: file order within a port
            self.outputs.setdefault(edge.source, []).append(edge)
        self.node_count, self.edge_count = len(self.node_list), len(self.edge_list)
