"""The fitted curve of a 1-D regression toy set (sine, step): the training and test points
(x, y) and, over them, the network's output along x, redrawn as it trains. The decision
boundary view shows it in its place for these sets."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from nnstudio.app.plots import style
from nnstudio.data.dataset import Dataset
from nnstudio.running.inspection_copy import InspectionCopy, RunContext

POINTS = 200  # where the curve is evaluated, across the data and a margin
MARGIN = 0.05
CURVE_COLOR = "#d62728"
TRAIN_COLOR = "#1f77b4"
TEST_COLOR = "#9aa3ae"


def is_1d_regression(context: RunContext) -> bool:
    return context.input_shape == (1,) and context.dataset.task == "regression"


def curve_xs(x: np.ndarray, size: int = POINTS) -> np.ndarray:
    low, high = float(x.min()), float(x.max())
    span = max(high - low, 1e-3)
    return np.linspace(low - MARGIN * span, high + MARGIN * span, size, dtype=np.float32)


class FittedCurve:
    """The curve's plot items on ``plot``; ``show`` starts a run, ``update`` redraws."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        # Its own legend, in the plot's bottom-right corner (sine and step leave it empty,
        # the top right they fill); the decision boundary's classes have theirs.
        self.legend = pg.LegendItem(offset=(-8, -8), labelTextColor=style.TEXT,
                                    labelTextSize="8.5pt", brush=style.brush(style.BACKGROUND, 215),
                                    pen=pg.mkPen(style.AXIS))
        self.legend.setParentItem(plot.vb)
        self.legend.setVisible(False)
        self.items: list[pg.GraphicsObject] = []
        self.xs = np.zeros(0, dtype=np.float32)
        self.ys = np.zeros(0, dtype=np.float32)
        self._x_train = np.zeros((0, 1), dtype=np.float32)
        self._y_train = np.zeros((0, 1), dtype=np.float32)
        self.curve: pg.PlotDataItem | None = None
        self.data: Dataset | None = None

    def clear(self) -> None:
        for item in self.items:
            self.plot.removeItem(item)
            self.legend.removeItem(item)
        self.items, self.curve = [], None
        self.legend.setVisible(False)

    def show(self, context: RunContext) -> None:
        self.clear()
        data = self.data = context.dataset
        units = data.in_target_units  # the targets in the data's own units
        self._x_train = data.features("train", (1,))
        self._y_train = np.asarray(units(data.targets("train")), np.float32).reshape(-1, 1)
        x_test = data.features("test", (1,))
        y_test = np.asarray(units(data.targets("test")), np.float32).reshape(-1, 1)
        self.xs = curve_xs(np.concatenate([self._x_train, x_test])[:, 0])
        for x, y, color, name in ((x_test, y_test, TEST_COLOR, "test points"),
                                  (self._x_train, self._y_train, TRAIN_COLOR,
                                   "training points")):
            scatter = pg.ScatterPlotItem(x[:, 0], y[:, 0], size=6, pen=pg.mkPen(None),
                                         brush=pg.mkBrush(color), name=name)
            self.plot.addItem(scatter)
            self.items.append(scatter)
        self.curve = self.plot.plot(pen=style.pen(CURVE_COLOR, 2.5), name="the network")
        self.items.append(self.curve)
        for item in self.items:
            self.legend.addItem(item, item.name())
        self.legend.setVisible(True)
        style.set_title(self.plot, f"Fitted curve: {data.name}")
        self.plot.getAxis("bottom").setLabel("x", color=style.TEXT)
        self.plot.getAxis("left").setLabel("y", color=style.TEXT)
        y_all = np.concatenate([self._y_train, y_test])[:, 0].astype(np.float64)
        pad = 0.1 * max(float(np.ptp(y_all)), 1e-3)
        self.plot.setAspectLocked(False)
        self.plot.setRange(xRange=(float(self.xs[0]), float(self.xs[-1])),
                           yRange=(float(y_all.min()) - pad, float(y_all.max()) + pad),
                           padding=0)

    def update(self, viewer: InspectionCopy) -> str:
        """Redraw the curve from the newest weights; the caption to show."""
        units = self.data.in_target_units if self.data is not None else np.asarray
        self.ys = np.asarray(units(viewer.predict(self.xs[:, None])), np.float32)[:, 0]
        if self.curve is not None:
            self.curve.setData(self.xs, self.ys)
        predicted = np.asarray(units(viewer.predict(self._x_train)), dtype=np.float32)
        error = float(np.mean((predicted - self._y_train) ** 2))
        return f"Red: the network's output. Training points' mean squared error {error:.4g}."
