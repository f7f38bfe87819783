"""The loss view on a real run: curves fall, epochs line up, earlier runs stay as overlays."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnstudio.engine.events import BatchEnd, EpochEnd

from .conftest import run_through


def test_loss_curves_show_the_run_and_fall(dashboard, cnn_run) -> None:
    run_through(dashboard, cnn_run)
    view = dashboard.loss_view
    batches = cnn_run.of_type(BatchEnd)
    np.testing.assert_allclose(view.batch_losses(), [e.loss for e in batches], rtol=1e-6)
    smoothed = view.smoothed_losses()
    assert smoothed[-5:].mean() < 0.6 * smoothed[:5].mean()  # it learns
    x, y = view.plotted("smoothed")
    np.testing.assert_allclose(y, smoothed)
    assert x[-1] == 2.0  # the x axis counts epochs: the last batch ends epoch 2
    epochs = cnn_run.of_type(EpochEnd)
    np.testing.assert_allclose(view.epoch_series("val_accuracy"),
                               [e.val_accuracy for e in epochs])
    x, y = view.plotted("val_accuracy")
    np.testing.assert_allclose(x, [1, 2])
    np.testing.assert_allclose(y, [100 * e.val_accuracy for e in epochs])
    assert view.learning_rates()[-1] == cnn_run.training.lr
    assert "run 1" in view.status.text()


def test_second_run_keeps_the_first_as_overlay_and_clear_removes_it(
        qtbot, dashboard, cnn_run) -> None:
    view = dashboard.loss_view
    run_through(dashboard, cnn_run, 1, "run 1 - adam")
    first = view.current
    run_through(dashboard, cnn_run, 2, "run 2 - adam again")
    assert view.overlay_labels() == ["run 1 - adam"]
    assert first.curves["smoothed"] in view.loss_plot.listDataItems()
    assert first.curves["val_accuracy"] in view.accuracy_plot.listDataItems()
    assert "raw" not in first.curves  # the overlay keeps the smoothed curve, not the noise
    assert first.series.batches.capacity <= 5  # and lets its buffer go
    assert len(first.curves["smoothed"].xData) == len(cnn_run.of_type(BatchEnd))
    assert view.run_list.labels() == ["run 1 - adam"]
    assert view.run_list.count() == 1

    item = view.run_list.item_of(1)
    item.setCheckState(0, Qt.CheckState.Unchecked)  # hide it
    assert not first.curves["smoothed"].isVisible()
    view.run_list.item_of(1).setCheckState(0, Qt.CheckState.Checked)
    assert first.curves["smoothed"].isVisible()

    qtbot.mouseClick(view.run_list.clear_button, Qt.MouseButton.LeftButton)
    assert view.overlay_labels() == []
    assert first.curves == {}
    assert view.run_list.labels() == []
    current = view.current.curves["smoothed"]
    assert view.loss_plot.listDataItems().count(current) == 1  # the current run stays


def test_one_earlier_run_can_be_removed_from_the_list(qtbot, dashboard, cnn_run) -> None:
    view = dashboard.loss_view
    for i in (1, 2, 3):
        run_through(dashboard, cnn_run, i, f"run {i}")
    assert view.overlay_labels() == ["run 1", "run 2"]
    view.run_list.item_of(1).setSelected(True)  # "run 1"
    qtbot.mouseClick(view.run_list.remove_button, Qt.MouseButton.LeftButton)
    assert view.overlay_labels() == ["run 2"]


def test_loss_view_memory_stays_flat_over_300k_batches(dashboard, cnn_run) -> None:
    dashboard.start_run(cnn_run.context(), cnn_run.viewer())
    view = dashboard.loss_view
    for step in range(300_000):
        view.on_batch(BatchEnd(step // 1000, step % 1000, step + 1, 1.0 / (1 + step / 1000),
                               None, 0.01, step, 0.0, 0.0))
    buffer = view.current.series.batches
    assert buffer.appended == 300_000
    assert len(buffer) <= 200_000 and buffer.capacity <= 200_001
    dashboard.refresh()
    x, y = view.plotted("raw")
    assert len(x) == len(buffer)
    assert y[0] > 0.99 and y[-1] < 0.01


def test_accuracy_per_batch_and_the_newest_batch_show_in_the_first_epoch(
        dashboard, circles_run) -> None:
    view = dashboard.loss_view
    viewer = circles_run.viewer()
    dashboard.start_run(circles_run.context(), viewer)
    first = [e for e in circles_run.of_type(BatchEnd) if e.epoch == 0][:5]
    for event in first:
        dashboard.on_batch(event)
    dashboard.refresh()
    x, accuracy = view.plotted("batch_accuracy")
    assert len(x) == 5 and np.isfinite(accuracy).all()
    assert accuracy[0] == pytest.approx(100 * first[0].accuracy)  # smoothing starts there
    assert min(100 * e.accuracy for e in first) <= accuracy[-1] <= max(
        100 * e.accuracy for e in first)
    latest_x, latest_y = view.plotted("latest")
    assert latest_x.tolist() == [x[-1]] and latest_y[0] == np.float32(first[-1].loss)
    dashboard.on_batch(replace(first[-1], batch=5, step=6, loss=0.123))  # one Step more
    dashboard.refresh()
    assert view.plotted("latest")[1].tolist() == [np.float32(0.123)]


def test_a_long_run_draws_its_epochs_without_a_band_of_markers(dashboard, circles_run) -> None:
    view = dashboard.loss_view
    view.resize(500, 400)
    dashboard.start_run(circles_run.context(), circles_run.viewer())
    epoch = circles_run.of_type(EpochEnd)[0]
    for index in range(5):
        dashboard.on_epoch(replace(epoch, epoch=index, val_outputs=None))
    dashboard.refresh()
    assert view.current.curves["val_loss"].opts["symbol"] == "s"  # a few epochs: markers
    for index in range(5, 3000):
        dashboard.on_epoch(replace(epoch, epoch=index, val_outputs=None))
    dashboard.refresh()
    for name in ("train_loss", "val_loss", "train_accuracy", "val_accuracy"):
        assert view.current.curves[name].opts["symbol"] is None, name
        assert len(view.plotted(name)[0]) == 3000


def test_the_log_scale_labels_decades_not_a_blob(dashboard, cnn_run) -> None:
    from nnstudio.app.plots.style import LogAxis

    run_through(dashboard, cnn_run)
    view = dashboard.loss_view
    view.log_scale.setChecked(True)
    axis = view.loss_plot.getAxis("left")
    assert isinstance(axis, LogAxis)
    levels = axis.logTickValues(-2.0, 1.0, 120, None)
    labels = [v for _, values in levels for v in values]
    assert 0 < len(labels) <= 6  # 120 px for three decades: a few labels, not dozens
