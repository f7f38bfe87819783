"""The search space: read from the flags' words, checked against the settings table and the
layer catalogue before anything runs, saved in a project's experiment section."""

from __future__ import annotations

import pytest

from nnstudio.experiments.plan import ExperimentPlan
from nnstudio.experiments.search_space import (
    NOT_SEARCHED,
    SearchSpace,
    SearchSpaceError,
    parse_dimension,
    searchable,
)
from nnstudio.files.documents import open_file, save_document
from nnstudio.spec.catalogue import LAYER_TYPES
from nnstudio.spec.presets import load_preset
from nnstudio.spec.training_settings import SETTINGS, TRAINING_SETTINGS


@pytest.fixture(scope="module")
def mlp():
    return load_preset("mlp-784-100-10")


def test_each_way_of_writing_a_dimension(mlp) -> None:
    net = mlp.network
    lr = parse_dimension("lr=log:1e-4:1e-1", net)
    assert (lr.kind, lr.low, lr.high, lr.log) == ("float", 1e-4, 1e-1, True)
    # Without a kind, the settings table says lr is searched on a log scale.
    assert parse_dimension("lr=1e-4:1e-1", net).log
    assert not parse_dimension("momentum=0.5:0.99", net).log
    units = parse_dimension("dense1.units=int:16:256", net)
    assert (units.kind, units.low, units.high, units.node) == ("int", 16, 256, "dense1")
    assert parse_dimension("batch_size=int-log:16:256", net).log
    assert parse_dimension("optimizer=sgd,momentum,adam", net).choices == ("sgd", "momentum",
                                                                          "adam")
    assert parse_dimension("batch_size=32,64", net).choices == (32, 64)
    assert parse_dimension("shuffle=true,false", net).choices == (True, False)
    assert parse_dimension("relu1.type=relu,Sigmoid", net).choices == ("ReLU", "Sigmoid")
    for text in ("lr=log:0.0001:0.1", "dense1.units=int:16:256", "optimizer=sgd,adam"):
        assert parse_dimension(text, net).text() == text


@pytest.mark.parametrize("text, words", [
    ("foo=1:2", "no training setting or layer parameter named 'foo'"),
    ("dataset=mnist,xor", "named 'dataset'"),
    ("lr=log:1e-4:1e9", "lr must be at most 1000"),
    ("dense1.units=int:0:8", "dense1.units must be at least 1, not 0"),
    ("dense1.units=float:1:8", "dense1.units is a whole number"),
    ("optimizer=sgd,bogus", "optimizer must be one of"),
    ("optimizer=1:2", "optimizer takes a list of values"),
    ("nope.units=int:1:4", "the network has no layer 'nope'"),
    ("dense1.kernel_size=3,5", "a Dense layer has no parameter 'kernel_size'"),
    ("dense1.type=ReLU,Tanh", "only an activation layer's type can vary"),
    ("lr=log:0:1", "a log scale needs a low end above 0"),
    ("lr=float:0.1:0.01", "low end must be below its high end"),
    ("lr", "write NAME=VALUES"),
])
def test_a_bad_dimension_is_refused_naming_it(mlp, text, words) -> None:
    with pytest.raises(SearchSpaceError) as caught:
        SearchSpace.parse(mlp.network, [text])
    assert text.partition("=")[0] in str(caught.value) and words in str(caught.value)


def test_a_range_that_makes_an_invalid_network_is_refused_before_anything_runs() -> None:
    cnn = load_preset("small-cnn")
    with pytest.raises(SearchSpaceError, match=r"conv2d1.kernel_size=40 makes an invalid "
                                               r"network: conv2d1: a 40x40 kernel"):
        SearchSpace.parse(cnn.network, ["conv2d1.kernel_size=int:3:40"])
    SearchSpace.parse(cnn.network, ["conv2d1.kernel_size=int:3:7"])  # every size fits


def test_grid_values_and_applying_a_trial(mlp) -> None:
    space = SearchSpace.parse(mlp.network, ["lr=log:1e-4:1e-2", "optimizer=sgd,adam",
                                            "dense1.units=int:16:64", "relu1.type=ReLU,Tanh"])
    grid = space.grid()
    assert grid["lr"] == [1e-4, 1e-3, 1e-2] and grid["dense1.units"] == [16, 40, 64]
    assert space.grid_size() == 3 * 2 * 3 * 2
    network, training = space.apply(mlp.network, mlp.training, {
        "lr": 0.005, "optimizer": "sgd", "dense1.units": 20, "relu1.type": "Tanh"})
    assert (training.lr, training.optimizer) == (0.005, "sgd")
    assert network.node("dense1").params["units"] == 20 and network.node("relu1").type == "Tanh"
    assert mlp.network.node("dense1").params["units"] == 100  # the original is untouched
    assert network.analyze().ok


def test_what_can_vary_comes_from_the_settings_table_and_the_catalogue(mlp) -> None:
    found = {s.name: s for s in searchable(mlp.network, mlp.training)}
    expected = {s.name for s in TRAINING_SETTINGS if s.name not in NOT_SEARCHED
                and s.kind in ("int", "float", "choice", "bool")}
    assert expected <= set(found)
    assert found["lr"].log_scale == SETTINGS["lr"].log_scale and found["lr"].current == 0.001
    assert found["optimizer"].choices == SETTINGS["optimizer"].choices
    units = LAYER_TYPES["Dense"].param("units")
    assert (found["dense1.units"].minimum, found["dense1.units"].maximum) == (units.minimum,
                                                                            units.maximum)
    assert found["dense1.units"].current == 100 and "relu1.type" in found
    # Each one's first range is a dimension the parser accepts.
    for item in found.values():
        parse_dimension(item.default_dimension().text(), mlp.network)


def test_the_experiment_section_saves_with_the_project(mlp, tmp_path) -> None:
    plan = ExperimentPlan(["lr=log:1e-4:1e-1", "dense1.units=int:16:256"], "grid", 9,
                          "median", 2, 3)
    path = tmp_path / "search.nnstudio"
    save_document(path, mlp.network, mlp.training, experiment=plan.to_json())
    opened = open_file(path)
    again = ExperimentPlan.from_json(opened.experiment)
    assert again == plan
    assert again.space(opened.network).names() == ["lr", "dense1.units"]
    with pytest.raises(SearchSpaceError, match="strategy must be one of"):
        ExperimentPlan.from_json({"params": [], "strategy": "guess"})
