"""Training runs in a child process: the message stream, the commands, and the ways a run
can end (finished, stopped, failed, killed). No Qt here."""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import replace

import numpy as np
import pytest

from nnstudio.engine.events import BatchEnd, EpochEnd, Finished, Snapshot, Started
from nnstudio.engine.trainer import TrainerControl
from nnstudio.running.inspection_copy import InspectionCopy
from nnstudio.running.training_process.child import RunRequest, apply_commands, in_blocks, serve_run
from nnstudio.running.training_process.commands import Pause, Resume, Step, Stop
from nnstudio.running.training_process.messages import (
    Awake,
    BatchBlock,
    Ended,
    Failed,
    Heartbeat,
    Ready,
    Silent,
)
from nnstudio.running.training_process.process import TrainingProcess, describe_exit
from nnstudio.spec.presets import load_preset
from tests.running.requests import xor_request


def batch(step: int) -> BatchEnd:
    return BatchEnd(0, step, step + 1, 1.0, None, 0.1, step, 1.0, float(step))


# -- the pieces, in this process ------------------------------------------------------------

def test_batches_are_sent_in_blocks_and_other_events_flush_them() -> None:
    clock = iter([0.0, 0.01, 0.02, 0.05, 0.06, 0.07, 0.08]).__next__
    events = [batch(0), batch(1), batch(2), batch(3), "epoch", batch(4)]
    out = list(in_blocks(events, seconds=0.04, clock=clock))
    assert [type(m).__name__ for m in out] == ["BatchBlock", "BatchBlock", "str", "BatchBlock"]
    assert [[b.step for b in m.batches] for m in out if isinstance(m, BatchBlock)] == \
        [[1, 2, 3], [4], [5]]


def test_a_batch_after_which_the_run_waits_is_sent_at_once() -> None:
    control = TrainerControl()
    control.step(1)  # paused, one batch allowed
    control._steps_allowed = 0  # noqa: SLF001 - as the loop leaves it after that batch
    assert control.holding
    stepped = in_blocks(iter([batch(0), batch(1)]), seconds=10.0, clock=lambda: 0.0,
                        holding=lambda: control.holding)
    assert [b.step for b in next(stepped).batches] == [1]  # not held for the next batch


def test_commands_drive_the_control_and_a_closed_pipe_stops_it() -> None:
    control = TrainerControl()
    commands = iter([Pause(), Step(3), Resume()])

    def receive() -> object:
        try:
            return next(commands)
        except StopIteration:
            raise EOFError from None

    apply_commands(receive, control, report=pytest.fail)
    assert not control.paused and control.stopped  # EOF: nobody watches any more


def test_a_run_served_in_process_sends_ready_events_and_ended_last() -> None:
    sent: list[object] = []
    serve_run(xor_request(epochs=300), sent.append, lambda: threading.Event().wait())
    assert isinstance(sent[0], Ready) and isinstance(sent[-1], Ended)
    kinds = {type(m) for m in sent}
    assert {Started, BatchBlock, Snapshot, Finished} <= kinds
    batches = [b for m in sent if isinstance(m, BatchBlock) for b in m.batches]
    assert [b.step for b in batches] == list(range(1, 301))
    # XOR's epoch is one batch: its epoch ends travel inside the blocks, in order, and the
    # window gets a few messages, not three per epoch (which froze it for seconds).
    ends = [e for m in sent if isinstance(m, BatchBlock) for e in m.events]
    assert [type(e).__name__ for e in ends] == ["BatchEnd", "EpochEnd"] * 300
    assert [e.epoch for e in ends if isinstance(e, EpochEnd)] == list(range(300))
    assert len(sent) < 120, [type(m).__name__ for m in sent]  # (the timeline's ~36)
    context = sent[0].context
    assert context.label == "run 1" and context.input_shape == (2,)


def test_one_batch_epochs_do_not_each_send_a_snapshot() -> None:
    """Snapshots go at most once per snapshot_seconds, epoch ends included; the run's last
    weights still end it (XOR sent one per epoch: thousands a second to redraw)."""
    request = replace(xor_request(epochs=400), snapshot_seconds=60.0)
    sent: list[object] = []
    serve_run(request, sent.append, lambda: threading.Event().wait())
    snapshots = [m for m in sent if isinstance(m, Snapshot)]
    finished = next(i for i, m in enumerate(sent) if isinstance(m, Finished))
    assert len(snapshots) <= 2 and sent[finished - 1] is snapshots[-1]
    assert snapshots[-1].step == 400


def test_a_session_that_cannot_be_built_fails_with_a_message() -> None:
    request = xor_request()
    request.training = replace(request.training, dataset="mnist-subset")  # 784 inputs, not 2
    sent: list[object] = []
    serve_run(request, sent.append, lambda: threading.Event().wait())
    assert isinstance(sent[0], Failed) and isinstance(sent[-1], Ended)
    assert "Input layer" in sent[0].message
    assert sent[0].details == "", "a setting to change, not a bug: no traceback"


def test_a_bug_in_the_run_comes_with_its_traceback(monkeypatch) -> None:  # noqa: ANN001
    import nnstudio.running.training_process.child as child

    def broken(request, control):  # noqa: ANN001, ANN202
        return 1 / 0

    monkeypatch.setattr(child, "prepare_session", broken)
    sent: list[object] = []
    serve_run(xor_request(), sent.append, lambda: threading.Event().wait())
    assert sent[0].message == "ZeroDivisionError: division by zero"
    assert "Traceback" in sent[0].details and "broken" in sent[0].details


def test_exit_codes_are_described_for_a_person() -> None:
    assert "SIGKILL" in describe_exit(-signal.SIGKILL) and "memory" in describe_exit(-9)
    assert describe_exit(3) == "it exited with status 3"


# -- a real child process ------------------------------------------------------------------

def collect(process: TrainingProcess, until=None) -> list[object]:  # noqa: ANN001
    messages = []
    for message in process.messages():
        messages.append(message)
        if until is not None:
            until(message, messages)
    return messages


def test_a_child_process_trains_and_its_weights_solve_xor() -> None:
    request = xor_request(epochs=2000)
    process = TrainingProcess(request)
    process.start()
    messages = collect(process)
    assert not process.alive
    finished = [m for m in messages if isinstance(m, Finished)]
    assert finished and finished[0].reason == "completed"
    snapshot = [m for m in messages if isinstance(m, Snapshot)][-1]
    viewer = InspectionCopy(request.spec, request.training)
    viewer.load_weights(snapshot.weights)
    out = viewer.predict(np.array([[0, 0], [0, 1], [1, 0], [1, 1]]))
    assert list((out[:, 0] > 0.5).astype(int)) == [0, 1, 1, 0]


def test_pause_step_and_stop_reach_the_child() -> None:
    process = TrainingProcess(xor_request(epochs=100_000, paused=True))
    process.control.step(3)
    process.start()
    seen: list[int] = []

    def watch(message: object, messages: list[object]) -> None:
        if isinstance(message, BatchBlock):
            seen.extend(b.step for b in message.batches)

    stopper = threading.Timer(1.5, process.control.stop)
    stopper.start()
    messages = collect(process, watch)
    stopper.join()
    assert seen == [1, 2, 3], "three steps, then paused until stopped"
    assert [m.reason for m in messages if isinstance(m, Finished)] == ["stopped"]


def test_a_killed_child_is_reported_not_hung() -> None:
    process = TrainingProcess(xor_request(epochs=100_000))
    process.start()

    def kill_when_training(message: object, messages: list[object]) -> None:
        if isinstance(message, BatchBlock) and process.alive:
            os.kill(process.pid, signal.SIGKILL)

    started = time.perf_counter()
    messages = collect(process, kill_when_training)
    assert time.perf_counter() - started < 30
    failed = [m for m in messages if isinstance(m, Failed)]
    assert failed and "killed by SIGKILL" in failed[-1].message
    assert isinstance(messages[-1], Ended)


@pytest.mark.parametrize("paused", [False, True])
def test_closing_the_window_side_stops_the_child(paused: bool) -> None:
    """The window vanished (its end of the command pipe closed): the child stops by itself,
    also while paused."""
    process = TrainingProcess(xor_request(epochs=100_000, paused=paused))
    process.start()
    time.sleep(0.5)
    process.control._connection.close()
    messages = collect(process)
    assert [m.reason for m in messages if isinstance(m, Finished)] == ["stopped"]


def test_a_spare_started_ahead_runs_the_request_it_is_given_later() -> None:
    spare = TrainingProcess()
    spare.start()
    time.sleep(0.3)  # importing, ahead of the run
    request = xor_request(epochs=20)
    spare.begin(request)
    messages = collect(spare)
    assert isinstance(messages[0], Ready) and messages[0].context.run_id == request.run_id
    assert [m.reason for m in messages if isinstance(m, Finished)] == ["completed"]
    with pytest.raises(RuntimeError):
        spare.begin(request)


def test_a_discarded_spare_exits() -> None:
    spare = TrainingProcess()
    spare.start()
    started = time.perf_counter()
    spare.discard()
    assert not spare.alive and time.perf_counter() - started < 5


def test_image_training_sets_stay_in_the_child() -> None:
    """The views need the validation and test samples, not the training inputs: the full
    MNIST would cross the pipe as 47 MB more on every run."""
    import pickle

    from nnstudio.running.training_process.child import prepare_session

    preset = load_preset("mlp-784-100-10")
    request = RunRequest(1, "run 1", preset.network, replace(preset.training, epochs=1))
    session, context = prepare_session(request, TrainerControl())
    assert len(context.dataset.x_train) == 0 and context.dataset.is_image
    assert context.train_samples == len(session.dataset.x_train) > 0
    assert len(context.dataset.x_test) == len(session.dataset.x_test)
    assert len(pickle.dumps(context)) < len(pickle.dumps(session.dataset)) / 2
    # What the views count batches per epoch from:
    assert context.dataset_train_samples - len(context.x_val) == len(session.trainer.x_train)


def test_a_consumer_that_gives_up_stops_the_child_and_closes_its_pipes() -> None:
    process = TrainingProcess(xor_request(epochs=100_000))
    process.start()
    messages = process.messages()
    for message in messages:
        if isinstance(message, BatchBlock):
            break
    messages.close()  # e.g. an error in the window's thread while handling a message
    assert not process.alive
    assert process.exitcode is not None


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts Linux file descriptors")
def test_runs_leave_no_file_descriptors_behind() -> None:
    def open_files() -> int:
        return len(os.listdir("/proc/self/fd"))

    def one_run() -> None:
        process = TrainingProcess(xor_request(epochs=3))
        process.start()
        for _ in process.messages():
            pass

    one_run()  # the first run opens what stays open (imports, the resource tracker)
    before = open_files()
    for _ in range(3):
        one_run()
    assert open_files() == before


def test_ctrl_c_in_the_terminal_does_not_kill_a_spare() -> None:
    spare = TrainingProcess()
    spare.start()
    time.sleep(1.5)  # imported and waiting for its run
    os.kill(spare.pid, signal.SIGINT)
    time.sleep(0.3)
    assert spare.alive
    spare.discard()


def test_a_paused_run_keeps_sending_its_heartbeat() -> None:
    sent: list[object] = []
    commands: list[object] = []

    def receive() -> object:
        while not commands:
            time.sleep(0.01)
        return commands.pop()

    request = xor_request(epochs=100_000, paused=True, heartbeat_seconds=0.05)
    runner = threading.Thread(target=serve_run, args=(request, sent.append, receive))
    runner.start()
    deadline = time.monotonic() + 30
    while sum(isinstance(m, Heartbeat) for m in sent) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    commands.append(Stop())
    runner.join()
    assert sum(isinstance(m, Heartbeat) for m in sent) >= 5
    assert not any(isinstance(m, BatchBlock) for m in sent)  # paused all along
    assert isinstance(sent[-1], Ended)


def test_a_stopped_child_is_noticed_and_heard_again_after_sigcont() -> None:
    """SIGSTOP freezes every thread of the child, its heartbeat too: the window's side says
    so after ``silence_seconds``, and again when SIGCONT brings it back."""
    process = TrainingProcess(xor_request(epochs=100_000, paused=True), silence_seconds=1.0)
    process.start()
    notices: list[object] = []

    def watch(message: object, messages: list[object]) -> None:
        if isinstance(message, Ready):
            os.kill(process.pid, signal.SIGSTOP)
        elif isinstance(message, Silent):
            notices.append(message)
            os.kill(process.pid, signal.SIGCONT)
        elif isinstance(message, Awake):
            notices.append(message)
            process.control.stop()

    try:
        messages = collect(process, watch)
    finally:
        if process.alive:
            os.kill(process.pid, signal.SIGCONT)
            process.kill()
    assert [type(n) for n in notices] == [Silent, Awake]
    assert notices[0].seconds >= 1.0
    assert not any(isinstance(m, Heartbeat) for m in messages)  # not passed on
    assert [m.reason for m in messages if isinstance(m, Finished)] == ["stopped"]
