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
from nnstudio.data.datasets import DATASETS, load_dataset
from nnstudio.data.errors import DatasetError
from nnstudio.data.features import PLAIN, expand, parse_features
from nnstudio.data.source import DataSource
from nnstudio.data.user_data import load_source
from nnstudio.engine.backend import Device, get_device
from nnstudio.engine.losses import Loss, make_loss
from nnstudio.engine.metrics import regression_scores
from nnstudio.engine.network import Network
from nnstudio.engine.optimizers import Optimizer, Schedule, make_optimizer
from nnstudio.engine.trainer import Trainer, TrainerConfig, TrainerControl
from nnstudio.running.build import build_network
from nnstudio.running.data_fit import DataShape, fit_problems
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

    def test_fit(self) -> tuple[float, float] | None:
        """(RMSE, R²) on the test split in the target's own units, for a numeric target
        (None for classes)."""
        if self.dataset.task != "regression" or not len(self.x_test):
            return None
        units = self.dataset.in_target_units
        predicted = numpy.asarray(self.network.predict(self.x_test))
        return regression_scores(units(predicted), units(self.y_test))


def make_optimizer_for(training: TrainingSpec) -> Optimizer:
    settings: dict[str, Any] = {"lr": training.lr, "l1": training.l1, "l2": training.l2,
                                "clip_norm": training.clip_norm or None}
    if training.optimizer in ("momentum", "nesterov", "rmsprop"):
        settings["momentum"] = training.momentum
    return make_optimizer(training.optimizer, **settings)


def input_features(training: TrainingSpec, dataset: Dataset) -> tuple[str, ...] | None:
    """The input features the settings ask of a 2-D set, or None for its plain x and y."""
    if not training.features.strip():
        return None
    try:
        names = parse_features(training.features)
    except DatasetError as error:
        raise SessionError(f"Input features: {error}") from None
    if dataset.input_shape != (2,):
        raise SessionError(f"Input features are for the 2-D toy sets; {dataset.name} has "
                           f"{'x'.join(map(str, dataset.input_shape))} values per sample")
    return None if names == PLAIN else names


def network_inputs(dataset: Dataset, split: str, in_shape: tuple[int, ...],
                   features: tuple[str, ...] | None) -> numpy.ndarray:
    """The samples of ``split`` as the network takes them: shaped, with the features."""
    if features is None:
        return dataset.features(split, in_shape)
    return expand(dataset.features(split, (2,)), features).reshape(-1, *in_shape)


def check_fit(spec: NetworkSpec, dataset: Dataset, training: TrainingSpec) -> tuple[int, ...]:
    """The input shape, after checking the network's ends fit the dataset."""
    analysis = spec.analyze()
    if not analysis.ok:
        problems = "; ".join(str(p) for p in analysis.problems)
        raise SessionError(f"The network is not valid: {problems}")
    features = input_features(training, dataset)
    sample_shape = (len(features),) if features else dataset.input_shape
    data = DataShape(dataset.name, sample_shape, dataset.task, dataset.output_size)
    misfits = fit_problems(analysis, data)
    if misfits:
        raise SessionError(misfits[0].message)
    in_shape = analysis.shapes[analysis.order[0]]
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


def toy_options(training: TrainingSpec) -> dict[str, Any]:
    """The toy generator's options the settings ask for (none for other sets): points and
    noise where they differ from the set's own, and the test share."""
    info = DATASETS.get(training.dataset.strip().lower())
    if info is None or info.kind != "toy":
        return {}
    options: dict[str, Any] = {"test_ratio": training.toy_test_ratio}
    if training.toy_samples > 0:
        options["n_samples"] = training.toy_samples
    if training.toy_noise >= 0:
        options["noise"] = training.toy_noise
    return options


def load_training_data(training: TrainingSpec, data_dir: str | None = None) -> Dataset:
    """The dataset the settings name, with the toy settings applied to a toy set."""
    return load_dataset(training.dataset, data_dir=data_dir or training.data_dir or None,
                        **toy_options(training))


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
    dataset = dataset or load_training_data(training, data_dir)
    in_shape = check_fit(spec, dataset, training)
    device = device or get_device(training.backend)
    batch_size = training.effective_batch_size(len(dataset.x_train))
    network = build_network(spec, training, device=device, batch_size=batch_size)
    report = apply_weights(network, weights) if weights else None
    check_finite_weights(network)
    features = input_features(training, dataset)
    x = network_inputs(dataset, "train", in_shape, features)
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
                   network_inputs(dataset, "test", in_shape, features), dataset.targets("test"),
                   in_shape,
                   report)
