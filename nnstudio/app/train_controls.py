"""The hook for the training views: Train menu actions turned into signals, and a state
that says which of them are enabled.

The training issue connects ``start_requested`` & co. to its controller and calls
``set_state`` as the run goes ('idle' once a trainer is connected, 'running', 'paused').
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from nnstudio.app.actions import Actions

STATES = ("unavailable", "idle", "starting", "running", "paused", "unresponsive")
ENABLED = {
    "unavailable": (),
    "idle": ("train_start", "train_step"),
    "starting": ("train_stop",),
    "running": ("train_pause", "train_stop"),
    "paused": ("train_start", "train_stop", "train_step"),
    # The training process stopped answering: Stop ends it, Start ends it and starts anew.
    "unresponsive": ("train_start", "train_stop"),
}
NO_TRAINER_TIP = "No trainer is connected to this window"


class TrainControls(QObject):
    start_requested = Signal()
    pause_requested = Signal()
    stop_requested = Signal()
    step_requested = Signal()
    state_changed = Signal(str)

    def __init__(self, actions: Actions, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.actions = actions
        self._tips = {name: getattr(actions, name).toolTip() for name in self.action_names()}
        actions.train_start.triggered.connect(self.start_requested)
        actions.train_pause.triggered.connect(self.pause_requested)
        actions.train_stop.triggered.connect(self.stop_requested)
        actions.train_step.triggered.connect(self.step_requested)
        self._state = ""
        self.set_state("unavailable")

    @staticmethod
    def action_names() -> tuple[str, ...]:
        return ("train_start", "train_pause", "train_stop", "train_step")

    @property
    def state(self) -> str:
        return self._state

    def set_state(self, state: str) -> None:
        if state not in STATES:
            raise ValueError(f"training state must be one of {', '.join(STATES)}, not {state!r}")
        self._state = state
        for name in self.action_names():
            action = getattr(self.actions, name)
            action.setEnabled(name in ENABLED[state])
            action.setToolTip(self._tips[name] if state != "unavailable" else
                              f"{self._tips[name]} ({NO_TRAINER_TIP.lower()})")
        self.actions.train_start.setText("&Resume" if state == "paused" else "&Start")
        self.state_changed.emit(state)
