"""Each centre tab (Network, Training dashboard, Inside) keeps its own dock layout.

Switching tabs saves the layout of the tab left (``QMainWindow.saveState``) and restores the
one of the tab shown, or that tab's default the first time: the builder's panels step aside
for the dashboard. Closing writes every tab's layout to the window's settings, so quitting
on the dashboard does not bring the next start up with the builder's docks hidden.

A default layout gives the docks sizes relative to the window (``dock_sizes``), and keeps
them so while the window is resized, until the person drags a dock's edge.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, QTimer, Slot
from PySide6.QtWidgets import QMainWindow, QTabWidget

from nnstudio.app import dock_sizes
from nnstudio.app import settings as app_settings

SIZE_SLACK = 6  # px a fitted dock may differ from its size and still count as untouched


class TabLayouts(QObject):
    def __init__(self, window: QMainWindow, tabs: QTabWidget,
                 aside: dict[int, tuple[str, ...]], raised: dict[int, str]) -> None:
        """``aside[tab]``: the docks hidden by default on that tab; ``raised[tab]``: the
        dock raised in its tab group there. Call after every dock has been added."""
        super().__init__(window)
        self.window = window
        self.tabs = tabs
        self.aside = aside
        self.raised = raised
        self.default = window.saveState()
        self.states: dict[int, QByteArray] = {}
        self._raise_on_show: set[str] = set()  # raised while another tab's layout showed
        self.current = tabs.currentIndex()
        tabs.currentChanged.connect(self._switch)
        # The sizes the last default layout gave the docks, while they keep them; None once
        # the layout is one the person made (or restored from the settings).
        self._fitted: dict[str, int] | None = {}
        self._fitting = self._resized_while_fitting = False
        self._fit_soon = QTimer(self, singleShot=True, interval=0)
        self._fit_soon.timeout.connect(self._refit)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's
        if watched is self.window and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            if self._fitting:
                self._resized_while_fitting = True
            elif self._fitted is not None:
                self._fit_soon.start()
        return False

    def _untouched(self) -> bool:
        """Whether the docks still have the sizes the default layout left them with."""
        if self._fitted is None:
            return False
        now = dock_sizes.shown_sizes(self.window)
        return now.keys() == self._fitted.keys() and all(
            abs(now[name] - size) <= SIZE_SLACK for name, size in self._fitted.items())

    @Slot()
    def _refit(self) -> None:
        if self._fitted == {} or self._untouched():
            dock_sizes.fit_docks(self.window)
            self._fitting = True  # until the sizes are known, after the layout settled
            QTimer.singleShot(0, self._remember_fit)

    @Slot()
    def _remember_fit(self) -> None:
        self._fitting = False
        self._fitted = dock_sizes.shown_sizes(self.window)
        if self._resized_while_fitting:
            self._resized_while_fitting = False
            self._refit()

    def _default_for(self, tab: int) -> None:
        self.window.restoreState(self.default)
        docks = self.window.docks
        for name in self.aside.get(tab, ()):
            if name in docks:
                docks[name].hide()
        if self.raised.get(tab) in docks:
            docks[self.raised[tab]].raise_()
        self._fitted = {}  # sized for the window when the layout has settled
        self._fit_soon.start()

    def _show(self, tab: int) -> None:
        state = self.states.get(tab)
        if state is None or not self.window.restoreState(state):
            self._default_for(tab)
        else:
            self._fitted = None
        docks = self.window.docks
        for name in self._raise_on_show:
            if name in docks and docks[name].isVisible():
                docks[name].raise_()
        self._raise_on_show = set()

    def raise_dock(self, name: str) -> None:
        """Bring a dock to the front of its tab group now, and on the next tab shown
        (each tab would otherwise restore the layout it was left with)."""
        self.window.docks[name].raise_()
        self._raise_on_show.add(name)

    @Slot(int)
    def _switch(self, index: int) -> None:
        self._keep_current()
        self.current = index
        self._show(index)

    def reset(self) -> None:
        """Every tab back to its default layout."""
        self.states.clear()
        self._default_for(self.current)

    def _keep_current(self) -> None:
        """Keep the current tab's layout, unless it is still the default (which then comes
        back fitted to the window's size then)."""
        if self._untouched():
            self.states.pop(self.current, None)
        else:
            self.states[self.current] = self.window.saveState()

    def save(self, settings: QSettings) -> None:
        self._keep_current()
        for tab in range(self.tabs.count()):
            key = app_settings.tab_state_key(tab)
            if tab in self.states:
                settings.setValue(key, self.states[tab])
            else:
                settings.remove(key)

    def restore(self, settings: QSettings) -> None:
        self.states = {}
        for tab in range(self.tabs.count()):
            state = settings.value(app_settings.tab_state_key(tab))
            if isinstance(state, QByteArray | bytes) and state:
                self.states[tab] = QByteArray(state)
        self._show(self.current)
