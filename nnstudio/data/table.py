"""Reading a CSV or TSV file into rows of text, with Python's csv module.

Nothing here decides what the columns mean (see table_columns.py); this only turns a file
into a header and rows, each row with the line it started on, and refuses what is not a
table: an empty file, a header without rows, a row with more or fewer fields than the
header. Files ending in .gz are read through gzip. Every error names the file and line.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np

from nnstudio.data.errors import DatasetError
from nnstudio.data.table_columns import is_number

# (bytes read, total bytes): called every few thousand rows.
ReadProgress = Callable[[int, int], None]

TABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".txt")
TAB_SUFFIXES = (".tsv", ".tab")
SNIFFED_DELIMITERS = ",;\t|"
SAMPLE_BYTES = 64 * 1024
HEADER_PROBE_ROWS = 50
PROGRESS_EVERY_ROWS = 4096
# Rows held as Python strings at once: the rest are NumPy text, several times smaller.
CHUNK_ROWS = 4096


@dataclass
class Table:
    """A file's rows as text: ``names`` (from the header, or "column 1"...), ``rows`` (an
    (N, columns) array of the stripped cells) and ``lines`` (the 1-based line of the file
    each row starts on)."""

    path: Path
    names: list[str]
    rows: np.ndarray
    lines: np.ndarray
    delimiter: str
    header: bool


def is_table_file(path: str | os.PathLike[str]) -> bool:
    return _base_suffix(Path(path)) in TABLE_SUFFIXES


def read_table(path: str | os.PathLike[str], *, header: bool | None = None,
               delimiter: str | None = None, skip_rows: int = 0,
               progress: ReadProgress | None = None) -> Table:
    """The rows of the CSV/TSV file ``path``.

    ``header`` None detects it (a first row of words over columns of numbers, else the csv
    module's Sniffer); ``delimiter`` None takes a tab for .tsv/.tab and sniffs the others;
    ``skip_rows`` lines before the header are passed over (a note or a count line).
    """
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        raw = path.open("rb")
    except OSError as error:
        raise DatasetError(f"{name}: cannot read the file ({error.strerror or error})") from None
    with raw:
        try:
            sample = _text(raw, path).read(SAMPLE_BYTES)
            if delimiter is None:
                delimiter = _delimiter(path, sample)
            raw.seek(0)
            rows = _read_rows(_text(raw, path), delimiter, skip_rows, raw.tell, size,
                              progress)
            first = list(islice(rows, HEADER_PROBE_ROWS + 1))
            if not first:
                raise DatasetError(f"{name}: the file is empty (no rows)")
            if header is None:
                header = _has_header([row for row, _ in first], sample)
            head = first[0][0]
            if header:
                names = [value.strip() or f"column {i + 1}" for i, value in enumerate(head)]
                first = first[1:]
            else:
                names = [f"column {i + 1}" for i in range(len(head))]
            cells, lines = _cells(name, names, header, iter(first), rows)
        except UnicodeDecodeError as error:
            raise DatasetError(f"{name}: not UTF-8 text ({error.reason} at byte "
                               f"{error.start}); save it as UTF-8 CSV") from None
        except (OSError, EOFError) as error:  # gzip.BadGzipFile is an OSError
            raise DatasetError(f"{name}: cannot read the file ({error})") from None
        except csv.Error as error:
            raise DatasetError(f"{name}: not a readable table ({error})") from None
    if not len(cells):
        raise DatasetError(f"{name}: has a header but no rows of data")
    if progress is not None:
        progress(size, size)
    return Table(path, names, cells, lines, delimiter, header)


def _text(raw: io.BufferedReader, path: Path) -> io.TextIOWrapper:
    """A text view of ``raw`` (through gzip for .gz) that never closes ``raw`` itself."""
    binary = gzip.GzipFile(fileobj=raw) if path.suffix.lower() == ".gz" else _Unclosed(raw)
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")


class _Unclosed(io.BufferedReader):
    """``raw`` read through a buffer that leaves it open when dropped."""

    def __init__(self, raw: io.BufferedReader) -> None:
        super().__init__(raw)  # type: ignore[arg-type]

    def close(self) -> None:
        pass


def _base_suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def _delimiter(path: Path, sample: str) -> str:
    if _base_suffix(path) in TAB_SUFFIXES:
        return "\t"
    try:
        return csv.Sniffer().sniff(sample, delimiters=SNIFFED_DELIMITERS).delimiter
    except csv.Error:
        return ","


def _read_rows(text: io.TextIOBase, delimiter: str, skip_rows: int,
               position: Callable[[], int], size: int,
               progress: ReadProgress | None) -> Iterator[tuple[list[str], int]]:
    """Each row that holds a value, with the line it starts on."""
    reader = csv.reader(text, delimiter=delimiter)
    line = 1
    count = 0
    for row in reader:
        if reader.line_num <= skip_rows:
            line = reader.line_num + 1
            continue
        if row and any(field.strip() for field in row):  # blank lines are no rows
            yield row, line
            count += 1
            if progress is not None and count % PROGRESS_EVERY_ROWS == 0:
                progress(min(position(), size), size)
        line = reader.line_num + 1


def _cells(name: str, names: list[str], header: bool, *parts: Iterator[tuple[list[str], int]]
           ) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``parts`` as one (N, columns) array of stripped text, converted a chunk at
    a time (a file's rows as Python lists take ten times the file's size)."""
    chunks, lines = [], []
    rows = (pair for part in parts for pair in part)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        _check_widths(name, names, chunk, header)
        chunks.append(np.strings.strip(np.array([row for row, _ in chunk], dtype=str)
                                       .reshape(len(chunk), len(names))))
        lines.append(np.array([line for _, line in chunk], dtype=np.int64))
    if not chunks:
        return np.empty((0, len(names)), dtype=str), np.empty(0, dtype=np.int64)
    return np.concatenate(chunks), np.concatenate(lines)


def _has_header(rows: list[list[str]], sample: str) -> bool:
    """A first row with a word over a column of numbers is a header; with no column of
    numbers, the csv module's Sniffer decides."""
    first, probe = rows[0], rows[1:1 + HEADER_PROBE_ROWS]
    if not probe:
        return not any(is_number(value) for value in first)
    numeric_columns = [
        i for i in range(len(first))
        if all(i < len(row) and is_number(row[i]) for row in probe)
    ]
    if numeric_columns:
        return any(not is_number(first[i]) for i in numeric_columns)
    try:
        return csv.Sniffer().has_header(sample)
    except csv.Error:
        return False


def _check_widths(name: str, names: list[str], rows: list[tuple[list[str], int]],
                  header: bool) -> None:
    width = len(names)
    what = "the header has" if header else "the first row has"
    for row, line in rows:
        if len(row) != width:
            raise DatasetError(f"{name}, line {line}: {len(row)} fields where {what} {width}; "
                               f"every row needs one value per column")
