"""The numbers of one run's loss, as the loss view draws them: per batch (raw and smoothed)
and per epoch, from live events or a saved history. No Qt here."""

from __future__ import annotations

import math

import numpy as np

from nnstudio.engine.events import EpochEnd
from nnstudio.engine.series import GrowingBuffer

SMOOTHING = 0.9  # EMA weight of the past, debiased as TensorBoard does
EPOCH_SERIES = ("epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy", "lr")
X, LOSS, SMOOTHED, LR, ACCURACY = range(5)  # ACCURACY: per batch, smoothed (NaN: none)
COLUMNS = 5


def _number(value: object) -> float:
    if value is None or isinstance(value, bool):
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


class Smoothed:
    """An exponential moving average that skips missing values and is debiased at the
    start (as TensorBoard's smoothing): NaN until the first finite value."""

    def __init__(self, weight: float = SMOOTHING) -> None:
        self.weight = weight
        self._sum = 0.0
        self._total = 0.0

    def add(self, value: float) -> float:
        if math.isfinite(value):
            self._sum = self.weight * self._sum + (1 - self.weight) * value
            self._total = self.weight * self._total + (1 - self.weight)
        return self._sum / self._total if self._total else value


class RunSeries:
    """Loss per batch in a bounded buffer (fractional epoch, loss, smoothed loss, learning
    rate, smoothed training accuracy), and the per-epoch numbers (EPOCH_SERIES) in another:
    a toy set's run of 100,000 one-batch epochs redraws from arrays, not from lists."""

    def __init__(self, label: str, color: str, max_points: int = 200_000) -> None:
        self.label = label
        self.color = color
        self.batches = GrowingBuffer(COLUMNS, max_points=max_points)
        self._epochs = GrowingBuffer(len(EPOCH_SERIES), max_points=max_points)
        self._loss = Smoothed()
        self._accuracy = Smoothed()

    def add_batch(self, x: float, loss: float, lr: float,
                  accuracy: float | None = None) -> None:
        """One batch: its loss and, for classification, the share of its samples that
        were right (``accuracy``, 0..1)."""
        self.batches.append(x, loss, self._loss.add(loss), lr,
                            self._accuracy.add(_number(accuracy)))

    def add_epoch(self, event: EpochEnd, start_epoch: float = 0.0) -> None:
        """One epoch's numbers; ``start_epoch``: where a branch's epochs begin."""
        values = {"epoch": start_epoch + event.epoch + 1, "train_loss": event.train_loss,
                  "val_loss": event.val_loss, "train_accuracy": event.train_accuracy,
                  "val_accuracy": event.val_accuracy, "lr": event.lr}
        self._epochs.append(*(_number(values[name]) for name in EPOCH_SERIES))

    def add_history(self, history: dict) -> None:
        """A finished run's saved history (a project's history.json: per-batch losses and
        per-epoch lists); the batches are spread evenly over the epochs they belong to.
        Values that are not numbers count as missing."""
        def series(name: str) -> list:
            values = history.get(name)
            return values if isinstance(values, list) else []

        losses, epochs, lrs = series("batch_loss"), series("epoch"), series("lr")
        per_epoch = len(losses) / len(epochs) if epochs else max(len(losses), 1)
        for index, loss in enumerate(losses):
            epoch = min(int(index / per_epoch), len(lrs) - 1) if lrs else -1
            self.add_batch((index + 1) / per_epoch, _number(loss),
                           _number(lrs[epoch]) if epoch >= 0 else math.nan)
        for index, epoch in enumerate(epochs):
            row = {name: series(name)[index] if index < len(series(name)) else None
                   for name in EPOCH_SERIES}
            number = _number(epoch)
            row["epoch"] = number + 1 if math.isfinite(number) else index + 1
            self._epochs.append(*(_number(row[name]) for name in EPOCH_SERIES))

    def epoch_array(self, name: str) -> np.ndarray:
        """One per-epoch series (a view; appending never changes what it holds)."""
        if name not in EPOCH_SERIES:
            raise KeyError(f"no epoch series {name!r}; there are {', '.join(EPOCH_SERIES)}")
        return self._epochs.column(EPOCH_SERIES.index(name))

    def last_epoch(self, name: str) -> float:
        """The newest value of a per-epoch series; NaN before the first epoch."""
        values = self.epoch_array(name)
        return float(values[-1]) if len(values) else math.nan

    @property
    def epoch_count(self) -> int:
        return self._epochs.appended

    @property
    def has_data(self) -> bool:
        return len(self.batches) > 0 or self.epoch_count > 0
