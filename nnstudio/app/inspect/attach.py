"""Puts the inspection views into the main window: the Draw dock, the "Inside" tab with its
four sub-tabs, and Train > Gradient check…; wires them to the document and to training."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QWidget

from nnstudio.app.builder.ablation_marks import show_switched_off
from nnstudio.app.inspect.ablation_panel import AblationPanel
from nnstudio.app.inspect.ablation_state import AblationState
from nnstudio.app.inspect.backprop import BackpropStepper
from nnstudio.app.inspect.current_input import CurrentInput
from nnstudio.app.inspect.diagram import NetworkDiagram
from nnstudio.app.inspect.draw_panel import DrawPanel
from nnstudio.app.inspect.filters import FilterExplorer
from nnstudio.app.inspect.gradcheck_dialog import GradcheckDialog
from nnstudio.app.inspect.inside import LookInside
from nnstudio.app.inspect.inspection_source import InspectionSource
from nnstudio.app.inspect.samples import TestSamples
from nnstudio.running.inspection_copy import RunContext

INSIDE_TAB_TITLE = "Inside"
DRAW_DOCK_WIDTH = 320  # the pad at full size; the palette beside it gets as much


def scrollable(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area, so a small window can still be laid out (the
    scroll bars only appear when the window is smaller than the view needs)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


class InspectUI(QObject):
    """Owns the inspection side of one window."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        document, controller = window.document, window.training.controller
        self.source = InspectionSource(self)
        self.samples = TestSamples()
        self.source.own_classes = self.samples.classes_in_memory
        self.current = CurrentInput(self.source, self.samples, self)

        self.draw = DrawPanel(self.source)
        # Beside the palette, as a tab: building needs the palette, and the pad comes to the
        # front when a run starts (there is something worth drawing for then).
        self.draw_dock = window.add_dock(scrollable(self.draw), "Draw", "draw_dock",
                                         Qt.DockWidgetArea.LeftDockWidgetArea,
                                         tabify_with="palette_dock")
        window.docks["palette_dock"].raise_()
        window.resizeDocks([self.draw_dock], [DRAW_DOCK_WIDTH], Qt.Orientation.Horizontal)
        self.inside = LookInside(self.current)
        self.filters = FilterExplorer(self.current)
        self.diagram = NetworkDiagram(self.source, self.samples)
        self.backprop = BackpropStepper(self.source, self.samples)
        self.ablation = AblationState(self.source, self.samples, self)
        self.ablation_panel = AblationPanel(self.ablation)
        self.filters.set_ablation(self.ablation)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for page, title in ((self.inside, "Look inside"), (self.filters, "Filter explorer"),
                            (self.ablation_panel, "Switch off"),
                            (self.diagram, "Network diagram"),
                            (self.backprop, "Backprop step by step")):
            self.tabs.addTab(scrollable(page), title)
        self.tab_index = window.training.tabs.addTab(self.tabs, INSIDE_TAB_TITLE)

        self.gradcheck_dialog: GradcheckDialog | None = None
        self.gradcheck_action = QAction("&Gradient check…", window)
        self.gradcheck_action.setStatusTip("Compare backpropagation with finite differences "
                                           "for the current network")
        self.gradcheck_action.triggered.connect(self.show_gradcheck)
        window.menus.train.addSeparator()
        window.menus.train.addAction(self.gradcheck_action)

        self.draw.digit_changed.connect(self.current.set_drawing)
        self.diagram.units_requested.connect(self._change_units)
        document.analysis_changed.connect(self._on_document_changed)
        document.training_changed.connect(self._on_document_changed)
        document.reset.connect(self._on_document_reset)
        controller.run_started.connect(self._on_run_started)
        controller.viewer_changed.connect(self.source.weights_updated)
        window.training.saved_weights_loaded.connect(self.source.set_saved)
        # From an error to its cause: a sample of a confusion-matrix cell opens in Look inside.
        confusion = window.training.dashboard.confusion_view
        confusion.tiles.sample_clicked.connect(self.open_validation_sample)
        self.ablation.changed.connect(self._show_switched_off)
        self.ablation.applied.connect(self._apply_ablation)
        document.reset.connect(self.ablation.restore)  # another network: every unit on
        window.closing.connect(self.shutdown)
        self._on_document_changed()

    # -- reactions ---------------------------------------------------------------------------
    @Slot()
    def _on_document_changed(self, *_: object) -> None:
        spec, training = self.window.document.snapshot()
        self.source.set_document_network(spec, training)

    @Slot()
    def _change_units(self, dense: str, change: int) -> None:
        """A unit more or fewer in a Dense layer (the diagram's + and -), undoably."""
        document = self.window.document
        if not document.spec.has_node(dense):
            return
        units = document.spec.params_of(dense).get("units", 1)
        if units + change >= 1:
            document.set_param(dense, "units", units + change)

    def _on_document_reset(self) -> None:
        self.source.forget_run(*self.window.document.snapshot())

    @Slot(object)
    def _on_run_started(self, context: RunContext) -> None:
        self.samples.adopt(context.dataset)
        self.source.set_run(context, self.window.training.controller.viewer)
        if self.draw.why_no_prediction() == "":
            self.window.tab_layouts.raise_dock("draw_dock")

    # -- commands ----------------------------------------------------------------------------
    @Slot()
    def show_gradcheck(self) -> GradcheckDialog:
        if self.gradcheck_dialog is None:
            self.gradcheck_dialog = GradcheckDialog(self.window.document.snapshot, self.window)
        self.gradcheck_dialog.show()
        self.gradcheck_dialog.raise_()
        self.gradcheck_dialog.activateWindow()
        return self.gradcheck_dialog

    def show_inside(self, page: QWidget | None = None) -> None:
        """Bring the Inside tab (and one of its pages) to the front."""
        self.window.training.tabs.setCurrentWidget(self.tabs)
        if page is not None:
            self.tabs.setCurrentIndex(next(i for i in range(self.tabs.count())
                                           if self.tabs.widget(i).widget() is page))

    @Slot(int)
    def open_validation_sample(self, index: int) -> None:
        """Look inside validation sample ``index`` of the run shown."""
        self.current.set_validation_index(index)
        self.show_inside(self.inside)

    @Slot()
    def _show_switched_off(self) -> None:
        show_switched_off(self.window.scene, self.ablation.off)

    @Slot(object)
    def _apply_ablation(self, weights: dict) -> None:
        """The person applied the ablation: the switched-off units' weights stay at zero in
        the weights shown and saved (unsaved work until the project is saved)."""
        training, viewer = self.window.training, self.source.viewer
        if training.controller.running or viewer is None:
            self.window.statusBar().showMessage("Stop the run before applying: it would "
                                                "overwrite the weights", 10000)
            return
        viewer.load_weights(weights)
        if training.weights is not None:
            training.weights = weights
            self.window.document.mark_modified()
        self.source.changed.emit()
        self.window.statusBar().showMessage("The switched-off units' weights are now 0 in "
                                            "the trained weights", 10000)

    @Slot()
    def shutdown(self) -> None:
        if self.gradcheck_dialog is not None:
            self.gradcheck_dialog.shutdown()
