"""The units switched off in the window, shared by the Switch-off page, the filter explorer
and the canvas. The evaluation (``running.ablation.Ablation``) is made when asked for, on
the weights the inspection views show, with a network copy of its own: the weights shown,
trained or saved never change unless ``apply`` is asked for."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

from nnstudio.app.inspect.inspection_source import InspectionSource
from nnstudio.app.inspect.samples import TestSamples
from nnstudio.data.errors import DatasetError
from nnstudio.running.ablation import Ablation, Evaluation, switchable_layers, switched_off
from nnstudio.running.inspection_copy import InspectionCopy

MAX_SAMPLES = 2000  # evaluated at every switch: a full MNIST validation set is cut to these


class AblationState(QObject):
    changed = Signal()  # units switched off or on, or new results
    applied = Signal(object)  # the weights with the units switched off, to keep

    def __init__(self, source: InspectionSource, samples: TestSamples,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source, self.samples = source, samples
        self.off: dict[str, set[int]] = {}
        self.ablation: Ablation | None = None
        self.samples_text = ""
        self.problem = ""
        self._key: tuple | None = None
        source.changed.connect(self._on_source_changed)

    # -- what is off ------------------------------------------------------------------
    def layers(self) -> dict[str, int]:
        viewer = self.source.viewer
        return switchable_layers(viewer.network) if viewer is not None else {}

    def is_off(self, layer: str, unit: int) -> bool:
        return unit in self.off.get(layer, ())

    def count(self) -> int:
        return sum(len(units) for units in self.off.values())

    def set_off(self, layer: str, unit: int, off: bool) -> None:
        if off == self.is_off(layer, unit):
            return
        units = self.off.setdefault(layer, set())
        units.add(unit) if off else units.discard(unit)
        if not units:
            del self.off[layer]
        if self.ablation is not None:
            self.ablation.set_units(self.off)
        self.changed.emit()

    def restore(self) -> None:
        """Every unit back on (one click)."""
        if not self.off:
            return
        self.off = {}
        if self.ablation is not None:
            self.ablation.restore()
        self.changed.emit()

    def apply(self) -> None:
        """Keep the switched-off units' weights at zero for good (the person asked)."""
        viewer = self.source.viewer
        if viewer is None or not self.off:
            return
        weights = switched_off(viewer.weights(), self.off)
        self.off = {}
        self.ablation, self._key = None, None
        self.applied.emit(weights)
        self.changed.emit()

    # -- evaluating -------------------------------------------------------------------
    def results(self) -> tuple[Evaluation, Evaluation] | None:
        """(original, with the units off), evaluated now if the weights changed."""
        viewer = self.source.viewer
        if viewer is None:
            self.problem = self.source.problem
            return None
        key = self.source.version
        if key != self._key or self.ablation is None:
            data = self._samples()
            if data is None:
                return None
            x, y, classes = data
            copy = InspectionCopy(viewer.spec, viewer.training)
            self.ablation = Ablation(copy.network, viewer.weights(), x, y, classes)
            self.ablation.set_units(self.off)
            self._key = key
        return self.ablation.original, self.ablation.current

    def _samples(self) -> tuple[np.ndarray, np.ndarray, int] | None:
        viewer, context = self.source.viewer, self.source.context
        classes = len(self.source.classes())
        if context is not None and len(context.x_val):
            if context.dataset.task != "classification":
                self.problem = "Switching units off is measured on classification data sets"
                return None
            n = min(len(context.x_val), MAX_SAMPLES)
            self.samples_text = f"the run's {n:,} validation samples"
            return context.x_val[:n], context.y_val[:n], classes
        try:
            dataset = self.samples.dataset(self.source.dataset_name)
            if dataset.task != "classification":
                self.problem = "Switching units off is measured on classification data sets"
                return None
            x = self.samples.features(self.source.dataset_name, viewer.input_shape)
        except DatasetError as error:
            self.problem = str(error)
            return None
        n = min(len(x), MAX_SAMPLES)
        self.samples_text = f"{n:,} test samples of {dataset.name}"
        return x[:n], dataset.targets("test")[:n], classes

    def _on_source_changed(self) -> None:
        layers = self.layers()
        kept = {name: {u for u in units if u < layers.get(name, 0)}
                for name, units in self.off.items()}
        kept = {name: units for name, units in kept.items() if units}
        if kept != self.off:
            self.off = kept
        self.changed.emit()
