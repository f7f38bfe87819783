"""An ensemble project whose members do not fit its network (another program's file, a
hand edit): the network opens, a dialog names the member at fault, and nothing crashes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from nnstudio.experiments.ensemble import member_problem
from nnstudio.files.project import EnsembleMember, Project, save_project
from nnstudio.running.build import build_network
from nnstudio.spec.presets import load_preset


def _members(damage: str) -> tuple[object, list[EnsembleMember]]:
    preset = load_preset("xor-mlp")
    weights = [build_network(preset.network, preset.training, seed=s).get_weights()
               for s in (1, 2, 3)]
    if damage == "shape":
        weights[1]["dense1"]["W"] = np.zeros((7, 9), np.float32)
    elif damage == "nan":
        weights[1]["dense1"]["W"][0, 0] = np.nan
    else:
        del weights[1]["dense2"]
    return preset, [EnsembleMember(seed, w) for seed, w in zip((1, 2, 3), weights, strict=True)]


@pytest.mark.parametrize(("damage", "words"), [
    ("shape", "dense1.W: expected shape 2x2, got 7x9"),
    ("nan", "dense1.W holds NaN or infinite values"),
    ("layer", "no saved weights for dense2")])
def test_a_member_that_does_not_fit_is_named(damage: str, words: str) -> None:
    preset, members = _members(damage)
    problem = member_problem(preset.network, [m.weights for m in members])
    assert problem.startswith("member 2's weights do not fit the network") and words in problem
    assert member_problem(preset.network, [members[0].weights, members[2].weights]) == ""


def test_opening_an_ensemble_whose_member_does_not_fit_says_so_and_opens_the_network(
        window, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    preset, members = _members("shape")
    path = tmp_path / "ens.nnstudio"
    save_project(path, Project(preset.network, preset.training, members[0].weights, {}, "xor",
                               {}, members))
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text: warned.append(text)))
    assert window.open_file(str(path))
    assert len(warned) == 1 and "ens.nnstudio: member 2's weights" in warned[0]
    assert window.opened_members == [] and window.experiments.ensemble.members == {}
    assert window.training.weights is not None  # the first member's, as the network's
