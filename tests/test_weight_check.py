"""check_weights: every way loaded weights can fail to fit a network, reported in words."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.running.build import build_network
from nnstudio.running.weight_check import WeightsError, apply_weights, check_weights
from nnstudio.spec.presets import load_preset


@pytest.fixture
def network():
    return build_network(load_preset("xor-mlp").network)


def test_the_networks_own_weights_are_ok(network) -> None:
    report = check_weights(network, network.get_weights())
    assert report.ok and report.error_message() == "" and report.missing_note() == ""


def test_every_problem_is_reported_at_once(network) -> None:
    weights = network.get_weights()
    weights["dense1"]["W"] = weights["dense1"]["W"].copy()
    weights["dense1"]["W"][0, 0] = np.inf
    weights["dense1"]["gamma"] = np.zeros(2)
    weights["dense2"]["W"] = np.zeros((7, 7))
    weights["dense2"]["b"] = np.array(["a"])
    del weights["dense2"]["b"]
    weights["ghost"] = {"W": np.zeros(1)}
    report = check_weights(network, weights)
    assert report.unknown_layers == ["ghost"] and report.unknown_params == ["dense1.gamma"]
    assert report.non_finite == ["dense1.W"] and report.missing == ["dense2.b"]
    assert [w.split(":")[0] for w in report.wrong] == ["dense2.W"]
    assert not report.usable and not report.ok
    message = report.error_message()
    assert "the network has no layer 'ghost'" in message and "dense1.W holds NaN" in message


@pytest.mark.parametrize("weights", [5, {"dense1": [1, 2]}, {"dense1": {"W": "text"}},
                                     {"dense1": {"W": [[1, 2], [3]]}},
                                     {"dense1": {"W": np.zeros((2, 2), dtype=complex)}}])
def test_weights_of_the_wrong_type_are_not_usable(network, weights) -> None:
    report = check_weights(network, weights)
    assert not report.usable and report.wrong
    before = network.get_weights()
    with pytest.raises(WeightsError, match="the weights do not fit the network"):
        apply_weights(network, weights)
    after = network.get_weights()
    assert all(np.array_equal(before[k][p], after[k][p]) for k in before for p in before[k])


def test_missing_layers_are_noted_and_the_rest_applied(network) -> None:
    weights = {"dense1": {k: v + 1 for k, v in network.get_weights()["dense1"].items()}}
    report = apply_weights(network, weights)
    assert report.usable and report.missing == ["dense2"]
    assert report.missing_note() == "no saved weights for dense2; it keeps the starting weights"
    assert np.array_equal(network.get_weights()["dense1"]["W"], weights["dense1"]["W"])
