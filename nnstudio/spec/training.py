"""TrainingSpec: how a network is trained, as plain data that saves with the project.

Each field's default, choices and range come from the table in training_settings.py."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from nnstudio.spec.training_settings import (  # noqa: F401 - the names others import here
    BACKEND_CHOICES,
    BATCH_MODES,
    DEFAULT_LR,
    INIT_NAMES,
    LOSS_NAMES,
    OPTIMIZER_NAMES,
    SCHEDULE_NAMES,
    TRAINING_SETTINGS,
    default,
)


class TrainingSpecError(ValueError):
    pass


@dataclass
class TrainingSpec:
    dataset: str = default("dataset")
    data_dir: str = default("data_dir")
    loss: str = default("loss")
    optimizer: str = default("optimizer")
    lr: float = default("lr")
    momentum: float = default("momentum")
    batch_mode: str = default("batch_mode")
    batch_size: int = default("batch_size")
    epochs: int = default("epochs")
    init: str = default("init")
    init_scale: float = default("init_scale")
    l1: float = default("l1")
    l2: float = default("l2")
    clip_norm: float = default("clip_norm")
    schedule: str = default("schedule")
    schedule_step: int = default("schedule_step")
    schedule_gamma: float = default("schedule_gamma")
    shuffle: bool = default("shuffle")
    sort_by_class: bool = default("sort_by_class")
    validation_split: float = default("validation_split")
    early_stopping: int = default("early_stopping")
    augment: bool = default("augment")
    toy_samples: int = default("toy_samples")
    toy_noise: float = default("toy_noise")
    toy_test_ratio: float = default("toy_test_ratio")
    features: str = default("features")
    seed: int = default("seed")
    backend: str = default("backend")

    def problems(self) -> list[str]:
        """Every setting out of its range or choices, in plain words."""
        checked = (setting.check(getattr(self, setting.name)) for setting in TRAINING_SETTINGS)
        return [problem for problem in checked if problem]

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
