"""The docks' default widths follow the window's size, so at 1024x700 the canvas and Inside
keep the room; View > Reset Layout gives the same; a dock the person resized stays so."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from nnstudio.app import dock_sizes


def settle(qtbot) -> None:  # noqa: ANN001
    for _ in range(3):
        qtbot.wait(20)
        QApplication.processEvents()


def centre_share(window) -> float:  # noqa: ANN001
    return window.centralWidget().width() / window.width()


def test_small_windows_give_the_centre_the_room_and_reset_gives_the_same(
        window, qtbot) -> None:  # noqa: ANN001
    tabs = window.training.tabs
    window.resize(1024, 700)
    settle(qtbot)
    palette = window.docks["palette_dock"].width()
    assert palette < 180 and window.docks["inspector_dock"].width() < 300
    assert centre_share(window) > 0.5
    tabs.setCurrentIndex(window.inspect.tab_index)
    settle(qtbot)
    draw = window.docks["draw_dock"]
    assert dock_sizes.least_width(draw) <= draw.width() < 320
    assert not window.docks["health_dock"].isVisible()  # Inside wants the room
    assert centre_share(window) > 0.65
    window.resizeDocks([draw], [400], Qt.Orientation.Horizontal)  # the person's choice
    settle(qtbot)
    chosen = draw.width()
    tabs.setCurrentIndex(0)
    settle(qtbot)
    assert abs(window.docks["palette_dock"].width() - palette) <= 2
    tabs.setCurrentIndex(window.inspect.tab_index)
    settle(qtbot)
    assert draw.width() == chosen
    window.actions.reset_layout.trigger()
    settle(qtbot)
    assert draw.width() < 320


def test_a_large_window_keeps_the_full_widths(window, qtbot) -> None:  # noqa: ANN001
    window.resize(1920, 1080)
    settle(qtbot)
    assert abs(window.docks["palette_dock"].width() - dock_sizes.WIDTHS["palette_dock"]) <= 6
    assert abs(window.docks["inspector_dock"].width() - dock_sizes.SIDE_WIDTH) <= 6
