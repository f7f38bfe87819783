"""The desktop application (the only package that imports PySide6 and pyqtgraph).

Importing ``nnstudio.app`` does not import Qt; ``run`` does.
"""

from __future__ import annotations

import os

SCREENSHOT_SIZE = (1400, 900)


def run(open_path: str | None = None, screenshot: str | None = None,
        settings_path: str | None = None, train_epochs: int = 0,
        size: tuple[int, int] = SCREENSHOT_SIZE) -> int:
    """Start the GUI on ``open_path`` (a preset name or a JSON document; the default preset
    when None). With ``screenshot``, render the window at ``size`` (width, height) into
    that PNG and return 0 without entering the event loop (works with
    QT_QPA_PLATFORM=offscreen); before the picture is taken the window emits
    ``prepare_screenshot(train_epochs)`` so the training views can train that many epochs first."""
    if screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from nnstudio.app import settings as app_settings
    from nnstudio.app.main_window import MainWindow, install_exception_hook
    from nnstudio.app.theme import THEME_SETTING, apply_theme
    from nnstudio.resources import icon_path

    _quiet_offscreen_warnings()
    app = QApplication.instance() or QApplication([])
    app.setOrganizationName(app_settings.ORGANIZATION)
    app.setApplicationName(app_settings.APPLICATION)
    app.setWindowIcon(QIcon(str(icon_path("svg"))))
    settings = app_settings.make_settings(settings_path)
    # View > Theme, or $NNSTUDIO_THEME (light, dark, auto) for a scripted screenshot.
    apply_theme(app, os.environ.get("NNSTUDIO_THEME")  # type: ignore[arg-type]
                or str(settings.value(THEME_SETTING, "auto")))
    if screenshot:
        window = MainWindow(settings=settings, persist=False, interactive=False)
        if open_path and not window.open_source(open_path):
            window.document.mark_saved("")
            window.close()
            return 2
        try:  # a picture that cannot be saved: an OSError naming it, for `nnstudio: error:`
            window.take_screenshot(screenshot, *size, train_epochs=train_epochs)
        finally:
            window.document.mark_saved(window.document.path)
            window.close()
        return 0
    from nnstudio.app.recovery import offer_recovery

    window = MainWindow(settings=settings, open_source=open_path)
    install_exception_hook(window)
    window.show()
    recovered = offer_recovery(window)  # (further windows stay open while this holds them)
    code = app.exec()
    del recovered
    return code


def _quiet_offscreen_warnings() -> None:
    """Drop Qt's 'This plugin does not support propagateSizeHints()' from the offscreen
    platform, which says nothing useful; every other message goes through as before."""
    from PySide6.QtCore import qInstallMessageHandler

    previous = None

    def handler(kind, context, message: str) -> None:  # noqa: ANN001 - Qt's types
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            import sys

            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)
