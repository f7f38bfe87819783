"""From an error to its cause: a confusion-matrix sample opens in Look inside with the path
of strongest activations; a filter switched off changes the accuracy by exactly what zeroing
its weights in a copy gives, shows on the canvas and in the filter explorer, and restores in
one click; only Apply changes the weights."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import Qt

from nnstudio.app.builder.ablation_marks import switched_off_tag
from nnstudio.app.inspect.current_input import VALIDATION
from nnstudio.running.build import build_network
from nnstudio.running.training_process.state import RunState
from nnstudio.spec.presets import load_preset


def train_small_cnn(qtbot, window) -> None:
    preset = load_preset("small-cnn")
    window.document.replace(preset.network, replace(preset.training, epochs=1))
    controller = window.training.controller
    window.actions.train_start.trigger()
    qtbot.waitUntil(lambda: controller.state is RunState.IDLE
                    and controller.last_finished is not None, timeout=90000)
    window.training.dashboard.refresh()


def accuracy_with_filter_off(viewer, x, y, layer: str, unit: int) -> float:
    """The independent computation: zero the filter's weights and bias in a copy."""
    weights = {n: {k: v.copy() for k, v in a.items()} for n, a in viewer.weights().items()}
    weights[layer]["W"][unit] = 0.0
    weights[layer]["b"][unit] = 0.0
    network = build_network(viewer.spec, viewer.training)
    network.set_weights(weights)
    return float(np.mean(network.predict(x).argmax(axis=1) == y))


def test_from_a_confusion_cell_to_a_switched_off_filter(qtbot, window) -> None:
    train_small_cnn(qtbot, window)
    inspect, confusion = window.inspect, window.training.dashboard.confusion_view
    counts = confusion.matrix()
    off_diagonal = counts - np.diag(np.diag(counts))
    true, predicted = np.unravel_index(int(np.argmax(off_diagonal)), counts.shape)
    confusion.select_cell(int(true), int(predicted))
    sample = confusion.selected_samples()[0]
    confusion.tiles.sample_clicked.emit(sample)
    assert window.training.tabs.currentWidget() is inspect.tabs
    assert inspect.current.mode == VALIDATION and inspect.current.validation_index == sample
    assert inspect.current.label() == int(true)
    inspect.inside.refresh()
    assert inspect.inside.path_label.text().startswith("<b>Path of strongest activations:")
    assert [layer for layer, _, _ in inspect.inside.path] == ["conv2d1", "conv2d2", "dense1"]
    assert inspect.inside.path[-1][1] == int(predicted)  # the class it wrongly chose

    # Switch off the strongest filter of conv2d1 for that sample, from the Switch off page.
    layer, unit = "conv2d1", inspect.inside.path[0][1]
    panel, state = inspect.ablation_panel, inspect.ablation
    inspect.show_inside(panel)
    panel.refresh()
    panel.show_layer(layer)
    viewer = inspect.source.viewer
    saved = {n: {k: v.copy() for k, v in a.items()} for n, a in window.training.weights.items()}
    original, _ = state.results()
    panel.units.item(unit).setCheckState(Qt.CheckState.Checked)
    panel.refresh()
    before, now = state.results()
    assert before is original
    context = inspect.source.context
    x, y = context.x_val[:2000], context.y_val[:2000]
    assert now.accuracy == accuracy_with_filter_off(viewer, x, y, layer, unit)
    assert now.accuracy - before.accuracy == \
        accuracy_with_filter_off(viewer, x, y, layer, unit) - float(
            np.mean(viewer.predict(x).argmax(axis=1) == y))
    assert "→" in panel.summary.text() and f"{layer} #{unit}" in panel.detail.text()
    assert panel.confusion.rowCount() == 10 and panel.per_class.rowCount() == 10
    # Shown on the canvas and in the filter explorer; the weights are untouched.
    assert switched_off_tag(window.scene, layer).text == "1 off"
    inspect.filters.refresh()
    assert inspect.filters.captions[unit].text() == f"#{unit} off"
    assert viewer.weights()[layer]["W"][unit].any()
    np.testing.assert_array_equal(window.training.weights[layer]["W"], saved[layer]["W"])

    # One click restores every unit.
    panel.restore_button.click()
    assert state.off == {} and switched_off_tag(window.scene, layer) is None
    panel.refresh()
    assert state.results()[1].accuracy == original.accuracy

    # Applying keeps the filter's weights at zero in the trained weights.
    state.set_off(layer, unit, True)
    panel.refresh()
    panel.apply_button.click()
    assert not window.training.weights[layer]["W"][unit].any()
    assert not window.training.weights[layer]["b"][unit].any()
    assert window.training.weights[layer]["W"][(unit + 1) % 8].any()
    assert window.document.is_modified
    assert state.off == {} and switched_off_tag(window.scene, layer) is None
