"""Switching units off: the accuracy changes by exactly what zeroing the unit's weights and
bias in a copy gives, and the weights looked at never change."""

from __future__ import annotations

import numpy
import pytest

from nnstudio.data.datasets import load_dataset
from nnstudio.running.ablation import Ablation, switchable_layers, switched_off
from nnstudio.running.build import build_network
from nnstudio.running.session import create_session
from nnstudio.spec.presets import load_preset


@pytest.fixture(scope="module")
def trained_lenet5():
    """LeNet-5 after a short run on part of the embedded subset, and 2,000 samples."""
    preset = load_preset("lenet5")
    training = preset.training
    training.epochs = 1
    data = load_dataset("mnist-subset")
    from dataclasses import replace

    short = replace(data, x_train=data.x_train[:3000], y_train=data.y_train[:3000])
    session = create_session(preset.network, training, short)
    for _ in session.trainer.run():
        pass
    x = data.features("test", session.input_shape)
    y = data.targets("test")
    return preset, session.network.get_weights(), x, y


def independent_accuracy(preset, weights, x, y, layer: str, units: list[int]) -> float:
    """Zero the units' weights and bias in a copy, build a fresh network and count."""
    copy = {name: {k: v.copy() for k, v in arrays.items()} for name, arrays in weights.items()}
    w, b = copy[layer]["W"], copy[layer]["b"]
    for unit in units:
        if w.ndim == 2:
            w[:, unit] = 0.0
        else:
            w[unit] = 0.0
        b[unit] = 0.0
    network = build_network(preset.network, preset.training)
    network.set_weights(copy)
    predicted = network.predict(x).argmax(axis=1)
    return float(numpy.mean(predicted == y))


@pytest.mark.parametrize("layer, units", [("conv2d1", [2]), ("conv2d2", [0, 5, 11]),
                                          ("dense1", [7])])
def test_switching_off_changes_accuracy_by_the_independent_amount(trained_lenet5, layer,
                                                                   units):
    preset, weights, x, y = trained_lenet5
    kept = {name: {k: v.copy() for k, v in arrays.items()} for name, arrays in weights.items()}
    ablation = Ablation(build_network(preset.network, preset.training), weights, x, y, 10)
    assert len(x) == 2000
    original = independent_accuracy(preset, weights, x, y, layer, [])
    assert ablation.original.accuracy == original
    for unit in units:
        result = ablation.set_off(layer, unit)
    expected = independent_accuracy(preset, weights, x, y, layer, units)
    assert result.accuracy == expected
    assert result.accuracy - ablation.original.accuracy == expected - original
    assert result.confusion.sum() == 2000
    assert numpy.trace(result.confusion) == round(expected * 2000)
    per_class = numpy.array([numpy.mean(result.predicted[y == c] == c) for c in range(10)])
    numpy.testing.assert_allclose(result.per_class, per_class)
    # The weights looked at are untouched; restoring gives the original results back.
    for name, arrays in weights.items():
        for key, value in arrays.items():
            numpy.testing.assert_array_equal(value, kept[name][key])
    assert ablation.restore().accuracy == original and not ablation.active


def test_what_can_be_switched_off_and_what_applying_keeps(trained_lenet5):
    preset, weights, x, y = trained_lenet5
    network = build_network(preset.network, preset.training)
    assert switchable_layers(network) == {"conv2d1": 6, "conv2d2": 16, "dense1": 120,
                                          "dense2": 84, "dense3": 10}
    applied = switched_off(weights, {"conv2d1": {1, 3}})
    assert not applied["conv2d1"]["W"][[1, 3]].any() and not applied["conv2d1"]["b"][[1, 3]].any()
    assert applied["conv2d1"]["W"][0].any() and weights["conv2d1"]["W"][1].any()
    assert applied["dense1"]["W"] is weights["dense1"]["W"]  # untouched layers are shared
    ablation = Ablation(network, weights, x[:50], y[:50], 10)
    with pytest.raises(KeyError, match="relu1 has no units to switch off"):
        ablation.set_off("relu1", 0)
    with pytest.raises(IndexError, match="conv2d1 has 6 units; there is no unit 6"):
        ablation.set_off("conv2d1", 6)
