"""Shared pieces for the inspection tests: a viewer source on a preset, and screenshots
saved for a person to look at when NNSTUDIO_SHOTS names a folder."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QWidget

from nnstudio.app.inspect.inspection_source import InspectionSource
from nnstudio.data.dataset import Dataset
from nnstudio.data.datasets import load_dataset
from nnstudio.running.inspection_copy import InspectionCopy, RunContext
from nnstudio.spec.presets import load_preset


@cache
def dataset(name: str) -> Dataset:
    return load_dataset(name)


def start_run(source: InspectionSource, viewer: InspectionCopy, run_id: int = 1) -> RunContext:
    """What a run's start tells the views, without a worker thread: its context, then its
    viewer (as TrainingController.run_started and viewer_changed do)."""
    data = dataset(viewer.training.dataset)
    context = RunContext(run_id, f"run {run_id}", viewer.spec, viewer.training, data,
                         viewer.input_shape, np.zeros((0, *viewer.input_shape)), np.zeros(0),
                         list(data.classes))
    source.set_run(context, viewer)
    return context


@pytest.fixture
def source_for(qtbot):  # noqa: ANN001, ANN201 - qtbot is pytest-qt's
    """``source_for("lenet5")``: a InspectionSource showing that preset's starting weights."""
    sources: list[InspectionSource] = []

    def make(name: str) -> InspectionSource:
        preset = load_preset(name)
        source = InspectionSource()
        source.set_document_network(preset.network, preset.training)
        sources.append(source)
        return source

    yield make
    for source in sources:
        source.deleteLater()


def save_shot(widget: QWidget, name: str) -> None:
    """Save ``widget`` as inspect_<name>.png under $NNSTUDIO_SHOTS (when set)."""
    folder = os.environ.get("NNSTUDIO_SHOTS")
    image = widget.grab()
    assert not image.isNull()
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        image.save(str(Path(folder) / f"inspect_{name}.png"))
