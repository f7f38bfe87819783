"""A finished run is unsaved work: closing asks, autosave keeps its weights, and saving to a
network JSON file (which cannot hold weights) offers a project instead of dropping them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from nnstudio.app import dialogs
from nnstudio.files import documents
from nnstudio.files.project import load_project
from nnstudio.running.training_process.state import RunState
from nnstudio.spec.presets import load_preset


def train_once(qtbot, window, reason: str = "completed") -> None:  # noqa: ANN001
    """One short run of the window's network, ended by itself or by Stop."""
    preset = load_preset("xor-mlp")
    window.document.replace(preset.network, replace(preset.training, epochs=2),
                            window.document.path)
    controller = window.training.controller
    if reason == "stopped":
        window.document.set_training(replace(window.document.training, epochs=100000))
        window.document.mark_saved(window.document.path)
    messages: list[str] = []
    controller.message.connect(messages.append)
    controller.problem.connect(lambda title, text: messages.append(f"{title}: {text}"))
    with qtbot.waitSignal(controller.run_finished, timeout=60000, raising=False) as finished:
        window.actions.train_start.trigger()
        if reason == "stopped":  # Stop while the process still prepares the run
            assert controller.state is RunState.STARTING
            window.actions.train_stop.trigger()
    assert finished.signal_triggered, f"no end of the run in 60 s: {messages}"
    assert finished.args[0].reason == reason, messages
    qtbot.waitUntil(lambda: controller.state is RunState.IDLE, timeout=20000)


@pytest.mark.parametrize("reason", ["completed", "stopped"])
def test_a_finished_run_is_unsaved_work_that_autosave_keeps(qtbot, window, monkeypatch,
                                                           reason) -> None:
    train_once(qtbot, window, reason)
    assert window.document.is_modified
    assert window.autosaver.timer.isActive()
    assert window.autosaver.autosave()
    kept = load_project(window.autosaver.path)
    assert kept.weights and set(kept.weights) == set(window.training.weights)
    asked = []
    monkeypatch.setattr(dialogs, "ask_save_changes",
                        lambda parent, name: asked.append(name) or "cancel")
    window.close()
    assert asked and window.isVisible()  # Ctrl+Q asks, and Cancel keeps the window
    window.document.mark_saved(window.document.path)


def test_saving_a_trained_json_network_offers_a_project(qtbot, window, monkeypatch,
                                                       tmp_path) -> None:
    json_path = tmp_path / "xor.json"
    preset = load_preset("xor-mlp")
    documents.save_document(json_path, preset.network, preset.training)
    assert window.open_file(str(json_path))
    train_once(qtbot, window)
    asked = []
    monkeypatch.setattr(dialogs, "ask_weights_need_project",
                        lambda parent, name: asked.append(name) or "project")
    project_path = tmp_path / "xor.nnstudio"
    suggested = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda parent, title, where, *a: suggested.append(where) or (str(project_path), "")))
    window.actions.save.trigger()
    assert asked == ["xor.json"]
    assert suggested == [str(project_path)]
    assert load_project(project_path).weights
    assert Path(window.document.path) == project_path.resolve()
    assert not window.document.is_modified


@pytest.mark.parametrize("choice", ["network", None])
def test_saving_json_without_weights_says_so_and_cancel_saves_nothing(
        qtbot, window, monkeypatch, tmp_path, choice) -> None:
    json_path = tmp_path / "xor.json"
    preset = load_preset("xor-mlp")
    documents.save_document(json_path, preset.network, preset.training)
    assert window.open_file(str(json_path))
    train_once(qtbot, window)
    before = json_path.read_bytes()
    monkeypatch.setattr(dialogs, "ask_weights_need_project", lambda parent, name: choice)
    saved = window.save()
    if choice is None:
        assert not saved and window.document.is_modified
        assert json_path.read_bytes() == before
        window.document.mark_saved(window.document.path)
    else:
        assert saved and not window.document.is_modified
        assert "without the trained weights" in window.statusBar().currentMessage()


def test_a_run_ending_after_another_file_was_opened_leaves_that_file_alone(
        qtbot, window, tmp_path) -> None:
    path = tmp_path / "other.nnstudio"
    assert window.save_to(str(path))
    preset = load_preset("xor-mlp")
    window.document.replace(preset.network, replace(preset.training, epochs=100_000))
    controller = window.training.controller
    window.actions.train_start.trigger()
    qtbot.waitUntil(lambda: controller.state is RunState.RUNNING, timeout=30000)
    assert window.open_file(str(path))
    with qtbot.waitSignal(controller.run_finished, timeout=20000):
        window.actions.train_stop.trigger()
    qtbot.waitUntil(lambda: controller.state is RunState.IDLE, timeout=20000)
    assert not window.document.is_modified
    assert window.training.weights is None  # the xor run's weights are not this file's
