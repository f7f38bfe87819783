"""The toy sets' sliders in the training panel, as TensorFlow Playground has them: the number
of points, their noise and the share kept for testing. Shown only for a toy set; each slider
shows the value the run will use (the set's own until the person moves it) and says what it
does on hover, from the table of training settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QWidget,
)

from nnstudio.app.builder.edited_network import EditedNetwork
from nnstudio.data.datasets import DATASETS
from nnstudio.data.errors import DatasetError
from nnstudio.data.features import FEATURES, PLAIN, features_text, parse_features
from nnstudio.data.toy import is_truth_table_only, toy_defaults
from nnstudio.spec.training import TrainingSpec
from nnstudio.spec.training_settings import setting


@dataclass(frozen=True)
class SliderScale:
    """A setting on an integer slider: value = position * step, within [low, high]."""

    name: str
    low: int
    high: int
    step: float
    text: Callable[[float], str]

    def value(self, position: int) -> float | int:
        value = position * self.step
        return int(round(value)) if isinstance(self.step, int) else round(value, 6)

    def position(self, value: float) -> int:
        return max(self.low, min(self.high, int(round(value / self.step))))


SCALES = (
    SliderScale("toy_samples", 2, 200, 10, lambda v: f"{int(v):,}"),
    SliderScale("toy_noise", 0, 50, 0.01, lambda v: f"{v:.2f}"),
    SliderScale("toy_test_ratio", 1, 9, 0.1, lambda v: f"{100 * v:.0f}%"),
)


def is_toy(dataset: str) -> bool:
    info = DATASETS.get(dataset)
    return info is not None and info.kind == "toy"


def effective(training: TrainingSpec) -> dict[str, float]:
    """The points, noise and test share a run of ``training`` uses on its toy set."""
    own = toy_defaults(training.dataset)
    samples = training.toy_samples or own["n_samples"] or 4
    noise = training.toy_noise if training.toy_noise >= 0 else own["noise"]
    return {"toy_samples": samples, "toy_noise": float(noise),
            "toy_test_ratio": training.toy_test_ratio}


def input_follows_features(document: EditedNetwork, before: TrainingSpec,
                           after: TrainingSpec) -> None:
    """When the input features change, the Input layer that took one value per feature
    takes the new number (an undoable edit, as Playground's network follows its features)."""
    if before.features == after.features or not is_toy(after.dataset):
        return
    try:
        old, new = len(parse_features(before.features)), len(parse_features(after.features))
    except DatasetError:
        return
    inputs = [node for node in document.spec.nodes if node.type == "Input"]
    if len(inputs) == 1 and inputs[0].params.get("shape") == [old]:
        document.set_param(inputs[0].id, "shape", [new])


class ToySettings(QGroupBox):
    """The sliders; ``on_edit(name, value)`` is called when the person moves one."""

    def __init__(self, on_edit: Callable[[str, object], None],
                 parent: QWidget | None = None) -> None:
        super().__init__("Toy data", parent)
        self.on_edit = on_edit
        self.sliders: dict[str, QSlider] = {}
        self.values: dict[str, QLabel] = {}
        self._quiet = False
        form = QFormLayout(self)
        for scale in SCALES:
            entry = setting(scale.name)
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(scale.low, scale.high)
            slider.setToolTip(entry.help)
            slider.valueChanged.connect(lambda pos, s=scale: self._moved(s, pos))
            shown = QLabel()
            shown.setMinimumWidth(QLabel("00,000").sizeHint().width())
            shown.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            row = QHBoxLayout()
            row.addWidget(slider, 1)
            row.addWidget(shown)
            label = QLabel(entry.label)
            label.setToolTip(entry.help)
            form.addRow(label, row)
            self.sliders[scale.name], self.values[scale.name] = slider, shown
        self.features: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for index, name in enumerate(FEATURES):
            box = QCheckBox(name)
            box.setToolTip(setting("features").help)
            box.toggled.connect(self._features_toggled)
            grid.addWidget(box, index // 4, index % 4)
            self.features[name] = box
        self.features_label = QLabel(setting("features").label)
        self.features_label.setToolTip(setting("features").help)
        form.addRow(self.features_label)  # the boxes on a row of their own: the dock is narrow
        self.features_row = QWidget()
        self.features_row.setToolTip(setting("features").help)
        self.features_row.setLayout(grid)
        form.addRow(self.features_row)
        self.note = QLabel()
        self.note.setObjectName("help")
        self.note.setWordWrap(True)
        form.addRow(self.note)

    def show_training(self, training: TrainingSpec) -> None:
        """Show (or hide, for a set that is not a toy) what ``training`` uses."""
        self.setVisible(is_toy(training.dataset))
        if not is_toy(training.dataset):
            return
        values = effective(training)
        table_only = is_truth_table_only(training.dataset)
        self._quiet = True
        try:
            for scale in SCALES:
                self.sliders[scale.name].setValue(scale.position(values[scale.name]))
                self.values[scale.name].setText(scale.text(values[scale.name]))
                self.sliders[scale.name].setEnabled(not table_only)
        finally:
            self._quiet = False
        points_2d = DATASETS[training.dataset].input_shape == (2,) and not table_only
        try:
            chosen = parse_features(training.features)
        except DatasetError:
            chosen = PLAIN
        self._quiet = True
        for name, box in self.features.items():
            box.setChecked(name in chosen)
        self._quiet = False
        self.features_label.setVisible(points_2d)
        self.features_row.setVisible(points_2d)
        truth_table = table_only or (training.dataset == "xor" and not training.toy_samples)
        self.note.setText("The 4-row truth table: train and test are the same four points."
                          + ("" if table_only else " Move Points for quadrant XOR.")
                          if truth_table else "")
        self.note.setVisible(truth_table)

    def _features_toggled(self) -> None:
        if self._quiet:
            return
        chosen = tuple(name for name, box in self.features.items() if box.isChecked())
        if not chosen:  # the network needs at least one input: keep this one
            self._quiet = True
            self.sender().setChecked(True)
            self._quiet = False
            return
        self.on_edit("features", features_text(chosen))

    def _moved(self, scale: SliderScale, position: int) -> None:
        value = scale.value(position)
        self.values[scale.name].setText(scale.text(value))
        if not self._quiet:
            self.on_edit(scale.name, value)
