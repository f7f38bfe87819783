"""The bar above the network diagram where a clicked weight or bias gets its new value."""

from __future__ import annotations

import math

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from nnstudio.app import theme
from nnstudio.app.weight_edit.edits import WeightTarget

HINT = "Click an edge to edit its weight, or a neuron to edit its bias; Enter applies, " \
       "Edit > Undo takes it back."


class WeightEditor(QWidget):
    value_entered = Signal(object, float)  # WeightTarget, the new value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target: WeightTarget | None = None
        self.label = QLabel(HINT)
        self.label.setObjectName("weight_editor_label")
        self.label.setStyleSheet(theme.text_style())
        self.field = QLineEdit()
        self.field.setObjectName("weight_editor_field")
        self.field.setValidator(QDoubleValidator())
        self.field.setMaximumWidth(120)
        self.field.setPlaceholderText("new value")
        self.field.setVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.field)
        layout.addStretch(1)
        self.field.returnPressed.connect(self._on_return)

    def choose(self, target: WeightTarget | None, value: float | None) -> None:
        """Edit ``target`` (now ``value``); None goes back to the hint."""
        self.target = target
        if target is None:
            self.label.setText(HINT)
            self.label.setStyleSheet(theme.text_style())
            self.field.setVisible(False)
            return
        self.label.setText(f"Set {target.describe()} to")
        self.label.setStyleSheet("font-weight: 600;")
        self.field.setVisible(True)
        self.field.setText("" if value is None else f"{value:.6g}")
        self.field.selectAll()
        self.field.setFocus()

    @Slot()
    def _on_return(self) -> None:
        try:
            value = float(self.field.text().replace(",", "."))
        except ValueError:
            return
        if self.target is not None and math.isfinite(value):
            self.value_entered.emit(self.target, value)
