"""The dashboard tab: every live view at once, in rows that follow the window's width.

Each view has a readable minimum size (``MIN_SIZE``); the views fill rows
left to right in a fixed order, as many as fit side by side, and a row that is not full
shares its room among its views. A window too small for them all scrolls the rows instead
of squeezing a view below its minimum. Views hidden for a run (Filters for 2-D sets,
Decision boundary for images) leave no gap: the rows are packed again."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

ORDER = ("Loss", "Runs", "Gradients", "Confusion", "Decision boundary", "Activations", "Filters",
         "Misclassified", "Predicted vs true")
# The smallest each view's frame may be (width, height in pixels) and still read well:
# room for its plots, titles and numbers.
MIN_SIZE = {"Loss": (440, 440), "Runs": (420, 200), "Gradients": (420, 440),
            "Confusion": (360, 440), "Decision boundary": (320, 380), "Activations": (400, 340),
            "Filters": (340, 340), "Misclassified": (380, 300), "Predicted vs true": (360, 380)}
DEFAULT_MIN_SIZE = (340, 320)
SPACING = 6


def pack_rows(widths: list[tuple[str, int]], available: int, spacing: int = SPACING
              ) -> list[list[str]]:
    """The views in rows, in their order, each row holding as many as fit side by side in
    ``available`` pixels (at least one)."""
    rows: list[list[str]] = []
    used = 0
    for name, width in widths:
        if rows and used + spacing + width <= available:
            rows[-1].append(name)
            used += spacing + width
        else:
            rows.append([name])
            used = width
    return rows


def _framed(title: str, view: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    box.setObjectName(f"view_{title.lower().replace(' ', '_')}")
    box.setMinimumSize(*MIN_SIZE.get(title, DEFAULT_MIN_SIZE))
    layout = QVBoxLayout(box)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.addWidget(view)
    return box


class DashboardArea(QScrollArea):
    """The views in rows that reflow with the width; ``frames`` {title: QGroupBox} (a
    frame hidden with ``setVisible(False)`` leaves the rows); ``rows()`` the current rows."""

    def __init__(self, views: dict[str, QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        names = [n for n in ORDER if n in views] + [n for n in views if n not in ORDER]
        self.frames: dict[str, QGroupBox] = {name: _framed(name, views[name]) for name in names}
        self._rows: list[list[str]] = []
        self._inner = QWidget()
        self._column = QVBoxLayout(self._inner)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(SPACING)
        for frame in self.frames.values():
            frame.setParent(self._inner)
            frame.installEventFilter(self)
        self.setWidget(self._inner)
        self._reflow()

    def rows(self) -> list[list[str]]:
        return [list(row) for row in self._rows]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.ShowToParent, QEvent.Type.HideToParent):
            self._reflow()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt's name and type
        super().resizeEvent(event)
        self._reflow()

    def _reflow(self) -> None:
        shown = [(name, frame.minimumWidth()) for name, frame in self.frames.items()
                 if not frame.isHidden()]
        # Less a scroll bar's width whether one shows or not: rows that depended on it
        # would bring the bar and take it away again, and again.
        available = self.width() - self.verticalScrollBar().sizeHint().width()
        rows = pack_rows(shown, available)
        if rows == self._rows:
            return
        self._rows = rows
        while self._column.count():
            row = self._column.takeAt(0).layout()
            while row.count():
                row.takeAt(0)
            row.deleteLater()
        for names in rows:
            row = QHBoxLayout()
            row.setSpacing(SPACING)
            for name in names:
                row.addWidget(self.frames[name], self.frames[name].minimumWidth())
            self._column.addLayout(row, max(self.frames[n].minimumHeight() for n in names))


def dashboard_widget(dashboard) -> DashboardArea:  # noqa: ANN001 - plots.Dashboard
    """The views of ``dashboard`` in rows that follow the window's width, and the table of
    compared runs beside the loss curves once there are earlier runs."""
    runs = dashboard.loss_view.run_list
    area = DashboardArea({**dashboard.views(), "Runs": runs})
    frame = area.frames["Runs"]
    frame.setTitle("Compared runs")
    frame.setVisible(runs.count() > 0)
    runs.has_runs.connect(frame.setVisible)
    return area
