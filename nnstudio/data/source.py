"""A person's own data as a project keeps it: where it is, its SHA-256, how to read it
(``DataOptions``) and the preprocessing fitted on its training split; never the data.

Reopening a project elsewhere checks the file (``check_source``): a missing or changed file
is named with what was expected, so nobody trains or evaluates on other data unknowingly.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from nnstudio.data.errors import DatasetError

KINDS = ("table", "images", "arrays")
TASK_WORDS = {"classify": "classification", "regress": "regression",
              "classification": "classification", "regression": "regression"}
MISSING_CHOICES = ("drop", "fill")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
HASH_CHUNK = 1 << 20


class DataSourceError(DatasetError):
    """The data a project refers to are missing or changed; the message names the file."""


@dataclass(frozen=True)
class DataOptions:
    """How to read the data: the person's choices, defaults detected from the file.

    ``target`` is a column name (or a 1-based number), None for the last column; ``task``
    "classification" or "regression", None to detect; ``image_size`` (height, width), None
    for the first image's; ``missing`` "drop" (the row) or "fill" (with the training mean
    or most frequent value); ``test_fraction`` of the samples is held out for the test set.
    """

    target: str | None = None
    task: str | None = None
    image_size: tuple[int, int] | None = None
    missing: str = "drop"
    test_fraction: float = 0.2
    seed: int = 0
    header: bool | None = None
    skip_rows: int = 0
    delimiter: str | None = None

    def __post_init__(self) -> None:
        if self.task is not None and self.task not in TASK_WORDS:
            raise DatasetError(f"unknown task {self.task!r}; use classify or regress")
        if self.task is not None:
            object.__setattr__(self, "task", TASK_WORDS[self.task])
        if self.missing not in MISSING_CHOICES:
            raise DatasetError(f"missing values: use drop or fill, not {self.missing!r}")
        if not 0.0 < self.test_fraction < 1.0:
            raise DatasetError(f"the test fraction must be between 0 and 1, not "
                               f"{self.test_fraction}")
        if self.image_size is not None:
            height, width = (int(v) for v in self.image_size)
            if not (1 <= height <= 1024 and 1 <= width <= 1024):
                raise DatasetError(f"image size {height}x{width}: each side must be 1 to 1024")
            object.__setattr__(self, "image_size", (height, width))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["image_size"] = list(self.image_size) if self.image_size else None
        return data

    @classmethod
    def from_json(cls, data: Any) -> DataOptions:
        if not isinstance(data, dict):
            raise DatasetError("the saved data options must be a JSON object")
        known = {key: value for key, value in data.items() if key in cls.__dataclass_fields__}
        for key, value in known.items():
            if not _SAVED_OPTION_CHECKS[key](value):
                raise DatasetError(f"the saved data options are malformed ({key}: "
                                   f"{json.dumps(value)[:40]})")
        if known.get("image_size") is not None:
            known["image_size"] = tuple(known["image_size"])
        try:
            return cls(**known)
        except (TypeError, DatasetError) as error:
            raise DatasetError(f"the saved data options are malformed ({error})") from None


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# What a saved option may hold, checked before DataOptions is built from a project file.
_SAVED_OPTION_CHECKS: dict[str, Any] = {
    "target": lambda v: v is None or isinstance(v, str) or _whole(v),
    "task": lambda v: v is None or isinstance(v, str),
    "image_size": lambda v: v is None or (isinstance(v, list) and len(v) == 2
                                          and all(_whole(side) for side in v)),
    "missing": lambda v: isinstance(v, str),
    "test_fraction": lambda v: _whole(v) or isinstance(v, float),
    "seed": lambda v: _whole(v) and v >= 0,
    "header": lambda v: v is None or isinstance(v, bool),
    "skip_rows": lambda v: _whole(v) and v >= 0,
    "delimiter": lambda v: v is None or isinstance(v, str),
}


@dataclass(frozen=True)
class DataSource:
    """A reference to a file or folder of data, with how it was read and fitted."""

    path: str
    kind: str
    sha256: str
    options: DataOptions = field(default_factory=DataOptions)
    # The fitted preprocessing (TablePreprocessing.to_json, or the image settings); None
    # until the data are loaded once.
    preprocessing: dict[str, Any] | None = None
    # The path relative to the project file, for a project moved together with its data.
    relative_path: str | None = None
    # Whether the project carries a copy of the data (only when the person asks).
    embedded: bool = False

    @property
    def name(self) -> str:
        return Path(self.path).name

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "relative_path": self.relative_path, "kind": self.kind,
                "sha256": self.sha256, "options": self.options.to_json(),
                "preprocessing": self.preprocessing, "embedded": self.embedded}

    @classmethod
    def from_json(cls, data: Any) -> DataSource:
        if not isinstance(data, dict) or not isinstance(data.get("path"), str):
            raise DatasetError("the saved data reference must be an object with a path")
        kind, digest = data.get("kind"), data.get("sha256")
        if kind not in KINDS or not isinstance(digest, str):
            raise DatasetError(f"the saved data reference to {data['path']} is malformed")
        preprocessing = data.get("preprocessing")
        relative = data.get("relative_path")
        return cls(data["path"], kind, digest, DataOptions.from_json(data.get("options", {})),
                   preprocessing if isinstance(preprocessing, dict) else None,
                   relative if isinstance(relative, str) else None,
                   data.get("embedded") is True)

    def relative_to(self, project_folder: str | os.PathLike[str]) -> DataSource:
        """This reference with its path relative to ``project_folder`` noted too."""
        try:
            relative = os.path.relpath(self.path, project_folder)
        except ValueError:  # another drive on Windows
            relative = None
        return replace(self, relative_path=relative)

    def located(self, project_folder: str | os.PathLike[str] | None) -> DataSource:
        """Where the data are now: the saved path, else the same place relative to the
        project (moved together), else the saved path (to be reported missing)."""
        if os.path.exists(self.path) or not self.relative_path or project_folder is None:
            return self
        moved = Path(project_folder) / self.relative_path
        return replace(self, path=str(moved.resolve())) if moved.exists() else self


def detect_kind(path: str | os.PathLike[str]) -> str:
    """"images" for a folder, "arrays" for .npz/.npy, else "table"."""
    path = Path(path)
    if path.is_dir():
        return "images"
    if path.suffix.lower() in (".npz", ".npy"):
        return "arrays"
    return "table"


def fingerprint(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes, or of a folder's image files (their paths and bytes)."""
    path = Path(path)
    digest = hashlib.sha256()
    if path.is_dir():
        for file in sorted(image_files(path)):
            digest.update(file.relative_to(path).as_posix().encode("utf-8") + b"\0")
            digest.update(_file_digest(file).encode("ascii"))
        return digest.hexdigest()
    return _file_digest(path)


def class_folders(folder: Path) -> list[str]:
    """The names of ``folder``'s class subfolders (hidden ones left out), sorted."""
    return sorted(sub.name for sub in folder.iterdir()
                  if sub.is_dir() and not sub.name.startswith("."))


def class_images(class_folder: Path) -> list[Path]:
    """A class's image files (by suffix), in its folder and the folders below it as
    torchvision's ImageFolder finds them (hidden files and folders left out), sorted."""
    if not class_folder.is_dir():
        return []
    return sorted(file for file in class_folder.rglob("*")
                  if file.suffix.lower() in IMAGE_SUFFIXES and file.is_file()
                  and not any(part.startswith(".")
                              for part in file.relative_to(class_folder).parts))


def image_files(folder: Path) -> list[Path]:
    """The image files of every class subfolder of ``folder``."""
    return [file for name in class_folders(folder) for file in class_images(folder / name)]


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(HASH_CHUNK):
                digest.update(chunk)
    except OSError as error:
        raise DataSourceError(f"{path.name}: cannot read the file "
                              f"({error.strerror or error})") from None
    return digest.hexdigest()


def check_source(source: DataSource) -> str | None:
    """None when the data are there as saved; a note when they changed; raises
    DataSourceError, naming the path, when they are missing."""
    if not os.path.exists(source.path):
        raise DataSourceError(
            f"the data {source.path} are missing (the project was trained on "
            f"{'the folder' if source.kind == 'images' else 'the file'} with SHA-256 "
            f"{source.sha256[:12]}…); put it back there or import the data again")
    now = fingerprint(source.path)
    if now != source.sha256:
        return (f"the data {source.path} have changed since the project was saved (SHA-256 "
                f"{source.sha256[:12]}… then, {now[:12]}… now); results will differ")
    return None
