"""What every live view shares: it takes the run's events, marks itself dirty, and redraws
only when the dashboard's timer asks (``refresh``), from the newest data it holds."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QStackedLayout, QVBoxLayout, QWidget

from nnstudio.app.plots import style
from nnstudio.app.plots.validation import ValidationResults
from nnstudio.engine.events import BatchEnd, Diverged, EpochEnd, Finished, Snapshot
from nnstudio.running.inspection_copy import InspectionCopy, RunContext


class LiveView(QWidget):
    """A view fed by training events. Event handlers only store data and call
    ``mark_dirty``; all drawing happens in ``redraw``, at the timer's rate at most."""

    changed = Signal()  # went from clean to dirty: the dashboard's timer should run
    sample_selected = Signal(int)  # index into the context's samples
    # The fewest milliseconds between two redraws on the dashboard's timer: 0 follows the
    # timer (about 20 Hz); views that cost more to paint and change less ask for less.
    min_interval_ms = 0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dirty = False
        self.context: RunContext | None = None
        self.viewer: InspectionCopy | None = None
        self.setAutoFillBackground(True)
        self._stack = QStackedLayout()
        self._message = style.message()
        self._wanted: QWidget = self._message  # what the stack shows (once refreshed)
        self._holding = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self._stack)

    # -- content and message ----------------------------------------------------------
    def set_content(self, widget: QWidget) -> None:
        self._stack.addWidget(widget)
        self._stack.addWidget(self._message)
        self._content = widget
        self._show(widget)

    def show_message(self, text: str) -> None:
        self._message.setText(text)
        self._show(self._message)

    def show_content(self) -> None:
        self._show(self._content)

    def _show(self, widget: QWidget) -> None:
        self._wanted = widget
        if not self._holding:
            self._stack.setCurrentWidget(widget)

    def message_text(self) -> str | None:
        """The message shown instead of the plots, or None when the plots show."""
        return self._message.text() if self._wanted is self._message else None

    def begin_run(self, context: RunContext, viewer: InspectionCopy) -> None:
        """``start_run``, with the switch between message and plots left for the first
        refresh: the dashboard's timer then brings the views up one at a time instead of
        painting all of them in one pass."""
        self._holding = True
        try:
            self.start_run(context, viewer)
        finally:
            self._holding = False

    # -- dirty flag and refresh -------------------------------------------------------
    def mark_dirty(self) -> None:
        if not self.dirty:
            self.dirty = True
            self.changed.emit()

    def refresh(self) -> bool:
        """Redraw if something new arrived; True when it drew."""
        if self._stack.currentWidget() is not self._wanted:
            self._stack.setCurrentWidget(self._wanted)
        if not self.dirty:
            return False
        self.dirty = False
        self.redraw()
        return True

    def redraw(self) -> None:
        raise NotImplementedError

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self.dirty:  # data arrived while hidden: wake the timer
            self.changed.emit()

    # -- events (subclasses override what they use) -------------------------------------
    def start_run(self, context: RunContext, viewer: InspectionCopy) -> None:
        self.context, self.viewer = context, viewer
        self.mark_dirty()

    def on_batch(self, event: BatchEnd) -> None:
        pass

    def on_epoch(self, event: EpochEnd) -> None:
        pass

    def on_validation(self, results: ValidationResults) -> None:
        pass

    def on_snapshot(self, event: Snapshot) -> None:
        pass

    def on_finished(self, event: Finished) -> None:
        pass

    def on_diverged(self, event: Diverged) -> None:
        pass
