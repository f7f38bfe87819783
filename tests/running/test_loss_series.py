"""The numbers of one run's loss (running/loss_series.py), without Qt: the smoothed loss is
debiased, missing values stay missing, and a saved history spreads its batches over epochs."""

from __future__ import annotations

import math

import pytest

from nnstudio.engine.events import EpochEnd
from nnstudio.running.loss_series import LOSS, SMOOTHED, RunSeries, X


def test_the_first_smoothed_loss_is_the_loss_and_nan_does_not_poison_it() -> None:
    series = RunSeries("run 1", "#fff")
    assert not series.has_data
    series.add_batch(0.1, 2.0, 0.01)
    series.add_batch(0.2, math.nan, 0.01)
    series.add_batch(0.3, 1.0, 0.01)
    loss, smoothed = series.batches.column(LOSS), series.batches.column(SMOOTHED)
    assert smoothed[0] == pytest.approx(2.0)
    assert math.isnan(loss[1]) and math.isfinite(smoothed[1])
    assert 1.0 < smoothed[2] < 2.0
    assert series.has_data


def test_epochs_and_a_saved_history() -> None:
    series = RunSeries("run 1", "#fff")
    series.add_epoch(EpochEnd(epoch=0, train_loss=0.5, val_loss=None, train_accuracy=0.9,
                              val_accuracy=None, lr=0.01, seconds=1.0))
    assert series.epoch_array("epoch").tolist() == [1.0]
    assert math.isnan(series.epoch_array("val_loss")[0])
    with pytest.raises(KeyError, match="no epoch series"):
        series.epoch_array("nonsense")
    saved = RunSeries("saved", "#fff")
    saved.add_history({"batch_loss": [1.0, 0.8, 0.6, 0.4], "epoch": [0, 1],
                       "train_loss": [0.9, "not a number"], "lr": [0.1, 0.05]})
    assert saved.batches.column(X).tolist() == [0.5, 1.0, 1.5, 2.0]
    assert saved.epoch_array("epoch").tolist() == [1.0, 2.0]
    assert math.isnan(saved.epoch_array("train_loss")[1])
