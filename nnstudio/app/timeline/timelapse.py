"""How each class's probability for one input changed over the checkpoints: the time-lapse
of the network learning that input, drawn as one line per class."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from nnstudio.app.inspect.prediction import MAX_CLASSES, class_probabilities
from nnstudio.app.plots import style
from nnstudio.app.plots.common import class_rgb
from nnstudio.engine.events import Checkpoint
from nnstudio.running.inspection_copy import InspectionCopy


def probabilities_over_time(scratch: InspectionCopy, checkpoints: list[Checkpoint],
                            x: np.ndarray) -> np.ndarray:
    """(checkpoints, classes): the class probabilities of ``x`` at every checkpoint, asked
    of ``scratch`` (whose weights this replaces). A single output (a sigmoid unit) is read
    as the probability of class 1, beside 1 - it for class 0."""
    rows = []
    for checkpoint in checkpoints:
        scratch.load_weights(checkpoint.weights)
        output = np.asarray(scratch.predict(x), dtype=np.float64).reshape(-1)
        if len(output) == 1:
            p = float(np.clip(output[0], 0.0, 1.0))
            rows.append(np.array([1.0 - p, p]))
        else:
            rows.append(class_probabilities(scratch, x))
    return np.array(rows)


def legend_html(classes: list[str], top: int | None) -> str:
    """The classes in their curves' colours, the top one (at the last checkpoint) bold: a
    legend beside the plot, which never hides a curve."""
    parts = []
    for index, name in enumerate(classes[:MAX_CLASSES]):
        color = "#%02x%02x%02x" % class_rgb(index)  # noqa: UP031 - three bytes as hex
        text = f"<b>{name}</b>" if index == top else name
        parts.append(f'<span style="color:{color}">&#9632;</span>&nbsp;{text}')
    return "&nbsp;&nbsp; ".join(parts)


MAX_TICKS = 14  # epoch labels under the plot; more checkpoints label every k-th


class TimelapsePlot(pg.PlotWidget):
    """One line per class over the checkpoints, evenly spaced (most of them fall in the
    first epoch) and labelled with their epoch; a dashed line marks the checkpoint shown."""

    def __init__(self) -> None:
        super().__init__(background=style.BACKGROUND)
        self.setAntialiasing(True)
        self.plot_item = self.getPlotItem()
        style.style_plot(self.plot_item, "", "P(class)", "epoch (at each checkpoint)",
                         grid=True)
        self.plot_item.setYRange(0.0, 1.0, padding=0.02)
        self.plot_item.setMouseEnabled(x=False, y=False)
        self.marker = pg.InfiniteLine(angle=90, pen=style.pen(style.MUTED, 1.0,
                                                              style=pg.QtCore.Qt.PenStyle.DashLine))
        self.plot_item.addItem(self.marker)
        self.curves: list[pg.PlotDataItem] = []
        self.probabilities = np.zeros((0, 0))
        self.epochs = np.zeros(0)

    def show_probabilities(self, epochs: np.ndarray, probabilities: np.ndarray) -> None:
        """``probabilities`` (checkpoints, classes) against ``epochs``; empty clears."""
        for curve in self.curves:
            self.plot_item.removeItem(curve)
        self.curves = []
        self.probabilities, self.epochs = probabilities, np.asarray(epochs, dtype=float)
        steps = np.arange(len(self.epochs))
        every = max(1, -(-len(steps) // MAX_TICKS))
        self.plot_item.getAxis("bottom").setTicks([[(i, f"{round(e, 2):g}")
                                                    for i, e in enumerate(self.epochs)
                                                    if i % every == 0]])
        shown = bool(probabilities.size) and probabilities.shape[1] <= MAX_CLASSES
        self.setVisible(shown)
        if not shown:
            return
        top = int(np.argmax(probabilities[-1]))
        for index in range(probabilities.shape[1]):
            width = 2.6 if index == top else 1.3
            curve = self.plot_item.plot(steps, probabilities[:, index],
                                        pen=pg.mkPen(class_rgb(index), width=width),
                                        symbol="o", symbolSize=4,
                                        symbolBrush=pg.mkBrush(*class_rgb(index)),
                                        symbolPen=None)
            self.curves.append(curve)
        self.plot_item.setXRange(0, max(len(steps) - 1, 1), padding=0.03)

    def mark(self, index: int) -> None:
        """Mark checkpoint ``index``."""
        self.marker.setValue(index)
