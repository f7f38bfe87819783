"""The course's side-by-side experiments: variants of one network trained on identical
batches, stored as JSON files in nnstudio/resources/comparisons/.

A comparison names its network (a preset, or a chain of ``layers`` on an ``input_shape``),
training settings shared by every variant, and the variants. A variant changes training
settings (``training``), swaps one layer type for another (``replace``: {"ReLU": "Sigmoid"})
or inserts a layer after each layer of a type (``insert_after``: {"ReLU": ["Dropout",
{"rate": 0.5}]}). Every variant keeps the comparison's seed, so each sees the same batches in
the same order; ``nnstudio.experiments.side_by_side`` also gives them the same starting weights
where the shapes and the initializer allow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from nnstudio.resources import resources_dir
from nnstudio.spec.network import NetworkSpec, SpecError
from nnstudio.spec.presets import Preset, json_names, load_preset
from nnstudio.spec.training import TrainingSpec

COMPARISONS_DIR = resources_dir() / "comparisons"
FORMAT = "nnstudio.comparison"


@dataclass
class Variant:
    label: str
    training: dict[str, Any] = field(default_factory=dict)
    replace: dict[str, str] = field(default_factory=dict)
    insert_after: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)


@dataclass
class Comparison(Preset):
    """A preset (its network and the settings every variant shares) with variants."""

    variants: list[Variant] = field(default_factory=list)


@dataclass
class VariantRun:
    """One variant ready to train: its label, network and settings."""

    label: str
    network: NetworkSpec
    training: TrainingSpec


def comparison_names() -> list[str]:
    return json_names(COMPARISONS_DIR)


def load_comparison(name: str) -> Comparison:
    path = comparison_path(name)
    if not path.exists():
        raise SpecError(f"no side-by-side experiment named {name!r}; there are: "
                        f"{', '.join(comparison_names())}")
    return parse_comparison(json.loads(path.read_text()), name)


def parse_comparison(data: Any, name: str) -> Comparison:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SpecError(f"{name}: not a side-by-side experiment (format {FORMAT!r})")
    if "preset" in data:
        preset = load_preset(data["preset"])
        network, training = preset.network, preset.training
    else:
        layers = [(str(t), dict(p)) for t, p in data.get("layers", [])]
        network = NetworkSpec.sequential(layers, name, data.get("input_shape"))
        training = TrainingSpec()
    training = _changed(training, data.get("training", {}), name)
    variants = [Variant(str(v["label"]), dict(v.get("training", {})),
                        dict(v.get("replace", {})),
                        {k: (str(t), dict(p)) for k, (t, p) in v.get("insert_after", {}).items()})
                for v in data.get("variants", [])]
    if len(variants) < 2:
        raise SpecError(f"{name}: a side-by-side experiment needs two variants or more")
    network = network.copy()
    network.name = name
    return Comparison(name, str(data.get("title", name)), str(data.get("description", "")),
                      network, training, variants)


def variant_runs(comparison: Comparison) -> list[VariantRun]:
    """Each variant's network and settings; the shared seed is the comparison's."""
    runs = []
    for variant in comparison.variants:
        training = _changed(comparison.training, variant.training, comparison.name)
        training = replace(training, seed=comparison.training.seed)
        network = _edited(comparison.network, variant)
        problems = network.analyze().problems
        if problems:
            raise SpecError(f"{comparison.name}: variant {variant.label!r} makes an invalid "
                            f"network: {problems[0]}")
        runs.append(VariantRun(variant.label, network, training))
    return runs


def _changed(training: TrainingSpec, changes: dict[str, Any], name: str) -> TrainingSpec:
    try:
        return TrainingSpec.from_json({**training.to_json(), **changes})
    except ValueError as error:
        raise SpecError(f"{name}: {error}") from None


def _edited(network: NetworkSpec, variant: Variant) -> NetworkSpec:
    """The chain rebuilt with the variant's layer swaps and insertions (ids follow the
    types, so the layers both keep have the same names: dense1, dense2, ...)."""
    if not variant.replace and not variant.insert_after:
        return network.copy()
    order = network.analyze().order
    nodes = [network.node(node_id) for node_id in order]
    layers: list[tuple[str, dict[str, Any]]] = []
    for node in nodes[1:]:
        layers.append((variant.replace.get(node.type, node.type), dict(node.params)))
        if node.type in variant.insert_after:
            layers.append(variant.insert_after[node.type])
    input_shape = list(nodes[0].params.get("shape", []))
    edited = NetworkSpec.sequential(layers, network.name, input_shape)
    edited.description = network.description
    return edited


def comparison_path(name: str) -> Path:
    return COMPARISONS_DIR / f"{name}.json"
