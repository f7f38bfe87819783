"""Toy sets: shapes, the rule behind each label, balance, and determinism by seed."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.data import DatasetError, load_dataset
from nnstudio.data.toy import TOY_MAKERS

CLASSIFICATION = ["xor", "circles", "spirals", "blobs", "parabola"]
REGRESSION = ["sine", "step"]


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classification_shapes_and_balance(name):
    options = {"n_samples": 400} if name == "xor" else {}
    dataset = load_dataset(name, seed=3, test_ratio=0.25, **options)
    n = len(dataset.x_train) + len(dataset.x_test)
    assert n == (400 if name == "xor" else 500)
    assert dataset.x_train.dtype == np.float32 and dataset.x_train.shape[1:] == (2,)
    assert dataset.y_train.dtype == np.int64
    assert dataset.input_shape == (2,)
    assert dataset.task == "classification"
    assert len(dataset.x_test) == pytest.approx(n * 0.25, abs=2)
    counts = np.bincount(np.concatenate([dataset.y_train, dataset.y_test]))
    assert len(counts) == len(dataset.classes) == dataset.output_size
    assert counts.min() >= 0.45 * n / len(counts)
    test_counts = np.bincount(dataset.y_test, minlength=len(counts))
    assert test_counts.max() - test_counts.min() <= 2  # stratified split
    assert np.abs(dataset.x_train).max() < 1.5


@pytest.mark.parametrize("name", CLASSIFICATION + REGRESSION)
def test_deterministic_by_seed(name):
    options = {"n_samples": 100} if name == "xor" else {}
    a = load_dataset(name, seed=7, **options)
    b = load_dataset(name, seed=7, **options)
    c = load_dataset(name, seed=8, **options)
    for key in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key))
    assert not np.array_equal(a.x_train, c.x_train)


@pytest.mark.parametrize(
    ("name", "table"), [("xor", [0, 1, 1, 0]), ("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1])]
)
def test_truth_tables(name, table):
    dataset = load_dataset(name)
    np.testing.assert_array_equal(dataset.x_train, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(dataset.y_train, table)
    np.testing.assert_array_equal(dataset.x_test, dataset.x_train)
    np.testing.assert_array_equal(dataset.y_test, dataset.y_train)
    assert dataset.classes == ["0", "1"]


def all_points(dataset):
    return (
        np.concatenate([dataset.x_train, dataset.x_test]),
        np.concatenate([dataset.y_train, dataset.y_test]),
    )


def test_noisy_xor_follows_the_quadrant_rule():
    x, y = all_points(load_dataset("xor", n_samples=300, noise=0.0))
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] < 0).astype(int))


def test_parabola_follows_its_rule():
    x, y = all_points(load_dataset("parabola", noise=0.0))
    np.testing.assert_array_equal(y, (x[:, 1] > 2 * x[:, 0] ** 2 - 0.5).astype(int))
    assert np.abs(x).max() <= 1.0
    assert np.bincount(y).tolist() == [250, 250]


def test_circles_follow_their_rule():
    x, y = all_points(load_dataset("circles", noise=0.0))
    radius = np.hypot(x[:, 0], x[:, 1])
    assert (radius[y == 1] <= 0.5 + 1e-6).all()
    assert (radius[y == 0] >= 0.7 - 1e-6).all()


def test_spirals_interleave():
    x, y = all_points(load_dataset("spirals", noise=0.0))
    # the two arms are point reflections of each other
    arm_a, arm_b = x[y == 0], x[y == 1]
    assert {tuple(np.round(p, 4)) for p in arm_a} == {tuple(np.round(-p, 4)) for p in arm_b}


def test_blobs_with_more_classes():
    dataset = load_dataset("blobs", n_classes=4, n_samples=400, seed=1)
    assert dataset.classes == ["blob 0", "blob 1", "blob 2", "blob 3"]
    _, y = all_points(dataset)
    assert np.bincount(y).tolist() == [100] * 4


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_sets(name):
    dataset = load_dataset(name, n_samples=100, noise=0.0)
    assert dataset.task == "regression" and dataset.classes == []
    assert dataset.x_train.shape[1:] == (1,) and dataset.y_train.shape[1:] == (1,)
    assert dataset.y_train.dtype == np.float32
    assert dataset.output_size == 1
    x, y = all_points(dataset)
    expected = np.sin(np.pi * x) if name == "sine" else (x >= 0).astype(np.float32)
    np.testing.assert_allclose(y, expected, atol=1e-6)
    assert np.abs(x).max() <= 1.0


def test_noise_moves_the_targets():
    clean = load_dataset("sine", noise=0.0, seed=2)
    noisy = load_dataset("sine", noise=0.1, seed=2)
    assert 0.05 < np.std(noisy.y_train - np.sin(np.pi * noisy.x_train)) < 0.15
    assert np.abs(clean.y_train - np.sin(np.pi * clean.x_train)).max() < 1e-6


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"test_ratio": 0.0}, "test_ratio must be between 0 and 1"),
        ({"noise": -0.1}, "noise must be zero or positive"),
        ({"n_samples": 3}, "n_samples must be a whole number"),
    ],
)
def test_bad_options_are_explained(options, message):
    with pytest.raises(DatasetError, match=message):
        load_dataset("circles", **options)


def test_every_maker_has_the_common_signature():
    for maker in TOY_MAKERS.values():
        for argument in ("n_samples", "noise", "seed", "test_ratio"):
            assert argument in maker.__code__.co_varnames
