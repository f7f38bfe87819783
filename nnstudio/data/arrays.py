"""NumPy arrays as a dataset: a .npz holding ``x`` and ``y`` (split here) or ``x_train``,
``y_train``, ``x_test``, ``y_test``; or an ``x.npy`` with its ``y.npy`` beside it.

Whole-number labels are classes, other targets regression; uint8 (N, H, W) inputs are
greyscale images. The inputs are used as they are; a regression target is learned
standardized with the training split's mean and deviation, as a table's is (a project saved
before that keeps its targets as they were). Pickled arrays are refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nnstudio.data.dataset import Dataset
from nnstudio.data.errors import DatasetError
from nnstudio.data.imported import (
    Imported,
    check_classes,
    standardized,
    stratified_split,
    target_statistics,
)
from nnstudio.data.source import DataOptions


def load_arrays(path: str | Path, options: DataOptions,
                saved: dict[str, Any] | None = None) -> Imported:
    path = Path(path)
    arrays = _read(path)
    name = path.name
    if "x_train" in arrays:
        missing = [k for k in ("y_train", "x_test", "y_test") if k not in arrays]
        if missing:
            raise DatasetError(f"{name}: has x_train but not {', '.join(missing)}")
        x_train, y_train = arrays["x_train"], arrays["y_train"]
        x_test, y_test = arrays["x_test"], arrays["y_test"]
    elif "x" in arrays and "y" in arrays:
        x_train = x_test = arrays["x"]
        y_train = y_test = arrays["y"]
    else:
        raise DatasetError(f"{name}: holds {', '.join(sorted(arrays)) or 'nothing'}; it needs "
                           f"arrays named x and y (or x_train, y_train, x_test, y_test)")
    split = "_train" if x_train is not x_test else ""
    _check_pair(name, f"x{split}", x_train, f"y{split}", y_train)
    if split:
        _check_pair(name, "x_test", x_test, "y_test", y_test)
    y_all = np.concatenate([np.asarray(y_train).ravel(), np.asarray(y_test).ravel()])
    wanted = options.task
    classify = wanted == "classification" or (wanted is None and y_all.dtype.kind in "iub")
    task = "classification" if classify else "regression"
    if classify:
        if y_all.dtype.kind not in "iub" and not np.all(y_all == np.round(y_all)):
            raise DatasetError(f"{name}: y holds fractions; classes need whole numbers "
                               f"(or use --task regress)")
        values = saved["classes"] if saved else [str(v) for v in np.unique(y_all.astype(np.int64))]
        check_classes(values, name, "y")
        index = {int(v): i for i, v in enumerate(values)}
        y_train, y_test = (np.array([index[int(v)] for v in np.ravel(y)], dtype=np.int64)
                           for y in (y_train, y_test))
    else:
        values = []
        y_train, y_test = (np.asarray(y, dtype=np.float32).reshape(len(y), -1)
                           for y in (y_train, y_test))
    if x_train is x_test:  # one set: split it here
        train, test = stratified_split(y_train if classify else y_train[:, 0],
                                       options.test_fraction, options.seed, classify)
        x, y = x_train, y_train
        x_train, y_train, x_test, y_test = x[train], y[train], x[test], y[test]
    if x_train.dtype != np.uint8:
        x_train, x_test = x_train.astype(np.float32), x_test.astype(np.float32)
    preprocessing: dict[str, Any] = {"classes": values}
    scale = None
    if not classify and (saved is None or "target_mean" in saved):
        scale = ((saved["target_mean"], saved["target_std"]) if saved
                 else target_statistics(y_train, task))
        y_train, y_test = standardized(y_train, scale), standardized(y_test, scale)
        preprocessing.update(target_mean=scale[0], target_std=scale[1])
    dataset = Dataset(name, x_train, y_train, x_test, y_test, values, task, f"arrays of {name}",
                      scale)
    columns = [("x", f"{x_train.dtype} {'x'.join(map(str, x_train.shape[1:]))}"),
               ("y", f"{task} (target)")]
    return Imported(dataset, preprocessing, "arrays", columns)


def _check_pair(name: str, x_name: str, x: np.ndarray, y_name: str, y: np.ndarray) -> None:
    """Inputs and targets that can train: numbers, finite, one target per sample."""
    for key, array in ((x_name, x), (y_name, y)):
        if array.dtype.kind not in "biuf":
            what = "text" if array.dtype.kind in "US" else "values"
            raise DatasetError(f"{name}: {key} holds {what} ({array.dtype}); the "
                               f"{'inputs' if key == x_name else 'targets'} must be numbers")
        if array.dtype.kind == "f" and not np.isfinite(array).all():
            raise DatasetError(f"{name}: {key} holds NaN or infinite values")
    if x.ndim == 0 or y.ndim == 0 or len(x) != len(y):
        raise DatasetError(f"{name}: {x_name} has {len(x) if x.ndim else 0} samples but "
                           f"{y_name} has {len(y) if y.ndim else 0}")


def _read(path: Path) -> dict[str, np.ndarray]:
    try:
        if path.suffix.lower() == ".npy":
            partner = path.with_name("y.npy")
            if path.name != "x.npy" or not partner.is_file():
                raise DatasetError(f"{path.name}: a .npy holds one array; name the inputs x.npy "
                                   f"and put the targets in y.npy beside it")
            return {"x": np.load(path, allow_pickle=False),
                    "y": np.load(partner, allow_pickle=False)}
        with np.load(path, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except DatasetError:
        raise
    except ValueError as error:
        raise DatasetError(f"{path.name}: cannot read the arrays ({error}); pickled "
                           f"arrays are not loaded") from None
    except (OSError, EOFError) as error:
        raise DatasetError(f"{path.name}: not a NumPy file ({error})") from None
