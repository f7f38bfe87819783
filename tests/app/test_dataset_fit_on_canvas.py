"""A dataset that does not fit the network is flagged on the canvas before Start: the Input
layer when the samples have another size, the last layer when the classes differ; the same
words a run that starts anyway refuses with."""

from __future__ import annotations

from dataclasses import replace

import pytest

from nnstudio.app.builder.canvas import NetworkScene
from nnstudio.app.builder.edited_network import EditedNetwork
from nnstudio.data.datasets import load_dataset
from nnstudio.running.session import SessionError, check_fit
from nnstudio.spec.presets import load_preset


@pytest.fixture
def scene(qtbot):
    preset = load_preset("circles-mlp")
    document = EditedNetwork(preset.network, preset.training)
    return NetworkScene(document)


def test_a_fitting_dataset_flags_nothing(scene) -> None:
    assert scene.data_problems == {}
    assert not any(item.content.problems for item in scene.nodes.values())


def test_mnist_on_a_2d_network_flags_both_ends_and_start_says_the_same(scene) -> None:
    document = scene.document
    document.set_training(replace(document.training, dataset="mnist-subset"))
    assert set(scene.data_problems) == {"input", "sigmoid1"}
    first = scene.nodes["input"].content.problems
    assert first == ["The network's input takes 2 values per sample but mnist-subset has "
                     "1x28x28; change the Input layer's shape"]
    assert "set the last Dense layer to 10 units" in scene.nodes["sigmoid1"].content.problems[0]
    with pytest.raises(SessionError) as refused:
        check_fit(document.spec, load_dataset("mnist-subset"), document.training)
    assert str(refused.value) == first[0]
    document.set_training(replace(document.training, dataset="spirals"))
    assert scene.data_problems == {}
    assert not scene.nodes["input"].content.problems


def test_a_regression_set_wants_one_output(scene) -> None:
    document = scene.document
    document.set_training(replace(document.training, dataset="sine"))
    assert "input" in scene.data_problems  # sine has one input, not two
