"""A person's own data, from a path or a project's reference: ``import_data`` reads it the
first time (fitting the preprocessing on the training split), ``load_source`` again from a
saved ``DataSource`` with its saved preprocessing, so training and prediction agree."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from nnstudio.data.arrays import load_arrays
from nnstudio.data.errors import DatasetError
from nnstudio.data.image_folder import load_image_folder
from nnstudio.data.imported import Imported
from nnstudio.data.source import DataOptions, DataSource, detect_kind, fingerprint
from nnstudio.data.table_data import load_table

# (done, total) in bytes for a table, in images for a folder.
Progress = Callable[[int, int], None]


@dataclass
class Loaded:
    """The data and the reference a project keeps to them (with the fitted preprocessing)."""

    imported: Imported
    source: DataSource


def import_data(path: str | os.PathLike[str], options: DataOptions | None = None,
                progress: Progress | None = None) -> Loaded:
    """Read ``path`` (a table, a folder of class subfolders, or .npz/.npy) for the first
    time. Raises DatasetError naming the file; nothing is returned half loaded."""
    path = Path(path)
    if not path.exists():
        raise DatasetError(f"{path}: no such file or folder")
    source = DataSource(str(path.resolve()), detect_kind(path), fingerprint(path),
                        options or DataOptions())
    return load_source(source, progress)


def load_source(source: DataSource, progress: Progress | None = None) -> Loaded:
    """The data of ``source``, with its saved preprocessing when it has one."""
    path, options, saved = Path(source.path), source.options, source.preprocessing
    if not path.exists():
        raise DatasetError(f"{path}: no such file or folder")
    if source.kind == "images":
        imported = load_image_folder(path, options, saved, progress)
    elif source.kind == "arrays":
        imported = load_arrays(path, options, saved)
    else:
        imported = load_table(path, options, saved, progress)
    return Loaded(imported, replace(source, preprocessing=imported.preprocessing))
