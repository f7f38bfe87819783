"""Malformed ONNX models (missing inputs, broken initializers, attributes of the wrong type,
weights that do not fit, cycles...) raise import_onnx's own error naming the node or
initializer at fault: no IndexError or ValueError from deep inside, no silent import."""

from __future__ import annotations

from pathlib import Path

import pytest

onnx = pytest.importorskip("onnx")

from nnstudio.cli import main  # noqa: E402
from nnstudio.export import ExportError, import_onnx  # noqa: E402

from .malformed_onnx import CASES  # noqa: E402


@pytest.mark.parametrize("case", CASES)
def test_malformed_models_raise_the_import_error(case: str) -> None:
    model, message = CASES[case]
    with pytest.raises(ExportError, match=message) as caught:
        import_onnx(model)
    assert type(caught.value) is ExportError


def test_the_error_names_the_file_in_the_cli(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    model, _ = CASES["gemm without its weight"]
    path = tmp_path / "broken.onnx"
    path.write_bytes(model.SerializeToString())
    assert main(["import", str(path), "-o", str(tmp_path / "out.nnstudio")]) == 2
    assert capsys.readouterr().err == \
        "nnstudio: error: broken.onnx: bad (Gemm): needs 2 input(s), has 1\n"
    assert not (tmp_path / "out.nnstudio").exists()
