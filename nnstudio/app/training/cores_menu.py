"""Train > CPU Cores: how many cores the next run shares each batch across (one process
each, see engine/sharing.py). One by default, which leaves the others to the window; the
choice is kept in the settings."""

from __future__ import annotations

import os

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from nnstudio.app import settings as app_settings
from nnstudio.app.training.controller import TrainingController

MOST_CORES = 8  # offered in the menu (the engine shares across any number)


def add_cores_menu(train_menu: QMenu, settings: object, controller: TrainingController) -> QMenu:
    """The CPU Cores submenu of ``train_menu``; the choice goes to ``controller.cores``."""
    menu = train_menu.addMenu("CPU &Cores")
    menu.setToolTipsVisible(True)
    group = QActionGroup(menu)
    available = max(1, min(os.cpu_count() or 1, MOST_CORES))
    chosen = saved_cores(settings, available)
    controller.cores = chosen
    for cores in range(1, available + 1):
        text = f"&{cores} core" if cores == 1 else f"&{cores} cores"
        action = QAction(text + (" (the window keeps the others)" if cores == 1 else ""),
                         menu, checkable=True)
        action.setData(cores)
        action.setChecked(cores == chosen)
        tip = ("Each batch of a convolutional network is shared across "
               f"{cores} processes, one core each (from the next run). Dense networks and "
               "networks with BatchNorm train on one." if cores > 1 else
               "Train in one process on one core")
        action.setToolTip(tip)
        action.setStatusTip(tip)
        group.addAction(action)
        menu.addAction(action)
        action.triggered.connect(lambda _=False, c=cores: choose_cores(settings, controller, c))
    return menu


def saved_cores(settings: object, available: int) -> int:
    """The kept choice, within what this machine has (1 when none or unreadable)."""
    try:
        cores = int(settings.value(app_settings.CORES, 1))  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return 1
    return max(1, min(cores, available))


def choose_cores(settings: object, controller: TrainingController, cores: int) -> None:
    settings.setValue(app_settings.CORES, cores)  # type: ignore[attr-defined]
    controller.cores = cores
    controller.message.emit(f"The next run shares each batch across {cores} cores"
                            if cores > 1 else "The next run trains on one core")
