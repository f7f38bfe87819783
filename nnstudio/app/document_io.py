"""Reading and writing the network document: .nnstudio projects (a zip with the network,
training settings, trained weights and history) and plain JSON networks.

All file I/O of the window lives here. Saving writes a temporary file next to the target
and renames it over the target, so a crash never leaves half a file. A file from a newer
version, or a damaged one, raises DocumentError with a clear message and changes nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from nnstudio.atomic_write import write_atomic
from nnstudio.file_input import InputFileError, parse_json, read_file_limited
from nnstudio.project import MAX_JSON_BYTES, Project, ProjectError, load_project, save_project
from nnstudio.spec.network import NetworkSpec, SpecError
from nnstudio.spec.presets import parse_preset, preset_names
from nnstudio.spec.training import TrainingSpec, TrainingSpecError

DOCUMENT_FORMAT = "nnstudio.document"
DOCUMENT_VERSION = 1
FILE_FILTER = "NN Studio project (*.nnstudio);;Network JSON (*.json);;All files (*)"
PROJECT_SUFFIX = ".nnstudio"


class DocumentError(Exception):
    """A document that cannot be read or written; the message names the file and why."""


def document_json(network: NetworkSpec, training: TrainingSpec) -> dict[str, Any]:
    return {"format": DOCUMENT_FORMAT, "version": DOCUMENT_VERSION,
            "network": network.to_json(), "training": training.to_json()}


def file_stamp(path: str | os.PathLike[str]) -> tuple[int, int, int] | None:
    """What tells whether a file changed on disk: (inode, mtime in ns, size); None when it
    is not there. Every save replaces the file, so even a same-size save in the same clock
    tick changes the inode."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns, info.st_size


def holds_weights(path: str | os.PathLike[str]) -> bool:
    """Whether a document saved at ``path`` keeps trained weights (a .nnstudio project)."""
    return Path(path).suffix == PROJECT_SUFFIX


def save_document(path: str | os.PathLike[str], network: NetworkSpec,
                  training: TrainingSpec, weights: dict | None = None,
                  history: dict | None = None) -> None:
    """A .nnstudio project (with weights and history when given), or a JSON document."""
    try:
        if holds_weights(path):
            save_project(path, Project(network, training, weights, history or {},
                                       training.dataset))
        else:
            text = json.dumps(document_json(network, training), indent=2) + "\n"
            write_atomic(path, text.encode("utf-8"))
    except ProjectError as error:
        raise DocumentError(f"could not save {path}: {error}") from None
    except OSError as error:
        raise DocumentError(f"could not save {path}: {error.strerror or error}") from None


def save_network_json(path: str | os.PathLike[str], network: NetworkSpec) -> None:
    """Export the bare network (the format `nnstudio.network`)."""
    try:
        write_atomic(path, (network.dumps() + "\n").encode("utf-8"))
    except OSError as error:
        raise DocumentError(f"could not write {path}: {error.strerror or error}") from None


def parse_document(data: Any, name: str = "document") -> tuple[NetworkSpec, TrainingSpec]:
    """A document, a bare network or a preset, as (network, training)."""
    if not isinstance(data, dict):
        raise DocumentError(f"{name} is not an NN Studio document (expected a JSON object)")
    kind = data.get("format", DOCUMENT_FORMAT)
    version = data.get("version", 1)
    try:
        if kind == DOCUMENT_FORMAT:
            if not isinstance(version, int) or version > DOCUMENT_VERSION:
                raise DocumentError(
                    f"{name} was saved by a newer NN Studio (document format {version}; this "
                    f"version reads up to {DOCUMENT_VERSION}); please update NN Studio")
            if "network" not in data:
                raise DocumentError(f"{name} has no network")
            return (NetworkSpec.from_json(data["network"]),
                    TrainingSpec.from_json(data.get("training", {})))
        if kind == "nnstudio.network":
            return NetworkSpec.from_json(data), TrainingSpec()
        if kind == "nnstudio.preset":
            preset = parse_preset(data, name)
            return preset.network, preset.training
    except (SpecError, TrainingSpecError) as error:
        raise DocumentError(f"{name}: {error}") from None
    raise DocumentError(f"{name} is not an NN Studio document (format {kind!r})")


def load_project_document(path: str | os.PathLike[str]) -> Project:
    """Any document as a Project: a .nnstudio file whole, a JSON one without weights."""
    if Path(path).suffix == PROJECT_SUFFIX:
        try:
            return load_project(path)
        except ProjectError as error:
            raise DocumentError(str(error)) from None
    network, training = load_document(path)
    return Project(network, training)


def load_document(path: str | os.PathLike[str]) -> tuple[NetworkSpec, TrainingSpec]:
    name = Path(path).name
    try:
        raw = read_file_limited(path, MAX_JSON_BYTES)
    except InputFileError as error:
        raise DocumentError(f"could not open {path}: {error.reason}") from None
    try:
        data = parse_json(raw)
    except ValueError as error:
        raise DocumentError(f"{name} is damaged: not valid JSON ({error})") from None
    return parse_document(data, name)


def is_preset_name(source: str) -> bool:
    return source in preset_names()
