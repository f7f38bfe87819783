"""Helpers shared by the app tests: real drag-and-drop events, gesture shortcuts, and a run
of the window's own network to its end."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from nnstudio.app.builder.canvas import NetworkView
from nnstudio.app.builder.palette import LayerPalette


def drag_from_palette(palette: LayerPalette, view: NetworkView, type_name: str,
                      scene_pos: QPointF) -> bool:
    """Drag ``type_name`` out of the palette (its own mime data) and drop it on the view's
    viewport at ``scene_pos``, through enter, move and drop events. True when accepted."""
    item = palette.item_for(type_name)
    assert item is not None, type_name
    mime = palette.tree.mimeData([item])
    point = view.mapFromScene(scene_pos)
    actions = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point, actions, mime, buttons, mods)
    QApplication.sendEvent(view.viewport(), enter)
    assert enter.isAccepted()
    move = QDragMoveEvent(point, actions, mime, buttons, mods)
    QApplication.sendEvent(view.viewport(), move)
    drop = QDropEvent(QPointF(point), actions, mime, buttons, mods)
    QApplication.sendEvent(view.viewport(), drop)
    return drop.isAccepted()


def view_point(view: NetworkView, scene_pos: QPointF) -> QPoint:
    return view.mapFromScene(scene_pos)


def train_to_the_end(qtbot, window, timeout_ms: int = 30000, **changes) -> None:  # noqa: ANN001
    """Train the window's network with its training settings changed by ``changes`` (as
    Start does) and wait until the run has ended and the controller is idle again."""
    from nnstudio.running.training_process.state import RunState

    _, training = window.document.snapshot()
    window.document.set_training(replace(training, **changes))
    controller = window.training.controller
    with qtbot.waitSignal(controller.run_finished, timeout=timeout_ms):
        window.training.start()
    qtbot.waitUntil(lambda: controller.state is RunState.IDLE, timeout=10000)
