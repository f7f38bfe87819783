"""The `nnstudio` command line: summary, gradcheck, train, eval, datasets, bench."""

from __future__ import annotations

import errno
import json
import os

import pytest

from nnstudio.cli import main
from nnstudio.spec.presets import load_preset, preset_names


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", preset_names())
def test_summary_matches_shape_inference(capsys, name: str) -> None:
    code, out, _ = run(capsys, "summary", name, "--json")
    assert code == 0
    data = json.loads(out)
    analysis = load_preset(name).network.analyze()
    assert data["total_params"] == analysis.total_params
    for row in data["layers"]:
        assert tuple(row["output_shape"]) == analysis.shapes[row["id"]]
        assert row["params"] == analysis.param_counts[row["id"]]


def test_summary_text_is_a_keras_style_table(capsys) -> None:
    code, out, _ = run(capsys, "summary", "lenet5")
    assert code == 0
    assert "conv2d1 (Conv2D)" in out and "6x28x28" in out and "Total params: 61,706" in out


def test_gradcheck_passes_for_the_branched_preset(capsys) -> None:
    code, out, _ = run(capsys, "gradcheck", "residual-mlp", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["passed"] and data["max_error"] <= 1e-6
    assert {"dense1", "dense2", "dense3", "input"} <= set(data["errors"])


def test_train_json_last_line_and_project_round_trip(capsys, tmp_path) -> None:
    project = tmp_path / "xor.nnstudio"
    code, out, _ = run(capsys, "train", "xor-mlp", "--epochs", "3000", "--json",
                       "--save", str(project))
    assert code == 0
    result = json.loads(out.strip().splitlines()[-1])
    assert result["test_accuracy"] == 1.0
    assert {"test_loss", "epochs", "seconds"} <= set(result)
    code, out, _ = run(capsys, "eval", str(project), "--json")
    assert code == 0 and json.loads(out)["test_accuracy"] == 1.0
    # A saved project trains headless again, from its saved weights.
    code, out, _ = run(capsys, "train", str(project), "--epochs", "1", "--json")
    assert code == 0 and json.loads(out.strip().splitlines()[-1])["test_accuracy"] == 1.0


def test_train_overrides_and_batch_modes(capsys) -> None:
    code, out, _ = run(capsys, "train", "mlp-784-100-10", "--epochs", "1", "--optimizer",
                       "sgd", "--lr", "0.1", "--batch-size", "32", "--seed", "4", "--json")
    assert code == 0
    assert json.loads(out.strip().splitlines()[-1])["test_accuracy"] > 0.8


def test_datasets_list_shows_the_embedded_subset(capsys) -> None:
    code, out, _ = run(capsys, "datasets", "list", "--json")
    names = {d["name"]: d for d in json.loads(out)}
    assert code == 0 and names["mnist-subset"]["available"]


@pytest.mark.parametrize(("args", "message"), [
    (("summary", "no-such-net"), "no such file or preset"),
    (("train", "xor-mlp", "--dataset", "nope"), "unknown dataset"),
    (("train", "mlp-784-100-10", "--dataset", "circles", "--epochs", "1"),
     "input takes 784 values"),
])
def test_errors_are_one_clear_line(capsys, args, message) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_bench_reports_ratios_in_json(capsys) -> None:
    code, out, _ = run(capsys, "bench", "--samples", "640", "--threads", "1", "--vs-torch",
                       "--json")
    assert code == 0
    assert "-- 1 thread (ours and PyTorch)" in out
    data = json.loads(out.strip().splitlines()[-1])
    assert data["threads"] == [1]
    (one_thread,) = data["runs"]
    assert one_thread["threads"] == 1
    for name in ("mlp-784-100-10", "small-cnn", "lenet5"):
        entry = one_thread["networks"][name]
        assert entry["ours"]["train_seconds"] > 0
        assert entry["torch"]["threads"] == 1 and entry["train_ratio"] > 0
    course = one_thread["course"]
    assert course["batch_size"] == 10 and course["torch"]["threads"] == 1
    assert course["speedup_vs_per_sample_loop"] > 1


def failing_savez(file, *args, **kwargs) -> None:  # noqa: ANN001 - numpy.savez's signature
    """numpy.savez cut short by a full disk, after writing part of the file."""
    handle = open(file, "wb") if isinstance(file, str) else file  # noqa: SIM115
    handle.write(b"PK\x03\x04 half a file")
    handle.flush()
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("command", [("train", "xor-mlp", "--epochs", "1", "--save"),
                                     ("export", "xor-mlp", "--format", "npz", "-o")])
def test_a_full_disk_while_saving_npz_keeps_the_old_file(capsys, tmp_path, monkeypatch,
                                                         command) -> None:
    import numpy

    path = tmp_path / "w.npz"
    assert run(capsys, *command, str(path))[0] == 0
    before = path.read_bytes()
    monkeypatch.setattr(numpy, "savez", failing_savez)
    code, _, err = run(capsys, *command, str(path))
    assert code == 2 and f"could not save {path}: the disk is full" in err
    assert "Traceback" not in err and ".tmp" not in err
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["w.npz"]


@pytest.mark.parametrize("suffix", [".nnstudio", ".npz"])
def test_train_save_through_a_symlink_writes_its_target(capsys, tmp_path, suffix) -> None:
    (tmp_path / "runs").mkdir()
    target = tmp_path / "runs" / f"model{suffix}"
    target.write_bytes(b"old")
    link = tmp_path / f"latest{suffix}"
    link.symlink_to(target)
    assert run(capsys, "train", "xor-mlp", "--epochs", "1", "--save", str(link))[0] == 0
    assert link.is_symlink() and link.resolve() == target
    assert target.read_bytes().startswith(b"PK")


# -- weights that do not fit, and the data a project names ----------------------------------
def saved_xor(tmp_path, change=None):
    """A trained-looking xor-mlp project, its weights changed by ``change``."""
    import numpy as np

    from nnstudio.files.project import Project, save_project
    from nnstudio.running.build import build_network
    from nnstudio.spec.training import TrainingSpec

    preset = load_preset("xor-mlp")
    weights = build_network(preset.network, preset.training).get_weights()
    if change is not None:
        change(weights, np)
    path = tmp_path / "xor.nnstudio"
    save_project(path, Project(preset.network, TrainingSpec(**{**preset.training.to_json(),
                                                                "epochs": 1}), weights))
    return path


def set_nan(weights, np) -> None:
    weights["dense1"]["W"][0, 0] = np.nan


@pytest.mark.parametrize("command", ["eval", "train"])
def test_nan_weights_are_refused_naming_the_file_and_array(capsys, tmp_path, command) -> None:
    code, out, err = run(capsys, command, str(saved_xor(tmp_path, set_nan)))
    assert code == 2 and "Traceback" not in err
    assert err.startswith("nnstudio: error: xor.nnstudio: the saved weights cannot be used: "
                          "dense1.W holds NaN or infinite values")


@pytest.mark.parametrize(("change", "message"), [
    (lambda w, np: w.update({"ghost": {"W": np.zeros(2)}}), "the network has no layer 'ghost'"),
    (lambda w, np: w["dense1"].update({"gamma": np.zeros(2)}),
     "dense1.gamma: the layer has no such parameter"),
    (lambda w, np: w["dense1"].update({"W": np.zeros((3, 3))}),
     "dense1.W: expected shape 2x"),
])
def test_weights_that_do_not_fit_are_one_clear_line(capsys, tmp_path, change, message) -> None:
    code, _, err = run(capsys, "eval", str(saved_xor(tmp_path, change)))
    assert code == 2 and "Traceback" not in err and len(err.splitlines()) == 1
    assert err.startswith("nnstudio: error: xor.nnstudio: the weights do not fit the network")
    assert message in err


def test_a_layer_left_out_of_the_weights_is_noted(capsys, tmp_path) -> None:
    path = saved_xor(tmp_path, lambda w, np: w.pop("dense2"))
    code, out, err = run(capsys, "eval", str(path), "--json")
    assert code == 0 and json.loads(out)["samples"] > 0
    assert ("nnstudio: note: xor.nnstudio: no saved weights for dense2; it keeps the "
            "starting weights") in err


@pytest.mark.parametrize("weights", [{"dense1": 5}, {"dense1": {"W": "abc"}},
                                     {"nope": {"W": [[1.0]]}}, [1, 2]])
def test_hand_set_weights_of_the_wrong_kind_are_one_clear_line(capsys, tmp_path,
                                                              weights) -> None:
    network = load_preset("xor-mlp").network.to_json()
    network["weights"] = weights
    path = tmp_path / "net.json"
    path.write_text(json.dumps(network))
    code, _, err = run(capsys, "train", str(path), "--epochs", "1", "--dataset", "xor")
    assert code == 2 and "Traceback" not in err and len(err.splitlines()) == 1
    assert err.startswith("nnstudio: error: net.json: ")
    assert "weights" in err or "'weights' must be an object" in err


def test_eval_reads_the_data_folder_saved_with_the_project(capsys, tmp_path,
                                                           monkeypatch) -> None:
    import numpy as np

    from nnstudio.data import remote
    from nnstudio.data.folders import STANDARD_FILES
    from nnstudio.data.idx import write_idx

    monkeypatch.delenv("NNSTUDIO_DATA_DIR", raising=False)
    monkeypatch.setenv(remote.CACHE_ENV, str(tmp_path / "empty-cache"))
    monkeypatch.setattr(remote, "_http_get", lambda url: pytest.fail(f"downloads {url}"))
    folder = tmp_path / "my-mnist"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for key, stem in STANDARD_FILES.items():
        count = 30 if "train" in key else 20
        array = (np.arange(count, dtype=np.uint8) % 10 if key.startswith("y")
                 else rng.integers(0, 256, (count, 28, 28), dtype=np.uint8))
        write_idx(folder / stem, array)
    project = tmp_path / "mlp.nnstudio"
    code, _, _ = run(capsys, "train", "mlp-784-100-10", "--dataset", "mnist", "--data-dir",
                     str(folder), "--epochs", "1", "--save", str(project))
    assert code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, err = run(capsys, "eval", str(project), "--json")
    assert code == 0, err
    assert json.loads(out)["samples"] == 20


def refused(capsys, *args: str) -> str:
    """The one-line error of a command refused with exit status 2, before it ran."""
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse refuses an option's value this way
        code = exit_.code
    _, err = capsys.readouterr()
    assert code == 2, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(("args", "option"), [
    (("gradcheck", "xor-mlp", "--batch", "0"), "--batch"),
    (("gradcheck", "xor-mlp", "--batch", "-2"), "--batch"),
    (("gradcheck", "xor-mlp", "--tolerance", "-1"), "--tolerance"),
    (("gradcheck", "xor-mlp", "--seed", "-1"), "--seed"),
    (("train", "xor-mlp", "--epochs", "-3"), "--epochs"),
    (("train", "xor-mlp", "--epochs", "0"), "--epochs"),
    (("train", "xor-mlp", "--batch-size", "-5"), "--batch-size"),
    (("train", "xor-mlp", "--seed", "-1"), "--seed"),
    (("train", "xor-mlp", "--lr", "-1"), "--lr"),
    (("train", "xor-mlp", "--lr", "nan"), "--lr"),
    (("train", "xor-mlp", "--validation-split", "2"), "--validation-split"),
    (("train", "xor-mlp", "--epochs", "1e9"), "--epochs"),
    (("bench", "--samples", "0"), "--samples"),
    (("bench", "--samples", "-5"), "--samples"),
    (("bench", "--threads", "0"), "--threads"),
    (("bench", "--repeats", "0"), "--repeats"),
    (("export", "xor-mlp", "-f", "onnx", "--opset", "-1"), "--opset"),
    (("--train-epochs", "-3", "--screenshot", "x.png"), "--train-epochs"),
    (("--size", "1024", "--screenshot", "x.png"), "--size"),
    (("--size", "axb", "--screenshot", "x.png"), "--size"),
    (("--size", "10x700", "--screenshot", "x.png"), "--size"),
    (("gradcheck", "xor-mlp", "--batch", "two"), "--batch"),
    (("train", "small-cnn", "--cores", "0"), "--cores"),
])
def test_numbers_out_of_range_name_their_option(capsys, args, option) -> None:
    err = refused(capsys, *args)
    assert f"argument {option}" in err


def test_screenshot_into_a_missing_folder_is_refused_before_the_app_starts(
        capsys, tmp_path, monkeypatch) -> None:
    import nnstudio.app

    monkeypatch.setattr(nnstudio.app, "run", lambda **kwargs: pytest.fail("the app started"))
    missing = tmp_path / "missing" / "shot.png"
    assert f"the folder {missing.parent} does not exist" in refused(
        capsys, "--screenshot", str(missing))
    assert "that is a folder" in refused(capsys, "--screenshot", str(tmp_path))


def test_screenshot_size_reaches_the_app(monkeypatch) -> None:
    import nnstudio.app

    asked = []
    monkeypatch.setattr(nnstudio.app, "run", lambda **kwargs: asked.append(kwargs) or 0)
    assert main(["--screenshot", "shot.png", "--size", "1024X700"]) == 0
    assert main(["--screenshot", "shot.png"]) == 0
    assert [kwargs["size"] for kwargs in asked] == [(1024, 700), (1400, 900)]


def test_memory_error_is_one_clear_line(capsys, monkeypatch) -> None:
    import nnstudio.cli.summary

    def exhausted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise MemoryError
    monkeypatch.setattr(nnstudio.cli.summary, "format_summary", exhausted)
    err = refused(capsys, "summary", "xor-mlp")
    assert err.startswith("nnstudio: error: out of memory") and len(err.splitlines()) == 1


def test_save_destination_is_checked_before_training(capsys, tmp_path, monkeypatch) -> None:
    import os

    import nnstudio.running.session

    monkeypatch.setattr(nnstudio.running.session, "create_session",
                        lambda *a, **k: pytest.fail("trained before checking --save"))
    missing = tmp_path / "missing" / "x.nnstudio"
    assert "does not exist" in refused(capsys, "train", "xor-mlp", "--save", str(missing))
    assert "that is a folder" in refused(capsys, "train", "xor-mlp", "--save", str(tmp_path))
    monkeypatch.setattr(os, "access", lambda path, mode: False)  # tests run as root
    assert f"the folder {tmp_path} is not writable" in refused(
        capsys, "train", "xor-mlp", "--save", str(tmp_path / "x.nnstudio"))


@pytest.mark.parametrize("suffix", [".nnstudio", ".npz"])
def test_a_save_that_fails_after_training_goes_elsewhere_and_says_where(
        capsys, tmp_path, monkeypatch, suffix) -> None:
    import os

    import platformdirs

    import nnstudio.files.project

    wanted = tmp_path / f"run{suffix}"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda app: str(tmp_path / "data"))
    replace = os.replace

    def disk_full_at_destination(source, target, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if os.fspath(target) == str(wanted):  # every save ends in one atomic rename
            raise OSError(28, "No space left on device")
        return replace(source, target, *args, **kwargs)
    monkeypatch.setattr(os, "replace", disk_full_at_destination)
    err = refused(capsys, "train", "xor-mlp", "--epochs", "2", "--save", str(wanted))
    rescued = list((tmp_path / "data" / "rescued").iterdir())
    assert len(rescued) == 1 and rescued[0].suffix == suffix
    assert f"--save {wanted}: could not save" in err and "no space left" in err.lower()
    assert f"saved to {rescued[0]} instead" in err
    if suffix == ".nnstudio":
        assert nnstudio.files.project.load_project(rescued[0]).weights


def test_a_project_with_nan_weights_is_not_trained_or_saved(capsys, tmp_path) -> None:
    import numpy

    from nnstudio.files.project import Project, save_project
    from nnstudio.running.build import build_network

    preset = load_preset("xor-mlp")
    weights = build_network(preset.network).get_weights()
    weights["dense1"]["W"][0, 0] = numpy.nan
    project = tmp_path / "nan.nnstudio"
    save_project(project, Project(preset.network, preset.training, weights))
    saved = tmp_path / "trained.nnstudio"
    err = refused(capsys, "train", str(project), "--epochs", "2", "--save", str(saved))
    assert "nan.nnstudio: the saved weights cannot be used: dense1.W holds NaN" in err
    assert not saved.exists()


def test_train_save_to_a_json_file_writes_a_document_that_opens(capsys, tmp_path) -> None:
    saved = tmp_path / "trained.json"
    code, _, err = run(capsys, "train", "xor-mlp", "--epochs", "1", "--lr", "0.25",
                       "--save", str(saved))
    assert code == 0
    assert "keeps the network and its settings but not the trained weights" in err
    document = json.loads(saved.read_text())
    assert document["format"] == "nnstudio.document" and document["training"]["lr"] == 0.25
    code, out, _ = run(capsys, "summary", str(saved), "--json")
    assert code == 0 and json.loads(out)["total_params"] == 9


def test_a_sweep_grid_too_large_to_run_is_refused_before_anything_runs(capsys, tmp_path) -> None:
    study = tmp_path / "g.db"
    code = main(["sweep", "spirals-mlp", "--strategy", "grid", "--grid-points", "100000",
                 "--param", "lr=log:1e-3:1e-1", "--param", "momentum=float:0.1:0.9",
                 "--param", "dense1.units=int:1:100000", "--study", str(study)])
    assert code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith(
        "nnstudio: error: --grid-points 100000: a grid of")
    assert not study.exists()


@pytest.fixture
def two_cores(monkeypatch) -> None:
    """At least two cores, as far as the sharing of batches can tell (a one-core machine
    runs the two processes in turn: slower, the same results)."""
    cores = max(2, os.cpu_count() or 1)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)


def test_train_on_two_cores_saves_what_one_core_would(capsys, tmp_path, two_cores) -> None:
    """train --cores 2 (each batch shared by two processes) -> save -> eval: the results of
    the run on one core, to float rounding."""
    accuracies = []
    for cores in ("1", "2"):
        project = tmp_path / f"cores{cores}.nnstudio"
        code, out, err = run(capsys, "train", "small-cnn", "--epochs", "1", "--cores", cores,
                             "--json", "--save", str(project))
        assert code == 0
        assert ("Each batch shared across 2 processes" in err) == (cores == "2")
        trained = json.loads(out.strip().splitlines()[-1])
        code, out, _ = run(capsys, "eval", str(project), "--json")
        assert code == 0
        evaluated = json.loads(out.strip().splitlines()[-1])
        assert evaluated["test_accuracy"] == pytest.approx(trained["test_accuracy"])
        accuracies.append(trained["test_accuracy"])
    assert accuracies[1] == pytest.approx(accuracies[0], abs=1e-3)
    code, _, err = run(capsys, "train", "mlp-784-100-10", "--epochs", "1", "--cores", "2")
    assert code == 0 and "--cores 2: a network without convolutions" in err


def test_bench_shares_convolutional_batches_across_its_threads(capsys, two_cores) -> None:
    code, out, _ = run(capsys, "bench", "--samples", "640", "--threads", "2", "--json")
    assert code == 0
    assert "small-cnn        ours (2 processes of 1 thread)" in out
    networks = json.loads(out.strip().splitlines()[-1])["runs"][0]["networks"]
    assert networks["small-cnn"]["ours"]["processes"] == 2
    assert networks["lenet5"]["ours"]["processes"] == 2
    assert networks["mlp-784-100-10"]["ours"]["processes"] == 1


def test_an_ensemble_too_large_for_a_project_is_refused_before_it_trains(capsys,
                                                                         tmp_path) -> None:
    err = refused(capsys, "ensemble", "xor-mlp", "--members", "300", "--save",
                  str(tmp_path / "team.nnstudio"))
    assert "--members 300: a project holds at most 256 members" in err
    assert not (tmp_path / "team.nnstudio").exists()
