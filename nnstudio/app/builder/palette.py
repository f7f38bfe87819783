"""The palette: the layer catalogue by group, filterable, a drag source for the canvas.

Dragging a layer carries its type name under LAYER_MIME; double-clicking (or Enter)
emits ``layer_activated`` so the window can append it to the network.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app import theme
from nnstudio.app.builder.mime import LAYER_MIME
from nnstudio.spec.catalogue import GROUPS, types_in_group

TYPE_ROLE = Qt.ItemDataRole.UserRole
HELP_ROLE = Qt.ItemDataRole.UserRole + 1


def layer_mime_data(type_name: str) -> QMimeData:
    """What a palette drag carries (also used by tests to simulate a drop)."""
    mime = QMimeData()
    mime.setData(LAYER_MIME, type_name.encode("utf-8"))
    mime.setText(type_name)
    return mime


class LayerTree(QTreeWidget):
    """Groups as top-level rows, layer types under them; drags carry the type name."""

    activated_type = Signal(str)  # double-click or Enter on a layer

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setIndentation(14)
        self.setUniformRowHeights(True)
        self.setAnimated(False)
        for group in GROUPS:
            group_item = QTreeWidgetItem(self, [group])
            group_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group_item.font(0)
            font.setBold(True)
            group_item.setFont(0, font)
            group_item.setIcon(0, theme.swatch_icon(theme.group_color(group)))
            for lt in types_in_group(group):
                item = QTreeWidgetItem(group_item, [lt.name])
                item.setData(0, TYPE_ROLE, lt.name)
                item.setData(0, HELP_ROLE, lt.help)
                item.setIcon(0, theme.swatch_icon(theme.group_color(group), 10))
                item.setToolTip(0, f"<b>{lt.name}</b><br>{lt.help}<br><i>Drag onto the canvas, "
                                   "or double-click to add after the selected layer.</i>")
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsDragEnabled)
        self.expandAll()

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt's name
        return [LAYER_MIME]

    def mimeData(self, items: Sequence[QTreeWidgetItem]) -> QMimeData:  # noqa: N802
        names = [i.data(0, TYPE_ROLE) for i in items if i.data(0, TYPE_ROLE)]
        return layer_mime_data(names[0] if names else "")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None \
                and item.data(0, TYPE_ROLE):
            self.activated_type.emit(item.data(0, TYPE_ROLE))
            event.accept()
            return
        super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        item = self.itemAt(event.position().toPoint())
        if item is not None and item.data(0, TYPE_ROLE):
            self.activated_type.emit(item.data(0, TYPE_ROLE))
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802 - Qt's name
        return Qt.DropAction.CopyAction


class LayerPalette(QWidget):
    layer_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter layers…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip("Type part of a layer's name, group or description; "
                                    "Enter adds the first match")
        self.tree = LayerTree()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.tree)
        self.filter_edit.textChanged.connect(self.set_filter)
        self.filter_edit.returnPressed.connect(self._activate_first_visible)
        self.tree.activated_type.connect(self.layer_activated)

    def item_for(self, type_name: str) -> QTreeWidgetItem | None:
        for group_index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(group_index)
            for i in range(group.childCount()):
                if group.child(i).data(0, TYPE_ROLE) == type_name:
                    return group.child(i)
        return None

    def visible_types(self) -> list[str]:
        names = []
        for group_index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(group_index)
            for i in range(group.childCount()):
                if not group.child(i).isHidden():
                    names.append(group.child(i).data(0, TYPE_ROLE))
        return names

    def set_filter(self, text: str) -> None:
        """Show layers whose name, group or help contains ``text`` (case-insensitive)."""
        needle = text.strip().lower()
        for group_index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(group_index)
            group_hit = needle in group.text(0).lower()
            shown = 0
            for i in range(group.childCount()):
                child = group.child(i)
                hit = not needle or group_hit or needle in child.text(0).lower() \
                    or needle in str(child.data(0, HELP_ROLE)).lower()
                child.setHidden(not hit)
                shown += hit
            group.setHidden(shown == 0)

    def _activate_first_visible(self) -> None:
        names = self.visible_types()
        if names and self.filter_edit.text().strip():
            self.layer_activated.emit(names[0])
