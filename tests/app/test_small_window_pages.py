"""At 1024x700 the Experiments pages, the Training and Draw docks and the Switch off page
show every control without scrolling sideways, and the dark theme's check boxes show."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QPushButton, QScrollArea

from nnstudio.app import theme
from tests.app.test_dock_sizes import settle


def scrolls_sideways(area: QScrollArea) -> bool:
    return area.horizontalScrollBar().maximum() > 0


def test_pages_and_docks_fit_a_1024_window(window, qtbot) -> None:  # noqa: ANN001
    window.resize(1024, 700)
    tabs, experiments = window.training.tabs, window.experiments
    tabs.setCurrentIndex(experiments.tab_index)
    settle(qtbot)
    assert not window.docks["timeline_dock"].isVisible()  # the room goes to the pages
    for index in range(experiments.pages.count()):
        experiments.pages.setCurrentIndex(index)
        settle(qtbot)
        area = experiments.pages.currentWidget()
        assert not scrolls_sideways(area), experiments.pages.tabText(index)
        for button in area.widget().findChildren(QPushButton):
            if button.isVisible():
                assert not button.visibleRegion().isEmpty(), button.text()
    tabs.setCurrentIndex(window.inspect.tab_index)
    settle(qtbot)
    assert not scrolls_sideways(window.docks["draw_dock"].widget())
    switch_off = window.inspect.tabs.widget(2)
    window.inspect.tabs.setCurrentWidget(switch_off)
    settle(qtbot)
    assert not scrolls_sideways(switch_off)
    tabs.setCurrentIndex(1)  # the dashboard, with the Training dock
    settle(qtbot)
    panel = window.docks["training_dock"].widget()
    assert panel.width() >= panel.minimumSizeHint().width()


def test_the_dark_theme_draws_check_boxes_with_an_edge(qapp) -> None:  # noqa: ANN001
    try:
        theme.apply_theme(qapp, "dark")
        sheet = QApplication.instance().styleSheet()
        assert "QAbstractItemView::indicator" in sheet and "check.svg" in sheet
        assert theme.DARK.edge in sheet
    finally:
        theme.apply_theme(qapp, "light")
    assert "::indicator" not in QApplication.instance().styleSheet()  # Fusion's own
