"""Fuzzing the loaders of a project (.nnstudio), a network or document JSON and IDX files.

Each fuzzer starts from valid files made here and mutates them the way damage, a hostile
author or another program would: bytes, zip members, JSON values and types, .npy and IDX
headers, gzip streams. Whatever comes in, the loader raises only its own error type, with
the file's name in the message; its memory stays under a cap (traced with tracemalloc, with
the loaders' size limits lowered so that a bomb would show); a case that hangs fails the
hypothesis deadline; and the folder holding the file is left exactly as it was.
"""

from __future__ import annotations

import copy
import gzip
import io
import json
import struct
import tempfile
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from nnstudio.data import idx as idx_module
from nnstudio.data.errors import DatasetError
from nnstudio.data.folders import STANDARD_FILES, read_idx_folder
from nnstudio.data.idx import read_idx, write_idx
from nnstudio.data.source import DataOptions, DataSource
from nnstudio.engine.events import Checkpoint
from nnstudio.files import project as project_module
from nnstudio.files.documents import DocumentError, document_json, load_document, open_source
from nnstudio.files.project import (
    EnsembleMember,
    Project,
    ProjectError,
    load_project,
    save_project,
)
from nnstudio.running.build import build_network
from nnstudio.spec.presets import load_preset, preset_names, preset_path
from nnstudio.storage import weights_archive

# A hang fails the deadline (generous: the suite shares slow machines; a hang is minutes).
FUZZ = settings(max_examples=150, deadline=timedelta(seconds=10),
                phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])
LIMIT = 4 << 20  # the loaders' size limits during fuzzing
MEMORY_CAP = 48 << 20  # what one load may use at its peak, with those limits


@pytest.fixture(autouse=True)
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(project_module, "MAX_JSON_BYTES", LIMIT)
    monkeypatch.setattr(weights_archive, "MAX_WEIGHTS_BYTES", LIMIT)
    monkeypatch.setattr(idx_module, "MAX_IDX_BYTES", LIMIT)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@contextmanager
def guarded(files: dict[str, bytes]) -> Iterator[Path]:
    """A fresh folder holding ``files``; afterwards it must hold exactly them, unchanged."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for file, data in files.items():
            (folder / file).write_bytes(data)
        yield folder
        assert snapshot(folder) == dict(sorted(files.items())), "the loader wrote something"


def load_checked(load: Callable[[], Any], error_type: type[Exception], name: str) -> Any:
    """``load()`` returns, or raises ``error_type`` naming the file; memory stays capped."""
    tracemalloc.start()
    try:
        return load()
    except error_type as error:
        assert name in str(error), f"{error!r} does not name {name}"
        return None
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < MEMORY_CAP, f"the loader used {peak} bytes"


# -- mutations shared by the fuzzers --------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
    | st.sampled_from([10**400, -1, 0, 2**63, "", "Dense", "Conv2D", "Input", [784], [2],
                       [1, 28, 28], {}, [], "nnstudio.network", "nnstudio.document"]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["format", "version", "network", "training", "nodes",
                                       "edges", "id", "type", "params", "pos", "shape",
                                       "units", "weights", "source", "target", "W", "b",
                                       "lr", "epochs", "dataset", "members", "seed",
                                       "test_accuracy", "step", "epoch", "path", "kind",
                                       "sha256", "options", "image_size", "test_fraction",
                                       "preprocessing", "features", "target", "task",
                                       "classes", "mean", "std", "categories"])
                      | st.text(max_size=5),
                      children, max_size=4),
    max_leaves=20)


def places(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += places(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += places(child, (*prefix, i))
    return found


def mutate_json(value: Any, data: st.DataObject) -> Any:
    """Replace, delete, retype or deepen values at random places of a JSON tree."""
    value = copy.deepcopy(value)
    for _ in range(data.draw(st.integers(1, 4), label="json edits")):
        path = data.draw(st.sampled_from(places(value)), label="place")
        old: Any = value
        for key in path:
            old = old[key]
        how = data.draw(st.sampled_from(["replace", "delete", "retype", "deepen"]))
        if how == "retype":  # the same value as another JSON type
            new = {"replace": str(old), "list": [old], "object": {"x": old}}[
                data.draw(st.sampled_from(["replace", "list", "object"]))]
        elif how == "deepen":
            new = old
            for _ in range(data.draw(st.integers(1, 150))):
                new = [new]
        else:
            new = copy.deepcopy(data.draw(json_values, label="new value"))
        if not path:
            value = new
            continue
        parent = value
        for key in path[:-1]:
            parent = parent[key]
        if how == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif how == "delete":
            parent.pop(path[-1])
        else:
            parent[path[-1]] = new
    return value


def mutate_bytes(raw: bytes, data: st.DataObject) -> bytes:
    """Flip, insert, delete or cut bytes."""
    out = bytearray(raw)
    for _ in range(data.draw(st.integers(1, 6), label="byte edits")):
        how = data.draw(st.sampled_from(["flip", "insert", "delete", "cut"]))
        at = data.draw(st.integers(0, len(out)))
        if how == "flip" and at < len(out):
            out[at] = data.draw(st.integers(0, 255))
        elif how == "insert":
            out[at:at] = data.draw(st.binary(min_size=1, max_size=16))
        elif how == "delete":
            del out[at:at + data.draw(st.integers(1, 16))]
        else:
            del out[at:]
    return bytes(out)


# -- the project file -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def good_project(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    preset = load_preset("xor-mlp")
    weights = build_network(preset.network, preset.training).get_weights()
    history = {"train_loss": [0.7, 0.5, 0.2], "epoch": [0, 1, 2], "val_accuracy": [None] * 3}
    path = tmp_path_factory.mktemp("good") / "good.nnstudio"
    save_project(path, Project(preset.network, preset.training, weights, history, "xor",
                               {"zoom": 1.5}))
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def rich_project(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A project with every newer part: an ensemble (format 2) of three members, a
    timeline of checkpoints, a reference to a table of data and a search."""
    preset = load_preset("xor-mlp")
    members = [EnsembleMember(seed, build_network(preset.network, preset.training,
                                                  seed=seed).get_weights(), 0.5 + seed / 10)
               for seed in (1, 2, 3)]
    checkpoints = [Checkpoint(step, step / 4, members[step % 3].weights) for step in range(4)]
    data = DataSource("/elsewhere/people.csv", "table", "ab" * 32, DataOptions(target="y"),
                      {"features": [{"name": "a", "kind": "numeric", "mean": 1.0, "std": 2.0}],
                       "target": "y", "task": "classification", "classes": ["no", "yes"]})
    path = tmp_path_factory.mktemp("rich") / "rich.nnstudio"
    save_project(path, Project(preset.network, preset.training, members[0].weights, {}, "xor",
                               {}, members, {"strategy": "tpe", "params": ["lr=log:1e-3:1"]},
                               data, checkpoints))
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_members(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def npy_member(data: st.DataObject) -> bytes:
    """A .npy array whose header may lie about its shape or type."""
    header = {"descr": data.draw(st.sampled_from(["<f4", ">f8", "<i8", "|u1", "|b1", "<c8",
                                                  "|O", "<U3"])),
              "fortran_order": data.draw(st.booleans()),
              "shape": tuple(data.draw(st.lists(st.integers(0, 2**33) | st.integers(0, 4),
                                                max_size=3)))}
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    payload = data.draw(st.binary(max_size=64))
    if data.draw(st.booleans(), label="zeros follow"):  # compressible: a bomb in the making
        payload += bytes(data.draw(st.integers(0, 16)) << 20)
    return buffer.getvalue() + payload


NEWER_PARTS = ("ensemble", "checkpoints", "data", "experiment")  # project.json's sections
NEWER_MEMBERS = ("members/1.npz", "members/2.npz", "checkpoints.npz")


def mutate_project(good: dict[str, bytes], data: st.DataObject) -> bytes:
    members = dict(good)
    newer = "ensemble" in json.loads(members["project.json"])
    how = data.draw(st.sampled_from(["json", "history", "weights", "npy", "members", "bytes",
                                     "bomb"] + (["section", "member weights", "member npy",
                                                 "member gone"] if newer else [])))
    if how == "json":
        members["project.json"] = json.dumps(
            mutate_json(json.loads(members["project.json"]), data)).encode()
    elif how == "section":  # the ensemble, the timeline, the data reference, the search
        meta = json.loads(members["project.json"])
        part = data.draw(st.sampled_from(NEWER_PARTS), label="section")
        meta[part] = mutate_json(meta[part], data)
        members["project.json"] = json.dumps(meta).encode()
    elif how == "member weights":
        name = data.draw(st.sampled_from(NEWER_MEMBERS), label="damaged member")
        members[name] = mutate_bytes(members[name], data)
    elif how == "member npy":  # arrays of other names, shapes and types
        name = data.draw(st.sampled_from(NEWER_MEMBERS), label="replaced member")
        key = data.draw(st.sampled_from(["dense1/W.npy", "0/dense1/W.npy", "9/dense2/b.npy",
                                         "x/dense1/W.npy", "W.npy"]))
        members[name] = zip_members({key: npy_member(data)})
    elif how == "member gone":
        members.pop(data.draw(st.sampled_from(NEWER_MEMBERS), label="missing member"))
    elif how == "history":
        members["history.json"] = json.dumps(
            mutate_json(json.loads(members["history.json"]), data)).encode()
    elif how == "weights":
        members["weights.npz"] = mutate_bytes(members["weights.npz"], data)
    elif how == "npy":
        key = data.draw(st.sampled_from(["dense1/W.npy", "dense2/b.npy", "W.npy", "a/b/c.npy"]))
        compression = data.draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
        members["weights.npz"] = zip_members({key: npy_member(data)}, compression)
    elif how == "members":
        for _ in range(data.draw(st.integers(1, 3))):
            name = data.draw(st.sampled_from(["project.json", "weights.npz", "history.json",
                                              "../evil", "extra"]))
            if data.draw(st.booleans()):
                members.pop(name, None)
            else:
                members[name] = data.draw(st.binary(max_size=200))
    elif how == "bomb":  # a member of zeros or spaces far past the limits
        name = data.draw(st.sampled_from(["project.json", "weights.npz", "history.json"]))
        members[name] = bytes([data.draw(st.sampled_from([0, 32]))]) * (LIMIT + (1 << 20))
    raw = zip_members(members)
    return mutate_bytes(raw, data) if how == "bytes" else raw


@settings(FUZZ, max_examples=1200)
@given(data=st.data())
def test_fuzz_project_loader(good_project: dict[str, bytes], rich_project: dict[str, bytes],
                             data: st.DataObject) -> None:
    start = data.draw(st.sampled_from([good_project, rich_project]), label="start from")
    raw = mutate_project(start, data)
    with guarded({"fuzzed.nnstudio": raw}) as folder:
        project = load_checked(lambda: load_project(folder / "fuzzed.nnstudio"),
                               ProjectError, "fuzzed.nnstudio")
    if project is not None:
        assert isinstance(project.history, dict) and isinstance(project.layout, dict)
        for arrays in (project.weights or {}).values():
            assert all(a.dtype.kind in "fiu" for a in arrays.values())
        for weights in [m.weights for m in project.members] + [
                c.weights for c in project.checkpoints]:
            for arrays in weights.values():
                assert all(a.dtype.kind in "fiu" for a in arrays.values())


# -- network and document JSON --------------------------------------------------------------
def good_documents() -> list[Any]:
    found: list[Any] = []
    for name in preset_names():
        preset = json.loads(preset_path(name).read_text())
        found += [preset, preset["network"]]
    preset = load_preset("xor-gates")
    found.append(document_json(preset.network, preset.training))
    return found


GOOD_DOCUMENTS = good_documents()


@settings(FUZZ, max_examples=1200)
@given(data=st.data())
def test_fuzz_network_json_loaders(data: st.DataObject) -> None:
    document = data.draw(st.sampled_from(GOOD_DOCUMENTS), label="start from")
    text = json.dumps(mutate_json(document, data)).encode()
    if data.draw(st.booleans(), label="damage the text"):
        text = mutate_bytes(text, data)
    with guarded({"fuzzed.json": text}) as folder:
        path = folder / "fuzzed.json"
        load_checked(lambda: open_source(str(path)), DocumentError, "fuzzed.json")
        load_checked(lambda: load_document(path), DocumentError, "fuzzed.json")


# -- IDX files ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def good_idx() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    arrays = {}
    for key in STANDARD_FILES:
        count = 6 if "train" in key else 4
        arrays[key] = (np.arange(count, dtype=np.uint8) % 10 if key.startswith("y")
                       else rng.integers(0, 256, (count, 28, 28), dtype=np.uint8))
    return arrays


def idx_bytes(array: np.ndarray, compress: bool) -> bytes:
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "a"
        write_idx(path, array, compress=compress)
        return path.read_bytes()


def mutate_idx(raw: bytes, data: st.DataObject) -> bytes:
    """Damage an uncompressed IDX file: its header fields, its body, or both."""
    how = data.draw(st.sampled_from(["magic", "dims", "body", "append"]))
    out = bytearray(raw)
    if how == "magic":
        out[data.draw(st.integers(0, 3))] = data.draw(
            st.sampled_from([0, 1, 3, 8, 9, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 255]))
    elif how == "dims":
        ndim = out[3]
        at = 4 + 4 * data.draw(st.integers(0, max(0, ndim - 1)))
        out[at:at + 4] = struct.pack(">I", data.draw(st.integers(0, 2**32 - 1)
                                                     | st.integers(0, 100)))
    elif how == "append":
        out += bytes(data.draw(st.integers(1, 3 << 20)))
    return mutate_bytes(bytes(out), data) if how == "body" else bytes(out)


def mutate_gzip(raw: bytes, data: st.DataObject) -> bytes:
    how = data.draw(st.sampled_from(["inner", "stream", "bomb"]))
    if how == "inner":
        return gzip.compress(mutate_idx(raw, data), mtime=0)
    if how == "stream":
        return mutate_bytes(gzip.compress(raw, mtime=0), data)
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # raw's header, then far too much
    body = [packer.compress(raw)]
    body += [packer.compress(bytes(1 << 20)) for _ in range(data.draw(st.integers(1, 48)))]
    return b"".join(body) + packer.flush()


@settings(FUZZ, max_examples=600)
@given(data=st.data())
def test_fuzz_idx_loaders(good_idx: dict[str, np.ndarray], data: st.DataObject) -> None:
    files = {}
    for key, stem in STANDARD_FILES.items():
        files[stem + ".gz"] = idx_bytes(good_idx[key], compress=True)
    victim = data.draw(st.sampled_from(sorted(STANDARD_FILES)), label="damaged file")
    raw = idx_bytes(good_idx[victim], compress=False)
    if data.draw(st.booleans(), label="gzipped"):
        damaged = mutate_gzip(raw, data)
    else:
        damaged = mutate_idx(raw, data)
    name = STANDARD_FILES[victim] + ".gz"  # gzip or not: the loader looks at the bytes
    files[name] = damaged
    with guarded(files) as folder:
        load_checked(lambda: read_idx(folder / name), DatasetError, name)
        arrays = load_checked(lambda: read_idx_folder(folder, "mnist", 10), DatasetError,
                              "idx")
    if arrays is not None:
        for split in ("train", "test"):
            assert arrays[f"x_{split}"].shape[1:] == (28, 28)
            labels = arrays[f"y_{split}"]
            assert len(labels) == len(arrays[f"x_{split}"]) > 0
            assert labels.min() >= 0 and labels.max() <= 9


def test_the_fuzzers_start_from_files_that_load(good_project: dict[str, bytes],
                                                rich_project: dict[str, bytes],
                                                good_idx: dict[str, np.ndarray]) -> None:
    with guarded({"good.nnstudio": zip_members(good_project)}) as folder:
        assert load_project(folder / "good.nnstudio").weights
    with guarded({"rich.nnstudio": zip_members(rich_project)}) as folder:
        rich = load_project(folder / "rich.nnstudio")
    assert len(rich.members) == 3 and len(rich.checkpoints) == 4
    assert rich.data is not None and rich.data.options.target == "y" and rich.experiment
    for document in GOOD_DOCUMENTS:
        with guarded({"good.json": json.dumps(document).encode()}) as folder:
            open_source(str(folder / "good.json"))
            load_document(folder / "good.json")
    files = {stem + ".gz": idx_bytes(good_idx[key], True) for key, stem in
             STANDARD_FILES.items()}
    with guarded(files) as folder:
        assert read_idx_folder(folder, "mnist", 10)["x_train"].shape == (6, 28, 28)


@pytest.mark.parametrize("options", [
    {"image_size": 5}, {"image_size": ["a", "b"]}, {"image_size": [1, 2, 3]},
    {"image_size": [True, 2]}, {"test_fraction": "x"}, {"skip_rows": "x"}, {"skip_rows": -3},
    {"header": "x"}, {"target": [1]}, {"seed": "x"}, {"seed": 1.5}, {"delimiter": 7},
    {"task": 3}, {"missing": None}])
def test_a_malformed_data_reference_is_refused_naming_the_project(
        rich_project: dict[str, bytes], options: dict[str, Any]) -> None:
    meta = json.loads(rich_project["project.json"])
    meta["data"]["options"] = {**meta["data"]["options"], **options}
    files = {**rich_project, "project.json": json.dumps(meta).encode()}
    with guarded({"odd.nnstudio": zip_members(files)}) as folder, \
            pytest.raises(ProjectError, match=r"odd.nnstudio: the saved data options"):
        load_project(folder / "odd.nnstudio")
