"""A series of numbers that grows, then thins out: memory stays flat however long a run goes.

The loss views plot from it, and the trainer keeps its per-batch losses in one, so an
online run of millions of batches holds a few thousand averaged points, not every batch.
"""

from __future__ import annotations

import math

import numpy as np


class GrowingBuffer:
    """Rows of ``columns`` float values, appended one at a time.

    Storage is preallocated and doubles when full. Past ``max_points`` rows, neighbouring
    pairs are averaged (decimate by 2) and from then on every ``stride`` appended rows are
    averaged into one stored row, so memory stays flat however long a run goes.
    """

    def __init__(self, columns: int, capacity: int = 1024, max_points: int = 200_000) -> None:
        if max_points < 4:
            raise ValueError("max_points must be at least 4")
        self.columns = columns
        self.max_points = max_points - max_points % 2
        self._data = np.empty((columns, min(capacity, self.max_points) + 1))
        self._size = 0
        self.stride = 1  # appended rows per stored row
        self._pending = np.zeros(columns)
        self._pending_count = 0
        self.appended = 0  # rows appended in all

    def __len__(self) -> int:
        """Stored rows, counting a partly filled last row."""
        return self._size + (1 if self._pending_count else 0)

    @property
    def capacity(self) -> int:
        return self._data.shape[1]

    def clear(self) -> None:
        self._size = 0
        self.stride = 1
        self._pending[:] = 0
        self._pending_count = 0
        self.appended = 0

    def append(self, *values: float) -> None:
        self.appended += 1
        if self.stride == 1:  # the common case: straight into storage
            self._store(values)
            return
        self._pending += values
        self._pending_count += 1
        if self._pending_count < self.stride:
            return
        self._store(self._pending / self._pending_count)
        self._pending[:] = 0
        self._pending_count = 0

    def _store(self, row: np.ndarray | tuple[float, ...]) -> None:
        if self._size + 1 >= self.capacity:  # one spare slot holds the partial row
            if self._size >= self.max_points:
                self._halve()
            else:
                grown = np.empty((self.columns, min(self.capacity * 2, self.max_points + 1)))
                grown[:, : self._size] = self._data[:, : self._size]
                self._data = grown
        self._data[:, self._size] = row
        self._size += 1

    def _halve(self) -> None:
        # Into a new array: views handed out earlier (a curve's data) stay as they were.
        half = self._size // 2
        data, halved = self._data, np.empty_like(self._data)
        halved[:, :half] = (data[:, 0 : 2 * half : 2] + data[:, 1 : 2 * half : 2]) / 2
        if self._size % 2:
            halved[:, half] = data[:, self._size - 1]
            half += 1
        self._data = halved
        self._size = half
        self.stride *= 2

    def column(self, index: int) -> np.ndarray:
        """A view of one column, the partly filled last row included. Appending never
        changes rows a view already holds, except that partly filled last row."""
        if self._pending_count:
            self._data[:, self._size] = self._pending / self._pending_count
        return self._data[index, : len(self)]

    def last(self, index: int) -> float:
        return float(self.column(index)[-1]) if len(self) else math.nan
