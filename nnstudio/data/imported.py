"""What loading a person's own data gives: the dataset, the preprocessing fitted on its
training split, and what a preview or ``nnstudio datasets inspect`` shows about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnstudio.data.dataset import Dataset
from nnstudio.data.errors import DatasetError


@dataclass
class Imported:
    """A loaded table, image folder or array file.

    ``columns`` are (name, detected type) pairs, the target's type ending in "(target)";
    ``first_rows`` the file's first rows as text (tables); ``notes`` what was dropped,
    filled or skipped, one line each; ``skipped`` the files or lines left out.
    """

    dataset: Dataset
    preprocessing: dict[str, Any]
    kind: str
    columns: list[tuple[str, str]] = field(default_factory=list)
    first_rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def class_counts(self) -> list[tuple[str, int, int]]:
        """(class, training samples, test samples) for each class."""
        dataset = self.dataset
        if dataset.task != "classification":
            return []
        k = dataset.num_classes
        train = np.bincount(dataset.y_train, minlength=k)
        test = np.bincount(dataset.y_test, minlength=k)
        return [(name, int(train[i]), int(test[i])) for i, name in enumerate(dataset.classes)]

    def describe(self) -> list[str]:
        """What would be loaded, in lines of text."""
        dataset = self.dataset
        shape = "x".join(map(str, dataset.input_shape))
        lines = [f"{dataset.name}: {self.kind}, {dataset.task}",
                 f"samples: {len(dataset.x_train):,} training, {len(dataset.x_test):,} test; "
                 f"input {shape}, output {dataset.output_size}"]
        if self.columns:
            lines.append("columns:")
            lines += [f"  {name:<24} {kind}" for name, kind in self.columns]
        counts = self.class_counts()
        if counts:
            lines.append(f"classes ({len(counts)}): training / test")
            lines += [f"  {name:<24} {train:>7,} / {test:,}" for name, train, test in counts]
        lines += self.notes
        return lines


def stratified_split(y: np.ndarray, test_fraction: float, seed: int,
                     classification: bool) -> tuple[np.ndarray, np.ndarray]:
    """Seeded (train, test) indices. Classes are split each in the same proportion (at
    least one training sample each) so a small set keeps every class on both sides, unless
    they are too small to hold any out (then the samples are split at random)."""
    rng = np.random.default_rng(seed)
    if classification:
        split = _by_class(y, test_fraction, rng)
        if split is not None:
            return split
    order = rng.permutation(len(y))
    n_test = max(1, int(round(len(y) * test_fraction)))
    if n_test >= len(y):
        raise DatasetError(f"{len(y)} samples are too few to hold some out for testing")
    return np.sort(order[n_test:]), np.sort(order[:n_test])


def _by_class(y: np.ndarray, test_fraction: float, rng: np.random.Generator
              ) -> tuple[np.ndarray, np.ndarray] | None:
    """Each class split in the same proportion; None when the classes are too small."""
    train: list[np.ndarray] = []
    test: list[np.ndarray] = []
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        n_test = min(int(round(len(members) * test_fraction)), len(members) - 1)
        test.append(members[:n_test])
        train.append(members[n_test:])
    test_indices = np.sort(np.concatenate(test))
    if len(test_indices) == 0:
        return None
    return np.sort(np.concatenate(train)), test_indices


def check_classes(classes: list[str], file: str, what: str) -> None:
    if len(classes) < 2:
        only = f" ({classes[0]!r})" if classes else ""
        raise DatasetError(f"{file}: {what} has only one class{only}; a classifier needs at "
                           f"least two")


def target_statistics(y: np.ndarray, task: str) -> tuple[float, float]:
    """(mean, std) a numeric target is standardized with: the training rows'."""
    if task != "regression" or not len(y):
        return 0.0, 1.0
    std = float(np.std(y, dtype=np.float64))
    return float(np.mean(y, dtype=np.float64)), std if std > 0 else 1.0


def standardized(y: np.ndarray, scale: tuple[float, float]) -> np.ndarray:
    """A numeric target as it is learned: (y - mean) / std, float32."""
    mean, std = scale
    return ((y - mean) / std).astype(np.float32)
