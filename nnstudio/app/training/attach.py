"""Puts training into the main window: the settings dock, the dashboard tab, the wiring of
the Train actions to the controller, and a clean stop when the window closes."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QTabWidget, QWidget

from nnstudio.app import dialogs
from nnstudio.app.plots.curve_fit import is_1d_regression
from nnstudio.app.training.controller import TrainingController
from nnstudio.app.training.cores_menu import add_cores_menu
from nnstudio.app.training.downloads import download_with_progress, needs_download
from nnstudio.app.training.panel import TrainingPanel
from nnstudio.app.training.toy_settings import input_follows_features
from nnstudio.engine.events import Finished
from nnstudio.running.build import BuildError, build_network
from nnstudio.running.inspection_copy import InspectionCopy
from nnstudio.running.training_process.state import RunState
from nnstudio.running.weight_check import check_weights
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec

BUILD_TAB, DASHBOARD_TAB = 0, 1
# The builder's panels make room for the dashboard while it is shown (by default: each tab
# keeps the layout it was left in, see app/tab_layouts.py).
BUILDER_DOCKS = ("palette_dock", "summary_dock", "draw_dock", "timeline_dock")


class TrainingUI(QObject):
    """Owns the training side of one window."""

    # The document came with trained weights: a InspectionCopy holding them, and where they
    # come from ("saved in l5.nnstudio"), for the inspection views.
    saved_weights_loaded = Signal(object, str)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.controller = TrainingController(self)
        add_cores_menu(window.menus.train, window.settings, self.controller)
        self.panel = TrainingPanel()
        self.panel.add_action_buttons([window.actions.train_start, window.actions.train_pause,
                                       window.actions.train_stop, window.actions.train_step])
        self.dashboard = self._make_dashboard()
        self.controller.attach(self.dashboard)
        from nnstudio.app.training.health import HealthFollower, HealthPanel

        self.health_panel = HealthPanel()
        self.health = HealthFollower(window.scene, self.health_panel, self)
        self.controller.attach(self.health)

        # The canvas and the dashboard share the centre as two tabs.
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        canvas = window.centralWidget()
        self.tabs.addTab(canvas, "Network")
        self.tabs.addTab(self.dashboard_widget, "Training dashboard")
        window.setCentralWidget(self.tabs)
        window.add_dock(self.panel, "Training", "training_dock",
                        Qt.DockWidgetArea.RightDockWidgetArea, tabify_with="inspector_dock")
        window.add_dock(self.health_panel, "Health", "health_dock",
                        Qt.DockWidgetArea.RightDockWidgetArea, tabify_with="summary_dock")
        self.health_panel.node_activated.connect(window.select_node)
        window.docks["inspector_dock"].raise_()

        controls, ctl, doc = window.train_controls, self.controller, window.document
        controls.start_requested.connect(self.start)
        controls.pause_requested.connect(ctl.pause)
        controls.stop_requested.connect(ctl.stop)
        controls.step_requested.connect(self.step)
        ctl.state_changed.connect(controls.set_state)
        ctl.progress.connect(self.panel.show_progress)
        ctl.message.connect(self._status)
        ctl.problem.connect(self._problem)
        ctl.run_started.connect(self._on_run_started)
        self.panel.changed.connect(self._on_panel_changed)
        doc.training_changed.connect(self._on_document_training)
        ctl.run_finished.connect(self._on_run_finished)
        ctl.run_lost.connect(self._on_run_lost)
        doc.reset.connect(self._forget_weights)
        doc.reset.connect(self.health.forget)
        window.closing.connect(self.shutdown)
        window.prepare_screenshot.connect(self.train_for_screenshot)
        self.panel.set_training(doc.training)
        controls.set_state(self.controller.state)
        # The newest trained (or loaded) weights and their history: what Save writes.
        self.weights: dict | None = None
        self.history: dict = {}
        # Where ``weights`` come from when they came with the document, not from a run here
        # ("saved in l5.nnstudio"): the next Start asks whether to continue from them.
        self.saved_origin = ""
        # Whether the latest run trained the document now shown (not one replaced since).
        self._run_is_the_document_s = False
        self._show_views_for(None)

    # -- building ----------------------------------------------------------------------------
    def _make_dashboard(self):  # noqa: ANN202 - the plots package's Dashboard
        from nnstudio.app.plots.dashboard import Dashboard
        from nnstudio.app.training.dashboard_layout import dashboard_widget

        dashboard = Dashboard(self)
        self.dashboard_widget = dashboard_widget(dashboard)
        return dashboard

    # -- commands ----------------------------------------------------------------------------
    @Slot()
    def start(self) -> None:
        if self.controller.state is RunState.PAUSED:
            self.controller.resume()
            return
        spec, training = self.window.document.snapshot()
        training = self._data_ready(training)
        if training is None:
            return
        start_from = self._ask_start_weights(spec)
        if start_from is None:
            return
        timeline = getattr(self.window, "timeline", None)
        # Continuing from saved weights branches the saved timeline, its checkpoints kept.
        branch = timeline.continue_saved(spec) if start_from and timeline else None
        note, start_epoch = branch or ("", 0.0)
        if self.controller.start(spec, training, weights=start_from or None, note=note,
                                 start_epoch=start_epoch):
            self.tabs.setCurrentIndex(DASHBOARD_TAB)
        elif branch is not None:
            timeline.drop_pending_branch()

    @Slot()
    def step(self) -> None:
        spec, training = self.window.document.snapshot()
        start_from: dict | None = {}
        if self.controller.state is RunState.IDLE:
            training = self._data_ready(training)
            if training is None:
                return
            start_from = self._ask_start_weights(spec)
            if start_from is None:
                return
        self.controller.step(spec, training, weights=start_from or None)

    def _ask_start_weights(self, spec: NetworkSpec) -> dict | None:
        """The weights a new run starts from: the document's saved ones if the person
        continues from them, ``{}`` for fresh ones, None when they cancelled. Asked only
        while the saved weights (not a run's) fit the network; the answer is said in the
        status bar."""
        if not self.saved_origin or self.weights_for(spec)[0] is None:
            return {}
        choice = "continue"
        if getattr(self.window, "interactive", True):
            choice = dialogs.ask_continue_training(self.window, self.saved_origin)
        if choice is None:
            return None
        if choice == "continue":
            self._status(f"Continuing from the weights {self.saved_origin}")
            return self.weights
        self._status("Starting fresh: new random weights (the saved ones are not used)")
        return {}

    def _data_ready(self, training: TrainingSpec) -> TrainingSpec | None:
        """The settings to train with once the data is there (with the folder the person
        chose when the download failed), or None."""
        if not needs_download(training.dataset, training.data_dir):
            return training
        if not getattr(self.window, "interactive", True):
            self._status(f"{training.dataset} is not downloaded; use `nnstudio datasets "
                         f"fetch {training.dataset}`")
            return None
        folder = download_with_progress(self.window, training.dataset)
        if folder:
            training = replace(training, data_dir=folder)
            self.window.document.set_training(training)
        return None if folder is None else training

    @Slot()
    def shutdown(self) -> None:
        self.controller.shutdown()
        self.dashboard.stop()

    @Slot(int)
    def train_for_screenshot(self, epochs: int) -> None:
        """Train ``epochs`` epochs and wait (``nnstudio --screenshot --train-epochs N``)."""
        if epochs <= 0:
            return
        spec, training = self.window.document.snapshot()
        training.epochs = epochs
        loop = QEventLoop()
        self.controller.run_finished.connect(loop.quit)
        self.controller.problem.connect(lambda *_: loop.quit())
        start_from = self._ask_start_weights(spec)  # (not interactive: continues)
        if start_from is None or not self.controller.start(spec, training,
                                                          weights=start_from or None):
            return
        self.tabs.setCurrentIndex(DASHBOARD_TAB)
        loop.exec()
        self.controller.shutdown()
        # Let the dashboard's timer draw the final state before the picture is taken.
        wait = QEventLoop()
        QTimer.singleShot(300, wait.quit)
        wait.exec()
        self.dashboard.refresh()
        QApplication.processEvents()

    # -- trained weights, for saving and for the views ------------------------------------
    def load_saved(self, weights: dict | None, history: dict | None, origin: str) -> None:
        """A document's weights and history (``origin``: "saved in l5.nnstudio"): the pad
        and the inspection views use the weights, the dashboard shows the history, Save
        writes both again, and the next Start offers to continue from the weights."""
        self.weights, self.history = weights, dict(history or {})
        self.saved_origin = ""
        if self.history:
            self.dashboard.show_saved_history(origin[:1].upper() + origin[1:], self.history,
                                              self.window.document.snapshot()[1])
        if not weights:
            return
        spec, training = self.window.document.snapshot()
        if not spec.analyze().ok:
            return
        try:
            viewer = InspectionCopy(spec, training)
            report = check_weights(viewer.network, weights)
        except (KeyError, ValueError, BuildError) as error:
            report, viewer = None, None
            problem = str(error)
        else:
            problem = report.error_message()
        if problem:
            self.weights = None
            self._problem("Trained weights not loaded",
                          f"The trained weights {origin} cannot be used: {problem}.\n\n"
                          "The views use the network's starting weights.")
            return
        viewer.load_weights(weights)
        self.saved_origin = origin
        self.saved_weights_loaded.emit(viewer, origin)
        note = report.missing_note()
        self._status(f"Loaded the trained weights {origin}" + (f"; {note}" if note else ""))

    def weights_for(self, spec: NetworkSpec) -> tuple[dict | None, dict]:
        """(weights, history) to save with ``spec``; no weights if they no longer fit it
        (the network was edited after training)."""
        if not self.weights:
            return None, self.history
        try:
            fits = check_weights(build_network(spec), self.weights).usable
        except (KeyError, ValueError, BuildError):
            fits = False
        return (self.weights if fits else None), self.history

    def _on_run_finished(self, finished: Finished) -> None:
        if self.controller.viewer is not None:
            self._adopt_run(self.controller.viewer, finished.history)

    def _on_run_lost(self, viewer: InspectionCopy) -> None:
        """A run whose process was killed: the last weights it published are kept."""
        self._adopt_run(viewer, {})

    def _adopt_run(self, viewer: InspectionCopy, history: dict) -> None:
        """A run's weights and history become the document's: unsaved work (closing asks,
        autosave keeps them). Not when another document was opened meanwhile."""
        if not self._run_is_the_document_s:
            return
        self.weights, self.history = viewer.weights(), history
        self.saved_origin = ""
        self.window.document.mark_modified()

    def _forget_weights(self) -> None:
        self.weights, self.history, self.saved_origin = None, {}, ""
        self._run_is_the_document_s = False

    # -- reactions ---------------------------------------------------------------------------
    def _on_run_started(self, context: object) -> None:
        self._run_is_the_document_s = True
        self._show_views_for(context)
        self.tabs.setCurrentIndex(DASHBOARD_TAB)

    def _show_views_for(self, context: object | None) -> None:
        """Only the views that mean something for this data: decision boundaries for 2-D
        sets, filters for images, predicted against true for a numeric target and the
        confusion and mistakes for classes."""
        frames = getattr(self.dashboard_widget, "frames", {})
        toy = bool(context is not None and context.is_2d_toy)
        fitted = bool(context is not None and is_1d_regression(context))
        regression = bool(context is not None and context.dataset.task == "regression")
        shown = {"Decision boundary": toy or fitted,
                 "Filters": context is None or context.is_image,
                 "Predicted vs true": regression and not fitted,
                 "Confusion": not regression, "Misclassified": not regression}
        for name, visible in shown.items():
            if name in frames:
                frames[name].setVisible(visible)
        boundary = frames.get("Decision boundary")
        if boundary is not None and hasattr(boundary, "setTitle"):
            boundary.setTitle("Fitted curve" if fitted else "Decision boundary")

    def _on_panel_changed(self, training: TrainingSpec) -> None:
        if training != self.window.document.training:
            before = self.window.document.training
            self.window.document.set_training(training)
            input_follows_features(self.window.document, before, training)

    def _on_document_training(self, training: TrainingSpec) -> None:
        if training != self.panel.training():
            self.panel.set_training(training)

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10000)

    def _problem(self, title: str, text: str) -> None:
        self._status(f"{title}: {text.splitlines()[0] if text else ''}")
        if getattr(self.window, "interactive", True):
            QMessageBox.warning(self.window, title, text)
