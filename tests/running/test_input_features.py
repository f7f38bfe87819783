"""Input features of the 2-D toy sets (x^2, y^2, xy, sin x, sin y), as in Playground."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from nnstudio.data.errors import DatasetError
from nnstudio.data.features import expand, features_text, parse_features
from nnstudio.running.data_fit import fit_problems, listed_data_shape
from nnstudio.running.inspection_copy import InspectionCopy
from nnstudio.running.session import SessionError, create_session
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.presets import load_preset


def test_features_parse_in_one_order_and_expand_points() -> None:
    assert parse_features("") == ("x", "y")
    assert parse_features(" SIN  x, x^2 ,y") == ("y", "x^2", "sin x")
    assert features_text(("x", "y")) == "" and features_text(("xy", "x")) == "x, xy"
    with pytest.raises(DatasetError, match="unknown input feature 'z'"):
        parse_features("x, z")
    points = np.array([[0.5, -2.0]], dtype=np.float32)
    assert expand(points, ("x^2", "y^2", "xy", "sin x", "sin y")) == pytest.approx(
        np.array([[0.25, 4.0, -1.0, np.sin(0.5), np.sin(-2.0)]]))


def test_circles_with_squares_only_learns_with_a_single_neuron() -> None:
    # x^2 and y^2 make the disc and the ring separable by a line: one unit suffices.
    spec = NetworkSpec.sequential([("Dense", {"units": 1}), ("Sigmoid", {})],
                                  input_shape=[2])
    preset = load_preset("circles-mlp")
    training = replace(preset.training, features="x^2, y^2", epochs=30)
    session = create_session(spec, training)
    assert session.x_test.shape[1:] == (2,)
    for _ in session.trainer.run():
        pass
    assert session.trainer.evaluate(session.x_test, session.y_test)[1] > 0.97
    viewer = InspectionCopy(spec, training)
    viewer.load_weights(session.network.get_weights())
    grid = np.array([[0.0, 0.0], [0.9, 0.0]], dtype=np.float32)
    disc, ring = viewer.predict_points(grid)[:, 0]
    assert disc > 0.5 > ring


def test_features_that_do_not_fit_say_so() -> None:
    preset = load_preset("circles-mlp")
    training = replace(preset.training, features="x, y, xy")
    with pytest.raises(SessionError, match="input takes 2 values per sample but circles has 3"):
        create_session(preset.network, training)
    problems = fit_problems(preset.network.analyze(),
                            listed_data_shape("circles", training.features))
    assert [p.node_id for p in problems] == ["input"]
    with pytest.raises(SessionError, match="Input features are for the 2-D toy sets"):
        create_session(preset.network, replace(training, dataset="sine"))
    with pytest.raises(SessionError, match="unknown input feature 'cos x'"):
        create_session(preset.network, replace(training, features="cos x"))


def test_the_views_take_unknown_features_as_the_plain_points() -> None:
    preset = load_preset("circles-mlp")
    viewer = InspectionCopy(preset.network, replace(preset.training, features="cos x"))
    points = np.array([[0.1, 0.2]], dtype=np.float32)
    assert viewer.network_input(points).tolist() == points.tolist()
