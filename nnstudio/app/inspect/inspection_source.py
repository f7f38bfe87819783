"""Which network the inspection views look at: the newest weights of the latest run, the
trained weights saved with the project that was opened, or else the document's network with
its starting weights ("untrained")."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict

from PySide6.QtCore import QObject, Signal, Slot

from nnstudio.data.datasets import DATASETS
from nnstudio.running.build import BuildError
from nnstudio.running.inspection_copy import InspectionCopy, RunContext
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec


def network_key(spec: NetworkSpec, training: TrainingSpec) -> str:
    """What the network computes, as text: its layers, wiring, hand-set weights and training
    settings, but not where its boxes sit on the canvas."""
    data = spec.to_json()
    for node in data.get("nodes", []):
        node.pop("pos", None)
    return json.dumps([data, asdict(training)], sort_keys=True, default=str)


class InspectionSource(QObject):
    """Holds the InspectionCopy the views ask, and says when it or its weights changed.

    A run's viewer (or the saved weights of the project that was opened) wins over the
    document's until the document is replaced (New, Open): then it was of another network.
    """

    changed = Signal()  # another viewer, new weights, or another dataset

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.viewer: InspectionCopy | None = None
        self.problem = "No network yet"
        self.context: RunContext | None = None
        # Where the shown weights come from when no run is shown ("saved in l5.nnstudio").
        self.saved_origin = ""
        # Which checkpoint of the training's timeline is shown ("at epoch 2"), "" for none.
        self.checkpoint_note = ""
        self.dataset_name = ""
        self._spec: NetworkSpec | None = None
        self._training = TrainingSpec()
        self._key = ""
        # The classes of a person's own data set, by name, once it is in memory (set by
        # whoever holds the samples; the built-in sets' are in DATASETS).
        self.own_classes: Callable[[str], list[str]] = lambda name: []

    # -- what the views read -------------------------------------------------------------
    @property
    def trained(self) -> bool:
        return self.context is not None or bool(self.saved_origin)

    @property
    def version(self) -> tuple[int, int]:
        """Changes whenever the weights the views see change (viewer identity, version)."""
        return (id(self.viewer), self.viewer.version if self.viewer else -1)

    @property
    def training(self) -> TrainingSpec:
        return self.context.training if self.context is not None else self._training

    def classes(self) -> list[str]:
        """A name per output of the network: the dataset's classes when they fit."""
        width = self.output_width()
        names = list(self.context.classes) if self.context is not None else list(
            DATASETS[self.dataset_name].classes if self.dataset_name in DATASETS
            else self.own_classes(self.dataset_name))
        return names if len(names) == width else [str(i) for i in range(width)]

    def output_width(self) -> int:
        if self.viewer is None:
            return 0
        shape = self.viewer.shapes[self.viewer.order[-1]] or (0,)
        width = 1
        for size in shape:
            width *= size
        return width

    def description(self) -> str:
        """One line for a panel's header."""
        if self.viewer is None:
            return self.problem
        at = f", {self.checkpoint_note}" if self.checkpoint_note else ""
        if self.context is not None:
            return f"Trained weights: {self.context.label}{at}"
        if self.saved_origin:
            return f"Trained weights {self.saved_origin}{at}"
        name = self._spec.name if self._spec is not None else "network"
        if self._spec is not None and self._spec.weights:  # typed in, or the preset's own
            return f"Hand-set weights of {name} (not trained)"
        return f"Untrained: the starting weights of {name}"

    # -- inputs --------------------------------------------------------------------------
    @Slot(object, object)
    def set_document_network(self, spec: NetworkSpec, training: TrainingSpec,
                             force: bool = False) -> None:
        """The document's network changed; used while no run is shown. Edits that leave
        the network as it was (moving a layer on the canvas) cost nothing."""
        key = network_key(spec, training)
        if key == self._key and not force:
            return
        self._key = key
        self._spec, self._training = spec, training
        if self.context is not None or self.saved_origin:
            return
        self.dataset_name = training.dataset
        analysis = spec.analyze()
        if not analysis.ok:
            count = len(analysis.problems)
            self.viewer = None
            self.problem = (f"The network has {count} problem{'s' * (count != 1)}; "
                            f"fix {'them' if count != 1 else 'it'} on the canvas first")
        else:
            try:
                self.viewer = InspectionCopy(spec, training)
                self.problem = ""
            except (BuildError, ValueError, KeyError) as error:
                self.viewer = None
                self.problem = f"The network cannot be built: {error}"
        self.changed.emit()

    def show_checkpoint(self, viewer: InspectionCopy, note: str) -> None:
        """The weights of a checkpoint of the training's timeline (``note``: "checkpoint
        at epoch 2"; "" with the newest weights), until another run or document."""
        self.viewer = viewer
        self.checkpoint_note = note
        self.problem = ""
        self.changed.emit()

    @Slot(object, str)
    def set_saved(self, viewer: InspectionCopy, origin: str) -> None:
        """Trained weights that came with the document (``origin``: "saved in l5.nnstudio"),
        shown until a run starts or the document is replaced."""
        self.checkpoint_note = ""
        self.context = None
        self.saved_origin = origin
        self.viewer = viewer
        self.dataset_name = viewer.training.dataset
        self.problem = ""
        self.changed.emit()

    @Slot(object)
    def set_run(self, context: RunContext, viewer: InspectionCopy | None = None) -> None:
        """A run started: from now on show its weights (``viewer`` defaults to the one the
        run's snapshots are loaded into, passed with ``weights_updated``)."""
        self.context = context
        self.saved_origin = self.checkpoint_note = ""
        self.dataset_name = context.dataset.name
        if viewer is not None:
            self.viewer = viewer
            self.problem = ""
        self.changed.emit()

    @Slot(object)
    def weights_updated(self, viewer: InspectionCopy) -> None:
        """A new snapshot of the running network's weights (about 4 times a second).
        Ignored once the document was replaced: that run is of another network."""
        if self.context is None:
            return
        self.viewer = viewer
        self.problem = ""
        self.changed.emit()

    def forget_run(self, spec: NetworkSpec | None = None,
                   training: TrainingSpec | None = None) -> None:
        """The document was replaced: go back to its own (untrained) network, ``spec`` if
        given, else the last one the document showed."""
        self.context = None
        self.saved_origin = self.checkpoint_note = ""
        spec = spec if spec is not None else self._spec
        if spec is not None:
            self.set_document_network(spec, training or self._training, force=True)
