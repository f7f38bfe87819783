"""Widgets the experiment pages share: a table of runs and plots of their curves overlaid."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from nnstudio.app.plots import style
from nnstudio.app.plots.common import series_color

SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class _SortableItem(QTableWidgetItem):
    """Sorts by the value it shows (a number where there is one), not by its text."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if isinstance(mine, int | float) and isinstance(theirs, int | float):
            return mine < theirs
        if isinstance(mine, int | float) != isinstance(theirs, int | float):
            return isinstance(mine, int | float)  # numbers before blanks
        return str(self.text()) < str(other.text())


def cell_text(value: Any, kind: str = "") -> str:
    if value is None:
        return "–"
    if kind == "percent":
        return f"{value * 100:.2f}%"
    if kind == "seconds":
        return f"{value:.1f} s"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


class RunsTable(QTableWidget):
    """One row per run; ``set_cell(row, column, value, kind)`` formats and keeps the value
    for sorting. Rows keep their run's index in ``row_key`` whatever the sort."""

    def __init__(self, columns: Sequence[str], sortable: bool = False) -> None:
        super().__init__(0, len(columns))
        self.columns = list(columns)
        self.setHorizontalHeaderLabels(self.columns)
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setDefaultSectionSize(92)
        self._sortable = sortable
        self.setSortingEnabled(sortable)
        self._rows: dict[int, QTableWidgetItem] = {}  # run key -> its first cell

    def clear_runs(self) -> None:
        self.setSortingEnabled(False)
        self.setRowCount(0)
        self._rows.clear()
        self.setSortingEnabled(self._sortable)

    def _row_of(self, key: int) -> int:
        item = self._rows.get(key)
        if item is None:
            sorting = self.isSortingEnabled()
            self.setSortingEnabled(False)
            row = self.rowCount()
            self.insertRow(row)
            for column in range(len(self.columns)):
                self.setItem(row, column, _SortableItem(""))
            item = self.item(row, 0)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self._rows[key] = item
            self.setSortingEnabled(sorting)
        return item.row()

    def set_cell(self, key: int, column: str, value: Any, kind: str = "",
                 color: str | None = None) -> None:
        sorting = self.isSortingEnabled()
        self.setSortingEnabled(False)  # a sort between two cells of one row moves the row
        item = self.item(self._row_of(key), self.columns.index(column))
        item.setText(cell_text(value, kind))
        item.setData(SORT_ROLE, value)
        if color is not None:
            item.setForeground(pg.mkColor(color))
        self.setSortingEnabled(sorting)

    def row_key(self, row: int) -> int | None:
        item = self.item(row, 0)
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def selected_key(self) -> int | None:
        rows = self.selectionModel().selectedRows()
        return self.row_key(rows[0].row()) if rows else None

    def value(self, key: int, column: str) -> Any:
        return self.item(self._row_of(key), self.columns.index(column)).data(SORT_ROLE)


class OverlayPlot:
    """One plot with a curve per run, keyed by the run's index; ``emphasize(key)`` draws
    that run bold and the others faint (or every run in its colour when key is None).
    ``symbols=False``: lines only (a curve with a point per batch)."""

    def __init__(self, plot: pg.PlotItem, title: str, left: str, bottom: str = "epoch",
                 with_legend: bool = True, faint: bool = False,
                 legend_offset: tuple[int, int] = (-8, 8), symbols: bool = True) -> None:
        self.plot = plot
        style.style_plot(plot, title, left, bottom, grid=True)
        self.legend = style.legend(plot, legend_offset) if with_legend else None
        self.faint = faint
        self.symbols = symbols
        self.curves: dict[int, pg.PlotDataItem] = {}
        self.colors: dict[int, str] = {}
        self.emphasized: int | None = None

    def clear(self) -> None:
        for curve in self.curves.values():
            self.plot.removeItem(curve)
        if self.legend is not None:
            self.legend.clear()
        self.curves.clear()
        self.colors.clear()
        self.emphasized = None

    def set_points(self, key: int, x: Sequence[float], y: Sequence[float],
                   label: str = "") -> None:
        curve = self.curves.get(key)
        if curve is None:
            color = series_color(key) if not self.faint else "#6b7a90"
            curve = self.plot.plot([], [], name=label or None)
            self.curves[key] = curve
            self.colors[key] = color
            self._style(key)
        pairs = [(a, b) for a, b in zip(x, y, strict=False) if b is not None]
        curve.setData([a for a, _ in pairs], [b for _, b in pairs])

    def emphasize(self, key: int | None) -> None:
        self.emphasized = key
        for other in self.curves:
            self._style(other)

    def _style(self, key: int) -> None:
        curve, color = self.curves[key], self.colors[key]
        if self.faint:
            bold = key == self.emphasized
            shown = "#d62728" if bold else color
            curve.setPen(style.pen(shown, 2.5 if bold else 1.0, 255 if bold else 70))
            curve.setSymbol("o")  # a curve of one epoch is a point
            curve.setSymbolSize(6 if bold else 4)
            curve.setSymbolBrush(style.brush(shown, 255 if bold else 90))
            curve.setSymbolPen(None)
            curve.setZValue(10 if bold else 0)
        elif not self.symbols:
            curve.setPen(style.pen(color, 2.0))
        else:
            curve.setPen(style.pen(color, 2.0))
            curve.setSymbol("o")
            curve.setSymbolSize(4)
            curve.setSymbolBrush(style.brush(color))
            curve.setSymbolPen(None)
