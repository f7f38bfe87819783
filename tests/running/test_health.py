"""Training health: each pathology of the course fires its badge, a healthy LeNet-5 none."""

from __future__ import annotations

from dataclasses import replace

import numpy
import pytest

from nnstudio.data.dataset import Dataset
from nnstudio.data.datasets import load_dataset
from nnstudio.engine.events import Finished, Snapshot
from nnstudio.engine.health import (
    AMBER,
    OK,
    RED,
    NetworkHealth,
    as_fraction,
    copied_units,
    dead_units,
    gradient_signal,
    update_signal,
)
from nnstudio.running.session import create_session
from nnstudio.running.training_process.health_watch import HealthWatch
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.presets import load_preset
from nnstudio.spec.training import TrainingSpec


@pytest.fixture(scope="module")
def digits():
    """The embedded MNIST subset, cut to 5,000 training samples: short runs."""
    data = load_dataset("mnist-subset")
    return replace(data, x_train=data.x_train[:5000], y_train=data.y_train[:5000])


def final_health(spec: NetworkSpec, training: TrainingSpec,
                 data: Dataset) -> tuple[NetworkHealth, list]:
    """Train as the training process does and return the health of the run's last
    weights, with every snapshot seen."""
    session = create_session(spec, training, data, snapshot_seconds=0.1)
    watch = HealthWatch(session.network, session.trainer.x_val)
    snapshots, health = [], None
    for event in watch.follow(session.trainer.run()):
        if isinstance(event, Snapshot):
            snapshots.append(event)
            health = event.health or health
        assert not isinstance(event, Finished) or event.reason == "completed"
    assert health is not None and snapshots[-1].health is health
    return health, snapshots


def dense_stack(hidden: list[int], activation: str) -> NetworkSpec:
    layers = []
    for units in hidden:
        layers += [("Dense", {"units": units}), (activation, {})]
    return NetworkSpec.sequential([*layers, ("Dense", {"units": 10}), ("Softmax", {})],
                                  input_shape=[784])


def test_a_deep_sigmoid_stack_shows_the_vanishing_gradient(digits):
    spec = dense_stack([64] * 8, "Sigmoid")
    health, _ = final_health(spec, TrainingSpec(optimizer="sgd", lr=0.1, epochs=1), digits)
    first = health.find("dense1", "gradient")
    assert first.level == RED and first.value < 1e-3
    assert "the gradient reaching dense1 is 1/" in first.text
    assert "of the one at dense9: the vanishing gradient; try ReLU or He initialization" \
        in first.text
    assert health.badge("dense1") is first
    assert health.find("dense9", "gradient").level == OK  # the strongest
    assert first in health.warnings()


def test_a_learning_rate_too_high_kills_the_relus(digits):
    spec = dense_stack([100, 100], "ReLU")
    health, _ = final_health(spec, TrainingSpec(optimizer="sgd", lr=1.0, epochs=1), digits)
    dead = health.badge("relu1")
    assert dead.kind == "dead" and dead.level == RED and dead.value >= 0.75
    assert "were never active on the validation samples" in dead.text
    # The same network with the default learning rate keeps its units alive.
    health, _ = final_health(spec, TrainingSpec(optimizer="sgd", lr=0.01, epochs=1), digits)
    assert health.badge("relu1").level == OK


def test_all_zero_initialization_leaves_symmetric_units(digits):
    spec = dense_stack([30], "Sigmoid")
    health, _ = final_health(spec, TrainingSpec(optimizer="sgd", lr=0.5, epochs=1,
                                                init="zeros"), digits)
    symmetric = health.badge("dense1")
    assert symmetric.kind == "symmetric" and symmetric.level == RED and symmetric.value == 1
    assert symmetric.text.startswith("all 30 units of dense1 have the same weights")
    # The output units learn different classes: they differ.
    assert health.find("dense2", "symmetric").level == OK


def test_a_healthy_lenet5_run_shows_no_warning(digits):
    preset = load_preset("lenet5")
    training = preset.training
    training.epochs = 1
    health, snapshots = final_health(preset.network, training, digits)
    assert health.warnings() == []
    kinds = {s.kind for signals in health.signals.values() for s in signals}
    assert kinds == {"dead", "gradient", "update", "symmetric"}
    assert set(health.signals) >= {"conv2d1", "relu1", "dense3"}


def test_the_update_ratio_is_the_step_over_the_weights(digits):
    """Plain SGD moves the weights by lr times their gradient: the trainer's update norm
    says exactly that."""
    spec = dense_stack([20], "ReLU")
    _, snapshots = final_health(spec, TrainingSpec(optimizer="sgd", lr=0.05, epochs=1), digits)
    measured = [s for s in snapshots if s.update_norms]
    assert measured
    for snapshot in measured[:5]:
        for name, update in snapshot.update_norms.items():
            assert update == pytest.approx(0.05 * snapshot.grad_norms[name], rel=1e-3)


def test_the_watch_spends_its_budget_and_measures_the_last_weights(digits):
    clock = iter(range(1000))
    spec = dense_stack([20], "ReLU")
    session = create_session(spec, TrainingSpec(epochs=1), digits, snapshot_seconds=1e-9)
    watch = HealthWatch(session.network, session.trainer.x_val, budget=0.25,
                        clock=lambda: float(next(clock)))
    events = list(watch.follow(session.trainer.run()))
    snapshots = [e for e in events if isinstance(e, Snapshot)]
    # Each measurement "costs" 1 tick, so the next waits 4 ticks (1 per snapshot here).
    assert 1 < watch.measured < len(snapshots)
    assert snapshots[-1].health is not None
    assert isinstance(events[-1], Finished) and events[-2] is snapshots[-1]


def test_the_small_measures():
    relu = numpy.zeros((3, 4, 2, 2), numpy.float32)
    relu[1, 0, 1, 1] = 2.0  # channel 0 fires once, channels 1-3 never
    assert dead_units(relu) == (3, 4)
    assert dead_units(numpy.array([[0.0, 1.0], [0.0, 0.0]])) == (1, 2)
    w = numpy.zeros((5, 3), numpy.float32)
    assert copied_units({"W": w, "b": numpy.zeros(3)}) == (3, 3)
    w[:, 0] = 1.0
    assert copied_units({"W": w, "b": numpy.zeros(3)}) == (2, 3)
    conv = numpy.random.default_rng(0).normal(size=(6, 1, 5, 5))
    assert copied_units({"W": conv}) == (0, 6)
    assert as_fraction(1 / 300) == "1/300" and as_fraction(0) == "0"
    assert gradient_signal("dense1", 1 / 30, "dense3").level == AMBER
    assert update_signal("dense1", 1e-3).level == OK
    assert update_signal("dense1", 0.7).level == RED
    assert "too high" in update_signal("dense1", 0.7).text
    assert update_signal("dense1", 1e-8).level == RED
