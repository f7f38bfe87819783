"""The filter explorer: a convolution layer's filters as tiles; a click shows one filter's
weights, its gradient and its activation map for the current input, and the test samples
that excite it most."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app import theme
from nnstudio.app.inspect.conv_layers import conv_nodes, response_node
from nnstudio.app.inspect.current_input import CurrentInput
from nnstudio.app.inspect.image_view import ArrayView
from nnstudio.app.inspect.input_chooser import InputChooser
from nnstudio.app.inspect.layer_display import (
    SIGNED,
    clear,
    show_activation,
    show_image,
    show_signed,
)
from nnstudio.app.inspect.layouts import clear_layout, scrolling
from nnstudio.app.inspect.prediction import class_probabilities, loss_target, predicted_class
from nnstudio.app.inspect.refresh import RefreshWhenVisible
from nnstudio.app.inspect.top_samples import SAMPLES, MaximaCache, top_samples
from nnstudio.app.plots.common import symmetric_levels, tile_images
from nnstudio.data.errors import DatasetError

TILE_COLUMNS = 3
TOP_K = 8
SAMPLE_COLUMNS = 4
TILES_WIDTH = 220  # the tile list; the details take the rest
DETAIL_WIDTH = 200  # pixels across an enlarged filter, gradient or response


def filter_image(weights: np.ndarray) -> np.ndarray:
    """One filter (in_channels, kh, kw) as a 2-D picture: its kernel, or its kernels side
    by side when it reads several channels."""
    if len(weights) == 1:
        return weights[0]
    return tile_images(weights, columns=min(len(weights), 3))


def detail_cell(image: np.ndarray, width: float) -> float:
    """Pixels per value so that ``image`` is about ``width`` across (at most 40: a 5x5
    kernel gets cells wide enough to print its weights in)."""
    return max(2.0, min(40.0, width / max(image.shape)))


class FilterExplorer(QWidget):
    def __init__(self, current: CurrentInput, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current = current
        self.source = current.source
        self.channel = 0
        self.tiles: list[ArrayView] = []
        self.cache = MaximaCache()
        self._tiles_key: tuple | None = None

        self.header = QLabel()
        self.header.setStyleSheet(theme.text_style())
        self.layer = QComboBox()
        self.layer.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.layer.setToolTip("Which convolution layer's filters to show")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(theme.text_style("warning_text"))
        self.tile_grid = QGridLayout()
        self.tile_grid.setSpacing(6)
        self.scale_label = QLabel()
        self.scale_label.setStyleSheet(theme.text_style())
        self.scale_label.setWordWrap(True)

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.weights_view = ArrayView(max_size=(DETAIL_WIDTH, DETAIL_WIDTH))
        self.gradient_view = ArrayView(max_size=(DETAIL_WIDTH, DETAIL_WIDTH))
        self.gradient_view.print_numbers = False  # tiny values: read them in the tooltips
        self.activation_view = ArrayView(max_size=(DETAIL_WIDTH, DETAIL_WIDTH))
        self.weights_caption = QLabel()
        self.gradient_caption = QLabel()
        self.activation_caption = QLabel()
        self.find_button = QPushButton("Find them")
        self.find_button.setToolTip(f"Runs the first {SAMPLES} test samples through the "
                                    "network (about a second)")
        self.samples_status = QLabel()
        self.samples_status.setStyleSheet(theme.text_style())
        self.samples_status.setWordWrap(True)
        self.sample_views = [ArrayView(cell=(2.0, 2.0), max_size=(54, 54))
                             for _ in range(TOP_K)]
        self.sample_captions = [QLabel() for _ in range(TOP_K)]
        self.captions: list[QLabel] = []
        self.switch_off = QCheckBox("Switched off")
        self.switch_off.setToolTip("Count this filter's weights and bias as 0 (the Switch off "
                                   "page shows what that does to the accuracy)")
        self.switch_off.hide()
        self.ablation = None  # an AblationState, when the window has one (set_ablation)
        self._build_layout()
        self.switch_off.toggled.connect(self._on_switch_off)

        self.refresher = RefreshWhenVisible(self, self.refresh)
        self.layer.currentIndexChanged.connect(self._on_layer)
        self.find_button.clicked.connect(self.find_top_samples)
        current.changed.connect(self.refresher.request)
        self.source.changed.connect(self.refresher.request)
        self.refresher.request()

    def _build_layout(self) -> None:
        scroll = scrolling(self.tile_grid, "filter_tiles")
        scroll.setMinimumWidth(TILES_WIDTH)
        self.scale_label.setMaximumWidth(TILES_WIDTH)
        left = QVBoxLayout()
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Layer"))
        pick.addWidget(self.layer)
        pick.addStretch(1)
        left.addLayout(pick)
        left.addWidget(QLabel("Click a filter to look at it:"))
        left.addWidget(scroll, 1)
        left.addWidget(self.scale_label)

        def titled(view: QWidget | QLayout, title: str, caption: QLabel | None) -> QVBoxLayout:
            box = QVBoxLayout()
            head = QLabel(title)
            head.setStyleSheet("font-weight: 600;")
            box.addWidget(head)
            if isinstance(view, QLayout):
                box.addLayout(view)
            else:
                box.addWidget(view, 0, Qt.AlignmentFlag.AlignLeft)
            if caption is not None:
                caption.setStyleSheet(theme.text_style())
                caption.setWordWrap(True)
                caption.setMaximumWidth(DETAIL_WIDTH + 20)
                box.addWidget(caption)
            box.addStretch(1)
            return box

        samples = QGridLayout()
        samples.setSpacing(4)
        for i, (view, caption) in enumerate(zip(self.sample_views, self.sample_captions,
                                                strict=True)):
            row, col = divmod(i, SAMPLE_COLUMNS)
            caption.setStyleSheet(theme.text_style())
            caption.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            samples.addWidget(view, 2 * row, col, Qt.AlignmentFlag.AlignHCenter)
            samples.addWidget(caption, 2 * row + 1, col, Qt.AlignmentFlag.AlignHCenter)
        samples_box = QVBoxLayout()
        samples_box.addWidget(self.find_button, 0, Qt.AlignmentFlag.AlignLeft)
        samples_box.addLayout(samples)
        self.samples_status.setMaximumWidth(SAMPLE_COLUMNS * 64)
        samples_box.addWidget(self.samples_status)

        details = QGridLayout()
        details.setHorizontalSpacing(16)
        details.setVerticalSpacing(12)
        details.addLayout(titled(self.weights_view, "Weights", self.weights_caption), 0, 0)
        details.addLayout(titled(self.gradient_view, "Gradient ∂L/∂W",
                                 self.gradient_caption), 0, 1)
        details.addLayout(titled(self.activation_view, "Response to the input",
                                 self.activation_caption), 1, 0)
        details.addLayout(titled(samples_box, "Test samples that excite it most", None), 1, 1)
        details.setColumnStretch(2, 1)
        details.setRowStretch(2, 1)
        right = QVBoxLayout()
        title = QHBoxLayout()
        title.addWidget(self.title)
        title.addSpacing(12)
        title.addWidget(self.switch_off)
        title.addStretch(1)
        right.addLayout(title)
        right.addLayout(details, 1)

        body = QHBoxLayout()
        body.addLayout(left, 0)
        body.addSpacing(12)
        body.addLayout(right, 1)
        self.body = QWidget()
        self.body.setLayout(body)
        body.setContentsMargins(0, 0, 0, 0)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.header)
        layout.addWidget(InputChooser(self.current))
        layout.addWidget(self.message)
        layout.addWidget(self.body, 1)

    # -- choosing -------------------------------------------------------------------------
    @Slot(int)
    def _on_layer(self, index: int) -> None:
        self.channel = 0
        self.refresh()

    def select(self, channel: int) -> None:
        """Show filter ``channel`` of the current layer (what a click on its tile does)."""
        if self.conv() is None or self.source.viewer is None:
            return
        self.channel = channel
        for i, tile in enumerate(self.tiles):
            tile.set_selected(i == channel)
        self.show_filter()
        self.show_top_samples(compute=True)
        self.show_switched_off()

    def conv(self) -> str | None:
        return self.layer.currentData()

    # -- switching filters off ----------------------------------------------------------
    def set_ablation(self, state) -> None:  # noqa: ANN001 - inspect.ablation_state's
        """Show which filters are switched off in ``state``, and switch them here."""
        self.ablation = state
        self.switch_off.show()
        state.changed.connect(self.show_switched_off)

    @Slot(bool)
    def _on_switch_off(self, off: bool) -> None:
        if self.ablation is not None and self.conv() is not None:
            self.ablation.set_off(self.conv(), self.channel, off)

    @Slot()
    def show_switched_off(self) -> None:
        state, conv = self.ablation, self.conv()
        if state is None or conv is None:
            return
        for channel, caption in enumerate(self.captions):
            off = state.is_off(conv, channel)
            caption.setText(f"#{channel} off" if off else f"#{channel}")
            caption.setStyleSheet(theme.text_style("error_text", "font-weight: 600;") if off
                                  else theme.text_style())
        self.switch_off.blockSignals(True)
        self.switch_off.setChecked(state.is_off(conv, self.channel))
        self.switch_off.blockSignals(False)

    # -- showing --------------------------------------------------------------------------
    def refresh(self) -> None:
        viewer = self.source.viewer
        self.header.setText(self.source.description())
        convs = conv_nodes(viewer) if viewer is not None else []
        names = [self.layer.itemData(i) for i in range(self.layer.count())]
        if names != convs:
            self.layer.blockSignals(True)
            self.layer.clear()
            for name in convs:
                self.layer.addItem(name, name)
            self.layer.blockSignals(False)
            self.channel = 0
        if viewer is None or not convs:
            self.message.setText(self.source.problem if viewer is None else
                                 "This network has no convolution layer: the filter explorer "
                                 "shows Conv2D filters (try the lenet5 or small-cnn preset).")
            self.message.show()
            self.body.hide()
            clear_layout(self.tile_grid)
            self.tiles, self.captions, self._tiles_key = [], [], None
            return
        self.message.hide()
        self.body.show()
        self.show_tiles()
        self.show_filter()
        self.show_top_samples(compute=False)
        self.show_switched_off()

    def show_tiles(self) -> None:
        viewer, conv = self.source.viewer, self.conv()
        weights = viewer.weights()[conv]["W"]
        key = (id(viewer.spec), conv, weights.shape)
        if key != self._tiles_key:
            self._tiles_key = key
            clear_layout(self.tile_grid)
            self.tiles, self.captions = [], []
            for channel in range(len(weights)):
                tile = ArrayView(max_size=(120, 120))
                tile.set_clickable(True)
                tile.setToolTip(f"{conv} filter #{channel}: click to look at it")
                tile.clicked.connect(lambda c=channel: self.select(c))
                caption = QLabel(f"#{channel}")
                caption.setStyleSheet(theme.text_style())
                row, col = divmod(channel, TILE_COLUMNS)
                self.tile_grid.addWidget(tile, 2 * row, col, Qt.AlignmentFlag.AlignHCenter)
                self.tile_grid.addWidget(caption, 2 * row + 1, col,
                                         Qt.AlignmentFlag.AlignHCenter)
                self.tiles.append(tile)
                self.captions.append(caption)
        levels = symmetric_levels(weights)
        for channel, tile in enumerate(self.tiles):
            image = filter_image(weights[channel])
            tile.cell = (detail_cell(image, 56.0),) * 2
            tile.set_array(image, SIGNED, levels)
            tile.set_selected(channel == self.channel)
        self.scale_label.setText(f"One colour scale for all tiles: blue positive, red "
                                 f"negative, ±{levels[1]:.3g} at full colour.")

    def show_filter(self) -> None:
        viewer, conv, channel = self.source.viewer, self.conv(), self.channel
        weights = viewer.weights()[conv]["W"][channel]
        image = filter_image(weights)
        self.title.setText(f"{conv} · filter #{channel} · {weights.shape[0]} input "
                           f"channel{'s' * (weights.shape[0] != 1)}, "
                           f"{weights.shape[1]}x{weights.shape[2]}")
        show_signed(self.weights_view, image, cell=detail_cell(image, DETAIL_WIDTH))
        self.weights_view.describe = lambda r, c, v: f"weight ({r}, {c}) = {v:.5f}"
        low, high = float(weights.min()), float(weights.max())
        self.weights_caption.setText(f"from {low:.3g} to {high:.3g}; colours centred on 0")

        x = self.current.x()
        if x is None:
            clear(self.gradient_view)
            clear(self.activation_view)
            self.gradient_caption.setText(self.current.problem)
            self.activation_caption.setText("")
            return
        probabilities = class_probabilities(viewer, x)
        target, why = loss_target(len(probabilities), self.current.label(),
                                  predicted_class(probabilities))
        _, _, params = viewer.output_gradients(x, target)
        gradient = params[conv]["W"][channel]
        show_signed(self.gradient_view, filter_image(gradient),
                    cell=detail_cell(filter_image(gradient), DETAIL_WIDTH))
        classes = self.source.classes()
        index = int(target.ravel()[0])
        name = classes[index] if target.ndim == 1 and index < len(classes) else str(index)
        self.gradient_caption.setText(f"for {self.current.describe()} with target {name} "
                                      f"({why}); ‖∂L/∂W‖ = {np.linalg.norm(gradient):.3g}")
        node = response_node(viewer, conv)
        response = viewer.activations(x)[node][0][channel]
        show_activation(self.activation_view, response, cell=detail_cell(response, DETAIL_WIDTH))
        self.activation_caption.setText(f"{node} channel {channel} for "
                                        f"{self.current.describe()}; max "
                                        f"{float(response.max()):.3g}")

    # -- the samples that excite a filter most ----------------------------------------------
    def _samples(self) -> tuple[np.ndarray, tuple] | None:
        viewer = self.source.viewer
        name = self.source.dataset_name
        try:
            x = self.current.samples.features(name, viewer.input_shape)[:SAMPLES]
        except DatasetError as error:
            self.samples_status.setText(str(error))
            return None
        return x, (name, len(x))

    @Slot()
    def find_top_samples(self) -> None:
        self.show_top_samples(compute=True)

    def show_top_samples(self, compute: bool) -> None:
        """Show the top samples of the selected filter from the cache; with ``compute``,
        run the samples through the network first if the weights have changed."""
        viewer, conv = self.source.viewer, self.conv()
        node = response_node(viewer, conv)
        version = self.source.version
        found = self._samples()
        if found is None:
            return
        x, samples_key = found
        maxima = self.cache.get(version, node, samples_key)
        stale = False
        if maxima is None and compute:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                maxima = self.cache.compute(viewer, version, node, samples_key, x)
            finally:
                QGuiApplication.restoreOverrideCursor()
        if maxima is None:
            latest = self.cache.latest(node, samples_key)
            if latest is not None:
                maxima, stale = latest[1], True
        if maxima is None:
            for view, caption in zip(self.sample_views, self.sample_captions, strict=True):
                clear(view)
                caption.setText("")
            self.samples_status.setText(f"Not computed yet: Find them runs the first "
                                        f"{len(x)} test samples through the network.")
            return
        top = top_samples(maxima, self.channel, TOP_K)
        name = self.source.dataset_name
        for (index, value), view, caption in zip(top, self.sample_views,
                                                 self.sample_captions, strict=False):
            try:
                image = self.current.samples.image(name, index)
            except (DatasetError, IndexError):
                image = None
            if image is not None:
                show_image(view, image)
            else:
                show_activation(view, x[index])
            view.setToolTip(f"test sample {index}: largest response {value:.4g}")
            caption.setText(f"#{index}\n{value:.2f}")
        self.samples_status.setText(
            f"The first {len(x)} test samples ranked by the largest value of {node} channel "
            f"{self.channel}" + (": from earlier weights, press Find them to update."
                                 if stale else "."))
