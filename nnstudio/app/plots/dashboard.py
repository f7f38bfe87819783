"""The training dashboard: the live views, fed by the training controller's events, redrawn
from one timer at about 20 Hz, and only the views that have something new."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget

from nnstudio.app.plots.activations_view import ActivationsView
from nnstudio.app.plots.base import LiveView
from nnstudio.app.plots.boundary_view import BoundaryView
from nnstudio.app.plots.confusion_view import ConfusionView
from nnstudio.app.plots.filters_view import FiltersView
from nnstudio.app.plots.gradients_view import GradientsView
from nnstudio.app.plots.loss_view import LossView
from nnstudio.app.plots.misclassified_view import MisclassifiedView
from nnstudio.app.plots.regression_view import PredictedView
from nnstudio.app.plots.validation import ValidationResults
from nnstudio.app.plots.view_help import explain_views
from nnstudio.engine.events import BatchEnd, Diverged, EpochEnd, Finished, Snapshot
from nnstudio.running.inspection_copy import InspectionCopy, RunContext
from nnstudio.spec.training import TrainingSpec

REFRESH_MS = 50


def with_validation_arrays(context: RunContext) -> RunContext:
    """The context with empty arrays where a run without validation samples has None
    (the trainer's x_val is None then), so the views need no special case."""
    if context.x_val is not None and context.y_val is not None:
        return context
    empty_x = np.zeros((0, *context.input_shape), dtype=np.float32)
    return replace(context, x_val=empty_x, y_val=np.zeros(0, dtype=np.int64))


class Dashboard(QObject):
    """Owns the views and the one refresh timer.

    A ``RunListener`` (``nnstudio.running.training_process.listener``): the training
    controller it is attached to (``controller.attach(dashboard)``) calls the slots on the GUI
    thread: ``start_run(context, viewer)`` once per run, then ``on_batch``, ``on_epoch``,
    ``on_snapshot`` (after loading the snapshot's weights into the viewer), ``on_diverged``
    and ``on_finished``. They only
    hand data to the views, which mark themselves dirty; the timer (``REFRESH_MS``) then
    redraws the dirty views that are on screen, and stops itself when all are drawn.
    ``views()`` gives the widgets for docks or tabs; ``sample_selected(index)`` says which
    validation sample the person clicked; ``stop()`` when the window closes.
    """

    sample_selected = Signal(int)  # index into context.x_val

    def __init__(self, parent: QObject | None = None, interval_ms: int = REFRESH_MS) -> None:
        super().__init__(parent)
        self.loss_view = LossView()
        self.activations_view = ActivationsView()
        self.filters_view = FiltersView()
        self.gradients_view = GradientsView()
        self.misclassified_view = MisclassifiedView()
        self.confusion_view = ConfusionView()
        self.boundary_view = BoundaryView()
        self.predicted_view = PredictedView()
        self._views: dict[str, LiveView] = {
            "Loss": self.loss_view,
            "Activations": self.activations_view,
            "Filters": self.filters_view,
            "Gradients": self.gradients_view,
            "Misclassified": self.misclassified_view,
            "Confusion": self.confusion_view,
            "Decision boundary": self.boundary_view,
            "Predicted vs true": self.predicted_view,
        }
        explain_views(self._views)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        for view in self._views.values():
            view.changed.connect(self._wake)
            view.sample_selected.connect(self.select_sample)
        self.context: RunContext | None = None
        self.viewer: InspectionCopy | None = None
        self._active = True
        # (epoch, its validation outputs, or None to compute them here) for the next tick
        self._pending_validation: tuple[int, np.ndarray | None] | None = None
        self.refresh_ms: dict[str, float] = {}  # last redraw cost of each view
        self._ticks = 0  # timer ticks that drew something: every other one is the loss's
        self._drawn_at: dict[str, float] = {}  # perf_counter of each view's last redraw

    def views(self) -> dict[str, QWidget]:
        """{title: widget} for the main window's docks or tabs."""
        return dict(self._views)

    # -- slots (GUI thread) ------------------------------------------------------------------
    @Slot(object, object)
    def start_run(self, context: RunContext, viewer: InspectionCopy) -> None:
        context = with_validation_arrays(context)
        self.context, self.viewer = context, viewer
        self._active = True
        self._pending_validation = None
        for view in self._views.values():
            view.begin_run(context, viewer)

    def show_saved_history(self, label: str, history: dict,
                           training: TrainingSpec | None = None) -> None:
        """The curves of a run saved with the document (``history`` as in a project's
        history.json, ``training`` its settings), until the next run starts."""
        self.loss_view.show_history(label, history, training)
        self._wake()

    @Slot(object)
    def on_batch(self, event: BatchEnd) -> None:
        for view in self._views.values():
            view.on_batch(event)

    @Slot(object)
    def on_epoch(self, event: EpochEnd) -> None:
        for view in self._views.values():
            view.on_epoch(event)
        context = self.context
        if context is None or context.dataset.task != "classification" \
                or not len(context.x_val):
            return
        # Published at the next tick, the newest epoch's only: a toy set's run ends thousands
        # of epochs a second, and each publication redraws several views. Outputs the event
        # does not carry are computed then, after the controller has loaded the epoch's
        # weights.
        self._pending_validation = (event.epoch, event.val_outputs)
        self._wake()

    @Slot(object)
    def on_snapshot(self, event: Snapshot) -> None:
        for view in self._views.values():
            view.on_snapshot(event)

    @Slot(object)
    def on_finished(self, event: Finished) -> None:
        self._publish_pending_validation()
        for view in self._views.values():
            view.on_finished(event)

    @Slot(object)
    def on_diverged(self, event: Diverged) -> None:
        for view in self._views.values():
            view.on_diverged(event)

    @Slot(int)
    def select_sample(self, index: int) -> None:
        """Show sample ``index`` in the activations view and tell the rest of the app."""
        self.activations_view.set_sample(index)
        self.sample_selected.emit(index)

    # -- validation results -------------------------------------------------------------------
    def _publish_validation(self, epoch: int, outputs: np.ndarray) -> None:
        assert self.context is not None
        results = ValidationResults.from_outputs(epoch, outputs, self.context.y_val,
                                                 len(self.context.classes
                                                     or self.context.dataset.classes))
        for view in self._views.values():
            view.on_validation(results)

    def _publish_pending_validation(self) -> None:
        pending, self._pending_validation = self._pending_validation, None
        if pending is None or self.context is None:
            return
        epoch, outputs = pending
        if outputs is None:
            if self.viewer is None:
                return
            outputs = self.viewer.predict(self.context.x_val)
        self._publish_validation(epoch, outputs)

    # -- the timer -------------------------------------------------------------------------
    def _wake(self) -> None:
        if self._active and not self.timer.isActive():
            self.timer.start()

    def _tick(self) -> None:
        self.refresh(on_screen=True)
        pending = any(v.dirty and v.isVisible() for v in self._views.values())
        if not pending and self._pending_validation is None:
            self.timer.stop()  # idle until something new arrives

    def refresh(self, on_screen: bool = False) -> bool:
        """Redraw every dirty view; True when any drew. With ``on_screen`` (the timer's
        way) only views on screen, each at most once per its ``min_interval_ms``, and only
        ONE view per tick - the one that waited longest, with the loss curves first every
        other tick - so a single event-loop pass never paints several plots at once and
        the window stays responsive. Tests call this directly instead of the timer."""
        self._publish_pending_validation()
        drew = False
        now = time.perf_counter()
        due = []
        for name, view in self._views.items():
            if not view.dirty:
                continue
            if on_screen and (not view.isVisible()
                              or now - self._drawn_at.get(name, -1e9)
                              < view.min_interval_ms / 1000):
                continue
            due.append(name)
        if on_screen and due:
            self._ticks += 1
            loss_turn = self._ticks % 2 == 0 and "Loss" in due
            due = ["Loss"] if loss_turn else [min(due, key=lambda n: self._drawn_at.get(n, -1e9))]
        for _ in range(1 if on_screen else 4):  # a view may draw in parts (Gradients)
            for name in due:
                view = self._views[name]
                start = time.perf_counter()
                drew |= view.refresh()
                self._drawn_at[name] = start
                self.refresh_ms[name] = 1000 * (time.perf_counter() - start)
            due = [name for name in due if self._views[name].dirty]
        return drew

    def stop(self) -> None:
        """Stop the timer (closing the window, or the end of a test)."""
        self._active = False
        self.timer.stop()
