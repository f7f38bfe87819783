"""The window's side of the run protocol: the controller changes state only along
runs.state's table, reports what the training process refused, and feeds the listeners
attached to it; the Train actions take a RunState, never a string."""

from __future__ import annotations

import pytest

from nnstudio.app.training.controller import TrainingController
from nnstudio.running.training_process.messages import Refused
from nnstudio.running.training_process.state import RunState


@pytest.fixture
def controller(qtbot):  # noqa: ANN001, ANN201
    ctl = TrainingController()
    yield ctl
    ctl.shutdown()


def test_an_illegal_transition_is_refused_and_logged(controller, transitions_followed) -> None:
    states = []
    controller.state_changed.connect(states.append)
    assert not controller._set_state(RunState.RUNNING)  # idle: a run starts by starting
    assert controller.state is RunState.IDLE and states == []
    assert transitions_followed == ["The training controller refused to go from idle to "
                                    "running"]
    transitions_followed.clear()  # (expected here)


def test_a_legal_transition_is_made_and_announced(controller) -> None:
    states = []
    controller.state_changed.connect(states.append)
    controller._job = object()  # as during a run
    for state in (RunState.STARTING, RunState.PAUSED, RunState.UNRESPONSIVE,
                  RunState.PAUSED, RunState.RUNNING, RunState.IDLE):
        assert controller._set_state(state)
    assert states == [RunState.STARTING, RunState.PAUSED, RunState.UNRESPONSIVE,
                      RunState.PAUSED, RunState.RUNNING, RunState.IDLE]
    controller._job = None


def test_a_refused_command_is_logged_and_said(controller, transitions_followed) -> None:
    messages = []
    controller.message.connect(messages.append)
    controller._job = object()  # as during a run
    controller._on_event(Refused("('pause',)", "not a command (tuple)"))
    controller._job = None
    assert transitions_followed == ["The training process refused the command ('pause',): "
                                    "not a command (tuple)"]
    assert messages == ["The training process refused a command (not a command (tuple))"]
    transitions_followed.clear()


def test_only_a_run_listener_can_be_attached(controller) -> None:
    with pytest.raises(TypeError, match="dict cannot follow a run: it has no start_run"):
        controller.attach({})


def test_the_dashboard_is_a_run_listener_and_can_be_detached(controller, qtbot) -> None:  # noqa: ANN001
    from nnstudio.app.plots.dashboard import Dashboard
    from nnstudio.running.training_process.listener import missing_methods

    dashboard = Dashboard()
    try:
        assert missing_methods(dashboard) == []
        controller.attach(dashboard)
        controller.attach(dashboard)  # once is enough
        assert controller._listeners == [dashboard]
        controller.detach(dashboard)
        assert controller._listeners == []
    finally:
        dashboard.stop()


def test_the_train_actions_take_a_run_state_not_a_string(window) -> None:  # noqa: ANN001
    controls, actions = window.train_controls, window.actions
    with pytest.raises(TypeError, match="RunState"):
        controls.set_state("paused")
    controls.set_state(RunState.PAUSED)
    assert controls.state is RunState.PAUSED
    assert actions.train_start.text() == "&Resume" and actions.train_step.isEnabled()
    controls.set_state(RunState.UNRESPONSIVE)
    assert actions.train_stop.isEnabled() and not actions.train_pause.isEnabled()
