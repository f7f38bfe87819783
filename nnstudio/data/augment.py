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
    """Randomly shift, rotate and scale each image of a (N, H, W) or (N, 1, H, W) batch.

    Shifts are uniform in [-max_shift, max_shift] pixels on each axis, rotations uniform in
    [-max_rotation_deg, max_rotation_deg], scale factors uniform in ``scale_range`` (above 1
    enlarges). Pixels that come from outside the image are 0. Returns float32, same shape.
    With no shift, no rotation and scale 1 the images come back unchanged.
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 4 and x.shape[1] == 1:
        return augment_images(x[:, 0], rng, max_shift, max_rotation_deg, scale_range)[:, None]
    if x.ndim != 3:
        raise ValueError(f"augment_images expects (N, H, W) or (N, 1, H, W), not {x.shape}")
    n, height, width = x.shape
    if n == 0:
        return x.copy()

    angle = np.deg2rad(rng.uniform(-max_rotation_deg, max_rotation_deg, n))
    scale = rng.uniform(scale_range[0], scale_range[1], n)
    shift = rng.uniform(-max_shift, max_shift, (n, 2))

    # Inverse map: source = centre + R(-angle) (output - centre - shift) / scale.
    cos = (np.cos(angle) / scale)[:, None, None]
    sin = (np.sin(angle) / scale)[:, None, None]
    centre_r, centre_c = (height - 1) / 2, (width - 1) / 2
    rows, cols = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    dr = rows[None] - centre_r - shift[:, 0, None, None]
    dc = cols[None] - centre_c - shift[:, 1, None, None]
    source_r = centre_r + cos * dr + sin * dc
    source_c = centre_c - sin * dr + cos * dc
    return bilinear_sample(x, source_r, source_c)


def bilinear_sample(images: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Sample (N, H, W) ``images`` at fractional (N, h, w) ``rows``/``cols``; 0 outside."""
    n, height, width = images.shape
    r0 = np.floor(rows).astype(np.intp)
    c0 = np.floor(cols).astype(np.intp)
    fr = (rows - r0).astype(np.float32)
    fc = (cols - c0).astype(np.float32)
    batch = np.arange(n)[:, None, None]
    out = np.zeros(rows.shape, dtype=np.float32)
    for dr, dc, weight in (
        (0, 0, (1 - fr) * (1 - fc)),
        (0, 1, (1 - fr) * fc),
        (1, 0, fr * (1 - fc)),
        (1, 1, fr * fc),
    ):
        r, c = r0 + dr, c0 + dc
        inside = (r >= 0) & (r < height) & (c >= 0) & (c < width)
        values = images[batch, np.clip(r, 0, height - 1), np.clip(c, 0, width - 1)]
        out += np.where(inside, weight * values, np.float32(0))
    return out
