"""A toolbar that keeps every button in a narrow window: when the buttons' words no longer
fit, the buttons that have an icon show only it (their words stay in the tooltip), so the
Train buttons at the end never vanish behind the overflow chevron."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QToolBar, QToolButton

TEXT = Qt.ToolButtonStyle.ToolButtonTextBesideIcon
ICON = Qt.ToolButtonStyle.ToolButtonIconOnly


class ToolbarFit(QObject):
    """Watches ``bar``'s width; ``compactable`` buttons (those with an icon) drop their
    words, first to last, until the rest fit."""

    def __init__(self, bar: QToolBar, keep_words: tuple = ()) -> None:
        super().__init__(bar)
        self.bar = bar
        self.compactable = [
            button for action in bar.actions()
            if isinstance(button := bar.widgetForAction(action), QToolButton)
            and action not in keep_words and not action.icon().isNull()
            and button.toolButtonStyle() == TEXT]
        # What each one's words add to its width (their words do not change).
        self.words: dict[QToolButton, int] = {}
        for button in self.compactable:
            with_words = button.sizeHint().width()
            button.setToolButtonStyle(ICON)
            self.words[button] = max(0, with_words - button.sizeHint().width())
            button.setToolButtonStyle(TEXT)
        bar.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.bar and event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        layout = self.bar.layout()
        margins = layout.contentsMargins().left() + layout.contentsMargins().right()
        needed = margins + 4
        for action in self.bar.actions():  # (those in the overflow menu are hidden: counted)
            widget = self.bar.widgetForAction(action)
            if widget is not None and action.isVisible():
                needed += widget.sizeHint().width() + layout.spacing()
        needed += sum(self.words[b] for b in self.compactable if b.toolButtonStyle() == ICON)
        for button in self.compactable:
            style = TEXT if needed <= self.bar.width() else ICON
            if style == ICON:
                needed -= self.words[button]
            if button.toolButtonStyle() != style:
                button.setToolButtonStyle(style)
