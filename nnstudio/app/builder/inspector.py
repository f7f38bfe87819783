"""The inspector: a form, generated from the catalogue, for the selected layer.

Edits go to the document as undo commands; shape inference reruns at once and the
output shape, parameter count and problems below the form follow.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app import theme
from nnstudio.app.builder.edited_network import EditedNetwork
from nnstudio.app.builder.param_editors import ParamEditor, make_editor
from nnstudio.spec.catalogue import LAYER_TYPES
from nnstudio.spec.edit_rules import EditError
from nnstudio.spec.network import Analysis
from nnstudio.spec.shapes import format_shape


def _label(text: str = "", name: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.RichText)
    if name:
        label.setObjectName(name)
    return label


class Inspector(QScrollArea):
    """Shows the selected layer's parameters, or an overview when none is selected."""

    def __init__(self, document: EditedNetwork, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.node_id: str | None = None
        self.editors: dict[str, ParamEditor] = {}
        self.id_edit: QLineEdit | None = None
        self.id_error: QLabel | None = None
        self.output_label: QLabel | None = None
        self.problems_label: QLabel | None = None
        self._selection: list[str] = []
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMinimumWidth(260)
        document.node_changed.connect(self._on_node_changed)
        document.node_removed.connect(self._on_node_removed)
        document.node_renamed.connect(self._on_node_renamed)
        document.analysis_changed.connect(self._on_analysis_changed)
        document.reset.connect(lambda: self.show_nodes([]))
        self.show_nodes([])

    # -- what to show ------------------------------------------------------------------
    def show_nodes(self, node_ids: list[str]) -> None:
        self._selection = list(node_ids)
        if len(node_ids) == 1 and self.document.spec.has_node(node_ids[0]):
            self._build_node_form(node_ids[0])
        else:
            self._build_overview(len(node_ids))

    def _fresh_page(self) -> QVBoxLayout:
        self.editors = {}
        self.id_edit = self.id_error = self.output_label = self.problems_label = None
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        self.setWidget(page)
        return layout

    def _build_overview(self, count: int) -> None:
        self.node_id = None
        layout = self._fresh_page()
        spec, analysis = self.document.spec, self.document.analysis
        if count > 1:
            layout.addWidget(_label(f"{count} layers selected", "heading"))
            layout.addWidget(_label("Select a single layer to edit its parameters. Delete, "
                                    "cut, copy and move work on the whole selection.", "help"))
        else:
            layout.addWidget(_label(html.escape(spec.name or "untitled"), "heading"))
            if spec.description:
                layout.addWidget(_label(html.escape(spec.description), "help"))
            state = ("valid" if analysis.ok else
                     f"{len(analysis.problems)} problem{'s' * (len(analysis.problems) != 1)}")
            layout.addWidget(_label(f"{len(spec.nodes)} layers · "
                                    f"{analysis.total_params:,} parameters · {state}"))
            layout.addWidget(_label("Select a layer to edit it. Double-click a layer in the "
                                    "palette to add it after the selected one, or drag it onto "
                                    "the canvas (onto a connection to insert it there). Drag "
                                    "from a layer's bottom port to another layer to connect "
                                    "them.", "help"))
        layout.addStretch(1)

    def _build_node_form(self, node_id: str) -> None:
        self.node_id = node_id
        layout = self._fresh_page()
        node = self.document.spec.node(node_id)
        lt = LAYER_TYPES.get(node.type)
        color = theme.group_color(lt.group if lt else None).name()
        layout.addWidget(_label(f"<span style='color:{color}'>{html.escape(node.type)}</span>"
                                + (f" <span style='color:{theme.MUTED_TEXT};font-size:9pt'>"
                                   f"{html.escape(lt.group)}</span>" if lt else ""), "heading"))
        if lt is not None:
            layout.addWidget(_label(html.escape(lt.help), "help"))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setVerticalSpacing(4)
        self.id_edit = QLineEdit(node_id)
        self.id_edit.setToolTip("The layer's name; it must be unique in the network.")
        self.id_edit.editingFinished.connect(self._rename)
        form.addRow("name", self.id_edit)
        self.id_error = _label("", "help")
        self.id_error.hide()
        form.addRow("", self.id_error)
        if lt is not None:
            values = self.document.spec.params_of(node_id)
            for param in lt.params:
                editor = make_editor(param, self._setter(param.name))
                editor.set_value(values.get(param.name, param.default))
                editor.widget.setToolTip(param.help)
                name_label = QLabel(param.name.replace("_", " "))
                name_label.setToolTip(param.help)
                form.addRow(name_label, editor.widget)
                form.addRow("", _label(html.escape(param.help), "help"))
                self.editors[param.name] = editor
        layout.addLayout(form)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: #d5dae1")
        layout.addWidget(line)
        self.output_label = _label()
        self.problems_label = _label()
        layout.addWidget(self.output_label)
        layout.addWidget(self.problems_label)
        layout.addStretch(1)
        self._show_analysis(self.document.analysis)

    def _setter(self, name: str) -> Any:
        def apply(value: Any) -> None:
            if self.node_id is not None and self.document.spec.has_node(self.node_id):
                self.document.set_param(self.node_id, name, value,
                                        merge_key=self.editors[name].session)
        return apply

    def _rename(self) -> None:
        if self.id_edit is None or self.node_id is None or self.id_error is None:
            return
        new = self.id_edit.text().strip()
        if new == self.node_id:
            self.id_error.hide()
            return
        try:
            self.document.rename_node(self.node_id, new)
        except EditError as error:
            self.id_error.setText(f"<span style='color:{theme.ERROR_COLOR}'>"
                                  f"{html.escape(str(error))}</span>")
            self.id_error.show()
            self.id_edit.setText(self.node_id)
            return
        self.id_error.hide()

    # -- following the document --------------------------------------------------------
    def _on_node_changed(self, node_id: str) -> None:
        if node_id == self.node_id:
            values = self.document.spec.params_of(node_id)
            for name, editor in self.editors.items():
                editor.set_value(values.get(name, editor.param.default))

    def _on_node_removed(self, node_id: str) -> None:
        if node_id == self.node_id:
            self.show_nodes([])

    def _on_node_renamed(self, old: str, new: str) -> None:
        self._selection = [new if i == old else i for i in self._selection]
        if old == self.node_id:
            self.node_id = new
            if self.id_edit is not None and self.id_edit.text() != new:
                self.id_edit.setText(new)

    def _on_analysis_changed(self, analysis: Analysis) -> None:
        if self.node_id is None:
            self._build_overview(len(self._selection))
        else:
            self._show_analysis(analysis)

    def _show_analysis(self, analysis: Analysis) -> None:
        if self.node_id is None or self.output_label is None or self.problems_label is None:
            return
        shape = format_shape(analysis.shapes.get(self.node_id))
        count = analysis.param_counts.get(self.node_id, 0)
        self.output_label.setText(f"Output <b>{shape}</b> · <b>{count:,}</b> parameters")
        problems = analysis.problems_of(self.node_id)
        self.problems_label.setText("<br>".join(
            f"<span style='color:{theme.ERROR_COLOR}'>⚠ {html.escape(p.message)}</span>"
            for p in problems))
        self.problems_label.setVisible(bool(problems))
