"""The datasets NN Studio knows, and ``load_dataset``, the one way to get any of them.

Where a full MNIST-style set comes from, first match wins:

1. the ``data_dir`` argument (the command line's ``--data-dir``): its subfolder named after
   the set if there is one, else the folder itself; missing files are an error;
2. ``$NNSTUDIO_DATA_DIR``: its subfolder named after the set, or the folder itself for
   ``mnist`` (so a folder of the four MNIST files works), never for another set, so digits
   are never loaded under Fashion-MNIST's class names;
3. the download cache (``remote.cache_root()``), downloading what is missing.
"""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from nnstudio.data.dataset import Dataset
from nnstudio.data.embedded import load_subset_arrays, subset_path
from nnstudio.data.errors import DatasetError
from nnstudio.data.folders import has_idx_files, read_idx_folder
from nnstudio.data.remote import CancelCallback, ProgressCallback, fetch, is_cached
from nnstudio.data.toy import TOY_MAKERS

DATA_DIR_ENV = "NNSTUDIO_DATA_DIR"
MNIST_DIR_ENV = "NNSTUDIO_MNIST_DIR"

DIGITS = [str(digit) for digit in range(10)]
FASHION_CLASSES = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]
# The ten hiragana of KMNIST, romanised as in the dataset's class map.
KMNIST_CLASSES = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


@dataclass(frozen=True)
class DatasetInfo:
    """What a menu or ``nnstudio datasets`` shows about a set before loading it.

    ``kind`` is "embedded" (shipped with the app), "download" (fetched once, then cached)
    or "toy" (generated). ``available`` says whether it loads without the network.
    """

    name: str
    kind: str
    task: str
    title: str
    description: str
    input_shape: tuple[int, ...]
    classes: tuple[str, ...]
    available: bool = True


def _image_set(
    name: str, kind: str, title: str, description: str, classes: list[str]
) -> DatasetInfo:
    return DatasetInfo(
        name, kind, "classification", title, description, (1, 28, 28), tuple(classes)
    )


def _toy_set(
    name: str,
    title: str,
    description: str,
    classes: tuple[str, ...] = ("0", "1"),
    task: str = "classification",
) -> DatasetInfo:
    shape = (2,) if task == "classification" else (1,)
    return DatasetInfo(name, "toy", task, title, description, shape, tuple(classes))


DATASETS: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        _image_set(
            "mnist-subset", "embedded", "MNIST subset (built in)",
            "12,000 training and 2,000 test handwritten digits, 1,200 and 200 per class, "
            "drawn from MNIST; always available offline.",
            DIGITS,
        ),
        _image_set(
            "mnist", "download", "MNIST",
            "70,000 handwritten digits (60,000 training, 10,000 test) by LeCun, Cortes "
            "and Burges; 11 MB download.",
            DIGITS,
        ),
        _image_set(
            "fashion-mnist", "download", "Fashion-MNIST",
            "70,000 greyscale photos of clothing in 10 classes by Zalando Research, a "
            "harder drop-in for MNIST; 30 MB download.",
            FASHION_CLASSES,
        ),
        _image_set(
            "kmnist", "download", "Kuzushiji-MNIST",
            "70,000 cursive Japanese characters in 10 classes by ROIS-CODH; 21 MB download.",
            KMNIST_CLASSES,
        ),
        _toy_set("xor", "XOR", "The XOR truth table, or noisy quadrant XOR with n_samples."),
        _toy_set("and", "AND", "The AND truth table."),
        _toy_set("or", "OR", "The OR truth table."),
        _toy_set("circles", "Circles", "A disc inside a ring.", ("ring", "disc")),
        _toy_set("spirals", "Two spirals", "Two interleaved spirals.", ("spiral A", "spiral B")),
        _toy_set(
            "blobs", "Gaussian blobs", "Gaussian blobs, one per class (n_classes, default 2).",
            ("blob 0", "blob 1"),
        ),
        _toy_set(
            "parabola", "Parabola", "Above or below the parabola y = 2x^2 - 0.5.",
            ("below", "above"),
        ),
        _toy_set("sine", "Sine", "y = sin(pi x) on [-1, 1].", (), "regression"),
        _toy_set("step", "Step", "The Heaviside step on [-1, 1].", (), "regression"),
    )
}  # fmt: skip


def list_datasets() -> list[DatasetInfo]:
    """Every known set, with ``available`` telling whether it loads without the network."""
    return [replace(info, available=_is_available(info)) for info in DATASETS.values()]


def load_dataset(
    name: str,
    data_dir: str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
    *,
    cancel: CancelCallback | None = None,
    **toy_options: Any,
) -> Dataset:
    """Load the set ``name`` (see ``DATASETS``).

        ``data_dir`` is a folder holding the set's four IDX files (or a subfolder named after
        the set). ``progress(done_bytes, total_bytes)`` follows a download, if one is needed,
    and ``cancel()`` returning True stops it (``DownloadCancelled``).
        ``toy_options`` go to the toy generator: n_samples, noise, seed, test_ratio, and
        n_classes for blobs or frequency for sine. Raises ``DatasetError`` with a clear message.
    """
    key = name.strip().lower()
    info = DATASETS.get(key)
    if info is None:
        raise DatasetError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)} (for your "
                           f"own data, a table or image folder: --data PATH)")
    if toy_options and info.kind != "toy":
        raise DatasetError(f"{key} takes no options, got {', '.join(sorted(toy_options))}")

    if info.kind == "toy":
        maker = TOY_MAKERS[key]
        accepted = inspect.signature(maker).parameters
        unknown = sorted(set(toy_options) - set(accepted))
        if unknown:
            raise DatasetError(
                f"{key}: unknown option {', '.join(unknown)}; it takes {', '.join(accepted)}"
            )
        return maker(**toy_options)
    if info.kind == "embedded":
        arrays = load_subset_arrays()
    else:
        arrays = read_idx_folder(
            _locate(key, data_dir, progress, cancel), key, len(info.classes)
        )
    return Dataset(
        key,
        arrays["x_train"],
        arrays["y_train"],
        arrays["x_test"],
        arrays["y_test"],
        list(info.classes),
        info.task,
        info.description,
    )


def find_local_mnist() -> Path | None:
    """A folder of the full MNIST for tests and benchmarks, or None.

    ``$NNSTUDIO_MNIST_DIR`` if set, else ``../shared/data/mnist`` beside the repository.
    """
    override = os.environ.get(MNIST_DIR_ENV)
    if override:
        return Path(override)
    shared = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "mnist"
    return shared if shared.is_dir() else None


def _locate(
    name: str,
    data_dir: str | os.PathLike[str] | None,
    progress: ProgressCallback | None,
    cancel: CancelCallback | None,
) -> Path:
    if data_dir is not None:
        folder = Path(data_dir)
        return folder / name if has_idx_files(folder / name) else folder
    local = _env_folder(name)
    if local is not None:
        return local
    return fetch(name, progress=progress, cancel=cancel)


def _env_folder(name: str) -> Path | None:
    root = os.environ.get(DATA_DIR_ENV)
    if not root:
        return None
    candidates = [Path(root) / name] + ([Path(root)] if name == "mnist" else [])
    return next((folder for folder in candidates if has_idx_files(folder)), None)


def _is_available(info: DatasetInfo) -> bool:
    if info.kind == "embedded":
        return subset_path().is_file()
    if info.kind == "download":
        return _env_folder(info.name) is not None or is_cached(info.name)
    return True
