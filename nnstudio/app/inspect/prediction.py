"""The network's answer for one input: class probabilities, drawn as labelled bars."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from nnstudio.running.inspection_copy import InspectionCopy

MAX_CLASSES = 20  # more outputs than this are not a list of classes to show as bars
ROW_HEIGHT = 19
LABEL_WIDTH = 34
VALUE_WIDTH = 60
BAR_COLOR = "#b9c3d0"
TOP_COLOR = "#2563eb"
TRACK_COLOR = "#e3e8ef"
TEXT_COLOR = "#1f2933"


def ends_in_softmax(viewer: InspectionCopy) -> bool:
    return viewer.spec.node(viewer.order[-1]).type == "Softmax"


def class_probabilities(viewer: InspectionCopy, x: np.ndarray) -> np.ndarray:
    """Probabilities for one input: the softmax output as it is; other outputs (sigmoid
    units trained with MSE, say) scaled to sum to 1 so they compare as shares."""
    output = np.asarray(viewer.predict(x), dtype=np.float64).reshape(-1)
    if ends_in_softmax(viewer):
        return output
    shifted = output - min(0.0, float(output.min()))
    total = shifted.sum()
    return shifted / total if total > 0 else np.full_like(output, 1.0 / len(output))


def predicted_class(probabilities: np.ndarray) -> int:
    """The top class; for a single sigmoid output, 1 when it is above one half."""
    if len(probabilities) == 1:
        return int(round(float(probabilities[0])))
    return int(np.argmax(probabilities))


def loss_target(width: int, label: int | None, predicted: int,
                chosen: int | None = None) -> tuple[np.ndarray, str]:
    """(target for ``output_gradients``, why it was picked): the class ``chosen`` by the
    person, else the sample's label, else the network's own prediction."""
    if chosen is not None:
        index, why = chosen, "chosen"
    elif label is not None:
        index, why = label, "the sample's label"
    else:
        index, why = predicted, "the prediction"
    if width == 1:
        return np.array([[float(index)]]), why
    return np.array([index]), why


class ProbabilityBars(QWidget):
    """One horizontal bar per class with its label and percentage; the top class in blue."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.classes: list[str] = [str(i) for i in range(10)]
        self.probabilities: np.ndarray | None = None
        self.updates = 0  # counts set_probabilities calls (the pad benchmark watches it)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_classes(self, classes: list[str]) -> None:
        if classes != self.classes:
            self.classes = list(classes)
            self.probabilities = None
            self.updateGeometry()
            self.update()

    def set_probabilities(self, probabilities: np.ndarray | None) -> None:
        self.probabilities = None if probabilities is None else np.asarray(probabilities)
        self.updates += 1
        self.update()

    def top_class(self) -> int | None:
        if self.probabilities is None or not len(self.probabilities):
            return None
        return int(np.argmax(self.probabilities))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(220, ROW_HEIGHT * max(1, len(self.classes)) + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(150, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        top = self.top_class()
        metrics = painter.fontMetrics()
        label_width = min(max((metrics.horizontalAdvance(c) for c in self.classes),
                              default=0) + 14, LABEL_WIDTH * 3)
        bar_left, bar_width = label_width + 4, self.width() - label_width - VALUE_WIDTH - 8
        for row, name in enumerate(self.classes):
            y = 2 + row * ROW_HEIGHT
            p = float(self.probabilities[row]) if self.probabilities is not None and \
                row < len(self.probabilities) else None
            is_top = row == top
            painter.setFont(bold if is_top else font)
            painter.setPen(QColor(TOP_COLOR if is_top else TEXT_COLOR))
            painter.drawText(QRectF(0, y, label_width, ROW_HEIGHT - 2),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
            track = QRectF(bar_left, y + 3, max(bar_width, 1), ROW_HEIGHT - 8)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(TRACK_COLOR))
            painter.drawRoundedRect(track, 3, 3)
            if p is not None:
                bar = QRectF(track.left(), track.top(),
                             track.width() * min(max(p, 0.0), 1.0), track.height())
                painter.setBrush(QColor(TOP_COLOR if is_top else BAR_COLOR))
                painter.drawRoundedRect(bar, 3, 3)
                painter.setPen(QColor(TOP_COLOR if is_top else TEXT_COLOR))
                painter.drawText(QRectF(self.width() - VALUE_WIDTH - 2, y, VALUE_WIDTH,
                                        ROW_HEIGHT - 2),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                                 f"{100 * p:.1f}%")
        painter.end()
