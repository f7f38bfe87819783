"""Weights a student can edit in the network diagram: a click on an edge or a neuron picks
its weight or bias, Enter sets it; the outputs, the truth table and the loss follow at
once, the edit is one step on the undo stack, and a trained network's weights stay what
they were apart from the edited one."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnstudio.app.main_window import MainWindow
from nnstudio.app.weight_edit.edits import bias_target, edge_target
from tests.app.helpers import train_to_the_end


def open_window(qtbot, source: str) -> MainWindow:
    window = MainWindow(persist=False, interactive=False, open_source=source)
    qtbot.addWidget(window, before_close_func=lambda w: w.document.mark_saved(w.document.path))
    window.resize(1400, 900)
    window.show()
    window.inspect.show_inside(window.inspect.diagram)
    return window


def settle(qtbot, window: MainWindow) -> None:
    """Let the views' refresh timers run."""
    qtbot.wait(150)


def click(qtbot, window: MainWindow, item) -> None:  # noqa: ANN001 - a scene item
    view = window.inspect.diagram.view
    point = view.mapFromScene(item.sceneBoundingRect().center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_editing_a_weight_updates_the_truth_table_and_the_loss_and_undoes(qtbot):
    window = open_window(qtbot, "xor-gates")
    settle(qtbot, window)
    editing, scene = window.weight_editing, window.inspect.diagram.scene
    table = editing.truth_table
    np.testing.assert_array_equal(table.outputs, [0, 1, 1, 0])  # XOR from its gates
    assert table.loss_value == 0.0

    click(qtbot, window, scene.edges[(1, 0, 0)])  # w5: the OR neuron into the AND
    assert editing.editor.target.name == "w5"
    assert editing.editor.field.text() == "1"
    editing.editor.field.setText("-1")
    qtbot.keyClick(editing.editor.field, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert window.document.spec.weights["dense2"]["W"] == [[-1.0], [1.0]]
    np.testing.assert_array_equal(table.outputs, [0, 0, 0, 0])  # the OR no longer counts
    assert table.loss_value == pytest.approx(0.25)  # mse: 0.5 * 2 wrong rows / 4
    assert float(window.inspect.diagram.scene.weights[(1, 0, 0)]) == -1.0  # the drawing
    assert window.actions.undo.text().endswith("Set w5 to -1")

    window.actions.undo.trigger()
    settle(qtbot, window)
    assert window.document.spec.weights["dense2"]["W"] == [[1.0], [1.0]]
    np.testing.assert_array_equal(table.outputs, [0, 1, 1, 0])
    assert table.loss_value == 0.0
    window.actions.redo.trigger()
    settle(qtbot, window)
    np.testing.assert_array_equal(table.outputs, [0, 0, 0, 0])


def test_a_bias_is_edited_by_clicking_its_neuron(qtbot):
    window = open_window(qtbot, "perceptron-and")
    settle(qtbot, window)
    editing, scene = window.weight_editing, window.inspect.diagram.scene
    np.testing.assert_array_equal(editing.truth_table.outputs, [0, 0, 0, 1])  # AND
    click(qtbot, window, scene.neurons[(1, 0)])
    assert editing.editor.target == bias_target(editing.chain(), (1, 0))
    assert editing.edit(editing.editor.target, -0.5)  # AND becomes OR
    settle(qtbot, window)
    np.testing.assert_array_equal(editing.truth_table.outputs, [0, 1, 1, 1])
    window.actions.undo.trigger()
    settle(qtbot, window)
    np.testing.assert_array_equal(editing.truth_table.outputs, [0, 0, 0, 1])


def test_editing_a_trained_network_keeps_its_other_trained_weights(qtbot):
    window = open_window(qtbot, "backprop-example")
    train_to_the_end(qtbot, window, epochs=20)
    settle(qtbot, window)
    editing = window.weight_editing
    trained = window.inspect.source.viewer.weights()
    before = editing.truth_table.loss_value
    target = edge_target(editing.chain(), (0, 1, 0))
    assert editing.edit(target, 3.0)
    settle(qtbot, window)
    edited = window.inspect.source.viewer.weights()
    assert edited["dense1"]["W"][1, 0] == 3.0
    np.testing.assert_array_equal(edited["dense2"]["W"], trained["dense2"]["W"])
    np.testing.assert_array_equal(edited["dense1"]["b"], trained["dense1"]["b"])
    assert editing.truth_table.loss_value != before
    assert window.training.weights is None  # Save keeps the edited network, not the old run


def test_the_diagram_says_its_weights_were_set_by_hand(qtbot):
    window = open_window(qtbot, "xor-mlp")
    settle(qtbot, window)
    header = window.inspect.diagram.header
    assert header.text() == "Untrained: the starting weights of xor-mlp"
    editing = window.weight_editing
    assert editing.edit(edge_target(editing.chain(), (0, 0, 0)), 2.0)
    settle(qtbot, window)
    assert header.text() == "Hand-set weights of xor-mlp (not trained)"
    folder = os.environ.get("NNSTUDIO_SHOTS")
    for width, height in ((1024, 700), (1400, 900), (1920, 1080)) if folder else ():
        window.resize(width, height)
        settle(qtbot, window)
        window.grab().save(str(Path(folder) / f"hand-set-diagram-{width}x{height}.png"))
    window.actions.undo.trigger()
    settle(qtbot, window)
    assert header.text() == "Untrained: the starting weights of xor-mlp"
