"""What a training run reports: small events holding plain numbers and NumPy copies only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy


@dataclass
class Started:
    epochs: int
    batches_per_epoch: int
    train_samples: int
    validation_samples: int
    parameters: int
    backend: str


@dataclass
class BatchEnd:
    epoch: int  # 0-based
    batch: int  # 0-based within the epoch
    step: int  # batches since the start of the run
    loss: float
    accuracy: float | None
    lr: float
    samples_seen: int
    samples_per_second: float
    seconds: float


@dataclass
class EpochEnd:
    epoch: int
    train_loss: float
    train_accuracy: float | None
    val_loss: float | None
    val_accuracy: float | None
    lr: float
    seconds: float
    # The network's outputs on the validation set (host copy), when the config asks for them.
    val_outputs: numpy.ndarray | None = None


@dataclass
class Snapshot:
    """A consistent copy of the network for the views, taken between two batches."""

    step: int
    epoch: int
    weights: dict[str, dict[str, numpy.ndarray]]
    grad_norms: dict[str, float]
    weight_norms: dict[str, float]
    grads: dict[str, dict[str, numpy.ndarray]] = field(default_factory=dict)
    # The norm of the last step's change of each layer's weights (when the trainer kept
    # the weights from before it): the update/weight ratio is this over weight_norms.
    update_norms: dict[str, float] = field(default_factory=dict)
    # The training health measured on this snapshot (engine.health.NetworkHealth), set by
    # the training process when it measured it; None otherwise.
    health: Any = None


@dataclass
class Checkpoint:
    """A copy of the weights kept for the training's timeline (see
    ``TrainerConfig.checkpoint_steps``): ``step`` batches into the run, ``epoch`` epochs
    trained (fractional inside an epoch)."""

    step: int
    epoch: float
    weights: dict[str, dict[str, numpy.ndarray]]


@dataclass
class Paused:
    step: int


@dataclass
class Diverged:
    epoch: int
    batch: int
    step: int
    layer: str | None
    where: str  # "loss", "exploding loss", "output", "gradient" or "weights"
    message: str


@dataclass
class Finished:
    reason: str  # "completed", "stopped", "early_stopping", "diverged"
    epochs_run: int
    best_epoch: int | None
    seconds: float
    history: dict[str, list[Any]]
    test_loss: float | None = None
    test_accuracy: float | None = None
