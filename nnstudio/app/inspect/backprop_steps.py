"""Every number of one backpropagation step on one sample, computed by the engine.

The forward pass, the loss, the backward pass and the SGD update are the engine's own
(``Network.loss_forward``, ``Network.backward``, ``engine.losses``, ``engine.optimizers``),
so what the step-by-step view shows is the same arithmetic that trains. float64, so the
worked example's numbers come out to every printed decimal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnstudio.app.inspect.dense_chain import DenseChain, dense_chain
from nnstudio.engine.losses import make_loss
from nnstudio.engine.optimizers import SGD
from nnstudio.running.build import build_network
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec

PHASES = (
    ("Forward pass", "Each neuron adds up its weighted inputs and its bias (net), then "
     "applies its activation (out)."),
    ("Error and output deltas", "The loss E compares the outputs with the targets. Each "
     "output neuron's delta δ = ∂E/∂net is how fast E changes with its net input."),
    ("Hidden deltas", "Each hidden neuron's delta gathers the deltas of the neurons it feeds, "
     "weighted by the edges, times the slope of its activation."),
    ("Gradients", "Each weight's gradient ∂E/∂w is the delta of the neuron it feeds times "
     "the output of the neuron it comes from."),
    ("Update", "Gradient descent moves every weight against its gradient: "
     "w ← w − η ∂E/∂w."),
)


@dataclass(frozen=True)
class Example:
    inputs: tuple[float, ...]
    targets: tuple[float, ...]
    lr: float


# The course's worked example (Mazur's): its sample, targets and learning rate.
COURSE_EXAMPLES = {"backprop-example": Example((0.05, 0.10), (0.01, 0.99), 0.5)}


@dataclass
class NeuronStep:
    column: int
    index: int
    name: str
    net: float
    out: float
    d_out: float | None = None  # ∂E/∂out (None where the loss starts below a softmax)
    delta: float | None = None  # ∂E/∂net
    bias: float | None = None
    bias_grad: float | None = None
    new_bias: float | None = None


@dataclass
class EdgeStep:
    layer: int
    source: int
    target: int
    name: str
    weight: float
    grad: float
    new_weight: float


@dataclass
class BackpropTrace:
    chain: DenseChain
    x: np.ndarray
    target: np.ndarray
    lr: float
    loss_name: str
    error: float
    neurons: list[list[NeuronStep]]  # per column, the input column first
    edges: list[EdgeStep]

    def neuron(self, name: str) -> NeuronStep:
        return next(n for column in self.neurons for n in column if n.name == name)

    def edge(self, name: str) -> EdgeStep:
        return next(e for e in self.edges if e.name == name)


def target_vector(label: float, width: int) -> np.ndarray:
    """A class label as the network's target: one-hot for several outputs, the value
    itself for one."""
    if width == 1:
        return np.array([float(label)])
    vector = np.zeros(width)
    if 0 <= int(label) < width:
        vector[int(label)] = 1.0
    return vector


def backprop_trace(spec: NetworkSpec, training: TrainingSpec, x: np.ndarray,
                   target: np.ndarray, lr: float,
                   weights: dict[str, dict[str, np.ndarray]] | None = None) -> BackpropTrace:
    """One SGD step of ``spec`` (with ``weights``, else the spec's own starting weights)
    on the sample ``x`` with ``target``. Raises NotDrawable for networks that are not a
    small dense chain."""
    chain = dense_chain(spec)
    network = build_network(spec, training, dtype=np.float64)
    if weights is not None:
        network.set_weights(weights)
    loss = make_loss(training.loss)
    x = np.asarray(x, dtype=np.float64).reshape(1, -1)
    target = np.asarray(target, dtype=np.float64).reshape(1, -1)
    network.capture = True
    network.output_grads = {}
    try:
        error, _, start = network.loss_forward(x, target, loss, training=False)
        outputs = {k: np.array(network.device.to_host(v)) for k, v in network.activations.items()}
        network.backward(loss.backward(), start=start)
        d_outputs = {k: np.array(network.device.to_host(v))
                     for k, v in network.output_grads.items()}
    finally:
        network.capture = False
        network.activations, network.output_grads = {}, {}
    before = network.get_weights()
    grads = {c.dense: {k: np.array(network.device.to_host(g))
                       for k, g in network.layer(c.dense).grads.items()}
             for c in chain.columns}
    SGD(lr=lr).step(network.parameters())
    after = network.get_weights()

    neurons = [[NeuronStep(0, i, chain.neuron_name(0, i), float(v), float(v))
                for i, v in enumerate(x[0])]]
    for col, column in enumerate(chain.columns, start=1):
        net, out = outputs[column.dense][0], outputs[column.output][0]
        delta = d_outputs.get(column.dense)
        d_out = d_outputs.get(column.output)
        bias = before[column.dense].get("b")
        layer_neurons = []
        for j in range(column.units):
            layer_neurons.append(NeuronStep(
                col, j, chain.neuron_name(col, j), float(net[j]), float(out[j]),
                None if d_out is None else float(d_out[0][j]),
                None if delta is None else float(delta[0][j]),
                None if bias is None else float(bias[j]),
                None if bias is None else float(grads[column.dense]["b"][j]),
                None if bias is None else float(after[column.dense]["b"][j])))
        neurons.append(layer_neurons)

    edges = []
    for (layer, source, target_index), name in chain.weight_names().items():
        dense = chain.columns[layer].dense
        edges.append(EdgeStep(layer, source, target_index, name,
                              float(before[dense]["W"][source, target_index]),
                              float(grads[dense]["W"][source, target_index]),
                              float(after[dense]["W"][source, target_index])))
    return BackpropTrace(chain, x[0], target[0], lr, loss.name, float(error), neurons, edges)
