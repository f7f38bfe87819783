"""The ready circles and spirals presets learn their sets, as in TensorFlow Playground."""

from __future__ import annotations

import pytest

from nnstudio.running.session import create_session
from nnstudio.spec.presets import load_preset


@pytest.mark.parametrize(("name", "dataset", "accuracy"), [
    ("circles-mlp", "circles", 0.97), ("spirals-mlp", "spirals", 0.95)])
def test_the_preset_learns_its_toy_set(name, dataset, accuracy) -> None:
    preset = load_preset(name)
    assert preset.training.dataset == dataset and preset.network.analyze().ok
    session = create_session(preset.network, preset.training)
    for _ in session.trainer.run():
        pass
    assert session.trainer.evaluate(session.x_test, session.y_test)[1] >= accuracy
