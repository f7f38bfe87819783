"""Network analysis is linear in the number of layers: a 10,000-layer chain is summarized in
well under a second (it took a minute when every lookup scanned every node and edge).

Without timing anything, these count the Python steps (traced lines and calls) that 1,000
and 4,000 layers take: linear work grows about 4 times, quadratic work 16 times.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest

from nnstudio.cli.summary import format_summary
from nnstudio.running.build import build_network
from nnstudio.spec.network import EdgeSpec, NetworkSpec, NodeSpec


def relu_chain(layers: int) -> NetworkSpec:
    return NetworkSpec.sequential([("Dense", {"units": 4})] + [("ReLU", {})] * (layers - 1),
                                  input_shape=[4])


def steps(run: Callable[[], object]) -> int:
    count = 0

    def tracer(frame, event, arg):  # noqa: ANN001, ANN202
        nonlocal count
        count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        run()
    finally:
        sys.settrace(previous)
    return count


def growth(make: Callable[[int], NetworkSpec], work: Callable[[NetworkSpec], object]) -> float:
    small, large = make(1000), make(4000)
    return steps(lambda: work(large)) / steps(lambda: work(small))


@pytest.mark.parametrize("work", [
    NetworkSpec.analyze,
    lambda spec: format_summary("chain", spec),
    lambda spec: [spec.node(n.id) for n in spec.nodes] + [spec.inputs_of(n.id)
                                                          for n in spec.nodes],
    build_network,
], ids=["analyze", "summary", "lookups", "build"])
def test_chain_work_grows_linearly(work) -> None:
    assert growth(relu_chain, work) < 6


def test_building_a_chain_is_linear() -> None:
    assert steps(lambda: relu_chain(4000)) / steps(lambda: relu_chain(1000)) < 6


def grow_chain(layers: int) -> NetworkSpec:
    """A chain built a layer at a time with lookups in between, as ONNX import and the
    editor build one (a 20,000-node ONNX chain took 85 s to import)."""
    spec = NetworkSpec(nodes=[NodeSpec("input", "Input", {"shape": [4]})])
    previous = "input"
    for _ in range(layers):
        node_id = spec.new_id("ReLU")
        assert not spec.has_node(node_id)
        spec.nodes.append(NodeSpec(node_id, "ReLU"))
        spec.edges.append(EdgeSpec(previous, node_id))
        assert spec.inputs_of(node_id)[0].source == previous
        previous = node_id
    return spec


def test_growing_a_chain_a_layer_at_a_time_is_linear() -> None:
    assert steps(lambda: grow_chain(4000)) / steps(lambda: grow_chain(1000)) < 6
    assert grow_chain(3).analyze().order == ["input", "relu1", "relu2", "relu3"]


def test_lookups_follow_every_kind_of_change() -> None:
    spec = relu_chain(3)
    assert spec.inputs_of("relu1") == [EdgeSpec("dense1", "relu1")]
    spec.edges.append(EdgeSpec("input", "relu1", 1))
    assert [e.source for e in spec.inputs_of("relu1")] == ["dense1", "input"]
    spec.edges.pop()
    spec.edges += [EdgeSpec("input", "relu2", 1), EdgeSpec("dense1", "relu2", 0)]
    assert spec.inputs_of("relu2") == [EdgeSpec("relu1", "relu2"), EdgeSpec("dense1", "relu2"),
                                       EdgeSpec("input", "relu2", 1)]  # by port, then order
    del spec.edges[-2:]
    assert spec.new_id("ReLU") == "relu3"
    spec.node("relu2").id = "last"
    assert spec.new_id("ReLU") == "relu2"
    assert not spec.has_node("relu2") and spec.node("last").type == "ReLU"
    spec.nodes.insert(0, NodeSpec("extra", "ReLU"))
    assert spec.has_node("extra")
    spec.edges = [e for e in spec.edges if e.target != "relu1"]
    assert spec.inputs_of("relu1") == [] and spec.outputs_of("dense1") == []
    spec.edges[0] = EdgeSpec("input", "extra")
    assert spec.outputs_of("input") == [EdgeSpec("input", "extra")]
    del spec.nodes[0]
    assert not spec.has_node("extra")
    copied = spec.copy()
    assert copied == spec
    copied.node("dense1").params["units"] = 99
    copied.node("dense1").id = "renamed"
    assert spec.node("dense1").params["units"] == 4
    copied.nodes.clear()
    assert spec.has_node("dense1") and not copied.has_node("renamed")


def test_ten_thousand_layers_analyze_without_problems() -> None:
    analysis = relu_chain(10_000).analyze()
    assert analysis.ok and len(analysis.order) == 10_001
