"""A network and settings small enough that a trial takes a fraction of a second."""

from __future__ import annotations

from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec


def toy_network() -> NetworkSpec:
    return NetworkSpec.sequential([("Dense", {"units": 8}), ("ReLU", {}), ("Dense", {"units": 2}),
                                   ("Softmax", {})], name="toy", input_shape=[2])


def toy_training(**changes) -> TrainingSpec:
    settings = {"dataset": "circles", "optimizer": "adam", "lr": 0.01, "epochs": 2,
                "batch_size": 32, "validation_split": 0.25, "seed": 3}
    settings.update(changes)
    return TrainingSpec(**settings)
