"""What sets runs apart when they are compared: the training settings whose values differ
among them, in short words ("lr 0.003 · sgd"), and the dataset each ran on. No Qt here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from nnstudio.spec.training import TrainingSpec
from nnstudio.spec.training_settings import SETTINGS, TRAINING_SETTINGS

# Settings that do not change what a run learns, or that have their own column.
NOT_COMPARED = frozenset({"dataset", "data_dir", "backend"})
SHORT_NAMES = {"lr": "lr", "batch_size": "batch", "batch_mode": "batches",
               "validation_split": "validation", "early_stopping": "early stop",
               "schedule_step": "step", "schedule_gamma": "gamma", "init_scale": "init scale",
               "sort_by_class": "sorted", "shuffle": "shuffle", "augment": "augment"}


def differing_settings(trainings: Sequence[TrainingSpec | None]) -> list[str]:
    """The names of the settings, in the table's order, whose values are not all the same
    among the known ``trainings`` (None: a run whose settings were not kept)."""
    known = [asdict(training) for training in trainings if training is not None]
    if len(known) < 2:
        return []
    return [s.name for s in TRAINING_SETTINGS if s.name not in NOT_COMPARED
            and len({repr(values.get(s.name)) for values in known}) > 1]


def setting_words(training: TrainingSpec, names: Sequence[str]) -> str:
    """``training``'s values of the settings ``names``: "sgd · lr 0.003 · batch 16"."""
    words = []
    values = asdict(training)
    for name in names:
        value = values.get(name)
        short = SHORT_NAMES.get(name, SETTINGS[name].label.lower() if name in SETTINGS
                                else name)
        if isinstance(value, bool):
            words.append(short if value else f"no {short}")
        elif name in ("optimizer", "loss", "schedule", "init"):
            words.append(str(value).replace("_", " "))
        elif isinstance(value, float):
            words.append(f"{short} {value:g}")
        else:
            words.append(f"{short} {value}")
    return " · ".join(words)


def dataset_label(training: TrainingSpec | None) -> str:
    return training.dataset if training is not None else "?"
