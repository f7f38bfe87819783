"""The "what varies" editors of the Experiments view: one row per thing a search may vary
(``nnstudio.experiments.search_space.searchable``), ticked to vary it, with its range (two
editors made by the builder's ``make_editor`` from the same ``Param`` the training panel and
the inspector use, and a log-scale box) or its list of choices. Each row writes its dimension
as the command line does (``lr=log:0.0001:0.1``), for ``SearchSpace.parse``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QWidget,
)

from nnstudio.app.builder.param_editors import ParamEditor, make_editor
from nnstudio.experiments.search_space import Dimension, Searchable, written
from nnstudio.spec.catalogue import ACTIVATIONS, LAYER_TYPES, Param
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training_settings import TRAINING_SETTINGS

CHOICE_ROWS = 4  # the list of choices shows this many before it scrolls


def rule_of(item: Searchable, network: NetworkSpec) -> Param:
    """The Param (a training Setting or a catalogue parameter) that governs ``item``."""
    if item.node is None:
        return next(s for s in TRAINING_SETTINGS if s.name == item.name)
    name = item.name.rpartition(".")[2]
    if name == "type":
        return Param("type", "choice", item.current, "the activation function",
                     choices=ACTIVATIONS)
    return LAYER_TYPES[network.node(item.node).type].param(name)


class DimensionRow(QWidget):
    """One searchable thing: "vary" box, then its range or its choices."""

    changed = Signal()

    def __init__(self, item: Searchable, rule: Param, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item, self.rule = item, rule
        self.vary = QCheckBox(item.label)
        self.vary.setToolTip(rule.help)
        self.vary.toggled.connect(self._toggled)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addWidget(self.vary, 0, 0, 1, 2)
        self.editors: list[ParamEditor] = []
        self.log: QCheckBox | None = None
        self.choices: QListWidget | None = None
        self.body = QWidget()
        body = QHBoxLayout(self.body)
        body.setContentsMargins(18, 0, 0, 0)
        if item.kind == "choice":
            self.choices = QListWidget()
            for value in item.choices:
                entry = QListWidgetItem(self._choice_text(value))
                entry.setData(Qt.ItemDataRole.UserRole, value)
                entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                entry.setCheckState(Qt.CheckState.Checked)
                self.choices.addItem(entry)
            row = self.choices.sizeHintForRow(0) if self.choices.count() else 18
            self.choices.setFixedHeight(row * min(CHOICE_ROWS, len(item.choices)) + 6)
            self.choices.itemChanged.connect(lambda _: self.changed.emit())
            body.addWidget(self.choices, 1)
        else:
            start = item.default_dimension()
            for label, value in (("from", start.low), ("to", start.high)):
                editor = make_editor(rule, lambda _v: self.changed.emit())
                editor.set_value(value)
                self.editors.append(editor)
                body.addWidget(QLabel(label))
                body.addWidget(editor.widget, 1)
            self.log = QCheckBox("log")
            self.log.setToolTip("Spread the values by equal factors (1e-4, 1e-3, 1e-2) "
                                "rather than equal steps")
            self.log.setChecked(item.log_scale)
            self.log.toggled.connect(lambda _: self.changed.emit())
            body.addWidget(self.log)
        layout.addWidget(self.body, 1, 0, 1, 2)
        self.body.setVisible(False)
        # As tall as its contents, always: a scroll area must not squeeze rows together.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def _choice_text(self, value: Any) -> str:
        label = getattr(self.rule, "choice_label", None)
        return label(value) if label is not None else written(value)

    def _toggled(self, on: bool) -> None:
        self.body.setVisible(on)
        self.changed.emit()

    @property
    def varied(self) -> bool:
        return self.vary.isChecked()

    def set_varied(self, on: bool) -> None:
        self.vary.setChecked(on)

    def set_range(self, low: float, high: float, log: bool | None = None) -> None:
        for editor, value in zip(self.editors, (low, high), strict=True):
            editor.set_value(value)
        if log is not None and self.log is not None:
            self.log.setChecked(log)
        self.changed.emit()

    def set_choices(self, values: list[Any]) -> None:
        assert self.choices is not None
        for index in range(self.choices.count()):
            entry = self.choices.item(index)
            entry.setCheckState(Qt.CheckState.Checked
                                if entry.data(Qt.ItemDataRole.UserRole) in values
                                else Qt.CheckState.Unchecked)

    def text(self) -> str:
        """The dimension as ``nnstudio sweep --param`` writes it."""
        name = self.item.name
        if self.choices is not None:
            values = [self.choices.item(i).data(Qt.ItemDataRole.UserRole)
                      for i in range(self.choices.count())
                      if self.choices.item(i).checkState() == Qt.CheckState.Checked]
            return Dimension(name, "choice", choices=tuple(values)).text()
        low, high = (editor.box.value() for editor in self.editors)
        log = self.log is not None and self.log.isChecked()
        return Dimension(name, self.item.kind, low, high, log).text()


class DimensionEditors(QWidget):
    """Every searchable thing of a network and its settings, training settings first."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[str, DimensionRow] = {}
        self.layout_ = QGridLayout(self)
        self.layout_.setContentsMargins(4, 4, 4, 4)
        self.layout_.setVerticalSpacing(2)

    def set_items(self, items: list[Searchable], network: NetworkSpec) -> None:
        previous = {name: row.text() for name, row in self.rows.items() if row.varied}
        while self.layout_.count():
            widget = self.layout_.takeAt(0).widget()
            if widget is not None:  # gone now, not at the next turn of the event loop
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self.rows.clear()
        heading_row = 0
        for group, wanted in (("Training settings", None), ("Layers", True)):
            members = [i for i in items if (i.node is not None) == bool(wanted)]
            if not members:
                continue
            title = QLabel(f"<b>{group}</b>")
            self.layout_.addWidget(title, heading_row, 0)
            heading_row += 1
            for item in members:
                row = DimensionRow(item, rule_of(item, network))
                row.changed.connect(self.changed)
                self.rows[item.name] = row
                self.layout_.addWidget(row, heading_row, 0)
                heading_row += 1
        self.layout_.setRowStretch(heading_row, 1)
        for name in previous:
            if name in self.rows:
                self.rows[name].set_varied(True)

    def texts(self) -> list[str]:
        return [row.text() for row in self.rows.values() if row.varied]
