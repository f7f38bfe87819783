"""Look inside one input: the activations of every layer, which filters fire most, a
saliency map, and the gradient of the loss at every layer's output for a chosen target."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app import theme
from nnstudio.app.inspect.conv_layers import (
    conv_nodes,
    response_node,
    strongest_path,
    top_channels,
)
from nnstudio.app.inspect.current_input import CurrentInput
from nnstudio.app.inspect.image_view import ArrayView
from nnstudio.app.inspect.input_chooser import InputChooser
from nnstudio.app.inspect.layer_display import (
    clear,
    norm,
    show_activation,
    show_image,
    show_magnitude,
    show_signed,
)
from nnstudio.app.inspect.layouts import clear_layout, scrolling
from nnstudio.app.inspect.prediction import (
    MAX_CLASSES,
    class_probabilities,
    loss_target,
    predicted_class,
)
from nnstudio.app.inspect.refresh import RefreshWhenVisible
from nnstudio.spec.shapes import format_shape

TOP_K = 3
LAYER_COLUMN = 250  # pixels for the layer names and notes, spacing included
IMAGE_WIDTH_RANGE = (160, 420)  # each picture column: as wide as the view allows
CHOSEN = -1  # combo data for "the predicted class" / "the sample's label"


@dataclass
class LayerRow:
    title: QLabel
    activation: ArrayView
    gradient: ArrayView
    note: QLabel


def class_combo(first: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem(first, CHOSEN)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def fill_classes(combo: QComboBox, classes: list[str]) -> None:
    """Keep the first entry, list the classes after it; keeps the choice when it still fits."""
    chosen = combo.currentData()
    names = [combo.itemText(i) for i in range(1, combo.count())]
    if names == classes:
        return
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    for index, name in enumerate(classes):
        combo.addItem(f"class {name}", index)
    found = combo.findData(chosen)
    combo.setCurrentIndex(found if found >= 0 else 0)
    combo.blockSignals(False)


class LookInside(QWidget):
    def __init__(self, current: CurrentInput, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current = current
        self.source = current.source
        self.rows: dict[str, LayerRow] = {}
        self._layout_key: tuple | None = None
        self.predicted: int | None = None
        self.loss: float | None = None

        self.header = QLabel()
        self.header.setStyleSheet(theme.text_style())
        self.chooser = InputChooser(current)
        self.input_view = ArrayView(cell=(5.0, 5.0), max_size=(140, 140))
        self.saliency_view = ArrayView(cell=(5.0, 5.0), max_size=(140, 140))
        self.saliency_view.setToolTip("|∂ score / ∂ input|: the pixels that move this class's "
                                      "score the most")
        self.answer = QLabel()
        self.answer.setObjectName("inside_answer")
        self.answer.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.saliency_class = class_combo("predicted class")
        self.target = class_combo("its label (or the prediction)")
        self.loss_label = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(theme.text_style("warning_text"))
        self.path_label = QLabel()
        self.path_label.setObjectName("inside_path")
        self.path_label.setWordWrap(True)
        self.path_label.setToolTip("The unit or filter that fires most in each Dense and "
                                   "Conv2D layer for this input (its rows are marked below); "
                                   "switch one off on the Switch off page")
        self.path: list[tuple[str, int, float]] = []
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(18)
        self.grid.setVerticalSpacing(14)
        self._build_layout()

        self.refresher = RefreshWhenVisible(self, self.refresh)
        current.changed.connect(self.refresher.request)
        self.source.changed.connect(self.refresher.request)
        self.saliency_class.currentIndexChanged.connect(self._on_choice)
        self.target.currentIndexChanged.connect(self._on_choice)
        self.refresher.request()

    def _build_layout(self) -> None:
        def captioned(view: QWidget, text: str) -> QVBoxLayout:
            box = QVBoxLayout()
            box.addWidget(view, 0, Qt.AlignmentFlag.AlignHCenter)
            caption = QLabel(text)
            caption.setStyleSheet(theme.text_style())
            box.addWidget(caption, 0, Qt.AlignmentFlag.AlignHCenter)
            box.addStretch(1)
            return box

        choices = QGridLayout()
        choices.addWidget(self.answer, 0, 0, 1, 2)
        choices.addWidget(QLabel("Saliency for"), 1, 0)
        choices.addWidget(self.saliency_class, 1, 1)
        choices.addWidget(QLabel("Gradients for target"), 2, 0)
        choices.addWidget(self.target, 2, 1)
        choices.addWidget(self.loss_label, 3, 0, 1, 2)
        choices.setRowStretch(4, 1)
        top = QHBoxLayout()
        top.addLayout(captioned(self.input_view, "input"))
        top.addLayout(captioned(self.saliency_view, "saliency"))
        top.addSpacing(16)
        top.addLayout(choices)
        top.addStretch(1)

        scroll = scrolling(self.grid, "inside_table")
        scroll.setStyleSheet("QScrollArea > QWidget > QWidget#inside_table "
                             "{ background: #ffffff; }")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.header)
        layout.addWidget(self.chooser)
        legend = QLabel("Colours: blue positive, red negative, white 0; values that are never "
                        "negative go from white (0) to blue. Hover a picture for its numbers.")
        legend.setStyleSheet(theme.text_style())
        legend.setWordWrap(True)
        layout.addWidget(legend)
        layout.addLayout(top)
        layout.addWidget(self.path_label)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)

    def _image_width(self) -> int:
        """Two picture columns share what the layer names leave of the view's width."""
        low, high = IMAGE_WIDTH_RANGE
        return int(min(high, max(low, (self.width() - 90 - LAYER_COLUMN) / 2)))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        width = self._image_width()
        for row in self.rows.values():
            row.activation.set_max_size(width, 240)
            row.gradient.set_max_size(width, 240)

    @Slot()
    def _on_choice(self) -> None:
        self.refresh()

    # -- the rows -------------------------------------------------------------------------
    def _build_rows(self) -> None:
        viewer = self.source.viewer
        key = (id(viewer.spec), tuple(viewer.order))
        if key == self._layout_key:
            return
        self._layout_key = key
        clear_layout(self.grid)
        self.rows = {}
        for col, text in enumerate(("Layer", "Activation (its output)",
                                    "∂ loss / ∂ output")):
            head = QLabel(text)
            head.setStyleSheet("font-weight: 600;")
            self.grid.addWidget(head, 0, col)
        for r, node in enumerate(viewer.order, start=1):
            node_type = viewer.spec.node(node).type
            shape = viewer.shapes[node]
            title = QLabel(f"<b>{node}</b><br><span style='color:{theme.MUTED_TEXT}'>{node_type} · "
                           f"{format_shape(shape) if shape else '?'}</span>")
            note = QLabel()
            note.setStyleSheet(theme.text_style())
            left = QVBoxLayout()
            holder = QWidget()
            holder.setLayout(left)
            left.setContentsMargins(0, 0, 0, 0)
            left.addWidget(title)
            left.addWidget(note)
            left.addStretch(1)
            width = self._image_width()
            row = LayerRow(title, ArrayView(max_size=(width, 240)),
                           ArrayView(max_size=(width, 240)), note)
            self.grid.addWidget(holder, r, 0, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(row.activation, r, 1, Qt.AlignmentFlag.AlignTop
                                | Qt.AlignmentFlag.AlignLeft)
            self.grid.addWidget(row.gradient, r, 2, Qt.AlignmentFlag.AlignTop
                                | Qt.AlignmentFlag.AlignLeft)
            self.rows[node] = row
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)

    # -- computing ------------------------------------------------------------------------
    def _input_image(self, values: np.ndarray, is_input: bool) -> np.ndarray:
        return self.current.as_image(values) if is_input else values

    def refresh(self) -> None:
        source = self.source
        self.header.setText(source.description())
        viewer = source.viewer
        x = self.current.x()
        classes = source.classes()
        listed = classes if len(classes) <= MAX_CLASSES else []
        fill_classes(self.saliency_class, listed)
        fill_classes(self.target, listed)
        image = self.current.image()
        if image is not None:
            show_image(self.input_view, image)
        elif x is not None:
            show_activation(self.input_view, x[0], image=True)
        else:
            clear(self.input_view)
        if viewer is None or x is None:
            self.message.setText(self.current.problem)
            self.message.show()
            clear(self.saliency_view)
            self.answer.setText("")
            return
        self.message.hide()
        self._build_rows()

        probabilities = class_probabilities(viewer, x)
        predicted = predicted_class(probabilities)
        self.predicted = predicted
        name = classes[predicted] if predicted < len(classes) else str(predicted)
        if len(probabilities) == 1:
            self.answer.setText(f"Output: {float(viewer.predict(x).ravel()[0]):.4f}")
        elif len(probabilities) > MAX_CLASSES:
            self.answer.setText(f"Output: {len(probabilities)} values")
        else:
            self.answer.setText(f"Prediction: {name}  ({100 * probabilities[predicted]:.0f}%)")

        chosen = self.saliency_class.currentData()
        saliency_class = predicted if chosen in (None, CHOSEN) else int(chosen)
        saliency = viewer.saliency(x, min(saliency_class, max(len(probabilities) - 1, 0)))[0]
        show_magnitude(self.saliency_view, self.current.as_image(saliency), image=True)

        activations = viewer.activations(x)
        chosen = self.target.currentData()
        target, why = loss_target(len(probabilities), self.current.label(), predicted,
                                  None if chosen in (None, CHOSEN) else int(chosen))
        loss, grads, _ = viewer.output_gradients(x, target)
        self.loss = loss
        target_name = (classes[int(target.ravel()[0])] if target.ndim == 1
                       and int(target[0]) < len(classes) else f"{float(target.ravel()[0]):g}")
        self.loss_label.setText(f"Loss for target {target_name} ({why}): {loss:.4f}")
        response_of = {response_node(viewer, c): c for c in conv_nodes(viewer)}
        self.path = strongest_path(viewer, activations)
        on_path = {}
        for layer, unit, value in self.path:
            on_path[layer] = on_path[response_node(viewer, layer)] = (layer, unit, value)
        self.path_label.setText("<b>Path of strongest activations:</b> " + " → ".join(
            f"{layer} <span style='color:{theme.current.warning_text}'><b>#{unit}</b></span>"
            for layer, unit, _ in self.path) if self.path else "")
        for node, row in self.rows.items():
            is_input = node == viewer.order[0]
            values = activations.get(node)
            if values is not None:
                show_activation(row.activation, self._input_image(values[0], is_input),
                                image=is_input)
            gradient = grads.get(node)
            notes = []
            if gradient is not None:
                show_signed(row.gradient, self._input_image(gradient[0], is_input),
                            image=is_input)
                notes.append(f"‖∂L/∂out‖ = {norm(gradient[0]):.3g}")
            else:
                clear(row.gradient)
                notes.append("no gradient: the loss starts below it"
                             if node == viewer.order[-1] else "no gradient reaches it")
            conv = response_of.get(node)
            if conv is not None and values is not None and values[0].ndim == 3:
                notes.append(f"top filters of {conv}:")
                notes.append("  ".join(f"#{c} ({m:.2f})"
                                       for c, m in top_channels(values[0], TOP_K)))
            strongest = on_path.get(node)
            row.title.setStyleSheet(
                f"border-left: 4px solid {theme.current.warning_text}; padding-left: 6px;"
                if strongest else "")
            if strongest is not None:
                notes.append(f"▶ strongest: {strongest[0]} #{strongest[1]} "
                             f"({strongest[2]:.3g})")
            row.note.setText("\n".join(notes))
