"""Export a network with its weights: PyTorch code, ONNX, or the weights alone as .npz.

Every exporter has the signature ``export_x(spec, weights, path) -> [paths written]`` with
weights as ``Network.get_weights()`` gives them ({node: {param: array}}), and raises
ExportError for anything it cannot do. torch and onnx are imported only when used.
``import_onnx(path)`` reads an ONNX graph of the supported ops back as (spec, weights).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from nnstudio.export.errors import ExportError
from nnstudio.export.graph import Weights
from nnstudio.export.npz import export_npz, load_npz
from nnstudio.export.onnx_export import export_onnx, onnx_model
from nnstudio.export.onnx_import import import_onnx
from nnstudio.export.torch_code import export_torch

Exporter = Callable[..., list[Path]]

# Format name -> (exporter, file suffix).
FORMATS: dict[str, tuple[Exporter, str]] = {
    "torch": (export_torch, ".py"),
    "onnx": (export_onnx, ".onnx"),
    "npz": (export_npz, ".npz"),
}

__all__ = ["FORMATS", "ExportError", "Weights", "export_npz", "export_onnx", "export_torch",
           "import_onnx", "load_npz", "onnx_model"]
