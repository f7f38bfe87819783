"""Turning a digit drawn with the mouse into what an MNIST digit looks like.

MNIST's recipe (LeCun et al.): each digit was scaled to fit a 20x20 box keeping its aspect
ratio, with anti-aliasing, then placed in a 28x28 frame so that its centre of mass sits at
the frame's centre. A network trained on MNIST only recognises drawings treated the same
way; a digit drawn small in a corner of the pad would otherwise look like nothing it knows.
"""

from __future__ import annotations

import numpy as np

FRAME = 28
BOX = 20
CENTRE = 14.0  # where MNIST's centres of mass lie: (14, 14) to within half a pixel
INK_THRESHOLD = 0.01  # fainter pixels (stray anti-aliasing) do not count for the bounding box


def preprocess_drawing(canvas: np.ndarray) -> np.ndarray:
    """A 28x28 float32 image in [0, 1] in MNIST's form, from a (H, W) drawing (1 = ink).

    The ink's bounding box is cropped, scaled so its larger side is 20 px (area averaging
    when shrinking, bilinear when enlarging), stretched so its darkest pixel is 1 (MNIST's
    strokes are saturated), and shifted by whole pixels so its centre of mass lands on
    (14, 14); ink shifted past the edge is clipped. An empty canvas gives zeros.
    """
    canvas = np.asarray(canvas, dtype=np.float64)
    if canvas.ndim != 2:
        raise ValueError(f"preprocess_drawing expects a 2-D (H, W) canvas, not {canvas.shape}")
    canvas = np.clip(np.nan_to_num(canvas), 0.0, 1.0)
    ink = canvas > INK_THRESHOLD
    if not ink.any():
        return np.zeros((FRAME, FRAME), dtype=np.float32)

    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    crop = canvas[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    height, width = crop.shape
    factor = BOX / max(height, width)
    new_height = max(1, round(height * factor))
    new_width = max(1, round(width * factor))
    digit = resample_matrix(height, new_height) @ crop @ resample_matrix(width, new_width).T
    peak = digit.max()
    if peak <= 0:
        return np.zeros((FRAME, FRAME), dtype=np.float32)
    digit = np.clip(digit / peak, 0.0, 1.0)

    mass = digit.sum()
    centre_r = (digit.sum(axis=1) @ np.arange(new_height)) / mass
    centre_c = (digit.sum(axis=0) @ np.arange(new_width)) / mass
    top = int(np.floor(CENTRE - centre_r + 0.5))
    left = int(np.floor(CENTRE - centre_c + 0.5))
    return _paste(digit, top, left).astype(np.float32)


def resample_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) weights resizing a 1-D signal: area averaging down, linear up.

    Applied on both axes (``W_rows @ image @ W_cols.T``) it resizes an image.
    """
    if n_out <= n_in:
        # Output pixel i averages the input interval [i, i + 1) * n_in / n_out, each input
        # pixel weighted by how much of it the interval covers.
        edges = np.arange(n_out + 1) * (n_in / n_out)
        starts, ends = edges[:-1, None], edges[1:, None]
        pixel = np.arange(n_in)[None, :]
        overlap = np.clip(np.minimum(ends, pixel + 1) - np.maximum(starts, pixel), 0.0, None)
        return overlap / overlap.sum(axis=1, keepdims=True)
    # Pixel centres aligned: output pixel i samples input position (i + 0.5) n_in/n_out - 0.5.
    position = np.clip((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0, n_in - 1)
    lower = np.floor(position).astype(np.intp)
    upper = np.minimum(lower + 1, n_in - 1)
    fraction = position - lower
    weights = np.zeros((n_out, n_in))
    np.add.at(weights, (np.arange(n_out), lower), 1 - fraction)
    np.add.at(weights, (np.arange(n_out), upper), fraction)
    return weights


def _paste(image: np.ndarray, top: int, left: int) -> np.ndarray:
    """``image`` placed with its corner at (top, left) in a zero frame, clipped at the edges."""
    frame = np.zeros((FRAME, FRAME))
    height, width = image.shape
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + height, FRAME), min(left + width, FRAME)
    if r0 < r1 and c0 < c1:
        frame[r0:r1, c0:c1] = image[r0 - top : r1 - top, c0 - left : c1 - left]
    return frame
