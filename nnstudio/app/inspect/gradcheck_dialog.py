"""Gradient check from the app: backpropagation against finite differences for the current
network on one small batch, on a worker thread, with a pass or fail per layer."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app.background import BackgroundJob
from nnstudio.running.gradcheck import run_gradcheck
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec

TOLERANCE = 1e-6
PASS_COLOR, FAIL_COLOR = "#dcfce7", "#fee2e2"
PASS_TEXT, FAIL_TEXT = "#166534", "#991b1b"


class GradcheckWorker(QObject):
    """Runs one check on its thread; no widget is touched here."""

    done = Signal(object)  # {layer: largest relative error}
    failed = Signal(str)
    finished = Signal()

    def __init__(self, spec: NetworkSpec, training: TrainingSpec) -> None:
        super().__init__()
        self.spec, self.training = spec, training

    @Slot()
    def run(self) -> None:
        try:
            self.done.emit(run_gradcheck(self.spec, self.training))
        except Exception as error:  # noqa: BLE001 - any failure is reported, not raised
            self.failed.emit(f"{type(error).__name__}: {error}")
        finally:
            self.finished.emit()


class GradcheckDialog(QDialog):
    """Non-modal: the network stays editable while it is open. ``snapshot`` gives the
    (spec, training) to check when Run is pressed."""

    finished_check = Signal()

    def __init__(self, snapshot: Callable[[], tuple[NetworkSpec, TrainingSpec]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Gradient check")
        self.setObjectName("gradcheck_dialog")
        self.snapshot = snapshot
        self.results: dict[str, float] = {}
        self._job: BackgroundJob | None = None
        self._input_name = ""

        intro = QLabel("Compares the gradients backpropagation computes with finite "
                       "differences, for the current network on a batch of 4 random inputs "
                       f"in float64. A layer passes when its largest relative error is below "
                       f"{TOLERANCE:g}.")
        intro.setWordWrap(True)
        self.run_button = QPushButton("Run")
        self.run_button.setDefault(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # an indicator that moves, not a percentage
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.status = QLabel("Press Run to check the current network.")
        self.status.setWordWrap(True)
        self.status.setObjectName("gradcheck_status")
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Layer", "Largest relative error", "Result"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox()
        buttons.addButton(self.run_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.busy)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(520, 420)
        self.run_button.clicked.connect(self.run)

    @property
    def running(self) -> bool:
        return self._job is not None

    @Slot()
    def run(self) -> None:
        if self.running:
            return
        spec, training = self.snapshot()
        analysis = spec.analyze()
        if not analysis.ok:
            self.status.setText("The network has problems; fix them first:\n"
                                + "\n".join(f"• {p}" for p in analysis.problems))
            return
        self.table.setRowCount(0)
        self.results = {}
        self._input_name = analysis.order[0]
        self.status.setText(f"Checking {spec.name or 'the network'}…")
        self.busy.show()
        self.run_button.setEnabled(False)
        worker = GradcheckWorker(spec, training)
        worker.done.connect(self._on_done)
        worker.failed.connect(self._on_failed)
        self._job = BackgroundJob(worker, self)
        self._job.ended.connect(self._on_job_ended)
        self._job.start()

    @Slot(object)
    def _on_done(self, results: dict[str, float]) -> None:
        self.results = dict(results)
        self.table.setRowCount(len(results))
        failures = 0
        for row, (layer, error) in enumerate(results.items()):
            passed = error < TOLERANCE
            failures += not passed
            name = f"{layer} (∂L/∂input)" if layer == self._input_name else layer
            cells = (name, f"{error:.2e}", "pass" if passed else "FAIL")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col > 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setBackground(QColor(PASS_COLOR if passed else FAIL_COLOR))
                item.setForeground(QColor(PASS_TEXT if passed else FAIL_TEXT))
                self.table.setItem(row, col, item)
        if failures:
            self.status.setText(f"{failures} of {len(results)} failed: backpropagation and "
                                "finite differences disagree there.")
        else:
            self.status.setText(f"All {len(results)} pass: backpropagation agrees with finite "
                                f"differences to better than {TOLERANCE:g}.")

    @Slot(str)
    def _on_failed(self, text: str) -> None:
        self.status.setText(f"The check could not run: {text}")

    @Slot()
    def _on_job_ended(self) -> None:
        if self._job is not None:
            self._job.deleteLater()
        self._job = None
        self.busy.hide()
        self.run_button.setEnabled(True)
        self.finished_check.emit()

    def shutdown(self) -> None:
        """Wait for a running check (it cannot be interrupted; lenet5 takes about a second).
        Closing the dialog does not wait: the check finishes behind it and shows when the
        dialog is opened again; the window waits for it when it closes."""
        if self._job is not None:
            self._job.wait()
