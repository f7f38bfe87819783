"""The table of runs compared on the loss plots: one row per run with its colour, dataset,
final loss and accuracy and the settings in which it differs from the others. A checkbox
shows or hides an earlier run, a context menu or Remove drops one, "Clear earlier runs"
drops them all."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app.plots import style
from nnstudio.app.theme import swatch_icon

KEY_ROLE = Qt.ItemDataRole.UserRole
CURRENT = -1  # the key of the run now training (always shown, no checkbox)
COLUMNS = ("Run", "Data", "Loss", "Accuracy", "Differs in")


@dataclass(frozen=True)
class RunRow:
    key: int
    name: str  # "run 2"
    label: str  # the full description, for the tooltip
    color: str
    dataset: str
    loss: float
    accuracy: float  # 0..1, NaN when not known
    differs: str  # "sgd · lr 0.1"
    shown: bool = True


def _number(value: float, percent: bool = False) -> str:
    if not math.isfinite(value):
        return "–"
    return f"{100 * value:.1f}%" if percent else f"{value:.4g}"


class RunList(QWidget):
    visibility_changed = Signal(int, bool)  # run key, shown
    remove_requested = Signal(int)
    clear_requested = Signal()
    has_runs = Signal(bool)  # whether there are earlier runs to compare

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTreeWidget()
        self.table.setColumnCount(len(COLUMNS))
        self.table.setHeaderLabels(COLUMNS)
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setToolTip("The runs on the loss plots: untick an earlier run to hide it, "
                              "right-click to remove it")
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        self.table.itemChanged.connect(self._item_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.hint = style.caption("")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected earlier run from the plots")
        self.remove_button.clicked.connect(self._remove_selected)
        self.clear_button = QPushButton("Clear earlier runs")
        self.clear_button.setToolTip("Remove every earlier run from the plots")
        self.clear_button.clicked.connect(self.clear_requested)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.hint, 1)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._rows: list[RunRow] = []
        self._update_buttons()

    def set_rows(self, rows: list[RunRow]) -> None:
        """The current run (key ``CURRENT``) and the earlier ones, newest first."""
        if rows == self._rows:
            return
        had = self.count() > 0
        self._rows = list(rows)
        selected = self._selected_key()
        self.table.blockSignals(True)
        self.table.clear()
        for row in rows:
            item = QTreeWidgetItem([row.name, row.dataset, _number(row.loss),
                                    _number(row.accuracy, percent=True), row.differs])
            item.setIcon(0, swatch_icon(QColor(row.color)))
            item.setData(0, KEY_ROLE, row.key)
            tip = f"{row.label}\ndata: {row.dataset}"
            if row.differs:
                tip += f"\ndiffers in: {row.differs}"
            for column in range(len(COLUMNS)):
                item.setToolTip(column, tip)
            for column in (2, 3):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            if row.key == CURRENT:
                font = QFont(item.font(0))
                font.setBold(True)
                item.setFont(0, font)
            else:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Checked if row.shown
                                   else Qt.CheckState.Unchecked)
            self.table.addTopLevelItem(item)
            if row.key == selected:
                item.setSelected(True)
        self.table.blockSignals(False)
        hidden = [row for row in rows if row.key != CURRENT and not row.shown]
        self.hint.setText(f"{len(hidden)} hidden (other data)" if hidden else "")
        self._update_buttons()
        if had != (self.count() > 0):
            self.has_runs.emit(self.count() > 0)

    def count(self) -> int:
        """The earlier runs listed."""
        return sum(row.key != CURRENT for row in self._rows)

    def rows(self) -> list[RunRow]:
        return list(self._rows)

    def labels(self) -> list[str]:
        """The earlier runs' labels, newest first."""
        return [row.label for row in self._rows if row.key != CURRENT]

    def item_of(self, key: int) -> QTreeWidgetItem | None:
        for index in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(index)
            if item.data(0, KEY_ROLE) == key:
                return item
        return None

    def _selected_key(self) -> int | None:
        items = self.table.selectedItems()
        return int(items[0].data(0, KEY_ROLE)) if items else None

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        key = int(item.data(0, KEY_ROLE))
        if key == CURRENT or column != 0:
            return
        self.visibility_changed.emit(key, item.checkState(0) == Qt.CheckState.Checked)

    def _remove_selected(self) -> None:
        key = self._selected_key()
        if key is not None and key != CURRENT:
            self.remove_requested.emit(key)

    def _menu(self, point: QPoint) -> None:
        item = self.table.itemAt(point)
        if item is None or int(item.data(0, KEY_ROLE)) == CURRENT:
            return
        menu = QMenu(self)
        key = int(item.data(0, KEY_ROLE))
        menu.addAction("Remove this run", lambda: self.remove_requested.emit(key))
        menu.addAction("Clear earlier runs", self.clear_requested.emit)
        menu.popup(self.table.viewport().mapToGlobal(point))

    def _update_buttons(self) -> None:
        key = self._selected_key()
        self.remove_button.setEnabled(key is not None and key != CURRENT)
        self.clear_button.setEnabled(self.count() > 0)

