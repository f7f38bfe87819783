"""The files NN Studio carries inside its package: the presets (``presets/*.json``), the
embedded MNIST subset (``mnist-subset.npz``) and the application icon (``icons/``).

They are package data, read through ``importlib.resources``, so a clone, an editable install,
a wheel and the PyInstaller bundle (which collects them as ``nnstudio/resources``) all find
them in the same place.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def resources_dir() -> Path:
    """This package's folder of data files (presets, the embedded subset)."""
    folder = files(__name__)
    if not isinstance(folder, Path):  # a zip import: no folder to hand out
        raise RuntimeError(f"NN Studio's data files must be installed as files, not in "
                           f"{folder}; install the wheel with pip")
    return folder


def icon_path(suffix: str = "svg") -> Path:
    """The application icon: ``svg`` (scalable) or ``png`` (256x256)."""
    return resources_dir() / "icons" / f"nnstudio.{suffix}"
