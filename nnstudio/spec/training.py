"""TrainingSpec: how a network is trained, as plain data that saves with the project."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

LOSS_NAMES = ("cross_entropy", "mse", "nll", "binary_cross_entropy", "kl_divergence", "hinge")
OPTIMIZER_NAMES = ("sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam",
                   "nadam")
BATCH_MODES = ("mini", "full", "online")
SCHEDULE_NAMES = ("constant", "step", "exponential", "cosine")
BACKEND_CHOICES = ("numpy", "cupy", "auto")
INIT_NAMES = ("auto", "zeros", "constant", "normal", "uniform", "xavier_normal",
              "xavier_uniform", "he_normal", "he_uniform")

# Typical learning rates, offered when a person switches optimizer.
DEFAULT_LR = {"sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "adagrad": 0.01,
              "adadelta": 1.0, "rmsprop": 0.001, "adam": 0.001, "nadam": 0.002}


class TrainingSpecError(ValueError):
    pass


@dataclass
class TrainingSpec:
    dataset: str = "mnist-subset"
    data_dir: str = ""  # a folder of IDX files to read the dataset from ("" = default places)
    loss: str = "cross_entropy"
    optimizer: str = "adam"
    lr: float = 0.001
    momentum: float = 0.9  # for momentum / nesterov / rmsprop
    batch_mode: str = "mini"
    batch_size: int = 64
    epochs: int = 5
    init: str = "auto"
    init_scale: float = 1.0  # std or range for the normal/uniform/constant initializers
    l1: float = 0.0
    l2: float = 0.0
    clip_norm: float = 0.0  # 0: no clipping
    schedule: str = "constant"
    schedule_step: int = 10
    schedule_gamma: float = 0.5
    shuffle: bool = True
    # With shuffle off, present the training set sorted by class (the course's experiment).
    sort_by_class: bool = False
    validation_split: float = 0.1
    early_stopping: int = 0  # patience in epochs, 0: off
    augment: bool = False
    seed: int = 0
    backend: str = "numpy"

    CHOICES = {"loss": LOSS_NAMES, "optimizer": OPTIMIZER_NAMES, "batch_mode": BATCH_MODES,
               "schedule": SCHEDULE_NAMES, "backend": BACKEND_CHOICES, "init": INIT_NAMES}
    RANGES = {"lr": (0.0, 1e3), "momentum": (0.0, 0.9999), "batch_size": (1, 1_000_000),
              "epochs": (1, 100_000), "l1": (0.0, 10.0), "l2": (0.0, 10.0),
              "clip_norm": (0.0, 1e6), "validation_split": (0.0, 0.9),
              "early_stopping": (0, 10_000), "schedule_step": (1, 100_000),
              "schedule_gamma": (0.0, 1.0), "init_scale": (0.0, 100.0), "seed": (0, 2**31 - 1)}

    def problems(self) -> list[str]:
        found = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in self.CHOICES and value not in self.CHOICES[f.name]:
                found.append(f"{f.name} must be one of {', '.join(self.CHOICES[f.name])}, "
                             f"not {value!r}")
            if f.name in self.RANGES:
                low, high = self.RANGES[f.name]
                if isinstance(value, bool) or not isinstance(value, int | float):
                    found.append(f"{f.name} must be a number")
                elif not low <= value <= high:
                    found.append(f"{f.name} must be between {low:g} and {high:g}, not {value}")
        return found

    def effective_batch_size(self, n_samples: int) -> int:
        if self.batch_mode == "full":
            return max(n_samples, 1)
        if self.batch_mode == "online":
            return 1
        return self.batch_size

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> TrainingSpec:
        if not isinstance(data, dict):
            raise TrainingSpecError("training settings must be a JSON object")
        names = {f.name: f for f in fields(cls)}
        unknown = [k for k in data if k not in names]
        if unknown:
            raise TrainingSpecError(f"unknown training settings: {', '.join(unknown)}")
        spec = cls()
        for key, value in data.items():
            expected = type(getattr(spec, key))
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            wrong_bool = expected is not bool and isinstance(value, bool)
            if not isinstance(value, expected) or wrong_bool:
                raise TrainingSpecError(f"training setting {key} must be a {expected.__name__}")
            setattr(spec, key, value)
        problems = spec.problems()
        if problems:
            raise TrainingSpecError("; ".join(problems))
        return spec
