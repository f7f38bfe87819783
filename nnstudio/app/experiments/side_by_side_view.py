"""Side by side: a course experiment's variants trained at once on identical batches, their
curves overlaid live (the training loss per batch, smoothed as the training dashboard smooths
it, and the validation accuracy per epoch) over a table of how each one is doing."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from nnstudio.app.experiments.pool_runs import PoolRunsPage, outcome_state
from nnstudio.app.experiments.run_widgets import OverlayPlot, RunsTable
from nnstudio.app.plots import style
from nnstudio.app.plots.common import series_color
from nnstudio.experiments.side_by_side import prepared_runs, variant_requests
from nnstudio.experiments.trial_run import BatchLosses, EpochProgress, TrainOutcome
from nnstudio.running.loss_series import Smoothed
from nnstudio.spec.comparisons import Comparison, comparison_names, load_comparison

COLUMNS = ("Variant", "State", "Epoch", "Train loss", "Val. accuracy", "Test accuracy", "Time")


class SideBySideView(PoolRunsPage):
    """Pick a course experiment, Run, watch the variants' curves grow together."""

    open_requested = Signal(object, object, object, str)  # network, training, weights, label

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Run side by side", parent)
        self.comparisons: dict[str, Comparison] = {n: load_comparison(n)
                                                   for n in comparison_names()}
        self.labels: list[str] = []
        self.curves: dict[int, dict[str, list]] = {}
        self.smoothing: dict[int, Smoothed] = {}
        self.outcomes: dict[int, TrainOutcome] = {}
        self.prepared: list = []

        self.choice = QComboBox()
        self.choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.choice.setMinimumContentsLength(16)
        for name, comparison in self.comparisons.items():
            self.choice.addItem(comparison.title, name)
        self.choice.currentIndexChanged.connect(self._show_description)
        self.open_button = QPushButton("Open this variant")
        self.open_button.setToolTip("Put the selected variant's network, settings and "
                                    "trained weights on the canvas as a new document")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._open_selected)
        self.description = style.caption()
        self.description.setWordWrap(True)

        plots = style.layout_widget()
        self.loss = OverlayPlot(plots.addPlot(row=0, col=0),
                                "Training loss per batch (smoothed)", "loss", symbols=False)
        self.accuracy = OverlayPlot(plots.addPlot(row=0, col=1),
                                    "Validation accuracy per epoch", "accuracy",
                                    legend_offset=(-8, -8))
        self.table = RunsTable(COLUMNS)
        self.table.setMinimumHeight(150)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        controls = QHBoxLayout()  # two rows: in one, a 1024-px window cut the last button
        controls.addWidget(QLabel("Experiment"))
        controls.addWidget(self.choice, 1)
        controls.addWidget(QLabel("Workers"))
        controls.addWidget(self.workers)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        splitter = self.plots_over_table(plots, self.table)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(controls)
        layout.addLayout(buttons)
        layout.addWidget(self.description)
        layout.addWidget(splitter, 1)
        self._show_description()

    # -- choosing ----------------------------------------------------------------------
    def choose(self, name: str) -> None:
        index = self.choice.findData(name)
        if index < 0:
            raise KeyError(f"no side-by-side experiment named {name!r}")
        self.choice.setCurrentIndex(index)

    def comparison(self) -> Comparison:
        return self.comparisons[self.choice.currentData()]

    @Slot()
    def _show_description(self) -> None:
        comparison = self.comparison()
        variants = ", ".join(v.label for v in comparison.variants)
        t = comparison.training
        self.description.setText(
            f"{comparison.description}  Variants: {variants}. {t.epochs} epochs on "
            f"{t.dataset}, seed {t.seed}: the same batches in the same order for each.")

    # -- running -----------------------------------------------------------------------
    def start(self) -> None:
        if self.running:
            return
        comparison = self.comparison()
        self.prepared = prepared_runs(comparison)
        requests = variant_requests(self.prepared)
        self.labels = [run.label for run in self.prepared]
        self.curves = {i: {"epoch": [], "val_accuracy": [], "batch_x": [], "batch_loss": []}
                       for i in range(len(requests))}
        self.smoothing = {i: Smoothed() for i in range(len(requests))}
        self.outcomes = {}
        self.loss.clear()
        self.accuracy.clear()
        self.table.clear_runs()
        for index, label in enumerate(self.labels):
            self.table.set_cell(index, "Variant", label, color=series_color(index))
            self.table.set_cell(index, "State", "waiting")
            self.loss.set_points(index, [], [], label)  # the legends in the variants' order
            self.accuracy.set_points(index, [], [], label)
        self.launch(requests)
        self.status.emit(f"Side by side: {comparison.title}, {len(requests)} variants")

    def _set_running(self, running: bool) -> None:
        super()._set_running(running)
        self.choice.setEnabled(not running)
        self._selection_changed()

    @Slot(int)
    def _on_started(self, index: int) -> None:
        self.table.set_cell(index, "State", "training")

    @Slot(int, object)
    def _on_epoch(self, index: int, progress: EpochProgress) -> None:
        curve = self.curves[index]
        curve["epoch"].append(progress.epoch + 1)
        curve["val_accuracy"].append(progress.val_accuracy)
        self.accuracy.set_points(index, curve["epoch"], curve["val_accuracy"],
                                 self.labels[index])
        self.table.set_cell(index, "Epoch", f"{progress.epoch + 1}/{progress.epochs}")
        self.table.set_cell(index, "Train loss", progress.train_loss)
        self.table.set_cell(index, "Val. accuracy", progress.val_accuracy, "percent")

    @Slot(int, object)
    def _on_batches(self, index: int, losses: BatchLosses) -> None:
        curve, smoothing = self.curves[index], self.smoothing[index]
        curve["batch_x"].extend(losses.x)
        curve["batch_loss"].extend(smoothing.add(loss) for loss in losses.losses)
        self.loss.set_points(index, curve["batch_x"], curve["batch_loss"], self.labels[index])

    @Slot(int, object)
    def _on_outcome(self, index: int, outcome: object) -> None:
        state = outcome_state(outcome)
        self.table.set_cell(index, "State", state)
        if isinstance(outcome, TrainOutcome):
            self.outcomes[index] = outcome
            self.table.set_cell(index, "Test accuracy", outcome.test_accuracy, "percent")
            self.table.set_cell(index, "Time", outcome.seconds, "seconds")
        elif state == "failed":
            self.status.emit(f"{self.labels[index]}: {outcome}")

    @Slot()
    def _on_ended(self) -> None:
        self._set_running(False)
        self.status.emit("Side by side finished")

    # -- opening a variant -------------------------------------------------------------
    @Slot()
    def _selection_changed(self) -> None:
        key = self.table.selected_key()
        self.open_button.setEnabled(key is not None and key in self.outcomes)

    def _open_selected(self) -> None:
        key = self.table.selected_key()
        if key is None or key not in self.outcomes:
            return
        run = self.prepared[key]
        network = run.network.copy()
        network.weights = {}
        network.name = f"{self.comparison().name}-{run.label}"
        self.open_requested.emit(network, run.training, self.outcomes[key].weights,
                                 f"the side-by-side variant “{run.label}”")
