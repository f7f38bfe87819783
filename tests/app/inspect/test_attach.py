"""The inspection views inside the main window: where they are and what drives them."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from nnstudio.app.inspect.attach import INSIDE_TAB_TITLE
from nnstudio.running.inspection_copy import InspectionCopy
from tests.app.inspect.conftest import save_shot, start_run
from tests.app.inspect.strokes import DIGITS, draw_with_mouse


def test_the_views_are_in_the_window(window, qtbot) -> None:  # noqa: ANN001
    ui = window.inspect
    tabs = window.training.tabs
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert INSIDE_TAB_TITLE in titles
    assert [ui.tabs.tabText(i) for i in range(ui.tabs.count())] == [
        "Look inside", "Filter explorer", "Switch off", "Network diagram",
        "Backprop step by step"]
    assert window.docks["draw_dock"].widget().widget() is ui.draw
    assert ui.gradcheck_action in window.menus.train.actions()
    assert "untrained" in ui.draw.status.text().lower()
    assert ui.source.viewer is not None and not ui.source.trained

    ui.gradcheck_action.trigger()
    assert ui.gradcheck_dialog.isVisible()
    ui.gradcheck_dialog.close()

    ui.show_inside(ui.inside)
    window.docks["draw_dock"].raise_()
    draw_with_mouse(ui.draw.pad, DIGITS[7])
    assert ui.current.mode == "drawing"
    qtbot.waitUntil(lambda: ui.inside.predicted is not None)
    save_shot(window, "window")

    # Ctrl+Z on the pad takes back a stroke; the network's undo history is left alone.
    draw_with_mouse(ui.draw.pad, DIGITS[4])
    strokes, undo_index = len(ui.draw.pad.strokes), window.document.undo_stack.index()
    ui.draw.pad.setFocus()
    QTest.keyClick(ui.draw.pad, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(ui.draw.pad.strokes) == strokes - 1
    assert window.document.undo_stack.index() == undo_index


def test_moving_layers_keeps_the_viewer(window) -> None:  # noqa: ANN001
    ui = window.inspect
    viewer = ui.source.viewer
    window.document.move_nodes({"dense1": (40.0, 120.0)})
    assert ui.source.viewer is viewer
    window.document.set_param("dense1", "units", 64)
    assert ui.source.viewer is not viewer
    assert ui.source.viewer.shapes["dense1"] == (64,)


def test_runs_and_documents_drive_the_viewer(window, qtbot) -> None:  # noqa: ANN001
    ui, controller = window.inspect, window.training.controller
    untrained = ui.source.viewer
    trained = InspectionCopy(untrained.spec, untrained.training)
    controller.viewer = trained
    context = start_run(ui.source, trained)  # stands in for a worker's first snapshot
    ui.source.forget_run()
    assert not ui.source.trained
    controller.run_started.emit(context)
    assert ui.source.viewer is trained and ui.source.trained
    assert "run 1" in ui.draw.status.text()

    draw_with_mouse(ui.draw.pad, DIGITS[2])
    updates = ui.draw.bars.updates
    weights = trained.weights()
    weights["dense2"]["b"] = np.arange(10, dtype=np.float32) * 5
    trained.load_weights(weights)
    with qtbot.waitSignal(ui.source.changed, timeout=1000):
        controller.viewer_changed.emit(trained)  # a new snapshot during training
    assert ui.draw.bars.updates > updates and ui.draw.bars.top_class() == 9

    window.load_preset("backprop-example")
    assert not ui.source.trained
    assert ui.source.viewer.spec.name == "backprop-example"
    assert "784" in ui.draw.message.text()  # the pad cannot ask a 2-input network
    ui.show_inside(ui.backprop)
    ui.backprop.refresher.run()
    assert "out(o1) | 0.751365" in ui.backprop.table_text()
