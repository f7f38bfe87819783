"""The Draw panel: the pad, the 28x28 image the network sees, and the live prediction."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app import theme
from nnstudio.app.inspect.current_input import PAD_VALUES, takes_digits
from nnstudio.app.inspect.image_view import ArrayView
from nnstudio.app.inspect.inspection_source import InspectionSource
from nnstudio.app.inspect.layer_display import show_image
from nnstudio.app.inspect.pad import BRUSH_RANGE, DigitPad
from nnstudio.app.inspect.prediction import MAX_CLASSES, ProbabilityBars, class_probabilities
from nnstudio.data.digit import preprocess_drawing

PREVIEW_SIZE = 112
# The pad is ten times MNIST's 28 pixels; at half resolution a drawing is still five times
# finer than the 20-pixel box it is shrunk into, and preprocessing costs a quarter.
CANVAS_BIN = 2


def binned(canvas: np.ndarray, factor: int = CANVAS_BIN) -> np.ndarray:
    """``canvas`` with each ``factor`` x ``factor`` block averaged into one pixel."""
    h, w = (canvas.shape[0] // factor) * factor, (canvas.shape[1] // factor) * factor
    return canvas[:h, :w].reshape(h // factor, factor, w // factor, factor).mean(axis=(1, 3))


def status_style(source: InspectionSource) -> str:
    if source.viewer is None:
        return theme.text_style("error_text")
    return theme.text_style("ok_text" if source.trained else "warning_text")


class DrawPanel(QWidget):
    """Draw a digit and watch the prediction change with every mouse move."""

    digit_changed = Signal(object)  # the 28x28 image (None when the pad is empty)

    def __init__(self, source: InspectionSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.digit: np.ndarray | None = None
        self.pad = DigitPad()
        self.bars = ProbabilityBars()
        self.preview = ArrayView(cell=(4.0, 4.0), max_size=(PREVIEW_SIZE, PREVIEW_SIZE))
        self.preview.setToolTip("The drawing as the network sees it: 28x28, MNIST-style")
        show_image(self.preview, np.zeros((28, 28), dtype=np.float32))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("draw_status")
        self.answer = QLabel()
        self.answer.setObjectName("draw_answer")
        self.answer.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(theme.text_style("error_text"))
        self.message.hide()

        self.brush = QSlider(Qt.Orientation.Horizontal)
        self.brush.setRange(*BRUSH_RANGE)
        self.brush.setValue(int(self.pad.brush_size))
        self.brush.setToolTip("Brush size in pixels of the pad")
        self.brush.valueChanged.connect(self.pad.set_brush_size)
        self.undo_button = QPushButton("Undo stroke")
        self.undo_button.setToolTip("Take back the last stroke (Ctrl+Z on the pad)")
        self.undo_button.clicked.connect(self.pad.undo)
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(self.pad.clear)
        self._build_layout()

        self.pad.drawing_changed.connect(self._on_drawing_changed)
        source.changed.connect(self._on_source_changed)
        self._on_source_changed()

    def _build_layout(self) -> None:
        tools = QHBoxLayout()
        tools.addWidget(QLabel("Brush"))
        tools.addWidget(self.brush, 1)
        tools.addWidget(self.undo_button)
        tools.addWidget(self.clear_button)

        result = QGridLayout()
        caption = QLabel("28 × 28 input")
        caption.setStyleSheet(theme.text_style())
        result.addWidget(self.preview, 0, 0, Qt.AlignmentFlag.AlignTop)
        result.addWidget(caption, 1, 0, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        result.addWidget(self.bars, 0, 1, 2, 1, Qt.AlignmentFlag.AlignTop)
        result.setColumnStretch(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addWidget(self.status)
        layout.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(tools)
        layout.addWidget(self.answer)
        layout.addWidget(self.message)
        layout.addLayout(result)
        layout.addStretch(1)

    # -- reactions ---------------------------------------------------------------------------
    @Slot()
    def _on_drawing_changed(self) -> None:
        digit = preprocess_drawing(binned(self.pad.canvas())) if not self.pad.is_empty() else None
        self.digit = digit
        show_image(self.preview, digit if digit is not None else np.zeros((28, 28), np.float32))
        self.update_prediction()
        self.digit_changed.emit(digit)

    @Slot()
    def _on_source_changed(self) -> None:
        source = self.source
        self.status.setText(source.description())
        self.status.setStyleSheet(status_style(source))
        problem = self.why_no_prediction()
        self.message.setText(problem)
        self.message.setVisible(bool(problem))
        self.bars.setVisible(not problem)
        if not problem:
            self.bars.set_classes(source.classes())
        self.update_prediction()

    def why_no_prediction(self) -> str:
        """Why the pad cannot ask this network, or "" when it can."""
        viewer = self.source.viewer
        if viewer is None:
            return self.source.problem
        if not takes_digits(self.source):
            shape = "x".join(str(s) for s in viewer.input_shape)
            return (f"The pad draws 28x28 digits ({PAD_VALUES} values) but this network's "
                    f"input takes {shape}; predictions need an input of 784 or 1x28x28.")
        if len(viewer.order) < 2:
            return "The network has no layers yet: add some from the Layers palette."
        width = self.source.output_width()
        if width > MAX_CLASSES:
            return (f"The network ends in {width} outputs; the pad shows the probabilities "
                    f"of up to {MAX_CLASSES} classes (end it with Dense 10 and Softmax).")
        return ""

    def update_prediction(self) -> None:
        viewer = self.source.viewer
        if self.digit is None or viewer is None or self.why_no_prediction():
            self.bars.set_probabilities(None)
            self.answer.setText("" if viewer is None or self.why_no_prediction()
                                else "Draw a digit")
            return
        probabilities = class_probabilities(viewer, self.digit[None])
        self.bars.set_probabilities(probabilities)
        top = int(np.argmax(probabilities))
        classes = self.bars.classes
        name = classes[top] if top < len(classes) else str(top)
        self.answer.setText(f"It looks like {name}  ({100 * probabilities[top]:.0f}%)")
