"""View > Theme: follow the desktop (the default), or always light, or always dark. The
choice is kept in the settings; the window, the canvas and every open view change at once."""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QColor
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from nnstudio.app import theme, theme_follow

LABELS = {"auto": "Follow the &Desktop", "light": "&Light", "dark": "&Dark"}


def add_theme_menu(window: QWidget, view_menu: QMenu) -> QMenu:
    """The Theme submenu of ``view_menu``; ``window`` has ``settings`` and ``scene``."""
    menu = view_menu.addMenu("&Theme")
    group = QActionGroup(menu)
    chosen = str(window.settings.value(theme.THEME_SETTING, "auto"))
    for mode in theme.MODES:
        action = QAction(LABELS[mode], menu, checkable=True)
        action.setData(mode)
        action.setChecked(mode == chosen)
        action.setStatusTip("Follow the desktop's light or dark look" if mode == "auto"
                            else f"Always the {mode} look")
        group.addAction(action)
        menu.addAction(action)
        action.triggered.connect(lambda _=False, m=mode: choose_theme(window, m))
    return menu


def choose_theme(window: QWidget, mode: str) -> None:
    """Use ``mode`` from now on and keep it for the next start."""
    window.settings.setValue(theme.THEME_SETTING, mode)
    app = QApplication.instance()
    old = theme.current
    colors = theme.apply_theme(app, mode)  # type: ignore[arg-type]
    theme_follow.follow(old, colors)
    scene = getattr(window, "scene", None)
    if scene is not None:
        scene.setBackgroundBrush(QColor(colors.canvas))
        scene.update()
    window.statusBar().showMessage(f"{'Dark' if colors is theme.DARK else 'Light'} theme", 8000)
