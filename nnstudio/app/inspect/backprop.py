"""Backpropagation step by step: one sample, five phases, one click at a time, shown on the
diagram and in a table of numbers."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app import theme
from nnstudio.app.inspect.backprop_steps import (
    COURSE_EXAMPLES,
    PHASES,
    BackpropTrace,
    backprop_trace,
    target_vector,
)
from nnstudio.app.inspect.backprop_text import phase_labels, phase_rows
from nnstudio.app.inspect.dense_chain import DenseChain, NotDrawable, dense_chain, explain
from nnstudio.app.inspect.diagram import default_input
from nnstudio.app.inspect.diagram_scene import DiagramScene, DiagramView
from nnstudio.app.inspect.input_editor import RowPicker, VectorEditor, sample_rows
from nnstudio.app.inspect.inspection_source import InspectionSource
from nnstudio.app.inspect.refresh import RefreshWhenVisible
from nnstudio.app.inspect.samples import TestSamples
from nnstudio.data.errors import DatasetError


def default_target(chain: DenseChain, spec_name: str, x: np.ndarray,
                   rows: list[tuple[str, np.ndarray, float]]) -> np.ndarray:
    width = chain.columns[-1].units
    example = COURSE_EXAMPLES.get(spec_name)
    if example is not None and len(example.targets) == width:
        return np.array(example.targets)
    for _, row_x, label in rows:
        if np.allclose(row_x, x):
            return target_vector(label, width)
    return np.zeros(width)


class BackpropStepper(QWidget):
    def __init__(self, source: InspectionSource, samples: TestSamples,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.samples = samples
        self.phase = 0
        self.trace: BackpropTrace | None = None
        self._network_key: tuple | None = None

        self.header = QLabel()
        self.header.setStyleSheet(theme.text_style())
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setMaximumWidth(640)
        self.message.setStyleSheet("color: #1f2933; font-size: 11pt; padding: 24px;")
        self.inputs = VectorEditor()
        self.targets = VectorEditor()
        self.rows = RowPicker()
        self.rows.setToolTip("Fill input and target with a row of the dataset")
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(4)
        self.lr.setRange(0.0001, 100.0)
        self.lr.setSingleStep(0.1)
        self.lr.setKeyboardTracking(False)
        self.lr.setMaximumWidth(110)
        self.lr.setToolTip("The learning rate η of the update w ← w − η ∂E/∂w")
        self.back_button = QPushButton("◀  Back")
        self.next_button = QPushButton("Next  ▶")
        self.next_button.setDefault(True)
        self.phase_title = QLabel()
        self.phase_title.setObjectName("phase_title")
        title_font = QFont(self.phase_title.font())
        title_font.setPointSizeF(title_font.pointSizeF() + 2)
        title_font.setBold(True)
        self.phase_title.setFont(title_font)
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setStyleSheet(theme.text_style("error_text", "font-weight: 600;"))
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setStyleSheet(theme.text_style())
        self.scene = DiagramScene(self)
        self.view = DiagramView(self.scene)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Quantity", "Value", "How it is computed"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self._sized = False
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self._build_layout()

        self.refresher = RefreshWhenVisible(self, self.refresh)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.inputs.changed.connect(self._on_edited)
        self.targets.changed.connect(self._on_edited)
        self.lr.valueChanged.connect(self._on_edited)
        self.rows.row_chosen.connect(self._on_row_chosen)
        source.changed.connect(self.refresher.request)
        self.refresher.request()

    def _build_layout(self) -> None:
        sample = QGridLayout()
        sample.setHorizontalSpacing(8)
        sample.addWidget(QLabel("Input"), 0, 0)
        sample.addWidget(self.inputs, 0, 1)
        sample.addWidget(QLabel("Target"), 0, 2)
        sample.addWidget(self.targets, 0, 3)
        sample.addWidget(QLabel("Learning rate η"), 1, 0)
        sample.addWidget(self.lr, 1, 1, Qt.AlignmentFlag.AlignLeft)
        sample.addWidget(self.rows, 1, 2, 1, 2, Qt.AlignmentFlag.AlignLeft)
        sample.setColumnStretch(4, 1)
        stepper = QHBoxLayout()
        stepper.addWidget(self.back_button)
        stepper.addWidget(self.next_button)
        stepper.addSpacing(12)
        stepper.addWidget(self.phase_title)
        stepper.addStretch(1)
        stepper.addWidget(self.error_label)
        self.controls = QWidget()
        controls = QVBoxLayout(self.controls)
        controls.setContentsMargins(0, 0, 0, 0)
        controls.addLayout(sample)
        controls.addLayout(stepper)
        controls.addWidget(self.explanation)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.table)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.header)
        layout.addWidget(self.controls)
        layout.addWidget(self.message, 1, Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.splitter, 1)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._sized:  # the diagram gets most of the height, the table the rest
            self._sized = True
            total = max(self.splitter.height(), 400)
            self.splitter.setSizes([int(total * 0.58), int(total * 0.42)])

    # -- stepping -------------------------------------------------------------------------
    @Slot()
    def next(self) -> None:
        self.set_phase(self.phase + 1)

    @Slot()
    def back(self) -> None:
        self.set_phase(self.phase - 1)

    def set_phase(self, phase: int) -> None:
        self.phase = max(0, min(phase, len(PHASES) - 1))
        self._show_phase()

    # -- edits ----------------------------------------------------------------------------
    @Slot()
    def _on_edited(self) -> None:
        self.rows.match(self.inputs.values())
        self.refresh()

    @Slot(object, float)
    def _on_row_chosen(self, x: np.ndarray, label: float) -> None:
        self.targets.blockSignals(True)
        self.targets.set_values(target_vector(label, len(self.targets.boxes)))
        self.targets.blockSignals(False)
        self.inputs.set_values(x)

    # -- computing and showing ------------------------------------------------------------
    def refresh(self) -> None:
        viewer = self.source.viewer
        self.header.setText(self.source.description())
        self.trace = None
        if viewer is None:
            self._show_message(self.source.problem)
            return
        try:
            chain = dense_chain(viewer.spec)
        except NotDrawable as reason:
            self._show_message(explain(reason))
            return
        self._show_message("")
        self._reset_sample(chain, viewer.spec.name)
        weights = viewer.weights() if self.source.trained else None
        self.trace = backprop_trace(viewer.spec, self.source.training, self.inputs.values(),
                                    self.targets.values(), self.lr.value(), weights)
        self.scene.set_chain(chain)
        self.view.fit()
        self.scene.show_weights({c.dense: {"W": self._weights_of(layer),
                                           "b": self._biases_of(layer + 1)}
                                 for layer, c in enumerate(chain.columns)})
        outputs = [np.array([n.out for n in column]) for column in self.trace.neurons]
        nets = [np.array([n.net for n in column]) for column in self.trace.neurons]
        self.scene.show_values(outputs, nets)
        self._show_phase()

    def _weights_of(self, layer: int) -> np.ndarray:
        """The weights before the step, from the trace (the numbers the table shows)."""
        trace = self.trace
        sizes = trace.chain.sizes
        w = np.zeros((sizes[layer], sizes[layer + 1]))
        for e in trace.edges:
            if e.layer == layer:
                w[e.source, e.target] = e.weight
        return w

    def _biases_of(self, column: int) -> np.ndarray:
        return np.array([n.bias if n.bias is not None else 0.0
                         for n in self.trace.neurons[column]])

    def _reset_sample(self, chain: DenseChain, name: str) -> None:
        """New network: the course's sample (or a truth-table row) and learning rate."""
        key = (name, chain)
        if key == self._network_key:
            return
        self._network_key = key
        try:
            rows = sample_rows(self.samples.dataset(self.source.dataset_name))
        except DatasetError:
            rows = []
        rows = [r for r in rows if len(r[1]) == chain.input_size]
        self.rows.set_rows(rows)
        x = default_input(chain, name, rows)
        example = COURSE_EXAMPLES.get(name)
        for editor in (self.inputs, self.targets, self.lr):
            editor.blockSignals(True)
        self.inputs.set_names([chain.neuron_name(0, i) for i in range(chain.input_size)], x)
        last = len(chain.columns)
        self.targets.set_names([chain.neuron_name(last, j)
                                for j in range(chain.columns[-1].units)],
                               default_target(chain, name, x, rows))
        self.lr.setValue(example.lr if example else self.source.training.lr)
        for editor in (self.inputs, self.targets, self.lr):
            editor.blockSignals(False)
        self.rows.match(x)
        self.phase = 0

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.controls.setVisible(not text)
        self.splitter.setVisible(not text)

    def _show_phase(self) -> None:
        trace = self.trace
        self.back_button.setEnabled(self.phase > 0)
        self.next_button.setEnabled(self.phase < len(PHASES) - 1)
        title, text = PHASES[self.phase]
        self.phase_title.setText(f"Step {self.phase + 1} of {len(PHASES)}: {title}")
        self.explanation.setText(text)
        if trace is None:
            return
        self.error_label.setText(f"E = {trace.error:.6f}" if self.phase >= 1 else "")
        self.scene.set_labels(*phase_labels(trace, self.phase))
        rows = phase_rows(trace, self.phase)
        self.table.setRowCount(len(rows))
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        for r, (quantity, value, how) in enumerate(rows):
            for c, text in enumerate((quantity, value, how)):
                item = QTableWidgetItem(text)
                if c == 1:
                    item.setFont(mono)
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if c == 2:
                    item.setForeground(QColor(theme.MUTED_TEXT))
                self.table.setItem(r, c, item)

    def table_text(self) -> str:
        """Everything the table shows, one row a line (for tests and copying)."""
        return "\n".join(" | ".join(self.table.item(r, c).text() for c in range(3))
                         for r in range(self.table.rowCount()))
