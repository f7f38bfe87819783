"""The subset builder: balanced, deterministic to the byte, and clear when it cannot work."""

from __future__ import annotations

import time

import numpy as np

from nnstudio.data.make_subset import build_subset, main
from nnstudio.data.npz import save_npz_deterministic


def test_same_source_gives_the_same_bytes(tmp_path, mnist_folder, capsys, monkeypatch):
    folder, _ = mnist_folder(train_per_class=8, test_per_class=4)
    first, second = tmp_path / "first.npz", tmp_path / "second.npz"
    args = ["--source", str(folder), "--train-per-class", "5", "--test-per-class", "2"]
    # Two builds years apart: zip timestamps must not leak into the file.
    monkeypatch.setattr(time, "time", lambda: 1_000_000_000.0)
    assert main([*args, "--out", str(first)]) == 0
    monkeypatch.setattr(time, "time", lambda: 1_700_000_000.0)
    assert main([*args, "--out", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert "50 training and 20 test digits" in capsys.readouterr().out


def test_subset_is_balanced_and_keeps_labels_with_images(mnist_folder):
    folder, _ = mnist_folder(train_per_class=8, test_per_class=4)
    subset = build_subset(folder, train_per_class=5, test_per_class=3)
    assert np.bincount(subset["y_train"]).tolist() == [5] * 10
    assert np.bincount(subset["y_test"]).tolist() == [3] * 10
    assert subset["x_train"].dtype == np.uint8
    assert (subset["x_train"][:, 0, 0] == subset["y_train"]).all()
    assert len({image.tobytes() for image in subset["x_train"]}) == 50  # no duplicates


def test_seed_changes_the_selection(mnist_folder):
    folder, _ = mnist_folder(train_per_class=8, test_per_class=4)
    a = build_subset(folder, 5, 2, seed=1)
    b = build_subset(folder, 5, 2, seed=2)
    assert not np.array_equal(a["x_train"], b["x_train"])


def test_too_few_samples_is_an_error_not_a_crash(tmp_path, mnist_folder, capsys):
    folder, _ = mnist_folder(train_per_class=3, test_per_class=2)
    status = main(["--source", str(folder), "--out", str(tmp_path / "s.npz")])
    assert status == 1
    assert "has only 3 samples, 1200 were asked for" in capsys.readouterr().err
    assert not (tmp_path / "s.npz").exists()


def test_deterministic_npz_round_trips_and_leaves_no_temp_file(tmp_path):
    arrays = {"b": np.arange(6, dtype=np.int16).reshape(2, 3), "a": np.ones(4, np.float32)}
    path = tmp_path / "w.npz"
    save_npz_deterministic(path, arrays)
    with np.load(path, allow_pickle=False) as npz:
        assert npz.files == ["a", "b"]
        np.testing.assert_array_equal(npz["b"], arrays["b"])
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]
