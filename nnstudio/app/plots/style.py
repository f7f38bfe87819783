"""The look of every plot: the theme's background (white, or dark), readable axes, titles,
pens."""

from __future__ import annotations

import math
import types

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QLabel, QSizePolicy, QWidget

TEXT = "#1f2933"
MUTED = "#5b6675"
AXIS = "#8792a2"
GRID_ALPHA = 0.18
BACKGROUND = "#ffffff"
TITLE_SIZE = "10pt"

# OpenGL has no offscreen surface, and the views do not need it.
pg.setConfigOption("useOpenGL", False)
# Text on a light cell of a colour map, whatever the theme: a shade apart from the light
# theme's text, so that a theme switch (theme_follow) never takes it for the theme's words.
INK = "#1c252e"


def use_colors(colors) -> None:  # noqa: ANN001 - theme.Colors (theme imports this module)
    """Draw the plots made from now on in ``colors`` (the light or the dark theme's)."""
    global TEXT, MUTED, AXIS, BACKGROUND
    TEXT, MUTED, AXIS, BACKGROUND = colors.text, colors.muted, colors.axis, colors.base


def tick_font() -> QFont:
    font = QFont()
    font.setPointSizeF(8.5)
    return font


def style_axes(plot: pg.PlotItem, left: str = "", bottom: str = "",
               left_units: str | None = None, bottom_units: str | None = None) -> None:
    """Dark tick labels and axis titles; units in brackets after the title."""
    for name, label, units in (("left", left, left_units), ("bottom", bottom, bottom_units)):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(AXIS))
        axis.setTextPen(pg.mkPen(TEXT))
        axis.setTickFont(tick_font())
        axis.enableAutoSIPrefix(False)  # "(x0.001)" after a label reads as a unit
        if label:
            axis.setLabel(label, units=units, color=TEXT, **{"font-size": "9pt"})


def style_plot(plot: pg.PlotItem, title: str = "", left: str = "", bottom: str = "",
               left_units: str | None = None, bottom_units: str | None = None,
               grid: bool = False) -> None:
    set_title(plot, title)
    style_axes(plot, left, bottom, left_units, bottom_units)
    if grid:
        plot.showGrid(x=True, y=True, alpha=GRID_ALPHA)
    plot.hideButtons()


def set_title(plot: pg.PlotItem, title: str) -> None:
    if not title:
        plot.setTitle(None)  # an empty title still takes a row
        return
    plot.setTitle(title, color=TEXT, size=TITLE_SIZE, bold=True)
    label = plot.titleLabel
    if not isinstance(label.__dict__.get("updateMin"), types.MethodType):
        label.updateMin = types.MethodType(_title_minimum, label)
        label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape, True)
        # Over the whole plot, axes included, not only over its data area: a long title
        # ("Epoch 150: validation accuracy 100.0%") was cut at both ends.
        plot.layout.removeItem(label)
        plot.layout.addItem(label, 0, 0, 1, 3)
    label.updateMin()


def _title_minimum(label: pg.LabelItem) -> None:
    """pyqtgraph makes a title's text width the plot's minimum width, so in a narrow dock
    the plot was clipped instead of squeezed; titles ask for their width, but need none."""
    bounds = label.itemRect()
    label.setMinimumWidth(0)
    label.setMinimumHeight(bounds.height())
    label._sizeHint = {  # noqa: SLF001 - what LabelItem.sizeHint reads
        Qt.SizeHint.MinimumSize: (0, bounds.height()),
        Qt.SizeHint.PreferredSize: (bounds.width(), bounds.height()),
        Qt.SizeHint.MaximumSize: (-1, -1),
        Qt.SizeHint.MinimumDescent: (0, 0),
    }
    label.updateGeometry()


def _share_space(widget: QWidget) -> None:
    """pyqtgraph's size hints follow the plots' contents; ignore them so layouts share space
    by their stretch factors and a view does not jump as data arrives."""
    widget.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)


def plot_widget() -> pg.PlotWidget:
    widget = pg.PlotWidget(background=BACKGROUND)
    widget.setAntialiasing(True)
    _share_space(widget)
    return widget


def layout_widget() -> pg.GraphicsLayoutWidget:
    widget = pg.GraphicsLayoutWidget()
    widget.setBackground(BACKGROUND)
    widget.ci.setContentsMargins(6, 6, 6, 6)
    _share_space(widget)
    return widget


def pen(color: str, width: float = 1.5, alpha: int = 255,
        style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> pg.QtGui.QPen:
    qcolor = QColor(color)
    qcolor.setAlpha(alpha)
    result = pg.mkPen(qcolor, width=width, style=style)
    result.setCosmetic(True)
    return result


def brush(color: str, alpha: int = 255) -> pg.QtGui.QBrush:
    qcolor = QColor(color)
    qcolor.setAlpha(alpha)
    return pg.mkBrush(qcolor)


def legend(plot: pg.PlotItem, offset: tuple[int, int] = (-8, 8)) -> pg.LegendItem:
    """A legend in the top-right corner on a translucent white box."""
    item = plot.addLegend(offset=offset, labelTextColor=TEXT, labelTextSize="8.5pt",
                          brush=brush(BACKGROUND, 215), pen=pg.mkPen(AXIS))
    item.setColumnCount(1)
    return item


def colorbar(colormap: pg.ColorMap, label: str, values: tuple[float, float] = (0.0, 1.0)
             ) -> pg.ColorBarItem:
    """A vertical colour scale that only shows the levels (it does not set them)."""
    bar = pg.ColorBarItem(values=values, colorMap=colormap, interactive=False, width=14)
    axis = bar.getAxis("right")
    axis.setTextPen(pg.mkPen(TEXT))
    axis.setTickFont(tick_font())
    axis.enableAutoSIPrefix(False)
    axis.setLabel(label, color=TEXT)
    return bar


class LogAxis(pg.AxisItem):
    """A log axis that labels decades, and 2 and 5 times them only where there is room,
    as plain numbers (0.001, 20, 1e-05): short plots never stack labels."""

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: ANN001, ANN201, N802, N803
        span = max(maxVal - minVal, 1e-9)
        per_decade = size / span  # pixels
        step = max(1, math.ceil(28 / per_decade))  # keep labels >= 28 px apart
        first, last = math.floor(minVal), math.ceil(maxVal)
        major = [d for d in range(first, last + 1) if minVal <= d <= maxVal and d % step == 0]
        multipliers = (2, 5) if per_decade >= 90 else (3,) if per_decade >= 50 else ()
        minor = [d + math.log10(m) for d in range(first, last + 1) for m in multipliers
                 if minVal <= d + math.log10(m) <= maxVal]
        if not major and not minor:  # less than one tick's room: label the middle
            minor = [(minVal + maxVal) / 2]
        return [(None, major), (None, minor)]

    def logTickStrings(self, values, scale, spacing):  # noqa: ANN001, ANN201, N802
        return [f"{10 ** float(v) * scale:.3g}" for v in values]


def compact_number(value: float, spacing: float) -> str:
    """A tick label as short as the spacing allows: 0.002, 40, 2e-4, 1.5e+6."""
    if value == 0 or abs(value) < spacing * 1e-6:
        return "0"
    if 1e-3 <= spacing and abs(value) < 1e5:
        decimals = max(0, -math.floor(math.log10(spacing) + 1e-9))
        return f"{value:.{decimals}f}"
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


class CompactAxis(pg.AxisItem):
    """A linear axis with only as many ticks as their labels have room for (a narrow
    histogram wrote "0.0020.004"), labelled by ``compact_number``."""

    GAP = 14  # px between two labels

    def tickSpacing(self, minVal, maxVal, size):  # noqa: ANN001, ANN201, N802, N803
        span = abs(maxVal - minVal)
        if span == 0 or size <= 0:
            return super().tickSpacing(minVal, maxVal, size)
        metrics = QFontMetrics(self.style.get("tickFont") or tick_font())
        if self.orientation in ("top", "bottom"):
            guess = span / 4
            room = max(metrics.horizontalAdvance(compact_number(v, guess))
                       for v in (minVal, maxVal, -span / 3)) + self.GAP
        else:
            room = metrics.height() * 2
        raw = span * min(1.0, room / size)  # the least step whose labels fit
        magnitude = 10 ** math.floor(math.log10(raw))
        major = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
        return [(major, 0)]

    def tickStrings(self, values, scale, spacing):  # noqa: ANN001, ANN201, N802
        return [compact_number(v * scale, spacing * scale) for v in values]


def log_plot(layout: pg.GraphicsLayout, row: int, col: int) -> pg.PlotItem:
    """A plot whose y axis is logarithmic, labelled by ``LogAxis``."""
    plot = layout.addPlot(row=row, col=col, axisItems={"left": LogAxis("left")})
    plot.setLogMode(y=True)
    return plot


def mix_with_white(color: str, amount: float) -> str:
    """``color`` at ``amount`` strength over white, as #rrggbb (rich text has no alpha)."""
    c = QColor(color)
    r, g, b = (round(255 + (v - 255) * amount) for v in (c.red(), c.green(), c.blue()))
    return f"#{r:02x}{g:02x}{b:02x}"


def key_html(entries: list[tuple[str, str, str]]) -> str:
    """A one-line legend in rich text: (colour, line glyph, text) per entry."""
    parts = [f"<span style='color:{color}; font-weight:700'>{glyph}</span>&nbsp;{text}"
             for color, glyph, text in entries]
    return "&nbsp;&nbsp;&nbsp; ".join(parts)


def key_label() -> QLabel:
    """The legend of a view: a wrapping line of coloured line samples and names, above the
    plots, so it never hides a curve."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setMinimumWidth(40)
    label.setStyleSheet(f"color: {TEXT}; padding: 1px 6px;")
    return label


def heading(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(f"color: {TEXT}; font-weight: 600; padding: 2px 4px;")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setMinimumWidth(40)
    return label


def caption(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setMinimumWidth(40)
    label.setStyleSheet(f"color: {MUTED}; padding: 2px 4px;")
    return label


def message(text: str = "") -> QLabel:
    """The large grey sentence a view shows instead of a plot that cannot apply."""
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {MUTED}; font-size: 11pt; padding: 24px; "
                        f"background: {BACKGROUND};")
    # A wrapped label asks for the height of its narrowest layout; let the layout decide.
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
    return label


GAP_COLOR = "#c9ced6"  # between tiles: the NaN padding is transparent over it


class TiledImage:
    """A ViewBox showing one ImageItem (rows top to bottom, square pixels unless told, no
    mouse) over a grey backing, so the NaN gaps between tiles read as grid lines."""

    def __init__(self, view: pg.GraphicsLayoutWidget | pg.GraphicsLayout,
                 row: int | None = None, col: int | None = None,
                 lock_aspect: bool = True) -> None:
        self.box = view.addViewBox(row=row, col=col, lockAspect=lock_aspect, invertY=True,
                                   enableMouse=False, enableMenu=False)
        self.backing = QGraphicsRectItem(0, 0, 1, 1)
        self.backing.setBrush(pg.mkBrush(GAP_COLOR))
        self.backing.setPen(pg.mkPen(None))
        self.backing.setZValue(-1)
        self.box.addItem(self.backing)
        self.item = pg.ImageItem(axisOrder="row-major")
        self.box.addItem(self.item)
        self._shape: tuple[int, ...] = ()

    def set_image(self, image: np.ndarray, levels: tuple[float, float]) -> None:
        """New pixels with fixed levels (no auto-levels pass); refits only on a new shape."""
        self.item.setImage(image, levels=levels, autoLevels=False)
        if image.shape != self._shape:
            self._shape = image.shape
            height, width = image.shape[:2]
            self.backing.setRect(0, 0, width, height)
            self.box.setRange(xRange=(0, width), yRange=(0, height), padding=0.02)
