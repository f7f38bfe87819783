"""Arrays: a .npz of x and y (split here) or of both splits, an x.npy with its y.npy."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from nnstudio.data.errors import DatasetError
from nnstudio.data.user_data import import_data, load_source


def test_an_npz_of_x_and_y_is_split_and_classified(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    path = tmp_path / "points.npz"
    np.savez(path, x=rng.normal(size=(50, 3)), y=np.arange(50) % 2)
    dataset = import_data(path).imported.dataset
    assert dataset.task == "classification" and dataset.classes == ["0", "1"]
    assert len(dataset.x_train) == 40 and dataset.x_train.dtype == np.float32


def test_an_npz_of_both_splits_and_regression_targets(tmp_path: Path) -> None:
    path = tmp_path / "curve.npz"
    np.savez(path, x_train=np.zeros((8, 2)), y_train=np.linspace(0, 1, 8),
             x_test=np.ones((3, 2)), y_test=np.ones(3) * 0.5)
    loaded = import_data(path)
    dataset = loaded.imported.dataset
    assert dataset.task == "regression" and dataset.y_test.shape == (3, 1)
    # Learned standardized with the training split's statistics, as a table's target is;
    # the views and exports get the data's own units back.
    assert dataset.target_scale == pytest.approx((0.5, np.std(np.linspace(0, 1, 8))))
    assert dataset.y_train.mean() == pytest.approx(0, abs=1e-6)
    np.testing.assert_allclose(dataset.in_target_units(dataset.y_test), 0.5, rtol=1e-6)
    # Opened again with the project's saved preprocessing: the same numbers.
    again = load_source(loaded.source).imported.dataset
    np.testing.assert_array_equal(again.y_train, dataset.y_train)
    # A project saved before targets were standardized keeps them as they were.
    old = replace(loaded.source, preprocessing={"classes": []})
    np.testing.assert_allclose(load_source(old).imported.dataset.y_test, 0.5)


def test_x_npy_with_its_y_npy(tmp_path: Path) -> None:
    np.save(tmp_path / "x.npy", np.zeros((20, 28, 28), dtype=np.uint8))
    np.save(tmp_path / "y.npy", np.arange(20) % 4)
    dataset = import_data(tmp_path / "x.npy").imported.dataset
    assert dataset.is_image and dataset.num_classes == 4


@pytest.mark.parametrize(("arrays", "message"), [
    ({"inputs": np.zeros(3)}, "holds inputs; it needs arrays named x and y"),
    ({"x": np.zeros((4, 2)), "y": np.zeros(4, dtype=int)}, "y has only one class"),
])
def test_bad_arrays_are_refused(tmp_path: Path, arrays: dict, message: str) -> None:
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(DatasetError, match=message):
        import_data(path)


def test_pickled_arrays_are_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "pickled.npz"
    np.savez(path, x=np.array([{"a": 1}], dtype=object), y=np.zeros(1))
    with pytest.raises(DatasetError, match="pickled.npz: cannot read the arrays"):
        import_data(path)


@pytest.mark.parametrize(("arrays", "message"), [
    ({"x": np.zeros((10, 3)), "y": np.arange(7) % 2},
     "bad.npz: x has 10 samples but y has 7"),
    ({"x_train": np.zeros((10, 3)), "y_train": np.arange(10) % 2, "x_test": np.zeros((4, 3)),
      "y_test": np.arange(5) % 2}, "bad.npz: x_test has 4 samples but y_test has 5"),
    ({"x": np.array([["a", "b"]] * 10), "y": np.arange(10) % 2},
     "bad.npz: x holds text (<U1); the inputs must be numbers"),
    ({"x": np.full((10, 3), np.nan), "y": np.arange(10) % 2},
     "bad.npz: x holds NaN or infinite values"),
    ({"x": np.zeros((10, 3)), "y": np.r_[np.zeros(9), np.inf]},
     "bad.npz: y holds NaN or infinite values"),
])
def test_arrays_that_cannot_train_are_refused_naming_the_file(
        tmp_path: Path, arrays: dict, message: str) -> None:
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(DatasetError) as caught:
        import_data(path)
    assert message in str(caught.value)
