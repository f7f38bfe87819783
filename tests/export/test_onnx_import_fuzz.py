"""Fuzzing import_onnx with structured mutations of valid models: our own exports and a
PyTorch-style graph with shape arithmetic, with nodes dropped, duplicated, reordered or
rewired, attributes changed, initializers' dims, types and data corrupted, and bytes of the
serialized file flipped. Whatever comes in, the import either gives a network whose weights
fit it, or raises its own ExportError; it never writes a file and its memory stays small.
Time is measured by hand (see the report), not asserted."""

from __future__ import annotations

import functools
import os
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from onnx import AttributeProto, TensorProto, helper, numpy_helper  # noqa: E402

from nnstudio.export import ExportError, import_onnx, onnx_model  # noqa: E402
from nnstudio.running.build import build_network  # noqa: E402

from .networks import network_named, varied_weights  # noqa: E402

# NNSTUDIO_FUZZ_EXAMPLES=5000 for a longer hunt (random seeds then, not the fixed ones)
EXAMPLES = int(os.environ.get("NNSTUDIO_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                derandomize="NNSTUDIO_FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=[HealthCheck.too_slow])
MEMORY_LIMIT = 64 * 2**20  # the largest base model is 0.3 MB; a blow-up would show here
SEEDS = ("xor-gates", "small-cnn", "zoo", "odd-names", "residual-mlp", "backprop-example")


def view_graph() -> onnx.ModelProto:
    """PyTorch's x.view(x.size(0), -1) before a Linear, with a dynamic batch."""
    f32 = np.float32
    init = [numpy_helper.from_array(np.ones((2, 1, 3, 3), f32), "k"),
            numpy_helper.from_array(np.ones((5, 72), f32), "w"),
            numpy_helper.from_array(np.array(0, np.int64), "zero"),
            numpy_helper.from_array(np.array([0], np.int64), "axes"),
            numpy_helper.from_array(np.array([-1], np.int64), "rest")]
    nodes = [helper.make_node("Conv", ["x", "k"], ["c"], name="conv"),
             helper.make_node("Shape", ["x"], ["s"], name="shape"),
             helper.make_node("Gather", ["s", "zero"], ["n"], axis=0, name="gather"),
             helper.make_node("Unsqueeze", ["n", "axes"], ["n1"], name="unsqueeze"),
             helper.make_node("Concat", ["n1", "rest"], ["target"], axis=0, name="concat"),
             helper.make_node("Reshape", ["c", "target"], ["flat"], name="reshape"),
             helper.make_node("Gemm", ["flat", "w"], ["y"], transB=1, name="linear")]
    graph = helper.make_graph(
        nodes, "main_graph",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 1, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 5])], init)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


@functools.cache
def seed_models() -> tuple[bytes, ...]:
    models = [onnx_model(network_named(n), varied_weights(network_named(n))) for n in SEEDS]
    return tuple(m.SerializeToString() for m in [*models, view_graph()])


# -- mutations: each changes ``model`` in place, drawing what it needs ----------------------
def drop_node(model: onnx.ModelProto, draw: Callable) -> None:
    if model.graph.node:
        del model.graph.node[draw(st.integers(0, len(model.graph.node) - 1))]


def duplicate_node(model: onnx.ModelProto, draw: Callable) -> None:
    if model.graph.node:
        node = model.graph.node[draw(st.integers(0, len(model.graph.node) - 1))]
        model.graph.node.insert(draw(st.integers(0, len(model.graph.node))), node)


def swap_nodes(model: onnx.ModelProto, draw: Callable) -> None:
    nodes = model.graph.node
    if len(nodes) > 1:
        i, j = draw(st.integers(0, len(nodes) - 1)), draw(st.integers(0, len(nodes) - 1))
        a, b = onnx.NodeProto(), onnx.NodeProto()
        a.CopyFrom(nodes[i])
        b.CopyFrom(nodes[j])
        nodes[i].CopyFrom(b)
        nodes[j].CopyFrom(a)


def tensor_names(model: onnx.ModelProto) -> list[str]:
    graph = model.graph
    return [*(i.name for i in graph.input), *(t.name for t in graph.initializer),
            *(o for n in graph.node for o in n.output), "", "nowhere"]


def rewire(model: onnx.ModelProto, draw: Callable) -> None:
    if model.graph.node:
        node = model.graph.node[draw(st.integers(0, len(model.graph.node) - 1))]
        ports = node.input if draw(st.booleans()) or not node.output else node.output
        name = draw(st.sampled_from(tensor_names(model)))
        if ports and draw(st.booleans()):
            ports[draw(st.integers(0, len(ports) - 1))] = name
        elif draw(st.booleans()):
            ports.append(name)
        elif ports:
            del ports[-1]


ATTRIBUTE_VALUES = st.one_of(
    st.integers(-3, 70), st.floats(allow_nan=True),
    st.lists(st.integers(-2, 9), min_size=1, max_size=5),
    st.sampled_from([b"SAME_UPPER", b"VALID", b"SAME_LOWER", b"junk", ""]),
    st.lists(st.floats(-2, 2), min_size=1, max_size=3))
ATTRIBUTE_NAMES = st.sampled_from(["axis", "strides", "pads", "kernel_shape", "transB",
                                   "alpha", "beta", "epsilon", "momentum", "auto_pad", "group",
                                   "dilations", "to", "allowzero", "ceil_mode", "start",
                                   "training_mode", "ratio", "value"])


def change_attribute(model: onnx.ModelProto, draw: Callable) -> None:
    if not model.graph.node:
        return
    node = model.graph.node[draw(st.integers(0, len(model.graph.node) - 1))]
    if node.attribute and draw(st.booleans()):
        index = draw(st.integers(0, len(node.attribute) - 1))
        name = node.attribute[index].name
        del node.attribute[index]
        if draw(st.booleans()):
            return  # removed
    else:
        name = draw(ATTRIBUTE_NAMES)
    value = draw(ATTRIBUTE_VALUES)
    attribute = helper.make_attribute(name, value)
    if draw(st.booleans()):
        attribute.type = draw(st.sampled_from([AttributeProto.UNDEFINED, AttributeProto.INT,
                                               AttributeProto.FLOATS, AttributeProto.TENSOR]))
    node.attribute.append(attribute)


def corrupt_initializer(model: onnx.ModelProto, draw: Callable) -> None:
    tensors = [*model.graph.initializer,
               *(a.t for n in model.graph.node for a in n.attribute if a.name == "value")]
    if not tensors:
        return
    tensor = tensors[draw(st.integers(0, len(tensors) - 1))]
    how = draw(st.sampled_from(["dims", "truncate", "type", "drop", "huge", "external"]))
    if how == "dims" and tensor.dims:
        tensor.dims[draw(st.integers(0, len(tensor.dims) - 1))] = draw(st.integers(-2, 900))
    elif how == "dims":
        tensor.dims.append(draw(st.integers(-2, 9)))
    elif how == "truncate":
        tensor.raw_data = tensor.raw_data[:draw(st.integers(0, max(0, len(tensor.raw_data))))]
        del tensor.float_data[draw(st.integers(0, len(tensor.float_data))):]
    elif how == "type":
        tensor.data_type = draw(st.sampled_from([0, 2, 5, 7, 8, 9, 10, 11, 16, 17, 23, 99]))
    elif how == "drop":
        tensor.ClearField("raw_data")
        tensor.ClearField("float_data")
    elif how == "huge":
        tensor.dims[:] = [2**31, 2**31]
    else:
        tensor.data_location = TensorProto.EXTERNAL
        tensor.external_data.add(key="location",
                                 value=draw(st.sampled_from(["w.bin", "../w.bin", "/dev/zero"])))
        tensor.external_data.add(key="length", value=draw(st.sampled_from(["4", "-1", "x"])))


def change_graph_io(model: onnx.ModelProto, draw: Callable) -> None:
    graph = model.graph
    what = draw(st.sampled_from(["input dims", "output name", "no input", "two outputs",
                                 "opset"]))
    if what == "input dims" and graph.input:
        dims = graph.input[0].type.tensor_type.shape.dim
        if dims:
            dims[draw(st.integers(0, len(dims) - 1))].dim_value = draw(st.integers(-1, 2**40))
    elif what == "output name" and graph.output:
        graph.output[0].name = draw(st.sampled_from(tensor_names(model)))
    elif what == "no input":
        del graph.input[:]
    elif what == "two outputs" and graph.output:
        graph.output.append(graph.output[0])
    elif model.opset_import:
        model.opset_import[0].version = draw(st.integers(-5, 30))


MUTATIONS = [drop_node, duplicate_node, swap_nodes, rewire, change_attribute,
             corrupt_initializer, change_graph_io]


def check_import(source: onnx.ModelProto | Path) -> None:
    """import_onnx succeeds with weights that fit, or raises ExportError, in little memory."""
    tracemalloc.start()
    try:
        spec, weights = import_onnx(source)
    except ExportError:
        return
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < MEMORY_LIMIT, f"{peak / 2**20:.0f} MB"
    assert spec.analyze().ok
    build_network(spec).set_weights(weights)


def check_import_of_file(content: bytes) -> None:
    """check_import of ``content`` saved alone in a folder, which the import leaves alone."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.onnx"
        path.write_bytes(content)
        check_import(path)  # by path: external data is looked for beside it
        assert os.listdir(folder) == ["m.onnx"]


@FUZZ
@given(data=st.data())
def test_mutated_models_import_or_raise_the_import_error(data: st.DataObject) -> None:
    model = onnx.ModelProto()
    model.ParseFromString(data.draw(st.sampled_from(seed_models())))
    for mutate in data.draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3)):
        mutate(model, data.draw)
    check_import(model)
    check_import_of_file(model.SerializeToString())


@FUZZ
@given(data=st.data())
def test_flipped_bytes_import_or_raise_the_import_error(data: st.DataObject) -> None:
    raw = bytearray(data.draw(st.sampled_from(seed_models())))
    for _ in range(data.draw(st.integers(1, 8))):
        index = data.draw(st.integers(0, len(raw) - 1))
        raw[index] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        del raw[data.draw(st.integers(0, len(raw))):]
    check_import_of_file(bytes(raw))
