"""Choosing the input the views look at: the digit on the pad, or a test sample by index."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QRadioButton, QSpinBox, QWidget

from nnstudio.app import theme
from nnstudio.app.inspect.current_input import (
    DRAWING,
    SAMPLE,
    VALIDATION,
    CurrentInput,
    takes_digits,
)


class InputChooser(QWidget):
    """Bound both ways to a CurrentInput; several choosers may share one."""

    def __init__(self, current: CurrentInput, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current = current
        self.drawing = QRadioButton("Drawn digit")
        self.drawing.setToolTip("The digit on the Draw panel")
        self.sample = QRadioButton("Test sample")
        # Shown while a validation sample (from the confusion matrix) is looked at.
        self.validation = QRadioButton("Validation sample")
        self.validation.setToolTip("Chosen in the confusion matrix of the dashboard")
        self.index = QSpinBox()
        self.index.setKeyboardTracking(False)
        self.index.setToolTip("Which sample of the current dataset's test set")
        self.index.setMinimumWidth(80)
        self.detail = QLabel()
        self.detail.setStyleSheet(theme.text_style())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Input:"))
        layout.addWidget(self.drawing)
        layout.addWidget(self.sample)
        layout.addWidget(self.index)
        layout.addWidget(self.validation)
        layout.addWidget(self.detail)
        layout.addStretch(1)
        self.drawing.toggled.connect(self._on_mode)
        self.sample.toggled.connect(lambda on: on and self.current.set_mode(SAMPLE))
        self.index.valueChanged.connect(self._on_index)
        current.changed.connect(self.sync)
        current.source.changed.connect(self.sync)
        self.sync()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.sync()

    @Slot(bool)
    def _on_mode(self, drawing: bool) -> None:
        if drawing or self.sample.isChecked():
            self.current.set_mode(DRAWING if drawing else SAMPLE)

    @Slot(int)
    def _on_index(self, index: int) -> None:
        self.current.set_index(index)

    @Slot()
    def sync(self) -> None:
        """Show the model's state (and, in sample mode, how many samples there are)."""
        current = self.current
        digits = takes_digits(current.source)
        self.drawing.setEnabled(digits)
        self.drawing.setToolTip("The digit on the Draw panel" if digits else
                                "This network does not read 28x28 digits")
        for widget in (self.drawing, self.sample, self.index):
            widget.blockSignals(True)
        self.validation.setVisible(current.mode == VALIDATION)
        self.validation.setChecked(current.mode == VALIDATION)
        self.drawing.setChecked(current.mode == DRAWING)
        self.sample.setChecked(current.mode == SAMPLE)
        if current.mode == SAMPLE and self.isVisible():  # counting may load the dataset
            count = current.sample_count()
            self.index.setRange(0, max(count - 1, 0))
            self.index.setValue(current.index)
        self.index.setEnabled(current.mode == SAMPLE)
        for widget in (self.drawing, self.sample, self.index):
            widget.blockSignals(False)
        self.detail.setText(current.describe() if current.mode != DRAWING else "")
