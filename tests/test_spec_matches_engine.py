"""The spec and the engine agree, without PyTorch: the shapes the spec infers are the shapes
the engine computes, for every preset and a zoo of random networks; the names the spec offers
are the names the engine knows; the parameter counts are the engine's."""

from __future__ import annotations

import numpy
import pytest

from nnstudio.engine.backend import BACKEND_NAMES
from nnstudio.engine.init import INITIALIZERS
from nnstudio.engine.losses import LOSSES, make_loss
from nnstudio.engine.optimizers import OPTIMIZERS, SCHEDULES, make_optimizer
from nnstudio.running.build import ENGINE_LAYERS, build_network
from nnstudio.spec import training as training_spec
from nnstudio.spec.catalogue import INITIALIZER_CHOICES, LAYER_TYPES
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.presets import load_preset, preset_names


def engine_shapes(spec: NetworkSpec, batch: int = 3) -> dict[str, tuple[int, ...]]:
    """Every node's output shape (without the batch axis) from a real forward pass."""
    analysis = spec.analyze()
    assert analysis.ok, analysis.problems
    network = build_network(spec, seed=0)
    network.capture = True
    input_shape = analysis.shapes[analysis.order[0]]
    x = numpy.random.default_rng(0).standard_normal((batch, *input_shape)).astype("float32")
    network.forward(x)
    shapes = {}
    for name, value in network.activations.items():
        assert value.shape[0] == batch, f"{name} lost the batch axis"
        shapes[name] = tuple(value.shape[1:])
    return shapes


def assert_spec_matches_engine(spec: NetworkSpec) -> None:
    analysis = spec.analyze()
    computed = engine_shapes(spec)
    inferred = {node: tuple(shape) for node, shape in analysis.shapes.items()}
    assert inferred == computed
    network = build_network(spec, seed=0)
    assert network.parameter_count() == analysis.total_params
    for node in network.layer_nodes:
        counted = sum(int(numpy.prod(p.shape)) for p in node.layer.params.values())
        assert counted == analysis.param_counts[node.name], node.name


@pytest.mark.parametrize("name", preset_names())
def test_every_preset(name: str) -> None:
    assert_spec_matches_engine(load_preset(name).network)


# -- a zoo of random networks ------------------------------------------------------------
IMAGE_LAYERS = ("Conv2D", "MaxPool2D", "AvgPool2D", "BatchNorm", "ReLU", "Tanh", "Dropout",
                "LeakyReLU", "Identity")
FLAT_LAYERS = ("Dense", "BatchNorm", "Sigmoid", "ReLU", "ELU", "SELU", "Dropout", "Softmax",
               "Identity", "Heaviside")


def random_image_layer(rng: numpy.random.Generator, size: int) -> tuple[str, dict]:
    kind = str(rng.choice(IMAGE_LAYERS))
    if kind == "Conv2D":
        kernel = int(rng.integers(1, min(size, 5) + 1))
        padding = rng.choice(["valid", "same", int(rng.integers(0, 3))])
        padding = padding if isinstance(padding, str) and padding in ("valid", "same") \
            else int(padding)
        return kind, {"filters": int(rng.integers(1, 5)), "kernel_size": kernel,
                      "stride": int(rng.integers(1, 3)), "padding": padding,
                      "use_bias": bool(rng.integers(2))}
    if kind in ("MaxPool2D", "AvgPool2D"):
        pool = int(rng.integers(1, min(size, 3) + 1))
        return kind, {"pool_size": pool, "stride": int(rng.integers(0, 3))}
    if kind == "Dropout":
        return kind, {"rate": 0.3}
    return kind, {}


def random_network(seed: int) -> NetworkSpec:
    """A chain: some image layers, then Flatten (or a Reshape to one axis) and some flat
    layers; drawn again until the spec calls it valid (invalid ones are another test's job)."""
    rng = numpy.random.default_rng(seed)
    while True:
        channels, size = int(rng.integers(1, 4)), int(rng.integers(4, 13))
        image = [random_image_layer(rng, size) for _ in range(int(rng.integers(0, 5)))]
        head = NetworkSpec.sequential(image, input_shape=[channels, size, size]).analyze()
        if not head.ok:
            continue
        flat = int(numpy.prod(head.shapes[head.order[-1]]))
        layers = [*image, ("Flatten", {}) if rng.integers(2) else ("Reshape", {"shape": [flat]})]
        for _ in range(int(rng.integers(1, 5))):
            kind = str(rng.choice(FLAT_LAYERS))
            layers.append((kind, {"units": int(rng.integers(1, 20)),
                                  "use_bias": bool(rng.integers(2))} if kind == "Dense"
                           else {"rate": 0.2} if kind == "Dropout" else {}))
        spec = NetworkSpec.sequential(layers, input_shape=[channels, size, size])
        if spec.analyze().ok:
            return spec


@pytest.mark.parametrize("seed", range(40))
def test_random_networks(seed: int) -> None:
    assert_spec_matches_engine(random_network(seed))


def test_the_zoo_is_varied() -> None:
    """The random networks reach every layer type they are drawn from."""
    seen = {node.type for seed in range(40) for node in random_network(seed).nodes}
    assert set(IMAGE_LAYERS) | set(FLAT_LAYERS) | {"Flatten", "Reshape", "Input"} <= seen


def test_branched_networks() -> None:
    residual = load_preset("residual-mlp").network
    assert any(node.type == "Add" for node in residual.nodes)
    spec = NetworkSpec.from_json({
        "nodes": [{"id": "in", "type": "Input", "params": {"shape": [2, 6, 6]}},
                  {"id": "a", "type": "Conv2D", "params": {"filters": 3, "kernel_size": 3,
                                                           "padding": "same"}},
                  {"id": "b", "type": "MaxPool2D", "params": {"pool_size": 1}},
                  {"id": "cat", "type": "Concat", "params": {}},
                  {"id": "flat", "type": "Flatten", "params": {}},
                  {"id": "out", "type": "Dense", "params": {"units": 4}}],
        "edges": [{"source": "in", "target": "a"}, {"source": "in", "target": "b"},
                  {"source": "a", "target": "cat"}, {"source": "b", "target": "cat", "port": 1},
                  {"source": "cat", "target": "flat"}, {"source": "flat", "target": "out"}]})
    assert tuple(spec.analyze().shapes["cat"]) == (5, 6, 6)
    assert_spec_matches_engine(spec)


# -- the names the spec offers are the names the engine knows -----------------------------
def test_layer_types() -> None:
    assert set(LAYER_TYPES) - {"Input"} == set(ENGINE_LAYERS)


def test_losses() -> None:
    assert set(training_spec.LOSS_NAMES) == set(LOSSES)
    for name in training_spec.LOSS_NAMES:
        assert make_loss(name).name == name


def test_optimizers() -> None:
    aliases = {"momentum", "nesterov"}
    assert set(training_spec.OPTIMIZER_NAMES) - aliases == set(OPTIMIZERS)
    for name in training_spec.OPTIMIZER_NAMES:
        make_optimizer(name, lr=training_spec.DEFAULT_LR[name])
    assert set(training_spec.DEFAULT_LR) == set(training_spec.OPTIMIZER_NAMES)


def test_schedules_and_initializers() -> None:
    assert tuple(training_spec.SCHEDULE_NAMES) == tuple(SCHEDULES)
    assert set(training_spec.INIT_NAMES) - {"auto"} == set(INITIALIZERS)
    assert tuple(INITIALIZER_CHOICES) == tuple(training_spec.INIT_NAMES)


def test_backends() -> None:
    assert tuple(training_spec.BACKEND_CHOICES) == tuple(BACKEND_NAMES)
