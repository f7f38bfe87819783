"""The timeline of a training: the steps it keeps, each checkpoint's exact weights, a
project that keeps them through save and open (old projects still open), and branches."""

from __future__ import annotations

import zipfile
from dataclasses import replace

import numpy as np
import pytest

from nnstudio import cli
from nnstudio.engine.events import Checkpoint, Finished
from nnstudio.files.project import Project, ProjectError, load_project, save_project
from nnstudio.running.checkpoints import Timeline, checkpoint_label, checkpoint_steps
from nnstudio.running.session import create_session
from nnstudio.spec.presets import load_preset


def _session(epochs: int):
    preset = load_preset("xor-mlp")
    training = replace(preset.training, epochs=epochs, schedule="constant")
    session = create_session(preset.network, training)
    session.trainer.config.checkpoint_steps = checkpoint_steps
    return session


def _run(session) -> tuple[list[Checkpoint], Finished]:
    events = list(session.trainer.run())
    return ([e for e in events if isinstance(e, Checkpoint)],
            next(e for e in events if isinstance(e, Finished)))


def same_weights(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        a[node].keys() == b[node].keys()
        and all(np.array_equal(a[node][k], b[node][k]) for k in a[node]) for node in a)


def test_the_steps_kept_are_the_start_the_first_epoch_and_every_epoch_end():
    assert checkpoint_steps(100, 3) == [0, 3, 6, 12, 25, 50, 100, 200, 300]
    assert checkpoint_steps(2, 2) == [0, 1, 2, 4]  # a tiny epoch keeps what it has
    assert checkpoint_steps(1, 1) == [0, 1]
    long = checkpoint_steps(1, 2000)  # a long run keeps about 30 epoch ends
    assert long[:4] == [0, 1, 67, 134] and long[-1] == 2000 and len(long) <= 33


def test_each_checkpoint_holds_the_exact_weights_of_its_step():
    """A checkpoint taken at the end of epoch k equals a run of k epochs, bit for bit (same
    seed, constant learning rate), and later steps never change an earlier checkpoint."""
    checkpoints, finished = _run(_session(3))
    assert [c.step for c in checkpoints][0] == 0
    assert [checkpoint_label(c) for c in checkpoints][-1] == "epoch 3"
    for epochs in (1, 2):
        shorter = _session(epochs)
        _run(shorter)
        at = next(c for c in checkpoints if c.epoch == epochs)
        assert same_weights(at.weights, shorter.network.get_weights())
    start = _session(1).network.get_weights()  # the starting weights of the same seed
    assert same_weights(checkpoints[0].weights, start)
    assert finished.reason == "completed"


def test_a_stopped_run_keeps_where_it_stopped():
    session = _session(5)
    events = session.trainer.run()
    kept = []
    for event in events:
        if isinstance(event, Checkpoint):
            kept.append(event)
            if event.epoch == 1:
                session.trainer.control.stop()
    assert kept[-1].epoch >= 1
    assert same_weights(kept[-1].weights, session.network.get_weights())


def test_a_branch_starts_with_its_parent_s_checkpoints_and_counts_on():
    parent = Timeline("run 1")
    for step in range(4):
        parent.add(Checkpoint(step * 10, step * 1.0, {"d": {"W": np.full(2, step, np.float32)}}))
    branch = parent.branch(2, "run 2")
    assert [c.step for c in branch] == [0, 10, 20]
    assert branch.checkpoints[2].weights is parent.checkpoints[2].weights  # shared, not copied
    assert not branch.add(Checkpoint(0, 0.0, {"d": {"W": np.zeros(2, np.float32)}}))
    branch.add(Checkpoint(10, 1.0, {"d": {"W": np.full(2, 9, np.float32)}}))
    assert [(c.step, c.epoch) for c in branch] == [(0, 0), (10, 1), (20, 2), (30, 3)]
    assert [c.step for c in parent] == [0, 10, 20, 30]  # the parent is as it was
    assert branch.nearest(2.9) == 3
    with pytest.raises(IndexError):
        parent.branch(4)


def test_a_timeline_past_its_budget_thins_its_middle():
    timeline = Timeline(max_bytes=4 * 8 * 5)  # five checkpoints of 8 float32
    for step in range(9):
        timeline.add(Checkpoint(step, float(step), {"d": {"W": np.zeros(8, np.float32)}}))
    steps = [c.step for c in timeline]
    assert steps[0] == 0 and steps[-1] == 8 and len(steps) <= 5


def test_checkpoints_survive_save_and_open(tmp_path):
    checkpoints, _ = _run(_session(2))
    preset = load_preset("xor-mlp")
    path = tmp_path / "xor.nnstudio"
    save_project(path, Project(preset.network, preset.training, checkpoints[-1].weights,
                               checkpoints=checkpoints))
    opened = load_project(path)
    assert [(c.step, c.epoch) for c in opened.checkpoints] == \
        [(c.step, c.epoch) for c in checkpoints]
    for saved, original in zip(opened.checkpoints, checkpoints, strict=True):
        assert same_weights(saved.weights, original.weights)


def test_a_project_without_checkpoints_opens_with_an_empty_timeline(tmp_path):
    preset = load_preset("xor-mlp")
    path = tmp_path / "old.nnstudio"
    save_project(path, Project(preset.network, preset.training))
    with zipfile.ZipFile(path) as archive:
        assert "checkpoints.npz" not in archive.namelist()
    assert load_project(path).checkpoints == []


def test_a_damaged_timeline_is_named(tmp_path):
    preset = load_preset("xor-mlp")
    path = tmp_path / "cut.nnstudio"
    weights = {"d": {"W": np.zeros(2, np.float32)}}
    save_project(path, Project(preset.network, preset.training,
                               checkpoints=[Checkpoint(0, 0.0, weights)]))
    damaged = tmp_path / "damaged.nnstudio"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            if item.filename != "checkpoints.npz":
                target.writestr(item, source.read(item))
    with pytest.raises(ProjectError, match="checkpoints.npz has no weights for checkpoint 1"):
        load_project(damaged)


def test_nnstudio_train_saves_the_timeline(tmp_path):
    path = tmp_path / "xor.nnstudio"
    assert cli.main(["train", "xor-mlp", "--epochs", "3", "--save", str(path)]) == 0
    project = load_project(path)
    assert [c.epoch for c in project.checkpoints][-3:] == [1.0, 2.0, 3.0]
    assert same_weights(project.checkpoints[-1].weights, project.weights)
