"""Importing a long ONNX chain takes work in proportion to its length: counted in lines of
Python run, never timed. The network's own analysis (NetworkSpec.analyze) is left out: it
has its own test."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from types import SimpleNamespace

import pytest

onnx = pytest.importorskip("onnx")

from onnx import TensorProto, helper  # noqa: E402

from nnstudio.export import import_onnx  # noqa: E402
from nnstudio.spec.network import NetworkSpec  # noqa: E402


def model_of(nodes: list, features: int = 4) -> onnx.ModelProto:
    graph = helper.make_graph(
        nodes, "chain", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", features])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", features])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def relu_chain(length: int) -> onnx.ModelProto:
    """x -> Relu -> Relu ... -> y, the nodes unnamed (so the importer makes up each id)."""
    names = ["x", *(f"t{i}" for i in range(1, length)), "y"]
    return model_of([helper.make_node("Relu", [a], [b]) for a, b in itertools.pairwise(names)])


def add_chain(length: int) -> onnx.ModelProto:
    """relu(x) + x + x + ... : one Add layer whose inputs grow with the chain."""
    nodes = [helper.make_node("Relu", ["x"], ["r"], name="relu")]
    names = ["r", *(f"a{i}" for i in range(1, length)), "y"]
    nodes += [helper.make_node("Add", [a, "x"], [b]) for a, b in itertools.pairwise(names)]
    return model_of(nodes)


def lines_to_import(model: onnx.ModelProto) -> int:
    count = 0

    def trace(frame, event, arg):  # noqa: ANN001, ANN202 - sys.settrace's signature
        nonlocal count
        count += event == "line"
        return trace

    sys.settrace(trace)
    try:
        import_onnx(model)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("chain", [relu_chain, add_chain], ids=["relu", "add"])
def test_import_work_grows_linearly(chain: Callable[[int], onnx.ModelProto],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(NetworkSpec, "analyze",
                        lambda self: SimpleNamespace(ok=True, problems=[]))
    short, long = lines_to_import(chain(200)), lines_to_import(chain(800))
    assert long < 4.6 * short, (short, long)  # quadratic work gives about 16 times


def test_a_long_add_chain_is_one_layer() -> None:
    spec, _ = import_onnx(add_chain(50))
    assert [n.type for n in spec.nodes] == ["Input", "ReLU", "Add"]
    add = spec.nodes[-1].id
    assert [e.port for e in spec.inputs_of(add)] == list(range(51))
