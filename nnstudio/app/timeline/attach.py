"""Puts the timeline into the main window: the Timeline dock, fed the checkpoints of every
run; its slider swaps the weights the inspection views and the digit pad ask; it branches
a run from a checkpoint, and hands the checkpoints to Save and takes them from Open."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QWidget

from nnstudio.app.inspect.refresh import RefreshWhenVisible
from nnstudio.app.timeline.panel import TimelinePanel
from nnstudio.app.timeline.timelapse import legend_html, probabilities_over_time
from nnstudio.engine.events import Checkpoint
from nnstudio.running.build import BuildError, build_network, weights_fit
from nnstudio.running.checkpoints import Timeline, checkpoint_label
from nnstudio.running.inspection_copy import InspectionCopy, RunContext
from nnstudio.running.training_process.state import RunState
from nnstudio.running.weight_check import check_weights
from nnstudio.spec.network import NetworkSpec

TIMELINE_DOCK = "timeline_dock"
# The time-lapse asks the network once per checkpoint (about 50 ms for a lenet5 timeline
# here): it waits until the input has not changed for this long (a stroke being drawn).
LAPSE_WAIT_MS = 250


def short_origin(origin: str) -> str:
    """"run 2" of "run 2: adam lr 0.002, batch 64", "l5.nnstudio" of "saved in
    l5.nnstudio"."""
    return origin.partition(":")[0].removeprefix("saved in ") or "the training"


class TimelineUI(QObject):
    """Owns the timeline of one window (``timeline``: the latest run's, or the opened
    project's)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.training.controller
        self.source = window.inspect.source
        self.current = window.inspect.current
        self.timeline = Timeline()
        self.shown: int | None = None  # the checkpoint the views show; None: the newest
        self._pending_branch: Timeline | None = None
        self._scrub_copy: InspectionCopy | None = None
        self._lapse_copy: InspectionCopy | None = None
        self.panel = TimelinePanel()
        self.dock = window.add_dock(self.panel, "Timeline", TIMELINE_DOCK,
                                    Qt.DockWidgetArea.BottomDockWidgetArea)
        self.lapse_refresher = RefreshWhenVisible(self.panel.timelapse, self.refresh_timelapse,
                                                  interval_ms=LAPSE_WAIT_MS)

        self.controller.run_started.connect(self._on_run_started)
        self.controller.checkpoint_taken.connect(self._on_checkpoint)
        self.controller.state_changed.connect(self._on_state)
        window.document.reset.connect(self._forget)
        self.current.changed.connect(self._on_input_changed)
        self.panel.scrubbed.connect(self.show_checkpoint)
        self.panel.branch_requested.connect(self.branch)
        self._show()

    # -- what the file menu asks -------------------------------------------------------------
    def load(self, checkpoints: list[Checkpoint], origin: str) -> None:
        """The timeline saved with an opened project (``origin``: "saved in l5.nnstudio")."""
        self._reset(Timeline(origin, list(checkpoints)))

    def checkpoints_for(self, spec: NetworkSpec) -> list[Checkpoint]:
        """The checkpoints to save with ``spec``: none once they no longer fit it, nor
        without trained weights to save (weights edited by hand replaced them)."""
        if not self.timeline.checkpoints or self.window.training.weights is None:
            return []
        fits = weights_fit(spec, self.timeline[-1].weights)
        return list(self.timeline.checkpoints) if fits else []

    # -- commands ----------------------------------------------------------------------------
    @Slot(int)
    def show_checkpoint(self, index: int) -> bool:
        """The inspection views and the pad show checkpoint ``index``; False when they
        cannot (no network to show, a run going on)."""
        if not 0 <= index < len(self.timeline) or self.controller.state.active:
            return False
        copy = self._scrub_copy
        if copy is None:
            viewer = self.source.viewer
            if viewer is None:
                return False
            copy = self._scrub_copy = InspectionCopy(viewer.spec, viewer.training)
        checkpoint = self.timeline[index]
        copy.load_weights(checkpoint.weights)
        self.shown = index
        if self.panel.slider.value() != index:
            self.panel.slider.setValue(index)
        self.source.show_checkpoint(copy, f"checkpoint at {checkpoint_label(checkpoint)}")
        self.panel.show_position(self.timeline)
        return True

    @Slot(int)
    def branch(self, index: int) -> bool:
        """Continue training from checkpoint ``index`` as a new run; its timeline begins
        with this one's up to there."""
        if not 0 <= index < len(self.timeline) or self.controller.state.active:
            return False
        spec, training = self.window.document.snapshot()
        checkpoint = self.timeline[index]
        try:
            report = check_weights(build_network(spec, training), checkpoint.weights)
            problem = report.error_message()
        except (KeyError, ValueError, BuildError) as error:
            problem = str(error)
        if problem:
            self.controller.problem.emit(
                "Cannot continue from this checkpoint",
                f"Its weights no longer fit the network on the canvas: {problem}")
            return False
        self._pending_branch = self.timeline.branch(index)
        note = (f", from {short_origin(self.timeline.origin)} at "
                f"{checkpoint_label(checkpoint)}")
        if not self.controller.start(spec, training, weights=checkpoint.weights, note=note,
                                     start_epoch=checkpoint.epoch):
            self._pending_branch = None
            return False
        return True

    def continue_saved(self, spec: NetworkSpec) -> tuple[str, float] | None:
        """A run is about to continue from the opened project's saved weights: its
        timeline will be a branch of the saved one at its newest checkpoint (those kept).
        (The run's label note, its start epoch), or None without a saved timeline that
        fits ``spec``."""
        timeline = self.timeline
        if not len(timeline) or self.controller.state.active \
                or not weights_fit(spec, timeline[-1].weights):
            return None
        self._pending_branch = timeline.branch(len(timeline) - 1)
        last = timeline[-1]
        return f", from {short_origin(timeline.origin)} at {checkpoint_label(last)}", last.epoch

    def drop_pending_branch(self) -> None:
        """The run ``continue_saved`` prepared for did not start."""
        self._pending_branch = None

    # -- reactions ---------------------------------------------------------------------------
    @Slot(object)
    def _on_run_started(self, context: RunContext) -> None:
        timeline, self._pending_branch = self._pending_branch, None
        if timeline is None:
            timeline = Timeline()
        timeline.origin = context.label
        self._reset(timeline)

    @Slot(object)
    def _on_checkpoint(self, checkpoint: Checkpoint) -> None:
        if self.timeline.add(checkpoint):
            self._show()

    @Slot(object)
    def _on_state(self, state: RunState) -> None:
        if state is RunState.IDLE:
            self._pending_branch = None  # a branch that never started
            self.lapse_refresher.request()  # (the time-lapse waits for the run's end)
        self._show()

    @Slot()
    def _forget(self) -> None:
        self._reset(Timeline())

    def _reset(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.shown = None
        self._scrub_copy = self._lapse_copy = None
        self.panel.count = -1  # the slider goes to the newest checkpoint
        self._show()
        self.lapse_refresher.request()

    @Slot()
    def _on_input_changed(self) -> None:
        timer = self.lapse_refresher.timer
        was_waiting = timer.isActive()
        self.lapse_refresher.request()
        if was_waiting:
            timer.start()  # start the wait again: a debounce, not a throttle

    def _show(self) -> None:
        self.panel.show_timeline(self.timeline, busy=self.controller.state.active)

    # -- the time-lapse ----------------------------------------------------------------------
    def refresh_timelapse(self) -> None:
        """The time-lapse of the current input; while a run goes on it waits for its end
        (asking every checkpoint would take the window's time from the live views)."""
        if self.controller.state.active:
            self.panel.lapse_caption.setText("The time-lapse of the input over the "
                                             "checkpoints follows when the run ends.")
            return
        panel, viewer = self.panel, self.source.viewer
        x = self.current.x() if len(self.timeline) and viewer is not None else None
        if x is None:
            panel.timelapse.show_probabilities(self.timeline.epochs(), _empty())
            panel.lapse_legend.setText("")
            panel.lapse_caption.setText(
                "The time-lapse: how the network's answer for the input changed over the "
                "checkpoints. " + (self.current.problem or "Train first."))
            return
        copy = self._lapse_copy
        if copy is None:
            copy = self._lapse_copy = InspectionCopy(viewer.spec, viewer.training)
        try:
            probabilities = probabilities_over_time(copy, self.timeline.checkpoints, x)
        except (KeyError, ValueError) as error:  # the checkpoints are of another network
            panel.timelapse.show_probabilities(self.timeline.epochs(), _empty())
            panel.lapse_legend.setText("")
            panel.lapse_caption.setText(f"No time-lapse: {error}")
            return
        classes = self.source.classes()
        if len(classes) != probabilities.shape[1]:  # one sigmoid output: classes 0 and 1
            classes = [str(i) for i in range(probabilities.shape[1])]
        panel.timelapse.show_probabilities(self.timeline.epochs(), probabilities)
        panel.lapse_legend.setText(legend_html(classes, int(np.argmax(probabilities[-1]))))
        panel.lapse_caption.setText(f"The time-lapse of {self.current.describe()}: each "
                                    f"class's probability at every checkpoint")
        if self.shown is not None:
            panel.timelapse.mark(self.shown)


def _empty() -> np.ndarray:
    return np.zeros((0, 0))
