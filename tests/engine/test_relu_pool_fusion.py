"""A ReLU feeding only a max-pool gets its derivative applied by the pool (on the pooled
gradient): every parameter and input gradient is exactly what the unfused layers give,
ties at zero (whole windows of negative inputs) included."""

from __future__ import annotations

import numpy as np

from nnstudio.engine import layers as L
from nnstudio.engine.losses import make_loss
from nnstudio.engine.network import Network, Node


def conv_relu_pool_net(seed: int = 0) -> Network:
    nodes = [Node("input", None), Node("conv", L.Conv2D(2, 3, 3), ["input"]),
             Node("relu", L.ReLU(), ["conv"]), Node("pool", L.MaxPool2D(2), ["relu"]),
             Node("flat", L.Flatten(), ["pool"]), Node("dense", L.Dense(3 * 3 * 3, 4), ["flat"])]
    net = Network(nodes)
    rng = np.random.default_rng(seed)
    for node in net.layer_nodes:
        for array in node.layer.params.values():
            array[...] = rng.standard_normal(array.shape)
    return net


def gradients(capture: bool) -> tuple[dict[str, np.ndarray], np.ndarray]:
    net = conv_relu_pool_net()
    net.want_input_grad(True)
    x = np.random.default_rng(1).standard_normal((5, 2, 8, 8)).astype(np.float32)
    x[0] = -1.0  # the first sample's windows are all zero after the ReLU: ties everywhere
    net.capture = capture
    net.loss_and_backward(x, np.array([0, 1, 2, 3, 0]), make_loss("cross_entropy"))
    grads = {f"{node.name}/{key}": value.copy() for node in net.layer_nodes
             for key, value in node.layer.grads.items()}
    return grads, net.input_grad.copy()


def test_the_fused_backward_pass_gives_the_unfused_gradients_exactly():
    fused, fused_input = gradients(capture=False)
    unfused, unfused_input = gradients(capture=True)  # kept output gradients: no fusion
    assert fused.keys() == unfused.keys()
    for key in fused:
        np.testing.assert_array_equal(fused[key], unfused[key], err_msg=key)
    np.testing.assert_array_equal(fused_input, unfused_input)


def test_only_a_relu_that_feeds_nothing_but_the_pool_is_fused():
    net = conv_relu_pool_net()
    assert [(type(r).__name__, type(p).__name__) for r, p in net._fused_pools] == [
        ("ReLU", "MaxPool2D")]
    # The ReLU's output also goes around the pool: its gradient is the sum of two paths.
    nodes = [Node("input", None), Node("relu", L.ReLU(), ["input"]),
             Node("pool", L.MaxPool2D(1), ["relu"]), Node("sum", L.Add(), ["pool", "relu"])]
    assert Network(nodes)._fused_pools == []
