"""Small dialogs: save-changes question, errors, keyboard shortcuts, about."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
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
    ("Add a layer where it is dropped (onto a connection: insert it)", "Drag from the palette"),
    ("Append after the selected layer", "Double-click in the palette"),
    ("Connect two layers", "Drag from a port to a layer"),
    ("Select layers in a rectangle", "Drag on empty canvas"),
    ("Zoom", "Ctrl + mouse wheel"),
    ("Pan", "Middle-drag, or Space + drag"),
    ("Cancel a connection being dragged", "Esc"),
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
    """Every menu action with its shortcut, by menu, and the canvas gestures."""

    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.resize(600, 640)
        rows = [*rows, ("Canvas", ""), *CANVAS_GESTURES]
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Action", "Keys"])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setShowGrid(False)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        bold = QFont(self.table.font())
        bold.setBold(True)
        for r, (what, keys) in enumerate(rows):
            first = QTableWidgetItem(what if keys else what.upper())
            if not keys:
                first.setFont(bold)
                first.setForeground(QColor("#5b6675"))
            self.table.setItem(r, 0, first)
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
