"""The canvas with real gestures: palette drags dropped on the view, drag-to-connect with
the mouse, drop onto an edge, delete, parameter edits, error states; each one undoable."""

from __future__ import annotations

import copy

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from nnstudio.app.builder.items import EdgeItem, NodeItem
from nnstudio.spec.network import EdgeSpec
from nnstudio.spec.shapes import format_shape

from .helpers import drag_from_palette


def undo_redo_exact(window, before: dict, after: dict) -> None:  # noqa: ANN001
    doc = window.document
    window.actions.undo.trigger()
    assert doc.spec.to_json() == before
    window.actions.redo.trigger()
    assert doc.spec.to_json() == after


def test_palette_drag_lands_on_the_canvas(window) -> None:  # noqa: ANN001
    doc, scene = window.document, window.scene
    before = copy.deepcopy(doc.spec.to_json())
    target = QPointF(600, 120)
    assert drag_from_palette(window.palette, window.view, "Dropout", target)
    after = copy.deepcopy(doc.spec.to_json())
    added = [n for n in doc.spec.nodes if n.type == "Dropout"]
    assert len(added) == 1
    item = scene.nodes[added[0].id]
    assert item.frame().contains(target)
    assert item.isSelected()
    assert window.inspector.node_id == added[0].id
    undo_redo_exact(window, before, after)


def test_drop_onto_an_edge_inserts_the_layer(window) -> None:  # noqa: ANN001
    doc, scene = window.document, window.scene
    edge_item = next(e for e in scene.edges if e.edge == EdgeSpec("dense1", "relu1", 0))
    middle = edge_item.path().pointAtPercent(0.5)
    assert scene.edge_at(middle) is edge_item
    before = copy.deepcopy(doc.spec.to_json())
    assert drag_from_palette(window.palette, window.view, "Dropout", middle)
    after = copy.deepcopy(doc.spec.to_json())
    assert EdgeSpec("dense1", "dropout1", 0) in doc.spec.edges
    assert EdgeSpec("dropout1", "relu1", 0) in doc.spec.edges
    assert EdgeSpec("dense1", "relu1", 0) not in doc.spec.edges
    assert doc.analysis.ok
    assert {(e.edge.source, e.edge.target) for e in scene.edges} >= {
        ("dense1", "dropout1"), ("dropout1", "relu1")}
    undo_redo_exact(window, before, after)


def test_dragging_an_unconnected_layer_onto_an_edge_inserts_it(window) -> None:  # noqa: ANN001
    """A layer already on the canvas, dragged by the mouse so its centre lies on a
    connection: the connection lights up, and the drop puts the layer in the middle of it,
    move and insertion one undo step."""
    doc, scene, view = window.document, window.scene, window.view
    drag_from_palette(window.palette, view, "Dropout", QPointF(650, 60))
    node_id = next(n.id for n in doc.spec.nodes if n.type == "Dropout")
    assert not [e for e in doc.spec.edges if node_id in (e.source, e.target)]
    edge_item = next(e for e in scene.edges if e.edge == EdgeSpec("dense1", "relu1", 0))
    before = copy.deepcopy(doc.spec.to_json())
    viewport = view.viewport()
    start = view.mapFromScene(scene.nodes[node_id].frame().center())
    end = view.mapFromScene(edge_item.path().pointAtPercent(0.5))
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 6):
        QTest.mouseMove(viewport, start + (end - start) * step / 5)
    assert scene._hover_edge is edge_item, "the connection under the layer lights up"
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    after = copy.deepcopy(doc.spec.to_json())
    assert EdgeSpec("dense1", node_id, 0) in doc.spec.edges
    assert EdgeSpec(node_id, "relu1", 0) in doc.spec.edges
    assert EdgeSpec("dense1", "relu1", 0) not in doc.spec.edges
    assert doc.analysis.ok and scene._hover_edge is None
    undo_redo_exact(window, before, after)


def test_a_click_on_an_unconnected_layer_lying_on_an_edge_does_not_insert_it(
        window) -> None:  # noqa: ANN001
    doc, scene, view = window.document, window.scene, window.view
    edge_item = next(e for e in scene.edges if e.edge == EdgeSpec("dense1", "relu1", 0))
    middle = edge_item.path().pointAtPercent(0.5)
    node_id = doc.add_node("Dropout", (middle.x() - 60, middle.y() - 20))  # lies on it
    scene.nodes[node_id].setPos(middle - scene.nodes[node_id].frame().center()
                                + scene.nodes[node_id].pos())
    scene.commit_moves()
    item = scene.nodes[node_id]
    assert scene.edge_at(item.sceneBoundingRect().center(), ignore=item) is edge_item
    edges_before = list(doc.spec.edges)
    point = view.mapFromScene(item.frame().center())
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, point)
    assert doc.spec.edges == edges_before


def test_a_connected_layer_dragged_over_an_edge_only_moves(window) -> None:  # noqa: ANN001
    doc, scene, view = window.document, window.scene, window.view
    edges_before = list(doc.spec.edges)
    pos_before = doc.spec.node("softmax1").pos
    viewport = view.viewport()
    start = view.mapFromScene(scene.nodes["softmax1"].frame().center())
    edge_item = next(e for e in scene.edges if e.edge == EdgeSpec("dense1", "relu1", 0))
    end = view.mapFromScene(edge_item.path().pointAtPercent(0.5))
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, (start + end) / 2)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert doc.spec.edges == edges_before
    assert doc.spec.node("softmax1").pos != pos_before


def test_unknown_drop_is_refused(window) -> None:  # noqa: ANN001
    from PySide6.QtCore import QMimeData
    from PySide6.QtGui import QDragEnterEvent
    from PySide6.QtWidgets import QApplication

    mime = QMimeData()
    mime.setText("Dense")
    event = QDragEnterEvent(window.view.viewport().rect().center(), Qt.DropAction.CopyAction,
                            mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window.view.viewport(), event)
    assert not event.isAccepted()


def test_drag_from_output_port_to_a_layer_connects(window, qtbot) -> None:  # noqa: ANN001
    doc, scene, view = window.document, window.scene, window.view
    drag_from_palette(window.palette, view, "Dense", QPointF(600, 300))
    new_id = next(n.id for n in doc.spec.nodes if n.id not in ("input", "dense1", "relu1",
                                                                "dense2", "softmax1"))
    before = copy.deepcopy(doc.spec.to_json())
    start = view.mapFromScene(scene.nodes["relu1"].output_anchor())
    end = view.mapFromScene(scene.nodes[new_id].frame().center())
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, (start + end) / 2)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    after = copy.deepcopy(doc.spec.to_json())
    assert EdgeSpec("relu1", new_id, 0) in doc.spec.edges
    assert any(e.edge == EdgeSpec("relu1", new_id, 0) for e in scene.edges)
    undo_redo_exact(window, before, after)


def test_delete_selected_layer(window) -> None:  # noqa: ANN001
    doc, scene = window.document, window.scene
    before = copy.deepcopy(doc.spec.to_json())
    scene.select_nodes(["relu1"])
    window.actions.delete.trigger()
    after = copy.deepcopy(doc.spec.to_json())
    assert not doc.spec.has_node("relu1")
    assert "relu1" not in scene.nodes
    assert not [e for e in scene.edges if "relu1" in (e.edge.source, e.edge.target)]
    assert window.validity_text().endswith("problems")
    undo_redo_exact(window, before, after)
    window.actions.undo.trigger()
    assert isinstance(scene.nodes["relu1"], NodeItem)
    assert len(scene.edges) == len(doc.spec.edges)


def test_delete_selected_edge(window) -> None:  # noqa: ANN001
    doc, scene = window.document, window.scene
    edge_item = next(e for e in scene.edges if e.edge.target == "softmax1")
    scene.clearSelection()
    edge_item.setSelected(True)
    before = copy.deepcopy(doc.spec.to_json())
    window.actions.delete.trigger()
    after = copy.deepcopy(doc.spec.to_json())
    assert not doc.spec.inputs_of("softmax1")
    assert scene.nodes["softmax1"].has_error()
    undo_redo_exact(window, before, after)


def test_edit_parameter_in_inspector(window) -> None:  # noqa: ANN001
    doc, scene = window.document, window.scene
    scene.select_nodes(["dense1"])
    before = copy.deepcopy(doc.spec.to_json())
    window.inspector.editors["units"].box.setValue(32)
    after = copy.deepcopy(doc.spec.to_json())
    assert doc.spec.node("dense1").params["units"] == 32
    item = scene.nodes["dense1"]
    assert item.content.shape == "32"
    assert item.content.params == 784 * 32 + 32
    assert window.summary.total_text() == f"{doc.analysis.total_params:,}"
    undo_redo_exact(window, before, after)
    window.actions.undo.trigger()
    assert window.inspector.editors["units"].box.value() == 100  # the form follows undo


def test_shape_error_shows_on_the_node_at_fault(window) -> None:  # noqa: ANN001
    window.load_preset("small-cnn")
    scene, doc = window.scene, window.document
    scene.select_nodes(["conv2d1"])
    window.inspector.editors["kernel_size"].box.setValue(30)
    item = scene.nodes["conv2d1"]
    assert item.has_error()
    assert "does not fit" in item.error_text()
    assert "does not fit" in item.toolTip()
    assert "does not fit" in window.inspector.problems_label.text()
    others = [i for n, i in scene.nodes.items() if n != "conv2d1" and i.has_error()]
    assert not others  # downstream layers have unknown shapes but no error of their own
    assert "problem" in window.validity_text()
    window.inspector.editors["kernel_size"].box.setValue(5)
    assert not item.has_error()
    assert item.error_text() == ""
    assert doc.analysis.ok
    assert window.validity_text().startswith("Valid network")


def test_edges_show_tensor_shapes(window) -> None:  # noqa: ANN001
    window.load_preset("lenet5")
    shapes = window.document.analysis.shapes
    for edge_item in window.scene.edges:
        assert isinstance(edge_item, EdgeItem)
        assert edge_item.label.text == format_shape(shapes[edge_item.edge.source])


def test_auto_layout_is_one_undo_step(window) -> None:  # noqa: ANN001
    doc = window.document
    doc.move_nodes({"relu1": (700.0, 700.0)})
    before = copy.deepcopy(doc.spec.to_json())
    window.actions.auto_layout.trigger()
    after = copy.deepcopy(doc.spec.to_json())
    assert doc.spec.node("relu1").pos[0] == doc.spec.node("dense1").pos[0]
    ys = [doc.spec.node(i).pos[1] for i in ("input", "dense1", "relu1", "dense2", "softmax1")]
    assert ys == sorted(ys) and len(set(ys)) == 5
    undo_redo_exact(window, before, after)


def test_moving_a_node_with_the_mouse_is_undoable(window) -> None:  # noqa: ANN001
    doc, scene, view = window.document, window.scene, window.view
    view.set_zoom(1.0)
    item = scene.nodes["dense2"]
    view.centerOn(item)
    before = copy.deepcopy(doc.spec.to_json())
    start = view.mapFromScene(item.frame().center() + QPointF(-60, 0))
    end = start + type(start)(150, 40)
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, start + type(start)(20, 5))
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    after = copy.deepcopy(doc.spec.to_json())
    old, new = before["nodes"][3]["pos"], doc.spec.node("dense2").pos
    assert (round(new[0] - old[0]), round(new[1] - old[1])) == (150, 40)
    undo_redo_exact(window, before, after)
    window.actions.undo.trigger()
    assert item.pos() == QPointF(*old)  # the item follows the document back


def test_zoom_and_fit(window) -> None:  # noqa: ANN001
    view = window.view
    view.set_zoom(1.0)
    window.actions.zoom_in.trigger()
    assert view.zoom() > 1.0
    window.actions.zoom_out.trigger()
    window.actions.zoom_out.trigger()
    assert view.zoom() < 1.0
    window.actions.fit_view.trigger()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    for item in window.scene.nodes.values():
        assert visible.contains(item.frame())


def test_ctrl_wheel_zooms_and_middle_drag_pans(window) -> None:  # noqa: ANN001
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    view = window.view
    view.set_zoom(1.0)
    centre = QPointF(view.viewport().rect().center())
    wheel = QWheelEvent(centre, view.mapToGlobal(centre), QPoint(0, 0), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom() > 1.2
    assert window.zoom_label.text() == f"{view.zoom():.0%}"

    before = view.mapToScene(view.viewport().rect().center())
    start = view.viewport().rect().center()
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, start + QPoint(60, 40))
    QTest.mouseRelease(viewport, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier,
                       start + QPoint(60, 40))
    after = view.mapToScene(view.viewport().rect().center())
    assert after.x() < before.x() and after.y() < before.y()
    assert window.document.undo_stack.count() == 0  # panning is not an edit


def test_delete_key_on_the_canvas(window, qtbot) -> None:  # noqa: ANN001
    window.activateWindow()
    window.view.setFocus()
    qtbot.waitUntil(window.view.hasFocus)
    window.scene.select_nodes(["relu1"])
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    assert not window.document.spec.has_node("relu1")
