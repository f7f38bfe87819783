"""The palette (groups, filter, tooltips, double-click to append) and the inspector form
generated from the catalogue (widgets per kind, rename)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QSpinBox,
)

from nnstudio.app.builder.mime import LAYER_MIME
from nnstudio.app.builder.param_editors import PaddingEditor, parse_shape
from nnstudio.app.builder.summary import COLUMNS
from nnstudio.spec.catalogue import GROUPS, LAYER_TYPES


def double_click(palette, type_name: str) -> None:  # noqa: ANN001
    item = palette.item_for(type_name)
    tree = palette.tree
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    QTest.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier, rect.center())


def test_palette_groups_tooltips_and_mime(window) -> None:  # noqa: ANN001
    tree = window.palette.tree
    assert [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())] == list(GROUPS)
    for name, lt in LAYER_TYPES.items():
        item = window.palette.item_for(name)
        assert item is not None and lt.help in item.toolTip(0)
    mime = tree.mimeData([window.palette.item_for("Conv2D")])
    assert bytes(mime.data(LAYER_MIME).data()) == b"Conv2D"


def test_palette_filter(window) -> None:  # noqa: ANN001
    window.palette.filter_edit.setText("pool")
    assert window.palette.visible_types() == ["MaxPool2D", "AvgPool2D"]
    window.palette.filter_edit.setText("activation")
    assert "ReLU" in window.palette.visible_types()
    window.palette.filter_edit.setText("")
    assert len(window.palette.visible_types()) == len(LAYER_TYPES)


def test_double_click_dense_relu_dense_softmax_on_a_new_network(window) -> None:  # noqa: ANN001
    window.actions.new.trigger()
    for type_name in ("Dense", "ReLU", "Dense", "Softmax"):
        double_click(window.palette, type_name)
    doc = window.document
    assert [n.type for n in doc.spec.nodes] == ["Input", "Dense", "ReLU", "Dense", "Softmax"]
    assert doc.analysis.ok
    assert window.validity_text().startswith("Valid network")
    assert window.scene.selected_node_ids() == [doc.spec.nodes[-1].id]
    ys = [n.pos[1] for n in doc.spec.nodes]
    assert ys == sorted(ys) and len(set(ys)) == 5  # a tidy column, top to bottom


def test_double_click_appends_after_the_selected_layer(window) -> None:  # noqa: ANN001
    window.scene.select_nodes(["dense1"])
    double_click(window.palette, "Dropout")
    doc = window.document
    new = window.scene.selected_node_ids()[0]
    assert doc.spec.inputs_of(new)[0].source == "dense1"
    assert doc.spec.inputs_of("relu1")[0].source == new
    assert doc.analysis.ok


def test_enter_in_the_filter_appends_the_first_match(window) -> None:  # noqa: ANN001
    window.palette.filter_edit.setText("drop")
    QTest.keyClick(window.palette.filter_edit, Qt.Key.Key_Return)
    assert any(n.type == "Dropout" for n in window.document.spec.nodes)


def test_inspector_widgets_follow_the_catalogue(window) -> None:  # noqa: ANN001
    window.load_preset("lenet5")
    window.scene.select_nodes(["conv2d1"])
    editors = window.inspector.editors
    assert set(editors) == {p.name for p in LAYER_TYPES["Conv2D"].params}
    filters = editors["filters"].widget
    assert isinstance(filters, QSpinBox)
    assert (filters.minimum(), filters.maximum(), filters.value()) == (1, 4096, 6)
    assert isinstance(editors["use_bias"].widget, QCheckBox)
    assert isinstance(editors["init"].widget, QComboBox)
    padding = editors["padding"]
    assert isinstance(padding, PaddingEditor)
    assert padding.value() == 2
    padding.mode.setCurrentIndex(1)
    assert window.document.spec.node("conv2d1").params["padding"] == "same"
    assert window.document.analysis.shapes["conv2d1"] == (6, 28, 28)

    window.scene.select_nodes(["input"])
    shape = window.inspector.editors["shape"].widget
    assert isinstance(shape, QLineEdit) and shape.text() == "1x28x28"
    shape.setText("1x32x32")
    shape.editingFinished.emit()
    assert window.document.spec.node("input").params["shape"] == [1, 32, 32]

    window.load_preset("mlp-784-100-10")
    window.scene.select_nodes(["dense1"])
    window.document.add_node("BatchNorm", (500.0, 0.0), connect_from="dense1")
    window.scene.select_nodes(["batchnorm1"])
    eps = window.inspector.editors["eps"].widget
    assert isinstance(eps, QDoubleSpinBox) and eps.text() == "1e-05"
    eps.setValue(0.001)
    assert window.document.spec.node("batchnorm1").params["eps"] == 0.001


def test_parse_shape() -> None:
    assert parse_shape("1x28x28") == [1, 28, 28]
    assert parse_shape(" [1, 28, 28] ") == [1, 28, 28]
    assert parse_shape("784") == [784]
    assert parse_shape("0x3") is None and parse_shape("a") is None and parse_shape("") is None


def test_rename_in_inspector(window) -> None:  # noqa: ANN001
    window.scene.select_nodes(["dense1"])
    edit = window.inspector.id_edit
    edit.setText("hidden")
    edit.editingFinished.emit()
    doc = window.document
    assert doc.spec.has_node("hidden") and "hidden" in window.scene.nodes
    assert window.summary.table.item(1, 0).text() == "hidden"
    window.inspector.id_edit.setText("relu1")
    window.inspector.id_edit.editingFinished.emit()
    assert doc.spec.has_node("hidden")
    assert "already" in window.inspector.id_error.text()
    assert window.inspector.id_edit.text() == "hidden"
    window.actions.undo.trigger()
    assert doc.spec.has_node("dense1") and window.inspector.id_edit.text() == "dense1"


def test_copy_paste_cut(window) -> None:  # noqa: ANN001
    doc = window.document
    window.scene.select_nodes(["dense1", "relu1"])
    window.actions.copy.trigger()
    window.actions.paste.trigger()
    pasted = window.scene.selected_node_ids()
    assert pasted == ["dense3", "relu2"]
    assert any(e.source == "dense3" and e.target == "relu2" for e in doc.spec.edges)
    first = doc.spec.node("dense3").pos
    window.actions.paste.trigger()
    second = doc.spec.node(window.scene.selected_node_ids()[0]).pos
    assert second[0] > first[0] and second[1] > first[1]  # each paste moves a step further
    count = len(doc.spec.nodes)
    window.scene.select_nodes(["dense3"])
    window.actions.cut.trigger()
    assert len(doc.spec.nodes) == count - 1
    window.actions.undo.trigger()
    assert len(doc.spec.nodes) == count


def type_and_enter(box, text: str) -> None:  # noqa: ANN001
    box.setFocus()
    box.selectAll()
    QTest.keyClicks(box, text)
    QTest.keyClick(box, Qt.Key.Key_Return)


def test_two_committed_edits_of_one_field_need_two_undos(window, qtbot) -> None:  # noqa: ANN001
    window.scene.select_nodes(["dense1"])
    units = window.inspector.editors["units"].widget
    start = window.document.spec.node("dense1").params["units"]
    type_and_enter(units, "3")
    type_and_enter(window.inspector.editors["units"].widget, "40")
    assert window.document.spec.node("dense1").params["units"] == 40
    window.actions.undo.trigger()
    assert window.document.spec.node("dense1").params["units"] == 3
    window.actions.undo.trigger()
    assert window.document.spec.node("dense1").params["units"] == start


def test_spin_box_steps_before_enter_are_one_undo_step(window, qtbot) -> None:  # noqa: ANN001
    window.scene.select_nodes(["dense1"])
    units = window.inspector.editors["units"].widget
    start = units.value()
    units.setFocus()
    for _ in range(3):
        QTest.keyClick(units, Qt.Key.Key_Up)
    assert window.document.spec.node("dense1").params["units"] == start + 3
    window.actions.undo.trigger()
    assert window.document.spec.node("dense1").params["units"] == start


def test_undo_and_redo_tooltips_name_the_edit_and_the_key(window) -> None:  # noqa: ANN001
    window.document.set_param("dense1", "units", 12)
    undo_tip = window.actions.undo.toolTip()
    assert "Undo Set dense1 units" in undo_tip and "Ctrl+Z" in undo_tip
    window.actions.undo.trigger()
    redo_tip = window.actions.redo.toolTip()
    assert "Redo Set dense1 units" in redo_tip and "Ctrl+Shift+Z" in redo_tip


def test_summary_params_column_is_never_cut_in_a_narrow_dock(window) -> None:  # noqa: ANN001
    window.load_preset("lenet5")
    summary = window.summary
    summary.resize(300, 400)
    summary.show()
    table, header = summary.table, summary.table.horizontalHeader()
    for _ in range(3):
        QApplication.processEvents()
    params = len(COLUMNS) - 1
    right = header.sectionViewportPosition(params) + header.sectionSize(params)
    assert right <= table.viewport().width()  # the whole column on screen
    widest = max(table.fontMetrics().horizontalAdvance(table.item(row, params).text())
                 for row in range(table.rowCount()) if table.item(row, params))
    assert header.sectionSize(params) >= widest  # "48,120", not "48"
