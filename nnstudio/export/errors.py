"""The one error every exporter raises, and the lazy import of optional packages."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

INSTALL_HINTS = {
    "onnx": "pip install -e .[export]  (or: pip install onnx)",
    "onnxruntime": "pip install -e .[export]  (or: pip install onnxruntime)",
    "torch": "pip install torch",
}


class ExportError(ValueError):
    """The network cannot be exported (or imported) as asked; the message says why."""


def require(module: str, purpose: str) -> ModuleType:
    """Import ``module`` (e.g. "onnx") or raise ExportError saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".")[0]
        if getattr(sys, "frozen", False):  # the packaged app: pip cannot add to it
            raise ExportError(f"{purpose} needs the '{top}' package, which this packaged "
                              f"NN Studio does not include; run NN Studio from Python with "
                              f"'{top}' installed") from None
        hint = INSTALL_HINTS.get(top, f"pip install {top}")
        raise ExportError(f"{purpose} needs the '{top}' package, which is not installed; "
                          f"install it with: {hint}") from None
