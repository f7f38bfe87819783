"""Small layout chores shared by the views."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLayout, QScrollArea, QVBoxLayout, QWidget


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget of ``layout``; hidden at once, so nothing of the old
    content shows before Qt gets round to deleting it."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())


def scrolling(grid: QLayout, object_name: str) -> QScrollArea:
    """``grid`` at the top of a scroll area whose content grows with the grid (rows of maps
    appear when a network is set), with ``object_name`` on the content for style sheets."""
    content = QWidget()
    content.setObjectName(object_name)
    column = QVBoxLayout(content)
    column.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
    column.addLayout(grid)
    column.addStretch(1)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.StyledPanel)
    scroll.setWidget(content)
    return scroll
