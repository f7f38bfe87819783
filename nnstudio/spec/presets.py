"""Ready-made networks, stored as JSON files in nnstudio/resources/presets/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from nnstudio.resources import resources_dir
from nnstudio.spec.network import NetworkSpec, SpecError
from nnstudio.spec.training import TrainingSpec

PRESETS_DIR = resources_dir() / "presets"  # also right inside the packaged (frozen) app
DEFAULT_PRESET = "mlp-784-100-10"


@dataclass
class Preset:
    name: str
    title: str
    description: str
    network: NetworkSpec
    training: TrainingSpec


def json_names(folder: Path) -> list[str]:
    """The names of the JSON files in a resource folder, sorted."""
    return sorted(p.stem for p in folder.glob("*.json"))


def preset_names() -> list[str]:
    return json_names(PRESETS_DIR)


def preset_path(name: str) -> Path:
    return PRESETS_DIR / f"{name}.json"


def parse_preset(data: dict, name: str) -> Preset:
    if not isinstance(data, dict) or "network" not in data:
        raise SpecError(f"{name}: a preset needs a 'network'")
    network = NetworkSpec.from_json(data["network"])
    training = TrainingSpec.from_json(data.get("training", {}))
    return Preset(name, data.get("title", name), data.get("description", ""), network, training)


def load_preset(name: str) -> Preset:
    path = preset_path(name)
    if not path.exists():
        raise SpecError(f"no preset named {name!r}; presets: {', '.join(preset_names())}")
    return parse_preset(json.loads(path.read_text()), name)
