"""Each centre tab (Network, Training dashboard, Inside) keeps its own dock layout.

Switching tabs saves the layout of the tab left (``QMainWindow.saveState``) and restores the
one of the tab shown, or that tab's default the first time: the builder's panels step aside
for the dashboard. Closing writes every tab's layout to the window's settings, so quitting
on the dashboard does not bring the next start up with the builder's docks hidden.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, QSettings, Slot
from PySide6.QtWidgets import QMainWindow, QTabWidget

from nnstudio.app import settings as app_settings


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

    def _default_for(self, tab: int) -> None:
        self.window.restoreState(self.default)
        docks = self.window.docks
        for name in self.aside.get(tab, ()):
            if name in docks:
                docks[name].hide()
        if self.raised.get(tab) in docks:
            docks[self.raised[tab]].raise_()

    def _show(self, tab: int) -> None:
        state = self.states.get(tab)
        if state is None or not self.window.restoreState(state):
            self._default_for(tab)
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
        self.states[self.current] = self.window.saveState()
        self.current = index
        self._show(index)

    def reset(self) -> None:
        """Every tab back to its default layout."""
        self.states.clear()
        self._default_for(self.current)

    def save(self, settings: QSettings) -> None:
        self.states[self.current] = self.window.saveState()
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
