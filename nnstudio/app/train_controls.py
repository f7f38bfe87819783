"""The hook for the training views: Train menu actions turned into signals, and a state
that says which of them are enabled.

The training side connects ``start_requested`` & co. to its controller and calls
``set_state`` with the run's ``RunState`` as it changes; until then (None) no trainer is
connected and every action is off.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from nnstudio.app.actions import Actions
from nnstudio.running.training_process.state import RunState

# The actions each state enables; None: no trainer is connected to the window.
ENABLED: dict[RunState | None, tuple[str, ...]] = {
    None: (),
    RunState.IDLE: ("train_start", "train_step"),
    RunState.STARTING: ("train_stop",),
    RunState.RUNNING: ("train_pause", "train_stop"),
    RunState.PAUSED: ("train_start", "train_stop", "train_step"),
    # The training process stopped answering: Stop ends it, Start ends it and starts anew.
    RunState.UNRESPONSIVE: ("train_start", "train_stop"),
}
NO_TRAINER_TIP = "No trainer is connected to this window"


class TrainControls(QObject):
    start_requested = Signal()
    pause_requested = Signal()
    stop_requested = Signal()
    step_requested = Signal()
    state_changed = Signal(object)  # RunState, or None: no trainer

    def __init__(self, actions: Actions, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.actions = actions
        self._tips = {name: getattr(actions, name).toolTip() for name in self.action_names()}
        actions.train_start.triggered.connect(self.start_requested)
        actions.train_pause.triggered.connect(self.pause_requested)
        actions.train_stop.triggered.connect(self.stop_requested)
        actions.train_step.triggered.connect(self.step_requested)
        self._state: RunState | None = None
        self.set_state(None)

    @staticmethod
    def action_names() -> tuple[str, ...]:
        return ("train_start", "train_pause", "train_stop", "train_step")

    @property
    def state(self) -> RunState | None:
        return self._state

    def set_state(self, state: RunState | None) -> None:
        if state is not None and not isinstance(state, RunState):
            raise TypeError(f"a training state is a RunState or None, not {state!r}")
        self._state = state
        for name in self.action_names():
            action = getattr(self.actions, name)
            action.setEnabled(name in ENABLED[state])
            action.setToolTip(self._tips[name] if state is not None else
                              f"{self._tips[name]} ({NO_TRAINER_TIP.lower()})")
        self.actions.train_start.setText("&Resume" if state is RunState.PAUSED else "&Start")
        self.state_changed.emit(state)
