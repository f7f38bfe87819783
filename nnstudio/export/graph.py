"""What every exporter needs from a NetworkSpec: the nodes in order, with shapes and weights.

``export_plan`` checks the network and its weights once, so the exporters only translate:
each node comes with its parameters (defaults filled in), its input and output shapes and
its arrays in the engine's layout, as float32.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy

from nnstudio.export.errors import ExportError
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.shapes import Shape, format_shape

Weights = dict[str, dict[str, Any]]


@dataclass
class ExportNode:
    id: str
    type: str
    params: dict[str, Any]
    inputs: list[str]
    in_shapes: list[Shape]
    shape: Shape
    arrays: dict[str, numpy.ndarray] = field(default_factory=dict)


@dataclass
class ExportPlan:
    name: str
    description: str
    input_id: str
    input_shape: Shape
    nodes: list[ExportNode]  # in topological order, the input node left out

    @property
    def output_id(self) -> str:
        return self.nodes[-1].id if self.nodes else self.input_id

    @property
    def output_shape(self) -> Shape:
        return self.nodes[-1].shape if self.nodes else self.input_shape


def expected_arrays(type_name: str, in_shape: Shape, params: dict[str, Any]
                    ) -> dict[str, Shape]:
    """The arrays a layer holds, by name and shape, in the engine's layout."""
    if type_name == "Dense":
        units = int(params["units"])
        found = {"W": (in_shape[0], units)}
        if params["use_bias"]:
            found["b"] = (units,)
        return found
    if type_name == "Conv2D":
        filters, k = int(params["filters"]), int(params["kernel_size"])
        found = {"W": (filters, in_shape[0], k, k)}
        if params["use_bias"]:
            found["b"] = (filters,)
        return found
    if type_name == "BatchNorm":
        return {name: (in_shape[0],) for name in ("gamma", "beta", "running_mean", "running_var")}
    return {}


def export_plan(spec: NetworkSpec, weights: Weights | None) -> ExportPlan:
    """Check ``spec`` and ``weights`` ({node: {param: array}}) and line them up for export."""
    analysis = spec.analyze()
    if not analysis.ok:
        problems = "; ".join(str(p) for p in analysis.problems)
        raise ExportError(f"the network is not valid, so it cannot be exported: {problems}")
    weights = dict(weights or {})
    nodes: list[ExportNode] = []
    input_id = ""
    for node_id in analysis.order:
        node = spec.node(node_id)
        shape = analysis.shapes[node_id]
        assert shape is not None  # a valid analysis knows every shape
        if node.type == "Input":
            input_id = node_id
            continue
        sources = [e.source for e in spec.inputs_of(node_id)]
        in_shapes = [analysis.shapes[s] for s in sources]
        params = spec.params_of(node_id)
        expected = expected_arrays(node.type, in_shapes[0], params)
        arrays = _arrays_of(node_id, weights.pop(node_id, {}), expected)
        nodes.append(ExportNode(node_id, node.type, params, sources, in_shapes, shape, arrays))
    if weights:
        raise ExportError("the weights name layers that the network does not have: "
                          + ", ".join(sorted(map(str, weights))))
    input_shape = analysis.shapes[input_id]
    assert input_shape is not None
    return ExportPlan(spec.name, spec.description, input_id, input_shape, nodes)


def _arrays_of(node_id: str, given: Any, expected: dict[str, Shape]) -> dict[str, numpy.ndarray]:
    if not isinstance(given, dict):
        raise ExportError(f"{node_id}: its weights must be a mapping of names to arrays")
    extra = sorted(set(map(str, given)) - set(expected))
    if extra:
        raise ExportError(f"{node_id}: unexpected weights {', '.join(extra)} "
                          f"(this layer has {', '.join(expected) or 'none'})")
    arrays = {}
    for name, shape in expected.items():
        if name not in given:
            raise ExportError(f"{node_id}: no weights for {name}; train the network or "
                              f"export its starting weights")
        try:
            array = numpy.asarray(given[name], dtype=numpy.float32)
        except (TypeError, ValueError) as error:
            raise ExportError(f"{node_id}.{name}: not an array of numbers ({error})") from None
        if array.shape != shape:
            raise ExportError(f"{node_id}.{name}: expected shape {format_shape(shape)}, "
                              f"got {format_shape(array.shape)}")
        arrays[name] = array
    return arrays
