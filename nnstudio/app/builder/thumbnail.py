"""A small picture of a network for the preset gallery: its layers from left to right in the
auto-layout's order (branches one above the other), each a chip in its group's colour, as tall
as its output is large (on a log scale), joined by its edges; an edge that skips layers arcs
over them."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap

from nnstudio.app import theme
from nnstudio.spec.catalogue import LAYER_TYPES
from nnstudio.spec.layout import COLUMN_STEP, ROW_STEP, auto_layout
from nnstudio.spec.network import EdgeSpec, NetworkSpec

MARGIN = 6.0


def chip_heights(spec: NetworkSpec, tallest: float) -> dict[str, float]:
    """Each node's chip height: log of its output size, scaled so the largest is ``tallest``."""
    shapes = spec.analyze().shapes
    sizes = {n.id: math.prod(shapes.get(n.id) or (1,)) for n in spec.nodes}
    biggest = math.log1p(max(sizes.values(), default=1))
    return {node_id: max(0.25, math.log1p(size) / biggest) * tallest if biggest else tallest
            for node_id, size in sizes.items()}


def skip_edges(spec: NetworkSpec, columns: dict[str, float]) -> list[EdgeSpec]:
    """The edges that pass over at least one column of layers."""
    return [e for e in spec.edges if e.source in columns and e.target in columns
            and abs(columns[e.target] - columns[e.source]) > 1.01]


def layer_columns(spec: NetworkSpec) -> dict[str, float]:
    """Each node's column in the thumbnail: its row in the auto-layout."""
    return {n: y / ROW_STEP for n, (x, y) in auto_layout(spec).items()}


def network_thumbnail(spec: NetworkSpec, width: int = 200, height: int = 64) -> QPixmap:
    pixmap = QPixmap(width, height)
    pixmap.fill(QColor(theme.CANVAS_COLOR))
    if not spec.nodes:
        return pixmap
    layout = auto_layout(spec)
    # Sideways: depth (the layout's rows) runs left to right, branches top to bottom.
    columns = layer_columns(spec)
    lanes = {n: x / COLUMN_STEP for n, (x, y) in layout.items()}
    n_columns = max(columns.values()) + 1
    n_lanes = max(lanes.values()) - min(lanes.values()) + 1
    lane0 = min(lanes.values())
    skips = skip_edges(spec, columns)
    arc_band = 0.22 * height if skips else 0.0  # room above the chips for skip arcs
    column_width = (width - 2 * MARGIN) / n_columns
    lane_height = (height - 2 * MARGIN - arc_band) / n_lanes
    chip_width = max(3.0, min(column_width * 0.6, 22.0))
    heights = chip_heights(spec, lane_height * 0.9)

    def centre(node_id: str) -> QPointF:
        return QPointF(MARGIN + (columns[node_id] + 0.5) * column_width,
                       MARGIN + arc_band + (lanes[node_id] - lane0 + 0.5) * lane_height)

    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(theme.EDGE_COLOR), 1.2))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for edge in spec.edges:
        if edge.source not in layout or edge.target not in layout:
            continue
        start, end = centre(edge.source), centre(edge.target)
        if edge in skips:  # over the layers it skips, not through them
            path = QPainterPath(start)
            top = MARGIN + arc_band * 0.2
            path.cubicTo(QPointF(start.x(), top), QPointF(end.x(), top), end)
            painter.drawPath(path)
        else:
            painter.drawLine(start, end)
    for node in spec.nodes:
        kind = LAYER_TYPES.get(node.type)
        color = theme.group_color(kind.group if kind else None)
        middle, h = centre(node.id), heights[node.id]
        painter.setPen(QPen(color.darker(130), 1))
        painter.setBrush(color)
        painter.drawRoundedRect(QRectF(middle.x() - chip_width / 2, middle.y() - h / 2,
                                       chip_width, h), 2, 2)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.end()
    return pixmap
