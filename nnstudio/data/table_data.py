"""A CSV/TSV table as a dataset: one target column, the others as features.

The rows are read (table.py), the columns typed (table_columns.py), rows with missing
values dropped or filled as the person chose, the rows split into training and test, and
the preprocessing fitted on the training rows only, or taken as saved with a project.
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
from nnstudio.data.table import ReadProgress, Table, read_table
from nnstudio.data.table_columns import (
    TablePreprocessing,
    class_names,
    column_kind,
    encode,
    fit_column,
    missing_mask,
    numbers,
    target_task,
)

PREVIEW_ROWS = 20
LISTED_LINES = 5


def load_table(path: str | Path, options: DataOptions, saved: dict[str, Any] | None = None,
               progress: ReadProgress | None = None) -> Imported:
    """The table at ``path`` as a dataset; ``saved`` preprocessing (from a project) is used
    as it is instead of fitting anew."""
    table = read_table(path, header=options.header, delimiter=options.delimiter,
                       skip_rows=options.skip_rows, progress=progress)
    file = table.path.name
    target = _target_index(table, options.target)
    cells = table.rows
    missing = missing_mask(cells)
    lines = table.lines
    kinds = [column_kind(name, cells[:, i], missing[:, i], lines, file)
             for i, name in enumerate(table.names)]
    task = target_task(table.names[target], kinds[target], cells[:, target],
                       missing[:, target], options.task, lines, file)
    notes: list[str] = []
    keep = _rows_kept(table, missing, target, options.missing, notes)
    cells, missing, lines = cells[keep], missing[keep], lines[keep]
    targets = cells[:, target]

    prep = TablePreprocessing.from_json(saved) if saved else None
    if task == "classification":
        classes = prep.classes if prep else class_names(targets, missing[:, target],
                                                        kinds[target])
        check_classes(classes, file, f"the target {table.names[target]!r}")
        index = {name: i for i, name in enumerate(classes)}
        unknown = ~np.isin(targets, classes)
        if unknown.any():
            first = int(np.argmax(unknown))
            raise DatasetError(f"{file}, line {lines[first]}: the class {str(targets[first])!r} is "
                               f"not one the project was trained on ({', '.join(classes)})")
        y = np.array([index[str(t)] for t in targets], dtype=np.int64)
    else:
        classes = []
        y = numbers(targets, missing[:, target]).astype(np.float32)[:, None]
    train, test = stratified_split(y.ravel() if task == "classification" else y,
                                   options.test_fraction, options.seed,
                                   task == "classification")
    features = [i for i in range(len(table.names)) if i != target]
    if prep is None:
        fitted = [fit_column(table.names[i], kinds[i], cells[train, i], missing[train, i], file)
                  for i in features]
        prep = TablePreprocessing(fitted, table.names[target], task, classes,
                                  *target_statistics(y[train], task))
    elif [(c.name, c.kind) for c in prep.features] != [(table.names[i], kinds[i])
                                                       for i in features]:
        raise DatasetError(f"{file}: its columns are not the ones the project was trained on "
                           f"({', '.join(f'{c.name} {c.kind}' for c in prep.features)})")
    if not features:
        raise DatasetError(f"{file}: has no feature columns besides the target")
    x = np.concatenate([encode(column, cells[:, i], missing[:, i])
                        for column, i in zip(prep.features, features, strict=True)], axis=1)
    scale = None
    if task == "regression":
        scale = (prep.target_mean, prep.target_std)
        y = standardized(y, scale)
    dataset = Dataset(file, x[train], y[train], x[test], y[test], classes, task,
                      f"{len(cells):,} rows of {file}", scale)
    described = [(name, f"{kind}{' (target)' if i == target else ''}")
                 for i, (name, kind) in enumerate(zip(table.names, kinds, strict=True))]
    return Imported(dataset, prep.to_json(), "table", described,
                    [table.names] + table.rows[:PREVIEW_ROWS].tolist(), notes)


def _target_index(table: Table, target: str | None) -> int:
    if target is None:
        return len(table.names) - 1
    if target in table.names:
        return table.names.index(target)
    folded = [name.lower() for name in table.names]
    if target.lower() in folded:
        return folded.index(target.lower())
    if target.isdigit() and 1 <= int(target) <= len(table.names):
        return int(target) - 1
    raise DatasetError(f"{table.path.name}: no column {target!r} for the target; its columns "
                       f"are {', '.join(table.names)}")


def _rows_kept(table: Table, missing: np.ndarray, target: int, choice: str,
               notes: list[str]) -> np.ndarray:
    """The rows to use: never those missing a target, nor (with "drop") any value."""
    no_target = missing[:, target]
    gaps = missing.any(axis=1) & ~no_target
    if no_target.any():
        notes.append(f"dropped {int(no_target.sum()):,} rows without a target value "
                     f"({_lines(table, np.flatnonzero(no_target))})")
    if gaps.any():
        verb = "dropped" if choice == "drop" else "filled the gaps of"
        notes.append(f"{verb} {int(gaps.sum()):,} rows with missing values "
                     f"({_lines(table, np.flatnonzero(gaps))})"
                     + ("; --missing fill keeps them" if choice == "drop" else ""))
    kept = np.flatnonzero(~(no_target | gaps) if choice == "drop" else ~no_target)
    if kept.size == 0:
        raise DatasetError(f"{table.path.name}: every row has a missing value; nothing is left "
                           f"to train on")
    return kept


def _lines(table: Table, rows: np.ndarray) -> str:
    shown = ", ".join(str(table.lines[i]) for i in rows[:LISTED_LINES])
    return f"line{'s' if len(rows) > 1 else ''} {shown}{', …' if len(rows) > LISTED_LINES else ''}"

