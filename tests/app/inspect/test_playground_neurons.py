"""Playground's neurons in the network diagram: for 2-D toy sets each neuron shows its
output over the input plane, and + and - add or remove a unit of a hidden Dense layer, an
undoable edit of the network."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from nnstudio.app.inspect.dense_chain import dense_chain, plane_grid, unit_maps
from nnstudio.running.inspection_copy import InspectionCopy
from nnstudio.spec.presets import load_preset
from tests.app.inspect.test_diagram import make_diagram


def test_each_neuron_pictures_its_output_over_the_plane(qtbot, source_for) -> None:
    diagram = make_diagram(qtbot, source_for("circles-mlp"))
    neurons = diagram.scene.neurons
    assert all(item.heatmap.isVisible() for item in neurons.values())
    picture = neurons[(1, 0)].heatmap.pixmap().toImage()
    middle = picture.height() // 2
    row = {picture.pixel(x, middle) for x in range(4, picture.width() - 4)}
    assert len(row) > 5  # a gradient across the plane, not one colour
    # Data that is not a plane keeps one colour per neuron.
    source = source_for("backprop-example")
    preset = load_preset("backprop-example")
    source.set_document_network(preset.network, replace(preset.training, dataset="sine"))
    plain = make_diagram(qtbot, source)
    assert not any(item.heatmap.isVisible() for item in plain.scene.neurons.values())


def test_the_pictures_are_the_units_outputs_on_the_grid() -> None:
    preset = load_preset("circles-mlp")
    viewer = InspectionCopy(preset.network, preset.training)
    chain = dense_chain(preset.network)
    corners = np.array([[-1.0, -1.0], [1.0, 1.0]], dtype=np.float32)
    grid = plane_grid(corners, 5)
    maps = unit_maps(chain, viewer.activations(grid), 5)
    assert maps[(0, 0)][0, 0] == grid[0, 0] and maps[(0, 1)][0, 0] == grid[0, 1]
    assert grid[0, 1] > grid[-1, 1]  # the top row is the largest y, as an image is drawn
    point = grid[7:8]
    expected = viewer.activations(point)["tanh2"][0, 3]
    assert np.isclose(maps[(2, 3)].ravel()[7], expected)


def test_plus_and_minus_change_a_hidden_layer_undoably(window, qtbot) -> None:
    window.open_source("circles-mlp")
    ui = window.inspect
    window.training.tabs.setCurrentIndex(ui.tab_index)
    ui.tabs.setCurrentWidget(ui.tabs.widget(2))
    ui.diagram.refresher.run()
    scene, view = ui.diagram.scene, ui.diagram.view
    assert set(scene.unit_buttons) == {("dense1", -1), ("dense1", 1), ("dense2", -1),
                                       ("dense2", 1)}  # not the output layer

    def click(dense: str, sign: int) -> None:
        button = scene.unit_buttons[(dense, sign)]
        assert button.isVisible()
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         pos=view.mapFromScene(button.scenePos()))
        ui.diagram.refresher.run()

    click("dense1", 1)
    assert window.document.spec.node("dense1").params["units"] == 9
    assert len([k for k in scene.neurons if k[0] == 1]) == 9
    click("dense2", -1)
    assert window.document.spec.node("dense2").params["units"] == 7
    window.actions.undo.trigger()
    window.actions.undo.trigger()
    assert window.document.spec.node("dense1").params["units"] == 8
    assert window.document.spec.node("dense2").params["units"] == 8
