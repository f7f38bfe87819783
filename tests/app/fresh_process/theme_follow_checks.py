"""View > Theme reaches every open view at once: the plots (dashboard, Inside, filter
explorer, Experiments, timeline), the network diagram and the docks' words; and the words of
the Experiments tab, the Health and Timeline docks and the data-import preview stay readable
in both themes, whether the app started in one or switched to it."""

from __future__ import annotations

import re

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from nnstudio.app import theme, theme_follow, theme_menu
from tests.app.fresh_process.dark_theme_checks import contrast

COLOR = re.compile(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})")


@pytest.fixture
def back_to_light(qapp):  # noqa: ANN001 - pytest-qt's
    theme.apply_theme(qapp, "light")
    yield qapp
    theme.apply_theme(qapp, "light")


def plot_views() -> list[pg.GraphicsView]:
    return [w for w in QApplication.allWidgets() if isinstance(w, pg.GraphicsView)]


def text_colors(label: QLabel) -> list[str]:
    """The colours a label's words are drawn in: its style sheet's and its rich text's."""
    found = COLOR.findall(label.styleSheet()) + COLOR.findall(label.text())
    if not COLOR.findall(label.styleSheet()):
        found.append(label.palette().color(label.foregroundRole()).name())
    return found


def unreadable(root: QWidget, colors: theme.Colors) -> list[str]:
    """Labels under ``root`` whose words have less than 4.5:1 contrast with the page."""
    bad = []
    for label in root.findChildren(QLabel):
        if not label.text():
            continue
        for color in text_colors(label):
            worst = min(contrast(color, colors.window), contrast(color, colors.base))
            if worst < 4.5:
                bad.append(f"{label.text()[:40]!r}: {color} ({worst:.1f})")
    return bad


def new_views(window, qtbot, tmp_path) -> dict[str, QWidget]:  # noqa: ANN001
    from tests.app.test_import_data import blobs_csv

    preview = window.preview_data(str(blobs_csv(tmp_path)))
    qtbot.addWidget(preview)
    return {"Experiments": window.experiments.pages, "Health": window.docks["health_dock"],
            "Timeline": window.docks["timeline_dock"], "import preview": preview}


def test_the_swaps_take_each_theme_colour_to_the_other_theme_s() -> None:
    swaps = theme_follow.color_swaps(theme.LIGHT, theme.DARK)
    assert swaps[theme.LIGHT.text] == theme.DARK.text
    assert swaps[theme.LIGHT.base] == theme.DARK.base  # white is the page, not "light"
    assert theme_follow.swap_text("color: #5B6675; border: 1px solid #123456",
                                  swaps) == f"color: {theme.DARK.muted}; border: 1px solid #123456"
    back = theme_follow.color_swaps(theme.DARK, theme.LIGHT)
    for role in theme_follow.ROLES:  # there and back again
        assert back[swaps[getattr(theme.LIGHT, role)]] == getattr(theme.LIGHT, role)


def test_items_in_the_theme_s_words_follow_and_ink_on_pale_cells_stays(
        qtbot, back_to_light) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QListWidget

    from nnstudio.app.plots.style import INK

    notes = QListWidget()
    qtbot.addWidget(notes)
    notes.addItem("no warnings")
    notes.item(0).setForeground(QColor(theme.LIGHT.muted))
    notes.addItem("-2.1%")
    notes.item(1).setForeground(QColor(INK))
    theme_follow.follow(theme.LIGHT, theme.DARK)
    assert notes.item(0).foreground().color() == QColor(theme.DARK.muted)
    assert notes.item(1).foreground().color() == QColor(INK)


def test_switching_restyles_every_open_plot_the_diagram_and_the_words(
        window, qtbot, tmp_path, back_to_light) -> None:  # noqa: ANN001
    window.load_preset("xor-mlp")
    new = new_views(window, qtbot, tmp_path)
    diagram_scene = window.inspect.diagram.view.scene()
    views = plot_views()
    assert len(views) >= 10  # dashboard, Inside, filters, Experiments, timeline
    theme_menu.choose_theme(window, "dark")
    for view in views:
        assert view.backgroundBrush().color().lightnessF() < 0.2, view
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem):
                assert item.textPen().color().name() != theme.LIGHT.text
    assert diagram_scene.backgroundBrush().color() == QColor(theme.DARK.base)
    light_words = {theme.LIGHT.text, theme.LIGHT.muted}
    for label in window.findChildren(QLabel):
        assert not light_words & {c.lower() for c in COLOR.findall(label.styleSheet())}, \
            label.text()
    for name, root in new.items():
        assert not unreadable(root, theme.DARK), name
    theme_menu.choose_theme(window, "light")
    assert all(view.backgroundBrush().color().lightnessF() > 0.9 for view in views)
    assert diagram_scene.backgroundBrush().color() == QColor(theme.LIGHT.base)


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_new_views_are_readable_started_in_either_theme(qtbot, settings_path, tmp_path,
                                                         back_to_light, mode) -> None:  # noqa: ANN001
    from nnstudio.app.main_window import MainWindow
    from nnstudio.app.settings import make_settings

    colors = theme.apply_theme(QApplication.instance(), mode)
    window = MainWindow(settings=make_settings(settings_path))
    qtbot.addWidget(window, before_close_func=lambda w: w.document.mark_saved(w.document.path))
    for name, root in new_views(window, qtbot, tmp_path).items():
        assert not unreadable(root, colors), name

