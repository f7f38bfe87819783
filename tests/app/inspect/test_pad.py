"""The digit pad: strokes become an MNIST-style 28x28 image and a live prediction."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from nnstudio.app.inspect.draw_panel import DrawPanel
from nnstudio.app.inspect.pad_benchmark import measure_latency
from nnstudio.running.inspection_copy import InspectionCopy
from tests.app.inspect.conftest import save_shot, start_run
from tests.app.inspect.strokes import DIGITS, draw_with_mouse, line


def make_panel(qtbot, source) -> DrawPanel:  # noqa: ANN001 - pytest-qt's qtbot
    panel = DrawPanel(source)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_strokes_give_a_centred_scaled_digit_and_a_prediction(qtbot, source_for) -> None:
    panel = make_panel(qtbot, source_for("mlp-784-100-10"))
    # A small 7 drawn off-centre, in the top-left corner of the pad.
    draw_with_mouse(panel.pad, [line(30, 30, 110, 30) + line(110, 30, 60, 140)[1:]])
    digit = panel.digit
    assert digit is not None and digit.shape == (28, 28)
    rows, cols = np.nonzero(digit > 0.05)
    height, width = rows.max() - rows.min() + 1, cols.max() - cols.min() + 1
    assert max(height, width) in (19, 20, 21)  # the longer side fills MNIST's 20-pixel box
    assert height <= 21 and width <= 21
    mass = digit.sum()
    centre = ((digit.sum(axis=1) @ np.arange(28)) / mass, (digit.sum(axis=0) @ np.arange(28))
              / mass)
    assert abs(centre[0] - 14) <= 1 and abs(centre[1] - 14) <= 1
    assert np.array_equal(panel.preview.values, digit)
    probabilities = panel.bars.probabilities
    assert probabilities is not None and len(probabilities) == 10
    assert abs(probabilities.sum() - 1) < 1e-5
    assert "untrained" in panel.status.text().lower()
    assert panel.answer.text().startswith("It looks like")
    save_shot(panel, "pad")


def test_every_mouse_move_updates_the_bars(qtbot, source_for) -> None:
    panel = make_panel(qtbot, source_for("lenet5"))
    before = panel.bars.updates
    QTest.mousePress(panel.pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(100, 100))
    for x in range(110, 200, 10):
        QTest.mouseMove(panel.pad, QPoint(x, 120))
    QTest.mouseRelease(panel.pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(190, 120))
    assert panel.bars.updates - before >= 10  # the press and nine moves


def test_undo_with_ctrl_z_and_the_button_and_clear(qtbot, source_for) -> None:
    panel = make_panel(qtbot, source_for("mlp-784-100-10"))
    draw_with_mouse(panel.pad, DIGITS[4])
    assert len(panel.pad.strokes) == 2
    one_stroke = panel.digit.copy()
    panel.pad.setFocus()
    QTest.keyClick(panel.pad, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(panel.pad.strokes) == 1
    assert not np.array_equal(panel.digit, one_stroke)
    qtbot.mouseClick(panel.undo_button, Qt.MouseButton.LeftButton)
    assert panel.pad.is_empty() and panel.digit is None
    assert panel.bars.probabilities is None
    draw_with_mouse(panel.pad, DIGITS[1])
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert panel.pad.is_empty()
    assert not panel.pad.canvas().any()


def test_brush_size_changes_the_stroke_width(qtbot, source_for) -> None:
    panel = make_panel(qtbot, source_for("mlp-784-100-10"))
    panel.brush.setValue(8)
    draw_with_mouse(panel.pad, [line(60, 140, 220, 140)])
    thin = panel.pad.canvas().sum()
    panel.pad.clear()
    panel.brush.setValue(30)
    draw_with_mouse(panel.pad, [line(60, 140, 220, 140)])
    assert panel.pad.canvas().sum() > 2.5 * thin


def test_new_weights_update_the_prediction(qtbot, source_for) -> None:
    source = source_for("mlp-784-100-10")
    panel = make_panel(qtbot, source)
    draw_with_mouse(panel.pad, DIGITS[3])
    before = panel.bars.probabilities.copy()
    trained = InspectionCopy(source.viewer.spec, source.viewer.training)
    weights = trained.weights()
    weights["dense2"]["b"] = np.arange(10, dtype=np.float32) * 3  # strongly favours 9
    trained.load_weights(weights)
    start_run(source, trained)
    assert panel.bars.top_class() == 9
    assert not np.allclose(panel.bars.probabilities, before)
    assert "trained" in panel.status.text().lower() and "run 1" in panel.status.text()


def test_a_network_that_does_not_read_digits_says_why(qtbot, source_for) -> None:
    panel = make_panel(qtbot, source_for("xor-mlp"))
    assert panel.message.isVisible()
    assert "784" in panel.message.text() and "2" in panel.message.text()
    assert not panel.bars.isVisible()
    draw_with_mouse(panel.pad, DIGITS[1])
    assert panel.bars.probabilities is None


def test_measure_latency_reports_median_and_p95(qtbot, source_for) -> None:
    panel = make_panel(qtbot, source_for("mlp-784-100-10"))
    figures = measure_latency(panel, strokes=2, points=6)
    assert figures["moves"] == 10
    assert 0 < figures["median_ms"] <= figures["p95_ms"]
