"""Finding and reading a folder that holds the four standard MNIST-style IDX files."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from nnstudio.data.errors import DatasetError
from nnstudio.data.idx import read_idx

# The four files every MNIST-style set publishes, without the ".gz".
STANDARD_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


def find_idx_file(folder: Path, stem: str) -> Path | None:
    """The file for ``stem`` in ``folder``: gzipped or raw, under either common spelling.

    Some copies (Kaggle's, unpacked archives) write ``train-images.idx3-ubyte`` with a dot.
    """
    dotted = stem.replace("-idx", ".idx", 1)
    for name in (f"{stem}.gz", stem, f"{dotted}.gz", dotted):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def has_idx_files(folder: Path) -> bool:
    """Whether ``folder`` holds all four standard files."""
    return folder.is_dir() and all(find_idx_file(folder, s) for s in STANDARD_FILES.values())


def read_idx_folder(
    folder: str | os.PathLike[str], dataset: str = "dataset", num_classes: int | None = None
) -> dict[str, np.ndarray]:
    """Read the four standard files of ``folder`` into x_train, y_train, x_test, y_test.

    Images come back uint8 (N, 28, 28) and labels int64 (N,). Missing files, a wrong image
    size, a set of no images, a count that differs between images and labels, or a label
    outside 0 to ``num_classes`` - 1 (when given) raise ``DatasetError`` naming the file.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(f"{dataset}: the folder {folder} does not exist")
    paths = {key: find_idx_file(folder, stem) for key, stem in STANDARD_FILES.items()}
    missing = [f"{STANDARD_FILES[key]}[.gz]" for key, path in paths.items() if path is None]
    if missing:
        raise DatasetError(
            f"{dataset}: {folder} lacks {', '.join(missing)}; it should hold the four "
            f"standard IDX files ({', '.join(STANDARD_FILES.values())}, gzipped or not)"
        )

    arrays: dict[str, np.ndarray] = {}
    for split in ("train", "test"):
        images_path, labels_path = paths[f"x_{split}"], paths[f"y_{split}"]
        assert images_path is not None and labels_path is not None
        images, labels = read_idx(images_path), read_idx(labels_path)
        if images.ndim != 3 or images.shape[1:] != (28, 28) or images.dtype != np.uint8:
            raise DatasetError(
                f"{images_path}: expected uint8 images of shape (N, 28, 28), found "
                f"{images.dtype} {images.shape}"
            )
        if labels.ndim != 1:
            raise DatasetError(f"{labels_path}: expected one label per image, found {labels.shape}")
        if len(images) == 0:
            raise DatasetError(f"{images_path}: holds no images (the header says 0)")
        if len(labels) != len(images):
            raise DatasetError(
                f"{folder}: {images_path.name} holds {len(images)} images but "
                f"{labels_path.name} holds {len(labels)} labels"
            )
        _check_labels(labels, labels_path, num_classes)
        arrays[f"x_{split}"] = images
        arrays[f"y_{split}"] = labels.astype(np.int64)
    return arrays


def _check_labels(labels: np.ndarray, path: Path, num_classes: int | None) -> None:
    """Labels must be whole class numbers from 0 to ``num_classes`` - 1."""
    if labels.dtype.kind not in "iu":
        raise DatasetError(f"{path}: labels must be whole numbers, found {labels.dtype}")
    top = num_classes - 1 if num_classes is not None else np.iinfo(np.int64).max
    bad = (labels < 0) | (labels > top)
    if bad.any():
        index = int(np.argmax(bad))
        raise DatasetError(
            f"{path}: label {labels[index]} of sample {index} is outside 0 to {top}"
            + (f" ({num_classes} classes)" if num_classes is not None else "")
            + f"; {int(bad.sum())} labels are out of range"
        )
