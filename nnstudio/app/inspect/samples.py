"""Test-set samples for the views, loaded on first use and kept: never a download."""

from __future__ import annotations

import numpy as np

from nnstudio.app.plots.common import as_picture
from nnstudio.data.dataset import Dataset, as_float
from nnstudio.data.datasets import DATASETS, list_datasets, load_dataset
from nnstudio.data.errors import DatasetError


class TestSamples:
    """The test split of the current dataset as float features, cached per (set, shape)."""

    __test__ = False  # not a pytest class, whatever its name says

    def __init__(self) -> None:
        self._datasets: dict[str, Dataset] = {}
        self._features: dict[tuple[str, tuple[int, ...]], np.ndarray] = {}

    def adopt(self, dataset: Dataset) -> None:
        """A dataset already in memory (a run's), so it is not loaded twice."""
        if self._datasets.get(dataset.name) is not dataset:
            self._datasets[dataset.name] = dataset
            self._features = {k: v for k, v in self._features.items() if k[0] != dataset.name}

    def classes_in_memory(self, name: str) -> list[str]:
        """The classes of set ``name`` if it is loaded already (never loads it)."""
        dataset = self._datasets.get(name)
        return list(dataset.classes) if dataset is not None else []

    def dataset(self, name: str) -> Dataset:
        """The set ``name``; raises DatasetError with a plain reason when it is not here."""
        if name not in self._datasets:
            info = DATASETS.get(name)
            available = {d.name: d.available for d in list_datasets()}
            if info is not None and not available.get(name, False):
                raise DatasetError(f"{info.title} is not downloaded yet (Train starts the "
                                   f"download, or `nnstudio datasets fetch {name}`)")
            self._datasets[name] = load_dataset(name)
        return self._datasets[name]

    def count(self, name: str) -> int:
        return len(self.dataset(name).y_test)

    def features(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """Float32 test inputs of ``name`` shaped (N, *shape) for a network."""
        key = (name, tuple(shape))
        if key not in self._features:
            self._features[key] = self.dataset(name).features("test", tuple(shape))
        return self._features[key]

    def label(self, name: str, index: int) -> int | None:
        dataset = self.dataset(name)
        if dataset.task != "classification":
            return None
        return int(dataset.y_test[index])

    def image(self, name: str, index: int) -> np.ndarray | None:
        """The sample as a float image in [0, 1], (H, W) or colour (H, W, 3), or None for
        sets that are not images."""
        dataset = self.dataset(name)
        if not dataset.is_image:
            return None
        return as_picture(as_float(dataset.x_test[index: index + 1])[0])
