"""The command line and the window open files through one layer (nnstudio.files.documents): the
same file gives the same network, or the same message, either way; and a project goes back
and forth between them (train in the CLI, open and save in the app, evaluate in the CLI)."""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from nnstudio import cli
from nnstudio.files.documents import open_source
from nnstudio.files.project import load_project
from nnstudio.spec.presets import load_preset, preset_path


def xor_network() -> dict:
    return load_preset("xor-mlp").network.to_json()


def project_bytes(meta: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.json", json.dumps(meta))
    return buffer.getvalue()


def write(content: bytes | str | dict) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        if isinstance(content, dict):
            path.write_text(json.dumps(content))
        elif isinstance(content, str):
            path.write_text(content)
        else:
            path.write_bytes(content)
    return make


FILES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "document of version 99": ("v99.json", write(
        {"format": "nnstudio.document", "version": 99, "network": xor_network()})),
    "network of version 99": ("net99.json", write({**xor_network(), "version": 99})),
    "project of version 99": ("v99.nnstudio", write(project_bytes(
        {"format": "nnstudio.files.project", "version": 99, "network": xor_network()}))),
    "bad JSON": ("broken.json", write("{ not json")),
    "document without a network": ("empty.json", write(
        {"format": "nnstudio.document", "version": 1})),
    "unknown format": ("other.json", write({"format": "someone.else", "network": {}})),
    "damaged zip": ("damaged.nnstudio", write(b"PK\x03\x04 this is no zip")),
    "FIFO": ("pipe.json", os.mkfifo),
    "preset JSON": ("preset.json", write(preset_path("xor-mlp").read_text())),
    "bare network": ("bare.json", write(load_preset("lenet5").network.dumps())),
    "document": ("doc.json", write({"format": "nnstudio.document", "version": 1,
                                    "network": xor_network(),
                                    "training": {"epochs": 7, "lr": 0.5}})),
}
REFUSED_WITH = {"document of version 99": "v99.json was saved by a newer NN Studio (format 99",
                "network of version 99": "net99.json was saved by a newer NN Studio (format 99",
                "project of version 99": "v99.nnstudio was saved by a newer NN Studio (format 99",
                "bad JSON": "broken.json is damaged: not valid JSON",
                "document without a network": "empty.json has no network",
                "unknown format": "other.json is not an NN Studio document",
                "damaged zip": "damaged.nnstudio: not an NN Studio project",
                "FIFO": "pipe.json: not a regular file (a FIFO"}


def open_in_window(window, monkeypatch, path: Path) -> list[str]:  # noqa: ANN001
    """File > Open on ``path``; the messages the window showed."""
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text: messages.append(text)))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    window.actions.open.trigger()
    return messages


@pytest.mark.parametrize("case", FILES)
def test_the_cli_and_the_window_give_the_same_answer(case: str, window, monkeypatch,  # noqa: ANN001
                                                     tmp_path: Path, capsys) -> None:  # noqa: ANN001
    name, make = FILES[case]
    path = tmp_path / name
    make(path)
    code = cli.main(["summary", str(path)])
    err = capsys.readouterr().err
    messages = open_in_window(window, monkeypatch, path)
    if case in REFUSED_WITH:
        assert code == 2
        assert messages == [err.removeprefix("nnstudio: error: ").rstrip("\n")]
        assert messages[0].startswith(REFUSED_WITH[case])
        if "newer" in messages[0]:
            assert messages[0].endswith("please update NN Studio")
    else:
        assert code == 0 and err == "" and messages == []
        opened = open_source(str(path))
        assert window.document.spec.to_json() == opened.network.to_json()
        assert window.document.training.to_json() == opened.training.to_json()
        assert window.document.path == str(path.resolve())


def test_a_project_goes_from_the_cli_to_the_app_and_back(window, tmp_path: Path,  # noqa: ANN001
                                                         capsys) -> None:  # noqa: ANN001
    trained = tmp_path / "trained.nnstudio"
    assert cli.main(["train", "xor-mlp", "--epochs", "3", "--save", str(trained)]) == 0
    assert window.open_file(str(trained))
    resaved = tmp_path / "resaved.nnstudio"
    assert window.save_to(str(resaved))
    before, after = load_project(trained), load_project(resaved)
    assert after.network.to_json() == before.network.to_json()
    assert after.training.to_json() == before.training.to_json()
    assert after.history == before.history
    assert {node: sorted(arrays) for node, arrays in after.weights.items()} == \
        {node: sorted(arrays) for node, arrays in before.weights.items()}
    for node, arrays in before.weights.items():
        for key, array in arrays.items():
            assert (after.weights[node][key] == array).all()
    capsys.readouterr()
    results = []
    for project in (trained, resaved):
        assert cli.main(["eval", str(project), "--json"]) == 0
        result = json.loads(capsys.readouterr().out)
        result.pop("seconds"), result.pop("network")  # the run time, the file name
        results.append(result)
    assert results[0] == results[1]
    # And the app's project trains on in the CLI.
    again = tmp_path / "again.nnstudio"
    assert cli.main(["train", str(resaved), "--epochs", "1", "--save", str(again)]) == 0
    assert load_project(again).weights
