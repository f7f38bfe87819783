"""Python's garbage collector runs on whichever thread happens to allocate. If it frees a
cycle holding a Qt object on the worker thread, Qt destroys that object on the wrong thread,
which can deadlock with the GUI thread. While a worker runs, automatic collection is off and
this guard collects on the GUI thread instead (pyqtgraph's GarbageCollector does the same)."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot


class GuiThreadCollector(QObject):
    INTERVAL_MS = 500

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(self.INTERVAL_MS)
        self.timer.timeout.connect(self.collect)
        self._was_enabled = True

    def begin(self) -> None:
        if not self.timer.isActive():
            self._was_enabled = gc.isenabled()
            gc.disable()
            self.timer.start()

    def end(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self.collect()
            if self._was_enabled:
                gc.enable()  # the automatic collector takes the oldest generation from here

    @Slot()
    def collect(self) -> None:
        """Collect the young generations when due. The oldest one is left for the end of the
        run: a full collection of a large heap can take seconds on the GUI thread."""
        thresholds = gc.get_threshold()
        counts = gc.get_count()
        if counts[1] > thresholds[1]:
            gc.collect(1)
        elif counts[0] > thresholds[0]:
            gc.collect(0)
