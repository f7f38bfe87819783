"""`nnstudio import FILE.onnx` and `nnstudio summary FILE.onnx`: PyTorch's export becomes a
project that trains from the model's weights, predicting what PyTorch predicted."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")

from torch import nn  # noqa: E402

from nnstudio.cli import main  # noqa: E402
from nnstudio.files.project import load_project  # noqa: E402

from .networks import ours  # noqa: E402


@pytest.fixture
def exported(tmp_path: Path) -> tuple[nn.Module, Path]:
    """The issue's example, exported as plainly as PyTorch allows (a fixed batch of 2)."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(784, 10)).eval()
    path = tmp_path / "digits.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.randn(2, 1, 28, 28),), str(path), dynamo=False)
    return model, path


def test_import_then_train(exported: tuple[nn.Module, Path], tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    model, path = exported
    project_path = tmp_path / "digits.nnstudio"
    assert main(["import", str(path), "-o", str(project_path)]) == 0
    assert f"wrote {project_path}" in capsys.readouterr().out
    project = load_project(project_path)
    assert project.network.name == "digits"
    x = np.random.default_rng(0).normal(size=(5, 1, 28, 28)).astype(np.float32)
    with torch.no_grad():
        expected = model(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours(project.network, project.weights, x), expected,
                               rtol=1e-5, atol=1e-5)
    trained = tmp_path / "trained.nnstudio"
    assert main(["train", str(project_path), "--epochs", "1", "--save", str(trained)]) == 0
    assert load_project(trained).history["train_loss"]


def test_import_refuses_to_overwrite_without_force(exported: tuple[nn.Module, Path],
                                                   tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _, path = exported
    out = tmp_path / "kept.nnstudio"
    out.write_bytes(b"precious")
    assert main(["import", str(path), "-o", str(out)]) == 2
    assert capsys.readouterr().err.strip() == \
        f"nnstudio: error: {out} already exists; add --force to replace it"
    assert out.read_bytes() == b"precious"
    assert main(["import", str(path), "-o", str(out), "--force"]) == 0
    assert load_project(out).weights


def test_import_into_a_folder_takes_the_model_name(exported: tuple[nn.Module, Path],
                                                   tmp_path: Path) -> None:
    _, path = exported
    folder = tmp_path / "projects"
    folder.mkdir()
    assert main(["import", str(path), "-o", str(folder)]) == 0
    assert (folder / "digits.nnstudio").is_file()


def test_summary_of_an_onnx_file(exported: tuple[nn.Module, Path],
                                 capsys: pytest.CaptureFixture[str]) -> None:
    _, path = exported
    assert main(["summary", str(path)]) == 0
    out = capsys.readouterr().out
    assert 'Model: "digits"' in out and "Total params: 7,890" in out


@pytest.mark.parametrize("content, message", [
    (b"\xff\x00 not protobuf", "bad.onnx: cannot read it as ONNX"),
    (None, "bad.onnx: is a folder, not a file"),
    ("fifo", "bad.onnx: not a regular file"),
])
def test_bad_onnx_files_give_one_line(content: bytes | str | None, message: str,
                                      tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.onnx"
    if content is None:
        path.mkdir()
    elif content == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("FIFOs are POSIX")
        os.mkfifo(path)  # opening it would wait for a writer forever
    else:
        path.write_bytes(content)
    for command in (["summary", str(path)], ["import", str(path), "-o", str(tmp_path / "o")]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"nnstudio: error: {message}") and err.count("\n") == 1
    assert not (tmp_path / "o.nnstudio").exists() and not (tmp_path / "o").exists()


def test_import_reads_onnx_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "lenet5", "-o", str(tmp_path / "x.nnstudio")]) == 2
    assert "import reads ONNX models" in capsys.readouterr().err


def test_import_into_a_missing_folder_says_so_before_reading(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "missing" / "m.nnstudio"
    assert main(["import", str(tmp_path / "m.onnx"), "-o", str(out)]) == 2
    assert capsys.readouterr().err == \
        f"nnstudio: error: {out}: the folder {out.parent} does not exist\n"
