"""The drawing of a small dense network, as the course's ``Network.draw()``: neurons as
circles coloured by their output, edges as lines as thick as |weight| (blue positive, red
negative), and optional text labels on neurons and edges (the backprop stepper's numbers).
Hovering a neuron or an edge shows its values."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from nnstudio.app import theme, theme_follow
from nnstudio.app.inspect.dense_chain import DenseChain
from nnstudio.app.plots.common import PLAYGROUND

RADIUS = 21.0
COLUMN_GAP = 330.0
POSITIVE = QColor("#2166ac")
NEGATIVE = QColor("#c0392b")
MIN_EDGE_WIDTH, MAX_EDGE_WIDTH = 0.75, 8.0
EDGE_LABEL_AT = 0.36  # edge labels sit this far along from the source: clear of crossings
MAX_SCALE = 1.4
TEXT = QColor("#1f2933")  # on a neuron's pale fill, whatever the theme
NEURON_BORDER = QColor("#4b5563")
NeuronKey = tuple[int, int]  # column, index
EdgeKey = tuple[int, int, int]  # layer, source, target


def edge_width(weight: float, largest: float) -> float:
    """Line width for ``weight`` when the largest |weight| in the network is ``largest``."""
    share = abs(weight) / largest if largest > 0 else 0.0
    return MIN_EDGE_WIDTH + (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) * share


def edge_color(weight: float) -> QColor:
    color = QColor(POSITIVE if weight >= 0 else NEGATIVE)
    color.setAlpha(210)
    return color


def neuron_fill(value: float, scale: float) -> QColor:
    """Orange for negative, white for 0, blue for positive (TensorFlow Playground)."""
    if not np.isfinite(value):
        return QColor("#e5e7eb")
    share = 0.5 + 0.5 * float(np.clip(value / scale, -1.0, 1.0)) if scale > 0 else 0.5
    return PLAYGROUND.map(share, mode="qcolor")


def vertical_gap(largest_column: int) -> float:
    if largest_column <= 3:
        return 150.0
    if largest_column <= 6:
        return 100.0
    return 58.0


def column_titles(chain: DenseChain) -> list[str]:
    """'input', then each layer's nodes: 'dense1 + sigmoid1'."""
    titles = ["input"]
    for column in chain.columns:
        titles.append(column.dense if column.output == column.dense
                      else f"{column.dense} + {column.output}")
    return titles


class EdgeItem(QGraphicsLineItem):
    """A weight; easy to hover however thin it is drawn."""

    def shape(self) -> QPainterPath:
        path = QPainterPath(self.line().p1())
        path.lineTo(self.line().p2())
        stroker = QPainterPathStroker()
        stroker.setWidth(max(self.pen().widthF(), 9.0))
        return stroker.createStroke(path)


class LabelItem(QGraphicsItem):
    """Lines of text on a white rounded box, centred on its position."""

    def __init__(self, text: str, parent: QGraphicsItem | None = None) -> None:
        super().__init__(parent)
        self.font = QFont()
        self.font.setPointSizeF(8.5)
        self.setZValue(5)
        self.text = ""
        self._size = QRectF()
        self.set_text(text)

    def set_text(self, text: str) -> None:
        self.prepareGeometryChange()
        self.text = text
        metrics = QFontMetricsF(self.font)
        lines = text.splitlines() or [""]
        width = max(metrics.horizontalAdvance(line) for line in lines) + 10
        height = metrics.height() * len(lines) + 4
        self._size = QRectF(-width / 2, -height / 2, width, height)
        self.setVisible(bool(text))

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._size

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(theme.current.border), 0.8))
        box = QColor(theme.BASE_COLOR)
        box.setAlpha(235)
        painter.setBrush(box)
        painter.drawRoundedRect(self._size, 4, 4)
        painter.setFont(self.font)
        painter.setPen(QColor(theme.TEXT_COLOR))
        painter.drawText(self._size, Qt.AlignmentFlag.AlignCenter, self.text)


class NeuronItem(QGraphicsEllipseItem):
    def __init__(self, name: str, center: QPointF) -> None:
        super().__init__(-RADIUS, -RADIUS, 2 * RADIUS, 2 * RADIUS)
        self.setPos(center)
        self.setZValue(2)
        self.setPen(QPen(NEURON_BORDER, 1.4))
        self.setBrush(QBrush(QColor("#ffffff")))
        self.setAcceptHoverEvents(True)
        self.name = name
        self.caption = QGraphicsSimpleTextItem(name, self)
        font = QFont()
        font.setPointSizeF(9.5)
        font.setBold(True)
        self.caption.setFont(font)
        rect = self.caption.boundingRect()
        self.caption.setPos(-rect.width() / 2, -rect.height() / 2)
        self.label = LabelItem("", self)
        self.value = float("nan")
        self.bias: float | None = None
        self.heatmap = QGraphicsPixmapItem(self)  # its output over the input plane
        self.heatmap.setPos(-RADIUS, -RADIUS)
        self.heatmap.setZValue(-1)
        self.heatmap.setVisible(False)

    def set_heatmap(self, values: np.ndarray | None) -> None:
        """Fill the neuron with its output over the input plane (Playground's neuron
        pictures): orange negative, white 0, blue positive, scaled to its largest |output|;
        None goes back to one colour."""
        if values is None:
            self.heatmap.setVisible(False)
            return
        scale = float(np.max(np.abs(values))) or 1.0
        rgba = PLAYGROUND.map(0.5 + 0.5 * np.clip(values / scale, -1, 1), mode="byte")
        rgba = np.ascontiguousarray(rgba[..., :4].astype(np.uint8))
        height, width = values.shape
        image = QImage(rgba.data, width, height, 4 * width, QImage.Format.Format_RGBA8888)
        side = int(2 * RADIUS)
        picture = QPixmap(side, side)
        picture.fill(Qt.GlobalColor.transparent)
        painter = QPainter(picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        clip = QPainterPath()
        clip.addEllipse(QRectF(0, 0, side, side))
        painter.setClipPath(clip)
        painter.drawImage(QRectF(0, 0, side, side), image.copy())
        painter.end()
        self.heatmap.setPixmap(picture)
        self.heatmap.setVisible(True)
        self.caption.setBrush(TEXT)  # on the picture's pale middle

    def set_fill(self, color: QColor) -> None:
        self.setBrush(QBrush(color))
        dark = color.lightnessF() < 0.55
        self.caption.setBrush(QColor("#ffffff") if dark else TEXT)

    def set_label(self, text: str) -> None:
        self.label.set_text(text)
        height = self.label.boundingRect().height()
        self.label.setPos(0, -RADIUS - 6 - height / 2)


class UnitButton(QGraphicsItem):
    """A small round + or - button that adds or removes a unit of a Dense layer."""

    SIZE = 18.0

    def __init__(self, sign: int, dense: str, on_click: Callable[[str, int], None]) -> None:
        super().__init__()
        self.sign, self.dense, self.on_click = sign, dense, on_click
        self.setZValue(6)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(f"{'Add a unit to' if sign > 0 else 'Remove a unit from'} {dense} "
                        f"(Edit > Undo takes it back)")

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        half = self.SIZE / 2
        return QRectF(-half, -half, self.SIZE, self.SIZE)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(NEURON_BORDER, 1.2))
        colors = theme.current
        painter.setBrush(QColor(colors.button if self.isEnabled() else colors.base))
        painter.drawEllipse(self.boundingRect().adjusted(1, 1, -1, -1))
        painter.setPen(QPen(QColor(colors.text if self.isEnabled() else colors.disabled), 2))
        arm = self.SIZE / 4
        painter.drawLine(QPointF(-arm, 0), QPointF(arm, 0))
        if self.sign > 0:
            painter.drawLine(QPointF(0, -arm), QPointF(0, arm))

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        event.accept()

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self.boundingRect().contains(event.pos()):
            self.on_click(self.dense, self.sign)


class DiagramScene(QGraphicsScene):
    """Items for one DenseChain; ``show_weights``/``show_values``/``set_labels`` update them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackgroundBrush(QColor(theme.BASE_COLOR))
        theme_follow.notifier().changed.connect(self.follow_theme)
        self.chain: DenseChain | None = None
        self.neurons: dict[NeuronKey, NeuronItem] = {}
        self.edges: dict[EdgeKey, EdgeItem] = {}
        self.edge_labels: dict[EdgeKey, LabelItem] = {}
        self.weights: dict[EdgeKey, float] = {}
        self.captions: list[QGraphicsSimpleTextItem] = []
        self.unit_buttons: dict[tuple[str, int], UnitButton] = {}
        # Called with (dense layer, +1 or -1) when a unit button is clicked; None: no buttons.
        self.on_units: Callable[[str, int], None] | None = None

    def follow_theme(self) -> None:
        """The page, the column captions and the label boxes in the theme's colours."""
        self.setBackgroundBrush(QColor(theme.BASE_COLOR))
        for caption in self.captions:
            caption.setBrush(QColor(theme.MUTED_TEXT))
        self.update()

    def set_chain(self, chain: DenseChain) -> None:
        """Lay out the neurons and edges (only when the structure changed)."""
        if chain == self.chain:
            return
        self.clear()
        self.chain = chain
        self.neurons, self.edges, self.edge_labels, self.weights = {}, {}, {}, {}
        self.captions = []
        sizes = chain.sizes
        gap = vertical_gap(max(sizes))
        tallest = (max(sizes) - 1) * gap
        for column, size in enumerate(sizes):
            top = (tallest - (size - 1) * gap) / 2
            for index in range(size):
                center = QPointF(column * COLUMN_GAP, top + index * gap)
                item = NeuronItem(chain.neuron_name(column, index), center)
                self.addItem(item)
                self.neurons[(column, index)] = item
        names = chain.weight_names()
        for (layer, source, target), name in names.items():
            a, b = self.neurons[(layer, source)].pos(), self.neurons[(layer + 1, target)].pos()
            edge = EdgeItem(a.x(), a.y(), b.x(), b.y())
            edge.setZValue(0)
            edge.setAcceptHoverEvents(True)
            edge.setToolTip(name)
            self.addItem(edge)
            self.edges[(layer, source, target)] = edge
            label = LabelItem("")
            label.setPos(a + (b - a) * EDGE_LABEL_AT)
            self.addItem(label)
            self.edge_labels[(layer, source, target)] = label
        for column, title in enumerate(column_titles(chain)):
            caption = QGraphicsSimpleTextItem(title)
            caption.setBrush(QColor(theme.MUTED_TEXT))
            rect = caption.boundingRect()
            caption.setPos(column * COLUMN_GAP - rect.width() / 2, tallest + RADIUS + 26)
            self.addItem(caption)
            self.captions.append(caption)  # PySide may drop an item nothing in Python holds
        self.unit_buttons = {}
        if self.on_units is not None:  # the hidden layers' units, as Playground's +/-
            for column, spec in enumerate(chain.columns[:-1], start=1):
                for sign in (-1, 1):
                    button = UnitButton(sign, spec.dense, self.on_units)
                    button.setPos(column * COLUMN_GAP + sign * 14, tallest + RADIUS + 58)
                    button.setEnabled(sign > 0 or spec.units > 1)
                    self.addItem(button)
                    self.unit_buttons[(spec.dense, sign)] = button
        self.fit_scene_rect()

    def fit_scene_rect(self) -> None:
        """The neurons and captions plus room for three lines of label above the top row
        and beside the outer columns: the same for every phase, so nothing jumps."""
        rect = QRectF()
        for item in self.items():
            if item.parentItem() is None and isinstance(item, NeuronItem
                                                        | QGraphicsSimpleTextItem
                                                        | UnitButton):
                rect = rect.united(item.sceneBoundingRect())
        self.setSceneRect(rect.adjusted(-70, -84, 70, 16))

    def show_weights(self, weights: dict[str, dict[str, np.ndarray]]) -> None:
        """Edge thickness |w| (relative to the largest in the network), colour the sign."""
        chain = self.chain
        if chain is None:
            return
        names = chain.weight_names()
        values = {key: float(weights[chain.columns[key[0]].dense]["W"][key[1], key[2]])
                  for key in self.edges}
        largest = max((abs(v) for v in values.values()), default=0.0)
        for key, edge in self.edges.items():
            weight = values[key]
            layer, source, target = key
            pen = QPen(edge_color(weight), edge_width(weight, largest))
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            edge.setPen(pen)
            dense = chain.columns[layer].dense
            edge.setToolTip(
                f"{names[key]}: {chain.neuron_name(layer, source)} → "
                f"{chain.neuron_name(layer + 1, target)}\nweight = {weight:.6f}\n"
                f"({dense}.W[{source}, {target}])")
        self.weights = values
        for column, spec in enumerate(chain.columns, start=1):
            biases = weights[spec.dense].get("b")
            for index in range(spec.units):
                item = self.neurons[(column, index)]
                item.bias = None if biases is None else float(biases[index])

    def show_values(self, outputs: list[np.ndarray], nets: list[np.ndarray]) -> None:
        """Fill each neuron by its output; tooltips give net input, output and bias."""
        chain = self.chain
        if chain is None:
            return
        scale = max(1.0, max(float(np.max(np.abs(o))) for o in outputs if len(o)))
        for (column, index), item in self.neurons.items():
            out = float(outputs[column][index])
            item.value = out
            item.set_fill(neuron_fill(out, scale))
            lines = [item.name]
            if column == 0:
                lines.append(f"input = {out:.6f}")
            else:
                spec = chain.columns[column - 1]
                lines.append(f"{spec.dense} neuron {index + 1}")
                lines.append(f"net = {float(nets[column][index]):.6f}")
                activation = spec.activation.lower() if spec.activation else "no activation"
                lines.append(f"out = {out:.6f}  ({activation})")
                if item.bias is not None:
                    lines.append(f"bias = {item.bias:.6f}")
            item.setToolTip("\n".join(lines))

    def show_heatmaps(self, maps: dict[NeuronKey, np.ndarray] | None) -> None:
        """Each neuron's output over the input plane, or None for one colour each."""
        for key, item in self.neurons.items():
            item.set_heatmap(None if maps is None else maps.get(key))

    def set_labels(self, neuron_labels: dict[NeuronKey, str],
                   edge_labels: dict[EdgeKey, str]) -> None:
        for key, item in self.neurons.items():
            item.set_label(neuron_labels.get(key, ""))
        for key, label in self.edge_labels.items():
            label.set_text(edge_labels.get(key, ""))


class DiagramView(QGraphicsView):
    """Fits the whole diagram in view, never magnified past MAX_SCALE."""

    def __init__(self, scene: DiagramScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumHeight(220)

    def fit(self) -> None:
        rect = self.sceneRect()
        if rect.isEmpty():
            return
        self.resetTransform()
        scale = min(self.viewport().width() / rect.width(),
                    self.viewport().height() / rect.height(), MAX_SCALE)
        self.scale(scale, scale)
        self.centerOn(rect.center())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit()
