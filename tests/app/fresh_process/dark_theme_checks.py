"""A dark theme that follows the desktop, or the View menu's choice, with plots that stay
readable in both."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from nnstudio.app import theme
from nnstudio.app.plots import style


@pytest.fixture
def back_to_light(qapp):  # noqa: ANN001 - pytest-qt's
    yield qapp
    theme.apply_theme(qapp, "light")


def lightness(color: str | QColor) -> float:
    return QColor(color).lightnessF()


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours."""
    def luminance(color: str) -> float:
        c = QColor(color)
        channels = []
        for v in (c.redF(), c.greenF(), c.blueF()):
            channels.append(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_auto_follows_the_desktop(monkeypatch) -> None:
    monkeypatch.setattr(theme, "desktop_is_dark", lambda: True)
    assert theme.resolve("auto") is theme.DARK and theme.resolve("light") is theme.LIGHT
    monkeypatch.setattr(theme, "desktop_is_dark", lambda: False)
    assert theme.resolve("auto") is theme.LIGHT and theme.resolve("dark") is theme.DARK


@pytest.mark.parametrize("colors", [theme.LIGHT, theme.DARK], ids=["light", "dark"])
def test_text_is_readable_on_every_background_of_both_themes(colors) -> None:
    for background in (colors.window, colors.base, colors.canvas, colors.bar):
        assert contrast(colors.text, background) >= 7, background
        assert contrast(colors.muted, background) >= 4.5, background
    assert contrast(style.INK, "#ffffff") >= 7  # text on a colour map's pale cells


def test_dark_reaches_the_palette_the_canvas_and_new_plots(back_to_light) -> None:
    app = back_to_light
    theme.apply_theme(app, "dark")
    assert lightness(app.palette().color(QPalette.ColorRole.Window)) < 0.2
    assert theme.CANVAS_COLOR == theme.DARK.canvas and theme.is_dark()
    assert style.BACKGROUND == theme.DARK.base and style.TEXT == theme.DARK.text
    plot = style.plot_widget()
    assert lightness(plot.backgroundBrush().color()) < 0.2
    assert lightness(theme.tint(QColor("#3b6fb6"), 0.07)) < 0.2  # a node's fill stays dark
    theme.apply_theme(app, "light")
    assert lightness(app.palette().color(QPalette.ColorRole.Window)) > 0.8
    assert style.BACKGROUND == "#ffffff"


def test_view_theme_menu_switches_and_remembers(window, back_to_light) -> None:
    menu = next(action.menu() for action in window.menus.view.actions()
                if action.menu() is not None and "Theme" in action.text())
    actions = {action.data(): action for action in menu.actions()}
    assert set(actions) == {"auto", "light", "dark"} and actions["auto"].isChecked()
    actions["dark"].trigger()
    assert window.settings.value(theme.THEME_SETTING) == "dark"
    assert lightness(QApplication.instance().palette().color(QPalette.ColorRole.Window)) < 0.2
    assert window.scene.backgroundBrush().color() == QColor(theme.DARK.canvas)
    actions["light"].trigger()
    assert window.scene.backgroundBrush().color() == QColor(theme.LIGHT.canvas)


def test_the_dark_theme_redraws_the_black_icons_light(back_to_light) -> None:
    from PySide6.QtWidgets import QStyle

    app = back_to_light
    play = QStyle.StandardPixmap.SP_MediaPlay

    def ink(icon) -> float:  # noqa: ANN001
        image = icon.pixmap(16, 16).toImage()
        opaque = [image.pixelColor(x, y) for x in range(16) for y in range(16)
                  if image.pixelColor(x, y).alpha() > 200]
        return sum(c.lightnessF() for c in opaque) / len(opaque)

    theme.apply_theme(app, "light")
    assert ink(theme.standard_icon(app.style(), play)) < 0.5
    theme.apply_theme(app, "dark")
    assert ink(theme.standard_icon(app.style(), play)) > 0.8
