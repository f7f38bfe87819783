"""How one node's values are drawn: feature maps as a grid of images, vectors as heat
strips, with a colour map that tells the sign when there is one, and tooltips that name
the channel and position under the mouse."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg

from nnstudio.app.inspect.image_view import ArrayView
from nnstudio.app.plots.common import (
    DIVERGING,
    INK,
    SEQUENTIAL,
    as_square_image,
    symmetric_levels,
    tile_images,
    value_levels,
    wrap_strip,
)

SIGNED = DIVERGING  # blue positive, red negative, white 0: as the dashboard and the diagram
STRIP_WIDTH = 50  # values per row of a heat strip
STRIP_CELL = (5.6, 16.0)
SHORT_VECTOR = 16  # this few values get cells wide enough to print them in
NUMBER_CELL = (42.0, 24.0)
GRID_WIDTH = 280.0  # preferred pixels across a grid of feature maps


@dataclass
class Display:
    array: np.ndarray  # 2-D, NaN in the gaps
    cell: tuple[float, float]
    describe: Callable[[int, int, float], str]


def display_array(values: np.ndarray, image: bool = False) -> Display:
    """How to draw one sample's ``values`` of any shape; ``image`` shows a flat vector of a
    square size (784) as a square picture (for an input)."""
    values = np.asarray(values, dtype=np.float32)
    if values.ndim == 3:  # (C, H, W): one tile per channel
        channels, height, width = values.shape
        columns = min(channels, max(1, math.ceil(math.sqrt(channels * 2.0))))
        grid = tile_images(values, columns=columns)
        cell = max(1.0, min(6.0, GRID_WIDTH / grid.shape[1]))

        def describe(row: int, col: int, value: float) -> str:
            channel = (row // (height + 1)) * columns + col // (width + 1)
            return (f"channel {channel}, row {row % (height + 1)}, "
                    f"column {col % (width + 1)}: {value:.4g}")

        return Display(grid, (cell, cell), describe)
    if values.ndim == 2:
        cell = max(1.0, min(8.0, 160.0 / max(values.shape)))
        return Display(values, (cell, cell),
                       lambda r, c, v: f"row {r}, column {c}: {v:.4g}")
    flat = values.ravel()
    square = as_square_image(flat) if image else None
    if square is not None:
        return Display(square, (5.0, 5.0), lambda r, c, v: f"pixel ({r}, {c}): {v:.4g}")
    if len(flat) <= SHORT_VECTOR:
        return Display(flat[None, :], NUMBER_CELL, lambda r, c, v: f"unit {c}: {v:.6g}")
    strip = wrap_strip(flat, STRIP_WIDTH)
    per_row = strip.shape[1]
    return Display(strip, STRIP_CELL, lambda r, c, v: f"unit {r * per_row + c}: {v:.4g}")


def activation_style(values: np.ndarray) -> tuple[pg.ColorMap, tuple[float, float]]:
    """White to blue for non-negative values; red-white-blue centred on 0 otherwise."""
    finite = values[np.isfinite(values)]
    if finite.size and finite.min() < 0:
        return SIGNED, symmetric_levels(values)
    return SEQUENTIAL, (0.0, value_levels(values)[1] if finite.size else 1.0)


def _show(view: ArrayView, display: Display, colormap: pg.ColorMap,
          levels: tuple[float, float], cell: float | None = None) -> None:
    view.cell = (cell, cell) if cell else display.cell
    view.describe = display.describe
    view.set_array(display.array, colormap, levels)


def show_activation(view: ArrayView, values: np.ndarray, image: bool = False,
                    cell: float | None = None) -> None:
    display = display_array(values, image)
    _show(view, display, *activation_style(display.array), cell=cell)


def show_signed(view: ArrayView, values: np.ndarray, image: bool = False,
                cell: float | None = None) -> None:
    """Weights and gradients: symmetric about 0, blue positive, red negative."""
    display = display_array(values, image)
    _show(view, display, SIGNED, symmetric_levels(display.array), cell=cell)


def show_magnitude(view: ArrayView, values: np.ndarray, image: bool = False) -> None:
    """Non-negative values (a saliency map) from white to blue, 0 at white."""
    display = display_array(values, image)
    _show(view, display, SEQUENTIAL, (0.0, value_levels(display.array)[1]))


def show_image(view: ArrayView, image: np.ndarray | None) -> None:
    """A digit: dark ink on white, between 0 and 1."""
    view.describe = None
    view.set_array(image, INK, (0.0, 1.0))


def clear(view: ArrayView) -> None:
    view.set_array(None, SEQUENTIAL, (0.0, 1.0))


def norm(values: np.ndarray) -> float:
    return float(np.linalg.norm(np.asarray(values, dtype=np.float64).ravel()))
