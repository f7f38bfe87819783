"""import_onnx: our own exports come back as the same network and weights; other graphs of
the supported ops are read too; anything else is refused by name."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from nnstudio.export import ExportError, export_onnx, import_onnx, onnx_model  # noqa: E402

from .conftest import ALL_NETWORKS  # noqa: E402
from .networks import network_named, ours, sample_input, varied_weights  # noqa: E402


@pytest.mark.parametrize("name", ALL_NETWORKS)
def test_our_exports_round_trip(name: str, tmp_path: Path) -> None:
    spec = network_named(name)
    weights = varied_weights(spec)
    export_onnx(spec, weights, tmp_path / "m.onnx")
    back, back_weights = import_onnx(tmp_path / "m.onnx")
    x = sample_input(spec)
    assert np.array_equal(ours(back, back_weights, x), ours(spec, weights, x))
    if name == "odd-names":  # the Input's id is not in the graph: it comes back as "input"
        return
    assert back.name == spec.name
    assert {n.id: (n.type, spec.params_of(n.id)) for n in spec.nodes} == \
        {n.id: (n.type, back.params_of(n.id)) for n in back.nodes}
    assert set(back.edges) == set(spec.edges)
    assert back_weights.keys() == weights.keys()
    for node, arrays in weights.items():
        for key, array in arrays.items():
            assert np.array_equal(back_weights[node][key], array), f"{node}.{key}"


def build(nodes: list, initializers: dict[str, np.ndarray], in_shape: list[int],
          out_shape: list[int], opset: int = 17) -> onnx.ModelProto:
    graph = helper.make_graph(
        nodes, "hand made",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", *in_shape])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", *out_shape])],
        [numpy_helper.from_array(v, k) for k, v in initializers.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def test_graphs_written_by_others() -> None:
    rng = np.random.default_rng(0)
    f32 = np.float32
    init = {"k": rng.normal(size=(4, 2, 3, 3)).astype(f32),
            "w": rng.normal(size=(36, 5)).astype(f32),
            "b": rng.normal(size=(5,)).astype(f32), "ratio": np.array(0.25, f32)}
    nodes = [
        helper.make_node("Conv", ["x", "k"], ["c"], auto_pad="SAME_UPPER", strides=[2, 2]),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("Constant", [], ["shape"],
                         value=numpy_helper.from_array(np.array([-1, 36], np.int64))),
        helper.make_node("Reshape", ["r", "shape"], ["flat"]),
        helper.make_node("Dropout", ["flat", "ratio"], ["d"]),
        helper.make_node("MatMul", ["d", "w"], ["mm"]),
        helper.make_node("Add", ["mm", "b"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["y"]),
    ]
    model = build(nodes, init, [2, 5, 6], [5])
    spec, weights = import_onnx(model)
    types = [n.type for n in spec.nodes]
    assert types == ["Input", "Conv2D", "ReLU", "Reshape", "Dropout", "Dense", "Softmax"]
    conv = next(n for n in spec.nodes if n.type == "Conv2D")
    assert conv.params["padding"] == "same" and conv.params["stride"] == 2
    assert next(n for n in spec.nodes if n.type == "Dropout").params["rate"] == 0.25
    x = np.random.default_rng(1).normal(size=(3, 2, 5, 6)).astype(np.float32)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    expected = session.run(None, {"x": x})[0]
    assert np.abs(ours(spec, weights, x) - expected).max() <= 1e-5


def test_unsupported_ops_are_named() -> None:
    model = build([helper.make_node("Sqrt", ["x"], ["y"], name="root")], {}, [3], [3])
    with pytest.raises(ExportError, match=r"root \(Sqrt\): the ONNX op Sqrt is not supported"):
        import_onnx(model)
    model = build([helper.make_node("Conv", ["x", "k"], ["y"], group=2)],
                  {"k": np.ones((2, 1, 1, 1), np.float32)}, [2, 4, 4], [2, 4, 4])
    with pytest.raises(ExportError, match="grouped"):
        import_onnx(model)


def test_not_an_onnx_file(tmp_path: Path) -> None:
    (tmp_path / "junk.onnx").write_bytes(b"\xff\x00 not protobuf")
    with pytest.raises(ExportError, match="cannot read"):
        import_onnx(tmp_path / "junk.onnx")


def test_round_trip_of_a_model_object() -> None:
    spec = network_named("xor-gates")
    weights = varied_weights(spec)
    back, _ = import_onnx(onnx_model(spec, weights))
    assert [n.type for n in back.nodes] == [n.type for n in spec.nodes]
