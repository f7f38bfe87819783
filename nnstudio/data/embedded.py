"""The MNIST subset shipped in ``nnstudio/resources/``: the app works offline from the start."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import numpy as np

from nnstudio.data.errors import DatasetError
from nnstudio.resources import resources_dir

SUBSET_FILE = "mnist-subset.npz"
SUBSET_KEYS = ("x_train", "y_train", "x_test", "y_test")


def subset_path() -> Path:
    """Path of the embedded subset file."""
    return resources_dir() / SUBSET_FILE


def load_subset_arrays(path: Path | None = None) -> dict[str, np.ndarray]:
    """x_train, y_train, x_test, y_test of the embedded subset: uint8 images, int64 labels."""
    path = subset_path() if path is None else path
    if not path.is_file():
        raise DatasetError(
            f"mnist-subset: the embedded file {path} is missing; rebuild it with "
            "`python -m nnstudio.data.make_subset --source DIR "
            "--out nnstudio/resources/mnist-subset.npz`"
        )
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [key for key in SUBSET_KEYS if key not in npz.files]
            if missing:
                raise DatasetError(f"{path}: damaged subset file, no {', '.join(missing)}")
            arrays = {key: npz[key] for key in SUBSET_KEYS}
    except (OSError, ValueError, zipfile.BadZipFile, zlib.error) as error:
        raise DatasetError(f"{path}: damaged subset file ({error})") from error
    for split in ("train", "test"):
        images = arrays[f"x_{split}"]
        if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
            raise DatasetError(
                f"{path}: x_{split} should be uint8 (N, 28, 28), not {images.dtype} {images.shape}"
            )
        arrays[f"y_{split}"] = arrays[f"y_{split}"].astype(np.int64)
    return arrays
