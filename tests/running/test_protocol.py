"""The run protocol: every command crosses a real pipe as the object it was and the child
acts on it; what it cannot act on it reports, and the run goes on; a run's states and the
transitions between them. No Qt here."""

from __future__ import annotations

import multiprocessing
import typing
from collections.abc import Callable
from dataclasses import FrozenInstanceError

import pytest

from nnstudio.engine.events import BatchEnd, Finished, Paused, Snapshot
from nnstudio.engine.trainer import TrainerControl
from nnstudio.running.training_process.child import (
    RunRequest,
    UnknownCommand,
    apply_command,
    apply_commands,
    await_run,
)
from nnstudio.running.training_process.commands import Begin, Command, Pause, Resume, Step, Stop
from nnstudio.running.training_process.listener import RunListener, missing_methods
from nnstudio.running.training_process.messages import BatchBlock, Failed, Ready, Refused
from nnstudio.running.training_process.process import TrainingProcess
from nnstudio.running.training_process.state import TRANSITIONS, RunState
from tests.running import requests


def xor_request(epochs: int = 100_000, **changes) -> RunRequest:
    """A run long enough to stay alive while commands arrive."""
    return requests.xor_request(epochs, **changes)


def paused_with_a_step() -> TrainerControl:
    control = TrainerControl()
    control.pause()
    control.step(2)
    return control


# What each command a running child acts on does to the trainer's control.
EFFECTS: dict[Command, tuple[Callable[[], TrainerControl], Callable[[TrainerControl], bool]]] = {
    Pause(): (TrainerControl, lambda c: c.paused and not c.stopped),
    Resume(): (paused_with_a_step, lambda c: not c.paused and not c.stopped),
    Step(3): (TrainerControl, lambda c: c.paused and c._steps_allowed == 3),
    Stop(): (TrainerControl, lambda c: c.stopped),
}


def through_a_pipe(command: object) -> object:
    """``command`` sent down a real pipe, as the window sends it, and received."""
    receiver, sender = multiprocessing.Pipe(duplex=False)
    try:
        sender.send(command)
        return receiver.recv()
    finally:
        sender.close()
        receiver.close()


def test_every_command_has_a_test_of_its_effect() -> None:
    commands = set(typing.get_args(Command))
    assert {type(c) for c in EFFECTS} | {Begin} == commands


@pytest.mark.parametrize("command", list(EFFECTS), ids=lambda c: type(c).__name__)
def test_a_command_round_trips_through_a_real_pipe_and_the_child_acts_on_it(
        command: Command) -> None:
    received = through_a_pipe(command)
    assert received == command and type(received) is type(command)
    make_control, effect = EFFECTS[command]
    control = make_control()
    apply_command(received, control)
    assert effect(control)


def test_begin_round_trips_and_gives_a_spare_its_run() -> None:
    request = xor_request(epochs=3)
    reports: list[object] = []
    commands = iter([Pause(), Begin(request)])
    received = await_run(lambda: through_a_pipe(next(commands)), reports.append)
    assert received.run_id == request.run_id and received.training == request.training
    assert [type(r) for r in reports] == [Refused], "a command before the run is reported"
    assert "Pause()" in reports[0].command and "no run yet" in reports[0].reason


def test_commands_are_frozen_and_a_step_runs_at_least_one_batch() -> None:
    with pytest.raises(FrozenInstanceError):
        Step(2).batches = 5  # type: ignore[misc]
    for batches in (0, -1, 1.5):
        with pytest.raises(ValueError, match="at least one batch"):
            Step(batches)  # type: ignore[arg-type]


@pytest.mark.parametrize("unknown", [("pause",), "stop", Begin(None)],  # type: ignore[arg-type]
                         ids=["an old tuple", "a name", "a second run"])
def test_what_a_running_child_cannot_act_on_is_an_error(unknown: object) -> None:
    control = TrainerControl()
    with pytest.raises(UnknownCommand):
        apply_command(through_a_pipe(unknown), control)
    assert not control.paused and not control.stopped


def test_the_command_thread_reports_an_unknown_command_and_goes_on() -> None:
    control = TrainerControl()
    commands = iter([("pause",), Pause(), Stop(), Resume()])
    reports: list[object] = []
    apply_commands(lambda: through_a_pipe(next(commands)), control, reports.append)
    assert [type(r) for r in reports] == [Refused]
    assert reports[0].command == "('pause',)" and "not a command (tuple)" in reports[0].reason
    assert control.paused and control.stopped, "the commands after it were applied"
    assert next(commands) == Resume(), "nothing is read after Stop"


def test_a_child_process_reports_an_unknown_command_and_its_run_goes_on() -> None:
    process = TrainingProcess(xor_request(paused=True))
    process.control.send(("pause",))  # type: ignore[arg-type] - what the window once sent
    process.control.send(Begin(xor_request()))
    process.control.step(2)
    process.start()
    seen: list[int] = []

    def messages():  # noqa: ANN202
        for message in process.messages():
            if isinstance(message, BatchBlock):
                seen.extend(b.step for b in message.batches)
                if seen == [1, 2]:
                    process.control.resume()
                elif len(seen) >= 10:
                    process.control.stop()
            yield message

    received = list(messages())
    refused = [m for m in received if isinstance(m, Refused)]
    assert [r.command for r in refused][0] == "('pause',)"
    assert "already has its run" in refused[1].reason
    assert not any(isinstance(m, Failed) for m in received)
    assert seen[:3] == [1, 2, 3], "the steps, then Resume, reached the run"
    assert [m.reason for m in received if isinstance(m, Finished)] == ["stopped"]


def test_a_spare_reports_a_command_before_its_run_and_then_runs_it() -> None:
    spare = TrainingProcess()
    spare.start()
    spare.control.send(Stop())  # a bug: the spare has no run to stop
    spare.begin(xor_request(epochs=5))
    received = list(spare.messages())
    assert isinstance(received[0], Refused) and "no run yet" in received[0].reason
    assert isinstance(received[1], Ready)
    assert [m.reason for m in received if isinstance(m, Finished)] == ["completed"]


# -- a run's states ------------------------------------------------------------------------

def test_every_state_has_its_transitions_and_a_run_always_can_end() -> None:
    assert set(TRANSITIONS) == set(RunState)
    for state in RunState:
        assert state not in TRANSITIONS[state], "staying put is no transition"
        if state is not RunState.IDLE:
            assert state.may_become(RunState.IDLE), f"{state} cannot end"


@pytest.mark.parametrize(("old", "new", "allowed"), [
    (RunState.IDLE, RunState.STARTING, True),
    (RunState.IDLE, RunState.RUNNING, False),  # a run starts by starting
    (RunState.IDLE, RunState.PAUSED, False),
    (RunState.IDLE, RunState.UNRESPONSIVE, False),  # no process to be silent
    (RunState.STARTING, RunState.RUNNING, True),
    (RunState.STARTING, RunState.PAUSED, True),  # Step from idle starts paused
    (RunState.RUNNING, RunState.PAUSED, True),
    (RunState.PAUSED, RunState.RUNNING, True),
    (RunState.RUNNING, RunState.STARTING, False),
    (RunState.PAUSED, RunState.STARTING, False),
    (RunState.RUNNING, RunState.UNRESPONSIVE, True),
    (RunState.UNRESPONSIVE, RunState.RUNNING, True),  # heard again
    (RunState.UNRESPONSIVE, RunState.STARTING, True),  # silent while it was starting
])
def test_the_allowed_transitions(old: RunState, new: RunState, allowed: bool) -> None:
    assert old.may_become(new) is allowed


def test_only_a_run_that_answers_is_active() -> None:
    assert {s for s in RunState if s.active} == {RunState.STARTING, RunState.RUNNING,
                                                 RunState.PAUSED}


# -- who follows a run ---------------------------------------------------------------------

class Follower:
    def start_run(self, context, viewer) -> None: ...  # noqa: ANN001
    def on_batch(self, event: BatchEnd) -> None: ...
    def on_epoch(self, event) -> None: ...  # noqa: ANN001
    def on_snapshot(self, event: Snapshot) -> None: ...
    def on_diverged(self, event) -> None: ...  # noqa: ANN001
    def on_finished(self, event: Finished) -> None: ...


def test_a_run_listener_is_told_by_the_methods_it_lacks() -> None:
    assert missing_methods(Follower()) == []
    names = [n for n in vars(RunListener) if n.startswith(("start_", "on_"))]
    assert missing_methods(object()) == names
    assert missing_methods(Paused(0)) == names
