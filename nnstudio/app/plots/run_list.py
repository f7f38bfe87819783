"""The small list of earlier runs kept as overlays: a checkbox shows or hides one, a context
menu or the Remove button drops one, "Clear earlier runs" drops them all."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app.plots import style
from nnstudio.app.theme import swatch_icon

KEY_ROLE = Qt.ItemDataRole.UserRole


class RunList(QWidget):
    visibility_changed = Signal(int, bool)  # run key, shown
    remove_requested = Signal(int)
    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setToolTip("Earlier runs drawn faintly under the current one; untick to "
                             "hide, right-click to remove")
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.itemChanged.connect(self._item_changed)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected earlier run from the plots")
        self.remove_button.clicked.connect(self._remove_selected)
        self.clear_button = QPushButton("Clear earlier runs")
        self.clear_button.clicked.connect(self.clear_requested)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(style.heading("Earlier runs"))
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.clear_button)
        self._update_buttons()

    def add_run(self, key: int, label: str, color: str) -> None:
        item = QListWidgetItem(swatch_icon(QColor(color)), label)
        item.setData(KEY_ROLE, key)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked)
        item.setToolTip(label)
        self.list.blockSignals(True)
        self.list.insertItem(0, item)  # newest first
        self.list.blockSignals(False)
        self._update_buttons()

    def remove_run(self, key: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(KEY_ROLE) == key:
                self.list.takeItem(row)
                break
        self._update_buttons()

    def clear(self) -> None:
        self.list.clear()
        self._update_buttons()

    def labels(self) -> list[str]:
        return [self.list.item(row).text() for row in range(self.list.count())]

    def _item_changed(self, item: QListWidgetItem) -> None:
        shown = item.checkState() == Qt.CheckState.Checked
        self.visibility_changed.emit(int(item.data(KEY_ROLE)), shown)

    def _remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.remove_requested.emit(int(item.data(KEY_ROLE)))

    def _menu(self, point: QPoint) -> None:
        item = self.list.itemAt(point)
        if item is None:
            return
        menu = QMenu(self)
        key = int(item.data(KEY_ROLE))
        menu.addAction("Remove this run", lambda: self.remove_requested.emit(key))
        menu.addAction("Clear earlier runs", self.clear_requested.emit)
        menu.popup(self.list.viewport().mapToGlobal(point))

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self.list.selectedItems()))
        self.clear_button.setEnabled(self.list.count() > 0)
