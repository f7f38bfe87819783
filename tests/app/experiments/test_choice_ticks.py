"""A narrow scatter of a choice (optimizer: adam, momentum, nesterov, sgd) shows tick labels
that fit side by side, yet tell the choices apart; a wide one shows them whole."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics

from nnstudio.app.experiments.choice_ticks import GAP_PX, ChoiceTicks, fitted_labels

CHOICES = ["adam", "momentum", "nesterov", "sgd"]


def test_labels_fit_their_room_and_stay_distinct(qtbot) -> None:  # noqa: ANN001, ARG001
    metrics = QFontMetrics(QFont())
    assert fitted_labels(CHOICES, 1200, metrics) == CHOICES
    for width in (60, 120, 200):
        shown = fitted_labels(CHOICES, width, metrics)
        assert len(set(shown)) == len(CHOICES)
        room = width / len(CHOICES) - GAP_PX
        for label, text in zip(CHOICES, shown, strict=True):
            assert metrics.horizontalAdvance(text) <= room or len(text.rstrip("…")) <= 2
            assert label.startswith(text.rstrip("…"))
    assert fitted_labels(["he_normal", "he_uniform"], 40, metrics) == ["he_n…", "he_u…"]


def test_a_plot_refits_its_labels_as_it_resizes(qtbot) -> None:  # noqa: ANN001
    widget = pg.GraphicsLayoutWidget()
    qtbot.addWidget(widget)
    plot = widget.addPlot()
    ticks = ChoiceTicks(plot)
    ticks.set_labels(CHOICES)
    widget.resize(900, 300)
    widget.show()
    qtbot.waitUntil(lambda: plot.getViewBox().width() > 600)
    assert ticks.shown() == CHOICES
    widget.resize(160, 300)
    qtbot.waitUntil(lambda: plot.getViewBox().width() < 200)
    narrow = ticks.shown()
    assert narrow != CHOICES and len(set(narrow)) == 4
    assert plot.getAxis("bottom")._tickLevels[0] == list(enumerate(narrow))
    ticks.clear()
    assert plot.getAxis("bottom")._tickLevels is None
