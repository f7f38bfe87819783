"""The summary dock: layer, type, output shape and parameters per layer with the total,
exactly the numbers of ``NetworkSpec.analyze()`` (as ``nnstudio summary`` prints), and
the list of problems. Clicking a row or a problem selects its layer."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app import theme
from nnstudio.app.builder.edited_network import EditedNetwork
from nnstudio.spec.catalogue import LAYER_TYPES
from nnstudio.spec.network import Analysis, NetworkSpec
from nnstudio.spec.shapes import format_shape

COLUMNS = ("Layer", "Type", "Output", "Params")
NODE_ROLE = Qt.ItemDataRole.UserRole


def summary_rows(spec: NetworkSpec, analysis: Analysis) -> list[tuple[str, str, str, int]]:
    """(layer, type, output shape, parameters) in flow order; layers on a cycle last."""
    present = {n.id for n in spec.nodes}
    ids = [i for i in analysis.order if i in present]
    placed = set(analysis.order)
    ids += [n.id for n in spec.nodes if n.id not in placed]
    return [(node_id, spec.node(node_id).type, format_shape(analysis.shapes.get(node_id)),
             analysis.param_counts.get(node_id, 0)) for node_id in ids]


class SummaryPanel(QWidget):
    node_activated = Signal(str)

    def __init__(self, document: EditedNetwork, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        # Type, Output and Params as wide as their contents (a squeezed Type column read
        # "MaxPo...", a squeezed Params column "23,0"); the layer's name takes what is left,
        # shortened with "…" in a narrow dock; narrower still, the table scrolls sideways.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(60)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.problems = QListWidget()
        self.problems.setWordWrap(True)
        self.problems.setMaximumHeight(130)
        self.problems_title = QLabel()
        self.problems_title.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems_title)
        layout.addWidget(self.problems)
        self.table.cellClicked.connect(self._row_clicked)
        self.problems.itemClicked.connect(self._problem_clicked)
        document.analysis_changed.connect(self.refresh)
        document.reset.connect(lambda: self.refresh(document.analysis))
        self.refresh(document.analysis)

    def refresh(self, analysis: Analysis) -> None:
        rows = summary_rows(self.document.spec, analysis)
        self.table.setRowCount(len(rows) + 1)
        for r, (node_id, type_name, shape, count) in enumerate(rows):
            lt = LAYER_TYPES.get(type_name)
            cells = (node_id, type_name, shape, f"{count:,}")
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(NODE_ROLE, node_id)
                if c == 0:
                    item.setToolTip(text)  # (shortened in a narrow dock)
                if c == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if c == 1:
                    item.setForeground(QBrush(theme.group_color(lt.group if lt else None)
                                              .darker(120)))
                if analysis.problems_of(node_id):
                    item.setBackground(QBrush(QColor(theme.ERROR_FILL)))
                self.table.setItem(r, c, item)
        bold = QFont(self.table.font())
        bold.setBold(True)
        total = ("Total", f"{len(rows)} layers", "", f"{analysis.total_params:,}")
        for c, text in enumerate(total):
            item = QTableWidgetItem(text)
            item.setFont(bold)
            if c == 3:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(len(rows), c, item)

        self.problems.clear()
        for problem in analysis.problems:
            item = QListWidgetItem(f"⚠ {problem}")
            item.setForeground(QBrush(QColor(theme.ERROR_COLOR)))
            item.setData(NODE_ROLE, problem.node)
            self.problems.addItem(item)
        count = len(analysis.problems)
        self.problems.setVisible(bool(count))
        self.problems_title.setText(
            "<b>No problems</b>: the network is valid." if not count else
            f"<b>{count} problem{'s' * (count != 1)}</b> (click one to select its layer)")

    def total_text(self) -> str:
        item = self.table.item(self.table.rowCount() - 1, 3)
        return item.text() if item else ""

    def _row_clicked(self, row: int, column: int) -> None:
        item = self.table.item(row, 0)
        node_id = item.data(NODE_ROLE) if item else None
        if node_id:
            self.node_activated.emit(node_id)

    def _problem_clicked(self, item: QListWidgetItem) -> None:
        node_id = item.data(NODE_ROLE)
        if node_id:
            self.node_activated.emit(node_id)
