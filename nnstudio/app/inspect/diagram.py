"""The Network diagram tab: a small dense network drawn live, for an input you type in."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from nnstudio.app import theme
from nnstudio.app.inspect.backprop_steps import COURSE_EXAMPLES
from nnstudio.app.inspect.dense_chain import (
    DenseChain,
    NotDrawable,
    column_values,
    dense_chain,
    explain,
    plane_grid,
    unit_maps,
)
from nnstudio.app.inspect.diagram_scene import DiagramScene, DiagramView
from nnstudio.app.inspect.input_editor import RowPicker, VectorEditor, sample_rows
from nnstudio.app.inspect.inspection_source import InspectionSource
from nnstudio.app.inspect.refresh import RefreshWhenVisible
from nnstudio.app.inspect.samples import TestSamples
from nnstudio.data.datasets import DATASETS
from nnstudio.data.errors import DatasetError

LEGEND = ("Edge thickness: |weight|; blue positive, red negative. Neuron colour and the "
          "number above it: its output for this input (blue positive, orange negative); for "
          "2-D toy sets each neuron shows its output over the whole input plane. + and - "
          "add or remove a unit of a hidden layer. Hover a neuron or an edge for all its "
          "numbers.")
MAX_LABELLED_EDGES = 16
HEATMAP_GRID = 24  # points a side of each neuron's picture of the input plane


def default_input(chain: DenseChain, spec_name: str,
                  rows: list[tuple[str, np.ndarray, float]]) -> np.ndarray:
    """The course's sample for its worked example, else the first truth-table row, else 0."""
    example = COURSE_EXAMPLES.get(spec_name)
    if example is not None and len(example.inputs) == chain.input_size:
        return np.array(example.inputs)
    if rows and len(rows[0][1]) == chain.input_size:
        return rows[0][1]
    return np.zeros(chain.input_size)


class NetworkDiagram(QWidget):
    """The diagram; for 2-D toy sets each neuron shows its output over the input plane, and
    ``units_requested(dense layer, +1 or -1)`` asks for a unit more or fewer in a hidden layer
    (the window makes it an undoable edit of the network)."""

    units_requested = Signal(str, int)

    def __init__(self, source: InspectionSource, samples: TestSamples,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.samples = samples
        self.chain: DenseChain | None = None
        self._network_key: tuple | None = None
        self.header = QLabel()
        self.header.setStyleSheet(f"color: {theme.MUTED_TEXT};")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("diagram_message")
        self.message.setStyleSheet(f"color: {theme.TEXT_COLOR}; font-size: 11pt; padding: 24px;")
        self.message.setMaximumWidth(640)
        self.inputs = VectorEditor()
        self.rows = RowPicker()
        self.rows.setToolTip("Fill the inputs with a row of the dataset")
        self.scene = DiagramScene(self)
        self.scene.on_units = self.units_requested.emit
        self.view = DiagramView(self.scene)
        self.legend = QLabel(LEGEND)
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet(f"color: {theme.MUTED_TEXT};")

        controls = QHBoxLayout()
        self.input_label = QLabel("Input")
        controls.addWidget(self.input_label)
        controls.addWidget(self.inputs)
        controls.addWidget(self.rows)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.header)
        layout.addLayout(controls)
        layout.addWidget(self.message, 1, Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.legend)

        self.refresher = RefreshWhenVisible(self, self.refresh)
        self.inputs.changed.connect(self._on_input_edited)
        self.rows.row_chosen.connect(self._on_row_chosen)
        source.changed.connect(self.refresher.request)
        self.refresher.request()

    @Slot()
    def _on_input_edited(self) -> None:
        self.rows.match(self.inputs.values())
        self.refresher.request()

    @Slot(object, float)
    def _on_row_chosen(self, x: np.ndarray, label: float) -> None:
        self.inputs.set_values(x)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        for widget in (self.view, self.legend, self.inputs, self.rows, self.input_label):
            widget.setVisible(not text)

    def refresh(self) -> None:
        viewer = self.source.viewer
        self.header.setText(self.source.description())
        if viewer is None:
            self.chain = None
            self._show_message(self.source.problem)
            return
        try:
            chain = dense_chain(viewer.spec)
        except NotDrawable as reason:
            self.chain = None
            self._show_message(explain(reason))
            return
        self._show_message("")
        key = (viewer.spec.name, chain)
        if key != self._network_key:
            self._network_key = key
            rows = self._rows(chain)
            self.rows.set_rows(rows)
            names = [chain.neuron_name(0, i) for i in range(chain.input_size)]
            self.inputs.blockSignals(True)
            self.inputs.set_names(names, default_input(chain, viewer.spec.name, rows))
            self.inputs.blockSignals(False)
            self.rows.match(self.inputs.values())
        self.chain = chain
        self.scene.set_chain(chain)
        self.view.fit()
        self.scene.show_weights(viewer.weights())
        outputs, nets = column_values(chain, viewer.activations(self.inputs.values()))
        self.scene.show_values(outputs, nets)
        # Small networks carry their numbers on the drawing; bigger ones in tooltips.
        neurons = {(c, i): f"{v:.3f}" for c, column in enumerate(outputs)
                   for i, v in enumerate(column)}
        edges = {key: f"{w:.2f}" for key, w in self.scene.weights.items()} \
            if len(self.scene.edges) <= MAX_LABELLED_EDGES else {}
        self.scene.set_labels(neurons, edges)
        self.scene.show_heatmaps(self._unit_maps(viewer, chain))
        editable = self.source.context is None and not self.source.saved_origin
        for button in self.scene.unit_buttons.values():
            button.setVisible(editable)  # the buttons edit the document's network

    def _unit_maps(self, viewer, chain: DenseChain) -> dict | None:  # noqa: ANN001
        """Each neuron's output over the plane of a 2-D toy set; None for other data."""
        info = DATASETS.get(self.source.dataset_name)
        if info is None or info.kind != "toy" or info.input_shape != (2,):
            return None
        try:
            data = self.samples.dataset(info.name)
        except DatasetError:
            return None
        grid = plane_grid(np.concatenate([data.x_train, data.x_test]), HEATMAP_GRID)
        x = viewer.network_input(grid)
        if x.shape[1] != chain.input_size:
            return None
        return unit_maps(chain, viewer.activations(x), HEATMAP_GRID)

    def _rows(self, chain: DenseChain) -> list[tuple[str, np.ndarray, float]]:
        try:
            rows = sample_rows(self.samples.dataset(self.source.dataset_name))
        except DatasetError:
            return []
        return [row for row in rows if len(row[1]) == chain.input_size]
