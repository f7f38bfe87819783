"""Build the embedded, class-balanced MNIST subset shipped in ``nnstudio/resources/``.

    python -m nnstudio.data.make_subset --source DIR --out nnstudio/resources/mnist-subset.npz

DIR holds the four standard MNIST IDX files. The same source and seed always give the same
bytes, so rebuilding the file changes git only if the selection rule changes.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from nnstudio.data.errors import DatasetError
from nnstudio.data.folders import read_idx_folder
from nnstudio.data.npz import save_npz_deterministic

DEFAULT_SEED = 1998  # the year MNIST was published
TRAIN_PER_CLASS = 1200
TEST_PER_CLASS = 200


def select_balanced(labels: np.ndarray, per_class: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``per_class`` random samples of every class, in shuffled order.

    The result is shuffled across classes so that a trainer that takes batches in order, or
    a validation split cut from the end, still sees every class.
    """
    chosen = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if len(members) < per_class:
            raise DatasetError(
                f"class {label} has only {len(members)} samples, {per_class} were asked for"
            )
        chosen.append(rng.permutation(members)[:per_class])
    return rng.permutation(np.concatenate(chosen))


def build_subset(
    source: str | os.PathLike[str],
    train_per_class: int = TRAIN_PER_CLASS,
    test_per_class: int = TEST_PER_CLASS,
    seed: int = DEFAULT_SEED,
) -> dict[str, np.ndarray]:
    """A class-balanced subset of the MNIST files in ``source``: uint8 images, uint8 labels."""
    full = read_idx_folder(source, "mnist", 10)
    rng = np.random.default_rng(seed)
    subset: dict[str, np.ndarray] = {}
    for split, per_class in (("train", train_per_class), ("test", test_per_class)):
        index = select_balanced(full[f"y_{split}"], per_class, rng)
        subset[f"x_{split}"] = full[f"x_{split}"][index]
        # uint8 labels keep the file small; the loader widens them to int64.
        subset[f"y_{split}"] = full[f"y_{split}"][index].astype(np.uint8)
    return subset


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m nnstudio.data.make_subset", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--source", required=True, type=Path, help="folder of MNIST IDX files")
    parser.add_argument("--out", required=True, type=Path, help="the .npz file to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--train-per-class", type=int, default=TRAIN_PER_CLASS)
    parser.add_argument("--test-per-class", type=int, default=TEST_PER_CLASS)
    args = parser.parse_args(argv)
    try:
        subset = build_subset(args.source, args.train_per_class, args.test_per_class, args.seed)
        save_npz_deterministic(args.out, subset)
    except (DatasetError, OSError) as error:
        print(f"make_subset: {error}", file=sys.stderr)
        return 1
    size = args.out.stat().st_size
    print(
        f"wrote {args.out}: {len(subset['x_train'])} training and {len(subset['x_test'])} "
        f"test digits, {size / 1e6:.2f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
