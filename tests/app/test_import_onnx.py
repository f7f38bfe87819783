"""File > Import ONNX…: a PyTorch export opens with its weights as a new, unsaved network;
a bad file is named in a message box and changes nothing."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")

from torch import nn  # noqa: E402


def export_digits(path: Path) -> nn.Module:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(784, 10)).eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.randn(2, 1, 28, 28),), str(path), dynamo=False)
    return model


def test_import_onnx_opens_the_network_with_its_weights(window, monkeypatch,  # noqa: ANN001
                                                        tmp_path: Path) -> None:
    path = tmp_path / "digits.onnx"
    model = export_digits(path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    window.actions.import_onnx.trigger()
    spec = window.document.spec
    assert [n.type for n in spec.nodes] == ["Input", "Conv2D", "ReLU", "MaxPool2D", "Flatten",
                                            "Dense"]
    assert window.document.path == "" and window.document.is_modified
    source = window.inspect.source  # the pad and the inspect views use the imported weights
    assert source.trained and "imported from digits.onnx" in source.description()
    viewer = source.viewer
    x = np.random.default_rng(0).normal(size=(4, 1, 28, 28)).astype(np.float32)
    with torch.no_grad():
        expected = model(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(viewer.predict(x), expected, rtol=1e-5, atol=1e-5)
    assert "Imported digits.onnx" in window.statusBar().currentMessage()


def test_a_bad_onnx_file_is_named_and_changes_nothing(window, monkeypatch,  # noqa: ANN001
                                                      tmp_path: Path) -> None:
    messages: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(
        lambda parent, title, text: messages.append((title, text))))
    before = window.document.spec.to_json()
    bad = tmp_path / "broken.onnx"
    bad.write_bytes(b"\xff\x00 not protobuf")
    assert not window.import_onnx(str(bad))
    assert window.document.spec.to_json() == before
    assert messages[0][0] == "Cannot import the ONNX model"
    assert messages[0][1].startswith("broken.onnx: cannot read it as ONNX")


def test_opening_an_onnx_file_imports_it_as_unsaved_work(window, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "digits.onnx"
    export_digits(path)
    assert window.open_source(str(path))  # File > Open, Open Recent and --open alike
    assert [n.type for n in window.document.spec.nodes][-1] == "Dense"
    assert window.document.path == "" and window.document.is_modified  # Save never writes it
    assert window.inspect.source.viewer is not None
