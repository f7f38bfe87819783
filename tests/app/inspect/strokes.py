"""Digits drawn as a person would on the 280x280 pad, and QTest strokes to draw them."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from nnstudio.app.inspect.pad import DigitPad

Stroke = list[tuple[float, float]]


def arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float,
        steps: int = 40) -> Stroke:
    """Points on an ellipse from angle ``start`` to ``end`` (degrees, 0 = right, 90 = down:
    screen coordinates)."""
    angles = np.radians(np.linspace(start, end, steps))
    return [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]


def line(x0: float, y0: float, x1: float, y1: float, steps: int = 20) -> Stroke:
    return [(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t) for t in np.linspace(0, 1, steps)]


def figure_eight(cx: float = 140, cy: float = 140, width: float = 48,
                 height: float = 88, steps: int = 90) -> Stroke:
    """One stroke: down the right of the top loop, across, round the bottom loop, back."""
    t = np.linspace(0, 2 * math.pi, steps)
    return [(cx + width * math.sin(2 * a) * 0.9, cy - height * math.cos(a)) for a in t]


DIGITS: dict[int, list[Stroke]] = {
    0: [arc(140, 140, 58, 88, -90, 275, 60)],
    1: [line(128, 52, 150, 228)],
    2: [arc(140, 100, 52, 45, 190, 370, 30) + line(190, 108, 88, 225, 20)[1:]
        + line(88, 225, 200, 222, 15)[1:]],
    3: [arc(138, 95, 50, 42, 200, 450, 35) + arc(138, 180, 55, 45, 270, 520, 35)],
    4: [line(105, 50, 92, 150) + line(92, 150, 205, 150)[1:], line(178, 60, 172, 235)],
    5: [line(195, 55, 105, 55), line(105, 55, 98, 130)
        + arc(142, 175, 55, 50, 225, 500, 40)[1:]],
    6: [arc(230, 185, 130, 140, 230, 180, 25) + arc(146, 188, 46, 40, 180, -170, 45)[1:]],
    7: [line(82, 62, 198, 62) + line(198, 62, 118, 232)[1:]],
    8: [figure_eight()],
    9: [arc(135, 95, 50, 42, 0, 360, 45) + line(185, 95, 172, 235)[1:]],
}


def draw_with_mouse(pad: DigitPad, strokes: list[Stroke]) -> None:
    """Press, move through every point, release: one stroke after another. The strokes
    are in canvas pixels (280x280), whatever size the pad is shown at."""
    for stroke in strokes:
        points = [pad.to_widget(QPointF(x, y)).toPoint() for x, y in stroke]
        QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         points[0])
        for point in points[1:]:
            QTest.mouseMove(pad, point)
        QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           points[-1])
