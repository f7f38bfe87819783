"""A narrow scatter of a choice (optimizer: adam, momentum, nesterov, sgd) shows tick labels
that fit side by side, yet tell the choices apart; a wide one shows them whole."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics

from nnstudio.app.experiments.choice_ticks import (
    GAP_PX,
    ChoiceTicks,
    fitted_labels,
    fitted_ticks,
)

CHOICES = ["adam", "momentum", "nesterov", "sgd"]


def test_labels_fit_their_room_and_stay_distinct(qtbot) -> None:  # noqa: ANN001, ARG001
    metrics = QFontMetrics(QFont())
    assert fitted_ticks(CHOICES, 1200, metrics) == list(enumerate(CHOICES))
    assert fitted_labels(["he_normal", "he_uniform"], 20, metrics) == ["he_n…", "he_u…"]
    for width in (40, 80, 120, 200, 300):
        ticks = fitted_ticks(CHOICES, width, metrics)
        positions = [position for position, _ in ticks]
        every = positions[1] - positions[0] if len(positions) > 1 else len(CHOICES)
        room = width / len(CHOICES) * every - GAP_PX
        assert len({text for _, text in ticks}) == len(ticks)
        for position, text in ticks:
            assert metrics.horizontalAdvance(text) <= room  # no two run together
            assert CHOICES[position].startswith(text.rstrip("…"))
    assert len(fitted_ticks(CHOICES, 80, metrics)) < len(CHOICES)  # fewer ticks, then


def test_a_plot_refits_its_labels_as_it_resizes(qtbot) -> None:  # noqa: ANN001
    widget = pg.GraphicsLayoutWidget()
    qtbot.addWidget(widget)
    plot = widget.addPlot()
    ticks = ChoiceTicks(plot)
    ticks.set_labels(CHOICES)
    widget.resize(900, 300)
    widget.show()
    qtbot.waitUntil(lambda: plot.getViewBox().width() > 600)
    assert ticks.shown() == list(enumerate(CHOICES))
    widget.resize(160, 300)
    qtbot.waitUntil(lambda: plot.getViewBox().width() < 200)
    narrow = ticks.shown()
    assert narrow != list(enumerate(CHOICES))
    assert plot.getAxis("bottom")._tickLevels[0] == narrow
    ticks.clear()
    assert plot.getAxis("bottom")._tickLevels is None
