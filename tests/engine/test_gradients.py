"""Backprop against central finite differences (float64) for every layer, activation and loss."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.engine import layers as L
from nnstudio.engine.backend import CPU
from nnstudio.engine.gradcheck import numeric_gradient, relative_error
from nnstudio.engine.losses import LOSSES, make_loss

TOLERANCE = 1e-6
rng = np.random.default_rng(42)


def layer_case(layer: L.Layer, *input_shapes: tuple[int, ...], positive: bool = False):
    layer.to(CPU, np.float64)
    for key in layer.params:
        layer.params[key][...] = rng.standard_normal(layer.params[key].shape) * 0.5
    inputs = [rng.standard_normal(s) for s in input_shapes]
    if positive:
        inputs = [np.abs(x) + 0.1 for x in inputs]
    return layer, inputs


def check_layer(layer: L.Layer, inputs: list[np.ndarray]) -> None:
    """L = sum(forward(x) * w) for a fixed random w, so dL/dy = w."""
    if hasattr(layer, "reseed"):
        layer.reseed(7)
    y = layer.forward(*inputs)
    weights = rng.standard_normal(y.shape)

    def objective() -> float:
        if hasattr(layer, "reseed"):
            layer.reseed(7)
        return float((layer.forward(*inputs) * weights).sum())

    objective()
    dxs = layer.backward(weights)
    dxs = dxs if isinstance(dxs, tuple) else (dxs,)
    analytic_params = {k: v.copy() for k, v in layer.grads.items()}
    for x, dx in zip(inputs, dxs, strict=True):
        _, numeric = numeric_gradient(objective, x)
        assert relative_error(dx, numeric) <= TOLERANCE, f"{layer}: input gradient"
    for key, value in layer.params.items():
        _, numeric = numeric_gradient(objective, value)
        assert relative_error(analytic_params[key], numeric) <= TOLERANCE, f"{layer}: {key}"


CASES = {
    "dense": lambda: layer_case(L.Dense(5, 3), (4, 5)),
    "dense-no-bias": lambda: layer_case(L.Dense(5, 3, use_bias=False), (4, 5)),
    "conv-valid": lambda: layer_case(L.Conv2D(2, 3, 3), (2, 2, 6, 6)),
    "conv-stride2-pad1": lambda: layer_case(L.Conv2D(2, 3, 3, stride=2, padding=1), (2, 2, 7, 7)),
    "conv-same-even": lambda: layer_case(L.Conv2D(1, 2, 4, padding="same"), (2, 1, 5, 5)),
    "conv-same-stride2": lambda: layer_case(L.Conv2D(2, 2, 3, stride=2, padding="same"),
                                            (2, 2, 6, 6)),
    "maxpool": lambda: layer_case(L.MaxPool2D(2), (2, 3, 6, 6)),
    "maxpool-overlap": lambda: layer_case(L.MaxPool2D(3, 2), (2, 2, 7, 7)),
    "maxpool-remainder": lambda: layer_case(L.MaxPool2D(2), (2, 2, 5, 5)),
    "avgpool": lambda: layer_case(L.AvgPool2D(2), (2, 3, 6, 6)),
    "avgpool-overlap": lambda: layer_case(L.AvgPool2D(3, 2), (2, 2, 7, 7)),
    "batchnorm-dense": lambda: layer_case(L.BatchNorm(4), (6, 4)),
    "batchnorm-conv": lambda: layer_case(L.BatchNorm(3), (4, 3, 3, 3)),
    "dropout": lambda: layer_case(L.Dropout(0.3), (5, 8)),
    "flatten": lambda: layer_case(L.Flatten(), (2, 3, 2, 2)),
    "reshape": lambda: layer_case(L.Reshape((3, 4)), (2, 12)),
    "add": lambda: layer_case(L.Add(), (3, 4), (3, 4), (3, 4)),
    "concat": lambda: layer_case(L.Concat(), (2, 3, 2, 2), (2, 1, 2, 2)),
    "sigmoid": lambda: layer_case(L.Sigmoid(), (4, 5)),
    "tanh": lambda: layer_case(L.Tanh(), (4, 5)),
    "relu": lambda: layer_case(L.ReLU(), (4, 5)),
    "leaky-relu": lambda: layer_case(L.LeakyReLU(0.1), (4, 5)),
    "elu": lambda: layer_case(L.ELU(0.7), (4, 5)),
    "selu": lambda: layer_case(L.SELU(), (4, 5)),
    "softmax": lambda: layer_case(L.Softmax(), (4, 5)),
    "identity": lambda: layer_case(L.Identity(), (4, 5)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_layer_backward_matches_finite_differences(name: str) -> None:
    layer, inputs = CASES[name]()
    check_layer(layer, inputs)


def test_batchnorm_eval_mode_gradient() -> None:
    layer, inputs = layer_case(L.BatchNorm(4), (6, 4))
    layer.state["running_var"][...] = np.abs(rng.standard_normal(4)) + 0.5
    layer.training = False
    check_layer(layer, inputs)


def test_heaviside_steps_and_has_zero_gradient() -> None:
    layer = L.Heaviside().to(CPU, np.float64)
    x = np.array([[-2.0, -0.1, 0.0, 0.3]])
    np.testing.assert_array_equal(layer.forward(x), [[0, 0, 1, 1]])
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), np.zeros_like(x))


def loss_inputs(name: str):
    n, c = 5, 4
    labels = rng.integers(0, c, n)
    if name in ("mse", "cross_entropy", "hinge"):
        return rng.standard_normal((n, c)), labels
    if name == "binary_cross_entropy":
        return rng.uniform(0.05, 0.95, (n, 3)), rng.integers(0, 2, (n, 3)).astype(float)
    probs = rng.dirichlet(np.ones(c), n)  # nll and kl take probabilities
    return probs, labels


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("soft_targets", [False, True])
def test_loss_gradient_matches_finite_differences(name: str, soft_targets: bool) -> None:
    loss = make_loss(name)
    output, target = loss_inputs(name)
    if soft_targets and name in ("mse", "cross_entropy", "kl_divergence", "nll"):
        target = rng.dirichlet(np.ones(output.shape[1]), len(output))
    loss.forward(output, target)
    analytic = loss.backward()
    _, numeric = numeric_gradient(lambda: float(loss.forward(output, target)), output)
    assert relative_error(analytic, numeric) <= TOLERANCE


def test_cross_entropy_is_stable_for_huge_scores() -> None:
    loss = make_loss("cross_entropy")
    value = loss.forward(np.array([[1000.0, 0.0, -1000.0]]), np.array([0]))
    assert np.isfinite(value) and value == pytest.approx(0.0)
    value = loss.forward(np.array([[1000.0, 0.0, -1000.0]]), np.array([2]))
    assert value == pytest.approx(2000.0)
    assert np.all(np.isfinite(loss.backward()))


def test_sigmoid_never_overflows() -> None:
    layer = L.Sigmoid().to(CPU, np.float32)
    with np.errstate(over="raise"):
        y = layer.forward(np.array([[-1000.0, 0.0, 1000.0]], dtype=np.float32))
    np.testing.assert_allclose(y, [[0.0, 0.5, 1.0]])
