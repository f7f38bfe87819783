"""Everything one training run needs, made from the specs: data, network, loss, optimizer.

The GUI's worker and `nnstudio train` both start here, so whatever the app trains,
the command line trains the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy

from nnstudio.data.augment import augment_images
from nnstudio.data.dataset import Dataset
from nnstudio.data.datasets import load_dataset
from nnstudio.data.source import DataSource
from nnstudio.data.user_data import load_source
from nnstudio.engine.backend import Device, get_device
from nnstudio.engine.losses import Loss, make_loss
from nnstudio.engine.network import Network
from nnstudio.engine.optimizers import Optimizer, Schedule, make_optimizer
from nnstudio.engine.trainer import Trainer, TrainerConfig, TrainerControl
from nnstudio.running.build import build_network
from nnstudio.running.weight_check import WeightReport, apply_weights
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec


class SessionError(ValueError):
    """The network, the settings and the data do not fit together; says how."""


@dataclass
class Session:
    network: Network
    trainer: Trainer
    dataset: Dataset
    loss: Loss
    optimizer: Optimizer
    x_test: numpy.ndarray
    y_test: numpy.ndarray
    input_shape: tuple[int, ...]
    # How the weights given to create_session fit the network (None when none were given).
    weights_report: WeightReport | None = None


def make_optimizer_for(training: TrainingSpec) -> Optimizer:
    settings: dict[str, Any] = {"lr": training.lr, "l1": training.l1, "l2": training.l2,
                                "clip_norm": training.clip_norm or None}
    if training.optimizer in ("momentum", "nesterov", "rmsprop"):
        settings["momentum"] = training.momentum
    return make_optimizer(training.optimizer, **settings)


def check_fit(spec: NetworkSpec, dataset: Dataset, training: TrainingSpec) -> tuple[int, ...]:
    """The input shape, after checking the network's ends fit the dataset."""
    analysis = spec.analyze()
    if not analysis.ok:
        problems = "; ".join(str(p) for p in analysis.problems)
        raise SessionError(f"The network is not valid: {problems}")
    in_shape = analysis.shapes[analysis.order[0]]
    out_shape = analysis.shapes[analysis.order[-1]]
    per_sample = int(numpy.prod(dataset.x_train.shape[1:]))
    if int(numpy.prod(in_shape)) != per_sample:
        raise SessionError(
            f"The network's input takes {'x'.join(map(str, in_shape))} values per sample but "
            f"{dataset.name} has {'x'.join(map(str, dataset.x_train.shape[1:]))}; change the "
            f"Input layer's shape")
    width = int(numpy.prod(out_shape))
    if dataset.task == "classification":
        binary_ok = width == 1 and dataset.num_classes == 2
        if width != dataset.num_classes and not binary_ok:
            raise SessionError(
                f"The network ends in {width} outputs but {dataset.name} has "
                f"{dataset.num_classes} classes; set the last Dense layer to "
                f"{dataset.num_classes} units")
    elif width != dataset.output_size:
        raise SessionError(f"The network ends in {width} outputs but {dataset.name} has "
                           f"{dataset.output_size} targets per sample")
    return in_shape


def check_finite_weights(network: Network) -> None:
    """Refuse weights holding NaN or infinity: training would "restore" them as the last
    good ones and save them as if trained; evaluating them gives a loss of nan."""
    where = network.first_non_finite()
    if where is not None:
        layer, name = where
        raise SessionError(
            f"the saved weights cannot be used: {layer}.{name} holds NaN or infinite values "
            f"(a run that diverged?); start again from fresh weights (the network without "
            f"its saved weights)")


def split_validation(x: numpy.ndarray, y: numpy.ndarray, fraction: float,
                     seed: int) -> tuple[numpy.ndarray, ...]:
    """A seeded random hold-out of ``fraction`` of the training samples."""
    n_val = int(round(len(x) * fraction))
    if n_val == 0 or n_val >= len(x):
        return x, y, x[:0], y[:0]
    order = numpy.random.default_rng(seed + 1).permutation(len(x))
    val, train = numpy.sort(order[:n_val]), numpy.sort(order[n_val:])
    return x[train], y[train], x[val], y[val]


def create_session(spec: NetworkSpec, training: TrainingSpec, dataset: Dataset | None = None,
                   data_dir: str | None = None, device: Device | None = None,
                   control: TrainerControl | None = None, snapshot_seconds: float = 0.0,
                   weights: dict | None = None, data: DataSource | None = None) -> Session:
    """A run of ``spec`` on ``dataset``, else on the person's own ``data`` (read with their
    saved preprocessing), else on the set ``training.dataset`` names."""
    problems = training.problems()
    if problems:
        raise SessionError("Training settings: " + "; ".join(problems))
    if dataset is None and data is not None:
        dataset = load_source(data).imported.dataset
    dataset = dataset or load_dataset(training.dataset, data_dir=data_dir or training.data_dir
                                      or None)
    in_shape = check_fit(spec, dataset, training)
    device = device or get_device(training.backend)
    batch_size = training.effective_batch_size(len(dataset.x_train))
    network = build_network(spec, training, device=device, batch_size=batch_size)
    report = apply_weights(network, weights) if weights else None
    check_finite_weights(network)
    x = dataset.features("train", in_shape)
    y = dataset.targets("train")
    x, y, x_val, y_val = split_validation(x, y, training.validation_split, training.seed)
    if not training.shuffle and training.sort_by_class and dataset.task == "classification":
        order = numpy.argsort(y, kind="stable")
        x, y = x[order], y[order]
    loss = make_loss(training.loss)
    optimizer = make_optimizer_for(training)
    schedule = None
    if training.schedule != "constant":
        schedule = Schedule(training.schedule, training.schedule_step, training.schedule_gamma,
                            training.epochs)
    config = TrainerConfig(
        epochs=training.epochs, batch_size=training.effective_batch_size(len(x)),
        shuffle=training.shuffle, seed=training.seed, early_stopping=training.early_stopping,
        schedule=schedule, classification=dataset.task == "classification",
        snapshot_seconds=snapshot_seconds)
    augment = None
    if training.augment and dataset.is_image:
        def augment(batch: numpy.ndarray, rng: numpy.random.Generator) -> numpy.ndarray:
            images = batch.reshape(len(batch), *dataset.x_train.shape[1:])
            return augment_images(images, rng).reshape(batch.shape)
    trainer = Trainer(network, loss, optimizer, x, y, config, x_val, y_val, augment, control)
    return Session(network, trainer, dataset, loss, optimizer,
                   dataset.features("test", in_shape), dataset.targets("test"), in_shape,
                   report)
