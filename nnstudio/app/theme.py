"""The look: Fusion with a light or a dark palette (following the desktop unless the View
menu says otherwise), and one colour per layer group."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

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
    """``color`` mixed with the page (white, or the dark theme's base): amount 0 is the
    page, 1 is the colour itself."""
    page = QColor(BASE_COLOR)
    return QColor(round(page.red() + (color.red() - page.red()) * amount),
                  round(page.green() + (color.green() - page.green()) * amount),
                  round(page.blue() + (color.blue() - page.blue()) * amount))


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


@dataclass(frozen=True)
class Colors:
    """The colours of one theme."""

    window: str
    base: str
    alt_base: str
    text: str
    muted: str
    placeholder: str
    button: str
    mid: str
    dark: str
    light: str
    disabled: str
    canvas: str
    edge: str
    error_fill: str
    bar: str  # toolbar and status bar
    border: str
    hover: str
    dock_title: str
    axis: str
    error_text: str  # a problem said in words
    warning_text: str  # amber words: untrained weights, a path of strongest activations
    ok_text: str  # green words: trained weights


LIGHT = Colors(window="#eef1f5", base="#ffffff", alt_base="#f5f7fa", text="#1f2933",
               muted="#5b6675", placeholder="#8a94a3", button="#f7f8fa", mid="#c9ced6",
               dark="#a0a7b2", light="#ffffff", disabled="#9aa3ae", canvas="#f4f6f9",
               edge="#8792a2", error_fill="#fdeeee", bar="#f7f8fa", border="#d5dae1",
               hover="#e3e8ef", dock_title="#e6eaf0", axis="#8792a2",
               error_text="#b91c1c", warning_text="#b45309", ok_text="#15803d")
DARK = Colors(window="#202429", base="#16191d", alt_base="#1c2025", text="#e3e7ec",
              muted="#a3adb9", placeholder="#6f7884", button="#2b3037", mid="#3b414a",
              dark="#101316", light="#3b414a", disabled="#6f7884", canvas="#1a1e23",
              edge="#7f8a98", error_fill="#3d2125", bar="#24292f", border="#363c45",
              hover="#363c45", dock_title="#2b3037", axis="#7f8a98",
              error_text="#f28b82", warning_text="#f0a45a", ok_text="#5cc98a")
MODES = ("auto", "light", "dark")  # auto: as the desktop is
THEME_SETTING = "view/theme"
BASE_COLOR = LIGHT.base
current = LIGHT


def desktop_is_dark() -> bool:
    """Whether the desktop asks applications for a dark look."""
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def resolve(mode: str) -> Colors:
    """The colours of ``mode`` ("auto" follows the desktop; anything unknown is "auto")."""
    if mode == "dark" or (mode not in ("light", "dark") and desktop_is_dark()):
        return DARK
    return LIGHT


def use(colors: Colors) -> None:
    """Make ``colors`` the ones the canvas, the diagrams and the plots draw with."""
    global current, CANVAS_COLOR, TEXT_COLOR, MUTED_TEXT, EDGE_COLOR, ERROR_FILL, BASE_COLOR
    current = colors
    CANVAS_COLOR, TEXT_COLOR, MUTED_TEXT = colors.canvas, colors.text, colors.muted
    EDGE_COLOR, ERROR_FILL, BASE_COLOR = colors.edge, colors.error_fill, colors.base
    from nnstudio.app.plots import style  # the plots' own look follows

    style.use_colors(colors)


def is_dark() -> bool:
    return current is DARK


def text_style(role: str = "muted", extra: str = "") -> str:
    """A label's style sheet with the current theme's colour for ``role`` (text, muted,
    error_text, warning_text, ok_text); View > Theme swaps it for the other theme's."""
    return f"color: {getattr(current, role)};{' ' + extra if extra else ''}"


# The style's icons drawn in one dark ink: the dark theme redraws them in its text colour.
INK_ICONS = (QStyle.StandardPixmap.SP_MediaPlay, QStyle.StandardPixmap.SP_MediaPause,
             QStyle.StandardPixmap.SP_MediaStop, QStyle.StandardPixmap.SP_MediaSkipForward,
             QStyle.StandardPixmap.SP_ArrowBack, QStyle.StandardPixmap.SP_ArrowForward)


def standard_icon(style: QStyle, which: QStyle.StandardPixmap) -> QIcon:
    """The style's icon ``which``, redrawn in the dark theme's light ink where the style
    draws it in black (play, pause, stop, step, the undo arrows)."""
    icon = style.standardIcon(which)
    if not is_dark() or which not in INK_ICONS:
        return icon
    redrawn = QIcon()
    for size in icon.availableSizes() or [QSize(16, 16), QSize(24, 24)]:
        for mode, color in ((QIcon.Mode.Normal, current.text),
                            (QIcon.Mode.Disabled, current.disabled)):
            pixmap = icon.pixmap(size)
            painter = QPainter(pixmap)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
            painter.fillRect(pixmap.rect(), QColor(color))
            painter.end()
            redrawn.addPixmap(pixmap, mode)
    return redrawn


def palette(colors: Colors) -> QPalette:
    p = QPalette()
    roles = QPalette.ColorRole
    for role, value in ((roles.Window, colors.window), (roles.WindowText, colors.text),
                        (roles.Base, colors.base), (roles.AlternateBase, colors.alt_base),
                        (roles.ToolTipBase, colors.base), (roles.ToolTipText, colors.text),
                        (roles.PlaceholderText, colors.placeholder), (roles.Text, colors.text),
                        (roles.Button, colors.button), (roles.ButtonText, colors.text),
                        (roles.BrightText, "#ffffff"), (roles.Highlight, SELECTION_COLOR),
                        (roles.HighlightedText, "#ffffff"), (roles.Link, SELECTION_COLOR),
                        (roles.Mid, colors.mid), (roles.Dark, colors.dark),
                        (roles.Light, colors.light)):
        p.setColor(role, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        p.setColor(disabled, role, QColor(colors.disabled))
    return p


def light_palette() -> QPalette:
    return palette(LIGHT)


def style_sheet(c: Colors) -> str:
    return f"""
QToolBar {{ spacing: 4px; padding: 3px; border: none;
           border-bottom: 1px solid {c.border}; background: {c.bar}; }}
QToolButton {{ padding: 3px 6px; border-radius: 4px; }}
QToolButton:hover {{ background: {c.hover}; }}
QDockWidget::title {{ padding: 5px 8px; background: {c.dock_title}; font-weight: 600; }}
QStatusBar {{ border-top: 1px solid {c.border}; background: {c.bar}; }}
QStatusBar QLabel#validity {{ padding: 0 8px; font-weight: 600; }}
QLabel#help {{ color: {c.muted}; }}
QLabel#heading {{ font-size: 13pt; font-weight: 600; }}
QLineEdit[invalid="true"] {{ border: 1px solid {ERROR_COLOR}; background: {c.error_fill}; }}
QTreeView, QTableView, QListView {{ border: 1px solid {c.border}; }}
""" + (dark_indicators(c) if c is DARK else "")


def dark_indicators(c: Colors) -> str:
    """Check boxes drawn with a visible edge: Fusion draws their edge darker than the
    window, which on the dark theme hid the boxes of lists (Switch off's units)."""
    from nnstudio.resources import resources_dir

    check = (resources_dir() / "icons" / "check.svg").as_posix()
    boxes = "QCheckBox::indicator, QAbstractItemView::indicator, QGroupBox::indicator"
    checked = ", ".join(f"{b.strip()}:checked" for b in boxes.split(","))
    disabled = ", ".join(f"{b.strip()}:disabled" for b in boxes.split(","))
    return f"""
{boxes} {{ border: 1px solid {c.edge}; border-radius: 3px; background: {c.base}; }}
{checked} {{ background: {SELECTION_COLOR}; border-color: {SELECTION_COLOR};
            image: url({check}); }}
{disabled} {{ border-color: {c.mid}; background: {c.alt_base}; }}
"""


STYLE_SHEET = style_sheet(LIGHT)


def apply_theme(app: QApplication, mode: str = "auto") -> Colors:
    """Fusion, the light or dark palette (``mode``: auto follows the desktop), and a
    readable font size; returns the colours chosen."""
    colors = resolve(mode)
    use(colors)
    # Each change below restyles every widget of every window: only what differs is set
    # (a second window, or the same theme chosen again, costs nothing).
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    chosen = palette(colors)
    if app.palette() != chosen:
        app.setPalette(chosen)
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
        app.setFont(font)
    sheet = style_sheet(colors)
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)
    return colors
