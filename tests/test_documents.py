"""nnstudio.files.documents, the one file layer: each format's version is checked once, in the
same words, and every problem is a DocumentError naming the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nnstudio.files.documents import DocumentError, open_source, save_document
from nnstudio.files.project import Project, save_project
from nnstudio.spec.presets import load_preset, preset_path


def newer(name: str, supported: int = 1) -> str:
    return (f"{name} was saved by a newer NN Studio (format 99; this version reads up to "
            f"{supported}); "
            f"please update NN Studio")


def xor() -> dict:
    return load_preset("xor-mlp").network.to_json()


@pytest.mark.parametrize("kind", ["document", "preset", "network"])
def test_a_json_file_of_a_newer_format_is_refused_in_one_set_of_words(tmp_path: Path,
                                                                      kind: str) -> None:
    data = {"document": {"format": "nnstudio.document", "version": 99, "network": xor()},
            "preset": {**json.loads(preset_path("xor-mlp").read_text()), "version": 99},
            "network": {**xor(), "version": 99}}[kind]
    path = tmp_path / f"{kind}.json"
    path.write_text(json.dumps(data))
    with pytest.raises(DocumentError) as caught:
        open_source(str(path))
    assert str(caught.value) == newer(path.name)


def test_a_project_of_a_newer_format_is_refused_in_the_same_words(tmp_path: Path,
                                                                  monkeypatch) -> None:  # noqa: ANN001
    import nnstudio.files.project

    path = tmp_path / "later.nnstudio"
    monkeypatch.setattr(nnstudio.files.project, "FORMAT_VERSION", 99)
    monkeypatch.setattr(nnstudio.files.project, "ONE_NETWORK_VERSION", 99)
    save_project(path, Project(load_preset("xor-mlp").network))
    monkeypatch.undo()
    with pytest.raises(DocumentError) as caught:
        open_source(str(path))
    assert str(caught.value) == newer(path.name, nnstudio.files.project.FORMAT_VERSION)


@pytest.mark.parametrize("version", [True, "1", 1.0, None])
def test_a_version_that_is_no_whole_number_is_refused(tmp_path: Path, version: object) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"format": "nnstudio.document", "version": version,
                                "network": xor()}))
    with pytest.raises(DocumentError, match=r"^odd.json has no valid format version"):
        open_source(str(path))


def test_what_is_saved_opens_the_same(tmp_path: Path) -> None:
    preset = load_preset("lenet5")
    for name in ("net.json", "net.nnstudio"):
        save_document(tmp_path / name, preset.network, preset.training)
        opened = open_source(str(tmp_path / name))
        assert opened.network.to_json() == preset.network.to_json()
        assert opened.training.to_json() == preset.training.to_json()


def test_a_missing_file_or_preset_is_named(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"nowhere.json: no such file or preset \(presets: "):
        open_source(str(tmp_path / "nowhere.json"))


@pytest.mark.parametrize("kind", [["nnstudio.document"], {"a": 1}, 7, "nnstudio.files.project"])
def test_a_format_that_is_not_one_of_ours_is_named(tmp_path: Path, kind: object) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"format": kind, "network": xor()}))
    with pytest.raises(DocumentError, match=r"^odd.json is not an NN Studio document \(format "):
        open_source(str(path))
