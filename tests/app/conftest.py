"""Qt test setup: offscreen by default (``--headed`` to watch under a display or Xvfb), a
temporary settings file per test, no unexpected modal dialogs, and a failure when a test
leaves a QThread, a QTimer or a training process running."""

from __future__ import annotations

import multiprocessing
import os
import sys

if "--headed" not in sys.argv:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import shiboken6  # noqa: E402
from PySide6.QtCore import QSettings, QThread, QTimer  # noqa: E402
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox  # noqa: E402


@pytest.fixture(autouse=True)
def settings_path(tmp_path: Path) -> Iterator[str]:
    """A settings file for this test only; default-constructed QSettings land here too."""
    folder = tmp_path / "settings"
    folder.mkdir()
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
        QSettings.setPath(QSettings.Format.NativeFormat, scope, str(folder))
    yield str(folder / "nnstudio-test.ini")


def _unexpected(name: str):  # noqa: ANN202 - a stand-in with any signature
    def fail(*args: object, **kwargs: object) -> object:
        raise AssertionError(f"unexpected modal dialog: {name} (patch it in the test)")
    return fail


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal dialog would block an offscreen test forever: fail instead. Tests that
    expect one patch it themselves (after this fixture has run)."""
    for name in ("question", "warning", "critical", "information", "about"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(_unexpected(f"QMessageBox.{name}")))
    for name in ("getOpenFileName", "getSaveFileName", "getExistingDirectory"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(_unexpected(f"QFileDialog.{name}")))
    monkeypatch.setattr(QDialog, "exec", _unexpected("QDialog.exec"))


@pytest.fixture(autouse=True)
def no_dangling_threads_or_timers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail the test if a QThread it started still runs, or a QTimer it started is still
    active, once its widgets are closed (the fixture tears down after qtbot's)."""
    threads: list[QThread] = []
    timers: list[QTimer] = []
    thread_start, timer_start = QThread.start, QTimer.start

    def start_thread(self: QThread, *args: object) -> None:
        threads.append(self)
        thread_start(self, *args)

    def start_timer(self: QTimer, *args: object) -> None:
        timers.append(self)
        timer_start(self, *args)

    monkeypatch.setattr(QThread, "start", start_thread)
    monkeypatch.setattr(QTimer, "start", start_timer)
    yield
    running = [t for t in threads if shiboken6.isValid(t) and t.isRunning()]
    active = [t for t in timers if shiboken6.isValid(t) and t.isActive()]
    assert not running, f"{len(running)} QThread(s) left running"
    assert not active, f"{len(active)} QTimer(s) left active"
    children = multiprocessing.active_children()  # training processes, spares included
    assert not children, f"{len(children)} training process(es) left running: {children}"


@pytest.fixture
def window(qtbot, settings_path: str):  # noqa: ANN001, ANN201 - qtbot's type is pytest-qt's
    """A main window on the default preset, with temporary settings; closed without a
    save prompt at the end of the test."""
    from nnstudio.app.main_window import MainWindow
    from nnstudio.app.settings import make_settings

    win = MainWindow(settings=make_settings(settings_path))
    qtbot.addWidget(win, before_close_func=lambda w: w.document.mark_saved(w.document.path))
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    return win
