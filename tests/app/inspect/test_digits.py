"""A network trained on the built-in MNIST subset reads digits drawn on the pad."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from nnstudio.app.inspect.draw_panel import DrawPanel
from nnstudio.running.session import create_session
from nnstudio.spec.presets import load_preset
from tests.app.inspect.conftest import dataset, save_shot, start_run
from tests.app.inspect.strokes import DIGITS, draw_with_mouse

PRESET, EPOCHS = "mlp-784-100-10", 3


def test_a_trained_network_recognises_drawn_digits(qtbot, source_for) -> None:
    preset = load_preset(PRESET)
    session = create_session(preset.network, replace(preset.training, epochs=EPOCHS),
                             dataset=dataset("mnist-subset"))
    list(session.trainer.run())
    source = source_for(PRESET)
    source.viewer.load_weights(session.network.get_weights())
    start_run(source, source.viewer)  # the pad now says whose weights it uses
    panel = DrawPanel(source)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)

    predictions = {}
    for digit, strokes in DIGITS.items():
        panel.pad.clear()
        draw_with_mouse(panel.pad, strokes)
        probabilities = panel.bars.probabilities
        predictions[digit] = (panel.bars.top_class(), float(probabilities.max()))
        assert abs(probabilities.sum() - 1) < 1e-5
        if digit == 8:
            save_shot(panel, "pad_trained_8")
    print("drawn -> predicted (probability):",
          ", ".join(f"{d} -> {p} ({q:.2f})" for d, (p, q) in predictions.items()))
    misses = [d for d, (p, _) in predictions.items() if p != d]
    assert len(misses) <= 1, f"misread {misses}: {predictions}"
    confusion = np.zeros((10, 10), dtype=int)
    for d, (p, _) in predictions.items():
        confusion[d, p] += 1
    assert confusion.trace() >= 9
