"""The rules of editing a network, without Qt: which connections, names and splices are
allowed (each refusal a sentence for the user), what a new network and a new layer hold,
and how pasted layers get fresh ids. EditedNetwork (the app's undoable network) asks these
before it pushes an edit onto its undo stack."""

from __future__ import annotations

import copy
import re
from typing import Any

from nnstudio.spec.catalogue import LAYER_TYPES, LayerType
from nnstudio.spec.network import EdgeSpec, NetworkSpec, NodeSpec

Pos = tuple[float, float]
ID_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


class EditError(ValueError):
    """An edit that cannot be made; the message says why in plain words."""


def new_network() -> NetworkSpec:
    """What File > New gives: an Input of 784 values, ready for layers."""
    spec = NetworkSpec.sequential([], name="untitled", input_shape=[784])
    spec.nodes[0].pos = (0.0, 0.0)
    return spec


def layer_type(type_name: str) -> LayerType:
    if type_name not in LAYER_TYPES:
        raise EditError(f"unknown layer type {type_name!r}")
    return LAYER_TYPES[type_name]


def initial_params(type_name: str) -> dict[str, Any]:
    """A new layer's saved parameters: the required ones, at their defaults."""
    return {p.name: copy.deepcopy(p.default) for p in LAYER_TYPES[type_name].params
            if p.required}


def next_free_port(edges: list[EdgeSpec]) -> int:
    used = {e.port for e in edges}
    port = 0
    while port in used:
        port += 1
    return port


def downstream(spec: NetworkSpec, start: str) -> set[str]:
    """``start`` and every layer it feeds, directly or not."""
    seen, stack = {start}, [start]
    while stack:
        for e in spec.outputs_of(stack.pop()):
            if e.target not in seen:
                seen.add(e.target)
                stack.append(e.target)
    return seen


def connection_problem(spec: NetworkSpec, source: str, target: str) -> str | None:
    """Why ``source`` cannot feed ``target``, or None when it can."""
    if source == target:
        return "a layer cannot feed itself"
    if not (spec.has_node(source) and spec.has_node(target)):
        return "both ends must be layers of this network"
    lt = LAYER_TYPES.get(spec.node(target).type)
    if lt is not None and lt.inputs == 0:
        return "an Input layer takes no inputs"
    if any(e.source == source for e in spec.inputs_of(target)):
        return f"{source} already feeds {target}"
    if source in downstream(spec, target):
        return "that connection would make a cycle; a network must flow one way"
    return None


def can_splice(spec: NetworkSpec, node_id: str) -> bool:
    """Whether ``node_id`` could go onto a connection: a one-input layer with none."""
    if not spec.has_node(node_id):
        return False
    lt = LAYER_TYPES.get(spec.node(node_id).type)
    return (lt is not None and lt.inputs == 1
            and not any(node_id in (e.source, e.target) for e in spec.edges))


def id_problem(spec: NetworkSpec, new_id: str, old_id: str | None = None) -> str | None:
    """Why ``new_id`` cannot name a layer, or None when it can."""
    if not new_id:
        return "a layer needs a name"
    if not ID_PATTERN.match(new_id):
        return "use letters, digits, '_', '-' or '.', starting with a letter"
    if new_id != old_id and spec.has_node(new_id):
        return f"another layer is already called {new_id}"
    return None


def fragment_to_add(spec: NetworkSpec, nodes: list[NodeSpec], edges: list[EdgeSpec],
                    offset: Pos) -> tuple[list[NodeSpec], list[EdgeSpec]]:
    """Copies of pasted layers for ``spec``: ids that are taken get fresh ones, positions
    move by ``offset``, and only edges between the pasted layers are kept."""
    taken = {n.id for n in spec.nodes}
    renamed: dict[str, str] = {}
    added: list[NodeSpec] = []
    probe = NetworkSpec(nodes=list(spec.nodes))
    for node in nodes:
        new_id = node.id if node.id not in taken else probe.new_id(node.type)
        taken.add(new_id)
        renamed[node.id] = new_id
        pos = node.pos or (0.0, 0.0)
        clone = NodeSpec(new_id, node.type, copy.deepcopy(node.params),
                         (pos[0] + offset[0], pos[1] + offset[1]))
        probe.nodes.append(clone)
        added.append(clone)
    kept = [EdgeSpec(renamed[e.source], renamed[e.target], e.port) for e in edges
            if e.source in renamed and e.target in renamed]
    return added, kept
