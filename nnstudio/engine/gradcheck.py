"""Numerical gradient checks: central finite differences against backpropagation.

Errors are relative, ||analytic - numeric|| / (||analytic|| + ||numeric||), per array, so a
gradient that is tiny everywhere is not failed by rounding in one element (CS231n's form).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy

from nnstudio.engine.backend import CPU
from nnstudio.engine.losses import Loss
from nnstudio.engine.network import Network


def relative_error(analytic: Any, numeric: Any) -> float:
    a = numpy.asarray(analytic, dtype=numpy.float64).ravel()
    n = numpy.asarray(numeric, dtype=numpy.float64).ravel()
    scale = numpy.linalg.norm(a) + numpy.linalg.norm(n)
    return 0.0 if scale == 0 else float(numpy.linalg.norm(a - n) / scale)


def numeric_gradient(f: Callable[[], float], array: Any, eps: float = 1e-6,
                     indices: numpy.ndarray | None = None) -> tuple[numpy.ndarray, numpy.ndarray]:
    """d f / d array by central differences, at ``indices`` (flat) or at every element.

    ``array`` is changed in place and restored; returns (indices, gradient at them).
    """
    if indices is None:
        indices = numpy.arange(array.size)
    grad = numpy.empty(len(indices))
    for k, i in enumerate(indices):
        # An element by its index tuple: a reshape(-1) of an array kept transposed in
        # memory (a Dense layer's W) would be a copy, and the nudge would miss the layer.
        at = tuple(int(v) for v in numpy.unravel_index(int(i), array.shape))
        original = float(array[at])
        array[at] = original + eps
        up = f()
        array[at] = original - eps
        down = f()
        array[at] = original
        grad[k] = (up - down) / (2 * eps)
    return indices, grad


def check_network(network: Network, x: numpy.ndarray, target: numpy.ndarray, loss: Loss,
                  max_checks_per_array: int = 40, seed: int = 0,
                  check_input: bool = True) -> dict[str, float]:
    """Largest relative error per layer (over its parameters, plus the input gradient under
    the key 'input'), in float64 on the CPU. The network is converted in place."""
    network.to(CPU, numpy.float64)
    network.want_input_grad(check_input)
    x = numpy.asarray(x, dtype=numpy.float64).copy()
    rng = numpy.random.default_rng(seed)

    def reseed_dropout() -> None:
        for node in network.layer_nodes:
            if hasattr(node.layer, "reseed"):
                node.layer.reseed(1234)

    def objective() -> float:
        reseed_dropout()
        value, _, _ = network.loss_forward(x, target, loss, training=True)
        return float(value)

    reseed_dropout()
    network.loss_and_backward(x, target, loss)
    analytic = {node.name: {k: numpy.array(v) for k, v in node.layer.grads.items()}
                for node in network.layer_nodes}
    input_grad = None if network.input_grad is None else numpy.array(network.input_grad)

    def pick(size: int) -> numpy.ndarray | None:
        if size <= max_checks_per_array:
            return None
        return rng.choice(size, max_checks_per_array, replace=False)

    errors: dict[str, float] = {}
    for node in network.layer_nodes:
        for key, value in node.layer.params.items():
            idx, numeric = numeric_gradient(objective, value, indices=pick(value.size))
            err = relative_error(analytic[node.name][key].reshape(-1)[idx], numeric)
            errors[node.name] = max(errors.get(node.name, 0.0), err)
    if check_input and input_grad is not None:
        idx, numeric = numeric_gradient(objective, x, indices=pick(x.size))
        errors["input"] = relative_error(input_grad.reshape(-1)[idx], numeric)
    network.want_input_grad(False)
    return errors
