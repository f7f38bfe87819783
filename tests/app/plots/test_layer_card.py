"""A Dense layer's card writes its values on the cells only while each number fits in its
cell: narrow cards show the colours alone, never numbers over one another."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QApplication

from nnstudio.app.plots.layer_card import LayerCard


def shown_numbers_overlap(card: LayerCard) -> bool:
    texts = [t for t in card._cell_texts if t.isVisible()]  # noqa: SLF001
    boxes = sorted((t.sceneBoundingRect() for t in texts), key=lambda r: r.left())
    return any(a.right() > b.left() for a, b in zip(boxes, boxes[1:], strict=False))


def test_numbers_show_only_where_they_fit(qtbot) -> None:  # noqa: ANN001
    card = LayerCard("dense1", "Dense", (16,))
    qtbot.addWidget(card)
    values = np.linspace(-0.123, 0.456, 16).astype(np.float32)
    card.resize(900, 80)
    card.show()
    card.show_values(values)
    QApplication.processEvents()
    assert card.cell_texts_shown() and not shown_numbers_overlap(card)
    card.resize(300, 80)
    QApplication.processEvents()
    assert not card.cell_texts_shown()
    card.resize(900, 80)
    QApplication.processEvents()
    assert card.cell_texts_shown()
