"""Switch units off: pick a Dense unit or a Conv2D filter, and the accuracy, the accuracy per
class and the confusion matrix are evaluated again at once, beside the original. One click
restores every unit; the weights only change when the person applies the ablation."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app import theme, theme_follow
from nnstudio.app.inspect.ablation_state import AblationState
from nnstudio.app.inspect.refresh import RefreshWhenVisible
from nnstudio.app.plots.style import INK
from nnstudio.running.ablation import Evaluation

WORSE, BETTER = QColor("#fde2e2"), QColor("#dcf3e3")
UNIT_ROLE = Qt.ItemDataRole.UserRole


def change_text(before: float, after: float) -> str:
    """'97.4% → 91.2% (−6.2 points)'."""
    points = 100 * (after - before)
    sign = "+" if points > 0 else "−" if points < 0 else "±"
    return f"{100 * before:.1f}% → {100 * after:.1f}% ({sign}{abs(points):.1f} points)"


class AblationPanel(QWidget):
    def __init__(self, state: AblationState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.header = QLabel()
        self.header.setStyleSheet(theme.text_style())
        self.layer = QComboBox()
        self.layer.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.layer.setToolTip("A Dense layer's units or a Conv2D layer's filters")
        self.units = QListWidget()
        self.units.setViewMode(QListView.ViewMode.ListMode)
        self.units.setFlow(QListView.Flow.LeftToRight)
        self.units.setWrapping(True)
        self.units.setResizeMode(QListView.ResizeMode.Adjust)
        self.units.setUniformItemSizes(True)
        self.units.setMaximumHeight(84)
        self.units.setToolTip("Tick a unit to switch it off: its weights and bias count as 0")
        self.restore_button = QPushButton("Restore all units")
        self.apply_button = QPushButton("Apply to the weights…")
        self.apply_button.setToolTip("Keep these units' weights at zero in the trained "
                                     "weights (saved with the project); undo by training again")
        self.summary = QLabel()
        self.summary.setObjectName("ablation_summary")
        self.summary.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.summary.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setStyleSheet(theme.text_style())
        self.detail.setWordWrap(True)
        self.per_class = QTableWidget(0, 4)
        self.per_class.setHorizontalHeaderLabels(["class", "original", "now", "change"])
        self.confusion = QTableWidget(0, 0)
        for table in (self.per_class, self.confusion):
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.verticalHeader().setDefaultSectionSize(22)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.confusion.verticalHeader().setDefaultSectionSize(36)
        self._build_layout()

        self.refresher = RefreshWhenVisible(self, self.refresh, interval_ms=300)
        self.layer.currentIndexChanged.connect(self._fill_units)
        self.units.itemChanged.connect(self._on_unit)
        self.restore_button.clicked.connect(state.restore)
        self.apply_button.clicked.connect(state.apply)
        state.changed.connect(self.refresher.request)
        self.refresher.request()
        theme_follow.notifier().changed.connect(self._fill_units)

    def _build_layout(self) -> None:
        choose = QHBoxLayout()
        choose.addWidget(QLabel("Layer:"))
        choose.addWidget(self.layer)
        choose.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.apply_button)
        buttons.addStretch(1)
        tables = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(QLabel("Accuracy per class"))
        left.addWidget(self.per_class, 1)
        caption = QLabel("Confusion matrix now (true class down, predicted across), under "
                         "each count its change")
        caption.setWordWrap(True)  # else its width squeezes the table beside it
        right.addWidget(caption)
        right.addWidget(self.confusion, 1)
        tables.addLayout(left, 2)
        tables.addLayout(right, 5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.header)
        layout.addLayout(choose)
        layout.addWidget(self.units)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.detail)
        layout.addLayout(tables, 1)

    # -- choosing ---------------------------------------------------------------------
    def show_layer(self, layer: str) -> None:
        index = self.layer.findData(layer)
        if index >= 0:
            self.layer.setCurrentIndex(index)

    @Slot()
    def _fill_units(self, *_: object) -> None:
        layer = self.layer.currentData()
        count = self.state.layers().get(layer, 0)
        self.units.blockSignals(True)
        if self.units.count() != count or self.units.property("layer") != layer:
            self.units.clear()
            for unit in range(count):
                item = QListWidgetItem(f"#{unit}")
                item.setData(UNIT_ROLE, unit)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                self.units.addItem(item)
            self.units.setProperty("layer", layer)
        for i in range(self.units.count()):
            item = self.units.item(i)
            off = self.state.is_off(layer, i)
            item.setCheckState(Qt.CheckState.Checked if off else Qt.CheckState.Unchecked)
            item.setForeground(QBrush(QColor(theme.current.error_text if off
                                             else theme.current.text)))
        self.units.blockSignals(False)

    @Slot(QListWidgetItem)
    def _on_unit(self, item: QListWidgetItem) -> None:
        layer = self.layer.currentData()
        if layer is not None:
            self.state.set_off(layer, int(item.data(UNIT_ROLE)),
                               item.checkState() == Qt.CheckState.Checked)

    # -- showing ----------------------------------------------------------------------
    def refresh(self) -> None:
        state = self.state
        self.header.setText(state.source.description())
        layers = state.layers()
        names = [self.layer.itemData(i) for i in range(self.layer.count())]
        if names != list(layers):
            self.layer.blockSignals(True)
            self.layer.clear()
            for name, count in layers.items():
                kind = "filters" if state.source.viewer.spec.node(name).type == "Conv2D" \
                    else "units"
                self.layer.addItem(f"{name} ({count} {kind})", name)
            self.layer.blockSignals(False)
        self._fill_units()
        self.restore_button.setEnabled(bool(state.off))
        self.apply_button.setEnabled(bool(state.off) and state.source.trained)
        results = state.results() if layers else None
        if results is None:
            self.summary.setText(state.problem if layers or state.source.viewer is None else
                                 "This network has no Dense or Conv2D layer to switch units "
                                 "off in.")
            self.detail.setText("")
            self.per_class.setRowCount(0)
            self.confusion.setRowCount(0)
            return
        original, now = results
        off = state.count()
        what = (", ".join(f"{name} {', '.join(f'#{u}' for u in sorted(units))}"
                          for name, units in state.off.items()) if off else "none")
        self.summary.setText(f"Accuracy {change_text(original.accuracy, now.accuracy)}"
                             if off else f"Accuracy {100 * original.accuracy:.1f}% with every "
                             "unit on: tick units to switch them off")
        self.detail.setText(f"Switched off: {what}. Evaluated on {state.samples_text} in "
                            f"{now.seconds:.2f} s. The weights are unchanged until you apply.")
        self._show_per_class(original, now)
        self._show_confusion(original, now)

    def _show_per_class(self, original: Evaluation, now: Evaluation) -> None:
        names = self.state.source.classes()
        before, after = original.per_class, now.per_class
        self.per_class.setRowCount(len(before))
        for row in range(len(before)):
            change = after[row] - before[row]
            cells = [names[row] if row < len(names) else str(row),
                     f"{100 * before[row]:.1f}%", f"{100 * after[row]:.1f}%",
                     "" if np.isnan(change) or abs(change) < 1e-12 else f"{100 * change:+.1f}"]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 3 and text:
                    item.setBackground(WORSE if change < 0 else BETTER)
                    item.setForeground(QColor(INK))  # a pale cell in either theme
                self.per_class.setItem(row, col, item)
        self.per_class.verticalHeader().hide()
        # Every column in view: the table is as wide as its columns (four short ones).
        self.per_class.resizeColumnsToContents()
        self.per_class.setMinimumWidth(self.per_class.horizontalHeader().length()
                                       + 2 * self.per_class.frameWidth() + 4)

    def _show_confusion(self, original: Evaluation, now: Evaluation) -> None:
        k = len(now.confusion)
        names = self.state.source.classes()
        labels = [names[i] if i < len(names) else str(i) for i in range(k)]
        self.confusion.setRowCount(k)
        self.confusion.setColumnCount(k)
        self.confusion.setHorizontalHeaderLabels(labels)
        self.confusion.setVerticalHeaderLabels(labels)
        change = now.confusion - original.confusion
        for r in range(k):
            for c in range(k):
                delta = int(change[r, c])
                text = str(int(now.confusion[r, c])) + (f"\n{delta:+d}" if delta else "")
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if delta:
                    good = (delta > 0) == (r == c)
                    item.setBackground(BETTER if good else WORSE)
                    item.setForeground(QColor(INK))
                self.confusion.setItem(r, c, item)
