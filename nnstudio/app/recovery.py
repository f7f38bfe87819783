"""Never lose work: each window autosaves to a recovery file of its own every two minutes,
and work left by a window that did not close cleanly is offered back at the next start.

Every window holds a lock file beside its recovery file while it is open: a recovery file
whose lock is held belongs to a window that is still open (in this process or another) and
is neither offered nor deleted; one whose lock is free (or stale: its process is gone) was
left by a crash. A clean close (or a save) removes the window's file and its lock.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QSettings, QTimer, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from nnstudio.files import documents

AUTOSAVE_MS = 120_000
RECOVERY_FOLDER = "recovery"
LOCK_SUFFIX = ".lock"
DAMAGED_SUFFIX = ".damaged"


def recovery_dir(settings: QSettings) -> Path:
    """Beside the settings file: per user, and per test when tests use their own settings."""
    return Path(settings.fileName()).resolve().parent / RECOVERY_FOLDER


def window_lock(path: Path) -> QLockFile:
    """The lock that says the window writing ``path`` is alive (never stale by age: only
    when its process is gone)."""
    lock = QLockFile(str(path) + LOCK_SUFFIX)
    lock.setStaleLockTime(0)
    return lock


class Autosaver(QObject):
    def __init__(self, window: QWidget, interval_ms: int = AUTOSAVE_MS) -> None:
        super().__init__(window)
        self.window = window
        name = f"window-{os.getpid()}-{uuid.uuid4().hex[:12]}{documents.PROJECT_SUFFIX}"
        self.path = recovery_dir(window.settings) / name
        self.lock = window_lock(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.lock.tryLock(0)
        except OSError:
            pass  # a read-only settings folder: autosave will say it failed
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
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            documents.save_document(self.path, doc.spec, doc.training, weights, history,
                                    **self.window.kept_with_project(weights))
        except (OSError, documents.DocumentError) as error:
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
        """The window closes cleanly: nothing to recover next time."""
        self.timer.stop()
        self.path.unlink(missing_ok=True)
        self.lock.unlock()


def left_by_crashes(folder: Path, own: Path | None = None) -> list[tuple[Path, QLockFile]]:
    """Recovery files in ``folder`` whose window is gone, oldest first, each with its lock
    now held by the caller (so no other window offers it meanwhile). Locks left by windows
    that are gone with nothing to recover are removed."""
    try:
        paths = sorted(folder.glob(f"*{documents.PROJECT_SUFFIX}"),
                       key=lambda p: p.stat().st_mtime)
        locks = list(folder.glob(f"*{documents.PROJECT_SUFFIX}{LOCK_SUFFIX}"))
    except OSError:
        return []
    for lock_path in locks:
        recovery = lock_path.with_name(lock_path.name.removesuffix(LOCK_SUFFIX))
        if not recovery.exists() and recovery != own:
            lock = window_lock(recovery)
            if lock.tryLock(0):
                lock.unlock()
    found = []
    for path in paths:
        if path == own or not path.is_file():
            continue
        lock = window_lock(path)
        if lock.tryLock(0):
            found.append((path, lock))
    return found


def offer_recovery(window: QWidget) -> list[QWidget]:
    """At start: offer back each recovery file left by a window that crashed. The first one
    accepted goes into ``window``, each further one into a new window like it. Returns the
    windows that got recovered work (the caller keeps the new ones open); a file declined
    is deleted, one that cannot be read is renamed aside (``.damaged``) and said so."""
    restored: list[QWidget] = []
    own = getattr(getattr(window, "autosaver", None), "path", None)
    for path, lock in left_by_crashes(recovery_dir(window.settings), own):
        try:
            try:
                opened = documents.open_file(path)
            except documents.DocumentError as error:
                kept = path.with_name(path.name + DAMAGED_SUFFIX)
                try:
                    path.replace(kept)  # kept for a person to look at, not offered again
                    where = f"\n\nIt was kept as {kept}."
                except OSError:
                    where = ""
                QMessageBox.warning(window, "Cannot recover", f"{error}{where}")
                continue
            if not _ask(window, path, opened.network.name):
                path.unlink(missing_ok=True)
                continue
            target = window if not restored else type(window)(settings=window.settings)
            _restore(target, opened)
            if target is not window:
                target.show()
            restored.append(target)
            # The work is in the window's own recovery file now: the old one can go.
            if target.autosaver.autosave():
                path.unlink(missing_ok=True)
        finally:
            lock.unlock()
    return restored


def _ask(window: QWidget, path: Path, name: str) -> bool:
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime))
    what = f"Its unsaved work on {name!r}" if name else "Its unsaved work"
    answer = QMessageBox.question(
        window, "Recover unsaved work?",
        f"A window of NN Studio did not close normally. {what} was kept from {when}.\n\n"
        "Recover it? (No discards it.)")
    return answer == QMessageBox.StandardButton.Yes


def _restore(window: QWidget, opened: documents.Opened) -> None:
    window.document.replace(opened.network, opened.training, "")
    window.training.load_saved(opened.weights, opened.history,
                               "recovered from the last session")
    window.timeline.load(opened.checkpoints, "recovered from the last session")
    window.document.mark_modified()
    window.statusBar().showMessage("Recovered the unsaved work; save it to keep it", 10000)
