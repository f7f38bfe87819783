"""`nnstudio ensemble` as a user runs it: train, save, export the averaged model, errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nnstudio.cli import main
from nnstudio.files.documents import document_json, open_file
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec


@pytest.fixture
def circles_document(tmp_path: Path) -> Path:
    network = NetworkSpec.sequential([("Dense", {"units": 8}), ("Tanh", {}),
                                      ("Dense", {"units": 2}), ("Softmax", {})],
                                     input_shape=[2])
    training = TrainingSpec(dataset="circles", optimizer="adam", lr=0.01, batch_size=32,
                            epochs=2)
    path = tmp_path / "circles.json"
    path.write_text(json.dumps(document_json(network, training)))
    return path


def test_ensemble_trains_saves_and_exports(circles_document: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "team.nnstudio"
    assert main(["ensemble", str(circles_document), "--members", "3", "--seed", "4",
                 "--save", str(saved), "--json", "--workers", "1"]) == 0
    out, err = capsys.readouterr()
    result = json.loads(out.strip().splitlines()[-1])
    assert result["members"] == 3 and result["seeds"] == [4, 5, 6]
    assert len(result["member_accuracies"]) == 3
    assert result["member_mean_accuracy"] == pytest.approx(np.mean(result["member_accuracies"]))
    assert 0.0 <= result["mean_probability_accuracy"] <= 1.0
    assert "member 3/3 (seed 6)" in err
    opened = open_file(saved)
    assert [m.seed for m in opened.members] == [4, 5, 6]
    assert [m.test_accuracy for m in opened.members] == pytest.approx(
        result["member_accuracies"])

    onnx_path = tmp_path / "team.onnx"
    pytest.importorskip("onnx")
    assert main(["export", str(saved), "--format", "onnx", "-o", str(onnx_path)]) == 0
    assert "ensemble of 3" in capsys.readouterr().err
    import onnx

    model = onnx.load(str(onnx_path))
    assert model.graph.node[-1].op_type == "Mean" and len(model.graph.node[-1].input) == 3


def test_ensemble_refuses_what_it_cannot_do(circles_document: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ensemble", str(circles_document), "--save", str(tmp_path / "x.txt")]) == 2
    assert "nnstudio: error: --save" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["ensemble", str(circles_document), "--members", "0"])
    assert "--members: must be a whole number of at least 1" in capsys.readouterr().err
    assert main(["ensemble", str(circles_document), "--dataset", "sine"]) == 2
    assert "regression" in capsys.readouterr().err
