"""Open what a person names on the command line: a preset, a JSON file, a project or ONNX."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnstudio.file_input import InputFileError, parse_json, read_file_limited
from nnstudio.project import MAX_JSON_BYTES
from nnstudio.spec.network import NetworkSpec, SpecError
from nnstudio.spec.presets import load_preset, parse_preset, preset_names
from nnstudio.spec.training import TrainingSpec, TrainingSpecError

# The graph names exporters write whatever the model: an imported network takes the file's.
EXPORTERS_GRAPH_NAMES = ("main_graph", "torch_jit", "torch-jit-export", "imported", "")


@dataclass
class Opened:
    name: str
    network: NetworkSpec
    training: TrainingSpec
    weights: dict[str, dict[str, Any]] | None = None
    history: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None


def open_source(source: str) -> Opened:
    """A preset name, a .json (preset, network or document), a .nnstudio project or a .onnx
    model (its network and weights, with default training settings).

    Raises SpecError with a message fit for a person when it cannot be read.
    """
    path = Path(source)
    if not path.exists():
        if source in preset_names():
            preset = load_preset(source)
            return Opened(source, preset.network, preset.training)
        raise SpecError(f"{source}: no such file or preset (presets: {', '.join(preset_names())})")
    if path.suffix == ".nnstudio":
        from nnstudio.project import load_project

        project = load_project(path)
        return Opened(path.stem, project.network, project.training, project.weights,
                      project.history, path)
    if path.suffix.lower() == ".onnx":
        return open_onnx(path)
    try:
        data = parse_json(read_file_limited(path, MAX_JSON_BYTES))
    except InputFileError as error:
        raise SpecError(f"{path.name}: {error.reason}") from None
    except ValueError as error:
        raise SpecError(f"{path.name}: cannot read it as JSON ({error})") from None
    try:
        if isinstance(data, dict) and "network" in data:
            preset = parse_preset(data, path.stem)
            return Opened(path.stem, preset.network, preset.training, path=path)
        return Opened(path.stem, NetworkSpec.from_json(data), TrainingSpec(), path=path)
    except (SpecError, TrainingSpecError) as error:
        raise SpecError(f"{path.name}: {error}") from None


def open_onnx(path: Path) -> Opened:
    """An ONNX model's network and weights, with default training settings."""
    from nnstudio.export import ExportError, import_onnx

    try:
        network, weights = import_onnx(path)
    except ExportError as error:  # it names the file
        raise SpecError(str(error)) from None
    if network.name in EXPORTERS_GRAPH_NAMES:  # say "lenet", not PyTorch's "main_graph"
        network.name = path.stem
    return Opened(path.stem, network, TrainingSpec(), weights, path=path)
