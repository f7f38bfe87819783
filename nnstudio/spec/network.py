"""NetworkSpec: the network a person edits, as a directed acyclic graph of plain data.

Nodes carry an id, a catalogue type, parameters and a canvas position; edges go from a
node's output to a numbered input port of another node. ``validate`` returns every problem
at once, each naming its node, instead of stopping at the first.
"""

from __future__ import annotations

import copy
import json
import math
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from nnstudio.spec.catalogue import LAYER_TYPES
from nnstudio.spec.format_version import FormatVersionError, check_format_version
from nnstudio.spec.lookup import Lookup, TrackedList, note_rename
from nnstudio.spec.shapes import Shape, ShapeError
from nnstudio.storage.file_input import parse_json

FORMAT = "nnstudio.network"
FORMAT_VERSION = 1
# How far from the origin a node may sit on the canvas: far beyond any real network (a
# 10,000-layer chain spans about 1.5 million units), and small enough to draw.
MAX_POSITION = 1e7


class SpecError(ValueError):
    """A network file or document that cannot be read at all (not just an invalid network)."""


def read_position(node_id: str, pos: Any) -> tuple[float, float] | None:
    """A node's canvas position as read from a file: two finite numbers within
    ``MAX_POSITION`` of the origin, or None (then the canvas lays the node out)."""
    if pos is None:
        return None
    if not (isinstance(pos, list | tuple) and len(pos) == 2 and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in pos)):
        raise SpecError(f"{node_id}: 'pos' must be two numbers")
    try:
        x, y = float(pos[0]), float(pos[1])
    except OverflowError:  # an integer too large for a float
        x = y = math.inf
    if not (math.isfinite(x) and math.isfinite(y)):
        raise SpecError(f"{node_id}: 'pos' must be two finite numbers, not {pos[0]}, {pos[1]}")
    if abs(x) > MAX_POSITION or abs(y) > MAX_POSITION:
        raise SpecError(f"{node_id}: 'pos' {x:g}, {y:g} is too far from the origin (at most "
                        f"{MAX_POSITION:g} each way); is the file damaged?")
    return x, y


@dataclass
class NodeSpec:
    id: str
    type: str
    params: dict[str, Any] = field(default_factory=dict)
    pos: tuple[float, float] | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        renamed = name == "id" and "id" in self.__dict__
        object.__setattr__(self, name, value)
        if renamed:
            note_rename()  # the specs' lookup indexes rebuild

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type, "params": self.params}
        if self.pos is not None:
            data["pos"] = [round(float(self.pos[0]), 2), round(float(self.pos[1]), 2)]
        return data


@dataclass(frozen=True)
class EdgeSpec:
    source: str
    target: str
    port: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "port": self.port}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a network; ``node`` is None for problems of the whole graph."""

    node: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.node}: {self.message}" if self.node else self.message


@dataclass
class Analysis:
    """What shape inference found: every node's output shape (None where unknown), its
    parameter count, and every problem."""

    order: list[str]
    shapes: dict[str, Shape | None]
    param_counts: dict[str, int]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def total_params(self) -> int:
        return sum(self.param_counts.values())

    def problems_of(self, node_id: str) -> list[Problem]:
        return list(self._problems_by_node.get(node_id, ()))

    @cached_property
    def _problems_by_node(self) -> dict[str | None, list[Problem]]:
        grouped: dict[str | None, list[Problem]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.node, []).append(problem)
        return grouped


@dataclass
class NetworkSpec:
    nodes: list[NodeSpec] = field(default_factory=list)
    edges: list[EdgeSpec] = field(default_factory=list)
    name: str = "untitled"
    description: str = ""
    # Hand-set starting weights, {node id: {param name: nested lists}} (e.g. the XOR gates).
    weights: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("nodes", "edges") and not isinstance(value, TrackedList):
            value = TrackedList(value)  # changes to it keep the lookup index right
        object.__setattr__(self, name, value)

    def __getstate__(self) -> dict[str, Any]:  # copies and pickles leave the index behind
        state = dict(self.__dict__)
        state.pop("_lookup_cache", None)
        return state

    # -- lookup ------------------------------------------------------------------------
    def _lookup(self) -> Lookup:
        lookup = self.__dict__.get("_lookup_cache")
        if lookup is not None and lookup.follows(self.nodes, self.edges):
            lookup.catch_up()
        else:
            lookup = self.__dict__["_lookup_cache"] = Lookup(self.nodes, self.edges)
        return lookup

    def node(self, node_id: str) -> NodeSpec:
        node = self._lookup().nodes.get(node_id)
        if node is None:
            raise KeyError(node_id)
        return node

    def has_node(self, node_id: str) -> bool:
        return node_id in self._lookup().nodes

    def inputs_of(self, node_id: str) -> list[EdgeSpec]:
        return list(self._lookup().inputs.get(node_id, ()))

    def outputs_of(self, node_id: str) -> list[EdgeSpec]:
        return list(self._lookup().outputs.get(node_id, ()))

    def params_of(self, node_id: str) -> dict[str, Any]:
        """The node's parameters with catalogue defaults filled in."""
        node = self.node(node_id)
        return {**LAYER_TYPES[node.type].defaults(), **node.params}

    def new_id(self, type_name: str) -> str:
        """A fresh, readable id: dense1, dense2, conv2d1..."""
        stem = type_name.lower()
        lookup = self._lookup()
        i = lookup.next_number.get(stem, 1)  # every lower number is taken
        while f"{stem}{i}" in lookup.nodes:
            i += 1
        lookup.next_number[stem] = i
        return f"{stem}{i}"

    def copy(self) -> NetworkSpec:
        """A deep copy, made field by field (edges are immutable and shared): copy.deepcopy
        of a 10,000-layer network took a second."""
        nodes = [replace(n, params=copy.deepcopy(n.params)) for n in self.nodes]
        return replace(self, nodes=nodes, edges=list(self.edges),
                       weights=copy.deepcopy(self.weights))

    # -- building plain stacks ---------------------------------------------------------
    @classmethod
    def sequential(cls, layers: list[tuple[str, dict[str, Any]]], name: str = "untitled",
                   input_shape: list[int] | None = None) -> NetworkSpec:
        """A chain Input -> layers[0] -> layers[1] -> ..., with ids made from the types."""
        spec = cls(name=name)
        spec.nodes.append(NodeSpec("input", "Input", {"shape": list(input_shape or [784])}))
        previous = "input"
        for type_name, params in layers:
            node_id = spec.new_id(type_name)
            spec.nodes.append(NodeSpec(node_id, type_name, dict(params)))
            spec.edges.append(EdgeSpec(previous, node_id))
            previous = node_id
        return spec

    # -- JSON --------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "name": self.name,
            "description": self.description,
            "nodes": [n.to_json() for n in self.nodes],
            "edges": [e.to_json() for e in self.edges],
        }
        if self.weights:
            data["weights"] = self.weights
        return data

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2)

    @classmethod
    def from_json(cls, data: Any) -> NetworkSpec:
        """Read the JSON form; raises SpecError for anything that is not a network document
        (the graph itself is checked by ``analyze``)."""
        if not isinstance(data, dict):
            raise SpecError("a network must be a JSON object")
        try:
            check_format_version(data.get("version", FORMAT_VERSION), FORMAT_VERSION,
                                 "this network")
        except FormatVersionError as error:
            raise SpecError(str(error)) from None
        nodes_data = data.get("nodes")
        edges_data = data.get("edges", [])
        if not isinstance(nodes_data, list) or not isinstance(edges_data, list):
            raise SpecError("a network needs a list of nodes and a list of edges")
        nodes = []
        for i, item in enumerate(nodes_data):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str) \
                    or not isinstance(item.get("type"), str):
                raise SpecError(f"node #{i + 1} needs a text 'id' and a text 'type'")
            params = item.get("params", {})
            if not isinstance(params, dict):
                raise SpecError(f"{item['id']}: 'params' must be an object")
            pos = read_position(item["id"], item.get("pos"))
            nodes.append(NodeSpec(item["id"], item["type"], dict(params), pos))
        edges = []
        for i, item in enumerate(edges_data):
            if isinstance(item, list | tuple) and len(item) in (2, 3):
                item = dict(zip(("source", "target", "port"), item, strict=False))
            if not isinstance(item, dict) or not isinstance(item.get("source"), str) \
                    or not isinstance(item.get("target"), str):
                raise SpecError(f"edge #{i + 1} needs a text 'source' and 'target'")
            port = item.get("port", 0)
            if not isinstance(port, int) or isinstance(port, bool) or port < 0:
                raise SpecError(f"edge #{i + 1}: 'port' must be a whole number >= 0")
            edges.append(EdgeSpec(item["source"], item["target"], port))
        weights = data.get("weights", {})
        if not isinstance(weights, dict):
            raise SpecError("'weights' must be an object")
        name = data.get("name", "untitled")
        description = data.get("description", "")
        return cls(nodes, edges, str(name), str(description), weights)

    @classmethod
    def loads(cls, text: str) -> NetworkSpec:
        try:
            data = parse_json(text)
        except ValueError as error:  # bad JSON, or nested too deep
            raise SpecError(f"not valid JSON: {error}") from None
        return cls.from_json(data)

    # -- analysis ----------------------------------------------------------------------
    def topological_order(self) -> tuple[list[str], list[str]]:
        """(order, ids left on a cycle) by Kahn's algorithm, over edges between known nodes."""
        ids = [n.id for n in self.nodes]
        known = set(ids)
        indegree = dict.fromkeys(ids, 0)
        for e in self.edges:
            if e.source in known and e.target in known:
                indegree[e.target] += 1
        ready = deque(i for i in ids if indegree[i] == 0)
        outputs = self._lookup().outputs
        order = []
        while ready:
            current = ready.popleft()
            order.append(current)
            for e in outputs.get(current, ()):
                if e.target in known:
                    indegree[e.target] -= 1
                    if indegree[e.target] == 0:
                        ready.append(e.target)
        placed = set(order)
        return order, [i for i in ids if i not in placed]

    def analyze(self) -> Analysis:
        """Check the graph, every parameter and every shape; return all problems found."""
        problems: list[Problem] = []
        ids = [n.id for n in self.nodes]
        for node_id in (i for i, count in Counter(ids).items() if count > 1):
            problems.append(Problem(node_id, "two layers share this name"))
        known = set(ids)
        for e in self.edges:
            for end in (e.source, e.target):
                if end not in known:
                    problems.append(Problem(None, f"a connection {e.source} -> {e.target} "
                                                  f"refers to a missing layer '{end}'"))
        order, cyclic = self.topological_order()
        for node_id in cyclic:
            problems.append(Problem(node_id, "is part of a cycle; a network must flow one way"))

        params_ok: dict[str, bool] = {}
        for node in self.nodes:
            params_ok[node.id] = self._check_node(node, problems)

        inputs = [n.id for n in self.nodes if n.type == "Input"]
        if not inputs:
            problems.append(Problem(None, "the network has no Input layer"))
        elif len(inputs) > 1:
            problems.append(Problem(None, "the network has more than one Input layer: "
                                          + ", ".join(inputs)))
        sinks = [n.id for n in self.nodes if not self.outputs_of(n.id) and n.type != "Input"]
        if len(sinks) > 1:
            problems.append(Problem(None, "the network has more than one output: "
                                          + ", ".join(sinks) + "; connect or remove the extra"))
        if self.nodes and not sinks and len(self.nodes) > 1 and not cyclic:
            problems.append(Problem(None, "the network has no output layer"))

        shapes: dict[str, Shape | None] = dict.fromkeys(ids)
        counts: dict[str, int] = dict.fromkeys(ids, 0)
        for node_id in order:
            node = self.node(node_id)
            if node.type not in LAYER_TYPES or not params_ok[node_id]:
                continue
            edges_in = self.inputs_of(node_id)
            if any(e.source not in known for e in edges_in):
                continue
            in_shapes = [shapes[e.source] for e in edges_in]
            if any(s is None for s in in_shapes):
                continue
            params = self.params_of(node_id)
            layer = LAYER_TYPES[node.type]
            try:
                shapes[node_id] = layer.shape_rule(in_shapes, params)
                if node.type != "Input":
                    counts[node_id] = layer.count_params(in_shapes, params)
            except ShapeError as error:
                problems.append(Problem(node_id, str(error)))
        if inputs and len(inputs) == 1:
            reachable = self._reachable_from(inputs[0])
            for node in self.nodes:
                if node.id not in reachable and node.type != "Input":
                    problems.append(Problem(node.id, "is not connected to the input"))
        return Analysis(order, shapes, counts, problems)

    def _reachable_from(self, start: str) -> set[str]:
        seen, stack = {start}, [start]
        while stack:
            current = stack.pop()
            for e in self.outputs_of(current):
                if e.target not in seen:
                    seen.add(e.target)
                    stack.append(e.target)
        return seen

    def _check_node(self, node: NodeSpec, problems: list[Problem]) -> bool:
        """Type, parameters and number of inputs of one node; True when shapes can be inferred."""
        layer = LAYER_TYPES.get(node.type)
        if layer is None:
            problems.append(Problem(node.id, f"unknown layer type '{node.type}'"))
            return False
        ok = True
        known = {p.name for p in layer.params}
        for name in node.params:
            if name not in known:
                problems.append(Problem(node.id, f"{node.type} has no parameter '{name}'"))
                ok = False
        for p in layer.params:
            if p.name not in node.params:
                if p.required:
                    problems.append(Problem(node.id, f"missing parameter '{p.name}'"))
                    ok = False
                continue
            message = p.check(node.params[p.name])
            if message:
                problems.append(Problem(node.id, message))
                ok = False
        ports = [e.port for e in self.inputs_of(node.id)]
        count = len(ports)
        if layer.inputs == 0 and count:
            problems.append(Problem(node.id, "an Input layer cannot have inputs"))
            ok = False
        elif layer.inputs == 1 and count != 1:
            problems.append(Problem(node.id, "has no input; connect a layer to it" if count == 0
                                    else f"takes one input but has {count}"))
            ok = False
        elif layer.inputs is None and count < 2:
            problems.append(Problem(node.id, f"{node.type} joins two or more inputs but has "
                                             f"{count}"))
            ok = False
        if len(set(ports)) != len(ports):
            problems.append(Problem(node.id, "two connections go into the same input port"))
            ok = False
        return ok

    def validate(self) -> list[Problem]:
        return self.analyze().problems
