"""The .nnstudio project file: a zip of project.json, weights.npz and history.json, and
checkpoints.npz when the project keeps a timeline of its training.

A project with checkpoints lists them in project.json ("checkpoints": [{"step", "epoch"}])
and keeps their arrays in checkpoints.npz as "<index>/<node>/<param>"; a file without them
(older ones) opens with an empty timeline, and an older NN Studio ignores them.

An ensemble's project (format version 2) also lists its members in project.json's
"ensemble" (each member's seed, test accuracy and weights member) and keeps each member's
weights in members/N.npz; the first member's are weights.npz, so the project's network is a
working network of its own. A project without members is still written as version 1, which
every NN Studio opens; an older one refuses a version 2 file rather than drop its members.

Saving writes a temporary file beside the target and renames it over the old one, so a
crash mid-save never leaves half a file. Loading trusts nothing: any damage, a newer format
or a pickled array gives a ProjectError with a clear message and changes nothing.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy

from nnstudio.data.errors import DatasetError
from nnstudio.data.source import DataSource
from nnstudio.engine.events import Checkpoint
from nnstudio.files.embedded_data import EmbeddedDataError, write_data
from nnstudio.spec.format_version import FormatVersionError, check_format_version
from nnstudio.spec.network import NetworkSpec, SpecError
from nnstudio.spec.training import TrainingSpec, TrainingSpecError
from nnstudio.storage import weights_archive
from nnstudio.storage.atomic_write import write_atomic
from nnstudio.storage.file_input import (
    InputFileError,
    format_size,
    open_regular,
    parse_json,
    read_limited,
)

FORMAT = "nnstudio.files.project"
FORMAT_VERSION = 2  # 2: an ensemble's members (see above)
ONE_NETWORK_VERSION = 1  # what a project without members is written as
MAX_MEMBERS = 256  # an ensemble's members a project may list
# What project.json and history.json may each unpack to, whatever their headers claim; a
# zip bomb is stopped once it passes this. (weights.npz and all its arrays together have
# weights_archive.MAX_WEIGHTS_BYTES.)
MAX_JSON_BYTES = 256 * 1024**2


class ProjectError(Exception):
    """The project file cannot be read or written; the message says why."""


@dataclass
class EnsembleMember:
    """One member of an ensemble: the seed it was trained from, its weights, its score."""

    seed: int
    weights: dict[str, dict[str, numpy.ndarray]]
    test_accuracy: float | None = None


@dataclass
class Project:
    network: NetworkSpec
    training: TrainingSpec = field(default_factory=TrainingSpec)
    weights: dict[str, dict[str, numpy.ndarray]] | None = None
    history: dict[str, Any] = field(default_factory=dict)
    dataset: str | None = None
    layout: dict[str, Any] = field(default_factory=dict)
    # An ensemble's members (the first one's weights are ``weights``); empty: one network.
    members: list[EnsembleMember] = field(default_factory=list)
    # A hyperparameter search saved with the network (nnstudio.experiments.plan reads it).
    experiment: dict[str, Any] | None = None
    # The person's own data: a reference (path, SHA-256, preprocessing), never the data.
    data: DataSource | None = None
    # The training's timeline, oldest first (see nnstudio.running.checkpoints).
    checkpoints: list[Checkpoint] = field(default_factory=list)


def save_project(path: str | os.PathLike[str], project: Project) -> None:
    """Write atomically (see nnstudio.storage.atomic_write); a failure raises SaveError, an OSError
    naming ``path``, and leaves any old file as it was."""
    path = Path(path)
    meta = {
        "format": FORMAT,
        "version": FORMAT_VERSION if project.members else ONE_NETWORK_VERSION,
        "network": project.network.to_json(),
        "training": project.training.to_json(),
        "dataset": project.dataset or project.training.dataset,
        "layout": project.layout,
    }
    if project.experiment is not None:
        meta["experiment"] = project.experiment
    if project.data is not None:
        meta["data"] = project.data.relative_to(path.resolve().parent).to_json()
    if len(project.members) > MAX_MEMBERS:
        raise ProjectError(f"{path.name}: an ensemble of {len(project.members)} members; a "
                           f"project holds at most {MAX_MEMBERS}")
    first = project.members[0].weights if project.members else project.weights
    archives = {"weights.npz": _weights_npz(path, first, "the weights")}
    if project.members:
        listed = []
        for index, member in enumerate(project.members):
            entry = "weights.npz" if index == 0 else f"members/{index}.npz"
            if index:
                archives[entry] = _weights_npz(path, member.weights,
                                               f"the weights of member {index + 1}")
            listed.append({"seed": member.seed, "test_accuracy": member.test_accuracy,
                           "weights": entry})
        meta["ensemble"] = {"members": listed}
    if project.checkpoints:
        meta["checkpoints"] = [{"step": int(c.step), "epoch": float(c.epoch)}
                               for c in project.checkpoints]
        archives["checkpoints.npz"] = _weights_npz(
            path, {f"{i}/{node}": arrays for i, c in enumerate(project.checkpoints)
                   for node, arrays in c.weights.items()}, "the checkpoints of the timeline")

    def write(handle: IO[bytes]) -> None:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("project.json", json.dumps(meta, indent=2))
            archive.writestr("weights.npz", archives.pop("weights.npz"))
            archive.writestr("history.json", json.dumps(_plain(project.history)))
            for entry, data in archives.items():
                archive.writestr(entry, data)
            if project.data is not None and project.data.embedded:
                try:
                    write_data(archive, project.data)
                except EmbeddedDataError as error:
                    raise ProjectError(f"{path.name}: {error}") from None

    write_atomic(path, write)


def _weights_npz(path: Path, weights: dict[str, dict[str, Any]] | None, what: str) -> bytes:
    """The .npz bytes of {node: {param: array}}; ProjectError for a name a zip cannot carry
    or more than a project can open again."""
    buffer = io.BytesIO()
    flat = {f"{node}/{name}": numpy.asarray(array)
            for node, arrays in (weights or {}).items() for name, array in arrays.items()}
    unstorable = [key.rpartition("/")[0] for key in flat if not _storable_name(key)]
    if unstorable:
        raise ProjectError(f"{path.name}: the layer name {unstorable[0]!r} cannot be stored "
                           f"(a NUL character or an unpaired surrogate); rename the layer")
    numpy.savez(buffer, **flat)
    total = buffer.getbuffer().nbytes
    if total > weights_archive.MAX_WEIGHTS_BYTES:  # it could be saved, but never opened again
        raise ProjectError(f"{path.name}: {what} take {format_size(total)}, more than the "
                           f"{format_size(weights_archive.MAX_WEIGHTS_BYTES)} a project can "
                           f"hold; make the network smaller")
    return buffer.getvalue()


def _storable_name(key: str) -> bool:
    """Whether a zip member can carry this name: it ends at a NUL, and is stored as UTF-8."""
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in key


def load_project(path: str | os.PathLike[str]) -> Project:
    """Read a project; any problem with the file raises ProjectError, never another error."""
    path = Path(path)
    name = path.name
    try:
        handle = open_regular(path)
    except InputFileError as error:
        raise ProjectError(f"{name}: {error.reason}") from None
    with handle:
        try:
            archive = zipfile.ZipFile(handle)
        except Exception as error:  # noqa: BLE001 - BadZipFile, OSError, ValueError, EOFError
            raise ProjectError(f"{name}: not an NN Studio project (damaged or not a zip: "
                               f"{error})") from None
        try:
            with archive:
                return _read_project(archive, name)
        except ProjectError:
            raise
        except Exception as error:  # noqa: BLE001 - whatever else damage provokes: "damaged"
            raise ProjectError(f"{name}: the project file is damaged "
                               f"({type(error).__name__}: {error})") from None


def _read_project(archive: zipfile.ZipFile, name: str) -> Project:
    meta = _read_json(archive, "project.json", name, required=True)
    if not isinstance(meta, dict):
        raise ProjectError(f"{name}: project.json must hold an object")
    try:
        check_format_version(meta.get("version"), FORMAT_VERSION, name)
    except FormatVersionError as error:
        raise ProjectError(str(error)) from None
    try:
        network = NetworkSpec.from_json(meta.get("network"))
        training = TrainingSpec.from_json(meta.get("training", {}))
    except (SpecError, TrainingSpecError) as error:
        raise ProjectError(f"{name}: {error}") from None
    except (ValueError, TypeError, OverflowError) as error:  # e.g. a number too big for a float
        raise ProjectError(f"{name}: project.json holds a malformed network or training "
                           f"settings ({error})") from None
    layout = meta.get("layout", {})
    dataset = meta.get("dataset")
    if not isinstance(layout, dict) or not (dataset is None or isinstance(dataset, str)):
        raise ProjectError(f"{name}: project.json has a malformed layout or dataset")
    history = _read_json(archive, "history.json", name, required=False) or {}
    if not isinstance(history, dict):
        raise ProjectError(f"{name}: history.json must hold an object")
    experiment = meta.get("experiment")
    if not (experiment is None or isinstance(experiment, dict)):
        raise ProjectError(f"{name}: project.json has a malformed experiment section")
    weights = _read_weights(archive, "weights.npz", name) or None
    members = _read_members(archive, meta.get("ensemble"), weights, name)
    checkpoints = _read_checkpoints(archive, meta.get("checkpoints", []), name)
    return Project(network, training, weights, history, dataset, layout, members, experiment,
                   _read_data(meta.get("data"), name), checkpoints)


def _read_members(archive: zipfile.ZipFile, ensemble: Any,
                  first: dict[str, dict[str, numpy.ndarray]] | None,
                  name: str) -> list[EnsembleMember]:
    """An ensemble's members as project.json lists them (none for one network)."""
    if ensemble is None:
        return []
    listed = ensemble.get("members") if isinstance(ensemble, dict) else None
    if not isinstance(listed, list) or not listed or len(listed) > MAX_MEMBERS:
        raise ProjectError(f"{name}: project.json's ensemble must list 1 to {MAX_MEMBERS} "
                           f"members")
    members = []
    for index, entry in enumerate(listed):
        expected = "weights.npz" if index == 0 else f"members/{index}.npz"
        seed = entry.get("seed") if isinstance(entry, dict) else None
        accuracy = entry.get("test_accuracy") if isinstance(entry, dict) else None
        if (not isinstance(seed, int) or isinstance(seed, bool)
                or entry.get("weights") != expected
                or not (accuracy is None or isinstance(accuracy, int | float))):
            raise ProjectError(f"{name}: project.json's ensemble member {index + 1} is "
                               f"malformed (it needs a seed, a test accuracy or null, and "
                               f"its weights in {expected})")
        weights = first if index == 0 else _read_weights(archive, expected, name)
        if not weights:
            raise ProjectError(f"{name}: ensemble member {index + 1} has no weights "
                               f"({expected} is missing or empty)")
        members.append(EnsembleMember(seed, weights, None if accuracy is None
                                      else float(accuracy)))
    return members


def _read_data(data: Any, name: str) -> DataSource | None:
    if data is None:
        return None
    try:
        return DataSource.from_json(data)
    except DatasetError as error:
        raise ProjectError(f"{name}: {error}") from None


def _member(archive: zipfile.ZipFile, member: str, name: str, required: bool,
            limit: int) -> bytearray | None:
    """A member's bytes, read no further than ``limit`` whatever its header claims."""
    try:
        info = archive.getinfo(member)
    except KeyError:
        if required:
            raise ProjectError(f"{name}: {member} is missing") from None
        return None
    if info.file_size > limit:
        raise ProjectError(f"{name}: {member} is too large ({info.file_size} bytes; NN Studio "
                           f"reads up to {limit})")
    try:
        with archive.open(info) as stream:
            return read_limited(stream, limit, member)
    except InputFileError as error:
        raise ProjectError(f"{name}: {error}") from None
    except Exception as error:  # noqa: BLE001 - zlib, CRC, truncation: all mean "damaged"
        raise ProjectError(f"{name}: {member} is damaged ({error})") from None


def _read_json(archive: zipfile.ZipFile, member: str, name: str, required: bool) -> Any:
    raw = _member(archive, member, name, required, MAX_JSON_BYTES)
    if raw is None:
        return None
    try:
        return parse_json(raw)
    # ValueError covers bad UTF-8, bad JSON, deep nesting and integers too long to convert.
    except ValueError as error:
        raise ProjectError(f"{name}: {member} is not valid JSON ({error})") from None


def _read_weights(archive: zipfile.ZipFile, member: str, name: str
                  ) -> dict[str, dict[str, numpy.ndarray]]:
    raw = _member(archive, member, name, required=False,
                  limit=weights_archive.MAX_WEIGHTS_BYTES)
    if raw is None:
        return {}
    try:
        return weights_archive.read_weights_archive(io.BytesIO(raw))
    except weights_archive.WeightsArchiveError as error:
        raise ProjectError(f"{name}: {member} {error}") from None


def _read_checkpoints(archive: zipfile.ZipFile, listed: Any, name: str) -> list[Checkpoint]:
    """The timeline project.json lists, with its arrays from checkpoints.npz."""
    if not isinstance(listed, list) or not all(
            isinstance(c, dict) and isinstance(c.get("step"), int)
            and isinstance(c.get("epoch"), int | float) for c in listed):
        raise ProjectError(f"{name}: project.json has a malformed list of checkpoints")
    if not listed:
        return []
    arrays: dict[int, dict[str, dict[str, numpy.ndarray]]] = {}
    for key, params in _read_weights(archive, "checkpoints.npz", name).items():
        index, slash, node = key.partition("/")
        if not slash or not index.isdigit() or int(index) >= len(listed):
            raise ProjectError(f"{name}: checkpoints.npz holds an unusable array {key!r}")
        arrays.setdefault(int(index), {})[node] = params
    missing = [i for i in range(len(listed)) if i not in arrays]
    if missing:
        raise ProjectError(f"{name}: checkpoints.npz has no weights for checkpoint "
                           f"{missing[0] + 1} of {len(listed)}")
    return [Checkpoint(c["step"], float(c["epoch"]), arrays[i]) for i, c in enumerate(listed)]


def _plain(value: Any) -> Any:
    """History values as JSON types (NumPy floats become floats, NaN becomes null)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, numpy.generic):
        value = value.item()
    if isinstance(value, float) and not numpy.isfinite(value):
        return None
    return value
