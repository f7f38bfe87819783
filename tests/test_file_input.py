"""Every loader opens regular files only, reads no more than its limit, and parses JSON of a
bounded depth: a FIFO, /dev/zero, a zip bomb or JSON nested 100,000 deep is one clear error."""

from __future__ import annotations

import errno
import io
import os
import threading
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from nnstudio.cli import main
from nnstudio.data.errors import DatasetError
from nnstudio.data.idx import read_idx
from nnstudio.export import load_npz
from nnstudio.export.errors import ExportError
from nnstudio.files import project as project_module
from nnstudio.files.documents import DocumentError, load_document, open_source
from nnstudio.files.project import Project, ProjectError, load_project, save_project
from nnstudio.spec.network import NetworkSpec, SpecError
from nnstudio.spec.presets import load_preset
from nnstudio.storage import weights_archive
from nnstudio.storage.file_input import InputFileError, open_regular, parse_json

LOADERS: dict[str, tuple[str, Callable[[Path], object], type[Exception]]] = {
    "project": (".nnstudio", load_project, ProjectError),
    "command-line source": (".json", lambda p: open_source(str(p)), DocumentError),
    "window document": (".json", load_document, DocumentError),
    "idx": ("", read_idx, DatasetError),
    "npz weights": (".npz", load_npz, ExportError),
}


def in_thread(call: Callable[[], object]) -> BaseException | None:
    """Run ``call``; fail (rather than hang the suite) if it blocks."""
    outcome: list[BaseException | None] = []

    def target() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            outcome.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "the loader blocked"
    return outcome[0]


@pytest.mark.parametrize("loader", LOADERS)
@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "folder"])
def test_only_regular_files_are_opened(tmp_path: Path, loader: str, kind: str) -> None:
    suffix, load, error_type = LOADERS[loader]
    path = tmp_path / f"odd{suffix}"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path.symlink_to("/dev/zero")
    error = in_thread(lambda: load(path))
    assert isinstance(error, error_type), repr(error)
    expected = {"fifo": "not a regular file (a FIFO", "/dev/zero": "not a regular file (a "
                "device", "folder": "is a folder"}[kind]
    assert expected in str(error) and path.name in str(error)


@pytest.mark.parametrize("loader", LOADERS)
def test_an_unreadable_file_says_permission_denied(tmp_path: Path, loader: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    suffix, load, error_type = LOADERS[loader]
    path = tmp_path / f"locked{suffix}"
    path.write_bytes(b"{}")
    real_open = os.open

    def denied(name, flags, *args):  # noqa: ANN001, ANN202 - os.open's signature
        if os.fspath(name) == str(path):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), name)
        return real_open(name, flags, *args)

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(error_type, match="locked.* permission denied") as caught:
        load(path)
    assert "damaged" not in str(caught.value)


def test_open_regular_reads_through_a_symlink_to_a_file(tmp_path: Path) -> None:
    (tmp_path / "real").write_bytes(b"data")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with open_regular(tmp_path / "link") as handle:
        assert handle.read() == b"data"
    with pytest.raises(InputFileError, match="missing: no such file"):
        open_regular(tmp_path / "missing")


# -- JSON nested too deep -------------------------------------------------------------------
DEEP = "[" * 100_000 + "]" * 100_000


def test_parse_json_refuses_deep_nesting_clearly() -> None:
    with pytest.raises(ValueError, match="nested more than 100 levels deep"):
        parse_json(DEEP)
    with pytest.raises(ValueError, match="nested more than 100 levels deep"):
        parse_json("[" * 101 + "]" * 101)  # within Python's limit, still refused
    assert parse_json("[" * 100 + "]" * 100) is not None


@pytest.mark.parametrize("document", [DEEP, '{"nodes": ' + DEEP + "}",
                                      '{"format": "nnstudio.network", "nodes": [], "edges": '
                                      + "[" * 500 + "]" * 500 + "}"])
def test_summary_of_json_nested_too_deep_is_one_clear_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], document: str) -> None:
    path = tmp_path / "deep.json"
    path.write_text(document)
    assert main(["summary", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nnstudio: error: deep.json is damaged: not valid JSON (nested more")
    assert "Traceback" not in err and len(err.splitlines()) == 1
    with pytest.raises(DocumentError, match="deep.json is damaged.*nested more than"):
        load_document(path)


def test_a_project_with_deep_history_is_refused(tmp_path: Path) -> None:
    path = project_with(tmp_path, **{"history.json": DEEP.encode()})
    with pytest.raises(ProjectError, match="history.json is not valid JSON.*nested more"):
        load_project(path)


# -- what a project unpacks to --------------------------------------------------------------
def project_with(tmp_path: Path, **members: bytes) -> Path:
    path = tmp_path / "bomb.nnstudio"
    save_project(path, Project(load_preset("xor-mlp").network))
    with zipfile.ZipFile(path) as archive:
        kept = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in {**kept, **members}.items():
            archive.writestr(name, data)
    return path


def peak_while(call: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        call()
    except Exception:  # noqa: BLE001, S110 - the test checks the error separately
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_arrays_inside_weights_cannot_escape_the_cap(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inner = io.BytesIO()  # a compressed .npz inside the compressed project: a double bomb
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as arrays:
        with arrays.open("dense1/W.npy", "w") as member:
            np.lib.format.write_array_header_1_0(
                member, {"descr": "<f4", "fortran_order": False, "shape": (16 << 20,)})
            for _ in range(64):
                member.write(bytes(1 << 20))  # 64 MiB of zeros
    path = project_with(tmp_path, **{"weights.npz": inner.getvalue()})
    assert path.stat().st_size < 100_000
    monkeypatch.setattr(weights_archive, "MAX_WEIGHTS_BYTES", 8 << 20)
    with pytest.raises(ProjectError, match="holds more than the 8388608 bytes of weights"):
        load_project(path)
    assert peak_while(lambda: load_project(path)) < 24 << 20


def declare_size(path: Path, member: str, size: int) -> None:
    """Make the zip at ``path`` claim ``size`` unpacked bytes for ``member`` (a lie or not)."""
    data = bytearray(path.read_bytes())
    for signature, offset, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = data.find(signature)
        while start != -1:
            if data[start + name_at:start + name_at + len(member)] == member.encode():
                data[start + offset:start + offset + 4] = size.to_bytes(4, "little")
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))


def test_history_of_a_gigabyte_of_spaces_is_refused(tmp_path: Path) -> None:
    path = project_with(tmp_path, **{"history.json": b" " * (1 << 20) + b"{}"})
    declare_size(path, "history.json", 1 << 30)  # as if it held 1 GiB (checked first)
    with pytest.raises(ProjectError, match=r"bomb.nnstudio: history.json is too large "
                                           r"\(1073741824 bytes"):
        load_project(path)


def test_a_member_lying_about_its_size_is_cut_off_at_the_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = project_with(tmp_path, **{"history.json": b" " * (8 << 20) + b"{}"})
    declare_size(path, "history.json", 100)
    monkeypatch.setattr(project_module, "MAX_JSON_BYTES", 1 << 20)
    with pytest.raises(ProjectError, match="history.json"):
        load_project(path)
    assert peak_while(lambda: load_project(path)) < 4 << 20


def test_network_text_nested_too_deep_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match="not valid JSON: nested more than"):
        NetworkSpec.loads(DEEP)


def test_pasting_json_nested_too_deep_pastes_nothing() -> None:
    from PySide6.QtCore import QMimeData

    from nnstudio.app.builder.clipboard import FRAGMENT_FORMAT, FRAGMENT_MIME, fragment_from_mime

    mime = QMimeData()
    mime.setData(FRAGMENT_MIME, ('{"format": "' + FRAGMENT_FORMAT + '", "nodes": ' + DEEP
                                 + "}").encode())
    assert fragment_from_mime(mime) is None
