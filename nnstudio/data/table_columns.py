"""What a table's columns mean, and the preprocessing fitted on its training rows.

A column is numeric when its values (missing ones aside) are numbers, categorical when most
are not; a column of numbers with a few words in it is refused naming the first word's
line, since that is almost always a typo rather than a category. Numeric features are
standardized and categorical ones one-hot encoded with statistics of the training rows
only; ``TablePreprocessing`` keeps those statistics as plain JSON, so a saved project
transforms new rows exactly as it did its training rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from nnstudio.data.errors import DatasetError

MISSING_WORDS = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})
# A column whose values are at least this share of numbers is numeric: the rest are errors.
NUMERIC_SHARE = 0.9
MAX_CATEGORIES = 1000
# A numeric target of whole numbers with at most this many values is a set of classes.
MAX_NUMBERED_CLASSES = 20
NUMERIC, CATEGORICAL = "numeric", "categorical"


def is_missing(value: str) -> bool:
    return value.strip().lower() in MISSING_WORDS


@dataclass
class Column:
    """One feature column as fitted: numeric (mean, std) or categorical (its categories);
    ``fill`` replaces a missing value when the person chose to fill them."""

    name: str
    kind: str
    mean: float = 0.0
    std: float = 1.0
    categories: list[str] = field(default_factory=list)
    fill: str = ""

    @property
    def width(self) -> int:
        return 1 if self.kind == NUMERIC else len(self.categories)


@dataclass
class TablePreprocessing:
    """Everything needed to turn a table's rows into inputs and targets, as plain data."""

    features: list[Column]
    target: str
    task: str  # "classification" or "regression"
    classes: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return sum(column.width for column in self.features)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> TablePreprocessing:
        try:
            features = [Column(**column) for column in data["features"]]
            return cls(features, str(data["target"]), str(data["task"]),
                       [str(c) for c in data.get("classes", [])])
        except (KeyError, TypeError, ValueError) as error:
            raise DatasetError(f"the saved table preprocessing is malformed ({error})") from None


def column_kind(name: str, values: list[str], lines: list[int], file: str) -> str:
    """NUMERIC or CATEGORICAL; a column of numbers with a few other words is an error
    naming the first such word's line."""
    present = [(value, line) for value, line in zip(values, lines, strict=True)
               if not is_missing(value)]
    if not present:
        raise DatasetError(f"{file}: column {name!r} holds no values (all missing)")
    if _all_numbers([value for value, _ in present]):
        return NUMERIC
    bad = [(value, line) for value, line in present if not _is_number(value)]
    if len(bad) <= (1 - NUMERIC_SHARE) * len(present):
        value, line = bad[0]
        raise DatasetError(
            f"{file}, line {line}: {value.strip()!r} in column {name!r}, a column of numbers "
            f"({len(present) - len(bad)} of {len(present)} values); fix it or leave it empty "
            f"as a missing value")
    return CATEGORICAL


def numbers(values: list[str]) -> np.ndarray:
    """float64 values of a numeric column, NaN where missing."""
    return np.array([np.nan if is_missing(v) else float(v) for v in values], dtype=np.float64)


def _all_numbers(values: list[str]) -> bool:
    try:
        np.asarray(values).astype(np.float64)
    except ValueError:
        return False
    return True


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def target_task(name: str, kind: str, values: list[str], wanted: str | None,
                lines: list[int], file: str) -> str:
    """The task a target column gives: the one ``wanted`` ("classification" or "regression"),
    else classes for words or a few whole numbers, regression for other numbers."""
    if wanted == "regression":
        if kind != NUMERIC:
            value, line = next((v, ln) for v, ln in zip(values, lines, strict=True)
                               if not is_missing(v) and not _is_number(v))
            raise DatasetError(f"{file}, line {line}: the target {name!r} holds {value!r}; "
                               f"regression needs numbers (or use --task classify)")
        return "regression"
    if wanted == "classification" or kind == CATEGORICAL:
        return "classification"
    present = numbers(values)
    present = present[~np.isnan(present)]
    whole = bool(np.all(present == np.round(present)))
    few = len(np.unique(present)) <= MAX_NUMBERED_CLASSES
    return "classification" if whole and few else "regression"


def class_names(values: list[str], kind: str) -> list[str]:
    """The classes of a target column in order: numbers by value, words alphabetically."""
    distinct = {value.strip() for value in values if not is_missing(value)}
    if kind == NUMERIC:
        return sorted(distinct, key=float)
    return sorted(distinct)


def fit_column(name: str, kind: str, values: list[str], file: str) -> Column:
    """A feature column fitted on the training rows' ``values``."""
    if kind == NUMERIC:
        column = numbers(values)
        column = column[~np.isnan(column)]
        if column.size == 0:
            raise DatasetError(f"{file}: column {name!r} has no values in the training split")
        mean, std = float(column.mean()), float(column.std())
        return Column(name, NUMERIC, mean, std if std > 0 else 1.0, fill=repr(mean))
    counts = Counter(value.strip() for value in values if not is_missing(value))
    if len(counts) > MAX_CATEGORIES:
        raise DatasetError(f"{file}: column {name!r} has {len(counts):,} different words, too "
                           f"many to one-hot encode (at most {MAX_CATEGORIES}); leave it out "
                           f"of the file or make it numeric")
    fill = counts.most_common(1)[0][0] if counts else ""
    return Column(name, CATEGORICAL, categories=sorted(counts), fill=fill)


def encode(column: Column, values: list[str]) -> np.ndarray:
    """(N, width) float32 of one column's values; missing ones take ``column.fill``."""
    filled = [column.fill if is_missing(value) else value.strip() for value in values]
    if column.kind == NUMERIC:
        out = (np.asarray(filled, dtype=np.float64) - column.mean) / column.std
        return out.astype(np.float32)[:, None]
    index = {category: i for i, category in enumerate(column.categories)}
    out = np.zeros((len(values), len(column.categories)), dtype=np.float32)
    for row, value in enumerate(filled):
        position = index.get(value)
        if position is not None:  # a word the training rows never had: all zeros
            out[row, position] = 1.0
    return out
