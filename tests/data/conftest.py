"""Fixtures for the data tests: an isolated cache, no network, small fake MNIST folders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from nnstudio.data import remote
from nnstudio.data.folders import STANDARD_FILES
from nnstudio.data.idx import write_idx


@pytest.fixture(autouse=True)
def isolated_data_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every test gets its own empty cache, no NNSTUDIO_DATA_DIR and no network."""
    cache = tmp_path / "cache"
    monkeypatch.setenv(remote.CACHE_ENV, str(cache))
    monkeypatch.delenv("NNSTUDIO_DATA_DIR", raising=False)

    def no_network(url: str) -> None:
        raise AssertionError(f"a test tried to reach the network: {url}")

    monkeypatch.setattr(remote, "_http_get", no_network)
    return cache


def fake_mnist_arrays(train_per_class: int = 4, test_per_class: int = 2, seed: int = 0):
    """Small MNIST-shaped arrays: 10 classes, each image marked with its label."""
    rng = np.random.default_rng(seed)
    arrays = {}
    for split, per_class in (("train", train_per_class), ("test", test_per_class)):
        labels = rng.permutation(np.repeat(np.arange(10, dtype=np.uint8), per_class))
        images = rng.integers(0, 256, size=(len(labels), 28, 28), dtype=np.uint8)
        images[:, 0, 0] = labels  # lets a test check that images stay with their labels
        arrays[f"x_{split}"], arrays[f"y_{split}"] = images, labels
    return arrays


def write_mnist_folder(folder: Path, arrays: dict, gz: bool = True, dotted: bool = False) -> Path:
    """Write ``arrays`` as the four standard IDX files of ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, stem in STANDARD_FILES.items():
        name = stem.replace("-idx", ".idx", 1) if dotted else stem
        write_idx(folder / (name + (".gz" if gz else "")), arrays[key], compress=gz)
    return folder


@pytest.fixture
def mnist_folder(tmp_path: Path) -> Callable[..., tuple[Path, dict]]:
    """Factory: ``mnist_folder(name, **options)`` writes a fake MNIST folder under tmp_path."""

    def make(name: str = "idx", gz: bool = True, dotted: bool = False, **sizes: int):
        arrays = fake_mnist_arrays(**sizes)
        return write_mnist_folder(tmp_path / name, arrays, gz=gz, dotted=dotted), arrays

    return make


@pytest.fixture
def write_folder() -> Callable[..., Path]:
    """The ``write_mnist_folder`` helper, for tests that build their own arrays."""
    return write_mnist_folder


@pytest.fixture
def fake_arrays() -> Callable[..., dict]:
    """The ``fake_mnist_arrays`` helper."""
    return fake_mnist_arrays
