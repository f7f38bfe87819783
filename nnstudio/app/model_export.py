"""File > Export for the model: PyTorch code, ONNX, or the weights alone (.npz)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from nnstudio.app import settings as app_settings
from nnstudio.export import FORMATS, ExportError
from nnstudio.running.build import build_network
from nnstudio.running.memory import NetworkTooLarge

FILTERS = {"torch": "PyTorch module (*.py)", "onnx": "ONNX model (*.onnx)",
           "npz": "NumPy weights (*.npz)"}
TITLES = {"torch": "Export as PyTorch Code", "onnx": "Export as ONNX",
          "npz": "Export Weights"}


def export_model(window: QWidget, kind: str, path: str | None = None) -> list[Path]:
    """Export the window's network with its trained weights (or its starting weights when it
    has not been trained), asking for a file name unless ``path`` is given."""
    doc = window.document
    if not doc.analysis.ok:
        window._report("Cannot export", "The network has problems; fix them first.")
        return []
    exporter, suffix = FORMATS[kind]
    if path is None:
        name = (doc.spec.name or "network").replace(" ", "_")
        suggested = str(Path(app_settings.last_dir(window.settings)) / f"{name}{suffix}")
        path, _ = QFileDialog.getSaveFileName(window, TITLES[kind], suggested, FILTERS[kind])
        if not path:
            return []
    weights, _ = window.training.weights_for(doc.spec)
    note = ""
    try:
        if weights is None:
            weights = build_network(doc.spec, doc.training).get_weights()
            note = " (with its starting weights: it has not been trained)"
        written = exporter(doc.spec, weights, path)
    except (ExportError, OSError, NetworkTooLarge) as error:
        window._report("Cannot export", str(error))
        return []
    window.statusBar().showMessage(
        "Exported " + ", ".join(p.name for p in written) + note, 8000)
    return written
