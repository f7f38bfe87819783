"""`nnstudio datasets list|fetch NAME|inspect PATH`."""

from __future__ import annotations

import argparse
import json

from nnstudio.cli.data_options import add_data_options, read_data


def register(commands: argparse._SubParsersAction) -> None:
    datasets = commands.add_parser(
        "datasets", help="list the datasets, download one, or inspect your own data")
    actions = datasets.add_subparsers(title="actions", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every dataset and whether it is on this machine")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)
    fetching = actions.add_parser("fetch", help="download a dataset into the cache")
    fetching.add_argument("name")
    fetching.set_defaults(handler=cmd_fetch)
    inspecting = actions.add_parser("inspect", help="what your own data would load as: columns "
                                                    "and their types, classes, the split")
    inspecting.add_argument("path", metavar="PATH",
                            help="a CSV/TSV table, a folder of class subfolders of images, or "
                                 ".npz/.npy arrays")
    add_data_options(inspecting, path_flag=None)
    inspecting.add_argument("--json", action="store_true")
    inspecting.set_defaults(handler=cmd_inspect)


def cmd_list(args: argparse.Namespace) -> int:
    from nnstudio.data.datasets import list_datasets

    infos = list_datasets()
    if args.json:
        print(json.dumps([{"name": i.name, "kind": i.kind, "task": i.task, "title": i.title,
                           "available": i.available} for i in infos]))
        return 0
    print(f"{'name':<16}{'kind':<10}{'here':<6}description")
    for info in infos:
        here = "yes" if info.available else "no"
        print(f"{info.name:<16}{info.kind:<10}{here:<6}{info.title}")
    print("\nDownload a set with `nnstudio datasets fetch NAME`, or point --data-dir / "
          "NNSTUDIO_DATA_DIR at a folder of IDX files.")
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    from nnstudio.data.remote import fetch
    from nnstudio.progress import ProgressBar

    bar: ProgressBar | None = None

    def progress(done: int, total: int | None) -> None:
        nonlocal bar
        if bar is None:
            bar = ProgressBar(total or 1, f"downloading {args.name}")
        bar.update(done, f"{done / 1e6:.1f} MB")

    folder = fetch(args.name, progress=progress)
    if bar is not None:
        bar.close(bar.total)
    print(f"{args.name} is in {folder}")
    return 0


def cmd_inspect(args: argparse.Namespace) -> int:
    loaded = read_data(args.path, args)
    imported = loaded.imported
    if args.json:
        dataset = imported.dataset
        print(json.dumps({
            "path": loaded.source.path, "kind": imported.kind, "sha256": loaded.source.sha256,
            "task": dataset.task, "input_shape": list(dataset.input_shape),
            "output_size": dataset.output_size, "train": len(dataset.x_train),
            "test": len(dataset.x_test), "columns": [list(c) for c in imported.columns],
            "classes": [{"name": n, "train": a, "test": b}
                        for n, a, b in imported.class_counts()],
            "notes": imported.notes, "skipped": imported.skipped}))
        return 0
    print("\n".join(imported.describe()))
    print(f"SHA-256 {loaded.source.sha256}")
    return 0
