"""`nnstudio train --data`, `nnstudio datasets inspect`, and a project that refers to its
data: eval reads them again with the saved preprocessing, and names them when they are
missing or changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from nnstudio.cli import main
from nnstudio.files.documents import open_file


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def blobs_csv(folder: Path, name: str = "blobs.csv") -> Path:
    rng = np.random.default_rng(0)
    lines = ["x,y,colour,kind"]
    for i in range(90):
        kind = ["alpha", "beta", "gamma"][i % 3]
        centre = {"alpha": (0, 0), "beta": (4, 0), "gamma": (0, 4)}[kind]
        x, y = rng.normal(centre, 0.5)
        lines.append(f"{x:.3f},{y:.3f},{['red', 'green'][i % 2]},{kind}")
    path = folder / name
    path.write_text("\n".join(lines) + "\n")
    return path


def test_inspect_prints_columns_classes_and_the_split(capsys, tmp_path) -> None:
    code, out, _ = run(capsys, "datasets", "inspect", str(blobs_csv(tmp_path)))
    assert code == 0
    assert "blobs.csv: table, classification" in out
    assert "samples: 72 training, 18 test; input 4, output 3" in out
    assert "colour                   categorical" in out and "kind" in out
    code, out, _ = run(capsys, "datasets", "inspect", str(blobs_csv(tmp_path)), "--json")
    data = json.loads(out)
    assert [c["name"] for c in data["classes"]] == ["alpha", "beta", "gamma"]


def test_train_on_a_csv_saves_a_reference_that_eval_reads_back(capsys, tmp_path) -> None:
    data = blobs_csv(tmp_path)
    project = tmp_path / "blobs.nnstudio"
    code, out, err = run(capsys, "train", "mlp-784-100-10", "--data", str(data),
                         "--epochs", "30", "--lr", "0.01", "--save", str(project), "--json")
    assert code == 0, err
    assert "the network follows the data: input shape 784 → 4; dense2 units 10 → 3" in err
    trained = json.loads(out.splitlines()[-1])["test_accuracy"]
    assert trained >= 0.9
    opened = open_file(project)
    assert opened.data is not None and opened.data.path == str(data.resolve())
    assert opened.data.relative_path == "blobs.csv"
    assert opened.data.preprocessing["classes"] == ["alpha", "beta", "gamma"]
    code, out, err = run(capsys, "eval", str(project), "--json")
    assert code == 0, err
    assert json.loads(out)["test_accuracy"] == pytest.approx(trained)

    # Moved together with the project: found beside it.
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.move(project, moved / project.name)
    shutil.move(data, moved / data.name)
    code, out, err = run(capsys, "eval", str(moved / project.name), "--json")
    assert code == 0, err
    # Changed: said, with both fingerprints; missing: refused naming the file.
    with (moved / data.name).open("a") as handle:
        handle.write("9,9,red,alpha\n")
    code, _, err = run(capsys, "eval", str(moved / project.name))
    assert code == 0 and "blobs.csv have changed since the project was saved" in err
    (moved / data.name).unlink()
    code, _, err = run(capsys, "eval", str(moved / project.name))
    assert code == 2 and f"the data {data.resolve()} are missing" in err


def test_a_regression_target_gets_mse_and_no_softmax(capsys, tmp_path) -> None:
    path = tmp_path / "line.csv"
    xs = np.linspace(-1, 1, 60)
    path.write_text("x,y\n" + "".join(f"{x:.4f},{3 * x + 0.5:.4f}\n" for x in xs))
    code, out, err = run(capsys, "train", "mlp-784-100-10", "--data", str(path),
                         "--epochs", "5", "--json")
    assert code == 0, err
    assert "softmax1 (Softmax) removed" in err and "loss mse for regression" in err
    assert json.loads(out.splitlines()[-1])["test_accuracy"] is None


@pytest.mark.parametrize(("args", "message"), [
    (["--data", "{tmp}/nothing.csv"], "nothing.csv: no such file or folder"),
    (["--data", "{tmp}/ragged.csv"], "ragged.csv, line 3: 1 fields where the header has 2"),
    (["--data", "{tmp}/ragged.csv", "--image-size", "big"],
     "argument --image-size: must be HEIGHTxWIDTH such as 28x28, not 'big'"),
])
def test_bad_data_is_one_clear_line(capsys, tmp_path, args, message) -> None:
    (tmp_path / "ragged.csv").write_text("a,b\n1,2\n3\n")
    argv = ["train", "xor-mlp", *[a.format(tmp=tmp_path) for a in args]]
    try:
        code, _, err = run(capsys, *argv)
    except SystemExit as exit_:  # argparse refuses before anything runs
        code, err = exit_.code, capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err


def test_embed_data_copies_them_into_the_project_only_when_asked(capsys, tmp_path,
                                                                 monkeypatch) -> None:
    import zipfile

    monkeypatch.setenv("NNSTUDIO_CACHE_DIR", str(tmp_path / "cache"))
    data = blobs_csv(tmp_path)
    plain, carried = tmp_path / "plain.nnstudio", tmp_path / "carried.nnstudio"
    for project, extra in ((plain, []), (carried, ["--embed-data"])):
        code, _, err = run(capsys, "train", "mlp-784-100-10", "--data", str(data),
                           "--epochs", "2", "--save", str(project), *extra)
        assert code == 0, err
    assert not [n for n in zipfile.ZipFile(plain).namelist() if n.startswith("data/")]
    assert zipfile.ZipFile(carried).namelist()[-1] == "data/blobs.csv"
    data.unlink()
    code, _, err = run(capsys, "eval", str(plain))
    assert code == 2 and "blobs.csv are missing" in err
    code, out, err = run(capsys, "eval", str(carried))
    assert code == 0 and "accuracy" in out and "changed" not in err


def test_header_can_be_said_instead_of_detected(capsys, tmp_path) -> None:
    path = tmp_path / "words.csv"
    path.write_text("".join(f"{w},{c}\n" for w, c in (("red", "warm"), ("blue", "cold"),
                                                        ("orange", "warm"), ("teal", "cold"),
                                                        ("pink", "warm"), ("navy", "cold"))))
    code, out, _ = run(capsys, "datasets", "inspect", str(path), "--header", "no", "--json")
    assert code == 0 and json.loads(out)["train"] + json.loads(out)["test"] == 6
    code, out, _ = run(capsys, "datasets", "inspect", str(path), "--header", "yes", "--json")
    assert code == 0 and json.loads(out)["columns"][0] == ["red", "categorical"]


def test_a_target_in_the_thousands_is_learned_standardized_and_reported_in_its_units(
        capsys, tmp_path) -> None:
    rng = np.random.default_rng(4)
    rooms, area = rng.uniform(1, 6, 300), rng.uniform(20, 150, 300)
    price = 40_000 + 9_000 * rooms + 1_500 * area + rng.normal(0, 2_000, 300)
    path = tmp_path / "prices.csv"
    path.write_text("rooms,area,price\n" + "".join(
        f"{r:.2f},{a:.1f},{p:.0f}\n" for r, a, p in zip(rooms, area, price, strict=True)))
    project = tmp_path / "prices.nnstudio"
    code, out, err = run(capsys, "train", "mlp-784-100-10", "--data", str(path),
                         "--epochs", "60", "--lr", "0.003", "--save", str(project), "--json")
    assert code == 0, err
    trained = json.loads(out.splitlines()[-1])
    assert trained["test_r2"] >= 0.95
    # The saved preprocessing keeps the training rows' target statistics.
    prep = open_file(project).data.preprocessing
    assert 180_000 < prep["target_mean"] < 220_000 and prep["target_std"] > 10_000
    code, out, err = run(capsys, "eval", str(project))
    assert code == 0, err
    rmse = float(out.split("RMSE ")[1].split()[0])
    assert 1_000 < rmse < 12_000  # the noise is 2,000: in the target's units, not std's
    assert "(in the target's units), R² 0.9" in out
    code, out, err = run(capsys, "eval", str(project), "--json")
    assert json.loads(out)["test_rmse"] == pytest.approx(trained["test_rmse"], rel=1e-6)


def test_a_folder_of_colour_images_trains_on_its_colours(capsys, tmp_path) -> None:
    from tests.app.test_colour_images import colour_folder

    folder = colour_folder(tmp_path, per_class=20)
    code, out, err = run(capsys, "train", "mlp-784-100-10", "--data", str(folder),
                         "--epochs", "15", "--json")
    assert code == 0, err
    assert "input shape 784 → 432" in err  # 3 colour channels of 12x12
    assert json.loads(out.splitlines()[-1])["test_accuracy"] >= 0.9


@pytest.mark.parametrize("command", [["sweep", "--param", "lr=log:1e-3:1e-1", "--trials", "1"],
                                     ["ensemble", "--members", "2"]])
def test_sweep_and_ensemble_refuse_a_project_on_own_data_before_training(
        capsys, tmp_path, monkeypatch, command: list[str]) -> None:
    monkeypatch.chdir(tmp_path)  # where a sweep would put its study
    project = tmp_path / "own.nnstudio"
    code, _, err = run(capsys, "train", "mlp-784-100-10", "--data", str(blobs_csv(tmp_path)),
                     "--epochs", "1", "--save", str(project))
    assert code == 0
    code, _, err = run(capsys, command[0], str(project), *command[1:], "--epochs", "1")
    assert code == 2
    assert err.strip().splitlines()[-1] == (
        f"nnstudio: error: own.nnstudio trains on its own data (blobs.csv); `nnstudio "
        f"{command[0]}` runs on a named dataset only: give --dataset NAME, or train with "
        f"`nnstudio train --data`")
    assert not list(tmp_path.glob("*.db"))


def test_an_npz_regression_in_large_units_trains_and_reports_in_them(capsys, tmp_path) -> None:
    """Targets in the thousands (prices, say) are learned standardized, as a table's are:
    before, 30 epochs ended at R² -69.9 (RMSE 4,914); now near 1, reported in the data's
    units through save and eval."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (400, 2))
    np.savez(tmp_path / "big.npz", x=x, y=1000 * x[:, 0] - 500 * x[:, 1] ** 2 + 5000)
    project = tmp_path / "big.nnstudio"
    code, out, err = run(capsys, "train", "mlp-784-100-10", "--data", str(tmp_path / "big.npz"),
                         "--epochs", "30", "--json", "--save", str(project))
    assert code == 0, err
    trained = json.loads(out.splitlines()[-1])
    assert trained["test_r2"] > 0.9 and trained["test_rmse"] < 200
    code, out, _ = run(capsys, "eval", str(project), "--json")
    assert code == 0
    assert json.loads(out.splitlines()[-1])["test_rmse"] == pytest.approx(trained["test_rmse"],
                                                                       rel=1e-4)
