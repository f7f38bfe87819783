"""The `nnstudio` command line: summary, gradcheck, train, eval, datasets, bench."""

from __future__ import annotations

import json

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
    code, out, _ = run(capsys, "bench", "--samples", "640", "--json")
    assert code == 0
    data = json.loads(out.strip().splitlines()[-1])
    for name in ("mlp-784-100-10", "small-cnn"):
        assert data["networks"][name]["ours"]["train_seconds"] > 0
    assert data["course"]["speedup_vs_per_sample_loop"] > 1


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
    (("bench", "--blas-threads", "-1"), "--blas-threads"),
    (("export", "xor-mlp", "-f", "onnx", "--opset", "-1"), "--opset"),
    (("--train-epochs", "-3", "--screenshot", "x.png"), "--train-epochs"),
    (("gradcheck", "xor-mlp", "--batch", "two"), "--batch"),
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


def test_memory_error_is_one_clear_line(capsys, monkeypatch) -> None:
    import nnstudio.summary

    def exhausted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise MemoryError
    monkeypatch.setattr(nnstudio.summary, "format_summary", exhausted)
    err = refused(capsys, "summary", "xor-mlp")
    assert err.startswith("nnstudio: error: out of memory") and len(err.splitlines()) == 1


def test_save_destination_is_checked_before_training(capsys, tmp_path, monkeypatch) -> None:
    import os

    import nnstudio.session

    monkeypatch.setattr(nnstudio.session, "create_session",
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
    import numpy
    import platformdirs

    import nnstudio.project

    wanted = tmp_path / f"run{suffix}"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda app: str(tmp_path / "data"))
    for module, name in ((nnstudio.project, "save_project"), (numpy, "savez")):
        original = getattr(module, name)

        def failing_at_destination(path, *args, original=original, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            if str(path) == str(wanted):
                raise OSError(28, "No space left on device")
            return original(path, *args, **kwargs)
        monkeypatch.setattr(module, name, failing_at_destination)
    err = refused(capsys, "train", "xor-mlp", "--epochs", "2", "--save", str(wanted))
    rescued = list((tmp_path / "data" / "rescued").iterdir())
    assert len(rescued) == 1 and rescued[0].suffix == suffix
    assert f"--save {wanted}: could not save" in err and "No space left" in err
    assert f"saved to {rescued[0]} instead" in err
    if suffix == ".nnstudio":
        assert nnstudio.project.load_project(rescued[0]).weights


def test_a_project_with_nan_weights_is_not_trained_or_saved(capsys, tmp_path) -> None:
    import numpy

    from nnstudio.build import build_network
    from nnstudio.project import Project, save_project

    preset = load_preset("xor-mlp")
    weights = build_network(preset.network).get_weights()
    weights["dense1"]["W"][0, 0] = numpy.nan
    project = tmp_path / "nan.nnstudio"
    save_project(project, Project(preset.network, preset.training, weights))
    saved = tmp_path / "trained.nnstudio"
    err = refused(capsys, "train", str(project), "--epochs", "2", "--save", str(saved))
    assert "layer dense1 (W) hold NaN" in err and not saved.exists()
