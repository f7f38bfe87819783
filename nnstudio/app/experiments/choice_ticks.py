"""The tick labels of a plot whose x axis lists choices (optimizer: adam, momentum, sgd):
each label cut short, with an ellipsis, when the choices would not fit side by side at the
plot's width, yet kept long enough to tell them apart, and only every second (third...)
label where even that is too long; fitted again as the plot resizes. The axis's tooltip
names them all."""

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


def fitted_labels(labels: Sequence[str], room_px: float, metrics: QFontMetrics) -> list[str]:
    """``labels`` each in ``room_px``: whole where there is room, else elided, never shorter
    than the prefix that tells one from the others."""
    room = max(1, int(room_px))
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


def fitted_ticks(labels: Sequence[str], width_px: float,
                 metrics: QFontMetrics) -> list[tuple[int, str]]:
    """(position, text) of the ticks under ``labels`` at x = 0, 1, 2... on an axis from
    -0.5 to len - 0.5, ``width_px`` wide: every label, cut short if need be; where even the
    short forms would run together, every second (third...) label only, each with room on
    both sides (pyqtgraph drops a label that would stick out of its axis)."""
    count = len(labels)
    slot = width_px / max(1, count)
    for every in range(1, count + 1):
        room = slot * every - GAP_PX
        shown = fitted_labels(labels, room, metrics)
        ticks = [(i, shown[i]) for i in range(every // 2, count, every)
                 if _inside(i, metrics.horizontalAdvance(shown[i]), slot, count)]
        if ticks and all(metrics.horizontalAdvance(text) <= room for _, text in ticks):
            return ticks
    return []


def _inside(position: int, text_px: float, slot: float, count: int) -> bool:
    half = text_px / 2
    return (position + 0.5) * slot >= half and (count - position - 0.5) * slot >= half


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

    def shown(self) -> list[tuple[int, str]]:
        """The ticks as the axis shows them now: (position, text)."""
        return self.fitted(self.plot.getViewBox().width())

    def fitted(self, width_px: float) -> list[tuple[int, str]]:
        axis = self.plot.getAxis("bottom")
        font = axis.style.get("tickFont") or QFont(axis.font())
        return fitted_ticks(self.labels, width_px, QFontMetrics(font))

    def fit(self, *_: object) -> None:
        if not self.labels:
            return
        axis = self.plot.getAxis("bottom")
        axis.setTicks([self.shown()])
        axis.setToolTip("  ·  ".join(self.labels))
