"""The docks' default sizes, relative to the window: at 1400x900 the Layers panel is 210 px
wide, the Draw pad 320 and the right-hand panels 380; a smaller window gives them less, so
the canvas, the dashboard and Inside keep the room (at 1024x700 the centre keeps over half
the width)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QScrollArea

REFERENCE_WIDTH, REFERENCE_HEIGHT = 1400, 900
WIDTHS = {"palette_dock": 210, "draw_dock": 320}  # at REFERENCE_WIDTH
SIDE_WIDTH = 380  # any other dock at the left or the right
NARROWEST = {"training_dock": 300}  # its settings' rows in full (they scroll inside)
BOTTOM_HEIGHT = 230  # a dock below the centre (the timeline)
SMALLEST_SCALE = 0.55  # below it a panel's own controls would not fit
SIDES = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)


def scale(length: int, reference: int) -> float:
    return max(SMALLEST_SCALE, min(1.0, length / reference))


def least_width(dock: QDockWidget) -> int:
    """The width a dock's panel needs to show its controls without scrolling sideways."""
    content = dock.widget()
    if isinstance(content, QScrollArea) and content.widget() is not None:
        bar = content.verticalScrollBar().sizeHint().width()
        return (content.widget().minimumSizeHint().width() + bar
                + 2 * content.frameWidth())
    return max(NARROWEST.get(dock.objectName(), 0), content.minimumSizeHint().width())


def _shown(window: QMainWindow) -> list[tuple[QDockWidget, bool]]:
    """The shown, docked panels (in front in their tab group), each with whether it sits
    at a side (else below)."""
    shown = []
    for dock in window.findChildren(QDockWidget):
        if not dock.isVisibleTo(window) or dock.isFloating():
            continue
        area = window.dockWidgetArea(dock)
        if area in SIDES or area == Qt.DockWidgetArea.BottomDockWidgetArea:
            shown.append((dock, area in SIDES))
    return shown


def default_sizes(window: QMainWindow) -> dict[str, int]:
    """Each shown, docked panel's default width (at the sides) or height (below), in px."""
    across = scale(window.width(), REFERENCE_WIDTH)
    down = scale(window.height(), REFERENCE_HEIGHT)
    sizes = {}
    for dock, side in _shown(window):
        name = dock.objectName()
        sizes[name] = (max(least_width(dock), round(WIDTHS.get(name, SIDE_WIDTH) * across))
                       if side else round(BOTTOM_HEIGHT * down))
    return sizes


def shown_sizes(window: QMainWindow) -> dict[str, int]:
    """Each shown, docked panel's width (at the sides) or height (below) now, in px."""
    return {dock.objectName(): dock.width() if side else dock.height()
            for dock, side in _shown(window)}


def fit_docks(window: QMainWindow) -> None:
    """Give the shown docks their default sizes for the window's size."""
    sizes = default_sizes(window)
    for orientation, at_side in ((Qt.Orientation.Horizontal, True),
                                 (Qt.Orientation.Vertical, False)):
        docks = [dock for dock, side in _shown(window) if side == at_side]
        if docks:
            window.resizeDocks(docks, [sizes[d.objectName()] for d in docks], orientation)
