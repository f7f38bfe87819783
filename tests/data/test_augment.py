"""Augmentation: same shape, ink kept, identity when asked for no change, per-image randomness."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.data import augment_images, load_dataset


@pytest.fixture(scope="module")
def digits() -> np.ndarray:
    return load_dataset("mnist-subset").features("train", (28, 28))[:256]


def test_keeps_the_shape_and_dtype(digits):
    rng = np.random.default_rng(0)
    out = augment_images(digits, rng)
    assert out.shape == digits.shape and out.dtype == np.float32
    with_channel = augment_images(digits[:, None], rng)
    assert with_channel.shape == (256, 1, 28, 28)
    assert 0.0 <= out.min() and out.max() <= 1.0 + 1e-6


def test_no_shift_no_rotation_unit_scale_is_the_identity(digits):
    out = augment_images(
        digits, np.random.default_rng(0), max_shift=0, max_rotation_deg=0, scale_range=(1, 1)
    )
    np.testing.assert_array_equal(out, digits)


def test_keeps_the_ink_approximately(digits):
    rng = np.random.default_rng(1)
    mass = digits.sum(axis=(1, 2))
    moved = augment_images(digits, rng, scale_range=(1, 1)).sum(axis=(1, 2))
    np.testing.assert_allclose(moved, mass, rtol=0.08)
    # scaling by s changes the area, and so the ink, by about s^2
    scaled = augment_images(digits, rng).sum(axis=(1, 2))
    assert np.all((scaled > 0.75 * mass) & (scaled < 1.3 * mass))


def test_each_image_gets_its_own_transform(digits):
    same = np.repeat(digits[:1], 8, axis=0)
    out = augment_images(same, np.random.default_rng(2))
    assert len({image.tobytes() for image in out}) == 8


def test_whole_pixel_shift_moves_the_image():
    image = np.zeros((1, 28, 28), np.float32)
    image[0, 10:14, 10:14] = 1.0

    class FixedShift:
        """A stand-in generator: rotation 0, scale 1, shift (+2 rows, -3 cols)."""

        def uniform(self, low, high, size):
            if isinstance(size, tuple):  # the (N, 2) shifts
                return np.array([[2.0, -3.0]])
            return np.full(size, (low + high) / 2)

    out = augment_images(image, FixedShift(), max_rotation_deg=0, scale_range=(1, 1))
    np.testing.assert_array_equal(out[0], np.roll(np.roll(image[0], 2, axis=0), -3, axis=1))


def test_same_generator_state_same_result(digits):
    a = augment_images(digits, np.random.default_rng(5))
    b = augment_images(digits, np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)


def test_rejects_other_shapes():
    with pytest.raises(ValueError, match=r"\(N, H, W\) or \(N, C, H, W\)"):
        augment_images(np.zeros((4, 784), np.float32), np.random.default_rng(0))


def test_colour_images_move_every_channel_alike():
    grey = np.random.default_rng(1).random((5, 12, 12)).astype(np.float32)
    colour = np.stack([grey, 0.5 * grey, grey ** 2], axis=1)
    moved = augment_images(colour, np.random.default_rng(2))
    alone = augment_images(grey, np.random.default_rng(2))
    np.testing.assert_allclose(moved[:, 0], alone, atol=1e-6)
    np.testing.assert_allclose(moved[:, 1], 0.5 * alone, atol=1e-6)
