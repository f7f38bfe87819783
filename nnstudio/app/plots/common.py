"""Helpers the live views share: a bounded growing buffer, image tiling, colour maps, and
the mapping from a batch to a fractional epoch."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

# The bounded buffer lives with the engine (the trainer keeps its batch losses in one);
# the views import it from here with the other helpers.
from nnstudio.running.inspection_copy import RunContext

# -- images -------------------------------------------------------------------------------


def thin_out(values: np.ndarray, max_points: int) -> np.ndarray:
    """A copy of ``values`` keeping every k-th point (and the last) so at most
    ``max_points`` remain."""
    step = max(1, -(-len(values) // max_points))
    if step == 1:
        return values.copy()
    kept = values[::step]
    return np.append(kept, values[-1]) if (len(values) - 1) % step else kept.copy()


def tile_images(images: np.ndarray, columns: int | None = None, pad: int = 1,
                fill: float = math.nan) -> np.ndarray:
    """(N, H, W) images laid out row by row in one (rows, columns) grid, ``pad`` pixels of
    ``fill`` between them. ``columns`` defaults to a near-square grid."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 3:
        raise ValueError(f"tile_images wants (N, H, W) images, not shape {images.shape}")
    n, h, w = images.shape
    if n == 0:
        return np.full((1, 1), fill, dtype=np.float32)
    columns = columns or max(1, math.ceil(math.sqrt(n * h / w)))
    columns = min(columns, n)
    rows = math.ceil(n / columns)
    grid = np.full((rows * (h + pad) - pad, columns * (w + pad) - pad), fill, dtype=np.float32)
    for i in range(n):
        r, c = divmod(i, columns)
        grid[r * (h + pad): r * (h + pad) + h, c * (w + pad): c * (w + pad) + w] = images[i]
    return grid


def as_picture(sample: np.ndarray) -> np.ndarray | None:
    """One image sample as a picture: (H, W) for greyscale, (H, W, 3) for colour, from
    (H, W), (1, H, W) or (3, H, W) values; None for anything else."""
    sample = np.asarray(sample)
    if sample.ndim == 2:
        return sample
    if sample.ndim == 3 and sample.shape[0] == 1:
        return sample[0]
    if sample.ndim == 3 and sample.shape[0] == 3:
        return np.ascontiguousarray(sample.transpose(1, 2, 0))
    return None


def wrap_strip(values: np.ndarray, max_width: int = 100, fill: float = math.nan) -> np.ndarray:
    """A vector as a heat strip: one row, or a few equal rows when it is long."""
    values = np.asarray(values, dtype=np.float32).ravel()
    rows = max(1, math.ceil(len(values) / max_width))
    width = math.ceil(len(values) / rows)
    strip = np.full(rows * width, fill, dtype=np.float32)
    strip[: len(values)] = values
    return strip.reshape(rows, width)


def as_square_image(values: np.ndarray) -> np.ndarray | None:
    """A flat vector of a square number of values (784 -> 28x28) as an image, else None."""
    values = np.asarray(values).ravel()
    side = math.isqrt(len(values))
    return values.reshape(side, side) if side > 1 and side * side == len(values) else None


def symmetric_levels(values: np.ndarray) -> tuple[float, float]:
    """(-m, m) with m the largest magnitude: 0 sits in the middle of a diverging map."""
    finite = np.abs(values[np.isfinite(values)]) if values.size else np.zeros(0)
    m = float(finite.max()) if finite.size else 0.0
    m = m if m > 0 else 1e-6
    return -m, m


def value_levels(values: np.ndarray) -> tuple[float, float]:
    """(low, high) of the finite values, never an empty range."""
    finite = values[np.isfinite(values)] if values.size else np.zeros(0)
    if not finite.size:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    return (low, high) if high > low else (low, low + 1e-6)


# -- colour maps (light theme) -------------------------------------------------------------

# Signed values everywhere in the app (filters, activations, weights, the diagram's edges):
# blue positive, red negative, white 0.
DIVERGING = pg.ColorMap([0.0, 0.5, 1.0], [(178, 24, 43), (247, 247, 247), (33, 102, 172)])
POSITIVE_COLOUR, NEGATIVE_COLOUR = "blue", "red"  # DIVERGING's ends, in words for captions
SEQUENTIAL = pg.ColorMap(
    [0.0, 0.25, 0.5, 0.75, 1.0],
    [(255, 255, 255), (199, 227, 241), (107, 174, 214), (33, 113, 181), (8, 48, 107)])
INK = pg.ColorMap([0.0, 1.0], [(255, 255, 255), (20, 24, 31)])  # digits: dark ink on white
# TensorFlow Playground's orange (class 0) - white - blue (class 1).
PLAYGROUND = pg.ColorMap([0.0, 0.5, 1.0], [(245, 147, 34), (248, 248, 248), (8, 119, 189)])
# The points a shade darker than the background they sit on, so they stay visible.
PLAYGROUND_CLASS_COLORS = [(222, 110, 0), (4, 88, 150)]

# One colour per run or per layer (Tableau 10, readable on white).
SERIES_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                 "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def series_color(index: int) -> str:
    return SERIES_COLORS[index % len(SERIES_COLORS)]


def class_rgb(index: int) -> tuple[int, int, int]:
    color = SERIES_COLORS[index % len(SERIES_COLORS)]
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def lut(colormap: pg.ColorMap) -> np.ndarray:
    return colormap.getLookupTable(0.0, 1.0, 256)


# -- batches and epochs -------------------------------------------------------------------


def batches_per_epoch(context: RunContext) -> int:
    """How many batches one epoch of this run has (the session's split and batch size)."""
    n_train = max(1, context.dataset_train_samples - len(context.x_val))
    batch = max(1, context.training.effective_batch_size(n_train))
    return max(1, math.ceil(n_train / batch))


class EpochClock:
    """Turns (epoch, batch) or a step count into a fractional epoch for the x axes."""

    def __init__(self, per_epoch: int = 1) -> None:
        self.per_epoch = max(1, per_epoch)

    def at_batch(self, epoch: int, batch: int) -> float:
        if batch + 1 > self.per_epoch:  # the estimate was short: trust what we see
            self.per_epoch = batch + 1
        return epoch + (batch + 1) / self.per_epoch

    def at_step(self, step: int) -> float:
        return step / self.per_epoch


def view_samples(context: RunContext) -> tuple[np.ndarray, np.ndarray, str]:
    """(x, y, name) of the samples the views show: the validation split, or the test split
    when a run keeps no validation samples (e.g. the four XOR points)."""
    if len(context.x_val):
        return context.x_val, context.y_val, context.held_out
    x = context.dataset.features("test", context.input_shape)
    return x, context.dataset.targets("test"), "test"


def class_names(context: RunContext) -> list[str]:
    return list(context.classes or context.dataset.classes)
