"""How long the pad takes from a mouse move to updated probability bars.

Mouse events are synthesised with QTest on a real pad; each move is timed from sending the
event until the bars hold new values and every pending paint has been processed.
"""

from __future__ import annotations

import math
import os
import time

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from nnstudio.app.inspect.draw_panel import DrawPanel
from nnstudio.app.inspect.pad import PAD_SIZE

BENCH_PRESETS = ("mlp-784-100-10", "lenet5")
TARGET_MS = 30.0


def stroke_paths(strokes: int, points: int = 24) -> list[list[QPointF]]:
    """``strokes`` wavy strokes across the canvas (canvas pixels), each of ``points``."""
    paths = []
    for s in range(strokes):
        phase = 2 * math.pi * s / max(strokes, 1)
        path = []
        for i in range(points):
            t = i / (points - 1)
            x = 50 + 180 * t
            y = PAD_SIZE / 2 + 80 * math.sin(2 * math.pi * t + phase)
            path.append(QPointF(x, y))
        paths.append(path)
    return paths


def measure_latency(pad_widget: DrawPanel, strokes: int = 10,
                    points: int = 24) -> dict[str, float]:
    """Median and 95th percentile milliseconds from a mouse move to updated bars."""
    pad, bars = pad_widget.pad, pad_widget.bars
    app = QApplication.instance()
    times: list[float] = []
    for canvas_path in stroke_paths(strokes, points):
        path = [pad.to_widget(p).toPoint() for p in canvas_path]
        pad.clear()
        QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         path[0])
        app.processEvents()
        for point in path[1:]:
            before = bars.updates
            start = time.perf_counter()
            QTest.mouseMove(pad, point)
            while bars.updates == before:
                app.processEvents()
                if time.perf_counter() - start > 5:
                    raise RuntimeError("the bars did not update after a mouse move")
            app.processEvents()  # the repaint of pad, preview and bars
            times.append((time.perf_counter() - start) * 1000.0)
        QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           path[-1])
    array = np.asarray(times)
    return {"median_ms": float(np.median(array)), "p95_ms": float(np.percentile(array, 95)),
            "moves": float(len(array))}


def run_pad_benchmark(strokes: int = 10) -> dict[str, dict[str, float]]:
    """The pad's latency for each benchmark preset, on an offscreen pad (starting weights:
    the time does not depend on what the weights are)."""
    from nnstudio.app.inspect.inspection_source import InspectionSource
    from nnstudio.spec.presets import load_preset

    if QApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    results: dict[str, dict[str, float]] = {}
    for name in BENCH_PRESETS:
        preset = load_preset(name)
        source = InspectionSource()
        source.set_document_network(preset.network, preset.training)
        panel = DrawPanel(source)
        panel.show()
        app.processEvents()
        try:
            results[name] = {**measure_latency(panel, strokes), "target_ms": TARGET_MS}
        finally:
            panel.close()
            panel.deleteLater()
            source.deleteLater()
            app.processEvents()
    return results
