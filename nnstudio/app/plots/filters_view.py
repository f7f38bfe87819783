"""Learned convolution kernels as images (blue positive, white zero, red negative), updating
from each weight snapshot; for a network without convolutions, the first Dense layer's
weights per unit as pictures of what that neuron looks for (28x28, or the colour image's
channels side by side)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from nnstudio.app.plots import style
from nnstudio.app.plots.base import LiveView
from nnstudio.app.plots.common import (
    DIVERGING,
    NEGATIVE_COLOUR,
    POSITIVE_COLOUR,
    as_square_image,
    lut,
    symmetric_levels,
    tile_images,
)
from nnstudio.engine.events import Snapshot
from nnstudio.running.inspection_copy import InspectionCopy, RunContext

MAX_UNITS = 256
NO_FILTERS = ("This network has no convolution layers, and its first Dense layer does not "
              "take a square image, so there are no filters to draw.\n\nAdd a Conv2D layer "
              "to see the kernels it learns.")


@dataclass(frozen=True)
class FilterSource:
    node: str
    kind: str  # "conv" or "dense"
    label: str
    # The image a layer reads, (channels, height, width): a Dense unit's inputs, or the
    # channels of the first Conv2D's kernels.
    image_shape: tuple[int, int, int] | None = None


def filter_sources(viewer: InspectionCopy, spec_types: dict[str, str],
                   image_shape: tuple[int, ...] | None = None) -> list[FilterSource]:
    """Conv2D layers in order; else the first Dense layer fed an image's pixels (the data's
    ``image_shape``, (C, H, W), or a square greyscale one)."""
    convs = [FilterSource(n, "conv", f"{n} (Conv2D)") for n in viewer.order
             if spec_types.get(n) == "Conv2D"]
    if convs:
        if image_shape is not None and len(image_shape) == 3:  # the first reads the image
            convs[0] = FilterSource(convs[0].node, "conv", convs[0].label,
                                    (image_shape[0], image_shape[1], image_shape[2]))
        return convs
    weights = viewer.weights()
    for node in viewer.order:
        if spec_types.get(node) == "Dense" and "W" in weights.get(node, {}):
            inputs = weights[node]["W"].shape[0]
            shape = _dense_image_shape(inputs, image_shape)
            if shape is not None:
                return [FilterSource(node, "dense", f"{node} (Dense, per unit)", shape)]
            break
    return []


def _dense_image_shape(inputs: int, image_shape: tuple[int, ...] | None
                       ) -> tuple[int, int, int] | None:
    if image_shape is not None and len(image_shape) == 3 \
            and int(np.prod(image_shape)) == inputs:
        c, h, w = image_shape
        return c, h, w
    if as_square_image(np.zeros(inputs)) is not None and inputs >= 64:
        side = int(round(np.sqrt(inputs)))
        return 1, side, side
    return None


def filter_picture(weights: np.ndarray, kind: str,
                   image_shape: tuple[int, int, int] | None = None) -> tuple[np.ndarray, str]:
    """(tiled image, caption) for a conv kernel (F, C, kh, kw) or a Dense W (inputs, units)
    read as images of ``image_shape`` (C, H, W; square greyscale when not given)."""
    if kind == "dense":
        units = weights.shape[1]
        if image_shape is None:
            side = int(round(np.sqrt(weights.shape[0])))
            image_shape = (1, side, side)
        channels, h, w = image_shape
        images = weights.T[:MAX_UNITS].reshape(-1, channels, h, w)
        shown = f"the first {MAX_UNITS} of {units}" if units > MAX_UNITS else f"all {units}"
        if channels == 1:
            return tile_images(images[:, 0]), (
                f"What each unit looks for: {shown} units' {weights.shape[0]} input weights "
                f"drawn as {h}×{w} images ({POSITIVE_COLOUR}: ink there raises the unit, "
                f"{NEGATIVE_COLOUR}: lowers it)")
        # Each unit's channels side by side, the units a little further apart.
        per_unit = np.stack([tile_images(unit, columns=channels) for unit in images])
        return tile_images(per_unit, pad=3), (
            f"What each unit looks for: {shown} units' weights on the {channels} colour "
            f"channels, each unit's red, green and blue {h}×{w} images side by side "
            f"({POSITIVE_COLOUR}: that colour there raises the unit, {NEGATIVE_COLOUR}: "
            f"lowers it)")
    filters, channels, kh, kw = weights.shape
    if channels == 1:
        return tile_images(weights[:, 0]), f"{filters} kernels of {kh}×{kw}"
    image = tile_images(weights.reshape(filters * channels, kh, kw), columns=channels)
    colours = " (red, green, blue)" if image_shape is not None and image_shape[0] == 3 \
        and channels == 3 else ""
    return image, (f"{filters} filters × {channels} input channels, {kh}×{kw} each: "
                   f"one row per filter, one column per input channel{colours}")


class FiltersView(LiveView):
    min_interval_ms = 500  # kernels change slowly: twice a second is plenty

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer_box = QComboBox()
        self.layer_box.setToolTip("Which layer's weights to draw")
        self.layer_box.currentIndexChanged.connect(lambda _: self.mark_dirty())
        self.caption = style.caption("")
        self.graphics = style.layout_widget()
        self.title = self.graphics.addLabel("", row=0, col=0, colspan=2, color=style.TEXT,
                                            size=style.TITLE_SIZE, bold=True)
        self.tiled = style.TiledImage(self.graphics, row=1, col=0)
        self.image = self.tiled.item
        self.image.setLookupTable(lut(DIVERGING))
        self.colorbar = style.colorbar(DIVERGING, "weight value", (-1.0, 1.0))
        self.graphics.addItem(self.colorbar, row=1, col=1)
        top = QHBoxLayout()
        top.addWidget(QLabel("Layer"))
        top.addWidget(self.layer_box, 1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.caption)
        self.set_content(page)
        self.show_message("Filters appear here when a run starts.")
        self.sources: list[FilterSource] = []
        self._weights: dict[str, dict[str, np.ndarray]] = {}
        self._weights_version = 0
        self._drawn: tuple[int, str] | None = None

    def start_run(self, context: RunContext, viewer: InspectionCopy) -> None:
        types = {node.id: node.type for node in context.spec.nodes}
        image_shape = context.dataset.input_shape if context.is_image else None
        self.sources = filter_sources(viewer, types, image_shape)
        self._weights = viewer.weights()
        self._weights_version += 1
        self._drawn = None
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        for source in self.sources:
            self.layer_box.addItem(source.label, source.node)
        self.layer_box.blockSignals(False)
        if self.sources:
            self.show_content()
        else:
            self.show_message(NO_FILTERS)
        super().start_run(context, viewer)

    def on_snapshot(self, event: Snapshot) -> None:
        self._weights = event.weights
        self._weights_version += 1
        self.mark_dirty()

    def selected(self) -> FilterSource | None:
        index = self.layer_box.currentIndex()
        return self.sources[index] if 0 <= index < len(self.sources) else None

    def select_layer(self, node: str) -> None:
        index = self.layer_box.findData(node)
        if index >= 0:
            self.layer_box.setCurrentIndex(index)

    def redraw(self) -> None:
        source = self.selected()
        if source is None:
            return
        state = (self._weights_version, source.node)
        if state == self._drawn:
            return
        self._drawn = state
        weights = self.current_filters(source.node)
        image, text = filter_picture(weights, source.kind, source.image_shape)
        levels = symmetric_levels(weights)
        self.tiled.set_image(image, levels)
        self.colorbar.setLevels(levels)
        self.title.setText(f"{source.node} weights")
        self.caption.setText(f"{text}. Colour range ±{levels[1]:.3g}.")

    # -- data for tests ----------------------------------------------------------------------
    def current_filters(self, layer: str) -> np.ndarray:
        """The newest weights of ``layer``: (F, C, kh, kw) for a conv, (in, units) for Dense."""
        return np.asarray(self._weights[layer]["W"])

    def displayed_image(self) -> np.ndarray | None:
        return self.image.image
