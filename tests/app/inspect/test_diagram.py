"""The network diagram: weights as edges, outputs as neuron colours, live with training."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

from nnstudio.app.inspect.diagram import NetworkDiagram
from nnstudio.app.inspect.diagram_scene import NEGATIVE, POSITIVE, edge_width
from nnstudio.app.inspect.samples import TestSamples
from nnstudio.running.inspection_copy import InspectionCopy
from tests.app.inspect.conftest import save_shot, start_run


def make_diagram(qtbot, source) -> NetworkDiagram:  # noqa: ANN001 - pytest-qt's qtbot
    diagram = NetworkDiagram(source, TestSamples())
    qtbot.addWidget(diagram)
    diagram.resize(1000, 600)
    diagram.show()
    qtbot.waitExposed(diagram)
    diagram.refresher.run()
    return diagram


def same_color(a: QColor, b: QColor) -> bool:
    return (a.red(), a.green(), a.blue()) == (b.red(), b.green(), b.blue())


def test_edges_show_the_weights(qtbot, source_for) -> None:
    diagram = make_diagram(qtbot, source_for("backprop-example"))
    scene = diagram.scene
    assert len(scene.neurons) == 6 and len(scene.edges) == 8
    w5 = scene.edges[(1, 0, 0)]  # h1 -> o1: dense2.W[0, 0] = 0.40, largest is w8 = 0.55
    assert abs(w5.pen().widthF() - edge_width(0.40, 0.55)) < 1e-5
    assert w5.pen().widthF() < scene.edges[(1, 1, 1)].pen().widthF()
    assert same_color(w5.pen().color(), POSITIVE)
    assert "w5: h1 → o1" in w5.toolTip() and "0.400000" in w5.toolTip()
    assert list(diagram.inputs.values()) == [0.05, 0.10]
    h1 = scene.neurons[(1, 0)]
    assert abs(h1.value - 0.593270) < 1e-6
    assert "out = 0.593270" in h1.toolTip() and "bias = 0.350000" in h1.toolTip()
    save_shot(diagram, "diagram")


def test_the_diagram_follows_new_weights(qtbot, source_for) -> None:
    source = source_for("xor-mlp")
    diagram = make_diagram(qtbot, source)
    trained = InspectionCopy(source.viewer.spec, source.viewer.training)
    weights = trained.weights()
    weights["dense1"]["W"] = np.array([[-2.0, 1.0], [0.5, 1.0]], dtype=np.float32)
    trained.load_weights(weights)
    start_run(source, trained)
    source.weights_updated(trained)  # what controller.viewer_changed delivers
    diagram.refresher.run()
    edge = diagram.scene.edges[(0, 0, 0)]
    assert same_color(edge.pen().color(), NEGATIVE)
    assert abs(edge.pen().widthF() - edge_width(-2.0, 2.0)) < 1e-5
    assert "-2.000000" in edge.toolTip()
    assert "Trained" in diagram.header.text()


def test_a_truth_table_row_sets_the_input(qtbot, source_for) -> None:
    diagram = make_diagram(qtbot, source_for("xor-mlp"))
    assert diagram.rows.isVisibleTo(diagram) and diagram.rows.count() == 5
    diagram.rows.setCurrentIndex(3)
    diagram.rows.activated.emit(3)  # (1, 0) -> 1
    diagram.refresher.run()
    assert list(diagram.inputs.values()) == [1.0, 0.0]
    assert diagram.scene.neurons[(0, 0)].value == 1.0


def test_large_networks_get_a_clear_message(qtbot, source_for) -> None:
    diagram = make_diagram(qtbot, source_for("mlp-784-100-10"))
    assert diagram.message.isVisible()
    assert ("the diagram shows dense networks up to 32 neurons per layer; this one has 784 "
            "inputs") in diagram.message.text().lower()
    assert not diagram.view.isVisible()
