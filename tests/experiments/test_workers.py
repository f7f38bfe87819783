"""Trials in real worker processes: a worker killed mid-trial fails only its trial, a
study whose sweep is killed mid-way resumes without repeating finished trials, the command
line, and Ray (a local Ray with 2 CPUs): trials run in Ray's worker processes and a seeded
grid gives the same table as the local workers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import optuna
import pytest

from nnstudio.cli.command import main
from nnstudio.experiments import SearchSpace, Sweep, SweepListener
from nnstudio.files.documents import save_document
from tests.experiments.toy import toy_network, toy_training

REPO = Path(__file__).resolve().parents[2]


class KillLongTrials(SweepListener):
    """SIGKILLs the worker of every trial that would train 100,000 epochs, at its first."""

    def __init__(self) -> None:
        self.pids: dict[int, int] = {}
        self.killed: list[int] = []

    def trial_started(self, event) -> None:
        self.pids[event.number] = event.pid

    def trial_epoch(self, event) -> None:
        if event.progress.epochs == 100_000 and event.number not in self.killed:
            self.killed.append(event.number)
            os.kill(self.pids[event.number], signal.SIGKILL)


def test_a_worker_killed_mid_trial_fails_that_trial_and_the_sweep_goes_on(tmp_path) -> None:
    network, training = toy_network(), toy_training()
    space = SearchSpace.parse(network, ["epochs=2,100000", "lr=0.02,0.05"], training)
    listener = KillLongTrials()
    result = Sweep(network, training, space, strategy="grid", trials=4, workers=2,
                   study=str(tmp_path / "s.db"), listener=listener).run()
    assert result.reason == "completed" and len(listener.killed) == 2
    states = {r.number: r for r in result.rows}
    for number in listener.killed:
        assert states[number].state == "failed" and "SIGKILL" in states[number].note
    complete = [r for r in result.rows if r.state == "complete"]
    assert len(complete) == 2 and all(r.params["epochs"] == 2 for r in complete)
    assert os.getpid() not in {r.pid for r in complete}  # they ran in worker processes


def test_stop_ends_the_sweep_and_keeps_the_study(tmp_path) -> None:
    network, training = toy_network(), toy_training(epochs=100_000)
    space = SearchSpace.parse(network, ["lr=0.02,0.05"], training)

    class StopAtFirstEpoch(SweepListener):
        def trial_epoch(self, event) -> None:
            sweep.stop()

    sweep = Sweep(network, training, space, strategy="grid", trials=2, workers=1,
                  study=str(tmp_path / "s.db"), listener=StopAtFirstEpoch())
    sweep.start()
    assert sweep.wait(300)
    assert sweep.result.reason == "stopped"
    (row,) = sweep.result.rows  # the second trial never started
    assert row.state == "failed" and row.note == "interrupted"


def _sweep_command(source: Path, study: Path) -> list[str]:
    return [sys.executable, "-m", "nnstudio", "sweep", str(source), "--strategy", "grid",
            "--param", "lr=0.01,0.02,0.03,0.04", "--workers", "1",
            "--study", str(study), "--json"]


def _trials(study: Path) -> list[optuna.trial.FrozenTrial]:
    try:
        return optuna.load_study(study_name="sweep",
                                 storage=f"sqlite:///{study}").get_trials(deepcopy=False)
    except (KeyError, Exception):  # noqa: BLE001 - not made yet, or being written
        return []


def test_a_study_killed_mid_way_resumes_without_repeating_finished_trials(tmp_path) -> None:
    source, study = tmp_path / "toy.json", tmp_path / "s.db"
    # Trials of a few seconds, so that the sweep is caught with one running.
    save_document(source, toy_network(), toy_training(epochs=600))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    driver = subprocess.Popen(_sweep_command(source, study), env=env, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    deadline = time.monotonic() + 300  # a limit for a stuck run, not a measurement
    try:
        while time.monotonic() < deadline:
            trials = _trials(study)
            states = [t.state for t in trials]
            running = [t for t in trials if t.state == optuna.trial.TrialState.RUNNING]
            # (a running trial that its sweep has tagged: caught mid-trial, not between
            # Optuna's ask and the tag, where an untagged trial is judged by its age)
            if states.count(optuna.trial.TrialState.COMPLETE) >= 1 \
                    and any("owner" in t.user_attrs for t in running):
                break
            assert driver.poll() is None, "the sweep ended before it could be killed"
            time.sleep(0.05)
        os.killpg(driver.pid, signal.SIGKILL)  # the sweep and its worker, mid-trial
    finally:
        driver.wait()
    left = _trials(study)
    before = {t.number: t.value for t in left if t.state == optuna.trial.TrialState.COMPLETE}
    cut_short = {t.number for t in left if t.state == optuna.trial.TrialState.RUNNING}
    assert 1 <= len(before) < 4
    resumed = subprocess.run(_sweep_command(source, study), env=env, cwd=tmp_path,
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads(resumed.stdout.strip().splitlines()[-1])
    complete = [t for t in report["trials"] if t["state"] == "complete"]
    assert sorted(t["params"]["lr"] for t in complete) == [0.01, 0.02, 0.03, 0.04]
    for number, value in before.items():  # kept as they were, not run again
        assert next(t["score"] for t in complete if t["number"] == number) == value
    # The trial killed with its sweep (if the kill caught one running) is failed as
    # interrupted, and its settings ran again.
    failed = {t["number"]: t["note"] for t in report["trials"] if t["state"] == "failed"}
    assert failed == {number: "interrupted" for number in cut_short}


def test_the_command_line_refuses_a_bad_search_before_running(capsys) -> None:
    assert main(["sweep", "mlp-784-100-10", "--param", "dense1.units=int:0:9"]) == 2
    assert "nnstudio: error: --param dense1.units=int:0:9: dense1.units must be at least 1" \
        in capsys.readouterr().err
    assert main(["sweep", "small-cnn", "--param", "conv2d2.kernel_size=3,15"]) == 2
    assert "conv2d2.kernel_size=15 makes an invalid network" in capsys.readouterr().err


def test_trials_run_in_ray_workers_and_a_seeded_grid_matches_the_local_table(tmp_path) -> None:
    ray = pytest.importorskip("ray")
    network, training = toy_network(), toy_training()
    space = SearchSpace.parse(network, ["lr=0.02,0.05", "dense1.units=4,8"], training)

    def table(**where) -> dict:
        result = Sweep(network, training, space, strategy="grid", trials=4, workers=2,
                       study=str(tmp_path / f"{'ray' if where else 'here'}.db"), **where).run()
        assert result.reason == "completed" and len(result.rows) == 4
        return {tuple(sorted(r.params.items())): r for r in result.rows}

    local = table()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        remote = table(ray="local")
        driver = ray.get_runtime_context().get_worker_id()[:12]
    finally:
        ray.shutdown()
    assert {k: (r.score, r.test_accuracy) for k, r in remote.items()} == \
        {k: (r.score, r.test_accuracy) for k, r in local.items()}
    ray_pids = {r.pid for r in remote.values()}
    assert not ray_pids & ({os.getpid()} | {r.pid for r in local.values()})
    for row in remote.values():  # Ray's own id of the worker that ran it, not the driver's
        assert row.process.startswith("ray worker ") and driver not in row.process
    assert all(r.process == "" for r in local.values())


def test_a_trial_killed_before_its_sweep_tagged_it_is_interrupted_once_old(tmp_path,
                                                                           monkeypatch) -> None:
    """A sweep killed between Optuna's ask and its owner tag leaves an untagged running
    trial; a resumed sweep fails it as interrupted once it is older than any live sweep's
    tagging takes, and leaves a fresh one (another machine's, being tagged) alone."""
    from nnstudio.experiments import study_store

    store = study_store.StudyStore(tmp_path / "s.db")
    study = optuna.create_study(storage=store.storage, study_name=store.study_name)
    untagged, tagged = study.ask(), study.ask()
    tagged.set_user_attr("owner", "another-host:1")
    assert store.fail_interrupted(study) == []  # both fresh, one another machine's
    monkeypatch.setattr(study_store, "UNTAGGED_SECONDS", -1.0)
    assert [t.number for t in store.fail_interrupted(study)] == [untagged.number]
    states = {t.number: t.state for t in study.get_trials(deepcopy=False)}
    assert states == {untagged.number: optuna.trial.TrialState.FAIL,
                      tagged.number: optuna.trial.TrialState.RUNNING}


def test_a_run_the_pool_stopped_is_stopped_even_when_its_outcome_came_first() -> None:
    """pool.stop() asks each run to stop, then kills it; a worker quick enough to answer
    the Stop with its outcome before the kill was stopped all the same (a sweep once
    recorded such a trial of 100,000 epochs as complete). stop(kill=False) makes that
    outcome certain."""
    from nnstudio.experiments.local_pool import LocalPool, RunStopped
    from nnstudio.experiments.trial_run import TrainRequest

    pool = LocalPool(workers=1)
    request = TrainRequest(toy_network(), toy_training(epochs=100_000))
    try:
        with pytest.raises(RunStopped):
            pool.train(request, on_epoch=lambda progress: pool.stop(kill=False))
    finally:
        pool.close()
