"""The ``Dataset`` record every loader returns: arrays for both splits and what they mean."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnstudio.data.errors import DatasetError

TASKS = ("classification", "regression")
SPLITS = ("train", "test")


@dataclass
class Dataset:
    """A train/test pair of arrays with their meaning.

    Images are kept as uint8 (N, 28, 28), as published, so a full set costs 47 MB instead of
    188; ``features`` gives the float32 view a network wants. Toy sets are float32 (N, 2)
    or (N, 1). Labels are int64 class indices for classification and float32 (N, 1)
    targets for regression.
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: list[str] = field(default_factory=list)
    task: str = "classification"
    description: str = ""
    # (mean, std) of a numeric target learned standardized: the targets here are
    # (y - mean) / std, and ``in_target_units`` gives values in the data's own units.
    target_scale: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise DatasetError(f"{self.name}: task must be one of {TASKS}, not {self.task!r}")
        for split in SPLITS:
            x, y = self.split(split)
            if len(x) != len(y):
                raise DatasetError(
                    f"{self.name}: {split} split has {len(x)} inputs but {len(y)} targets"
                )
        if self.x_train.shape[1:] != self.x_test.shape[1:]:
            raise DatasetError(
                f"{self.name}: train inputs are {self.x_train.shape[1:]} per sample but "
                f"test inputs are {self.x_test.shape[1:]}"
            )

    @property
    def is_image(self) -> bool:
        """Whether the inputs are images: greyscale (N, H, W) or colour (N, 3, H, W)."""
        x = self.x_train
        return x.ndim == 3 or (x.ndim == 4 and x.shape[1] in (1, 3))

    @property
    def is_colour(self) -> bool:
        """Whether the inputs are colour images (N, 3, H, W)."""
        return self.is_image and self.x_train.ndim == 4 and self.x_train.shape[1] == 3

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one sample as a network sees it: (1, 28, 28) for greyscale images,
        (3, H, W) for colour ones, (2,) for 2-D sets."""
        if self.x_train.ndim == 3:
            return (1, *self.x_train.shape[1:])
        return tuple(self.x_train.shape[1:])

    @property
    def num_classes(self) -> int:
        """Number of classes (0 for regression)."""
        return len(self.classes)

    @property
    def output_size(self) -> int:
        """Width of the network's last layer: one unit per class, or per regression target."""
        if self.task == "classification":
            return self.num_classes
        return int(np.prod(self.y_train.shape[1:], dtype=np.int64))

    def in_target_units(self, values: np.ndarray) -> np.ndarray:
        """Targets or a network's outputs in the data's own units (a standardized numeric
        target scaled back); as they are otherwise."""
        if self.target_scale is None:
            return values
        mean, std = self.target_scale
        return np.asarray(values, dtype=np.float64) * std + mean

    def split(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        """The raw (inputs, targets) of ``"train"`` or ``"test"``."""
        if split == "train":
            return self.x_train, self.y_train
        if split == "test":
            return self.x_test, self.y_test
        raise DatasetError(f"{self.name}: unknown split {split!r}; use 'train' or 'test'")

    def features(self, split: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
        """Float32 inputs of ``split``, reshaped to ``shape`` per sample.

        ``shape`` defaults to ``input_shape``; pass (784,) for an MLP or (1, 28, 28) for a
        CNN. uint8 images are scaled to [0, 1].
        """
        x, _ = self.split(split)
        return as_float(x, shape if shape is not None else self.input_shape)

    def targets(self, split: str) -> np.ndarray:
        """Targets of ``split``: int64 labels, or float32 (N, k) regression targets."""
        return self.split(split)[1]


def as_float(x: np.ndarray, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """``x`` as float32, uint8 images scaled to [0, 1], reshaped to (N, *shape) if given."""
    x = np.asarray(x)
    out = x.astype(np.float32) / np.float32(255) if x.dtype == np.uint8 else x.astype(np.float32)
    if shape is None:
        return out
    per_sample = int(np.prod(x.shape[1:], dtype=np.int64))
    wanted = int(np.prod(shape, dtype=np.int64))
    if per_sample != wanted:
        raise DatasetError(
            f"cannot reshape samples of shape {x.shape[1:]} ({per_sample} values) to "
            f"{tuple(shape)} ({wanted} values)"
        )
    return out.reshape((len(x), *shape))
