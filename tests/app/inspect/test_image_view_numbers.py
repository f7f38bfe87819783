"""Inside's value strips print their numbers only where each fits in its cell: values like
0.00043 beside 0.00033 used to run into one another ("0.000430.00033")."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QFont, QFontMetricsF

from nnstudio.app.inspect.image_view import numbers_fit


def test_numbers_print_only_where_they_fit(qapp) -> None:  # noqa: ANN001
    font = QFont()
    font.setPointSizeF(7.5)
    metrics = QFontMetricsF(font)
    short = np.array([[0.5, -0.25, 0.12]])
    long = np.array([[0.00043, 0.00033, 1.9e-07]])
    assert numbers_fit(short, 40, metrics)
    assert not numbers_fit(long, 40, metrics)  # "0.00043" needs more than 40 px
    assert numbers_fit(long, 80, metrics)
    assert numbers_fit(np.array([[np.nan]]), 5, metrics)
