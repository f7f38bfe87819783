"""Every open view follows View > Theme at once, not only at the next start.

The views take their colours from the theme when they are built (``style.TEXT``,
``theme.MUTED_TEXT``, ...). On a switch, ``follow`` swaps each of the old theme's colours
for the new theme's in what they were built with: the widgets' style sheets and rich text,
the plots' backgrounds, axes, titles and legends. Colours that are not the theme's (the
series, the colour maps, the ink on a map's pale cells) stay. Views that paint their own
items (the network diagram) connect to ``notifier().changed``.
"""

from __future__ import annotations

import gc
import re

import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QTableWidget,
    QTreeWidget,
    QTreeWidgetItemIterator,
    QWidget,
)

from nnstudio.app import theme

# The roles swapped: the ones the views draw with, each a colour of its own in both themes
# (the application's style sheet, the bars and the dock titles are made anew).
ROLES = ("text", "muted", "base", "canvas", "window", "alt_base", "axis", "border",
         "placeholder", "button", "error_text", "warning_text", "ok_text")
HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


class ThemeNotifier(QObject):
    changed = Signal()  # after the palette, the style sheet and the open plots changed


_notifier: ThemeNotifier | None = None


def notifier() -> ThemeNotifier:
    global _notifier
    if _notifier is None:
        _notifier = ThemeNotifier(QApplication.instance())
    return _notifier


def color_swaps(old: theme.Colors, new: theme.Colors) -> dict[str, str]:
    """Old colour (lower-case #rrggbb) -> new colour, for each role of the theme."""
    swaps: dict[str, str] = {}
    for role in ROLES:
        swaps.setdefault(getattr(old, role).lower(), getattr(new, role).lower())
    return swaps


def swap_text(text: str, swaps: dict[str, str]) -> str:
    """``text`` (a style sheet or rich text) with the old theme's colours swapped."""
    return HEX.sub(lambda m: swaps.get(m.group(0).lower(), m.group(0)), text)


def swap_color(color: QColor, swaps: dict[str, str]) -> QColor:
    new = swaps.get(color.name())
    if new is None:
        return color
    swapped = QColor(new)
    swapped.setAlpha(color.alpha())
    return swapped


def _swap_pen(pen: QPen, swaps: dict[str, str]) -> QPen:
    pen = QPen(pen)
    pen.setColor(swap_color(pen.color(), swaps))
    return pen


def open_widgets() -> list[QWidget]:
    """Every widget of the application (windows, docks, dialogs not shown yet)."""
    return QApplication.allWidgets()


def restyle_widgets(swaps: dict[str, str]) -> None:
    for widget in open_widgets():
        sheet = widget.styleSheet()
        if sheet and HEX.search(sheet):
            widget.setStyleSheet(swap_text(sheet, swaps))
        if isinstance(widget, QLabel) and widget.textFormat() != Qt.TextFormat.PlainText:
            text = widget.text()
            if "color" in text and HEX.search(text):
                widget.setText(swap_text(text, swaps))


def _item_texts(widget: object) -> list:
    """The items of a list, table or tree widget (they keep a colour of their own)."""
    if isinstance(widget, QListWidget):
        return [widget.item(i) for i in range(widget.count())]
    if isinstance(widget, QTableWidget):
        return [widget.item(r, c) for r in range(widget.rowCount())
                for c in range(widget.columnCount()) if widget.item(r, c) is not None]
    if isinstance(widget, QTreeWidget):
        items, walk = [], QTreeWidgetItemIterator(widget)
        while walk.value() is not None:
            items.append(walk.value())
            walk += 1
        return items
    return []


def restyle_items(swaps: dict[str, str]) -> None:
    """Items coloured in the theme's words (a health note in muted grey) take the new ones."""
    for widget in open_widgets():
        for item in _item_texts(widget):
            columns = range(item.columnCount()) if hasattr(item, "columnCount") else (None,)
            for column in columns:
                brush = item.foreground() if column is None else item.foreground(column)
                if brush.style() == Qt.BrushStyle.NoBrush:
                    continue
                color = swap_color(brush.color(), swaps)
                if color != brush.color():
                    if column is None:
                        item.setForeground(color)
                    else:
                        item.setForeground(column, color)


def restyle_plot_item(item: object, swaps: dict[str, str]) -> None:
    """One item of a plot's scene: axes, titles and legend boxes."""
    if isinstance(item, pg.AxisItem):
        item.setPen(_swap_pen(item.pen(), swaps))
        item.setTextPen(_swap_pen(item.textPen(), swaps))
        if item.labelText or item.labelUnits:
            style = dict(item.labelStyle)
            if "color" in style:
                style["color"] = swap_color(pg.mkColor(style["color"]), swaps).name()
            item.setLabel(item.labelText, units=item.labelUnits or None,
                          unitPrefix=item.labelUnitPrefix or None, **style)
    elif isinstance(item, pg.LabelItem) and item.opts.get("color") is not None:
        color = swap_color(pg.mkColor(item.opts["color"]), swaps)
        item.setText(item.text, color=color.name())
    elif isinstance(item, pg.LegendItem):
        item.setPen(_swap_pen(pg.mkPen(item.opts["pen"]), swaps))
        brush = pg.mkBrush(item.opts["brush"])
        item.setBrush(pg.mkBrush(swap_color(brush.color(), swaps)))
        if item.opts.get("labelTextColor") is not None:
            item.setLabelTextColor(swap_color(pg.mkColor(item.opts["labelTextColor"]), swaps))


def restyle_plots(swaps: dict[str, str]) -> None:
    for widget in open_widgets():
        if not isinstance(widget, pg.GraphicsView):
            continue
        widget.setBackground(swap_color(widget.backgroundBrush().color(), swaps))
        for item in widget.scene().items():
            restyle_plot_item(item, swaps)


def follow(old: theme.Colors, new: theme.Colors) -> None:
    """Bring every open view from ``old``'s colours to ``new``'s."""
    if old is new:
        return
    swaps = color_swaps(old, new)
    # The walk holds wrappers of every widget: a garbage collection in the middle would delete
    # a forgotten window's widgets under it (a crash), so the collector waits until it ends.
    collecting = gc.isenabled()
    gc.disable()
    try:
        restyle_widgets(swaps)
        restyle_items(swaps)
        restyle_plots(swaps)
    finally:
        if collecting:
            gc.enable()
    notifier().changed.emit()
