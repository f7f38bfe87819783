"""Where the repository's ``resources/`` folder (presets, embedded data) lives."""

from __future__ import annotations

from pathlib import Path


def resources_dir() -> Path:
    """The ``resources/`` folder next to the ``nnstudio`` package."""
    return Path(__file__).resolve().parents[1] / "resources"
