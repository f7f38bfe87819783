"""Every file a person opens or saves, for the command line and the app alike.

Opening takes a preset's name, a ``.nnstudio`` project (the zip of ``nnstudio.files.project``), a
JSON file (``nnstudio.document``: network and training settings; ``nnstudio.preset``; or a
bare ``nnstudio.network``) or an ``.onnx`` model (imported with its weights). Each format's
version is checked once, by ``check_format_version``: a file from a newer NN Studio is
refused with the same words wherever it is opened. Saving writes a project or a JSON
document through ``nnstudio.storage.atomic_write``: the whole file, or the old one left as it was.

Every problem is a ``DocumentError`` whose message names the file and says why.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnstudio.data.source import DataSource
from nnstudio.engine.events import Checkpoint
from nnstudio.files.embedded_data import EmbeddedDataError, extract_data
from nnstudio.files.project import (
    MAX_JSON_BYTES,
    EnsembleMember,
    Project,
    ProjectError,
    load_project,
    save_project,
)
from nnstudio.spec import network as network_format
from nnstudio.spec.format_version import FormatVersionError, check_format_version
from nnstudio.spec.network import NetworkSpec, SpecError
from nnstudio.spec.presets import load_preset, parse_preset, preset_names
from nnstudio.spec.training import TrainingSpec, TrainingSpecError
from nnstudio.storage.atomic_write import write_atomic
from nnstudio.storage.file_input import InputFileError, parse_json, read_file_limited

PROJECT_SUFFIX = ".nnstudio"
ONNX_SUFFIX = ".onnx"
DOCUMENT_FORMAT = "nnstudio.document"
NETWORK_FORMAT = network_format.FORMAT
PRESET_FORMAT = "nnstudio.preset"
DOCUMENT_VERSION = 1
# The newest version of each JSON format this NN Studio reads (projects: project.py's own).
JSON_FORMAT_VERSIONS = {DOCUMENT_FORMAT: DOCUMENT_VERSION, PRESET_FORMAT: 1,
                        NETWORK_FORMAT: network_format.FORMAT_VERSION}
FILE_FILTER = "NN Studio project (*.nnstudio);;Network JSON (*.json);;All files (*)"
# The graph names exporters write whatever the model: an imported network takes the file's.
EXPORTERS_GRAPH_NAMES = ("main_graph", "torch_jit", "torch-jit-export", "imported", "")


class DocumentError(ValueError):
    """A file that cannot be opened or saved; the message names the file and says why."""


@dataclass
class Opened:
    """What a file or preset holds: its network and training settings, and for a project
    or an ONNX model its weights (a project also its history)."""

    name: str
    network: NetworkSpec
    training: TrainingSpec
    weights: dict[str, dict[str, Any]] | None = None
    history: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    # An ensemble project's members (the first one's weights are ``weights``).
    members: list[EnsembleMember] = field(default_factory=list)
    # A project's experiment section (a search to run), as saved; None when there is none.
    experiment: dict[str, Any] | None = None
    data: DataSource | None = None  # a project's own data, where it is now
    checkpoints: list[Checkpoint] = field(default_factory=list)  # a project's timeline


# -- opening --------------------------------------------------------------------------------
def names_preset(source: str) -> bool:
    """Whether ``source`` means a preset: a preset's name and no file of that name here."""
    return source in preset_names() and not os.path.lexists(source)


def open_source(source: str) -> Opened:
    """A preset by name, or a file by path (see ``open_file``)."""
    if names_preset(source):
        preset = load_preset(source)
        return Opened(source, preset.network, preset.training)
    if not os.path.lexists(source):
        raise DocumentError(f"{source}: no such file or preset "
                            f"(presets: {', '.join(preset_names())})")
    return open_file(source)


def open_file(path: str | os.PathLike[str]) -> Opened:
    """A .nnstudio project, a .onnx model, or a JSON document, preset or network."""
    path = Path(path)
    if holds_weights(path):
        try:
            project = load_project(path)
        except ProjectError as error:  # it names the file
            raise DocumentError(str(error)) from None
        data = _project_data(path, project.data)
        return Opened(path.stem, project.network, project.training, project.weights,
                      project.history, path, members=project.members,
                      experiment=project.experiment, data=data,
                      checkpoints=project.checkpoints)
    if is_onnx(path):
        return open_onnx(path)
    network, training = load_document(path)
    return Opened(path.stem, network, training, path=path)


def _project_data(path: Path, data: DataSource | None) -> DataSource | None:
    """Where a project's data are now: as saved, beside the project, or (when the project
    carries a copy) unpacked from it."""
    if data is None:
        return None
    data = data.located(path.resolve().parent)
    if data.embedded and not os.path.exists(data.path):
        try:
            return extract_data(path, data) or data
        except EmbeddedDataError as error:
            raise DocumentError(str(error)) from None
    return data


def load_document(path: str | os.PathLike[str]) -> tuple[NetworkSpec, TrainingSpec]:
    """A JSON document, preset or bare network file, as (network, training)."""
    name = Path(path).name
    try:
        raw = read_file_limited(path, MAX_JSON_BYTES)
    except InputFileError as error:
        raise DocumentError(f"{name}: {error.reason}") from None
    try:
        data = parse_json(raw)
    except ValueError as error:
        raise DocumentError(f"{name} is damaged: not valid JSON ({error})") from None
    return parse_document(data, name)


def parse_document(data: Any, name: str = "document") -> tuple[NetworkSpec, TrainingSpec]:
    """A document, a preset or a bare network (read from the file ``name``), as (network,
    training). Without a "format", an object holding a "network" is a document."""
    if not isinstance(data, dict):
        raise DocumentError(f"{name} is not an NN Studio document (expected a JSON object)")
    kind = data.get("format", DOCUMENT_FORMAT if "network" in data else NETWORK_FORMAT)
    if not isinstance(kind, str) or kind not in JSON_FORMAT_VERSIONS:
        raise DocumentError(f"{name} is not an NN Studio document (format {kind!r})")
    try:
        check_format_version(data.get("version", 1), JSON_FORMAT_VERSIONS[kind], name)
        if kind == NETWORK_FORMAT:
            return NetworkSpec.from_json(data), TrainingSpec()
        if "network" not in data:
            raise DocumentError(f"{name} has no network")
        if kind == PRESET_FORMAT:
            preset = parse_preset(data, name)
            return preset.network, preset.training
        return (NetworkSpec.from_json(data["network"]),
                TrainingSpec.from_json(data.get("training", {})))
    except FormatVersionError as error:  # it names the file
        raise DocumentError(str(error)) from None
    except (SpecError, TrainingSpecError) as error:
        raise DocumentError(f"{name}: {error}") from None


def open_onnx(path: str | os.PathLike[str]) -> Opened:
    """An ONNX model's network and weights, with default training settings."""
    from nnstudio.export import ExportError, import_onnx

    path = Path(path)
    try:
        network, weights = import_onnx(path)
    except ExportError as error:  # it names the file
        raise DocumentError(str(error)) from None
    if network.name in EXPORTERS_GRAPH_NAMES:  # say "lenet", not PyTorch's "main_graph"
        network.name = path.stem
    return Opened(path.stem, network, TrainingSpec(), weights, path=path)


def is_onnx(path: str | os.PathLike[str]) -> bool:
    return Path(path).suffix.lower() == ONNX_SUFFIX


# -- saving ---------------------------------------------------------------------------------
def holds_weights(path: str | os.PathLike[str]) -> bool:
    """Whether a document saved at ``path`` keeps trained weights (a .nnstudio project)."""
    return Path(path).suffix == PROJECT_SUFFIX


def document_json(network: NetworkSpec, training: TrainingSpec) -> dict[str, Any]:
    return {"format": DOCUMENT_FORMAT, "version": DOCUMENT_VERSION,
            "network": network.to_json(), "training": training.to_json()}


def save_document(path: str | os.PathLike[str], network: NetworkSpec,
                  training: TrainingSpec, weights: dict | None = None,
                  history: dict | None = None, *,
                  members: list[EnsembleMember] | None = None,
                  experiment: dict | None = None, data: DataSource | None = None,
                  checkpoints: list[Checkpoint] | None = None) -> None:
    """A .nnstudio project (with weights, history, an ensemble's members, an experiment
    section, the reference to the person's own data and the training's checkpoints when
    given), or else a JSON document (network and training settings only)."""
    try:
        if holds_weights(path):
            save_project(path, Project(network, training, weights, history or {},
                                       training.dataset, members=list(members or []),
                                       experiment=experiment, data=data,
                                       checkpoints=list(checkpoints or [])))
        else:
            text = json.dumps(document_json(network, training), indent=2) + "\n"
            write_atomic(path, text.encode("utf-8"))
    except ProjectError as error:
        raise DocumentError(f"could not save {path}: {error}") from None
    except OSError as error:
        raise DocumentError(f"could not save {path}: {error.strerror or error}") from None


def save_network_json(path: str | os.PathLike[str], network: NetworkSpec) -> None:
    """The bare network (the format ``nnstudio.network``)."""
    try:
        write_atomic(path, (network.dumps() + "\n").encode("utf-8"))
    except OSError as error:
        raise DocumentError(f"could not save {path}: {error.strerror or error}") from None


def file_stamp(path: str | os.PathLike[str]) -> tuple[int, int, int] | None:
    """What tells whether a file changed on disk: (inode, mtime in ns, size); None when it
    is not there. Every save replaces the file, so even a same-size save in the same clock
    tick changes the inode."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns, info.st_size
