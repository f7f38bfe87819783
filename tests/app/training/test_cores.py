"""Train > CPU Cores: a run in the window shares each batch of a convolutional network
across processes, says so, trains as on one core, and leaves no process behind; the choice
is kept for the next start."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from nnstudio.app.settings import make_settings
from nnstudio.app.training.cores_menu import saved_cores
from tests.app.helpers import train_to_the_end


def cores_action(window, cores: int):  # noqa: ANN001, ANN201
    (menu,) = [action.menu() for action in window.menus.train.actions()
               if action.menu() is not None and "Cores" in action.text()]
    (action,) = [action for action in menu.actions() if action.data() == cores]
    return action


def spawned_below(pid: int) -> set[int]:
    """The processes descended from ``pid`` that multiprocessing spawned (training
    processes, spares and helpers; not its resource tracker), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    below, grown = set(), True
    while grown:
        grown = False
        for child, parent in parents.items():
            if child not in below and (parent == pid or parent in below):
                below.add(child)
                grown = True
    return {child for child in below if b"spawn_main" in _command_line(child)}


def _command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def test_two_cores_share_the_batches_say_so_and_end_with_the_run(qtbot, window,
                                                                settings_path) -> None:
    window.load_preset("small-cnn")
    controller = window.training.controller
    assert controller.cores == 1  # the default leaves the other cores to the window
    cores_action(window, 1 if (os.cpu_count() or 1) < 2 else 2).trigger()
    messages: list[str] = []
    controller.message.connect(messages.append)
    before = spawned_below(os.getpid())
    train_to_the_end(qtbot, window, timeout_ms=60000, epochs=1)
    finished = controller.last_finished
    assert finished.reason == "completed"
    assert np.isfinite(finished.history["train_loss"][-1])
    assert finished.history["val_accuracy"][-1] > 0.8
    if (os.cpu_count() or 1) >= 2:
        assert controller.context.label.endswith(", 2 cores")
        assert controller.context.cores_note == ("each batch shared across 2 processes, "
                                                 "one core each")
        assert any("each batch shared across 2 processes" in m for m in messages)
        assert saved_cores(make_settings(settings_path), 8) == 2  # kept for the next start
    # The run's process and its helper are gone; what is left is the spare for the next run.
    qtbot.waitUntil(lambda: len(spawned_below(os.getpid()) - before) <= 1, timeout=10000)


def test_a_dense_network_on_two_cores_says_why_it_trains_on_one(qtbot, window) -> None:
    if (os.cpu_count() or 1) < 2:
        return
    window.load_preset("mlp-784-100-10")
    cores_action(window, 2).trigger()
    train_to_the_end(qtbot, window, timeout_ms=60000, epochs=1)
    assert window.training.controller.context.cores_note.startswith(
        "one core: a network without convolutions")
