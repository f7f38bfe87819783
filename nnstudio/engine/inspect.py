"""Looking inside a network for one input: activations, saliency, gradients per layer."""

from __future__ import annotations

from typing import Any

import numpy

from nnstudio.engine.layers import Softmax
from nnstudio.engine.losses import Loss
from nnstudio.engine.network import Network


def activations(network: Network, x: Any) -> dict[str, numpy.ndarray]:
    """Every node's output for the batch ``x`` (eval mode), as NumPy arrays."""
    network.capture = True
    try:
        network.forward(x, training=False)
        return {name: network.device.to_host(a) for name, a in network.activations.items()}
    finally:
        network.capture = False
        network.activations = {}


def class_scores_node(network: Network) -> str:
    """The node whose output holds the class scores: the input of a final Softmax, else
    the output itself (saliency uses scores, not probabilities, as Simonyan et al. do)."""
    last = network.by_name[network.output_name]
    return last.inputs[0] if isinstance(last.layer, Softmax) else last.name


def saliency(network: Network, x: Any, class_index: int) -> numpy.ndarray:
    """|d score_class / d input| for each sample of ``x``: which pixels move the decision."""
    start = class_scores_node(network)
    network.want_input_grad(True)
    try:
        network.forward(x, training=False)
        scores = network._outputs[start]
        grad = network.device.xp.zeros_like(scores)
        grad[:, class_index] = 1
        network.backward(grad, start=start)
        return numpy.abs(network.device.to_host(network.input_grad))
    finally:
        network.want_input_grad(False)


def output_gradients(network: Network, x: Any, target: Any, loss: Loss) -> tuple[
        float, dict[str, numpy.ndarray], dict[str, dict[str, numpy.ndarray]]]:
    """(loss, dL/d(output) of every node, dL/d(parameter) of every layer) for ``x`` with
    ``target``, in eval mode so dropout and batch statistics do not blur one sample."""
    network.capture = True
    network.output_grads = {}
    network.want_input_grad(True)
    try:
        value, _, start = network.loss_forward(x, target, loss, training=False)
        network.backward(loss.backward(), start=start)
        grads = {n: network.device.to_host(g) for n, g in network.output_grads.items()}
        if network.input_grad is not None:
            grads[network.input_name] = network.device.to_host(network.input_grad)
        params = {node.name: {k: network.device.to_host(g) for k, g in node.layer.grads.items()}
                  for node in network.layer_nodes if node.layer.grads}
        return float(value), grads, params
    finally:
        network.capture = False
        network.activations, network.output_grads = {}, {}
        network.want_input_grad(False)
