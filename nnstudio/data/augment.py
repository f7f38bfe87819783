"""Random shifts, rotations and scaling of image batches: the augmentation lesson.

Each image gets its own affine transform about the image centre; the output is computed by
inverse mapping, every output pixel looking up its source position with bilinear
interpolation. The whole batch is done at once with fancy indexing.
"""

from __future__ import annotations

import numpy as np


def augment_images(
    x: np.ndarray,
    rng: np.random.Generator,
    max_shift: float = 2,
    max_rotation_deg: float = 10,
    scale_range: tuple[float, float] = (0.9, 1.1),
) -> np.ndarray:
    """Randomly shift, rotate and scale each image of a (N, H, W) or (N, C, H, W) batch.

    Shifts are uniform in [-max_shift, max_shift] pixels on each axis, rotations uniform in
    [-max_rotation_deg, max_rotation_deg], scale factors uniform in ``scale_range`` (above 1
    enlarges). Pixels that come from outside the image are 0. Returns float32, same shape.
    With no shift, no rotation and scale 1 the images come back unchanged.
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 3:
        return augment_images(x[:, None], rng, max_shift, max_rotation_deg, scale_range)[:, 0]
    if x.ndim != 4:
        raise ValueError(f"augment_images expects (N, H, W) or (N, C, H, W), not {x.shape}")
    n, channels, height, width = x.shape
    if n == 0:
        return x.copy()

    angle = np.deg2rad(rng.uniform(-max_rotation_deg, max_rotation_deg, n))
    scale = rng.uniform(scale_range[0], scale_range[1], n)
    shift = rng.uniform(-max_shift, max_shift, (n, 2))

    # Inverse map: source = centre + R(-angle) (output - centre - shift) / scale.
    # float32 throughout: positions need far less than float32's precision, and it halves
    # the memory traffic of this batch-sized arithmetic.
    cos = (np.cos(angle) / scale).astype(np.float32)[:, None, None]
    sin = (np.sin(angle) / scale).astype(np.float32)[:, None, None]
    shift = shift.astype(np.float32)
    centre_r, centre_c = np.float32((height - 1) / 2), np.float32((width - 1) / 2)
    rows = np.arange(height, dtype=np.float32)[None, :, None]
    cols = np.arange(width, dtype=np.float32)[None, None, :]
    dr = rows - centre_r - shift[:, 0, None, None]
    dc = cols - centre_c - shift[:, 1, None, None]
    source_r = centre_r + cos * dr + sin * dc
    source_c = centre_c - sin * dr + cos * dc
    # Every channel of an image moves the same way.
    moved = bilinear_sample(x.reshape(n * channels, height, width),
                            np.repeat(source_r, channels, axis=0),
                            np.repeat(source_c, channels, axis=0))
    return moved.reshape(x.shape)


def bilinear_sample(images: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Sample (N, H, W) ``images`` at fractional (N, h, w) ``rows``/``cols``; 0 outside."""
    n, height, width = images.shape
    # A one-pixel zero border lets every lookup stay in bounds without masks: positions
    # beyond it are clamped onto it, where all four neighbours read zero anyway.
    padded = np.zeros((n, height + 2, width + 2), dtype=np.float32)
    padded[:, 1:-1, 1:-1] = images
    flat = padded.reshape(-1)
    rows = np.clip(rows, -1, height) + 1
    cols = np.clip(cols, -1, width) + 1
    r0 = np.minimum(np.floor(rows), height).astype(np.intp)
    c0 = np.minimum(np.floor(cols), width).astype(np.intp)
    fr = (rows - r0).astype(np.float32)
    fc = (cols - c0).astype(np.float32)
    stride = width + 2
    base = (np.arange(n) * (height + 2) * stride)[:, None, None] + r0 * stride + c0
    top = flat[base] * (1 - fc) + flat[base + 1] * fc
    bottom = flat[base + stride] * (1 - fc) + flat[base + stride + 1] * fc
    return top * (1 - fr) + bottom * fr
