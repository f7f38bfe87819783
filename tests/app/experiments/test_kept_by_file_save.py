"""What File > Save keeps beside the network: a search set up on the Experiments tab comes
back in a new window and runs from the command line; an opened ensemble keeps its members
through File > Save and the recovery file, and loses them once the network changes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from nnstudio.app.main_window import MainWindow
from nnstudio.app.settings import make_settings
from nnstudio.files.documents import open_file
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec

from .test_experiments_view import search_page


def test_a_search_saved_with_the_project_comes_back_and_runs_headless(
        window, qtbot, tmp_path: Path, settings_path: str) -> None:  # noqa: ANN001
    search = search_page(window, tmp_path, trials=2, epochs=1)
    search.strategy.setCurrentIndex(search.strategy.findData("random"))
    path = tmp_path / "search.nnstudio"
    assert window.save_to(str(path))
    assert open_file(path).experiment["params"] == ["lr=log:0.001:0.1",
                                                     "dense1.units=int:2:16"]

    again = MainWindow(settings=make_settings(settings_path))
    qtbot.addWidget(again)
    assert again.open_file(str(path))
    shown = again.experiments.search
    assert shown.editors.texts() == ["lr=log:0.001:0.1", "dense1.units=int:2:16"]
    assert shown.strategy.currentData() == "random" and shown.trials.value() == 2
    assert again.save_to(str(path))  # saving again keeps it, unchanged
    assert open_file(path).experiment == shown.plan_json()

    result = subprocess.run(
        [sys.executable, "-m", "nnstudio", "sweep", str(path), "--workers", "1",
         "--study", str(tmp_path / "cli.db"), "--json"],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(summary["trials"]) == 2


def test_a_bad_experiment_section_opens_the_network_and_says_so(window, tmp_path: Path) -> None:  # noqa: ANN001
    from nnstudio.files.documents import save_document

    network = NetworkSpec.sequential([("Dense", {"units": 4}), ("Softmax", {})],
                                     name="small", input_shape=[2])
    path = tmp_path / "odd.nnstudio"
    save_document(path, network, TrainingSpec(dataset="xor"),
                  experiment={"params": ["dense9.units=int:2:4"]})
    assert window.open_file(str(path))
    assert "dense9" in window.statusBar().currentMessage()
    assert window.experiments.search.plan_json() is None


def test_an_opened_ensemble_keeps_its_members_until_its_network_changes(
        window, tmp_path: Path) -> None:  # noqa: ANN001
    from nnstudio.experiments.ensemble import save_ensemble, train_members

    network = NetworkSpec.sequential([("Dense", {"units": 4}), ("Tanh", {}),
                                      ("Dense", {"units": 2}), ("Softmax", {})],
                                     name="pair", input_shape=[2])
    training = TrainingSpec(dataset="circles", epochs=1)
    members = train_members(network, training, 2, workers=1)
    path = tmp_path / "pair.nnstudio"
    save_ensemble(str(path), network, training, members)
    assert window.open_file(str(path))
    copy = tmp_path / "copy.nnstudio"
    assert window.save_to(str(copy))
    assert [m.seed for m in open_file(copy).members] == [0, 1]
    dense = next(node for node in window.document.spec.nodes if node.type == "Dense")
    window.document.set_param(dense.id, "units", 5)
    assert window.save_to(str(copy))
    assert open_file(copy).members == []
