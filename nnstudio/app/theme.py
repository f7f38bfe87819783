"""The look: Fusion with a fixed light palette, and one colour per layer group."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

GROUP_COLORS = {
    "Core": "#3b6fb6",
    "Convolution": "#e07a1f",
    "Pooling": "#2f9e5b",
    "Activation": "#8e5cc0",
    "Normalization": "#1f9aa6",
    "Regularization": "#8a6a4f",
    "Merge": "#c2486e",
}
FALLBACK_COLOR = "#6b7280"
ERROR_COLOR = "#d62728"
ERROR_FILL = "#fdeeee"
SELECTION_COLOR = "#2563eb"
CANVAS_COLOR = "#f4f6f9"
TEXT_COLOR = "#1f2933"
MUTED_TEXT = "#5b6675"
EDGE_COLOR = "#8792a2"


def group_color(group: str | None) -> QColor:
    return QColor(GROUP_COLORS.get(group or "", FALLBACK_COLOR))


def tint(color: QColor, amount: float) -> QColor:
    """``color`` mixed with white: amount 0 is white, 1 is the colour itself."""
    return QColor(round(255 + (color.red() - 255) * amount),
                  round(255 + (color.green() - 255) * amount),
                  round(255 + (color.blue() - 255) * amount))


def swatch_icon(color: QColor, size: int = 14) -> QIcon:
    """A small rounded square in ``color``, used for palette groups and layers."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(color.darker(120))
    painter.setBrush(color)
    painter.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    painter.end()
    return QIcon(pixmap)


def light_palette() -> QPalette:
    p = QPalette()
    roles = QPalette.ColorRole
    p.setColor(roles.Window, QColor("#eef1f5"))
    p.setColor(roles.WindowText, QColor(TEXT_COLOR))
    p.setColor(roles.Base, QColor("#ffffff"))
    p.setColor(roles.AlternateBase, QColor("#f5f7fa"))
    p.setColor(roles.ToolTipBase, QColor("#ffffff"))
    p.setColor(roles.ToolTipText, QColor(TEXT_COLOR))
    p.setColor(roles.PlaceholderText, QColor("#8a94a3"))
    p.setColor(roles.Text, QColor(TEXT_COLOR))
    p.setColor(roles.Button, QColor("#f7f8fa"))
    p.setColor(roles.ButtonText, QColor(TEXT_COLOR))
    p.setColor(roles.BrightText, QColor("#ffffff"))
    p.setColor(roles.Highlight, QColor(SELECTION_COLOR))
    p.setColor(roles.HighlightedText, QColor("#ffffff"))
    p.setColor(roles.Link, QColor(SELECTION_COLOR))
    p.setColor(roles.Mid, QColor("#c9ced6"))
    p.setColor(roles.Dark, QColor("#a0a7b2"))
    p.setColor(roles.Light, QColor("#ffffff"))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        p.setColor(disabled, role, QColor("#9aa3ae"))
    return p


STYLE_SHEET = """
QToolBar { spacing: 4px; padding: 3px; border: none;
           border-bottom: 1px solid #d5dae1; background: #f7f8fa; }
QToolButton { padding: 3px 6px; border-radius: 4px; }
QToolButton:hover { background: #e3e8ef; }
QDockWidget::title { padding: 5px 8px; background: #e6eaf0; font-weight: 600; }
QStatusBar { border-top: 1px solid #d5dae1; background: #f7f8fa; }
QStatusBar QLabel#validity { padding: 0 8px; font-weight: 600; }
QLabel#help { color: #5b6675; }
QLabel#heading { font-size: 13pt; font-weight: 600; }
QLineEdit[invalid="true"] { border: 1px solid #d62728; background: #fdeeee; }
QTreeView, QTableView, QListView { border: 1px solid #d5dae1; }
"""


def apply_theme(app: QApplication) -> None:
    """Fusion, a light palette whatever the desktop's theme, and a readable font size."""
    app.setStyle("Fusion")
    app.setPalette(light_palette())
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)
