"""Every layer's activations for one chosen sample, recomputed from the viewer's newest
weights when they change or another sample is chosen (at the timer's rate at most)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app import theme
from nnstudio.app.plots import style
from nnstudio.app.plots.base import LiveView
from nnstudio.app.plots.common import class_names, view_samples
from nnstudio.app.plots.layer_card import LayerCard
from nnstudio.app.plots.validation import probabilities
from nnstudio.engine.events import Snapshot
from nnstudio.running.inspection_copy import InspectionCopy, RunContext


class ActivationsView(LiveView):
    min_interval_ms = 500  # a picture per layer, each its own view: twice a second

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sample_box = QSpinBox()
        self.sample_box.setRange(0, 0)
        self.sample_box.setToolTip("Which sample to pass through the network (clicking a "
                                   "misclassified digit or a confusion cell chooses it too)")
        self.sample_box.valueChanged.connect(self._sample_box_changed)
        self.summary = style.heading("")
        top = QHBoxLayout()
        top.addWidget(QLabel("Sample"))
        top.addWidget(self.sample_box)
        top.addWidget(self.summary, 1)
        self.grid_host = QWidget()
        self.grid_host.setStyleSheet(f"background: {theme.CANVAS_COLOR};")
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(6, 6, 6, 6)
        self.grid.setSpacing(6)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.grid_host)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        self.set_content(page)
        self.show_message("Activations appear here when a run starts.")
        self.cards: dict[str, LayerCard] = {}
        self.sample = 0
        self._x = np.zeros((0,))
        self._y = np.zeros((0,))
        self._split = "validation"
        self._drawn: tuple[int, int] | None = None  # (viewer version, sample) on screen
        self._activations: dict[str, np.ndarray] = {}
        self._cards_key: object = None  # what the cards were built for

    def start_run(self, context: RunContext, viewer: InspectionCopy) -> None:
        self._x, self._y, self._split = view_samples(context)
        self._drawn = None
        self._activations = {}
        self._build_cards(context, viewer)
        self.sample_box.blockSignals(True)
        self.sample_box.setRange(0, max(0, len(self._x) - 1))
        self.sample = min(self.sample, max(0, len(self._x) - 1))
        self.sample_box.setValue(self.sample)
        self.sample_box.blockSignals(False)
        if len(self._x):
            self.show_content()
        else:
            self.show_message("This run has no samples to pass through the network.")
        super().start_run(context, viewer)

    def _build_cards(self, context: RunContext, viewer: InspectionCopy) -> None:
        key = ([(node, context.spec.node(node).type, viewer.shapes.get(node))
                for node in viewer.order], context.is_image, class_names(context))
        if key == self._cards_key and self.cards:
            return  # the same layers as the last run: its cards show this run's values
        self._cards_key = key
        for card in self.cards.values():
            self.grid.removeWidget(card)
            card.hide()
            card.setParent(None)
            card.deleteLater()
        self.cards = {}
        spec = context.spec
        row, col = 0, 0
        for node in viewer.order:
            shape = viewer.shapes.get(node)
            is_input_image = node == viewer.order[0] and context.is_image
            card = LayerCard(node, spec.node(node).type, shape, is_input_image,
                             image_shape=context.dataset.input_shape)
            self.cards[node] = card
            if card.is_map:
                self.grid.addWidget(card, row, col)
                col += 1
                if col == 2:
                    row, col = row + 1, 0
            else:
                if col:
                    row, col = row + 1, 0
                self.grid.addWidget(card, row, 0, 1, 2)
                row += 1
        self.grid.setRowStretch(row + 1, 1)
        self._label_class_cells(context, viewer)

    def _label_class_cells(self, context: RunContext, viewer: InspectionCopy) -> None:
        """Name the classes on the output strip (and on the scores before a final
        softmax or sigmoid)."""
        names = class_names(context)
        if context.dataset.task != "classification" or not 2 <= len(names) <= 20:
            return
        output = viewer.order[-1]
        nodes = [output]
        if context.spec.node(output).type in ("Softmax", "Sigmoid"):
            nodes += [edge.source for edge in context.spec.inputs_of(output)]
        for node in nodes:
            if viewer.shapes.get(node) == (len(names),):
                self.cards[node].label_cells(names)

    # -- choosing the sample ---------------------------------------------------------------
    def set_sample(self, index: int) -> None:
        if not 0 <= index < max(len(self._x), 1) or index == self.sample:
            return
        self.sample = index
        self.sample_box.blockSignals(True)
        self.sample_box.setValue(index)
        self.sample_box.blockSignals(False)
        self.mark_dirty()

    def _sample_box_changed(self, index: int) -> None:
        if index != self.sample:
            self.sample = index
            self.mark_dirty()
            self.sample_selected.emit(index)

    # -- events and drawing ----------------------------------------------------------------
    def on_snapshot(self, event: Snapshot) -> None:
        self.mark_dirty()

    def redraw(self) -> None:
        viewer = self.viewer
        if viewer is None or not len(self._x):
            return
        state = (viewer.version, self.sample)
        if state == self._drawn:
            return
        self._drawn = state
        self._activations = viewer.activations(self._x[self.sample: self.sample + 1])
        output_node = viewer.order[-1]
        for node, card in self.cards.items():
            values = self._activations.get(node)
            if values is None:
                continue
            note = self._prediction_text() if node == output_node else ""
            card.show_values(values[0], note)
        self.summary.setText(self._summary_text())

    def _prediction(self) -> tuple[int, float] | None:
        if self.viewer is None or self.context is None:
            return None
        if self.context.dataset.task != "classification":
            return None
        output = self._activations.get(self.viewer.order[-1])
        if output is None:
            return None
        probs = probabilities(output.reshape(1, -1))[0]
        if probs.size == 1:
            p = float(probs[0])
            return (1, p) if p > 0.5 else (0, 1 - p)
        best = int(np.argmax(probs))
        return best, float(probs[best])

    def _class_name(self, index: int) -> str:
        names = class_names(self.context) if self.context else []
        return names[index] if 0 <= index < len(names) else str(index)

    def _prediction_text(self) -> str:
        found = self._prediction()
        if found is None:
            return ""
        best, confidence = found
        return f"predicted {self._class_name(best)} ({100 * confidence:.1f}%)"

    def _summary_text(self) -> str:
        text = f"{self._split} sample {self.sample} of {len(self._x)}"
        if self.context is not None and self.context.dataset.task == "classification":
            text += f"  ·  label {self._class_name(int(self._y[self.sample]))}"
            found = self._prediction()
            if found is not None:
                text += f"  ·  {self._prediction_text()}"
                mark = "✓" if found[0] == int(self._y[self.sample]) else "✗"
                text += f"  {mark}"
        return text

    # -- data for tests ----------------------------------------------------------------------
    def current_activations(self) -> dict[str, np.ndarray]:
        """The activations drawn now, {node: (1, ...) array} for the chosen sample."""
        return dict(self._activations)

    def displayed_image(self, node: str) -> np.ndarray | None:
        card = self.cards.get(node)
        return None if card is None else card.image.image
