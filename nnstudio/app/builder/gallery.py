"""The preset gallery: ready networks with a thumbnail of each, their title, description
and size."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app.builder.thumbnail import network_thumbnail
from nnstudio.spec.presets import Preset, load_preset, preset_names
from nnstudio.spec.shapes import format_shape

NAME_ROLE = Qt.ItemDataRole.UserRole
THUMBNAIL = QSize(160, 48)


def preset_details(preset: Preset) -> str:
    """Rich text: title, description, input, layers and parameters."""
    analysis = preset.network.analyze()
    inputs = [n for n in preset.network.nodes if n.type == "Input"]
    shape = format_shape(analysis.shapes.get(inputs[0].id)) if inputs else "?"
    t = preset.training
    return (f"<h3>{html.escape(preset.title)}</h3>"
            f"<p>{html.escape(preset.description)}</p>"
            f"<p><b>Input</b> {shape} · <b>{len(preset.network.nodes)}</b> layers · "
            f"<b>{analysis.total_params:,}</b> parameters</p>"
            f"<p><b>Training</b> {html.escape(t.optimizer)}, learning rate {t.lr:g}, "
            f"batch {t.batch_size}, {t.epochs} epochs, loss {html.escape(t.loss)}</p>")


class PresetGallery(QDialog):
    """Pick a preset; ``chosen()`` is its name after the dialog is accepted."""

    def __init__(self, parent: QWidget | None = None, current: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New from Preset")
        self.resize(820, 520)
        self.presets: dict[str, Preset] = {}
        self.list = QListWidget()
        self.list.setMinimumWidth(400)
        self.list.setIconSize(THUMBNAIL)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setStyleSheet("QListWidget::item { padding: 5px 4px; }")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setMargin(8)
        for name in preset_names():
            preset = load_preset(name)
            self.presets[name] = preset
            item = QListWidgetItem(QIcon(network_thumbnail(
                preset.network, THUMBNAIL.width(), THUMBNAIL.height())), preset.title)
            item.setData(NAME_ROLE, name)
            item.setToolTip(name)
            self.list.addItem(item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(self.list, 1)
        body.addWidget(self.details, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(buttons)
        self.list.currentItemChanged.connect(self._show)
        self.list.itemDoubleClicked.connect(lambda _: self.accept())
        names = list(self.presets)
        row = names.index(current) if current in names else 0
        if names:
            self.list.setCurrentRow(row)

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return item.data(NAME_ROLE) if item else None

    def _show(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.details.setText(preset_details(self.presets[item.data(NAME_ROLE)]))
