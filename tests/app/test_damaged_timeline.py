"""A project whose timeline holds a checkpoint that does not fit its network (another
program's file, a hand edit): the network opens with its weights, a dialog names the
checkpoint, and the timeline stays empty rather than fail when scrubbed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QMessageBox

from nnstudio.engine.events import Checkpoint
from nnstudio.files.project import Project, save_project
from nnstudio.running.build import build_network
from nnstudio.spec.presets import load_preset


def test_a_checkpoint_that_does_not_fit_is_named_and_the_timeline_left_empty(
        window, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    preset = load_preset("xor-mlp")
    good = build_network(preset.network, preset.training, seed=1).get_weights()
    bad = {**good, "dense1": {**good["dense1"], "W": np.zeros((7, 9), np.float32)}}
    path = tmp_path / "run.nnstudio"
    save_project(path, Project(preset.network, preset.training, good, {}, "xor", {},
                               checkpoints=[Checkpoint(1, 0.5, good), Checkpoint(2, 1.0, bad)]))
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text: warned.append(text)))
    assert window.open_file(str(path))
    assert len(warned) == 1 and "run.nnstudio: checkpoint 2's weights" in warned[0]
    assert "dense1.W: expected shape 2x2, got 7x9" in warned[0]
    assert len(window.timeline.timeline) == 0 and not window.timeline.show_checkpoint(1)
    assert window.training.weights is not None
