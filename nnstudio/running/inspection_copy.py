"""A CPU copy of the network being trained, for the views and the digit pad.

The worker publishes host copies of the weights (Snapshot events); the GUI thread loads the
newest into this copy and asks it questions: activations, predictions, saliency. It never
touches the network the worker is updating, so it never sees half-updated weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy

from nnstudio.data.dataset import Dataset
from nnstudio.data.errors import DatasetError
from nnstudio.data.features import PLAIN, expand, parse_features
from nnstudio.engine import inspect
from nnstudio.engine.losses import make_loss
from nnstudio.engine.network import Network
from nnstudio.running.build import build_network
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec


@dataclass
class RunContext:
    """What the views need to know about one run, fixed when it starts."""

    run_id: int
    label: str  # e.g. "run 2 - adam lr 0.001"
    spec: NetworkSpec
    training: TrainingSpec
    dataset: Dataset
    input_shape: tuple[int, ...]
    x_val: numpy.ndarray  # float32, (N, *input_shape): the validation samples the run uses
    y_val: numpy.ndarray
    classes: list[str] = field(default_factory=list)
    # Training samples of the dataset, before the validation split (the dataset the views
    # get may leave its training inputs behind: see training_process.child.for_the_views).
    train_samples: int | None = None
    # What the samples measured every epoch (x_val, y_val) are: "validation", or "test"
    # when a run holds none out (validation split 0) and the views look at the test set.
    held_out: str = "validation"
    # A branch's: the epoch of the checkpoint it continues from, where its curves begin.
    start_epoch: float = 0.0
    # How the run's batches are computed when more than one core was asked for: "shared
    # across 2 processes", or why they are not (see engine/sharing.py); "" for one core.
    cores_note: str = ""

    def epoch_number(self, epoch: int) -> str:
        """The number the views give the run's epoch ``epoch`` (from 0), as its curves count
        them: a branch's first epoch follows its checkpoint's ("11" after epoch 10)."""
        return f"{self.start_epoch + epoch + 1:g}"

    @property
    def dataset_train_samples(self) -> int:
        if self.train_samples is not None:
            return self.train_samples
        return len(self.dataset.x_train)

    @property
    def is_image(self) -> bool:
        return self.dataset.is_image

    @property
    def is_2d_toy(self) -> bool:
        """A set of 2-D points (the network may take features of them: see ``features``)."""
        return self.dataset.input_shape == (2,) and not self.dataset.is_image


class InspectionCopy:
    """Network copy on the CPU with the newest published weights."""

    def __init__(self, spec: NetworkSpec, training: TrainingSpec | None = None) -> None:
        self.spec = spec
        self.training = training or TrainingSpec()
        self.network: Network = build_network(spec, self.training)
        self.network.set_training(False)
        self.version = 0  # bumps with every weight update, so views can skip stale work
        analysis = spec.analyze()
        self.input_shape = analysis.shapes[analysis.order[0]]
        self.order = analysis.order
        self.shapes = analysis.shapes

    def load_weights(self, weights: dict[str, dict[str, numpy.ndarray]]) -> None:
        self.network.set_weights(weights)
        self.version += 1

    def weights(self) -> dict[str, dict[str, numpy.ndarray]]:
        return self.network.get_weights()

    def _batch(self, x: numpy.ndarray) -> numpy.ndarray:
        x = numpy.asarray(x, dtype=numpy.float32)
        return x.reshape(-1, *self.input_shape)

    def predict(self, x: numpy.ndarray) -> numpy.ndarray:
        return self.network.predict(self._batch(x))

    def network_input(self, points: numpy.ndarray) -> numpy.ndarray:
        """(N, 2) points of a 2-D set as this network takes them: with the input features
        the training settings ask for, if any."""
        points = numpy.asarray(points, dtype=numpy.float32).reshape(-1, 2)
        try:
            names = parse_features(self.training.features)
        except DatasetError:  # a run refuses them, saying why; here the plain points
            names = PLAIN
        return points if names == PLAIN else expand(points, names)

    def predict_points(self, points: numpy.ndarray) -> numpy.ndarray:
        return self.predict(self.network_input(points))

    def activations(self, x: numpy.ndarray) -> dict[str, numpy.ndarray]:
        """Each node's output for the samples in ``x``."""
        return inspect.activations(self.network, self._batch(x))

    def saliency(self, x: numpy.ndarray, class_index: int) -> numpy.ndarray:
        return inspect.saliency(self.network, self._batch(x), class_index)

    def output_gradients(self, x: numpy.ndarray, target: Any) -> tuple[
            float, dict[str, numpy.ndarray], dict[str, dict[str, numpy.ndarray]]]:
        loss = make_loss(self.training.loss)
        return inspect.output_gradients(self.network, self._batch(x),
                                        numpy.asarray(target), loss)
