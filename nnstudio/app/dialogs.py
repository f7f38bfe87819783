"""Small dialogs: save-changes question, errors, keyboard shortcuts, about."""

from __future__ import annotations

import html

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import nnstudio

CANVAS_GESTURES = (
    ("Drag a layer from the palette", "add it where it is dropped (onto a connection: insert)"),
    ("Double-click a layer in the palette", "append it after the selected layer"),
    ("Drag from a bottom port to a layer", "connect them (merge layers take more inputs)"),
    ("Drag on empty canvas", "select layers in a rectangle"),
    ("Ctrl + mouse wheel", "zoom"),
    ("Middle-drag, or Space + drag", "pan"),
    ("Esc", "cancel a connection being dragged"),
)


def ask_save_changes(parent: QWidget | None, name: str) -> str:
    """'save', 'discard' or 'cancel'."""
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent, "Unsaved changes", f"Save the changes to {name} before closing it?",
        buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
    if answer == buttons.Save:
        return "save"
    if answer == buttons.Discard:
        return "discard"
    return "cancel"


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


class ShortcutsDialog(QDialog):
    """Every menu action with its shortcut, and the canvas gestures."""

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.resize(560, 560)
        rows = [(a.text().replace("&", "").rstrip("…").rstrip("."),
                 ", ".join(s.toString() for s in a.shortcuts()))
                for a in actions if a.shortcuts()]
        rows += list(CANVAS_GESTURES)
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Action", "Keys"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        for r, (what, keys) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(what))
            self.table.setItem(r, 1, QTableWidgetItem(keys))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)


def about_text() -> str:
    return (f"<h3>NN Studio {html.escape(nnstudio.__version__)}</h3>"
            "<p>Build, train and see inside neural networks, with its own NumPy/CuPy engine.</p>"
            "<p>Drag layers onto the canvas, connect them, and watch shapes and parameter "
            "counts update as you edit.</p>")


def show_about(parent: QWidget | None) -> None:
    QMessageBox.about(parent, "About NN Studio", about_text())
