"""The course's worked examples: backpropagation by hand, logic gates, XOR learned."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.engine.losses import make_loss
from nnstudio.engine.optimizers import make_optimizer
from nnstudio.running.build import build_network
from nnstudio.spec.presets import load_preset

TRUTH_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)


def test_backpropagation_worked_example() -> None:
    preset = load_preset("backprop-example")
    net = build_network(preset.network, preset.training, dtype=np.float64)
    net.capture = True
    loss, output = net.loss_and_backward(np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]]),
                                         make_loss("mse"))
    np.testing.assert_allclose(net.activations["sigmoid1"], [[0.593270, 0.596884]], atol=5e-7)
    np.testing.assert_allclose(output, [[0.751365, 0.772928]], atol=5e-7)
    assert loss == pytest.approx(0.298371, abs=5e-7)
    # w5 connects h1 to o1: row 0, column 0 of the output layer's (inputs, outputs) matrix.
    assert net.layer("dense2").grads["W"][0, 0] == pytest.approx(0.082167, abs=5e-7)
    make_optimizer("sgd", lr=0.5).step(net.parameters())
    assert net.layer("dense2").params["W"][0, 0] == pytest.approx(0.358916, abs=5e-7)


@pytest.mark.parametrize(("preset", "truth"), [("xor-gates", [0, 1, 1, 0]),
                                               ("perceptron-and", [0, 0, 0, 1])])
def test_gate_networks_reproduce_truth_tables(preset: str, truth: list[int]) -> None:
    net = build_network(load_preset(preset).network)
    np.testing.assert_array_equal(net.forward(TRUTH_INPUTS).ravel(), truth)


def test_xor_mlp_learns_xor_from_seeded_start() -> None:
    preset = load_preset("xor-mlp")
    training = preset.training
    net = build_network(preset.network, training)
    loss = make_loss(training.loss)
    optimizer = make_optimizer(training.optimizer, lr=training.lr)
    targets = np.array([[0], [1], [1], [0]], dtype=np.float32)
    for _ in range(training.epochs):
        net.loss_and_backward(TRUTH_INPUTS, targets, loss)
        optimizer.step(net.parameters())
    predictions = (net.forward(TRUTH_INPUTS) > 0.5).astype(int).ravel()
    np.testing.assert_array_equal(predictions, [0, 1, 1, 0])
