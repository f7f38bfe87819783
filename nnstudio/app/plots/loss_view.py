"""Loss per batch (raw and smoothed) and per epoch, accuracy per epoch, learning rate; with
earlier runs kept as faint, labelled overlays to compare settings."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from nnstudio.app.plots import style
from nnstudio.app.plots.base import LiveView
from nnstudio.app.plots.common import EpochClock, batches_per_epoch, series_color, thin_out
from nnstudio.app.plots.run_list import CURRENT, RunList, RunRow
from nnstudio.app.plots.steady_range import SteadyRange, finite_bounds
from nnstudio.engine.events import BatchEnd, Diverged, EpochEnd, Finished
from nnstudio.engine.series import GrowingBuffer
from nnstudio.running.inspection_copy import InspectionCopy, RunContext
from nnstudio.running.loss_series import ACCURACY, COLUMNS, LOSS, LR, SMOOTHED, RunSeries, X
from nnstudio.running.run_comparison import differing_settings, setting_words
from nnstudio.spec.training import TrainingSpec

MAX_EARLIER_RUNS = 10
OVERLAY_POINTS = 4000  # points kept per curve of an earlier run
FAINT = 170  # an earlier run's curves: lighter than the current run's, still easy to follow
HOVER_PIXELS = 14  # how near the pointer must be to a run's curve to show its values
MARKER_SPACING = 9  # the fewest pixels per epoch that still get an epoch's marker
DASH = Qt.PenStyle.DashLine
LR_HEIGHT = (110, 120)  # the learning-rate plot's least and most height, when shown


@dataclass
class RunItems:
    """One run's curves on the three plots, and its numbers."""

    series: RunSeries
    curves: dict[str, pg.PlotDataItem] = field(default_factory=dict)
    shown: bool = True
    training: TrainingSpec | None = None  # None: a saved run whose settings are not known
    final: tuple[float, float] | None = None  # (loss, accuracy) once the run is over

    @property
    def dataset(self) -> str:
        return self.training.dataset if self.training is not None else "?"

    @property
    def name(self) -> str:
        """The short name: "run 2" of "run 2: adam lr 0.01, batch 16"."""
        return self.series.label.split(":")[0]

    def final_numbers(self) -> tuple[float, float]:
        """(loss, accuracy): the last epoch's validation numbers, the training ones where
        there were no validation samples, the smoothed loss before the first epoch ends."""
        if self.final is not None:
            return self.final
        series = self.series
        loss = _last_finite(series.epoch_array("val_loss"), series.epoch_array("train_loss"))
        if not np.isfinite(loss) and len(series.batches):
            loss = float(series.batches.last(SMOOTHED))
        return loss, _last_finite(series.epoch_array("val_accuracy"),
                                  series.epoch_array("train_accuracy"))


def _last_finite(*arrays: np.ndarray) -> float:
    for values in arrays:
        finite = values[np.isfinite(values)]
        if len(finite):
            return float(finite[-1])
    return float("nan")


def _long_curve(item: pg.PlotDataItem) -> pg.PlotDataItem:
    item.setClipToView(True)
    item.setDownsampling(auto=True, method="peak")
    return item


class LossView(LiveView):
    # Three plots cost ~15 ms to paint on a slow CPU, time the GIL takes from training:
    # five frames a second keep the curves live and the training at full speed.
    min_interval_ms = 200

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plots = style.layout_widget()
        # (LogAxis labels decades only when "Log scale" is on; linear ticks as usual.)
        self.loss_plot = self.plots.addPlot(row=0, col=0,
                                            axisItems={"left": style.LogAxis("left")})
        self.accuracy_plot = self.plots.addPlot(row=1, col=0)
        self.lr_plot = style.log_plot(self.plots.ci, row=2, col=0)
        style.style_plot(self.loss_plot, left="loss")
        style.style_plot(self.accuracy_plot, left="accuracy %")
        style.style_plot(self.lr_plot, left="lr (log)", bottom="epoch")
        for plot in (self.accuracy_plot, self.lr_plot):
            plot.setXLink(self.loss_plot)
        for plot in (self.loss_plot, self.accuracy_plot, self.lr_plot):
            plot.getAxis("left").setWidth(58)
        layout = self.plots.ci.layout
        for row, stretch in enumerate((5, 3, 2)):
            layout.setRowStretchFactor(row, stretch)
        self.loss_plot.setMinimumHeight(120)
        self.accuracy_plot.setMinimumHeight(90)
        self.accuracy_plot.setMaximumHeight(150)
        self.lr_plot.setMinimumHeight(LR_HEIGHT[0])
        self.lr_plot.setMaximumHeight(LR_HEIGHT[1])
        self.accuracy_plot.setYRange(0, 100, padding=0.02)
        self.hover_label = pg.TextItem(anchor=(0, 1), color=style.TEXT,
                                       fill=pg.mkBrush(255, 255, 255, 230),
                                       border=pg.mkPen("#c5ccd6"))
        self.hover_label.setZValue(100)
        self.hover_label.setVisible(False)
        self.loss_plot.addItem(self.hover_label, ignoreBounds=True)
        self.plots.scene().sigMouseMoved.connect(self._hover)
        self.ranges = {name: SteadyRange(plot) for name, plot in (
            ("loss", self.loss_plot), ("accuracy", self.accuracy_plot), ("lr", self.lr_plot))}

        self.status = style.heading("No run yet")
        self.key = style.key_label()
        self.log_scale = QCheckBox("Log scale")
        self.log_scale.setToolTip("Show the loss on a logarithmic axis")
        self.log_scale.toggled.connect(self._set_log_scale)
        # The table of compared runs: the dashboard frames it beside the plots.
        self.run_list = RunList()
        self.run_list.visibility_changed.connect(self.set_run_visible)
        self.run_list.remove_requested.connect(self.remove_run)
        self.run_list.clear_requested.connect(self.clear_earlier_runs)

        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.log_scale)
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(2, 2, 2, 2)
        outer.addLayout(top)
        outer.addWidget(self.key)
        outer.addWidget(self.plots, 1)
        self.set_content(page)

        self.current: RunItems | None = None
        self.earlier: dict[int, RunItems] = {}
        self._runs_started = 0
        self._clock = EpochClock()
        self._start_epoch = 0.0
        self._diverged_line: pg.InfiniteLine | None = None
        self._finished: Finished | None = None
        self._complete = False  # the current run's curves will not grow (a saved run)

    def _set_log_scale(self, on: bool) -> None:
        self.loss_plot.setLogMode(y=on)
        self.ranges["loss"].reset()
        self.mark_dirty()

    # -- runs ---------------------------------------------------------------------------
    def start_run(self, context: RunContext, viewer: InspectionCopy) -> None:
        if self.current is not None:
            self._retire_current()
        color = series_color(self._runs_started)
        self._runs_started += 1
        self.current = RunItems(RunSeries(context.label, color), training=context.training)
        self._add_current_curves(self.current, context.held_out)
        for key, run in self.earlier.items():  # compare runs on the same data by default
            self.set_run_visible(key, run.dataset == context.training.dataset)
        self._clock = EpochClock(batches_per_epoch(context))
        self._start_epoch = context.start_epoch  # a branch's curves begin at its checkpoint
        self._finished = None
        self._complete = False
        if self._diverged_line is not None:
            self.loss_plot.removeItem(self._diverged_line)
            self._diverged_line = None
        self.accuracy_plot.setVisible(context.dataset.task == "classification")
        self._show_learning_rate(context.training.schedule != "constant")
        for steady in self.ranges.values():
            steady.reset()
        self._update_run_list()
        super().start_run(context, viewer)

    def show_history(self, label: str, history: dict,
                     training: TrainingSpec | None = None) -> None:
        """A run saved with the document (``label``: "Saved in l5.nnstudio", ``training``:
        the settings saved with it, its dataset among them): its curves become the current
        run's, complete (no events follow)."""
        if self.current is not None:
            self._retire_current()
        color = series_color(self._runs_started)
        self._runs_started += 1
        self.current = RunItems(RunSeries(label, color), training=training)
        self.current.series.add_history(history)
        self._add_current_curves(self.current)
        self._finished = None
        self._complete = True
        accuracy = self.current.series.epoch_array("train_accuracy")
        self.accuracy_plot.setVisible(bool(np.isfinite(accuracy).any()))
        rates = self.current.series.epoch_array("lr")
        self._show_learning_rate(len(set(rates[np.isfinite(rates)].tolist())) > 1)
        for steady in self.ranges.values():
            steady.reset()
        self._update_run_list()
        self.mark_dirty()

    def _show_learning_rate(self, shown: bool) -> None:
        """The learning-rate plot only for a rate that changes (a schedule): a constant
        one is in the run's name, and its room goes to the loss."""
        self.lr_plot.setVisible(shown)
        self.lr_plot.setMinimumHeight(LR_HEIGHT[0] if shown else 0)
        self.lr_plot.setMaximumHeight(LR_HEIGHT[1] if shown else 0)
        self.plots.ci.layout.setRowStretchFactor(2, 2 if shown else 0)
        label = "" if shown else "epoch"
        self.accuracy_plot.setLabel("bottom", label, color=style.TEXT, **{"font-size": "9pt"})
        self.accuracy_plot.showLabel("bottom", bool(label))

    def _add_current_curves(self, run: RunItems, held_out: str = "validation") -> None:
        color = run.series.color
        curves = run.curves
        circles = {"symbol": "o", "symbolSize": 7, "symbolPen": style.pen(color, 1.5),
                   "symbolBrush": style.brush("#ffffff")}
        squares = {"symbol": "s", "symbolSize": 7, "symbolPen": style.pen(color, 1),
                   "symbolBrush": style.brush(color)}
        curves["raw"] = _long_curve(self.loss_plot.plot(pen=style.pen(color, 1, alpha=60)))
        # The newest batch, as a dot: a Step shows where its batch landed.
        curves["latest"] = self.loss_plot.plot(
            pen=None, symbol="o", symbolSize=8, symbolPen=style.pen("#111827", 1.2),
            symbolBrush=style.brush(color))
        curves["batch_accuracy"] = _long_curve(self.accuracy_plot.plot(
            pen=style.pen(color, 1.3, alpha=150), connect="finite"))
        curves["smoothed"] = _long_curve(self.loss_plot.plot(pen=style.pen(color, 2.2)))
        # Per-epoch curves are long too: a toy set's run has thousands of one-batch epochs.
        curves["train_loss"] = _long_curve(self.loss_plot.plot(pen=style.pen(color, 1),
                                                               **circles))
        curves["val_loss"] = _long_curve(self.loss_plot.plot(
            pen=style.pen(color, 1.8, style=DASH), **squares))
        curves["train_accuracy"] = _long_curve(self.accuracy_plot.plot(
            pen=style.pen(color, 1), **circles))
        curves["val_accuracy"] = _long_curve(self.accuracy_plot.plot(
            pen=style.pen(color, 1.8, style=DASH), **squares))
        curves["lr"] = _long_curve(self.lr_plot.plot(pen=style.pen(color, 1.6)))
        self.key.setText(style.key_html([
            (color, "━━", "smoothed loss"),
            (style.mix_with_white(color, 0.35), "──", "loss per batch"),
            (color, "─○─", "train (per epoch)"),
            (color, "╌■╌", f"{held_out} (per epoch)"),
            (color, "●", "newest batch"),
        ]))

    def _retire_current(self) -> None:
        """The current run becomes a faint overlay (or vanishes if it drew nothing)."""
        self.redraw()  # bring its curves up to date first
        run, self.current = self.current, None
        assert run is not None
        for name in ("raw", "latest", "batch_accuracy", "train_loss", "train_accuracy"):
            self._remove_curve(run, name)
        if not run.series.has_data:
            self._remove_run_items(run)
            return
        run.final = run.final_numbers()
        color = run.series.color
        run.curves["smoothed"].setPen(style.pen(color, 1.6, alpha=FAINT))
        faint = style.mix_with_white(color, 0.45)
        for name in ("val_loss", "val_accuracy"):
            run.curves[name].setPen(style.pen(color, 1.2, alpha=FAINT, style=DASH))
            run.curves[name].setSymbolSize(5)
            run.curves[name].setSymbolPen(style.pen(faint, 1))
            run.curves[name].setSymbolBrush(style.brush(faint))
        run.curves["lr"].setPen(style.pen(color, 1.2, alpha=FAINT))
        for name in ("val_loss", "val_accuracy"):
            item = run.curves[name]
            self._set_epoch_curve(item, *(np.asarray(d) if d is not None else np.zeros(0)
                                          for d in (item.xData, item.yData)))
        # The overlay keeps a thinned copy of its curves; the run's buffer is let go.
        buffer = run.series.batches
        x = thin_out(buffer.column(X), OVERLAY_POINTS)
        run.curves["smoothed"].setData(x, thin_out(buffer.column(SMOOTHED), OVERLAY_POINTS))
        run.curves["lr"].setData(x, thin_out(buffer.column(LR), OVERLAY_POINTS))
        run.series.batches = GrowingBuffer(COLUMNS, capacity=4)
        key = self._runs_started
        self.earlier[key] = run
        while len(self.earlier) > MAX_EARLIER_RUNS:
            self.remove_run(next(iter(self.earlier)))

    def _remove_curve(self, run: RunItems, name: str) -> None:
        item = run.curves.pop(name, None)
        if item is None:
            return
        for plot in (self.loss_plot, self.accuracy_plot, self.lr_plot):
            if item in plot.listDataItems():
                plot.removeItem(item)

    def _remove_run_items(self, run: RunItems) -> None:
        for name in list(run.curves):
            self._remove_curve(run, name)

    def remove_run(self, key: int) -> None:
        run = self.earlier.pop(key, None)
        if run is not None:
            self._remove_run_items(run)
        self._update_run_list()

    def clear_earlier_runs(self) -> None:
        for key in list(self.earlier):
            self.remove_run(key)

    def set_run_visible(self, key: int, shown: bool) -> None:
        run = self.earlier.get(key)
        if run is None:
            return
        run.shown = shown
        for item in run.curves.values():
            item.setVisible(shown)
        self._update_run_list()

    def _update_run_list(self) -> None:
        """The table of runs: the current one first, then the earlier ones, newest first;
        each with the settings in which the runs differ."""
        runs = ([(CURRENT, self.current)] if self.current is not None else []) + \
            list(reversed(self.earlier.items()))
        if len(runs) < 2:
            self.run_list.set_rows([])
            return
        names = differing_settings([run.training for _, run in runs])
        rows = []
        for key, run in runs:
            loss, accuracy = run.final_numbers()
            rows.append(RunRow(key, run.name, run.series.label, run.series.color, run.dataset,
                               loss, accuracy,
                               (setting_words(run.training, names) or "same settings")
                               if run.training else "",
                               run.shown))
        self.run_list.set_rows(rows)

    # -- hover ---------------------------------------------------------------------------
    def point_near(self, scene_pos: pg.QtCore.QPointF) -> str | None:
        """The words for the run's smoothed loss curve nearest ``scene_pos`` (within
        ``HOVER_PIXELS``): "run 2 · spirals / epoch 3.5 · loss 0.412"; None if none is."""
        box = self.loss_plot.getViewBox()
        if not box.sceneBoundingRect().contains(scene_pos):
            return None
        at = box.mapSceneToView(scene_pos)
        log = self.log_scale.isChecked()
        runs = ([self.current] if self.current is not None else []) + \
            [run for run in self.earlier.values() if run.shown]
        best: tuple[float, str] | None = None
        for run in runs:
            item = run.curves.get("smoothed")
            if item is None or item.xData is None or len(item.xData) < 2:
                continue
            x, y = np.asarray(item.xData), np.asarray(item.yData)
            if not x[0] <= at.x() <= x[-1]:
                continue
            value = float(np.interp(at.x(), x, y))
            if not np.isfinite(value) or (log and value <= 0):
                continue
            shown_y = np.log10(value) if log else value
            distance = abs(box.mapViewToScene(pg.QtCore.QPointF(at.x(), shown_y)).y()
                           - scene_pos.y())
            if distance <= HOVER_PIXELS and (best is None or distance < best[0]):
                best = (distance, f"{run.name} · {run.dataset}\nepoch {at.x():.2f} · "
                                  f"loss {value:.4g}")
        return best[1] if best else None

    def _hover(self, scene_pos: pg.QtCore.QPointF) -> None:
        text = self.point_near(scene_pos)
        self.hover_label.setVisible(text is not None)
        if text is not None:
            self.hover_label.setText(text)
            self.hover_label.setPos(self.loss_plot.getViewBox().mapSceneToView(scene_pos))

    def overlay_labels(self) -> list[str]:
        return [run.series.label for run in self.earlier.values()]

    # -- events -------------------------------------------------------------------------
    def on_batch(self, event: BatchEnd) -> None:
        if self.current is None:
            return
        x = self._start_epoch + self._clock.at_batch(event.epoch, event.batch)
        self.current.series.add_batch(x, event.loss, event.lr, event.accuracy)
        self.mark_dirty()

    def on_epoch(self, event: EpochEnd) -> None:
        if self.current is None:
            return
        self.current.series.add_epoch(event, self._start_epoch)
        self.mark_dirty()

    def on_finished(self, event: Finished) -> None:
        self._finished = event
        self.mark_dirty()

    def on_diverged(self, event: Diverged) -> None:
        x = self._start_epoch + self._clock.at_batch(event.epoch, event.batch)
        if self._diverged_line is None:
            self._diverged_line = pg.InfiniteLine(
                pos=x, angle=90, pen=style.pen("#d62728", 1.5, style=DASH),
                label="diverged", labelOpts={"color": "#d62728", "position": 0.9})
            self.loss_plot.addItem(self._diverged_line)
        self._diverged_line.setValue(x)
        self.mark_dirty()

    # -- drawing -------------------------------------------------------------------------
    def redraw(self) -> None:
        run = self.current
        if run is None:
            return
        buffer, curves = run.series.batches, run.curves
        x = buffer.column(X)
        loss = buffer.column(LOSS)
        curves["raw"].setData(x, loss)
        over = self._finished is not None or self._complete  # no batch is "newest" then
        curves["latest"].setData(x[-1:] if not over else [], loss[-1:] if not over else [])
        accuracy = buffer.column(ACCURACY)
        curves["batch_accuracy"].setData(x, 100 * accuracy)
        curves["smoothed"].setData(x, buffer.column(SMOOTHED))
        curves["lr"].setData(x, buffer.column(LR))
        epochs = run.series.epoch_array("epoch")
        for name in ("train_loss", "val_loss"):
            self._set_epoch_curve(curves[name], epochs, run.series.epoch_array(name))
        for name in ("train_accuracy", "val_accuracy"):
            self._set_epoch_curve(curves[name], epochs, 100 * run.series.epoch_array(name))
        self._follow_ranges(run, x)
        self.status.setText(self._status_text(run.series))
        if self.earlier:
            self._update_run_list()

    def _follow_ranges(self, run: RunItems, x: np.ndarray) -> None:
        """Hold the ranges still while the curves stay inside: a range that moves makes
        every axis rebuild its labels, the dearest part of a repaint."""
        x_bounds = finite_bounds(x, run.series.epoch_array("epoch"))
        if x_bounds is not None:
            x_bounds = (min(0.0, x_bounds[0]), x_bounds[1])
        buffer, log = run.series.batches, self.log_scale.isChecked()
        final = self._finished is not None or self._complete
        self.ranges["loss"].follow(x_bounds, finite_bounds(
            buffer.column(LOSS), run.series.epoch_array("train_loss"),
            run.series.epoch_array("val_loss"), log=log), final=final)
        self.ranges["accuracy"].follow(x_bounds, final=final)
        self.ranges["lr"].follow(x_bounds, finite_bounds(buffer.column(LR), log=True),
                                 final=final)

    def _set_epoch_curve(self, item: pg.PlotDataItem, x: np.ndarray, y: np.ndarray) -> None:
        """Per-epoch points with their markers while there is room for them (at least
        ``MARKER_SPACING`` pixels each); a long run's epochs are a plain line instead of a
        band of overlapping markers."""
        keep = np.isfinite(y)
        item.setData(x[keep], y[keep])
        symbol = item.opts.get("symbol") or getattr(item, "epoch_symbol", None)
        item.epoch_symbol = symbol  # type: ignore[attr-defined]
        room = self.loss_plot.getViewBox().width()
        wanted = symbol if int(keep.sum()) * MARKER_SPACING <= max(room, 200) else None
        if item.opts.get("symbol") != wanted:
            item.setSymbol(wanted)

    def _status_text(self, series: RunSeries) -> str:
        parts = [series.label]
        if len(series.batches):
            parts.append(f"loss {series.batches.last(SMOOTHED):.4g} (smoothed)")
        if series.epoch_count:
            parts.append(f"epoch {int(series.last_epoch('epoch'))}")
            val_acc = series.last_epoch("val_accuracy")
            if np.isfinite(val_acc):
                held_out = self.context.held_out if self.context else "validation"
                parts.append(f"{held_out} accuracy {100 * val_acc:.1f}%")
        if self._finished is not None:
            parts.append(f"finished ({self._finished.reason.replace('_', ' ')})")
            if self._finished.test_accuracy is not None:
                parts.append(f"test accuracy {100 * self._finished.test_accuracy:.1f}%")
        return "  ·  ".join(parts)

    # -- data for tests and tools ----------------------------------------------------------
    def batch_losses(self) -> np.ndarray:
        return self._batch_column(LOSS)

    def smoothed_losses(self) -> np.ndarray:
        return self._batch_column(SMOOTHED)

    def batch_epochs(self) -> np.ndarray:
        """The fractional epoch of each stored batch point (the x axis)."""
        return self._batch_column(X)

    def learning_rates(self) -> np.ndarray:
        return self._batch_column(LR)

    def _batch_column(self, index: int) -> np.ndarray:
        if self.current is None:
            return np.zeros(0)
        return self.current.series.batches.column(index).copy()

    def epoch_series(self, name: str) -> np.ndarray:
        """Per-epoch values of the current run: epoch, train_loss, val_loss,
        train_accuracy, val_accuracy or lr (NaN where a value is missing)."""
        if self.current is None:
            return np.zeros(0)
        return self.current.series.epoch_array(name)

    def plotted(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """What the current run's curve ``name`` shows now (x, y)."""
        assert self.current is not None
        item = self.current.curves[name]
        if item.xData is None:
            return np.zeros(0), np.zeros(0)
        return np.asarray(item.xData), np.asarray(item.yData)
