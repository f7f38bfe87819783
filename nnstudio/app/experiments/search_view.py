"""The Experiments view's search: tick what varies, pick a strategy, and watch the trials
come in, live: a sortable table (state, settings, validation accuracy, time), the score
against each varied setting, the best score so far, and every trial's loss curve faint with
the best one drawn bold. Stop ends the trials under way (the study keeps the finished ones
and resumes later); "Open this trial" puts its network, settings and weights on the canvas.

The sweep runs in ``nnstudio.experiments.sweep.Sweep`` (its own threads, worker processes);
its listener's calls are passed to the GUI thread as Qt signals, so the window stays
responsive whatever the trials do.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app import theme
from nnstudio.app.experiments.choice_ticks import ChoiceTicks
from nnstudio.app.experiments.dimension_editors import DimensionEditors
from nnstudio.app.experiments.run_widgets import OverlayPlot, RunsTable, cell_text
from nnstudio.app.plots import style
from nnstudio.app.plots.common import series_color
from nnstudio.experiments.local_pool import default_workers
from nnstudio.experiments.plan import ExperimentPlan
from nnstudio.experiments.search_space import (
    DEFAULT_GRID_POINTS,
    SearchSpace,
    parse_dimension,
    searchable,
)
from nnstudio.experiments.strategies import DEFAULT_STRATEGY, PRUNERS, STRATEGIES
from nnstudio.experiments.study_store import StudyStore, TrialRow, default_study_location
from nnstudio.experiments.sweep import (
    Sweep,
    SweepFinished,
    SweepListener,
    TrialEpoch,
    TrialFinished,
    TrialStarted,
)
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec

STRATEGY_LABELS = {"tpe": "TPE (model-based)", "random": "Random", "grid": "Grid",
                   "genetic": "Genetic (evolutionary)", "pso": "Particle swarm"}
PRUNER_LABELS = {"none": "None", "median": "Median", "halving": "Successive halving"}
FIXED_COLUMNS = ("Trial", "State")
SCORE_COLUMNS = ("Val. accuracy", "Test accuracy", "Time")
SCATTER_COLUMNS = 3  # scatter plots per row


class _Bridge(QObject):
    """The sweep's listener calls, re-emitted as signals (delivered on the GUI thread)."""

    started = Signal(object)
    epoch = Signal(object)
    finished = Signal(object)
    ended = Signal(object)


class _Forward(SweepListener):
    def __init__(self, bridge: _Bridge) -> None:
        self.bridge = bridge

    def trial_started(self, event: TrialStarted) -> None:
        self.bridge.started.emit(event)

    def trial_epoch(self, event: TrialEpoch) -> None:
        self.bridge.epoch.emit(event)

    def trial_finished(self, event: TrialFinished) -> None:
        self.bridge.finished.emit(event)

    def sweep_finished(self, event: SweepFinished) -> None:
        self.bridge.ended.emit(event)


class SearchView(QWidget):
    status = Signal(str)
    open_requested = Signal(object, object, object, str)  # network, training, weights, origin

    def __init__(self, document_snapshot, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.document_snapshot = document_snapshot
        self.sweep: Sweep | None = None
        self.bridge = _Bridge(self)
        self.bridge.started.connect(self._on_started)
        self.bridge.epoch.connect(self._on_epoch)
        self.bridge.finished.connect(self._on_finished)
        self.bridge.ended.connect(self._on_ended)
        self.network: NetworkSpec | None = None
        self.training: TrainingSpec | None = None
        self.names: list[str] = []
        self.rows: dict[int, TrialRow] = {}
        self.curves: dict[int, dict[str, list]] = {}
        self.finished_order: list[int] = []
        self.study_file = ""
        self.saved_plan: ExperimentPlan | None = None  # an opened project's experiment section

        self.editors = DimensionEditors()
        editors_area = QScrollArea()
        editors_area.setWidgetResizable(True)
        editors_area.setWidget(self.editors)
        self.reload_button = QPushButton("Use the network on the canvas")
        self.reload_button.setToolTip("List what can vary in the network and settings now "
                                      "on the canvas")
        self.reload_button.clicked.connect(self.load_document)

        self.strategy = QComboBox()
        for name in STRATEGIES:
            self.strategy.addItem(STRATEGY_LABELS.get(name, name), name)
        self.strategy.setCurrentIndex(STRATEGIES.index(DEFAULT_STRATEGY))
        self.pruner = QComboBox()
        for name in PRUNERS:
            self.pruner.addItem(PRUNER_LABELS.get(name, name), name)
        self.pruner.setToolTip("Stop weak trials early: median (worse than the median of "
                               "earlier trials at the same epoch) or successive halving")
        self.trials = QSpinBox()
        self.trials.setRange(1, 100000)
        self.trials.setValue(20)
        self.workers = QSpinBox()
        self.workers.setRange(1, 256)
        self.workers.setValue(default_workers())
        self.workers.setToolTip("Trials trained at once, each in a worker process (one per "
                                "core by default, one BLAS thread each)")
        self.study_path = QLineEdit()
        self.study_path.setToolTip("The study's SQLite file: every trial is kept there, and "
                                   "running the same search on it again resumes it")
        browse = QToolButton()
        browse.setText("…")
        browse.clicked.connect(self._browse_study)
        study_row = QHBoxLayout()
        study_row.addWidget(self.study_path, 1)
        study_row.addWidget(browse)

        form = QFormLayout()
        form.addRow("Strategy", self.strategy)
        form.addRow("Stop weak trials", self.pruner)
        form.addRow("Trials", self.trials)
        form.addRow("Workers", self.workers)
        form.addRow("Study", study_row)

        self.start_button = QPushButton("Start search")
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.open_button = QPushButton("Open this trial")
        self.open_button.setToolTip("Put the selected trial's network, settings and weights "
                                    "on the canvas as a new document")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_selected)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("search_message")
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 4, 0)
        left_layout.addWidget(style.heading("What varies"))
        left_layout.addWidget(editors_area, 1)
        left_layout.addWidget(self.reload_button)
        left_layout.addLayout(form)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.message)

        self.plots = style.layout_widget()
        self.best_plot = OverlayPlot(self.plots.addPlot(
            row=0, col=0, axisItems={"bottom": style.CompactAxis("bottom")}), "Best so far",
                                     "val. accuracy", "trial", with_legend=False)
        self.loss_plot = OverlayPlot(self.plots.addPlot(
            row=0, col=1, axisItems={"bottom": style.CompactAxis("bottom")}),
                                     "Loss per epoch, every trial (best in red)", "loss",
                                     with_legend=False, faint=True)
        self.plots.ci.layout.setColumnStretchFactor(1, 2)
        self.scatter_layout = self.plots.addLayout(row=1, col=0, colspan=2)
        self.scatters: dict[str, pg.PlotItem] = {}
        self.scatter_ticks: dict[str, ChoiceTicks] = {}
        self.table = RunsTable(list(FIXED_COLUMNS) + list(SCORE_COLUMNS), sortable=True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _: self.open_selected())

        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.plots)
        right.addWidget(self.table)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(splitter, 1)

    # -- the search space --------------------------------------------------------------
    def load_document(self) -> None:
        """List what can vary in the document's network and settings."""
        network, training = self.document_snapshot()
        self.editors.set_items(searchable(network, training), network)
        if not self.study_path.text():
            self.study_path.setText(str(default_study_location(network.name)))
        self._document = (network, training)

    def plan(self) -> ExperimentPlan | None:
        """The search as set up here, as a project's experiment section keeps it; None when
        nothing varies."""
        if not self.editors.rows:
            return self.saved_plan  # never looked at: the opened project's, unchanged
        texts = self.editors.texts()
        if not texts:
            return None
        return ExperimentPlan(texts, self.strategy.currentData(), self.trials.value(),
                              self.pruner.currentData(), self.workers.value(),
                              self.saved_plan.grid_points if self.saved_plan
                              else DEFAULT_GRID_POINTS)

    def plan_json(self) -> dict | None:
        plan = self.plan()
        return None if plan is None else plan.to_json()

    def show_plan(self, section: dict | None) -> str:
        """Set the editors to an opened project's experiment section; the problem in words
        when it cannot be shown (nothing is changed then), else ""."""
        self.saved_plan = None
        if section is None:
            return ""
        try:
            plan = ExperimentPlan.from_json(section)
            network, _training = self.document_snapshot()
            dimensions = [parse_dimension(text, network) for text in plan.params]
        except ValueError as error:
            return str(error)
        self.saved_plan = plan
        self.load_document()
        for row in self.editors.rows.values():
            row.set_varied(False)
        for dimension in dimensions:
            row = self.editors.rows.get(dimension.name)
            if row is None:
                continue
            if dimension.kind == "choice":
                row.set_choices(list(dimension.choices))
            else:
                row.set_range(dimension.low, dimension.high, dimension.log)
            row.set_varied(True)
        for combo, value in ((self.strategy, plan.strategy), (self.pruner, plan.pruner)):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.trials.setValue(plan.trials)
        if plan.workers:
            self.workers.setValue(plan.workers)
        return ""

    def _browse_study(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Study File", self.study_path.text(), "Study (*.db);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.study_path.setText(path)

    # -- running -----------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.sweep is not None and self.sweep.running

    def start(self) -> bool:
        if self.running:
            return False
        if not self.editors.rows:
            self.load_document()
        network, training = self._document
        texts = self.editors.texts()
        if not texts:
            self._say("Tick at least one thing to vary.", problem=True)
            return False
        try:
            space = SearchSpace.parse(network, texts, training)
            space.check_networks(network, training)
        except ValueError as error:
            self._say(str(error), problem=True)
            return False
        path = self.study_path.text().strip() or str(default_study_location(network.name))
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.network, self.training, self.names = network, training, space.names()
        self.study_file = path
        self._reset_results()
        try:
            self.sweep = Sweep(network, training, space,
                               strategy=self.strategy.currentData(),
                               trials=self.trials.value(), workers=self.workers.value(),
                               study=path, pruner=self.pruner.currentData(),
                               listener=_Forward(self.bridge))
        except ValueError as error:
            self._say(str(error), problem=True)
            return False
        self.sweep.start()
        self._set_running(True)
        self._say(f"Searching {', '.join(self.names)} with "
                  f"{self.strategy.currentText()}: {self.trials.value()} trials, "
                  f"{self.workers.value()} at a time; the study is {path}")
        return True

    def stop(self) -> None:
        if self.sweep is not None:
            self.sweep.stop()

    def shutdown(self, timeout: float = 15.0) -> None:
        """Closing the window: end the trials under way; the study keeps what it has."""
        if self.sweep is not None and self.sweep.running:
            self.sweep.stop()
            self.sweep.wait(timeout)

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.reload_button.setEnabled(not running)
        self.editors.setEnabled(not running)

    def _say(self, text: str, problem: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(theme.text_style("error_text" if problem else "muted"))
        self.status.emit(text)

    # -- results -----------------------------------------------------------------------
    def _reset_results(self) -> None:
        self.rows.clear()
        self.curves.clear()
        self.finished_order.clear()
        columns = list(FIXED_COLUMNS) + self.names + list(SCORE_COLUMNS)
        self.table.clear_runs()
        self.table.columns = columns
        self.table.setColumnCount(len(columns))
        self.table.setHorizontalHeaderLabels(columns)
        self.table.sortItems(0, Qt.SortOrder.AscendingOrder)  # trials in order while they run
        self.best_plot.clear()
        self.loss_plot.clear()
        self.scatter_layout.clear()
        self.scatters.clear()
        self.scatter_ticks.clear()
        for index, name in enumerate(self.names):
            plot = self.scatter_layout.addPlot(row=index // SCATTER_COLUMNS,
                                               col=index % SCATTER_COLUMNS)
            style.style_plot(plot, name, "val. accuracy" if index % SCATTER_COLUMNS == 0
                             else "", grid=True)
            self.scatters[name] = plot
            self.scatter_ticks[name] = ChoiceTicks(plot)

    def _show_params(self, number: int, params: dict[str, Any]) -> None:
        self.table.set_cell(number, "Trial", number)
        for name in self.names:
            if name in params:
                self.table.set_cell(number, name, params[name])

    @Slot(object)
    def _on_started(self, event: TrialStarted) -> None:
        self._show_params(event.number, event.params)
        self.table.set_cell(event.number, "State", "running")

    @Slot(object)
    def _on_epoch(self, event: TrialEpoch) -> None:
        self.curves[event.number] = event.curves
        self._draw_curve(event.number)
        progress = event.progress
        self.table.set_cell(event.number, "State",
                            f"epoch {progress.epoch + 1}/{progress.epochs}")
        self.table.set_cell(event.number, "Val. accuracy", progress.val_accuracy, "percent")

    @Slot(object)
    def _on_finished(self, event: TrialFinished) -> None:
        self._add_row(event.row)
        self._redraw_summaries()

    @Slot(object)
    def _on_ended(self, event: SweepFinished) -> None:
        self._set_running(False)
        for row in event.rows:  # a resumed study's earlier trials too
            if row.number not in self.rows:
                self._add_row(row)
        self._redraw_summaries()
        self.table.sortItems(self.table.columns.index("Val. accuracy"),
                             Qt.SortOrder.DescendingOrder)  # best first, as `nnstudio sweep`
        best = event.best
        text = (f"Search {event.reason} after {event.seconds:.0f} s: "
                f"{sum(r.state == 'complete' for r in event.rows)} trials complete")
        if best is not None:
            settings = ", ".join(f"{k} {cell_text(v)}" for k, v in best.params.items())
            text += (f"; best: trial {best.number}, validation accuracy "
                     f"{cell_text(best.val_accuracy, 'percent')} ({settings})")
        if event.message:
            text += f". {event.message}"
        self._say(text, problem=event.reason == "failed")

    def _add_row(self, row: TrialRow) -> None:
        self.rows[row.number] = row
        if row.number not in self.finished_order:
            self.finished_order.append(row.number)
        if row.curves:
            self.curves[row.number] = row.curves
            self._draw_curve(row.number)
        self._show_params(row.number, row.params)
        state = row.state + (f" ({row.note})" if row.note and row.state != "complete" else "")
        self.table.set_cell(row.number, "State", state,
                            color="#d62728" if row.state == "failed" else None)
        self.table.set_cell(row.number, "Val. accuracy", row.val_accuracy, "percent")
        self.table.set_cell(row.number, "Test accuracy", row.test_accuracy, "percent")
        self.table.set_cell(row.number, "Time", row.seconds, "seconds")

    def _draw_curve(self, number: int) -> None:
        curves = self.curves.get(number) or {}
        losses = curves.get("val_loss") or []
        if not any(v is not None for v in losses):
            losses = curves.get("train_loss") or []
        self.loss_plot.set_points(number, range(1, len(losses) + 1), losses)

    def best_row(self) -> TrialRow | None:
        complete = [r for r in self.rows.values()
                    if r.state == "complete" and r.score is not None]
        return max(complete, key=lambda r: r.score, default=None)

    def _redraw_summaries(self) -> None:
        best = self.best_row()
        self.loss_plot.emphasize(None if best is None else best.number)
        xs, ys, running = [], [], -math.inf
        for position, number in enumerate(self.finished_order, start=1):
            row = self.rows[number]
            if row.state == "complete" and row.val_accuracy is not None:
                running = max(running, row.val_accuracy)
            if running > -math.inf:
                xs.append(position)
                ys.append(running)
        self.best_plot.set_points(0, xs, ys)
        for name, plot in self.scatters.items():
            self._draw_scatter(name, plot, best)

    def _draw_scatter(self, name: str, plot: pg.PlotItem, best: TrialRow | None) -> None:
        plot.clear()
        points = [(row.params.get(name), row.val_accuracy, row is best)
                  for row in self.rows.values()
                  if row.val_accuracy is not None and name in row.params]
        if not points:
            return
        values = [p[0] for p in points]
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
        if numeric:
            positive = all(v > 0 for v in values)
            log = positive and min(values) > 0 and max(values) / min(values) >= 50
            xs = [math.log10(v) for v in values] if log else list(values)
            self.scatter_ticks[name].clear()
            plot.setLabel("bottom", "log10 scale" if log else "")
        else:
            labels = sorted({str(v) for v in values})
            xs = [labels.index(str(v)) for v in values]
            self.scatter_ticks[name].set_labels(labels)  # cut short when the plot is narrow
            plot.setXRange(-0.5, len(labels) - 0.5)
        brushes = [style.brush("#d62728" if is_best else series_color(0), 230 if is_best else 150)
                   for _, _, is_best in points]
        sizes = [11 if is_best else 7 for _, _, is_best in points]
        plot.addItem(pg.ScatterPlotItem(x=xs, y=[p[1] for p in points], brush=brushes,
                                        size=sizes, pen=None))

    # -- opening a trial ---------------------------------------------------------------
    @Slot()
    def _selection_changed(self) -> None:
        number = self.table.selected_key()
        row = self.rows.get(number) if number is not None else None
        self.open_button.setEnabled(row is not None and row.state == "complete")

    def open_selected(self) -> bool:
        number = self.table.selected_key()
        if number is None or number not in self.rows or not self.study_file:
            return False
        try:
            opened = StudyStore(self.study_file).open_trial(number)
        except ValueError as error:
            self._say(str(error), problem=True)
            return False
        self.open_requested.emit(opened.network, opened.training, opened.weights,
                                 f"trial {number} of {Path(self.study_file).name}")
        return True
