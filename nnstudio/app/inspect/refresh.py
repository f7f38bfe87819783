"""Refresh a view soon after a change, at most every few tens of milliseconds, and only
while it is on screen: a hidden tab catches up when it is shown. Training publishes
weights four times a second and the pad changes with every mouse move; views nobody looks
at should not spend that time."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class RefreshWhenVisible(QObject):
    def __init__(self, widget: QWidget, refresh: Callable[[], None],
                 interval_ms: int = 40) -> None:
        super().__init__(widget)
        self.widget = widget
        self.refresh = refresh
        self.dirty = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.run)
        widget.installEventFilter(self)

    def request(self) -> None:
        """Something changed: refresh soon if visible, else when next shown. Requests
        while one is pending fold into it (a throttle, not a debounce)."""
        self.dirty = True
        if self.widget.isVisible() and not self.timer.isActive():
            self.timer.start()

    def run(self) -> None:
        """Refresh now if something changed."""
        self.timer.stop()
        if self.dirty:
            self.dirty = False
            self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        # Python attributes may already be gone while Qt tears the widgets down at exit.
        if watched is getattr(self, "widget", None):
            if event.type() == QEvent.Type.Show and self.dirty and not self.timer.isActive():
                self.timer.start()
            elif event.type() == QEvent.Type.Hide:
                self.timer.stop()
        return False
