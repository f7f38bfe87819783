"""Small dialogs: the questions the window asks (save changes, continue training, a file
changed on disk), errors, keyboard shortcuts, about."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication
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
from nnstudio.app import theme

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


def choice_box(parent: QWidget | None, title: str, text: str,
               choices: list[tuple[str, str]], informative: str = "") -> QMessageBox:
    """A question with one button per (key, label) in ``choices`` (the first is the default)
    and Cancel; each button remembers its key in the property "choice"."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    for index, (key, label) in enumerate(choices):
        button = box.addButton(label, QMessageBox.ButtonRole.AcceptRole)
        button.setProperty("choice", key)
        if index == 0:
            box.setDefaultButton(button)
    box.addButton(QMessageBox.StandardButton.Cancel)
    return box


def answer(box: QMessageBox) -> str | None:
    """Show a ``choice_box``; the key of the button pressed, or None for Cancel (or Esc)."""
    box.exec()
    clicked = box.clickedButton()
    key = clicked.property("choice") if clicked is not None else None
    return str(key) if key else None


def continue_training_box(parent: QWidget | None, origin: str) -> QMessageBox:
    return choice_box(
        parent, "Continue training?",
        f"This network has trained weights ({origin}).",
        [("continue", "Continue From Saved Weights"), ("fresh", "Start Fresh")],
        "Continue trains on from them; Start Fresh begins again from new random weights "
        "(the saved ones stay in the file until you save).")


def ask_continue_training(parent: QWidget | None, origin: str) -> str | None:
    """'continue' (from the saved weights), 'fresh' (new starting weights) or None."""
    return answer(continue_training_box(parent, origin))


def file_changed_box(parent: QWidget | None, name: str) -> QMessageBox:
    return choice_box(
        parent, "The file changed on disk",
        f"{name} was changed by another window or program since you opened or saved it.",
        [("save_as", "Save As…"), ("overwrite", "Overwrite")],
        "Overwrite replaces those changes with yours; Save As keeps both.")


def ask_file_changed(parent: QWidget | None, name: str) -> str | None:
    """'save_as', 'overwrite' or None (cancel: save nothing)."""
    return answer(file_changed_box(parent, name))


def weights_need_project_box(parent: QWidget | None, name: str) -> QMessageBox:
    return choice_box(
        parent, "Keep the trained weights?",
        f"{name} is a network JSON file: it cannot hold the trained weights.",
        [("project", "Save As Project…"), ("network", "Save Without Weights")],
        "Save As Project writes a .nnstudio file with the network, its settings, the "
        "trained weights and the training history.")


def ask_weights_need_project(parent: QWidget | None, name: str) -> str | None:
    """'project' (save as .nnstudio), 'network' (the JSON file, without weights) or None."""
    return answer(weights_need_project_box(parent, name))


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def write_error_log(text: str) -> Path | None:
    """Append an error report to the log file; its path, or None if it cannot be written."""
    import time

    import platformdirs

    path = Path(platformdirs.user_log_dir("nnstudio")) / "nnstudio.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} "
                      f"NN Studio {nnstudio.__version__}\n")
            log.write(text + "\n")
    except OSError:
        return None
    return path


def show_exception(parent: QWidget | None, headline: str, details: str,
                   log: Path | None) -> None:
    """The error in plain words, the traceback under Show Details, a button to copy it."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Unexpected error")
    where = f" It was also written to {log}." if log else ""
    box.setText(f"{headline}\n\nYour work is kept (and saved to the recovery file). "
                f"Please report this error.{where}")
    box.setDetailedText(details)
    copy = box.addButton("Copy Details", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
    box.exec()


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
                first.setForeground(QColor(theme.MUTED_TEXT))
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
