"""The one place that knows both sides: turns a NetworkSpec into an engine Network.

Each catalogue type maps to a factory of its engine layer; weights start from the
TrainingSpec's initializer (or the layer's own ``init``), then any hand-set weights in the
spec (the XOR gates, the worked backpropagation example) are copied in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy

from nnstudio.engine import layers as L
from nnstudio.engine.backend import CPU, Device
from nnstudio.engine.init import get_initializer
from nnstudio.engine.network import Network, Node
from nnstudio.running.memory import check_memory
from nnstudio.running.weight_check import apply_weights, check_weights
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.shapes import Shape
from nnstudio.spec.training import TrainingSpec


class BuildError(ValueError):
    """The spec is not a valid network; the message lists every problem."""

    def __init__(self, problems: list[Any]) -> None:
        self.problems = problems
        super().__init__("The network is not valid:\n" + "\n".join(f"- {p}" for p in problems))


LayerFactory = Callable[[list[Shape], dict[str, Any]], L.Layer]

ENGINE_LAYERS: dict[str, LayerFactory] = {
    "Dense": lambda s, p: L.Dense(s[0][0], p["units"], p["use_bias"]),
    "Conv2D": lambda s, p: L.Conv2D(s[0][0], p["filters"], p["kernel_size"], p["stride"],
                                    p["padding"], p["use_bias"]),
    "MaxPool2D": lambda s, p: L.MaxPool2D(p["pool_size"], p["stride"] or None),
    "AvgPool2D": lambda s, p: L.AvgPool2D(p["pool_size"], p["stride"] or None),
    "Flatten": lambda s, p: L.Flatten(),
    "Reshape": lambda s, p: L.Reshape(tuple(p["shape"])),
    "BatchNorm": lambda s, p: L.BatchNorm(s[0][0], p["momentum"], p["eps"]),
    "Dropout": lambda s, p: L.Dropout(p["rate"]),
    "Add": lambda s, p: L.Add(),
    "Concat": lambda s, p: L.Concat(),
    "Heaviside": lambda s, p: L.Heaviside(),
    "Sigmoid": lambda s, p: L.Sigmoid(),
    "Tanh": lambda s, p: L.Tanh(),
    "ReLU": lambda s, p: L.ReLU(),
    "LeakyReLU": lambda s, p: L.LeakyReLU(p["alpha"]),
    "ELU": lambda s, p: L.ELU(p["alpha"]),
    "SELU": lambda s, p: L.SELU(),
    "Softmax": lambda s, p: L.Softmax(),
    "Identity": lambda s, p: L.Identity(),
}

RELU_LIKE = {"ReLU", "LeakyReLU", "ELU", "SELU"}


def auto_initializer(spec: NetworkSpec, node_id: str) -> str:
    """He for a layer feeding a ReLU-like activation, Glorot/Xavier otherwise."""
    for edge in spec.outputs_of(node_id):
        if spec.node(edge.target).type in RELU_LIKE:
            return "he_uniform"
    return "xavier_uniform"


def build_network(spec: NetworkSpec, training: TrainingSpec | None = None,
                  device: Device = CPU, dtype: Any = numpy.float32,
                  seed: int | None = None, batch_size: int | None = None) -> Network:
    """An engine Network for ``spec`` on ``device``; raises BuildError if the spec is invalid
    and NetworkTooLarge (before allocating anything) if it would not fit in memory: to build
    it, and with ``batch_size`` to train it in batches of that size too."""
    analysis = spec.analyze()
    if not analysis.ok:
        raise BuildError(analysis.problems)
    training = training or TrainingSpec()
    if device.name == "numpy":  # a GPU's memory is its own; CuPy reports what does not fit
        check_memory(spec, analysis, numpy.dtype(dtype).itemsize, batch_size,
                     training.optimizer)
    rng = numpy.random.default_rng(training.seed if seed is None else seed)
    nodes: list[Node] = []
    for node_id in analysis.order:
        node_spec = spec.node(node_id)
        sources = [e.source for e in spec.inputs_of(node_id)]
        if node_spec.type == "Input":
            nodes.append(Node(node_id, None, []))
            continue
        params = spec.params_of(node_id)
        in_shapes = [analysis.shapes[s] for s in sources]
        layer = ENGINE_LAYERS[node_spec.type](in_shapes, params)
        if isinstance(layer, L.Dropout):
            layer.reseed(int(rng.integers(2**31)))
        _initialize(layer, spec, node_id, params.get("init", "auto"), training, rng)
        nodes.append(Node(node_id, layer, sources))
    # The output node must come last; Kahn's order already ends with the only sink.
    network = Network(nodes, device=device, dtype=dtype)
    if spec.weights:
        apply_weights(network, spec.weights, "the network's hand-set 'weights'")
    return network


def _initialize(layer: L.Layer, spec: NetworkSpec, node_id: str, layer_init: str,
                training: TrainingSpec, rng: numpy.random.Generator) -> None:
    """Weights ("W") from the chosen initializer on the host; biases start at zero."""
    if "W" not in layer.params:
        return
    name = layer_init if layer_init != "auto" else training.init
    if name == "auto":
        name = auto_initializer(spec, node_id)
    init = get_initializer(name)
    fan_in, fan_out = layer.fans["W"]
    shape = tuple(layer.params["W"].shape)
    weights = init(shape, fan_in, fan_out, rng, numpy, numpy.float64, training.init_scale)
    layer.params["W"] = numpy.asarray(weights, dtype=numpy.float32)


def first_misfit(spec: NetworkSpec, weights: Sequence[Any]) -> tuple[int, str] | None:
    """The first of several sets of weights (an ensemble's members, a timeline's
    checkpoints) that cannot stand for ``spec``'s network: its index and why (a missing
    layer, a wrong shape, NaN); None when all fit. The network is built once."""
    try:
        network = build_network(spec)
    except BuildError as error:
        return 0, str(error)
    for index, each in enumerate(weights):
        report = check_weights(network, each)
        if not report.ok:
            return index, report.error_message() or report.missing_note()
    return None


def weights_fit(spec: NetworkSpec, weights: Any) -> bool:
    """Whether ``weights`` ({node: {param: array}}) can be the weights of ``spec``'s network:
    the rule for what a project may keep beside a network once it was edited (the
    training's checkpoints, an ensemble's members)."""
    try:
        return check_weights(build_network(spec), weights).usable
    except (KeyError, ValueError, BuildError):
        return False
