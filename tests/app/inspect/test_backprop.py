"""Backpropagation step by step shows the course's worked example, one phase a click."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import Qt

from nnstudio.app.inspect.backprop import BackpropStepper
from nnstudio.app.inspect.backprop_steps import backprop_trace
from nnstudio.app.inspect.samples import TestSamples
from nnstudio.data.dataset import Dataset
from nnstudio.running.session import create_session
from nnstudio.spec.presets import load_preset
from tests.app.inspect.conftest import save_shot


def make_stepper(qtbot, source) -> BackpropStepper:  # noqa: ANN001 - pytest-qt's qtbot
    stepper = BackpropStepper(source, TestSamples())
    qtbot.addWidget(stepper)
    stepper.resize(1100, 800)
    stepper.show()
    qtbot.waitExposed(stepper)
    stepper.refresher.run()
    return stepper


def test_the_course_numbers_phase_by_phase(qtbot, source_for) -> None:
    stepper = make_stepper(qtbot, source_for("backprop-example"))
    assert list(stepper.inputs.values()) == [0.05, 0.10]
    assert list(stepper.targets.values()) == [0.01, 0.99]
    assert stepper.lr.value() == 0.5
    assert not stepper.back_button.isEnabled()

    text = stepper.table_text()
    assert "out(h1) | 0.593270" in text
    assert "out(o1) | 0.751365" in text
    assert "net 0.377500\nout 0.593270" in stepper.scene.neurons[(1, 0)].label.text
    save_shot(stepper, "backprop_1_forward")

    qtbot.mouseClick(stepper.next_button, Qt.MouseButton.LeftButton)
    assert "Step 2 of 5" in stepper.phase_title.text()
    assert "E | 0.298371" in stepper.table_text()
    assert stepper.error_label.text() == "E = 0.298371"
    assert "δ(o1) | 0.138499" in stepper.table_text()

    qtbot.mouseClick(stepper.next_button, Qt.MouseButton.LeftButton)
    assert "δ(h1) | 0.008771" in stepper.table_text()

    qtbot.mouseClick(stepper.next_button, Qt.MouseButton.LeftButton)
    assert "∂E/∂w5 | 0.082167" in stepper.table_text()
    assert "∂E/∂w1 | 0.000439" in stepper.table_text()
    w5 = stepper.scene.edge_labels[(1, 0, 0)]  # h1 -> o1
    assert w5.text == "∂E/∂w5 = 0.082167"

    qtbot.mouseClick(stepper.next_button, Qt.MouseButton.LeftButton)
    assert "w5 new | 0.358916 | 0.400000 − 0.5 × 0.082167" in stepper.table_text()
    assert w5.text == "w5: 0.400000 → 0.358916"
    assert not stepper.next_button.isEnabled()
    save_shot(stepper, "backprop_5_update")

    qtbot.mouseClick(stepper.back_button, Qt.MouseButton.LeftButton)
    assert "Step 4 of 5" in stepper.phase_title.text()


def test_the_numbers_are_the_engines_training_step() -> None:
    """The stepper's update is what one SGD step of the engine does to the weights."""
    preset = load_preset("backprop-example")
    trace = backprop_trace(preset.network, preset.training, np.array([0.05, 0.10]),
                           np.array([0.01, 0.99]), 0.5)
    x = np.array([[0.05, 0.10]], dtype=np.float32)
    y = np.array([[0.01, 0.99]], dtype=np.float32)
    data = Dataset("worked example", x, y, x, y, task="regression")
    training = replace(preset.training, epochs=1, batch_mode="full", shuffle=False)
    session = create_session(preset.network, training, dataset=data)
    list(session.trainer.run())
    w = session.network.get_weights()["dense2"]["W"]
    assert abs(w[0, 0] - trace.edge("w5").new_weight) < 1e-6


def test_editing_the_sample_recomputes(qtbot, source_for) -> None:
    stepper = make_stepper(qtbot, source_for("backprop-example"))
    stepper.set_phase(1)
    stepper.inputs.boxes[0].setValue(1.0)
    assert stepper.phase == 1
    assert "E | 0.298371" not in stepper.table_text()
    stepper.rows.setCurrentIndex(4)  # the XOR row (1, 1) -> 0
    stepper.rows.activated.emit(4)
    assert list(stepper.inputs.values()) == [1.0, 1.0]
    assert list(stepper.targets.values()) == [1.0, 0.0]


def test_a_large_network_gets_a_clear_message(qtbot, source_for) -> None:
    stepper = make_stepper(qtbot, source_for("mlp-784-100-10"))
    assert stepper.message.isVisible()
    assert "784 inputs" in stepper.message.text()
    assert stepper.trace is None
