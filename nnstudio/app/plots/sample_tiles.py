"""A wrapping grid of small sample tiles (a digit and a caption); clicking one says which
sample it is. Used by the misclassified and confusion views."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

from nnstudio.app.plots import style
from nnstudio.app.plots.common import as_picture, as_square_image
from nnstudio.running.inspection_copy import RunContext

INDEX_ROLE = Qt.ItemDataRole.UserRole


@dataclass
class Tile:
    index: int
    caption: str
    image: np.ndarray | None = None  # (H, W) values in [0, 1], ink high; or (H, W, 3) colour
    tooltip: str = ""


def sample_image(sample: np.ndarray) -> np.ndarray | None:
    """One sample as a greyscale (H, W) or colour (H, W, 3) image, or None when it is not
    an image."""
    sample = np.asarray(sample)
    if sample.ndim == 1 and sample.size >= 64:
        return as_square_image(sample)
    return as_picture(sample)


def context_image(sample: np.ndarray, context: RunContext) -> np.ndarray | None:
    """One of a run's samples as a picture, a flat one read as the data's image."""
    shape = context.dataset.input_shape
    if context.is_image and np.size(sample) == np.prod(shape):
        return as_picture(np.reshape(sample, shape))
    return sample_image(sample)


def ink_pixmap(image: np.ndarray, size: int) -> QPixmap:
    """Dark ink on white (a colour image in its colours), scaled smoothly to ``size``
    pixels square."""
    pixels = np.clip(image * 255.0, 0, 255).astype(np.uint8)
    h, w = pixels.shape[:2]
    if pixels.ndim == 3:
        rgb = np.ascontiguousarray(pixels)
        qimage = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
    else:
        grey = np.ascontiguousarray(255 - pixels)
        qimage = QImage(grey.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
    return QPixmap.fromImage(qimage).scaled(
        size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


class SampleTiles(QListWidget):
    """Tiles left to right, wrapping; ``sample_clicked(index)`` on a click."""

    sample_clicked = Signal(int)

    def __init__(self, image_size: int = 56, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image_size = image_size
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setSpacing(4)
        self.setIconSize(QSize(image_size, image_size))
        self.setGridSize(QSize(image_size + 34, image_size + 40))
        self.setWordWrap(True)
        self.setStyleSheet(f"QListWidget {{ background: {style.BACKGROUND}; }}"
                           f"QListWidget::item {{ color: {style.TEXT}; }}")
        self.itemClicked.connect(self._clicked)

    def set_tiles(self, tiles: list[Tile]) -> None:
        self.clear()
        for tile in tiles:
            item = QListWidgetItem(tile.caption)
            item.setData(INDEX_ROLE, tile.index)
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            if tile.image is not None:
                item.setIcon(ink_pixmap(tile.image, self.image_size))
            if tile.tooltip:
                item.setToolTip(tile.tooltip)
            self.addItem(item)

    def indices(self) -> list[int]:
        return [int(self.item(i).data(INDEX_ROLE)) for i in range(self.count())]

    def click_tile(self, row: int) -> None:
        """Act as if tile ``row`` were clicked (for keyboard users and tests)."""
        item = self.item(row)
        self.setCurrentItem(item)
        self._clicked(item)

    def _clicked(self, item: QListWidgetItem) -> None:
        self.sample_clicked.emit(int(item.data(INDEX_ROLE)))
