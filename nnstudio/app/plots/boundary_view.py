"""The decision boundary of a 2-D toy problem, as TensorFlow Playground draws it: the network
evaluated on a grid over the data (a heat map of P(class 1), or of the predicted class when
there are more than two) under the training points coloured by label."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QVBoxLayout, QWidget

from nnstudio.app.plots import style
from nnstudio.app.plots.base import LiveView
from nnstudio.app.plots.common import (
    PLAYGROUND,
    PLAYGROUND_CLASS_COLORS,
    class_names,
    class_rgb,
    lut,
)
from nnstudio.app.plots.curve_fit import FittedCurve, is_1d_regression
from nnstudio.app.plots.validation import probabilities
from nnstudio.engine.events import Snapshot
from nnstudio.running.inspection_copy import InspectionCopy, RunContext

GRID = 80
MARGIN = 0.15  # of the data's extent, on every side
NOT_2D = ("Decision boundaries are shown for 2-D data sets (xor, circles, spirals, blobs, "
          "...), the fitted curve for sine and step.")


def grid_over(points: np.ndarray, size: int = GRID) -> tuple[np.ndarray, np.ndarray]:
    """Cell centres (xs, ys) of a size x size grid over ``points`` with a margin."""
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.maximum(high - low, 1e-3)
    low, high = low - MARGIN * span, high + MARGIN * span
    step = (high - low) / size
    xs = low[0] + step[0] * (np.arange(size) + 0.5)
    ys = low[1] + step[1] * (np.arange(size) + 0.5)
    return xs, ys


def class_probabilities(outputs: np.ndarray) -> np.ndarray:
    """(N, k) class probabilities, k >= 2: one sigmoid column becomes (1 - p, p)."""
    probs = probabilities(outputs)
    return np.column_stack([1 - probs[:, 0], probs[:, 0]]) if probs.shape[1] == 1 else probs


def class_colour_image(probs: np.ndarray) -> np.ndarray:
    """RGBA: each cell the colour of its predicted class, paler where less sure."""
    best = probs.argmax(axis=-1)
    confidence = probs.max(axis=-1)
    k = probs.shape[-1]
    palette = np.array([class_rgb(i) for i in range(k)], dtype=np.float64)
    strength = np.clip((confidence - 1.0 / k) / (1 - 1.0 / k), 0, 1)[..., None] * 0.75
    rgb = 255 - strength * (255 - palette[best])
    rgba = np.empty((*best.shape, 4), dtype=np.uint8)
    rgba[..., :3] = np.round(rgb)
    rgba[..., 3] = 255
    return rgba


class BoundaryView(LiveView):
    min_interval_ms = 100  # a grid evaluation and a full image: about 10 Hz

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.graphics = style.layout_widget()
        self.plot = self.graphics.addPlot(row=0, col=0)
        style.style_plot(self.plot, "Decision boundary", left="x₂", bottom="x₁", grid=False)
        self.plot.setAspectLocked(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        self.plot.addItem(self.image)
        self.isocurve = pg.IsocurveItem(level=0.5, pen=style.pen("#374151", 1.5),
                                        axisOrder="row-major")
        self.isocurve.setParentItem(self.image)
        self.colorbar = style.colorbar(PLAYGROUND, "P(class 1)")
        self.graphics.addItem(self.colorbar, row=0, col=1)
        # Under the plot, in a row of its own: over the plot it hid the points in its corner.
        self.legend = pg.LegendItem(labelTextColor=style.TEXT, labelTextSize="8.5pt")
        self.graphics.addItem(self.legend, row=1, col=0)
        self.scatters: list[pg.ScatterPlotItem] = []
        self.caption = style.caption("")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.caption)
        self.set_content(page)
        self.show_message(NOT_2D)
        self.xs = np.zeros(0)
        self.ys = np.zeros(0)
        self._points = np.zeros((0, 2), dtype=np.float32)
        self._x_train = np.zeros((0, 2), dtype=np.float32)
        self._y_train = np.zeros(0, dtype=np.int64)
        self._probs = np.zeros((0, 0))
        self._drawn_version: int | None = None
        self.active = False
        self.fitted = FittedCurve(self.plot)  # for 1-D regression sets
        self.fitting = False

    def start_run(self, context: RunContext, viewer: InspectionCopy) -> None:
        for scatter in self.scatters:
            self.plot.removeItem(scatter)
            self.legend.removeItem(scatter)
        self.scatters = []
        self._drawn_version = None
        self._probs = np.zeros((0, 0))
        self.fitted.clear()
        self.fitting = is_1d_regression(context)
        self.active = context.is_2d_toy and context.dataset.task == "classification"
        for item in (self.image, self.colorbar):
            item.setVisible(not self.fitting)
        if self.fitting:
            self.fitted.show(context)
            self.show_content()
            super().start_run(context, viewer)
            return
        style.set_title(self.plot, "Decision boundary")
        self.plot.setAspectLocked(True)
        if not self.active:
            self.show_message(NOT_2D)
            super().start_run(context, viewer)
            return
        self._x_train = context.dataset.features("train", (2,))
        self._y_train = np.asarray(context.dataset.targets("train")).astype(np.int64).ravel()
        everything = np.concatenate([self._x_train, context.dataset.features("test", (2,))])
        self.xs, self.ys = grid_over(everything)
        gx, gy = np.meshgrid(self.xs, self.ys)  # row r holds y = ys[r]
        self._points = np.column_stack([gx.ravel(), gy.ravel()]).astype(np.float32)
        dx, dy = self.xs[1] - self.xs[0], self.ys[1] - self.ys[0]
        # setRect scales by the current image's size: give it one of the grid's size first.
        self.image.setImage(np.full((GRID, GRID), 0.5), levels=(0.0, 1.0), autoLevels=False)
        self.image.setRect(QRectF(self.xs[0] - dx / 2, self.ys[0] - dy / 2,
                                  dx * GRID, dy * GRID))
        self._add_points(context)
        self.plot.setRange(xRange=(self.xs[0], self.xs[-1]), yRange=(self.ys[0], self.ys[-1]),
                           padding=0)
        self.show_content()
        super().start_run(context, viewer)

    def _add_points(self, context: RunContext) -> None:
        names = class_names(context)
        k = max(len(names), int(self._y_train.max(initial=0)) + 1, 2)
        binary = k == 2
        self.colorbar.setVisible(binary)
        self.isocurve.setVisible(binary)
        if binary:
            label = f"P({names[1] if len(names) > 1 else 'class 1'})"
            self.colorbar.getAxis("right").setLabel(label, color=style.TEXT)
        for c in range(k):
            # A shade darker than the region of its class, so the points stand out.
            color = QColor(*PLAYGROUND_CLASS_COLORS[c]) if binary else QColor(*class_rgb(c))
            mask = self._y_train == c
            scatter = pg.ScatterPlotItem(
                self._x_train[mask, 0], self._x_train[mask, 1], size=8,
                pen=pg.mkPen("#ffffff", width=1.2),
                brush=pg.mkBrush(color if binary else color.darker(125)),
                name=names[c] if c < len(names) else f"class {c}")
            self.plot.addItem(scatter)
            self.legend.addItem(scatter, scatter.name())
            self.scatters.append(scatter)
        self.legend.setColumnCount(min(k, 4))

    def on_snapshot(self, event: Snapshot) -> None:
        if self.active or self.fitting:
            self.mark_dirty()

    def redraw(self) -> None:
        viewer = self.viewer
        if self.fitting and viewer is not None and viewer.version != self._drawn_version:
            self._drawn_version = viewer.version
            self.caption.setText(self.fitted.update(viewer))
            return
        if not self.active or viewer is None or viewer.version == self._drawn_version:
            return
        self._drawn_version = viewer.version
        probs = class_probabilities(viewer.predict_points(self._points)).reshape(GRID, GRID,
                                                                               -1)
        self._probs = probs
        if probs.shape[-1] == 2:
            p1 = np.ascontiguousarray(probs[..., 1])
            self.image.setLookupTable(lut(PLAYGROUND))
            self.image.setImage(p1, levels=(0.0, 1.0), autoLevels=False)
            self.isocurve.setData(p1)
        else:
            self.image.setLookupTable(None)
            self.image.setImage(class_colour_image(probs), levels=(0, 255), autoLevels=False)
        train_probs = class_probabilities(viewer.predict_points(self._x_train))
        accuracy = float((train_probs.argmax(axis=1) == self._y_train).mean())
        self.caption.setText(
            f"Training points: {100 * accuracy:.1f}% classified correctly. Background: the "
            f"network on an {GRID}×{GRID} grid"
            + (" (the line is where P = 0.5)." if probs.shape[-1] == 2 else
               ", coloured by predicted class, paler where less sure."))

    # -- data for tests ----------------------------------------------------------------------
    def grid_probabilities(self) -> np.ndarray:
        """P(class 1) on the grid, (GRID, GRID) with rows along y, for two classes; the
        class probabilities (GRID, GRID, k) for more."""
        if self._probs.ndim == 3 and self._probs.shape[-1] == 2:
            return self._probs[..., 1].copy()
        return self._probs.copy()

    def grid_axes(self) -> tuple[np.ndarray, np.ndarray]:
        """(xs, ys): the grid's cell centres along x (columns) and y (rows)."""
        return self.xs.copy(), self.ys.copy()
