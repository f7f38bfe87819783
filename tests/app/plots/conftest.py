"""Fixtures for the dashboard tests: real short training runs, recorded once per session
without threads, and a dashboard that is stopped at the end of each test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass, replace  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nnstudio.data.dataset import Dataset  # noqa: E402
from nnstudio.data.datasets import load_dataset  # noqa: E402
from nnstudio.engine.events import (  # noqa: E402
    BatchEnd,
    Diverged,
    EpochEnd,
    Finished,
    Snapshot,
)
from nnstudio.running.inspection_copy import InspectionCopy, RunContext  # noqa: E402
from nnstudio.running.session import create_session  # noqa: E402
from nnstudio.spec.network import NetworkSpec  # noqa: E402
from nnstudio.spec.presets import load_preset  # noqa: E402
from nnstudio.spec.training import TrainingSpec  # noqa: E402


@dataclass
class RecordedRun:
    """One real training run's events, and what a RunContext needs."""

    spec: NetworkSpec
    training: TrainingSpec
    dataset: Dataset
    input_shape: tuple[int, ...]
    x_val: np.ndarray
    y_val: np.ndarray
    events: list[Any]

    def context(self, run_id: int = 1, label: str = "run 1") -> RunContext:
        return RunContext(run_id, label, self.spec, self.training, self.dataset,
                          self.input_shape, self.x_val, self.y_val, list(self.dataset.classes))

    def viewer(self) -> InspectionCopy:
        return InspectionCopy(self.spec, self.training)

    def of_type(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]


def record_run(spec: NetworkSpec, training: TrainingSpec, dataset: Dataset) -> RecordedRun:
    session = create_session(spec, training, dataset=dataset, snapshot_seconds=0.0)
    # (Asking for validation outputs of a run without validation samples trips the trainer.)
    session.trainer.config.keep_val_outputs = session.trainer.x_val is not None
    session.trainer.config.snapshot_seconds = 1e-9  # a snapshot after every batch
    events = list(session.trainer.run())
    x_val, y_val = session.trainer.x_val, session.trainer.y_val
    if x_val is None:  # the trainer keeps None; the views get empty arrays
        x_val = np.zeros((0, *session.input_shape), dtype=np.float32)
        y_val = np.zeros(0, dtype=np.int64)
    return RecordedRun(spec, training, dataset, session.input_shape, np.asarray(x_val),
                       np.asarray(y_val), events)


def feed(dashboard: Any, events: list[Any], viewer: InspectionCopy) -> None:
    """Hand events to the dashboard's slots as the training controller does (snapshot
    weights go into the viewer first)."""
    for event in events:
        if isinstance(event, BatchEnd):
            dashboard.on_batch(event)
        elif isinstance(event, Snapshot):
            viewer.load_weights(event.weights)
            dashboard.on_snapshot(event)
        elif isinstance(event, EpochEnd):
            dashboard.on_epoch(event)
        elif isinstance(event, Finished):
            dashboard.on_finished(event)
        elif isinstance(event, Diverged):
            dashboard.on_diverged(event)


def run_through(dashboard: Any, run: RecordedRun, run_id: int = 1,
                label: str = "run 1") -> InspectionCopy:
    """Start ``run`` on the dashboard, feed all its events and redraw."""
    viewer = run.viewer()
    dashboard.start_run(run.context(run_id, label), viewer)
    feed(dashboard, run.events, viewer)
    dashboard.refresh()
    return viewer


@pytest.fixture(scope="session")
def mnist_small() -> Dataset:
    full = load_dataset("mnist-subset")
    return Dataset("mnist-small", full.x_train[:2000], full.y_train[:2000], full.x_test[:500],
                   full.y_test[:500], list(full.classes))


@pytest.fixture(scope="session")
def cnn_run(mnist_small: Dataset) -> RecordedRun:
    preset = load_preset("small-cnn")
    # A constant learning rate, so the plotted rate can be checked against the setting.
    training = replace(preset.training, epochs=2, schedule="constant")
    return record_run(preset.network, training, mnist_small)


def circles_spec() -> NetworkSpec:
    return NetworkSpec.sequential([("Dense", {"units": 8}), ("Tanh", {}),
                                   ("Dense", {"units": 1}), ("Sigmoid", {})], input_shape=[2])


@pytest.fixture(scope="session")
def circles_run() -> RecordedRun:
    training = TrainingSpec(dataset="circles", loss="binary_cross_entropy", optimizer="adam",
                            lr=0.03, epochs=40, batch_size=32)
    return record_run(circles_spec(), training, load_dataset("circles"))


@pytest.fixture
def dashboard(qtbot) -> Iterator[Any]:  # noqa: ANN001 - pytest-qt's fixture
    from nnstudio.app.plots.dashboard import Dashboard

    board = Dashboard()
    for widget in board.views().values():
        qtbot.addWidget(widget)
    yield board
    board.stop()
