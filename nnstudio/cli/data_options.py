"""The command line's options for a person's own data (``train --data``, ``datasets
inspect``): which column is the target, the task, the image size, what to do with missing
values; and the reading of the data with a progress bar."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from nnstudio.cli.options import non_negative_int


def image_size(text: str) -> tuple[int, int]:
    """An argparse type: HxW (28x28), or one number for a square."""
    parts = text.lower().replace("×", "x").split("x")
    try:
        values = [int(part) for part in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be HEIGHTxWIDTH such as 28x28, not {text!r}"
                                         ) from None
    if len(values) == 1:
        values *= 2
    if len(values) != 2 or not all(1 <= v <= 1024 for v in values):
        raise argparse.ArgumentTypeError(f"must be HEIGHTxWIDTH, each 1 to 1024, not {text!r}")
    return values[0], values[1]


def fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, not {text!r}") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {text}")
    return value


def add_data_options(parser: argparse.ArgumentParser, path_flag: str | None = "--data") -> None:
    """The options that say how to read a table, an image folder or arrays."""
    if path_flag:
        parser.add_argument(path_flag, dest="data", metavar="PATH",
                            help="your own data: a CSV/TSV table, a folder with one subfolder "
                                 "of images per class, or .npz/.npy arrays")
    parser.add_argument("--target", metavar="COLUMN",
                        help="the table's column to predict (default: the last)")
    parser.add_argument("--task", choices=("classify", "regress"),
                        help="predict classes or a number (default: detected from the target)")
    parser.add_argument("--image-size", type=image_size, metavar="HxW",
                        help="resize every image to this size (default: the first image's)")
    parser.add_argument("--missing", choices=("drop", "fill"), default="drop",
                        help="rows with missing values: drop them (default) or fill the gaps "
                             "with the training mean or most frequent value")
    parser.add_argument("--header", choices=("auto", "yes", "no"), default="auto",
                        help="whether a table's first row names its columns (default: detected)")
    parser.add_argument("--skip-rows", type=non_negative_int, default=0, metavar="N",
                        help="lines to pass over at the top of a table, before its header")
    parser.add_argument("--test-fraction", type=fraction, default=0.2, metavar="X",
                        help="share of the samples held out as the test set (default 0.2)")


def data_options(args: argparse.Namespace) -> Any:
    from nnstudio.data.source import DataOptions

    return DataOptions(target=args.target, task=args.task, image_size=args.image_size,
                       missing=args.missing, test_fraction=args.test_fraction,
                       skip_rows=args.skip_rows,
                       header={"auto": None, "yes": True, "no": False}[args.header])


def read_data(path: str, args: argparse.Namespace) -> Any:
    """The data at ``path`` read as the options say (``user_data.Loaded``), with a progress
    bar on stderr."""
    from nnstudio.data.user_data import import_data
    from nnstudio.progress import ProgressBar

    bar: ProgressBar | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = ProgressBar(total, f"reading {path}", stream=sys.stderr)
        bar.update(done)

    loaded = import_data(path, data_options(args), progress)
    if bar is not None:
        bar.close(bar.total)
    return loaded


def with_own_data(opened: Any, training: Any, args: argparse.Namespace) -> tuple[Any, Any, Any]:
    """(opened, training, loaded) for a run on the person's own data: ``--data``, else the
    data a project refers to (checked: missing is an error, changed a note); the network's
    ends and the loss follow the data. ``loaded`` is None for a named dataset."""
    from dataclasses import replace

    from nnstudio.data.source import check_source
    from nnstudio.data.user_data import load_source
    from nnstudio.spec.fit_ends import fit_ends, suggested_loss

    source = opened.path.name if opened.path else opened.name
    if getattr(args, "data", None):
        loaded = read_data(args.data, args)
    elif opened.data is not None:
        changed = check_source(opened.data)
        if changed:
            print(f"nnstudio: note: {source}: {changed}", file=sys.stderr)
        loaded = load_source(opened.data)
    else:
        return opened, training, None
    dataset = loaded.imported.dataset
    network, changes = fit_ends(opened.network, dataset.input_shape, dataset.output_size,
                                dataset.task)
    if changes:
        print(f"nnstudio: note: the network follows the data: {'; '.join(changes)}",
              file=sys.stderr)
    loss = suggested_loss(dataset.task)
    if getattr(args, "loss", None) is None and training.loss != loss and (
            dataset.task == "regression" or training.loss == "mse"):
        print(f"nnstudio: note: loss {loss} for {dataset.task} (was {training.loss}; --loss "
              f"chooses another)", file=sys.stderr)
        training = replace(training, loss=loss)
    training = replace(training, dataset=dataset.name, data_dir="")
    return replace(opened, network=network), training, loaded


def refuse_own_data(opened: Any, training: Any, command: str) -> None:
    """``sweep`` and ``ensemble`` train in worker processes that load a dataset by name:
    a project on the person's own data is refused before anything runs (unless --dataset
    names another), rather than failing in every worker."""
    from nnstudio.cli.common import CliError

    if opened.data is not None and training.dataset == opened.data.name:
        source = opened.path.name if opened.path else opened.name
        raise CliError(f"{source} trains on its own data ({opened.data.name}); `nnstudio "
                       f"{command}` runs on a named dataset only: give --dataset NAME, or "
                       f"train with `nnstudio train --data`")
