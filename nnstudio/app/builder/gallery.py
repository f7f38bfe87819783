"""The preset gallery: ready networks with a thumbnail of each, their title, description
and size; then the course's side-by-side experiments, ready to run on the Experiments tab."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QIcon
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
from nnstudio.spec.comparisons import Comparison, comparison_names, load_comparison
from nnstudio.spec.presets import Preset, load_preset, preset_names
from nnstudio.spec.shapes import format_shape

NAME_ROLE = Qt.ItemDataRole.UserRole
KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # "preset" or "comparison"; a heading has none
NETWORKS_HEADING = "Networks"
EXPERIMENTS_HEADING = "Course experiments: side by side"
THUMBNAIL = QSize(160, 48)


def preset_details(preset: Preset, with_training: bool = True) -> str:
    """Rich text: title, description, input, layers and parameters (and the training
    settings, ``with_training``)."""
    analysis = preset.network.analyze()
    inputs = [n for n in preset.network.nodes if n.type == "Input"]
    shape = format_shape(analysis.shapes.get(inputs[0].id)) if inputs else "?"
    t = preset.training
    training = (f"<p><b>Training</b> {html.escape(t.optimizer)}, learning rate {t.lr:g}, "
                f"batch {t.batch_size}, {t.epochs} epochs, loss {html.escape(t.loss)}</p>")
    return (f"<h3>{html.escape(preset.title)}</h3>"
            f"<p>{html.escape(preset.description)}</p>"
            f"<p><b>Input</b> {shape} · <b>{len(preset.network.nodes)}</b> layers · "
            f"<b>{analysis.total_params:,}</b> parameters</p>"
            + (training if with_training else ""))


def comparison_details(comparison: Comparison) -> str:
    """A preset's details, then the variants trained side by side and where they run."""
    variants = ", ".join(html.escape(v.label) for v in comparison.variants)
    t = comparison.training
    return (preset_details(comparison, with_training=False)
            + f"<p><b>Variants</b> {variants}: trained at once on identical batches "
              f"({html.escape(t.dataset)}, seed {t.seed}, {t.epochs} epochs), their curves "
              f"overlaid live.</p>"
              f"<p><i>Opens on the Experiments tab's Side by side page; the network on the "
              f"canvas stays as it is.</i></p>")


class PresetGallery(QDialog):
    """Pick a preset, or a course experiment to run side by side; ``chosen()`` (a preset's
    name) or ``chosen_comparison()`` (an experiment's) after the dialog is accepted."""

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
        self.comparisons: dict[str, Comparison] = {}
        self._add_heading(NETWORKS_HEADING)
        for name in preset_names():
            self.presets[name] = load_preset(name)
            self._add_entry(self.presets[name], "preset")
        self._add_heading(EXPERIMENTS_HEADING)
        for name in comparison_names():
            self.comparisons[name] = load_comparison(name)
            self._add_entry(self.comparisons[name], "comparison")
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
        self.select(current if current in self.presets else next(iter(self.presets), ""))

    def _add_heading(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # not selectable: a section's title
        font = QFont(self.list.font())
        font.setBold(True)
        item.setFont(font)
        self.list.addItem(item)

    def _add_entry(self, preset: Preset, kind: str) -> None:
        item = QListWidgetItem(QIcon(network_thumbnail(
            preset.network, THUMBNAIL.width(), THUMBNAIL.height())), preset.title)
        item.setData(NAME_ROLE, preset.name)
        item.setData(KIND_ROLE, kind)
        item.setToolTip(preset.name)
        self.list.addItem(item)

    def entries(self, kind: str) -> list[QListWidgetItem]:
        """The list's items of one kind ("preset" or "comparison"), in their order."""
        items = (self.list.item(row) for row in range(self.list.count()))
        return [item for item in items if item.data(KIND_ROLE) == kind]

    def select(self, name: str, kind: str = "preset") -> None:
        for item in self.entries(kind):
            if item.data(NAME_ROLE) == name:
                self.list.setCurrentItem(item)
                return

    def _chosen(self, kind: str) -> str | None:
        item = self.list.currentItem()
        return item.data(NAME_ROLE) if item and item.data(KIND_ROLE) == kind else None

    def chosen(self) -> str | None:
        """The preset chosen, if a preset is."""
        return self._chosen("preset")

    def chosen_comparison(self) -> str | None:
        """The side-by-side experiment chosen, if one is."""
        return self._chosen("comparison")

    def _show(self, item: QListWidgetItem | None) -> None:
        if item is None or item.data(KIND_ROLE) is None:
            return
        name = item.data(NAME_ROLE)
        self.details.setText(preset_details(self.presets[name])
                             if item.data(KIND_ROLE) == "preset"
                             else comparison_details(self.comparisons[name]))
