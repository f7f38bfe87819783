"""The dashboard tab: every live view at once, in resizable splitters."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QScrollArea, QSplitter, QVBoxLayout, QWidget

ROWS = (("Loss", "Gradients", "Confusion", "Decision boundary"),
        ("Activations", "Filters", "Misclassified", "Predicted vs true"))


def _framed(title: str, view: QWidget) -> QWidget:
    box = QGroupBox(title)
    box.setObjectName(f"view_{title.lower().replace(' ', '_')}")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.addWidget(view)
    return box


def dashboard_widget(dashboard) -> QWidget:  # noqa: ANN001 - plots.Dashboard
    """Two rows of views; the loss curves get the most room."""
    views = dashboard.views()
    rows = QSplitter(Qt.Orientation.Vertical)
    for names in ROWS:
        row = QSplitter(Qt.Orientation.Horizontal)
        for name in names:
            if name in views:
                row.addWidget(_framed(name, views[name]))
        row.setSizes([400 if name == "Loss" else 300 for name in names if name in views])
        rows.addWidget(row)
    rows.setSizes([450, 450])
    # In a scroll area, so a small window scrolls the views instead of refusing to shrink.
    container = QScrollArea()
    container.setWidgetResizable(True)
    container.setFrameShape(QScrollArea.Shape.NoFrame)
    container.setWidget(rows)
    container.frames = {name: box for name, box in  # type: ignore[attr-defined]
                        ((n, rows.findChild(QGroupBox, f"view_{n.lower().replace(' ', '_')}"))
                         for n in views)}
    return container
