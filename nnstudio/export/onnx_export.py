"""A NetworkSpec as an ONNX model, built node by node with ``onnx.helper`` (torch not needed).

The graph has one input, "input" (float32, batch axis named "batch" and left dynamic), and
one output, "output". Each layer becomes one ONNX node named after the layer (plus a helper
node where ONNX has no single op: Heaviside is GreaterOrEqual then Cast; Add of three or
more inputs is a chain). Weights are initializers in ONNX's layout: Gemm with transB=1
takes (out, in), our Dense W transposed. Dropout is an Identity: the model is for inference.
BatchNormalization's momentum runs the other way round in ONNX (weight of the old value).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy

from nnstudio import __version__
from nnstudio.engine.layers.activations import SELU
from nnstudio.engine.layers.conv import same_padding
from nnstudio.export.errors import ExportError, require
from nnstudio.export.graph import ExportNode, Weights, export_plan
from nnstudio.spec.network import NetworkSpec
from nnstudio.storage.atomic_write import write_atomic

MIN_OPSET = 13  # Softmax over one axis (not a flattened 2-D view) needs 13
INPUT_NAME = "input"
OUTPUT_NAME = "output"
BATCH = "batch"
# What ONNX cannot say in attributes, said in the node's doc_string (import_onnx reads it).
DROPOUT_DOC = "Dropout(rate={rate!r}): an identity when not training"
SAME_DOC = "padding='same' (TensorFlow style: any odd pixel of padding goes bottom/right)"
SIMPLE_OPS = {"Sigmoid": "Sigmoid", "Tanh": "Tanh", "ReLU": "Relu", "Identity": "Identity"}


def export_onnx(spec: NetworkSpec, weights: Weights | None, path: str | os.PathLike[str],
                opset: int = 17) -> list[Path]:
    """Write the network with ``weights`` as an ONNX file at ``path``; returns [path]."""
    model = onnx_model(spec, weights, opset)
    path = Path(path)
    write_atomic(path, model.SerializeToString())
    return [path]


def onnx_model(spec: NetworkSpec, weights: Weights | None, opset: int = 17) -> Any:
    """The ``onnx.ModelProto`` of the network (checked with the ONNX checker)."""
    onnx = require("onnx", "Exporting to ONNX")
    newest = onnx.defs.onnx_opset_version()
    if not MIN_OPSET <= opset <= newest:
        raise ExportError(f"ONNX opset {opset} is not supported: choose {MIN_OPSET} to {newest}")
    plan = export_plan(spec, weights)
    graph = _GraphBuilder(onnx)
    tensors = {plan.input_id: INPUT_NAME}
    for node in plan.nodes:
        out = OUTPUT_NAME if node.id == plan.output_id else graph.tensor_name(node.id)
        _translate(graph, node, [tensors[s] for s in node.inputs], out)
        tensors[node.id] = out
    if not plan.nodes:
        graph.node("Identity", [INPUT_NAME], OUTPUT_NAME, plan.input_id)
    helper = onnx.helper
    float_type = onnx.TensorProto.FLOAT
    inputs = [helper.make_tensor_value_info(INPUT_NAME, float_type, [BATCH, *plan.input_shape])]
    outputs = [helper.make_tensor_value_info(OUTPUT_NAME, float_type,
                                             [BATCH, *plan.output_shape])]
    onnx_graph = helper.make_graph(graph.nodes, plan.name or "network", inputs, outputs,
                                   graph.initializers, doc_string=plan.description)
    opsets = [helper.make_opsetid("", opset)]
    model = helper.make_model(onnx_graph, opset_imports=opsets,
                              producer_name="NN Studio", producer_version=__version__,
                              ir_version=helper.find_min_ir_version_for(opsets))
    try:
        onnx.checker.check_model(model, full_check=True)
    except Exception as error:  # noqa: BLE001 - the checker's errors have no common base
        raise ExportError(f"the ONNX model failed the ONNX checker: {error}") from None
    return model


class _GraphBuilder:
    """Collects nodes and initializers and hands out names no two tensors share."""

    def __init__(self, onnx: Any) -> None:
        self.onnx = onnx
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self.taken = {INPUT_NAME, OUTPUT_NAME}
        self.node_names: set[str] = set()

    def tensor_name(self, wanted: str) -> str:
        name, n = wanted, 2
        while name in self.taken:
            name = f"{wanted}_{n}"
            n += 1
        self.taken.add(name)
        return name

    def constant(self, wanted: str, array: numpy.ndarray) -> str:
        name = self.tensor_name(wanted)
        self.initializers.append(self.onnx.numpy_helper.from_array(array, name))
        return name

    def node(self, op: str, inputs: list[str], output: str, name: str, doc: str = "",
             **attributes: Any) -> None:
        unique, n = name, 2
        while unique in self.node_names:
            unique = f"{name}_{n}"
            n += 1
        self.node_names.add(unique)
        self.nodes.append(self.onnx.helper.make_node(op, inputs, [output], name=unique,
                                                     doc_string=doc or None, **attributes))


def _conv_pads(node: ExportNode) -> list[int]:
    """ONNX's pads order: [top, left, bottom, right]."""
    padding = node.params["padding"]
    if padding == "valid":
        return [0, 0, 0, 0]
    if padding == "same":
        _, h, w = node.in_shapes[0]
        k, s = int(node.params["kernel_size"]), int(node.params["stride"])
        (top, bottom), (left, right) = same_padding(h, k, s), same_padding(w, k, s)
        return [top, left, bottom, right]
    return [int(padding)] * 4


def _translate(graph: _GraphBuilder, node: ExportNode, inputs: list[str], out: str) -> None:
    """Append the ONNX node(s) computing ``node`` from ``inputs`` into tensor ``out``."""
    p, a, kind = node.params, node.arrays, node.type
    if kind in SIMPLE_OPS:
        graph.node(SIMPLE_OPS[kind], inputs, out, node.id)
    elif kind == "Dense":
        args = [inputs[0], graph.constant(f"{node.id}.weight", numpy.ascontiguousarray(a["W"].T))]
        if "b" in a:
            args.append(graph.constant(f"{node.id}.bias", a["b"]))
        graph.node("Gemm", args, out, node.id, transB=1)
    elif kind == "Conv2D":
        k, s = int(p["kernel_size"]), int(p["stride"])
        args = [inputs[0], graph.constant(f"{node.id}.weight", a["W"])]
        if "b" in a:
            args.append(graph.constant(f"{node.id}.bias", a["b"]))
        graph.node("Conv", args, out, node.id, doc=SAME_DOC if p["padding"] == "same" else "",
                   kernel_shape=[k, k], strides=[s, s], pads=_conv_pads(node),
                   dilations=[1, 1], group=1)
    elif kind in ("MaxPool2D", "AvgPool2D"):
        k = int(p["pool_size"])
        s = int(p["stride"]) or k
        op = "MaxPool" if kind == "MaxPool2D" else "AveragePool"
        graph.node(op, inputs, out, node.id, kernel_shape=[k, k], strides=[s, s])
    elif kind == "Flatten":
        graph.node("Flatten", inputs, out, node.id, axis=1)
    elif kind == "Reshape":
        # 0 copies the batch size from the input (allowzero is off).
        shape = numpy.array([0, *p["shape"]], dtype=numpy.int64)
        graph.node("Reshape", [inputs[0], graph.constant(f"{node.id}.shape", shape)], out,
                   node.id)
    elif kind == "BatchNorm":
        args = [inputs[0]] + [graph.constant(f"{node.id}.{name}", a[name])
                              for name in ("gamma", "beta", "running_mean", "running_var")]
        graph.node("BatchNormalization", args, out, node.id, epsilon=float(p["eps"]),
                   momentum=1.0 - float(p["momentum"]))
    elif kind == "Dropout":
        graph.node("Identity", inputs, out, node.id,
                   doc=DROPOUT_DOC.format(rate=float(p["rate"])))
    elif kind == "Add":
        total = inputs[0]
        for i, other in enumerate(inputs[1:], start=2):
            last = i == len(inputs)
            target = out if last else graph.tensor_name(f"{node.id}.partial{i}")
            graph.node("Add", [total, other], target, node.id)
            total = target
    elif kind == "Concat":
        graph.node("Concat", inputs, out, node.id, axis=1)
    elif kind == "LeakyReLU":
        graph.node("LeakyRelu", inputs, out, node.id, alpha=float(p["alpha"]))
    elif kind == "ELU":
        graph.node("Elu", inputs, out, node.id, alpha=float(p["alpha"]))
    elif kind == "SELU":
        graph.node("Selu", inputs, out, node.id, alpha=SELU.alpha, gamma=SELU.scale)
    elif kind == "Softmax":
        graph.node("Softmax", inputs, out, node.id, axis=1)
    elif kind == "Heaviside":
        zero = graph.constant(f"{node.id}.zero", numpy.zeros((), dtype=numpy.float32))
        step = graph.tensor_name(f"{node.id}.step")
        graph.node("GreaterOrEqual", [inputs[0], zero], step, node.id)
        graph.node("Cast", [step], out, f"{node.id}/cast", to=graph.onnx.TensorProto.FLOAT)
    else:
        raise ExportError(f"{node.id}: ONNX export does not support {kind} layers yet")
