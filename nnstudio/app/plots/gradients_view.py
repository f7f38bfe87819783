"""Per layer, the size of the weight gradient and of the weights over time (log scale: the
vanishing-gradient view), and histograms of one layer's weights and gradients."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app.plots import style
from nnstudio.app.plots.base import LiveView
from nnstudio.app.plots.common import EpochClock, batches_per_epoch, series_color
from nnstudio.app.plots.steady_range import SteadyRange, finite_bounds
from nnstudio.engine.events import Finished, Snapshot
from nnstudio.engine.series import GrowingBuffer
from nnstudio.running.inspection_copy import InspectionCopy, RunContext

BINS = 60
FLOOR = 1e-12  # log axes cannot show 0
X, GRAD, WEIGHT = range(3)
NO_GRADIENTS = ("No gradient histogram: the snapshots carry only gradient norms.\n"
                "Gradients: enable \"snapshot gradients\" in the training settings.")


class GradientsView(LiveView):
    min_interval_ms = 400  # four plots of many curves: a few times a second

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.norms = style.layout_widget()
        self.key = style.key_label()
        self.grad_plot = style.log_plot(self.norms.ci, row=0, col=0)
        self.weight_plot = style.log_plot(self.norms.ci, row=0, col=1)
        style.style_plot(self.grad_plot, "Gradient ‖∂L/∂W‖", left="L2 norm (log)",
                         bottom="epoch")
        style.style_plot(self.weight_plot, "Weights ‖W‖", left="L2 norm (log)",
                         bottom="epoch")
        self.weight_plot.setXLink(self.grad_plot)

        self.layer_box = QComboBox()
        self.layer_box.setToolTip("Which layer's weights and gradients to histogram")
        self.layer_box.currentIndexChanged.connect(lambda _: self.mark_dirty())
        self.weight_hist_widget = style.layout_widget()
        self.weight_hist_plot = self.weight_hist_widget.addPlot(
            axisItems={"bottom": style.CompactAxis("bottom")})
        self.grad_hist_widget = style.layout_widget()
        self.grad_hist_plot = self.grad_hist_widget.addPlot(
            axisItems={"bottom": style.CompactAxis("bottom")})
        # (No titles: the value axes name them, and the histograms keep their height.)
        style.style_plot(self.weight_hist_plot, left="count", bottom="weight value")
        style.style_plot(self.grad_hist_plot, left="count", bottom="gradient value")
        self.weight_hist = self.weight_hist_plot.plot(
            stepMode="center", fillLevel=0, pen=style.pen("#1f77b4", 1.2),
            brush=style.brush("#1f77b4", 90))
        self.grad_hist = self.grad_hist_plot.plot(
            stepMode="center", fillLevel=0, pen=style.pen("#d62728", 1.2),
            brush=style.brush("#d62728", 90))
        self.grad_range, self.weight_range = SteadyRange(self.grad_plot), \
            SteadyRange(self.weight_plot)
        self.weight_hist_range = SteadyRange(self.weight_hist_plot, (0.1, 0.1), (0.0, 0.1))
        self.grad_hist_range = SteadyRange(self.grad_hist_plot, (0.1, 0.1), (0.0, 0.1))
        self.no_grads = style.message(NO_GRADIENTS)
        self.no_grads.setStyleSheet(self.no_grads.styleSheet().replace("11pt", "9.5pt"))
        self.grad_stack = QStackedWidget()
        self.grad_stack.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.grad_stack.addWidget(self.grad_hist_widget)
        self.grad_stack.addWidget(self.no_grads)
        histograms = QHBoxLayout()
        histograms.setSpacing(0)
        histograms.addWidget(self.weight_hist_widget, 1)
        histograms.addWidget(self.grad_stack, 1)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Histograms of layer"))
        bar.addWidget(self.layer_box)
        self.hist_status = style.caption("")
        self.hist_status.setWordWrap(False)  # clipped when narrow, not five lines tall
        self.hist_status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        bar.addWidget(self.hist_status, 1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.key)
        layout.addWidget(self.norms, 3)
        layout.addLayout(bar)
        layout.addLayout(histograms, 2)
        self.set_content(page)
        self.show_message("Gradient norms appear here when a run starts.")

        self.series: dict[str, GrowingBuffer] = {}
        self.curves: dict[str, tuple[pg.PlotDataItem, pg.PlotDataItem]] = {}
        self._clock = EpochClock()
        self._start_epoch = 0.0
        self._snapshot: Snapshot | None = None
        self._snapshots = 0
        self._drawn_hist: tuple[int, str] | None = None
        self._norms_turn = True
        self._norms_pending = False
        self._finished = False

    def start_run(self, context: RunContext, viewer: InspectionCopy) -> None:
        for grad_curve, weight_curve in self.curves.values():
            self.grad_plot.removeItem(grad_curve)
            self.weight_plot.removeItem(weight_curve)
        self.series, self.curves = {}, {}
        weights = viewer.weights()
        layers = [node for node in viewer.order if "W" in weights.get(node, {})]
        for i, node in enumerate(layers):
            color = series_color(i)
            self.series[node] = GrowingBuffer(3, capacity=256)
            grad_curve = self.grad_plot.plot(pen=style.pen(color, 1.8))
            weight_curve = self.weight_plot.plot(pen=style.pen(color, 1.8))
            for curve in (grad_curve, weight_curve):
                curve.setClipToView(True)
                curve.setDownsampling(auto=True, method="peak")
            self.curves[node] = (grad_curve, weight_curve)
        self.key.setText(style.key_html([(series_color(i), "━━", node)
                                         for i, node in enumerate(layers)]))
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        self.layer_box.addItems(layers)
        self.layer_box.blockSignals(False)
        self._clock = EpochClock(batches_per_epoch(context))
        self._start_epoch = context.start_epoch  # a branch's curves begin at its checkpoint
        self._finished = False
        for steady in (self.grad_range, self.weight_range, self.weight_hist_range,
                       self.grad_hist_range):
            steady.reset()
        self._snapshot = None
        self._drawn_hist = None
        if layers:
            self.show_content()
        else:
            self.show_message("This network has no layers with weights.")
        super().start_run(context, viewer)

    def on_snapshot(self, event: Snapshot) -> None:
        x = self._start_epoch + self._clock.at_step(event.step)
        for node, buffer in self.series.items():
            if node in event.grad_norms:
                buffer.append(x, max(event.grad_norms[node], FLOOR),
                              max(event.weight_norms.get(node, FLOOR), FLOOR))
        self._snapshot = event
        self._snapshots += 1
        self._norms_pending = True
        self.mark_dirty()

    def on_finished(self, event: Finished) -> None:
        self._finished = True
        self._norms_pending = True  # fit the norm plots to the whole run
        self.mark_dirty()

    def select_layer(self, node: str) -> None:
        index = self.layer_box.findText(node)
        if index >= 0:
            self.layer_box.setCurrentIndex(index)

    def redraw(self) -> None:
        """The norm curves and the histograms are three plots: drawn on alternate ticks,
        so no single repaint of the window has to paint all of them."""
        norms_due, histograms_due = self._norms_pending, not self._histograms_drawn()
        if norms_due and (self._norms_turn or not histograms_due):
            self._redraw_norms()
            self._norms_turn = False
        elif histograms_due:
            self._redraw_histograms()
            self._norms_turn = True
        if self._norms_pending or not self._histograms_drawn():
            self.mark_dirty()  # the other half on a later tick

    def _histograms_drawn(self) -> bool:
        node = self.layer_box.currentText()
        return self._snapshot is None or not node or (self._snapshots, node) == self._drawn_hist

    def _redraw_norms(self) -> None:
        self._norms_pending = False
        for node, (grad_curve, weight_curve) in self.curves.items():
            buffer = self.series[node]
            x = buffer.column(X)
            grad_curve.setData(x, buffer.column(GRAD))
            weight_curve.setData(x, buffer.column(WEIGHT))
        buffers = list(self.series.values())
        x_bounds = finite_bounds(*(b.column(X) for b in buffers))
        if x_bounds is not None:
            x_bounds = (min(0.0, x_bounds[0]), x_bounds[1])
        self.grad_range.follow(x_bounds, finite_bounds(*(b.column(GRAD) for b in buffers),
                                                       log=True), final=self._finished)
        self.weight_range.follow(x_bounds, finite_bounds(*(b.column(WEIGHT) for b in buffers),
                                                         log=True), final=self._finished)

    def _redraw_histograms(self) -> None:
        if self._histograms_drawn():
            return
        node = self.layer_box.currentText()
        snapshot = self._snapshot
        self._drawn_hist = (self._snapshots, node)
        weights = snapshot.weights.get(node, {}).get("W")
        if weights is not None:
            edges, counts = histogram(weights)
            self.weight_hist.setData(edges, counts)
            self.weight_hist_range.follow(finite_bounds(edges), (0.0, float(counts.max())))
        grads = snapshot.grads.get(node, {}).get("W")
        self.grad_stack.setCurrentWidget(self.no_grads if grads is None
                                         else self.grad_hist_widget)
        if grads is not None:
            edges, counts = histogram(grads)
            self.grad_hist.setData(edges, counts)
            self.grad_hist_range.follow(finite_bounds(edges), (0.0, float(counts.max())))
        size = 0 if weights is None else weights.size
        self.hist_status.setText(f"{size:,} weights · step {snapshot.step}")
        self.hist_status.setToolTip(f"{node}: {size:,} weights, from the snapshot taken "
                                    f"after step {snapshot.step}")

    # -- data for tests ----------------------------------------------------------------------
    def norm_series(self, layer: str) -> dict[str, np.ndarray]:
        buffer = self.series[layer]
        return {"x": buffer.column(X).copy(), "grad_norm": buffer.column(GRAD).copy(),
                "weight_norm": buffer.column(WEIGHT).copy()}

    def layers(self) -> list[str]:
        return list(self.series)


def histogram(values: np.ndarray, bins: int = BINS) -> tuple[np.ndarray, np.ndarray]:
    """(bin edges, counts) of the finite values; a zero-width range gets a small span."""
    flat = np.asarray(values, dtype=np.float64).ravel()
    flat = flat[np.isfinite(flat)]
    if not flat.size:
        return np.array([0.0, 1.0]), np.array([0.0])
    low, high = float(flat.min()), float(flat.max())
    if high <= low:
        low, high = low - 0.5, high + 0.5
    counts, edges = np.histogram(flat, bins=bins, range=(low, high))
    return edges, counts.astype(np.float64)
