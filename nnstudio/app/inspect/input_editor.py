"""Editing a short vector of numbers (a small network's input or target), and picking a
row of a truth table to fill it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QGridLayout, QLabel, QWidget

from nnstudio.app.inspect.layouts import clear_layout
from nnstudio.data.dataset import Dataset

PER_ROW = 6
MAX_ROWS = 16  # datasets this small (truth tables) get a row picker


class VectorEditor(QWidget):
    """One spin box per value, labelled with the neuron's name."""

    changed = Signal()

    def __init__(self, decimals: int = 4, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.decimals = decimals
        self.boxes: list[QDoubleSpinBox] = []
        self.names: list[str] = []
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)

    def set_names(self, names: list[str], values: np.ndarray | None = None) -> None:
        if names != self.names:
            self._rebuild(names)
        if values is not None:
            self.set_values(values)

    def _rebuild(self, names: list[str]) -> None:
        clear_layout(self.grid)
        self.boxes, self.names = [], list(names)
        for i, name in enumerate(names):
            box = QDoubleSpinBox()
            box.setDecimals(self.decimals)
            box.setRange(-100.0, 100.0)
            box.setSingleStep(0.05)
            box.setKeyboardTracking(False)
            box.setMaximumWidth(96)
            box.setToolTip(name)
            box.valueChanged.connect(self._on_value_changed)
            row, col = divmod(i, PER_ROW)
            self.grid.addWidget(QLabel(name), row, 2 * col)
            self.grid.addWidget(box, row, 2 * col + 1)
            self.boxes.append(box)

    def values(self) -> np.ndarray:
        return np.array([box.value() for box in self.boxes], dtype=np.float64)

    def set_values(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=np.float64).ravel()
        for box, value in zip(self.boxes, values, strict=False):
            box.blockSignals(True)
            box.setValue(float(value))
            box.blockSignals(False)
        self.changed.emit()

    @Slot()
    def _on_value_changed(self) -> None:
        self.changed.emit()


def sample_rows(dataset: Dataset) -> list[tuple[str, np.ndarray, float]]:
    """(text, input, label) for each sample of a tiny set such as XOR's truth table."""
    x, y = dataset.x_test, dataset.y_test
    if len(x) > MAX_ROWS or x.ndim != 2:
        return []
    rows = []
    for features, label in zip(x, y, strict=True):
        value = float(np.asarray(label).ravel()[0])
        inputs = ", ".join(f"{v:g}" for v in features)
        rows.append((f"({inputs}) → {value:g}", np.asarray(features, np.float64), value))
    return rows


class RowPicker(QComboBox):
    """'Custom' plus one entry per row of a tiny dataset; emits the chosen row."""

    row_chosen = Signal(object, float)  # input, label

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, np.ndarray, float]] = []
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.activated.connect(self._on_activated)

    def set_rows(self, rows: list[tuple[str, np.ndarray, float]]) -> None:
        self.rows = rows
        self.blockSignals(True)
        self.clear()
        self.addItem("custom values")
        for text, _, _ in rows:
            self.addItem(text)
        self.blockSignals(False)
        self.setVisible(bool(rows))

    def match(self, values: np.ndarray) -> None:
        """Show the row equal to ``values``, or 'custom values'."""
        index = next((i + 1 for i, (_, x, _) in enumerate(self.rows)
                      if len(x) == len(values) and np.allclose(x, values)), 0)
        self.setCurrentIndex(index)

    @Slot(int)
    def _on_activated(self, index: int) -> None:
        if index > 0:
            _, x, label = self.rows[index - 1]
            self.row_chosen.emit(x, label)
