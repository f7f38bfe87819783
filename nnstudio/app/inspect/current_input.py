"""The one input the inspection views look at: the digit on the pad, a test sample, or a
validation sample of the run shown (chosen in the confusion matrix)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from nnstudio.app.inspect.inspection_source import InspectionSource
from nnstudio.app.inspect.samples import TestSamples
from nnstudio.app.plots.common import as_picture
from nnstudio.data.errors import DatasetError

DRAWING, SAMPLE, VALIDATION = "drawing", "sample", "validation"
PAD_VALUES = 784


def takes_digits(source: InspectionSource) -> bool:
    """Whether the network reads a 28x28 image (784 values), as the pad draws."""
    viewer = source.viewer
    return viewer is not None and int(np.prod(viewer.input_shape)) == PAD_VALUES


class CurrentInput(QObject):
    """Mode (drawn digit or test sample), the drawing, the sample index; announces changes."""

    changed = Signal()

    def __init__(self, source: InspectionSource, samples: TestSamples,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.samples = samples
        self.mode = SAMPLE  # until something is drawn
        self.drawing: np.ndarray | None = None  # 28x28 in [0, 1]
        self.index = 0
        self.validation_index = 0
        self.problem = ""
        source.changed.connect(self._on_source_changed)
        self._on_source_changed(emit=False)

    # -- changes -------------------------------------------------------------------------
    @Slot(object)
    def set_drawing(self, image: np.ndarray | None) -> None:
        """A new drawing on the pad; drawing something makes it the input to look at."""
        self.drawing = None if image is None or not np.any(image) else image
        if self.drawing is not None and takes_digits(self.source):
            self.mode = DRAWING
        if self.mode == DRAWING:
            self.changed.emit()

    def set_mode(self, mode: str) -> None:
        if mode != self.mode:
            self.mode = mode
            self.changed.emit()

    def set_index(self, index: int) -> None:
        if index != self.index or self.mode != SAMPLE:
            self.index = index
            self.mode = SAMPLE
            self.changed.emit()

    @Slot(int)
    def set_validation_index(self, index: int) -> None:
        """Look at validation sample ``index`` of the run shown."""
        if index != self.validation_index or self.mode != VALIDATION:
            self.validation_index = index
            self.mode = VALIDATION
            self.changed.emit()

    @Slot()
    def _on_source_changed(self, emit: bool = True) -> None:
        if self.mode == VALIDATION and self.source.context is None:
            self.mode = SAMPLE  # the run's samples went with it
            if emit:
                self.changed.emit()
        if self.mode == DRAWING and not takes_digits(self.source):
            self.mode = SAMPLE  # a 2-input network cannot read a drawing
            if emit:
                self.changed.emit()

    # -- reading -------------------------------------------------------------------------
    def sample_count(self) -> int:
        try:
            return self.samples.count(self.source.dataset_name)
        except DatasetError:
            return 0

    def x(self) -> np.ndarray | None:
        """The input for the current viewer, shaped (1, *input_shape), or None (with
        ``problem`` saying why)."""
        viewer = self.source.viewer
        self.problem = ""
        if viewer is None:
            self.problem = self.source.problem
            return None
        if self.mode == DRAWING:
            if not takes_digits(self.source):
                self.problem = "This network does not read 28x28 digits; pick a test sample"
                return None
            if self.drawing is None:
                self.problem = "Draw a digit in the Draw panel, or pick a test sample"
                return None
            return self.drawing.reshape(1, *viewer.input_shape).astype(np.float32)
        if self.mode == VALIDATION:
            x = self._validation_x()
            if x is None:
                self.problem = "That validation sample belongs to another run"
                return None
            return x.reshape(1, *viewer.input_shape).astype(np.float32)
        try:
            features = self.samples.features(self.source.dataset_name, viewer.input_shape)
        except DatasetError as error:
            self.problem = str(error)
            return None
        if not len(features):
            self.problem = "The test set is empty"
            return None
        return features[min(self.index, len(features) - 1)][None]

    def _validation_x(self) -> np.ndarray | None:
        context = self.source.context
        if context is None or not 0 <= self.validation_index < len(context.x_val):
            return None
        return context.x_val[self.validation_index]

    def label(self) -> int | None:
        """The true class of a sample (None for a drawing)."""
        if self.mode == VALIDATION:
            context = self.source.context
            if self._validation_x() is None or context.dataset.task != "classification":
                return None
            target = np.asarray(context.y_val[self.validation_index])
            return int(target.argmax()) if target.size > 1 else int(target)
        if self.mode != SAMPLE:
            return None
        try:
            return self.samples.label(self.source.dataset_name, self.index)
        except (DatasetError, IndexError):
            return None

    def image(self) -> np.ndarray | None:
        """What the input looks like: (H, W), or (H, W, 3) in colour (None for 2-D points)."""
        if self.mode == DRAWING:
            return self.drawing
        if self.mode == VALIDATION:
            x, context = self._validation_x(), self.source.context
            if x is None or not context.is_image:
                return None
            return as_picture(x.reshape(context.dataset.input_shape))
        try:
            return self.samples.image(self.source.dataset_name, self.index)
        except (DatasetError, IndexError):
            return None

    def image_shape(self) -> tuple[int, ...] | None:
        """(C, H, W) of the data's images (None when they are not images)."""
        try:
            dataset = self.samples.dataset(self.source.dataset_name)
        except DatasetError:
            return None
        return dataset.input_shape if dataset.is_image else None

    def as_image(self, values: np.ndarray) -> np.ndarray:
        """One input's values (or their gradient) shaped as the data's image when they are
        its pixels: a flat colour input reads as its three channels."""
        shape = self.image_shape()
        if shape is not None and values.size == np.prod(shape) and shape[0] > 1:
            return values.reshape(shape)
        return values

    def describe(self) -> str:
        if self.mode == DRAWING:
            return "the drawn digit"
        label = self.label()
        classes = self.source.classes()
        text = (f"validation sample {self.validation_index}" if self.mode == VALIDATION
                else f"test sample {self.index}")
        if label is not None and 0 <= label < len(classes):
            text += f" (label {classes[label]})"
        return text
