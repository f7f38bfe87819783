"""What a table's columns mean, and the preprocessing fitted on its training rows.

A column is numeric when its values (missing ones aside) are numbers, categorical when most
are not; a column of numbers with a few words in it is refused naming the first word's
line, since that is almost always a typo rather than a category. Numeric features are
standardized and categorical ones one-hot encoded with statistics of the training rows
only; ``TablePreprocessing`` keeps those statistics as plain JSON, so a saved project
transforms new rows exactly as it did its training rows.
"""

from __future__ import annotations

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
    # A numeric target is learned standardized, (y - mean) / std, with the training rows'
    # statistics (a project saved before they were kept: 0 and 1, as it was trained).
    target_mean: float = 0.0
    target_std: float = 1.0

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
                       [str(c) for c in data.get("classes", [])],
                       float(data.get("target_mean", 0.0)), float(data.get("target_std", 1.0)))
        except (KeyError, TypeError, ValueError) as error:
            raise DatasetError(f"the saved table preprocessing is malformed ({error})") from None


def missing_mask(cells: np.ndarray) -> np.ndarray:
    """Where the (stripped) text ``cells`` hold no value: empty, NA, NaN, null, ?..."""
    short = np.strings.str_len(cells) <= max(map(len, MISSING_WORDS))
    missing = np.zeros(cells.shape, dtype=bool)
    missing[short] = np.isin(np.strings.lower(cells[short]), list(MISSING_WORDS))
    return missing


def column_kind(name: str, values: np.ndarray, missing: np.ndarray, lines: np.ndarray,
                file: str) -> str:
    """NUMERIC or CATEGORICAL; a column of numbers with a few other words is an error
    naming the first such word's line."""
    present = values[~missing]
    if present.size == 0:
        raise DatasetError(f"{file}: column {name!r} holds no values (all missing)")
    try:
        parsed = present.astype(np.float64)
    except ValueError:
        pass
    else:
        infinite = ~np.isfinite(parsed)
        if infinite.any():
            first = int(np.argmax(infinite))
            raise DatasetError(
                f"{file}, line {lines[~missing][first]}: {str(present[first])!r} in column "
                f"{name!r} is not a finite number; fix it or leave it empty as a missing value")
        return NUMERIC
    comma = np.strings.replace(present, ",", ".", count=1)
    if (np.strings.find(present, ".") < 0).all() and all(map(is_number, comma)):
        raise DatasetError(f"{file}: column {name!r} holds numbers written with a decimal comma "
                           f"({str(present[0])!r}); save the file with decimal points "
                           f"({str(comma[0])})")
    bad = np.array([not is_number(value) for value in present])
    if bad.sum() <= (1 - NUMERIC_SHARE) * present.size:
        first = int(np.argmax(bad))
        line = lines[~missing][first]
        raise DatasetError(
            f"{file}, line {line}: {str(present[first])!r} in column {name!r}, a column of numbers "
            f"({int(present.size - bad.sum())} of {present.size} values); fix it or leave it "
            f"empty as a missing value")
    return CATEGORICAL


def numbers(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """float64 values of a numeric column, NaN where missing."""
    return np.where(missing, "nan", values).astype(np.float64)


def is_number(text: str) -> bool:
    """Whether a cell's text reads as a number (the CSV reader's header guess uses it too)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def target_task(name: str, kind: str, values: np.ndarray, missing: np.ndarray,
                wanted: str | None, lines: np.ndarray, file: str) -> str:
    """The task a target column gives: the one ``wanted`` ("classification" or "regression"),
    else classes for words or a few whole numbers, regression for other numbers."""
    if wanted == "regression":
        if kind != NUMERIC:
            first = next(i for i, value in enumerate(values)
                         if not missing[i] and not is_number(value))
            raise DatasetError(f"{file}, line {lines[first]}: the target {name!r} holds "
                               f"{str(values[first])!r}; regression needs numbers (or use --task "
                               f"classify)")
        return "regression"
    if wanted == "classification" or kind == CATEGORICAL:
        return "classification"
    present = numbers(values, missing)[~missing]
    whole = bool(np.all(present == np.round(present)))
    few = len(np.unique(present)) <= MAX_NUMBERED_CLASSES
    return "classification" if whole and few else "regression"


def class_names(values: np.ndarray, missing: np.ndarray, kind: str) -> list[str]:
    """The classes of a target column in order: numbers by value, words alphabetically."""
    distinct = [str(value) for value in np.unique(values[~missing])]
    if kind == NUMERIC:
        return sorted(distinct, key=float)
    return distinct


def fit_column(name: str, kind: str, values: np.ndarray, missing: np.ndarray,
               file: str) -> Column:
    """A feature column fitted on the training rows' ``values``."""
    present = values[~missing]
    if present.size == 0:
        raise DatasetError(f"{file}: column {name!r} has no values in the training split")
    if kind == NUMERIC:
        column = present.astype(np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            mean, std = float(column.mean()), float(column.std())
        if not (np.isfinite(mean) and np.isfinite(std)):
            raise DatasetError(f"{file}: column {name!r} holds numbers too large to standardize "
                               f"(up to {np.abs(column).max():.3g}); rescale it")
        return Column(name, NUMERIC, mean, std if std > 0 else 1.0, fill=repr(mean))
    categories, counts = np.unique(present, return_counts=True)
    if len(categories) > MAX_CATEGORIES:
        raise DatasetError(f"{file}: column {name!r} has {len(categories):,} different words, "
                           f"too many to one-hot encode (at most {MAX_CATEGORIES}); leave it "
                           f"out of the file or make it numeric")
    fill = str(categories[int(np.argmax(counts))])
    return Column(name, CATEGORICAL, categories=[str(c) for c in categories], fill=fill)


def encode(column: Column, values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """(N, width) float32 of one column's values; missing ones take ``column.fill``."""
    filled = np.where(missing, column.fill, values)
    if column.kind == NUMERIC:
        out = (filled.astype(np.float64) - column.mean) / column.std
        return out.astype(np.float32)[:, None]
    categories = np.asarray(column.categories)  # sorted
    out = np.zeros((len(values), len(categories)), dtype=np.float32)
    if len(categories) == 0:
        return out
    position = np.minimum(np.searchsorted(categories, filled), len(categories) - 1)
    known = categories[position] == filled  # a word the training rows never had: all zeros
    out[np.flatnonzero(known), position[known]] = 1.0
    return out
