"""The .nnstudio project file: a zip of project.json, weights.npz and history.json.

Saving writes a temporary file beside the target and renames it over the old one, so a
crash mid-save never leaves half a file. Loading trusts nothing: any damage, a newer format
or a pickled array gives a ProjectError with a clear message and changes nothing.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy

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
    """Write atomically: a temporary file in the same folder, then a rename over ``path``."""
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
    numpy.savez(weights, **flat)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("project.json", json.dumps(meta, indent=2))
                archive.writestr("weights.npz", weights.getvalue())
                archive.writestr("history.json", json.dumps(_plain(project.history)))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_project(path: str | os.PathLike[str]) -> Project:
    path = Path(path)
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ProjectError(f"{name}: no such file") from None
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ProjectError(f"{name}: not an NN Studio project (damaged or not a zip: "
                           f"{error})") from None
    with archive:
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
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ProjectError(f"{name}: {member} is not valid JSON ({error})") from None


def _read_weights(archive: zipfile.ZipFile,
                  name: str) -> dict[str, dict[str, numpy.ndarray]] | None:
    raw = _member(archive, "weights.npz", name, required=False)
    if raw is None:
        return None
    weights: dict[str, dict[str, numpy.ndarray]] = {}
    try:
        with numpy.load(io.BytesIO(raw), allow_pickle=False) as arrays:
            for key in arrays.files:
                node, _, param = key.partition("/")
                array = arrays[key]
                if array.dtype.kind not in "fiu" or not param:
                    raise ProjectError(f"{name}: weights.npz holds an unusable array {key!r}")
                weights.setdefault(node, {})[param] = array
    except ProjectError:
        raise
    except Exception as error:  # noqa: BLE001 - numpy raises many kinds for damaged npz
        raise ProjectError(f"{name}: weights.npz is damaged or unsafe ({error})") from None
    return weights or None


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
