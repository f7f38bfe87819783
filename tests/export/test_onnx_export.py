"""ONNX models built with onnx.helper pass the checker and run in onnxruntime as ours do."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from nnstudio.export import ExportError, export_onnx, onnx_model  # noqa: E402

from .conftest import ALL_NETWORKS  # noqa: E402
from .networks import network_named, ours, sample_input, varied_weights, zoo  # noqa: E402

TOLERANCE = 1e-4


def run_onnx(model_or_path: object, x: np.ndarray) -> np.ndarray:
    source = model_or_path.SerializeToString() if hasattr(model_or_path, "SerializeToString") \
        else str(model_or_path)
    session = ort.InferenceSession(source, providers=["CPUExecutionProvider"])
    return session.run(["output"], {"input": x})[0]


@pytest.mark.parametrize("name", ALL_NETWORKS)
def test_onnxruntime_matches_our_outputs(name: str, tmp_path: Path) -> None:
    spec = network_named(name)
    weights = varied_weights(spec)
    path = tmp_path / "model.onnx"
    assert export_onnx(spec, weights, path) == [path]
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    for batch in (1, 7):  # one model, two batch sizes: the batch axis is dynamic
        x = sample_input(spec, batch)
        difference = np.abs(session.run(None, {"input": x})[0] - ours(spec, weights, x)).max()
        assert difference <= TOLERANCE, f"{name}: max difference {difference:.2e}"


def test_graph_has_named_dynamic_input_and_output() -> None:
    spec = network_named("lenet5")
    graph = onnx_model(spec, varied_weights(spec)).graph
    (graph_input,), (graph_output,) = graph.input, graph.output
    dims = graph_input.type.tensor_type.shape.dim
    assert graph_input.name == "input" and graph_output.name == "output"
    assert dims[0].dim_param == "batch" and [d.dim_value for d in dims[1:]] == [1, 28, 28]
    assert [d.dim_value for d in graph_output.type.tensor_type.shape.dim[1:]] == [10]
    assert [n.op_type for n in graph.node] == [
        "Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm",
        "Relu", "Gemm", "Softmax"]
    assert {n.name for n in graph.node} >= {"conv2d1", "dense3", "softmax1"}


def test_ops_of_the_zoo() -> None:
    spec = zoo()
    model = onnx_model(spec, varied_weights(spec))
    ops = {n.op_type for n in model.graph.node}
    assert ops == {"Conv", "BatchNormalization", "LeakyRelu", "Elu", "Concat", "MaxPool",
                   "AveragePool", "Flatten", "Gemm", "Selu", "Identity", "Tanh", "Sigmoid",
                   "Add", "Reshape", "Relu", "GreaterOrEqual", "Cast", "Softmax"}
    conv = next(n for n in model.graph.node if n.name == "conv_same")
    pads = next(a for a in conv.attribute if a.name == "pads")
    assert list(pads.ints) == [1, 1, 2, 2]  # top, left, bottom, right: odd pixel last


@pytest.mark.parametrize("opset", [13, 17, 21])
def test_opsets(opset: int) -> None:
    spec = zoo()
    weights = varied_weights(spec)
    model = onnx_model(spec, weights, opset)
    assert model.opset_import[0].version == opset
    x = sample_input(spec)
    assert np.abs(run_onnx(model, x) - ours(spec, weights, x)).max() <= TOLERANCE


def test_unsupported_opset_and_invalid_weights(tmp_path: Path) -> None:
    spec = network_named("xor-mlp")
    with pytest.raises(ExportError, match="opset 9 is not supported"):
        onnx_model(spec, varied_weights(spec), 9)
    with pytest.raises(ExportError, match="dense1: no weights for W"):
        export_onnx(spec, {}, tmp_path / "m.onnx")


def test_without_onnx_says_how_to_install(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)
    spec = network_named("xor-mlp")
    with pytest.raises(ExportError, match=r"pip install -e \.\[export\]"):
        export_onnx(spec, varied_weights(spec), tmp_path / "m.onnx")
