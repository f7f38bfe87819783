"""Predicted against true for a numeric target: each validation sample a dot, the diagonal
where a perfect model would put them all, and the error in the title, after every epoch."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from nnstudio.app.plots import style
from nnstudio.app.plots.base import LiveView
from nnstudio.engine.events import EpochEnd
from nnstudio.engine.metrics import regression_scores
from nnstudio.running.inspection_copy import InspectionCopy, RunContext

MAX_POINTS = 5000


class PredictedView(LiveView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = style.plot_widget()
        self.plot = self.plot_widget.getPlotItem()
        style.style_plot(self.plot, "Predicted against true (validation)", left="predicted",
                         bottom="true")
        self.diagonal = pg.PlotDataItem(pen=style.pen("#9ca3af", 1.2))
        self.points = pg.ScatterPlotItem(size=6, pen=None, brush=style.brush("#2563eb", 150))
        self.plot.addItem(self.diagonal)
        self.plot.addItem(self.points)
        self.set_content(self.plot_widget)
        self.show_message("Predicted against true is shown for a numeric target (regression).")
        self.epoch: int | None = None
        self.scores: tuple[float, float] | None = None

    def start_run(self, context: RunContext, viewer: InspectionCopy) -> None:
        self.epoch, self.scores = None, None
        self.points.clear()
        if context.dataset.task != "regression":
            self.show_message("Predicted against true is shown for a numeric target "
                              "(regression); this run predicts classes.")
        elif not len(context.x_val):
            self.show_message("This run keeps no validation samples (validation split 0), "
                              "so there is nothing to compare.")
        else:
            self.show_message("Predicted against true appears after the first epoch.")
        super().start_run(context, viewer)

    def on_epoch(self, event: EpochEnd) -> None:
        context = self.context
        if context is not None and context.dataset.task == "regression" and len(context.x_val):
            self.epoch = event.epoch
            self.mark_dirty()

    def redraw(self) -> None:
        if self.epoch is None or self.context is None or self.viewer is None:
            return
        self.show_content()
        x, y = self.context.x_val[:MAX_POINTS], self.context.y_val[:MAX_POINTS]
        in_units = self.context.dataset.in_target_units  # the data's own units
        true = np.asarray(in_units(y), dtype=np.float64).reshape(len(y), -1)[:, 0]
        predicted = np.asarray(in_units(self.viewer.predict(x)), dtype=np.float64)
        predicted = predicted.reshape(len(x), -1)[:, 0]
        self.points.setData(true, predicted)
        low = float(min(true.min(), predicted.min()))
        high = float(max(true.max(), predicted.max()))
        self.diagonal.setData([low, high], [low, high])
        self.scores = regression_scores(predicted, true)
        rmse, r2 = self.scores
        style.set_title(self.plot, f"RMSE {rmse:.3g} · R² {r2:.2f}")
