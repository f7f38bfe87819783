"""A Dense layer's W is kept transposed in the network's flat buffer ((out, in) in memory,
as PyTorch keeps it): the layer still sees (in, out), and whatever writes into W (an
optimizer's step, set_weights, a gradient check's nudges) reaches the flat buffer."""

from __future__ import annotations

import numpy as np

from nnstudio.engine import layers as L
from nnstudio.engine.gradcheck import check_network
from nnstudio.engine.losses import make_loss
from nnstudio.engine.network import Network, Node


def dense_net() -> Network:
    nodes = [Node("input", None), Node("d1", L.Dense(5, 4), ["input"]),
             Node("act", L.Tanh(), ["d1"]), Node("d2", L.Dense(4, 3), ["act"])]
    net = Network(nodes, dtype=np.float64)
    rng = np.random.default_rng(0)
    for node in net.layer_nodes:
        for array in node.layer.params.values():
            array[...] = rng.standard_normal(array.shape)
    return net


def test_dense_weights_are_transposed_views_of_the_flat_buffer():
    net = dense_net()
    W = net.layer("d1").params["W"]
    assert W.shape == (5, 4) and W.T.flags.c_contiguous
    flat = net.parameters()[0].value
    W[2, 3] = 42.0
    assert 42.0 in flat
    net.set_weights({"d1": {"W": np.arange(20.0).reshape(5, 4)}})
    np.testing.assert_array_equal(net.get_weights()["d1"]["W"], np.arange(20.0).reshape(5, 4))


def test_gradients_check_out_through_transposed_weights():
    net = dense_net()
    x = np.random.default_rng(1).standard_normal((6, 5))
    errors = check_network(net, x, np.array([0, 1, 2, 0, 1, 2]), make_loss("cross_entropy"))
    assert max(errors.values()) < 1e-6, errors
