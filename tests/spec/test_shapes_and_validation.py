"""Shape inference, parameter counts and the plain-words errors of NetworkSpec."""

from __future__ import annotations

import json

import pytest

from nnstudio.spec.network import EdgeSpec, NetworkSpec, NodeSpec, SpecError
from nnstudio.spec.presets import load_preset, preset_names


def chain(layers, input_shape):
    return NetworkSpec.sequential(layers, input_shape=input_shape)


def output_shape(spec: NetworkSpec):
    analysis = spec.analyze()
    assert analysis.ok, [str(p) for p in analysis.problems]
    return analysis.shapes[analysis.order[-1]]


@pytest.mark.parametrize(
    ("kernel", "stride", "pool", "expected"),
    [(5, 1, 4, (4, 23, 23)), (3, 3, 8, (4, 4, 4))],
)
def test_course_quiz_conv_then_pool(kernel, stride, pool, expected) -> None:
    # Input 96x96x3; the quiz's answers are 23x23 and 4x4.
    spec = chain([("Conv2D", {"filters": 4, "kernel_size": kernel, "stride": stride}),
                  ("MaxPool2D", {"pool_size": pool})], [3, 96, 96])
    assert output_shape(spec) == expected


def test_alexnet_first_layer() -> None:
    spec = chain([("Conv2D", {"filters": 96, "kernel_size": 11, "stride": 4})], [3, 227, 227])
    assert output_shape(spec) == (96, 55, 55)
    assert spec.analyze().total_params == 96 * 3 * 11 * 11 + 96


def test_same_padding_keeps_size() -> None:
    spec = chain([("Conv2D", {"filters": 2, "kernel_size": 4, "padding": "same"})], [1, 9, 9])
    assert output_shape(spec) == (2, 9, 9)


def test_lenet5_has_61706_parameters() -> None:
    analysis = load_preset("lenet5").network.analyze()
    assert analysis.total_params == 61_706
    assert analysis.shapes["conv2d1"] == (6, 28, 28)
    assert analysis.shapes["flatten1"] == (400,)


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_is_valid_and_round_trips(name: str) -> None:
    spec = load_preset(name).network
    assert spec.analyze().ok
    again = NetworkSpec.loads(json.dumps(spec.to_json()))
    assert again.to_json() == spec.to_json()


def test_kernel_too_big_names_the_node_in_plain_words() -> None:
    spec = chain([("Conv2D", {"filters": 4, "kernel_size": 5}), ("MaxPool2D", {"pool_size": 2}),
                  ("Conv2D", {"filters": 4, "kernel_size": 5})], [1, 12, 12])
    problems = [str(p) for p in spec.validate()]
    assert problems == ["conv2d2: a 5x5 kernel does not fit a 4x4 input"]


def test_every_problem_is_reported_at_once() -> None:
    spec = chain([("Dense", {"units": -3}), ("Conv2D", {"filters": 2}),
                  ("Bogus", {}), ("Dense", {"units": 4, "colour": "red"})], [784])
    messages = [str(p) for p in spec.validate()]
    assert "dense1: units must be at least 1, not -3" in messages
    assert "conv2d1: missing parameter 'kernel_size'" in messages
    assert "bogus1: unknown layer type 'Bogus'" in messages
    assert "dense2: Dense has no parameter 'colour'" in messages


def test_shape_mismatch_and_flat_input_errors() -> None:
    spec = chain([("Dense", {"units": 4})], [1, 28, 28])
    assert [str(p) for p in spec.validate()] == [
        "dense1: Dense needs a flat input but gets 1x28x28; add a Flatten before it"]
    spec = chain([("Conv2D", {"filters": 2, "kernel_size": 3})], [784])
    assert "needs an image input" in str(spec.validate()[0])


def test_add_with_mismatched_shapes() -> None:
    spec = NetworkSpec(
        nodes=[NodeSpec("input", "Input", {"shape": [8]}), NodeSpec("a", "Dense", {"units": 3}),
               NodeSpec("b", "Dense", {"units": 4}), NodeSpec("sum", "Add")],
        edges=[EdgeSpec("input", "a"), EdgeSpec("input", "b"), EdgeSpec("a", "sum", 0),
               EdgeSpec("b", "sum", 1)])
    assert [str(p) for p in spec.validate()] == [
        "sum: Add needs inputs of one shape but gets 3, 4"]


def test_cycle_and_dangling_edge() -> None:
    spec = NetworkSpec(
        nodes=[NodeSpec("input", "Input", {"shape": [4]}), NodeSpec("a", "Dense", {"units": 4}),
               NodeSpec("b", "Dense", {"units": 4}), NodeSpec("out", "Add")],
        edges=[EdgeSpec("input", "out", 0), EdgeSpec("b", "a"), EdgeSpec("a", "b"),
               EdgeSpec("a", "out", 1), EdgeSpec("ghost", "out", 2)])
    messages = [str(p) for p in spec.validate()]
    assert "a: is part of a cycle; a network must flow one way" in messages
    assert "b: is part of a cycle; a network must flow one way" in messages
    assert "a connection ghost -> out refers to a missing layer 'ghost'" in messages


def test_negative_input_size_and_missing_input() -> None:
    spec = NetworkSpec(nodes=[NodeSpec("input", "Input", {"shape": [-5]})])
    assert [str(p) for p in spec.validate()] == [
        "input: shape must be a list of positive whole numbers"]
    spec = NetworkSpec(nodes=[NodeSpec("d", "Dense", {"units": 3})])
    messages = [str(p) for p in spec.validate()]
    assert "the network has no Input layer" in messages
    assert "d: has no input; connect a layer to it" in messages


@pytest.mark.parametrize("text", ["[]", "{}", '{"nodes": [{"id": 3}]}', "not json",
                                  '{"nodes": [], "edges": [{"source": "a"}]}',
                                  '{"version": 99, "nodes": [], "edges": []}'])
def test_unreadable_documents_raise_spec_error(text: str) -> None:
    with pytest.raises(SpecError):
        NetworkSpec.loads(text)


def test_newer_format_version_says_update() -> None:
    with pytest.raises(SpecError, match="newer NN Studio"):
        NetworkSpec.loads('{"version": 99, "nodes": [], "edges": []}')


def test_a_layer_setting_that_is_not_a_finite_number_is_refused() -> None:
    spec = chain([("Dense", {"units": 4}), ("Dropout", {"rate": float("nan")}),
                  ("BatchNorm", {"momentum": float("nan")})], [8])
    messages = [str(p) for p in spec.validate()]
    assert "dropout1: rate must be a number, not nan" in messages
    assert "batchnorm1: momentum must be a number, not nan" in messages
