"""Work on a thread of its own, for the window: ``BackgroundJob`` owns one QThread and one
worker object (a QObject with a ``run`` slot and a ``finished`` signal) from start to
clean-up, and keeps Python's garbage collector on the GUI thread while they run.

Why the collector: Python collects on whichever thread happens to allocate. If it frees a
cycle holding a Qt object on a worker thread, Qt destroys that object on the wrong thread,
which can deadlock with the GUI thread. While any job runs, automatic collection is off and
the GUI thread collects instead (pyqtgraph's GarbageCollector does the same).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

COLLECT_INTERVAL_MS = 500


class _CollectorState:
    """How many jobs hold the automatic collector off, and whether it was on before."""

    holders = 0
    was_enabled = True


class GuiThreadCollector(QObject):
    """While begun, collects the young generations on the GUI thread when they are due.

    The oldest generation waits for the end: a full collection of a large heap can take
    seconds. Several collectors may be active at once; the automatic collector comes back
    when the last one ends.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(COLLECT_INTERVAL_MS)
        self.timer.timeout.connect(self.collect)

    def begin(self) -> None:
        if self.timer.isActive():
            return
        if _CollectorState.holders == 0:
            _CollectorState.was_enabled = gc.isenabled()
            gc.disable()
        _CollectorState.holders += 1
        self.timer.start()

    def end(self) -> None:
        if not self.timer.isActive():
            return
        self.timer.stop()
        self.collect()
        _CollectorState.holders -= 1
        if _CollectorState.holders == 0 and _CollectorState.was_enabled:
            gc.enable()  # the automatic collector takes the oldest generation from here

    @Slot()
    def collect(self) -> None:
        thresholds = gc.get_threshold()
        counts = gc.get_count()
        if counts[1] > thresholds[1]:
            gc.collect(1)
        elif counts[0] > thresholds[0]:
            gc.collect(0)


class BackgroundJob(QObject):
    """Runs ``worker.run()`` on a new thread. ``ended`` comes on the GUI thread once the
    thread has finished and both objects are scheduled for deletion; connect the worker's
    own signals before ``start()``."""

    ended = Signal()

    def __init__(self, worker: QObject, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self._thread: QThread | None = QThread()
        self._collector = GuiThreadCollector(self)
        worker.moveToThread(self._thread)
        self._thread.started.connect(worker.run)
        worker.finished.connect(self._thread.quit)
        self._thread.finished.connect(self._on_thread_finished)

    def start(self) -> None:
        self._collector.begin()
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def wait(self, timeout_ms: int | None = None) -> bool:
        """Block until the worker is done (``timeout_ms``: give up after that); True when
        it is, and then ``ended`` has been emitted."""
        thread = self._thread
        if thread is None:
            return True
        thread.quit()  # takes effect once run() has returned
        done = thread.wait() if timeout_ms is None else thread.wait(timeout_ms)
        if done:
            self._on_thread_finished()
        return done

    @Slot()
    def _on_thread_finished(self) -> None:
        thread = self._thread
        if thread is None:
            return
        self._thread = None
        self._collector.end()
        self.worker.deleteLater()
        thread.deleteLater()
        self.ended.emit()
