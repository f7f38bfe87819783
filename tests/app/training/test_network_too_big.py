"""Train on a network too big for the machine: a message, not the crash dialog."""

from __future__ import annotations

import nnstudio.memory
from nnstudio.app.training.controller import TrainingController
from nnstudio.spec.presets import load_preset


def test_train_refuses_a_network_too_big_with_a_message(qtbot, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(nnstudio.memory, "available_memory", lambda: 1_000_000)
    controller = TrainingController()
    problems = []
    controller.problem.connect(lambda title, text: problems.append((title, text)))
    try:
        preset = load_preset("mlp-784-100-10")
        assert not controller.start(preset.network, preset.training)
        assert controller.state == "idle"
        assert problems and "too big" in problems[0][1] and "dense1" in problems[0][1]
    finally:
        controller.shutdown()


def test_export_of_a_network_too_big_reports_it(window, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    reported = []
    monkeypatch.setattr(window, "_report", lambda title, text: reported.append(text))
    monkeypatch.setattr(nnstudio.memory, "available_memory", lambda: 1_000_000)
    assert window.export_model("npz", str(tmp_path / "w.npz")) == []
    assert reported and "too big" in reported[0]
    assert not (tmp_path / "w.npz").exists()
