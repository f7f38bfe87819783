"""The training dashboard at 1024x700, 1400x900 and 1920x1080 after a real run: every view
keeps a readable size (rows reflow and scroll instead of squeezing), no plot title is
cut, the loss header does not wrap word by word, and the toolbar shows Stop and Step."""

from __future__ import annotations

import os
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtWidgets import QApplication, QLabel, QToolButton

from nnstudio.app.training.dashboard_layout import pack_rows
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec

SIZES = ((1024, 700), (1400, 900), (1920, 1080))
MIN_PLOT = (110, 60)  # the smallest data area a plot may have (its view box), in pixels


def plots_of(widget) -> list[pg.PlotItem]:  # noqa: ANN001
    plots = []
    for view in widget.findChildren(pg.GraphicsView):
        if view.isVisibleTo(widget):
            plots += [item for item in view.scene().items()
                      if isinstance(item, pg.PlotItem) and item.isVisible()
                      and not isinstance(item, pg.ColorBarItem)]  # a scale, not a plot
    return plots


def title_is_cut(plot: pg.PlotItem) -> bool:
    label = plot.titleLabel
    if not label.isVisible() or not label.text:
        return False
    return label.item.boundingRect().width() > label.size().width() + 1


def test_rows_pack_as_many_views_as_fit() -> None:
    views = [("a", 400), ("b", 300), ("c", 300), ("d", 500)]
    assert pack_rows(views, 1020, spacing=10) == [["a", "b", "c"], ["d"]]
    assert pack_rows(views, 500, spacing=10) == [["a"], ["b"], ["c"], ["d"]]
    assert pack_rows(views, 100, spacing=10) == [["a"], ["b"], ["c"], ["d"]]  # one per row


def test_every_view_is_readable_at_every_window_size(window, tmp_path) -> None:  # noqa: ANN001
    spec = NetworkSpec.sequential([("Dense", {"units": 8}), ("Tanh", {}),
                                   ("Dense", {"units": 1}), ("Sigmoid", {})], input_shape=[2])
    window.document.replace(spec, TrainingSpec(dataset="spirals", loss="binary_cross_entropy",
                                               optimizer="adam", lr=0.02, epochs=5))
    window.training.train_for_screenshot(5)  # real runs, in their own process
    window.training.train_for_screenshot(5)  # (a second: the compared runs' table shows)
    for size in SIZES:
        window.resize(*size)
        for _ in range(4):
            QApplication.processEvents()
        window.training.dashboard.refresh()
        QApplication.processEvents()
        check_readable(window, size, tmp_path)


def check_readable(window, size: tuple[int, int], tmp_path) -> None:  # noqa: ANN001
    area = window.training.dashboard_widget
    shown = {name: frame for name, frame in area.frames.items() if not frame.isHidden()}
    assert {"Loss", "Runs", "Decision boundary"} <= set(shown)
    for name, frame in shown.items():
        assert frame.width() >= frame.minimumWidth(), name
        assert frame.height() >= frame.minimumHeight(), name
        plots = plots_of(frame)
        assert plots or name in ("Activations", "Misclassified", "Runs"), f"{name}: no plot"
        for plot in plots:
            box = plot.getViewBox().size()
            assert box.width() >= MIN_PLOT[0] and box.height() >= MIN_PLOT[1], (
                f"{name}: a plot of {box.width():.0f}x{box.height():.0f} px at {size}")
            assert not title_is_cut(plot), f"{name}: title {plot.titleLabel.text!r} is cut"
    status = window.training.dashboard.loss_view.status
    assert status.width() >= 300 and status.height() < 4 * status.fontMetrics().height()
    assert all(label.width() >= 150 for label in area.findChildren(QLabel)
               if label.isVisible() and label.wordWrap() and label.text())
    histogram = window.training.dashboard.gradients_view.hist_status  # "400 weights · step 9"
    assert histogram.text() and \
        histogram.fontMetrics().horizontalAdvance(histogram.text()) <= histogram.width()
    toolbar = window.toolbar
    for action in (window.actions.train_stop, window.actions.train_step):
        button = toolbar.widgetForAction(action)
        assert isinstance(button, QToolButton) and button.isVisible(), action.text()
        assert toolbar.rect().contains(button.geometry()), action.text()
    folder = Path(os.environ.get("NNSTUDIO_SHOTS_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(folder / f"dashboard-{size[0]}x{size[1]}.png"))
