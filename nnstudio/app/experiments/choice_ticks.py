"""The tick labels of a plot whose x axis lists choices (optimizer: adam, momentum, sgd):
each label cut short, with an ellipsis, when the choices would not fit side by side at the
plot's width, yet kept long enough to tell them apart; fitted again as the plot resizes."""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics

GAP_PX = 10  # between two neighbouring labels


def distinct_prefix(label: str, labels: Sequence[str]) -> int:
    """How many leading characters tell ``label`` apart from every other label."""
    longest = max((_shared(label, other) for other in labels if other != label), default=0)
    return min(len(label), longest + 1)


def _shared(first: str, second: str) -> int:
    count = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        count += 1
    return count


def fitted_labels(labels: Sequence[str], width_px: float, metrics: QFontMetrics) -> list[str]:
    """``labels`` as they fit side by side in ``width_px``: whole where there is room, else
    elided, never shorter than the prefix that tells one from the others."""
    room = max(1, int(width_px / max(1, len(labels))) - GAP_PX)
    fitted = []
    for label in labels:
        if metrics.horizontalAdvance(label) <= room:
            fitted.append(label)
            continue
        shown = metrics.elidedText(label, Qt.TextElideMode.ElideRight, room)
        keep = distinct_prefix(label, labels)
        if len(shown.rstrip("…")) < keep:
            shown = label[:keep] + ("…" if keep < len(label) else "")
        fitted.append(shown)
    return fitted


class ChoiceTicks:
    """Puts ``labels`` at x = 0, 1, 2... under ``plot``, fitted to its width."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.labels: list[str] = []
        plot.getViewBox().sigResized.connect(self.fit)

    def set_labels(self, labels: Sequence[str]) -> None:
        self.labels = [str(label) for label in labels]
        self.fit()

    def clear(self) -> None:
        """A numeric axis again: pyqtgraph's own ticks."""
        self.labels = []
        self.plot.getAxis("bottom").setTicks(None)

    def shown(self) -> list[str]:
        """The labels as the axis shows them now."""
        return self.fitted(self.plot.getViewBox().width())

    def fitted(self, width_px: float) -> list[str]:
        axis = self.plot.getAxis("bottom")
        font = axis.style.get("tickFont") or QFont(axis.font())
        return fitted_labels(self.labels, width_px, QFontMetrics(font))

    def fit(self, *_: object) -> None:
        if not self.labels:
            return
        axis = self.plot.getAxis("bottom")
        axis.setTicks([list(enumerate(self.shown()))])
        axis.setToolTip("  ·  ".join(self.labels))
