"""The weights alone as .npz: "node/param" keys, readable without pickle, exact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnstudio.export import ExportError, export_npz, load_npz

from .networks import graph, network_named, varied_weights


def test_round_trip_is_exact(tmp_path: Path) -> None:
    spec = network_named("lenet5")
    weights = varied_weights(spec)
    path = tmp_path / "w.npz"
    assert export_npz(spec, weights, path) == [path]
    with np.load(path, allow_pickle=False) as arrays:
        assert sorted(arrays.files) == sorted(f"{node}/{name}" for node, found in weights.items()
                                              for name in found)
        assert arrays["dense1/W"].shape == (400, 120)  # our layout: (in, out)
    loaded = load_npz(path)
    assert loaded.keys() == weights.keys()
    for node, arrays in weights.items():
        for name, array in arrays.items():
            assert loaded[node][name].dtype == np.float32
            assert np.array_equal(loaded[node][name], array)


def test_node_ids_with_slashes(tmp_path: Path) -> None:
    spec = graph("slashes", [("in", "Input", {"shape": [3]}), ("a/b", "Dense", {"units": 2})],
                 [("in", "a/b")])
    weights = varied_weights(spec)
    export_npz(spec, weights, tmp_path / "w.npz")
    assert np.array_equal(load_npz(tmp_path / "w.npz")["a/b"]["W"], weights["a/b"]["W"])


def test_a_name_without_suffix_is_kept(tmp_path: Path) -> None:
    spec = network_named("xor-mlp")
    export_npz(spec, varied_weights(spec), tmp_path / "weights")
    assert (tmp_path / "weights").exists() and not (tmp_path / "weights.npz").exists()


def test_unreadable_files_raise_export_error(tmp_path: Path) -> None:
    (tmp_path / "junk.npz").write_bytes(b"not a zip at all")
    with pytest.raises(ExportError, match="junk.npz"):
        load_npz(tmp_path / "junk.npz")
    np.save(tmp_path / "single.npy", np.zeros(3))
    with pytest.raises(ExportError, match="not an .npz"):
        load_npz(tmp_path / "single.npy")
    np.savez(tmp_path / "objects.npz", **{"a/W": np.array([object()], dtype=object)})
    with pytest.raises(ExportError, match="objects.npz"):
        load_npz(tmp_path / "objects.npz")
