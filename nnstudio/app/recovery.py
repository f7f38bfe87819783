"""Never lose work: autosave to a recovery file every two minutes, and offer it back after a
crash. A clean close (or a save) removes the file, so finding one at start means the last
session ended badly."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTimer, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from nnstudio.app import document_io

AUTOSAVE_MS = 120_000
RECOVERY_NAME = "recovery.nnstudio"


def recovery_path(settings: QSettings) -> Path:
    """Beside the settings file: per user, and per test when tests use their own settings."""
    return Path(settings.fileName()).resolve().parent / "recovery" / RECOVERY_NAME


class Autosaver(QObject):
    def __init__(self, window: QWidget, interval_ms: int = AUTOSAVE_MS) -> None:
        super().__init__(window)
        self.window = window
        self.path = recovery_path(window.settings)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.autosave)
        window.closing.connect(self.discard)
        window.document.modified_changed.connect(self._on_modified)
        self.last_saved = 0.0

    @Slot()
    def autosave(self) -> bool:
        """Write the document (network, settings, weights, history) to the recovery file."""
        doc = self.window.document
        if not doc.is_modified:
            return False
        weights, history = self.window.training.weights_for(doc.spec)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            document_io.save_document(self.path, doc.spec, doc.training, weights, history)
        except document_io.DocumentError as error:
            self.window.statusBar().showMessage(f"Autosave failed: {error}", 8000)
            return False
        self.last_saved = time.time()
        return True

    @Slot(bool)
    def _on_modified(self, modified: bool) -> None:
        if modified and not self.timer.isActive():
            self.timer.start()
        elif not modified:
            self.timer.stop()
            self.path.unlink(missing_ok=True)

    @Slot()
    def discard(self) -> None:
        """The session ends cleanly: nothing to recover next time."""
        self.timer.stop()
        self.path.unlink(missing_ok=True)


def offer_recovery(window: QWidget) -> bool:
    """At start: if a recovery file is there, ask whether to restore it. True if restored."""
    path = recovery_path(window.settings)
    if not path.is_file():
        return False
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime))
    answer = QMessageBox.question(
        window, "Recover unsaved work?",
        f"NN Studio did not close normally last time. Unsaved work was kept from {when}.\n\n"
        "Recover it? (No discards it.)")
    if answer != QMessageBox.StandardButton.Yes:
        path.unlink(missing_ok=True)
        return False
    try:
        project = document_io.load_project_document(path)
    except document_io.DocumentError as error:
        QMessageBox.warning(window, "Cannot recover", str(error))
        return False
    window.document.replace(project.network, project.training, "")
    window.training.load_saved(project.weights, project.history,
                               "recovered from the last session")
    window.document.mark_modified()
    window.statusBar().showMessage("Recovered the unsaved work; save it to keep it", 10000)
    return True
