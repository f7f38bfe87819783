"""The MNIST subset shipped in resources/: always there, the right size, balanced."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.data import DatasetError, embedded, find_local_mnist, load_dataset
from nnstudio.data.make_subset import build_subset


def test_loads_with_the_promised_sizes_and_types():
    dataset = load_dataset("mnist-subset")
    assert dataset.x_train.shape == (12000, 28, 28)
    assert dataset.x_test.shape == (2000, 28, 28)
    assert dataset.x_train.dtype == np.uint8 and dataset.x_test.dtype == np.uint8
    assert dataset.y_train.dtype == np.int64 and dataset.y_test.dtype == np.int64
    assert dataset.classes == [str(d) for d in range(10)]
    assert dataset.input_shape == (1, 28, 28)


def test_classes_are_balanced():
    dataset = load_dataset("mnist-subset")
    assert np.bincount(dataset.y_train).tolist() == [1200] * 10
    assert np.bincount(dataset.y_test).tolist() == [200] * 10


def test_classes_are_mixed_not_sorted():
    # A trainer that does not shuffle, or a validation split cut from the end, must still
    # see every digit.
    labels = load_dataset("mnist-subset").y_train
    assert len(np.unique(labels[:100])) == 10
    assert len(np.unique(labels[-1200:])) == 10


def test_file_is_small_and_holds_no_pickles():
    path = embedded.subset_path()
    assert path.stat().st_size <= 4 * 1024 * 1024
    with np.load(path, allow_pickle=False) as npz:
        assert sorted(npz.files) == ["x_test", "x_train", "y_test", "y_train"]


def test_looks_like_mnist_digits():
    x = load_dataset("mnist-subset").x_train.astype(np.float64)
    assert x.max() == 255
    rows = np.arange(28)
    mass = x.sum(axis=(1, 2))
    centre_row = (x.sum(axis=2) @ rows) / mass
    assert np.abs(centre_row - 14).max() <= 0.5 + 1e-9  # MNIST's centring


def test_missing_file_gives_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(embedded, "subset_path", lambda: tmp_path / "mnist-subset.npz")
    with pytest.raises(DatasetError, match="embedded file .* is missing.*make_subset"):
        load_dataset("mnist-subset")


def test_damaged_file_gives_a_clear_error(monkeypatch, tmp_path):
    broken = tmp_path / "mnist-subset.npz"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    monkeypatch.setattr(embedded, "subset_path", lambda: broken)
    with pytest.raises(DatasetError, match="damaged subset file"):
        load_dataset("mnist-subset")


def test_committed_file_is_what_the_builder_makes():
    folder = find_local_mnist()
    if folder is None:
        pytest.skip("the full MNIST is not here (set NNSTUDIO_MNIST_DIR)")
    rebuilt = build_subset(folder)
    with np.load(embedded.subset_path(), allow_pickle=False) as npz:
        for key, array in rebuilt.items():
            np.testing.assert_array_equal(npz[key], array, err_msg=key)
