"""The truth table of a tiny dataset (AND, XOR: every input row with its target) beside
the network's output for each row, and the loss over all of them."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.engine.losses import make_loss
from nnstudio.running.inspection_copy import InspectionCopy

Row = tuple[str, np.ndarray, float]  # (text, input, target), as input_editor.sample_rows


def table_values(viewer: InspectionCopy, rows: list[Row]) -> tuple[np.ndarray, float]:
    """(the network's outputs for each row: one number per row for a single output, else
    a row of them; the training loss over the rows, a target being a class when there are
    several outputs)."""
    x = np.array([row[1] for row in rows], dtype=np.float32)
    network = viewer.network
    width = int(np.prod(viewer.shapes[viewer.order[-1]]))
    targets = np.array([[row[2]] for row in rows], dtype=np.float32) if width == 1 else \
        np.array([int(row[2]) for row in rows])
    value, output, _ = network.loss_forward(x.reshape(-1, *viewer.input_shape), targets,
                                            make_loss(viewer.training.loss), training=False)
    outputs = np.asarray(network.device.to_host(output), dtype=np.float64).reshape(len(rows), -1)
    return (outputs[:, 0] if width == 1 else outputs), float(value)


def is_wrong(output: np.ndarray | float, target: float) -> bool:
    """A single output on the wrong side of one half; else the top output not the target."""
    if np.ndim(output) == 0:
        return (float(output) >= 0.5) != (target >= 0.5)
    return int(np.argmax(output)) != int(target)


class TruthTable(QWidget):
    """Inputs, target and output per row; an output on the wrong side of 0.5 in red."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget()
        self.table.setObjectName("truth_table")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.loss = QLabel()
        self.loss.setObjectName("truth_table_loss")
        self.loss.setStyleSheet("font-weight: 600;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Truth table")
        title.setStyleSheet("font-weight: 600;")
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.loss)
        self.outputs = np.zeros(0)
        self.loss_value = float("nan")

    def show_rows(self, viewer: InspectionCopy, rows: list[Row], loss_name: str) -> None:
        outputs, loss = table_values(viewer, rows)
        self.outputs, self.loss_value = outputs, loss
        width = len(rows[0][1])
        headers = [f"x{i + 1}" for i in range(width)] + ["target", "output"]
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(rows))
        for r, ((_, x, target), out) in enumerate(zip(rows, outputs, strict=True)):
            shown = ", ".join(f"{v:.3f}" for v in np.atleast_1d(out))
            cells = [f"{v:g}" for v in x] + [f"{target:g}", shown]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if c == len(cells) - 1 and is_wrong(out, target):
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(r, c, item)
        self.table.setFixedHeight(self.table.horizontalHeader().height()
                                  + sum(self.table.rowHeight(r) for r in range(len(rows))) + 4)
        self.loss.setText(f"Loss ({loss_name}) over the {len(rows)} rows: {loss:.4f}")
