"""Train on a network too big for the machine: a message, not the crash dialog."""

from __future__ import annotations

import nnstudio.running.memory
from nnstudio.app.training.controller import TrainingController
from nnstudio.running.training_process.state import RunState
from nnstudio.spec.presets import load_preset


def test_train_refuses_a_network_too_big_with_a_message(qtbot, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(nnstudio.running.memory, "available_memory", lambda: 1_000_000)
    controller = TrainingController()
    problems = []
    controller.problem.connect(lambda title, text: problems.append((title, text)))
    try:
        preset = load_preset("mlp-784-100-10")
        assert not controller.start(preset.network, preset.training)
        assert controller.state is RunState.IDLE
        assert problems and "too big" in problems[0][1] and "dense1" in problems[0][1]
    finally:
        controller.shutdown()


def test_export_of_a_network_too_big_reports_it(window, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    reported = []
    monkeypatch.setattr(window, "_report", lambda title, text: reported.append(text))
    monkeypatch.setattr(nnstudio.running.memory, "available_memory", lambda: 1_000_000)
    assert window.export_model("npz", str(tmp_path / "w.npz")) == []
    assert reported and "too big" in reported[0]
    assert not (tmp_path / "w.npz").exists()


def test_opening_a_network_too_big_shows_why_it_cannot_be_inspected(
        window, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    from nnstudio.spec.network import NetworkSpec

    monkeypatch.setattr(nnstudio.running.memory, "available_memory", lambda: 16 * 1024**3)
    big = NetworkSpec.sequential([("Dense", {"units": 100000}), ("Dense", {"units": 100000}),
                                  ("Dense", {"units": 10})], name="big")
    path = tmp_path / "big.json"
    path.write_text(big.dumps(), encoding="utf-8")
    assert window.open_source(str(path))
    source = window.inspect.source
    assert source.viewer is None and "too big" in source.problem and "dense2" in source.problem
    assert window.document.analysis.total_params == 10_079_600_010
