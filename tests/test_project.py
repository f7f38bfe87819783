"""The .nnstudio project file: exact round trips, atomic saves, and a loader that only ever
raises ProjectError, however damaged, hostile or new the file is (fuzzed with hypothesis)."""

from __future__ import annotations

import copy
import io
import json
import os
import struct
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnstudio.files.project import FORMAT_VERSION, Project, ProjectError, load_project, save_project
from nnstudio.running.build import build_network
from nnstudio.spec.network import EdgeSpec, NetworkSpec, NodeSpec
from nnstudio.spec.presets import load_preset
from nnstudio.spec.training import TrainingSpec

# Bounded, so the file runs in seconds; each loader test still tries 100 hostile files.
FUZZ = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


# -- a project worth saving -----------------------------------------------------------------
def trained_looking_project() -> Project:
    preset = load_preset("lenet5")
    network = preset.network
    for i, node in enumerate(network.nodes):
        node.pos = (12.5 * i, -40.25 + i)
    training = TrainingSpec(optimizer="nesterov", lr=0.05, momentum=0.8, batch_size=32,
                            epochs=3, l2=1e-4, schedule="step", seed=7, augment=True)
    rng = np.random.default_rng(3)
    weights = build_network(network, training).get_weights()
    for arrays in weights.values():
        for name, array in arrays.items():
            arrays[name] = rng.normal(size=array.shape).astype(np.float32)
    history = {"loss": [2.3, 0.71, 0.42], "val_accuracy": [0.5, 0.91, 0.955],
               "epochs": 3, "notes": {"stopped": "finished", "best": 2}}
    return Project(network, training, weights, history, "mnist-subset",
                   {"zoom": 1.25, "center": [10, -4]})


def assert_same_weights(got: dict[str, dict[str, np.ndarray]] | None,
                        expected: dict[str, dict[str, np.ndarray]]) -> None:
    assert got is not None
    assert got.keys() == expected.keys()
    for node, arrays in expected.items():
        assert got[node].keys() == arrays.keys()
        for name, array in arrays.items():
            loaded = got[node][name]
            assert loaded.dtype == array.dtype and loaded.shape == array.shape
            assert loaded.tobytes() == array.tobytes(), f"{node}/{name} changed"


# -- saving and loading ---------------------------------------------------------------------
def test_round_trip_gives_back_everything(tmp_path: Path) -> None:
    project = trained_looking_project()
    path = tmp_path / "lenet.nnstudio"
    save_project(path, project)
    loaded = load_project(path)
    assert loaded.network.to_json() == project.network.to_json()
    assert loaded.training == project.training
    assert_same_weights(loaded.weights, project.weights or {})
    assert loaded.history == project.history
    assert loaded.dataset == "mnist-subset"
    assert loaded.layout == project.layout
    assert zipfile.ZipFile(path).namelist() == ["project.json", "weights.npz", "history.json"]


def test_a_loaded_project_builds_the_same_network(tmp_path: Path) -> None:
    project = trained_looking_project()
    save_project(tmp_path / "p.nnstudio", project)
    loaded = load_project(tmp_path / "p.nnstudio")
    x = np.random.default_rng(0).normal(size=(4, 1, 28, 28)).astype(np.float32)
    outputs = []
    for p in (project, loaded):
        network = build_network(p.network, p.training)
        network.set_weights(p.weights or {})
        outputs.append(network.predict(x))
    assert np.array_equal(outputs[0], outputs[1])


def test_project_without_weights_or_history(tmp_path: Path) -> None:
    save_project(tmp_path / "new.nnstudio", Project(NetworkSpec.sequential([("Dense", {})])))
    loaded = load_project(tmp_path / "new.nnstudio")
    assert loaded.weights is None and loaded.history == {}
    assert loaded.training == TrainingSpec()


# Any text but NUL, which ends a zip member's name, and unpaired surrogates, which UTF-8
# cannot encode (saving refuses both: see below).
node_ids = st.sampled_from(["a/b", "/", "x/W", "dense1"]) | st.text(
    st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]), max_size=12)
float_arrays = hnp.arrays(st.sampled_from([np.float32, np.float64, np.int64, np.uint8]),
                          hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))


@FUZZ
@given(ids=st.lists(node_ids, min_size=1, max_size=4, unique=True),
       arrays=st.lists(float_arrays, min_size=4, max_size=4),
       history=st.dictionaries(st.text(max_size=8),
                               st.lists(st.floats(allow_nan=False, allow_infinity=False),
                                        max_size=5), max_size=3))
def test_round_trip_is_exact_for_any_names_and_values(tmp_path: Path, ids: list[str],
                                                       arrays: list[np.ndarray],
                                                       history: dict[str, list[float]]) -> None:
    network = NetworkSpec(name="fuzz")
    network.nodes = [NodeSpec("in", "Input", {"shape": [2]})]
    network.nodes += [NodeSpec(i, "Identity") for i in ids if i != "in"]
    weights = {node_id: {"W": array, "b": array[..., :1] if array.ndim else array}
               for node_id, array in zip(ids, arrays, strict=False)}
    path = tmp_path / "fuzz.nnstudio"
    save_project(path, Project(network, weights=weights, history=history))
    loaded = load_project(path)
    assert [n.id for n in loaded.network.nodes] == [n.id for n in network.nodes]
    assert_same_weights(loaded.weights, weights)
    assert loaded.history == history


@pytest.mark.parametrize("bad_id", ["dense\x001", "dense\ud800"])
def test_a_name_that_cannot_be_stored_is_refused_before_writing(tmp_path: Path,
                                                                bad_id: str) -> None:
    path = tmp_path / "p.nnstudio"
    save_project(path, trained_looking_project())
    before = path.read_bytes()
    network = NetworkSpec.sequential([("Dense", {"units": 2})], input_shape=[2])
    network.nodes[1].id = bad_id
    with pytest.raises(ProjectError, match="cannot be stored"):
        save_project(path, Project(network, weights={bad_id: {"W": np.zeros((2, 2))}}))
    assert path.read_bytes() == before and len(list(tmp_path.iterdir())) == 1


# -- a crash while saving -------------------------------------------------------------------
def crash(*_: Any, **__: Any) -> None:
    raise OSError("disk full (simulated)")


@pytest.mark.parametrize("how", ["replace", "write weights", "fsync interrupted"])
def test_crash_while_saving_keeps_the_old_file(tmp_path: Path, how: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.nnstudio"
    old = trained_looking_project()
    save_project(path, old)
    before = path.read_bytes()
    new = trained_looking_project()
    new.history = {"loss": [9.0]}
    expected: type[BaseException] = OSError
    if how == "replace":
        monkeypatch.setattr(os, "replace", crash)
    elif how == "write weights":
        real = zipfile.ZipFile.writestr

        def writestr(self: zipfile.ZipFile, name: Any, data: Any, *args: Any, **kw: Any) -> None:
            if name == "weights.npz":
                crash()
            real(self, name, data, *args, **kw)

        monkeypatch.setattr(zipfile.ZipFile, "writestr", writestr)
    else:
        def interrupted(fd: int) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(os, "fsync", interrupted)
        expected = KeyboardInterrupt
    with pytest.raises(expected):
        save_project(path, new)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.nnstudio"]  # no temporary file left
    assert load_project(path).history == old.history


def test_crash_while_saving_a_new_file_leaves_nothing(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        save_project(tmp_path / "new.nnstudio", trained_looking_project())
    assert list(tmp_path.iterdir()) == []


# -- the loader under attack ----------------------------------------------------------------
@pytest.fixture(scope="module")
def good_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    project = trained_looking_project()
    project.network = load_preset("xor-mlp").network  # small: fuzzing stays fast
    project.weights = build_network(project.network).get_weights()
    path = tmp_path_factory.mktemp("good") / "good.nnstudio"
    save_project(path, project)
    return path.read_bytes()


def members_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def load_bytes(data: bytes) -> Project | None:
    """Load ``data`` as a project file: a Project, or None when it raised ProjectError.
    Any other exception fails the test; the file must be left as it was."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.nnstudio"
        path.write_bytes(data)
        try:
            return load_project(path)
        except ProjectError as error:
            assert str(error).startswith("fuzzed.nnstudio")
            return None
        finally:
            assert path.read_bytes() == data


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10)
    | st.sampled_from([10**400, -(10**400), 2**63, -1, 0, "", "Dense", "Input", [784]]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["version", "format", "network", "training", "nodes",
                                       "edges", "id", "type", "params", "pos", "shape",
                                       "units", "weights", "source", "target", "port", "lr",
                                       "layout", "dataset", "name"]) | st.text(max_size=6),
                      children, max_size=5),
    max_leaves=25)


@FUZZ
@given(data=st.binary(max_size=3000), zip_magic=st.booleans())
def test_random_bytes(data: bytes, zip_magic: bool) -> None:
    load_bytes(b"PK\x03\x04" + data if zip_magic else data)


@FUZZ
@given(st.data())
def test_truncated_and_corrupted_files(good_bytes: bytes, data: st.DataObject) -> None:
    damaged = bytearray(good_bytes[:data.draw(st.integers(0, len(good_bytes)))])
    for _ in range(data.draw(st.integers(0, 6))):
        if damaged:
            damaged[data.draw(st.integers(0, len(damaged) - 1))] = data.draw(st.integers(0, 255))
    load_bytes(bytes(damaged))


@FUZZ
@given(meta=json_values)
def test_random_project_json(good_bytes: bytes, meta: Any) -> None:
    members = members_of(good_bytes)
    members["project.json"] = json.dumps(meta).encode()
    load_bytes(zip_of(members))


def paths_in(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON tree, as a tuple of keys and indexes."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths_in(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += paths_in(child, (*prefix, i))
    return found


@FUZZ
@given(st.data())
def test_mutated_project_json(good_bytes: bytes, data: st.DataObject) -> None:
    members = members_of(good_bytes)
    meta = json.loads(members["project.json"])
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths_in(meta)))
        # a copy: mutating a drawn value would change what hypothesis replays
        replacement = copy.deepcopy(data.draw(json_values))
        if not path:
            meta = replacement
            continue
        parent = meta
        for key in path[:-1]:
            parent = parent[key]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = replacement
    members["project.json"] = json.dumps(meta).encode()
    project = load_bytes(zip_of(members))
    if project is not None:  # whatever loads must be well-formed
        assert isinstance(project.network, NetworkSpec)
        assert isinstance(project.training, TrainingSpec)
        assert isinstance(project.history, dict)


@pytest.mark.parametrize("text", [
    '{"version": 1' + "1" * 5000 + "}",  # an integer too long to convert
    "[" * 100_000 + "]" * 100_000,  # nesting deeper than the recursion limit
    '{"version": 1, "network": {"nodes": [{"id": "a", "type": "Input", "pos": [' + "9" * 400
    + ", 1]}]}}",  # a position too big for a float
    '{"version": 1, "network": {"nodes": []}, "training": {"lr": ' + "9" * 400 + "}}",
    '{"version": 1, "network": {"nodes": []}, "training": {"epochs": -5}}',
    '{"version": true, "network": {"nodes": []}}',
    '{"version": 1, "network": {"nodes": []}, "layout": [], "dataset": 3}',
    "\ufeff{}", "\x00", "",
])
def test_hostile_project_json(good_bytes: bytes, text: str) -> None:
    members = members_of(good_bytes)
    members["project.json"] = text.encode("utf-8", "surrogatepass")
    assert load_bytes(zip_of(members)) is None


def npy_bytes(header: dict[str, Any], payload: bytes, version: tuple[int, int] = (1, 0)) -> bytes:
    buffer = io.BytesIO()
    write = {(1, 0): np.lib.format.write_array_header_1_0,
             (2, 0): np.lib.format.write_array_header_2_0}[version]
    write(buffer, header)
    return buffer.getvalue() + payload


def npz_of(arrays: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in arrays.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@FUZZ
@given(shape=st.lists(st.integers(-3, 2**40) | st.sampled_from([0, 1, 2, 3]), max_size=4),
       descr=st.sampled_from(["<f4", ">f8", "<i8", "|u1", "|b1", "<c8", "|O", "<U3", "|V4",
                              "<M8[s]", [("a", "<f4")]]),
       fortran=st.booleans(), payload=st.binary(max_size=64),
       version=st.sampled_from([(1, 0), (2, 0)]),
       key=st.sampled_from(["dense1/W.npy", "dense1/W", "W.npy", "/W.npy", "a/b/c.npy"]))
def test_weights_with_hostile_headers(good_bytes: bytes, shape: list[int], descr: Any,
                                      fortran: bool, payload: bytes, version: tuple[int, int],
                                      key: str) -> None:
    header = {"descr": descr, "fortran_order": fortran, "shape": tuple(shape)}
    members = members_of(good_bytes)
    members["weights.npz"] = npz_of({key: npy_bytes(header, payload, version)})
    project = load_bytes(zip_of(members))
    if project is not None and project.weights:  # only honest arrays of numbers get through
        (array,) = [a for arrays in project.weights.values() for a in arrays.values()]
        assert array.dtype.kind in "fiu" and array.nbytes <= len(payload)


def test_pickled_object_array_is_refused(good_bytes: bytes) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, **{"dense1/W": np.array([{"evil": print}, 1], dtype=object)})
    members = members_of(good_bytes)
    members["weights.npz"] = buffer.getvalue()
    data = zip_of(members)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "evil.nnstudio"
        path.write_bytes(data)
        with pytest.raises(ProjectError, match="unusable array"):
            load_project(path)


@pytest.mark.parametrize("weights", [b"", b"not a zip", npz_of({"x/W.npy": b"\x93NUMPY"}),
                                     npz_of({"x/W.npy": b"\x93NUMPY\x03\x00" + b"{}" * 8})])
def test_damaged_weights(good_bytes: bytes, weights: bytes) -> None:
    members = members_of(good_bytes)
    members["weights.npz"] = weights
    assert load_bytes(zip_of(members)) is None


def with_sizes(data: bytes, size: int) -> bytes:
    """Every zip header's uncompressed size field set to ``size`` (a lying archive)."""
    patched = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = patched.find(signature)
        while start != -1:
            patched[start + offset:start + offset + 4] = struct.pack("<I", size)
            start = patched.find(signature, start + 4)
    return bytes(patched)


@FUZZ
@given(size=st.integers(0, 2**32 - 1))
def test_members_that_lie_about_their_size(good_bytes: bytes, size: int) -> None:
    load_bytes(with_sizes(good_bytes, size))


@FUZZ
@given(history=st.binary(max_size=50) | json_values.map(lambda v: json.dumps(v).encode()))
def test_random_history(good_bytes: bytes, history: bytes) -> None:
    members = members_of(good_bytes)
    members["history.json"] = history
    project = load_bytes(zip_of(members))
    if project is not None:
        assert isinstance(project.history, dict)


@pytest.mark.parametrize("change", [
    lambda m: m.pop("project.json"),
    lambda m: m.update({"project.json": b"[]"}),
    lambda m: m.pop("weights.npz") and m.pop("history.json") and None,
])
def test_missing_members(good_bytes: bytes, change: Callable[[dict[str, bytes]], Any]) -> None:
    members = members_of(good_bytes)
    change(members)
    project = load_bytes(zip_of(members))
    if "project.json" in members and members["project.json"] != b"[]":
        assert project is not None and project.weights is None and project.history == {}
    else:
        assert project is None


def test_newer_format_version_is_refused_clearly(good_bytes: bytes, tmp_path: Path) -> None:
    members = members_of(good_bytes)
    meta = json.loads(members["project.json"])
    meta["version"] = FORMAT_VERSION + 1
    meta["something_new"] = {"we": "cannot read"}
    members["project.json"] = json.dumps(meta).encode()
    path = tmp_path / "future.nnstudio"
    path.write_bytes(zip_of(members))
    newer = rf"newer NN Studio \(format {FORMAT_VERSION + 1}; .*please update"
    with pytest.raises(ProjectError, match=newer):
        load_project(path)
    meta["version"] = FORMAT_VERSION
    meta["network"]["version"] = 99
    members["project.json"] = json.dumps(meta).encode()
    path.write_bytes(zip_of(members))
    with pytest.raises(ProjectError, match="newer NN Studio"):
        load_project(path)


def test_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such file"):
        load_project(tmp_path / "missing.nnstudio")
    with pytest.raises(ProjectError, match="folder"):
        load_project(tmp_path)


def test_a_save_after_a_failed_load_is_unaffected(good_bytes: bytes, tmp_path: Path) -> None:
    path = tmp_path / "p.nnstudio"
    path.write_bytes(good_bytes[: len(good_bytes) // 2])
    with pytest.raises(ProjectError):
        load_project(path)
    project = copy.deepcopy(trained_looking_project())
    save_project(path, project)
    assert load_project(path).history == project.history


def test_edges_survive(tmp_path: Path) -> None:
    network = NetworkSpec(name="branches")
    network.nodes = [NodeSpec("a", "Input", {"shape": [3]}), NodeSpec("b", "ReLU"),
                     NodeSpec("c", "Tanh"), NodeSpec("d", "Add")]
    network.edges = [EdgeSpec("a", "b"), EdgeSpec("a", "c"), EdgeSpec("b", "d", 1),
                     EdgeSpec("c", "d", 0)]
    save_project(tmp_path / "b.nnstudio", Project(network))
    assert load_project(tmp_path / "b.nnstudio").network.edges == network.edges


def test_weights_too_large_to_open_again_are_not_saved(tmp_path, monkeypatch) -> None:
    """A project is refused at save time, naming the size, when its weights exceed what
    loading accepts: saving it would make a file that never opens again."""
    from nnstudio.storage import weights_archive

    preset = load_preset("mlp-784-100-10")
    weights = build_network(preset.network).get_weights()
    path = tmp_path / "big.nnstudio"
    save_project(path, Project(preset.network, preset.training, weights))
    with zipfile.ZipFile(path) as archive:
        total = archive.getinfo("weights.npz").file_size
    before = path.read_bytes()
    monkeypatch.setattr(weights_archive, "MAX_WEIGHTS_BYTES", total - 1)
    with pytest.raises(ProjectError, match=r"big.nnstudio: the weights take .* more than the"):
        save_project(path, Project(preset.network, preset.training, weights))
    assert path.read_bytes() == before
    monkeypatch.setattr(weights_archive, "MAX_WEIGHTS_BYTES", total)
    save_project(path, Project(preset.network, preset.training, weights))
    assert load_project(path).weights["dense1"]["W"].shape == (784, 100)
