"""Puts the Experiments tab into the main window (side by side, ensemble, search), an
Experiments menu to reach it, the members' votes under the digit pad, and "Open this
trial/variant" as a new document; closing the window stops the workers."""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QTabWidget, QWidget

from nnstudio.app.experiments.ensemble_view import EnsembleView, MemberVotes
from nnstudio.app.experiments.search_view import SearchView
from nnstudio.app.experiments.side_by_side_view import SideBySideView
from nnstudio.app.inspect.attach import scrollable
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec

EXPERIMENTS_TAB_TITLE = "Experiments"
BUILD_TAB = 0
# The docks that step aside for the Experiments tab (the Draw panel stays, for the votes).
# (The timeline follows the run on the canvas, not the search's trials.)
DOCKS_ASIDE = ("palette_dock", "summary_dock", "inspector_dock", "training_dock", "health_dock",
               "timeline_dock")


class ExperimentsUI(QObject):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.side_by_side = SideBySideView()
        self.ensemble = EnsembleView(window.document.snapshot)
        self.search = SearchView(window.document.snapshot)
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        # In scroll areas: a page never makes the window wider or taller than it was.
        for page, title in ((self.search, "Search"), (self.side_by_side, "Side by side"),
                            (self.ensemble, "Ensemble")):
            self.pages.addTab(scrollable(page), title)
        self.tab_index = window.training.tabs.addTab(self.pages, EXPERIMENTS_TAB_TITLE)

        self.votes = MemberVotes()
        draw = window.inspect.draw
        draw.layout().insertWidget(draw.layout().count() - 1, self.votes)
        draw.digit_changed.connect(self.votes.show_digit)
        self.ensemble.ensemble_ready.connect(self._ensemble_ready)

        for page in (self.search, self.side_by_side, self.ensemble):
            page.status.connect(lambda text: window.statusBar().showMessage(text, 8000))
        self.side_by_side.open_requested.connect(self.open_trained)
        self.search.open_requested.connect(self.open_trained)
        self.pages.currentChanged.connect(self._page_shown)
        window.training.tabs.currentChanged.connect(self._page_shown)
        self._build_menu()
        window.closing.connect(self.shutdown)

    def _build_menu(self) -> None:
        window = self.window
        menu = window.menuBar().addMenu("E&xperiments")
        window.menuBar().insertMenu(window.menus.help.menuAction(), menu)
        search = menu.addAction("Hyperparameter &Search…")
        search.setStatusTip("Search the training settings and layer sizes of this network "
                            "for the best validation accuracy")
        search.triggered.connect(lambda: self.show_page(self.search))
        side = menu.addMenu("&Side by Side")
        for name, comparison in self.side_by_side.comparisons.items():
            action = side.addAction(comparison.title)
            action.setStatusTip(comparison.description)
            action.triggered.connect(lambda _=False, n=name: self.show_side_by_side(n))
        ensemble = menu.addAction("&Ensemble of This Network…")
        ensemble.setStatusTip("Train the network several times from different seeds and let "
                              "the copies vote")
        ensemble.triggered.connect(lambda: self.show_page(self.ensemble))
        window.menus.experiments = menu
        self.menu = menu

    def docks_aside(self) -> dict[int, tuple[str, ...]]:
        """For the window's TabLayouts: the Experiments tab's docks hidden by default."""
        return {self.tab_index: DOCKS_ASIDE}

    def docks_raised(self) -> dict[int, str]:
        return {self.tab_index: "draw_dock"}

    def show_page(self, page: QWidget) -> None:
        self.window.training.tabs.setCurrentIndex(self.tab_index)
        self.pages.setCurrentIndex(self._index_of(page))

    def _index_of(self, page: QWidget) -> int:
        return [self.search, self.side_by_side, self.ensemble].index(page)

    @Slot()
    def _page_shown(self, *_: object) -> None:
        """The search lists what can vary in the network on the canvas when first shown."""
        shown = self.window.training.tabs.currentIndex() == self.tab_index
        if shown and self.pages.currentIndex() == self._index_of(self.search) \
                and not self.search.running and not self.search.editors.rows:
            self.search.load_document()

    def show_side_by_side(self, name: str) -> None:
        self.side_by_side.choose(name)
        self.show_page(self.side_by_side)

    @Slot(object, object)
    def _ensemble_ready(self, network: NetworkSpec, members: list) -> None:
        self.votes.set_ensemble(network, members)

    def open_trained(self, network: NetworkSpec, training: TrainingSpec, weights: dict,
                     origin: str, history: dict | None = None) -> bool:
        """A trained network (a trial, a variant) on the canvas as a new, unsaved document
        whose weights the pad and the views use."""
        window = self.window
        if not window.maybe_save():
            return False
        window.current_preset = ""
        window.document.replace(network, training, "")
        window.training.load_saved(weights, history or {}, f"trained in {origin}")
        window.document.mark_modified()
        window._after_load()  # noqa: SLF001 - the window's own step after any load
        window.training.tabs.setCurrentIndex(BUILD_TAB)
        window.statusBar().showMessage(f"Opened {origin} with its trained weights; save it "
                                       f"as a project to keep it", 8000)
        return True

    def shutdown(self) -> None:
        """Closing the window: stop every worker; a study keeps what it has."""
        for page in (self.search, self.side_by_side, self.ensemble):
            page.shutdown()
