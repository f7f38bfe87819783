"""Where the repository's ``resources/`` folder (presets, embedded data) lives."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The ``resources/`` folder next to the ``nnstudio`` package, or inside the PyInstaller
    bundle (``sys._MEIPASS``) when running as the packaged app."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[1] / "resources"
