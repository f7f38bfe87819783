"""Plot ranges that hold still while the data stays inside them.

pyqtgraph's auto-range follows the data exactly, so a growing curve moves the range on every
redraw, and every move makes each axis rebuild its ticks and labels (the largest part of a
live plot's paint time). A ``SteadyRange`` is an invisible item whose bounds the plot's
auto-range takes in: it widens with headroom when the data leaves it, and tightens only
when the data fills a small part of it, so most redraws only repaint the curves. Auto-range
itself stays pyqtgraph's: a person who pans or zooms takes over as usual, and the plot's
"A" button gives the range back.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF


def finite_bounds(*arrays: np.ndarray, log: bool = False) -> tuple[float, float] | None:
    """(min, max) of the finite values of ``arrays`` (of their log10 with ``log``, where a
    plot's log axis puts them), or None when there are none."""
    low, high = math.inf, -math.inf
    for array in arrays:
        values = np.asarray(array, dtype=np.float64)
        if log:
            with np.errstate(divide="ignore", invalid="ignore"):
                values = np.log10(values)
        values = values[np.isfinite(values)]
        if values.size:
            low, high = min(low, float(values.min())), max(high, float(values.max()))
    return (low, high) if low <= high else None


def settle(current: tuple[float, float] | None, data: tuple[float, float] | None,
           headroom: tuple[float, float], min_fill: float) -> tuple[float, float] | None:
    """The range to show for ``data``: ``current`` while it holds the data and the data
    fills at least ``min_fill`` of it; else the data widened by ``headroom`` (fractions of
    its span below and above)."""
    if data is None:
        return current
    low, high = data
    span = high - low
    if span <= 0:
        span = abs(high) * 0.1 or 1.0
    if current is not None:
        inside = current[0] <= low and high <= current[1]
        if inside and span >= min_fill * (current[1] - current[0]):
            return current
    return low - headroom[0] * span, high + headroom[1] * span


class SteadyRange(pg.GraphicsObject):
    """Added to ``plot``; call ``follow(x=(lo, hi), y=(lo, hi))`` with the data's bounds in
    view coordinates (``finite_bounds``) on every redraw. ``x_headroom``/``y_headroom`` are
    (below, above) fractions; curves that grow to the right want room on the right only."""

    def __init__(self, plot: pg.PlotItem, x_headroom: tuple[float, float] = (0.0, 0.25),
                 y_headroom: tuple[float, float] = (0.08, 0.08), min_fill: float = 0.4) -> None:
        super().__init__()
        self.headroom = (x_headroom, y_headroom)
        self.min_fill = min_fill
        self.ranges: list[tuple[float, float] | None] = [None, None]
        self.moves = 0  # how often the range changed: what the axes had to redraw for
        plot.addItem(self)

    def follow(self, x: tuple[float, float] | None = None,
               y: tuple[float, float] | None = None, final: bool = False) -> None:
        """``final``: the data will not grow any more (the run ended): fit x exactly."""
        changed = False
        for axis, data in enumerate((x, y)):
            if final and axis == 0 and data is not None:
                new = data
            else:
                new = settle(self.ranges[axis], data, self.headroom[axis], self.min_fill)
            if new != self.ranges[axis]:
                self.ranges[axis] = new
                changed = True
        if changed:
            self.moves += 1
            self.prepareGeometryChange()
            self.informViewBoundsChanged()

    def reset(self) -> None:
        self.ranges = [None, None]
        self.informViewBoundsChanged()

    # -- what pyqtgraph asks of an item --------------------------------------------------
    def dataBounds(self, axis: int, frac: float = 1.0,  # noqa: N802 - pyqtgraph's name
                   orthoRange: tuple[float, float] | None = None  # noqa: N803
                   ) -> tuple[float, float] | None:
        return self.ranges[axis]

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF()

    def paint(self, *args: object) -> None:
        pass
