"""The .nnstudio project file: a zip of project.json, weights.npz and history.json.

Saving writes a temporary file beside the target and renames it over the old one, so a
crash mid-save never leaves half a file. Loading trusts nothing: any damage, a newer format
or a pickled array gives a ProjectError with a clear message and changes nothing.
"""

from __future__ import annotations

import io
import json
import math
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy
from numpy.lib import format as npy_format

from nnstudio.atomic_write import write_atomic
from nnstudio.spec.network import NetworkSpec, SpecError
from nnstudio.spec.training import TrainingSpec, TrainingSpecError

FORMAT = "nnstudio.project"
FORMAT_VERSION = 1
MAX_MEMBER_BYTES = 2 * 1024**3  # refuse zip bombs and absurd sizes before reading


class ProjectError(Exception):
    """The project file cannot be read or written; the message says why."""


@dataclass
class Project:
    network: NetworkSpec
    training: TrainingSpec = field(default_factory=TrainingSpec)
    weights: dict[str, dict[str, numpy.ndarray]] | None = None
    history: dict[str, Any] = field(default_factory=dict)
    dataset: str | None = None
    layout: dict[str, Any] = field(default_factory=dict)


def save_project(path: str | os.PathLike[str], project: Project) -> None:
    """Write atomically (see nnstudio.atomic_write); a failure raises SaveError, an OSError
    naming ``path``, and leaves any old file as it was."""
    path = Path(path)
    meta = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "network": project.network.to_json(),
        "training": project.training.to_json(),
        "dataset": project.dataset or project.training.dataset,
        "layout": project.layout,
    }
    weights = io.BytesIO()
    flat = {f"{node}/{name}": numpy.asarray(array)
            for node, arrays in (project.weights or {}).items() for name, array in arrays.items()}
    unstorable = [key.rpartition("/")[0] for key in flat if not _storable_name(key)]
    if unstorable:
        raise ProjectError(f"{path.name}: the layer name {unstorable[0]!r} cannot be stored "
                           f"(a NUL character or an unpaired surrogate); rename the layer")
    numpy.savez(weights, **flat)

    def write(handle: IO[bytes]) -> None:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("project.json", json.dumps(meta, indent=2))
            archive.writestr("weights.npz", weights.getvalue())
            archive.writestr("history.json", json.dumps(_plain(project.history)))

    write_atomic(path, write)


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
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ProjectError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise ProjectError(f"{name}: is a folder, not a project file") from None
    except Exception as error:  # noqa: BLE001 - BadZipFile, OSError, ValueError, EOFError...
        raise ProjectError(f"{name}: not an NN Studio project (damaged or not a zip: "
                           f"{error})") from None
    try:
        with archive:
            return _read_project(archive, name)
    except ProjectError:
        raise
    except Exception as error:  # noqa: BLE001 - whatever else damage provokes: still "damaged"
        raise ProjectError(f"{name}: the project file is damaged ({type(error).__name__}: "
                           f"{error})") from None


def _read_project(archive: zipfile.ZipFile, name: str) -> Project:
    meta = _read_json(archive, "project.json", name, required=True)
    if not isinstance(meta, dict):
        raise ProjectError(f"{name}: project.json must hold an object")
    version = meta.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ProjectError(f"{name}: project.json has no valid format version")
    if version > FORMAT_VERSION:
        raise ProjectError(f"{name} was saved by a newer NN Studio (format {version}; this "
                           f"version reads up to {FORMAT_VERSION}); please update")
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
    weights = _read_weights(archive, name)
    return Project(network, training, weights, history, dataset, layout)


def _member(archive: zipfile.ZipFile, member: str, name: str, required: bool) -> bytes | None:
    try:
        info = archive.getinfo(member)
    except KeyError:
        if required:
            raise ProjectError(f"{name}: {member} is missing") from None
        return None
    if info.file_size > MAX_MEMBER_BYTES:
        raise ProjectError(f"{name}: {member} claims an impossible size ({info.file_size} bytes)")
    try:
        return archive.read(member)
    except Exception as error:  # noqa: BLE001 - zlib, CRC, truncation: all mean "damaged"
        raise ProjectError(f"{name}: {member} is damaged ({error})") from None


def _read_json(archive: zipfile.ZipFile, member: str, name: str, required: bool) -> Any:
    raw = _member(archive, member, name, required)
    if raw is None:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    # ValueError covers bad UTF-8, bad JSON and integers too long to convert.
    except (ValueError, RecursionError) as error:
        raise ProjectError(f"{name}: {member} is not valid JSON ({error})") from None


def _read_weights(archive: zipfile.ZipFile, name: str
                  ) -> dict[str, dict[str, numpy.ndarray]] | None:
    raw = _member(archive, "weights.npz", name, required=False)
    if raw is None:
        return None
    weights: dict[str, dict[str, numpy.ndarray]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as arrays:
            for info in arrays.infolist():
                # rpartition: a node id may contain '/', a parameter name never does.
                node, slash, param = info.filename.removesuffix(".npy").rpartition("/")
                if not slash or not param or not info.filename.endswith(".npy"):
                    raise ProjectError(f"{name}: weights.npz holds an unusable array "
                                       f"{info.filename!r}")
                with arrays.open(info) as member:
                    weights.setdefault(node, {})[param] = _read_npy(member, info, name)
    except ProjectError:
        raise
    except Exception as error:  # noqa: BLE001 - zip and header errors all mean "damaged"
        raise ProjectError(f"{name}: weights.npz is damaged ({error})") from None
    return weights or None


def _read_npy(member: IO[bytes], info: zipfile.ZipInfo, name: str) -> numpy.ndarray:
    """One .npy array of numbers, its header checked against its size before any allocation:
    never a pickled object, never a claimed shape larger than the data that is there."""
    key = info.filename
    version = npy_format.read_magic(member)
    if version == (1, 0):
        shape, fortran_order, dtype = npy_format.read_array_header_1_0(member)
    elif version == (2, 0):
        shape, fortran_order, dtype = npy_format.read_array_header_2_0(member)
    else:
        raise ProjectError(f"{name}: weights.npz: {key} has an unsupported version {version}")
    if dtype.hasobject or dtype.kind not in "fiu" or any(s < 0 for s in shape):
        raise ProjectError(f"{name}: weights.npz holds an unusable array {key!r} "
                           f"(type {dtype}, shape {shape})")
    size = math.prod(shape) * dtype.itemsize
    if size > info.file_size:
        raise ProjectError(f"{name}: weights.npz: {key} claims {size} bytes but holds "
                           f"{info.file_size}")
    data = member.read(size)
    if len(data) != size:
        raise ProjectError(f"{name}: weights.npz: {key} is cut short")
    array = numpy.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran_order
                                                         else "C")
    return array.copy(order="K")


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
