"""The dashboard: its views, its one timer, and the slots the training controller calls."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from nnstudio.engine.events import BatchEnd

from .conftest import feed


def test_views_are_named_widgets(dashboard) -> None:
    views = dashboard.views()
    assert list(views) == ["Loss", "Activations", "Filters", "Gradients", "Misclassified",
                           "Confusion", "Decision boundary", "Predicted vs true"]
    assert all(isinstance(w, QWidget) for w in views.values())


def test_timer_redraws_what_changed_then_idles(qtbot, dashboard, cnn_run) -> None:
    assert isinstance(dashboard.timer, QTimer)
    assert 30 <= dashboard.timer.interval() <= 60  # about 20 Hz
    loss = dashboard.loss_view
    loss.show()
    qtbot.waitExposed(loss)
    viewer = cnn_run.viewer()
    dashboard.start_run(cnn_run.context(), viewer)
    batches = cnn_run.of_type(BatchEnd)
    for event in batches[:10]:
        dashboard.on_batch(event)
    assert dashboard.timer.isActive()  # batches only mark views dirty...
    assert len(loss.plotted("raw")[0]) == 0  # ...and nothing is drawn per batch
    qtbot.waitUntil(lambda: not loss.dirty, timeout=2000)
    assert len(loss.plotted("raw")[0]) == 10  # one redraw drew all ten
    qtbot.waitUntil(lambda: not dashboard.timer.isActive() or not any(
        v.dirty and v.isVisible() for v in dashboard.views().values()), timeout=2000)
    feed(dashboard, cnn_run.events, viewer)
    dashboard.stop()
    assert not dashboard.timer.isActive()
    dashboard.on_batch(batches[0])
    assert not dashboard.timer.isActive()  # stopped stays stopped until the next run
