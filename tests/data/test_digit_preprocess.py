"""A drawn digit becomes an MNIST-like 28x28 image: 20x20 box, centre of mass at (14, 14)."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.data import load_dataset, preprocess_drawing
from nnstudio.data.digit import resample_matrix


def bounding_box(image: np.ndarray, threshold: float = 0.0) -> tuple[int, int]:
    rows = np.flatnonzero((image > threshold).any(axis=1))
    cols = np.flatnonzero((image > threshold).any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    index = np.arange(image.shape[0])
    mass = image.sum()
    return (image.sum(axis=1) @ index) / mass, (image.sum(axis=0) @ index) / mass


def assert_mnist_like(image: np.ndarray) -> None:
    assert image.shape == (28, 28) and image.dtype == np.float32
    assert image.min() >= 0.0 and image.max() == pytest.approx(1.0)
    height, width = bounding_box(image)
    assert max(height, width) == 20 and min(height, width) <= 20
    row, col = centre_of_mass(image)
    assert abs(row - 14) <= 0.5 and abs(col - 14) <= 0.5


def test_empty_canvas_gives_zeros():
    out = preprocess_drawing(np.zeros((280, 280)))
    assert out.shape == (28, 28) and out.dtype == np.float32 and not out.any()


def test_off_centre_rectangle():
    canvas = np.zeros((280, 280))
    canvas[20:120, 180:230] = 1.0  # 100 tall, 50 wide, in the top right corner
    out = preprocess_drawing(canvas)
    assert_mnist_like(out)
    assert bounding_box(out) == (20, 10)  # aspect ratio kept


def test_a_drawn_one():
    canvas = np.zeros((280, 280))
    rows = np.arange(40, 240)
    centre_cols = (150 - (rows - 40) * 0.15).astype(int)  # a slightly slanted stroke
    for offset in range(-8, 9):
        canvas[rows, centre_cols + offset] = 1.0
    canvas[40:60, 125:150] = 1.0  # the little flag at the top
    out = preprocess_drawing(canvas)
    assert_mnist_like(out)
    height, width = bounding_box(out)
    assert height == 20 and width < 12


def test_tiny_drawing_is_enlarged():
    canvas = np.zeros((280, 280))
    canvas[200:205, 30:33] = 0.8
    out = preprocess_drawing(canvas)
    assert_mnist_like(out)
    assert bounding_box(out) == (20, 12)


def test_faint_specks_do_not_count():
    canvas = np.zeros((280, 280))
    canvas[100:200, 100:160] = 1.0
    canvas[5, 5] = 0.005  # below the ink threshold
    assert_mnist_like(preprocess_drawing(canvas))


def test_any_canvas_size():
    canvas = np.zeros((64, 100))
    canvas[10:50, 60:70] = 1.0
    assert_mnist_like(preprocess_drawing(canvas))


def test_a_real_digit_survives_the_round_trip():
    # An MNIST digit blown up to a 280x280 "drawing" should come back close to itself.
    digits = load_dataset("mnist-subset").features("test", (28, 28))[:20]
    for digit in digits:
        out = preprocess_drawing(np.kron(digit, np.ones((10, 10))))
        assert np.corrcoef(out.ravel(), digit.ravel())[0, 1] > 0.95


def test_rejects_non_2d_input():
    with pytest.raises(ValueError, match="2-D"):
        preprocess_drawing(np.zeros((28, 28, 3)))


@pytest.mark.parametrize(("n_in", "n_out"), [(100, 20), (20, 20), (7, 20), (1, 20), (3, 2)])
def test_resample_weights_sum_to_one(n_in, n_out):
    weights = resample_matrix(n_in, n_out)
    assert weights.shape == (n_out, n_in)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    assert (weights >= 0).all()
