"""Ensemble: K copies of the document's network trained from different seeds in parallel;
each member's test accuracy beside the ensemble's (majority vote and mean probability), and
the members' votes under the digit pad once they are trained."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app.background import BackgroundJob
from nnstudio.app.experiments.pool_runs import PoolRunsPage, outcome_state
from nnstudio.app.experiments.run_widgets import RunsTable
from nnstudio.app.plots import style
from nnstudio.app.plots.common import series_color
from nnstudio.experiments.ensemble import (
    EnsemblePredictor,
    EnsembleScores,
    TrainedMember,
    ensemble_answer,
    member_from_outcome,
    member_requests,
    save_ensemble,
    score_ensemble,
)
from nnstudio.experiments.trial_run import EpochProgress, TrainOutcome
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec

COLUMNS = ("Member", "Seed", "State", "Epoch", "Val. accuracy", "Test accuracy", "Time")
ENSEMBLE_COLOR = "#d62728"


class EnsembleView(PoolRunsPage):
    ensemble_ready = Signal(object, object)  # network, [TrainedMember]: the pad's votes

    def __init__(self, document_snapshot, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__("Train ensemble", parent)
        self.document_snapshot = document_snapshot  # () -> (NetworkSpec, TrainingSpec)
        self.network: NetworkSpec | None = None
        self.training: TrainingSpec | None = None
        self.seeds: list[int] = []
        self.members: dict[int, TrainedMember] = {}
        self.scores: EnsembleScores | None = None
        self.score_job: BackgroundJob | None = None

        self.count = QSpinBox()
        self.count.setRange(2, 64)
        self.count.setValue(5)
        self.count.setToolTip("How many networks vote: each trains from its own seed")
        self.run_button.setToolTip("Train the network on the canvas several times from "
                                   "different seeds, in parallel, and let the copies vote")
        self.save_button = QPushButton("Save ensemble…")
        self.save_button.setToolTip("Save every member in a project (.nnstudio), or the "
                                    "averaged model as ONNX (.onnx)")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(lambda: self.save())
        self.summary = QLabel("Train an ensemble of the network on the canvas: its members "
                              "start from different random weights and see the data in "
                              "different orders; they vote on each answer.")
        self.summary.setWordWrap(True)
        self.summary.setObjectName("ensemble_summary")

        plots = style.layout_widget()
        self.bars_plot = plots.addPlot(row=0, col=0)
        style.style_plot(self.bars_plot, "Test accuracy: each member and the ensemble",
                         "accuracy", "member", grid=True)
        self.table = RunsTable(COLUMNS)

        controls = QHBoxLayout()
        controls.addWidget(QLabel("Members"))
        controls.addWidget(self.count)
        controls.addWidget(QLabel("Workers"))
        controls.addWidget(self.workers)
        controls.addWidget(self.run_button)
        controls.addWidget(self.stop_button)
        controls.addWidget(self.save_button)
        controls.addStretch(1)
        splitter = self.plots_over_table(plots, self.table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

    # -- running -----------------------------------------------------------------------
    def start(self) -> None:
        if self.running:
            return
        self.network, self.training = self.document_snapshot()
        requests = member_requests(self.network, self.training, self.count.value())
        self.seeds = [request.training.seed for request in requests]
        self.members, self.scores = {}, None
        self.table.clear_runs()
        for index, seed in enumerate(self.seeds):
            self.table.set_cell(index, "Member", index + 1, color=series_color(index))
            self.table.set_cell(index, "Seed", seed)
            self.table.set_cell(index, "State", "waiting")
        self._draw_bars()
        self.launch(requests)
        self.summary.setText(f"Training {len(requests)} members of "
                             f"“{self.network.name}” on {self.training.dataset}…")

    def shutdown(self) -> None:
        super().shutdown()
        if self.score_job is not None:
            self.score_job.wait()

    def _set_running(self, running: bool) -> None:
        super()._set_running(running)
        self.count.setEnabled(not running)
        self.save_button.setEnabled(not running and bool(self.members))

    @Slot(int)
    def _on_started(self, index: int) -> None:
        self.table.set_cell(index, "State", "training")

    @Slot(int, object)
    def _on_epoch(self, index: int, progress: EpochProgress) -> None:
        self.table.set_cell(index, "Epoch", f"{progress.epoch + 1}/{progress.epochs}")
        self.table.set_cell(index, "Val. accuracy", progress.val_accuracy, "percent")

    @Slot(int, object)
    def _on_outcome(self, index: int, outcome: object) -> None:
        self.table.set_cell(index, "State", outcome_state(outcome))
        if not isinstance(outcome, TrainOutcome):
            return
        self.members[index] = member_from_outcome(self.seeds[index], outcome)
        self.table.set_cell(index, "Test accuracy", outcome.test_accuracy, "percent")
        self.table.set_cell(index, "Time", outcome.seconds, "seconds")
        self._draw_bars()

    @Slot()
    def _on_ended(self) -> None:
        self._set_running(False)
        members = self.trained_members()
        if len(members) < 2:
            self.summary.setText("An ensemble needs at least two trained members.")
            return
        self.score(members)
        self.ensemble_ready.emit(self.network, members)

    def show_saved(self, network: NetworkSpec, training: TrainingSpec, members: list,
                   origin: str) -> None:
        """An ensemble opened from a project (its ``EnsembleMember`` list): its members in
        the table, scored again on the test set, their votes under the pad."""
        if self.running:
            return
        self.network, self.training = network, training
        self.seeds = [member.seed for member in members]
        self.members = {i: TrainedMember(m.seed, m.weights, m.test_accuracy, {}, 0.0)
                        for i, m in enumerate(members)}
        self.scores = None
        self.table.clear_runs()
        for index, member in enumerate(members):
            self.table.set_cell(index, "Member", index + 1, color=series_color(index))
            self.table.set_cell(index, "Seed", member.seed)
            self.table.set_cell(index, "State", origin)
            self.table.set_cell(index, "Test accuracy", member.test_accuracy, "percent")
        self._set_running(False)
        self.score(self.trained_members())
        self.ensemble_ready.emit(network, self.trained_members())

    def trained_members(self) -> list[TrainedMember]:
        return [self.members[i] for i in sorted(self.members)]

    def score(self, members: list[TrainedMember]) -> None:
        """Score the members and their votes on the test set, on a thread of its own (the
        data set may take a while to load); ``scores`` is set when it is done."""
        self.scores = None
        worker = _ScoreWorker(self.network, self.training, [m.weights for m in members])
        worker.scored.connect(self._show_scores)
        worker.failed.connect(lambda text: self.summary.setText(
            f"{len(members)} members; they cannot be scored here: {text}"))
        self.summary.setText(f"Scoring {len(members)} members and their votes on the test "
                             f"set…")
        self.score_job = BackgroundJob(worker, self)
        self.score_job.start()

    @Slot(object)
    def _show_scores(self, scores: EnsembleScores) -> None:
        self.scores = scores
        self.summary.setText(
            f"{len(scores.members)} members: mean test accuracy {scores.member_mean:.2%} "
            f"(from {min(scores.members):.2%} to {max(scores.members):.2%}). The ensemble: "
            f"<b>{scores.mean_probability:.2%}</b> by mean probability "
            f"({scores.gain * 100:+.2f} points), {scores.majority:.2%} by majority vote.")
        self._draw_bars()
        self.status.emit(f"Ensemble: {scores.mean_probability:.2%} vs members' mean "
                         f"{scores.member_mean:.2%}")

    def _draw_bars(self) -> None:
        plot = self.bars_plot
        plot.clear()
        trained = sorted(self.members)
        if not trained:
            return
        accuracies = [self.members[i].test_accuracy or 0.0 for i in trained]
        brushes = [style.brush(series_color(i)) for i in trained]
        plot.addItem(pg.BarGraphItem(x=[i + 1 for i in trained], height=accuracies,
                                     width=0.6, brushes=brushes, pen=None))
        low = min(accuracies)
        if self.scores is not None:
            for value, dash, text in (
                    (self.scores.mean_probability, None, "ensemble (mean probability)"),
                    (self.scores.majority, pg.QtCore.Qt.PenStyle.DashLine, "majority vote"),
                    (self.scores.member_mean, pg.QtCore.Qt.PenStyle.DotLine, "members' mean")):
                line = pg.InfiniteLine(
                    value, angle=0,
                    pen=style.pen(ENSEMBLE_COLOR if dash is None else "#5b6675", 2.0,
                                  style=dash or pg.QtCore.Qt.PenStyle.SolidLine),
                    label=f"{text} {value:.2%}",
                    labelOpts={"position": 0.02, "color": style.TEXT, "anchors": [(0, 1), (0, 1)]})
                plot.addItem(line)
            low = min(low, self.scores.member_mean)
        top = max(accuracies + ([self.scores.mean_probability] if self.scores else []))
        span = max(top - low, 0.002)
        plot.setYRange(max(0.0, low - span), min(1.0, top + span * 0.8), padding=0)
        plot.setXRange(0.3, len(self.seeds) + 0.7, padding=0)
        plot.getAxis("bottom").setTicks([[(i + 1, str(i + 1)) for i in range(len(self.seeds))]])

    # -- saving ------------------------------------------------------------------------
    def save(self, path: str | None = None) -> str | None:
        members = self.trained_members()
        if not members or self.network is None:
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, "Save Ensemble", f"{self.network.name}-ensemble.nnstudio",
                "NN Studio project (*.nnstudio);;ONNX averaged model (*.onnx)")
            if not path:
                return None
        save_ensemble(path, self.network, self.training, members)
        self.status.emit(f"Saved the ensemble to {path}")
        return path


class _ScoreWorker(QObject):
    """Loads the test set and scores the members and their votes (``score_ensemble``)."""

    scored = Signal(object)  # EnsembleScores
    failed = Signal(str)
    finished = Signal()

    def __init__(self, network: NetworkSpec, training: TrainingSpec, weights: list) -> None:
        super().__init__()
        self.network, self.training, self.weights = network, training, weights

    @Slot()
    def run(self) -> None:
        from nnstudio.data.datasets import load_dataset
        from nnstudio.data.errors import DatasetError
        from nnstudio.running.session import check_fit

        try:
            dataset = load_dataset(self.training.dataset,
                                   data_dir=self.training.data_dir or None)
            shape = check_fit(self.network, dataset, self.training)
            self.scored.emit(score_ensemble(self.network, self.weights,
                                            dataset.features("test", shape),
                                            dataset.targets("test")))
        except (OSError, ValueError, DatasetError) as error:
            self.failed.emit(str(error))
        finally:
            self.finished.emit()


class MemberVotes(QLabel):
    """Under the digit pad: what each member of the last ensemble answers, and the vote."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("member_votes")
        self.setWordWrap(True)
        self.predictor: EnsemblePredictor | None = None
        self.members: list[TrainedMember] = []
        self.hide()

    def set_ensemble(self, network: NetworkSpec, members: list[TrainedMember]) -> None:
        self.members = list(members)
        self.predictor = EnsemblePredictor(network, [m.weights for m in members])
        self.setVisible(bool(members))
        self.setText(f"Ensemble of {len(members)}: draw a digit to see each member's vote.")

    def show_digit(self, digit: np.ndarray | None) -> None:
        if self.predictor is None:
            return
        if digit is None:
            self.setText(f"Ensemble of {len(self.members)}: draw a digit to see each "
                         f"member's vote.")
            return
        try:
            answer = ensemble_answer(self.predictor, digit)
        except ValueError as error:  # the network does not take 28x28 digits
            self.setText(f"The ensemble cannot read a drawing: {error}")
            return
        votes = " ".join(
            f"<span style='color:{series_color(i)}'>■</span>{vote}"
            for i, vote in enumerate(answer.votes))
        self.setText(f"<b>Ensemble members' votes</b> {votes}<br>Majority: <b>{answer.majority}</b>"
                     f" · mean probability: <b>{answer.mean}</b> "
                     f"({answer.mean_confidence:.0%})")
