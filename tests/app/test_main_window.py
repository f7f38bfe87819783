"""The main window: menus and actions, layout kept across runs, the save prompt on close,
save and open, recent files, the status bar, and the training hook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QFileDialog, QMessageBox

from nnstudio.app.main_window import MainWindow
from nnstudio.app.settings import make_settings, recent_files
from nnstudio.running.training_process.state import RunState
from nnstudio.spec.presets import DEFAULT_PRESET, load_preset


def test_opens_on_the_default_preset(window) -> None:  # noqa: ANN001
    assert window.document.spec.to_json() == load_preset(DEFAULT_PRESET).network.to_json()
    assert window.validity_text() == "Valid network · 79,510 parameters"
    assert window.windowTitle().startswith(load_preset(DEFAULT_PRESET).network.name)


def test_menus_hold_every_action(window) -> None:  # noqa: ANN001
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["File", "Edit", "View", "Train", "Experiments", "Help"]
    file_texts = [a.text().replace("&", "") for a in window.menus.file.actions()]
    for text in ("New", "New from Preset", "Open…", "Open Recent", "Save", "Save As…",
                 "Export", "Quit"):
        assert text in file_texts
    edit_actions = window.menus.edit.actions()
    for name in ("undo", "redo", "cut", "copy", "paste", "delete", "select_all"):
        assert getattr(window.actions, name) in edit_actions
    view_actions = window.menus.view.actions()
    for dock in window.docks.values():
        assert dock.toggleViewAction() in view_actions
    assert [a.text().replace("&", "") for a in window.menus.train.actions()][:4] == [
        "Start", "Pause", "Stop", "Step One Batch"]
    assert window.actions.shortcuts in window.menus.help.actions()
    assert window.actions.save.shortcut().toString() == "Ctrl+S"


def test_train_actions_follow_the_state(window, qtbot) -> None:  # noqa: ANN001
    a, controls = window.actions, window.train_controls
    controls.set_state(None)  # no trainer
    assert not any(x.isEnabled() for x in (a.train_start, a.train_pause, a.train_stop,
                                           a.train_step))
    controls.set_state(RunState.IDLE)
    assert a.train_start.isEnabled() and a.train_step.isEnabled()
    assert not a.train_stop.isEnabled()
    controls.start_requested.disconnect()  # only the signal is under test here
    with qtbot.waitSignal(controls.start_requested, timeout=1000):
        a.train_start.trigger()
    controls.set_state(RunState.RUNNING)
    assert a.train_pause.isEnabled() and not a.train_start.isEnabled()
    controls.pause_requested.disconnect()
    with qtbot.waitSignal(controls.pause_requested, timeout=1000):
        a.train_pause.trigger()


def test_view_menu_toggles_docks(window) -> None:  # noqa: ANN001
    dock = window.docks["summary_dock"]
    assert dock.isVisible()
    dock.toggleViewAction().trigger()
    assert not dock.isVisible()


def test_add_dock_for_later_views(window, qtbot) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QLabel

    dock = window.add_dock(QLabel("loss curve"), "Loss", "loss_dock")
    assert window.docks["loss_dock"] is dock
    assert dock.toggleViewAction() in window.menus.view.actions()


def test_layout_is_saved_and_restored(qtbot, settings_path: str) -> None:  # noqa: ANN001
    first = MainWindow(settings=make_settings(settings_path))
    qtbot.addWidget(first)
    first.show()
    first.resize(731, 555)
    first.docks["summary_dock"].hide()
    qtbot.waitUntil(lambda: first.size() == QSize(731, 555))
    first.close()
    second = MainWindow(settings=make_settings(settings_path))
    qtbot.addWidget(second)
    second.show()
    assert second.size() == QSize(731, 555)
    assert not second.docks["summary_dock"].isVisible()
    assert second.docks["inspector_dock"].isVisible()


def _patch_answer(monkeypatch, answer: QMessageBox.StandardButton) -> list[str]:  # noqa: ANN001
    asked: list[str] = []

    def question(parent, title, text, buttons, default):  # noqa: ANN001, ANN202
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def test_closing_with_unsaved_changes_asks(window, monkeypatch) -> None:  # noqa: ANN001
    window.document.set_param("dense1", "units", 12)
    assert window.isWindowModified()
    asked = _patch_answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    assert not window.close()
    assert asked and window.isVisible()
    asked = _patch_answer(monkeypatch, QMessageBox.StandardButton.Discard)
    assert window.close()
    assert asked


def test_closing_and_choosing_save_writes_the_file(window, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    target = tmp_path / "mine.json"
    window.document.set_param("dense1", "units", 12)
    _patch_answer(monkeypatch, QMessageBox.StandardButton.Save)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    closing = []
    window.closing.connect(lambda: closing.append(True))
    assert window.close()
    assert closing == [True]
    data = json.loads(target.read_text())
    assert data["format"] == "nnstudio.document"
    assert data["network"]["nodes"][1]["params"]["units"] == 12


def test_closing_unmodified_does_not_ask(window) -> None:  # noqa: ANN001
    assert window.close()  # QMessageBox.question would fail the test


def test_save_then_open_round_trip(window, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    target = tmp_path / "net.nnstudio"
    window.document.set_param("dense1", "units", 33)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target.with_suffix("")), "")))
    assert window.save()
    assert target.exists() and not window.isWindowModified()
    assert window.windowTitle().startswith("net.nnstudio")
    saved = window.document.spec.to_json()
    assert not list(tmp_path.glob(".net.nnstudio.*"))  # the temporary file was renamed away
    window.load_preset("lenet5")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    window.actions.open.trigger()
    assert window.document.spec.to_json() == saved
    assert window.document.path == str(target.resolve())
    assert recent_files(window.settings)[0] == str(target.resolve())
    window.menus.recent.aboutToShow.emit()
    assert "net.nnstudio" in [a.text() for a in window.menus.recent.actions()]


def test_damaged_or_newer_files_change_nothing(window, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text: messages.append(text)))
    before = window.document.spec.to_json()
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json")
    assert not window.open_file(str(broken))
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({"format": "nnstudio.document", "version": 99, "network": {}}))
    assert not window.open_file(str(newer))
    assert window.document.spec.to_json() == before
    assert "damaged" in messages[0]
    assert "newer" in messages[1]


def test_open_source_accepts_presets_and_files(window, tmp_path) -> None:  # noqa: ANN001
    assert window.open_source("lenet5")
    assert window.document.spec.name == "lenet5"
    path = tmp_path / "bare.json"
    path.write_text(load_preset("xor-mlp").network.dumps())
    assert window.open_source(str(path))
    assert window.document.spec.name == load_preset("xor-mlp").network.name


def test_new_network_starts_with_an_input(window) -> None:  # noqa: ANN001
    window.actions.new.trigger()
    spec = window.document.spec
    assert [(n.type, n.params) for n in spec.nodes] == [("Input", {"shape": [784]})]
    assert window.document.undo_stack.count() == 0


def test_export_network_json(window, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    target = tmp_path / "export.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    window.actions.export_network.trigger()
    assert json.loads(target.read_text())["format"] == "nnstudio.network"
    image = tmp_path / "net.png"
    assert window.render_network(str(image))
    assert image.stat().st_size > 1000


def test_shortcuts_dialog_lists_actions(window) -> None:  # noqa: ANN001
    from nnstudio.app.dialogs import ShortcutsDialog

    dialog = ShortcutsDialog(window.shortcut_rows(), window)
    keys = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert "Ctrl+Z" in keys and "F5" in keys
    dialog.deleteLater()


def test_documents_written_by_the_app_open_in_the_cli(window, tmp_path: Path) -> None:  # noqa: ANN001
    from nnstudio.files.documents import open_source

    target = tmp_path / "for-cli.json"
    assert window.save_to(str(target))
    opened = open_source(str(target))
    assert opened.network.to_json() == window.document.spec.to_json()


def test_pictures_are_saved_whole_or_not_at_all(window, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    import errno
    import os

    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text: messages.append(text)))
    folder = tmp_path / "pictures"
    folder.mkdir()
    target = folder / "net.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    window.actions.export_image.trigger()
    before = target.read_bytes()
    assert before.startswith(b"\x89PNG")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    window.load_preset("lenet5")
    window.actions.export_image.trigger()
    assert messages == [f"could not save {target}: the disk is full (no space left on device)"]
    assert target.read_bytes() == before and os.listdir(folder) == ["net.png"]
    with pytest.raises(OSError, match="the disk is full"):
        window.take_screenshot(str(folder / "shot.png"))
    assert os.listdir(folder) == ["net.png"]


def test_quitting_on_the_dashboard_starts_next_time_with_the_builder_s_docks(
        qtbot, settings_path: str) -> None:  # noqa: ANN001
    from nnstudio.app.training.attach import BUILD_TAB, DASHBOARD_TAB

    first = MainWindow(settings=make_settings(settings_path))
    qtbot.addWidget(first)
    first.show()
    first.training.tabs.setCurrentIndex(DASHBOARD_TAB)
    assert not first.docks["palette_dock"].isVisible()  # they step aside for the dashboard
    first.close()
    second = MainWindow(settings=make_settings(settings_path))
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert second.training.tabs.currentIndex() == BUILD_TAB
    assert all(second.docks[name].isVisible() for name in ("palette_dock", "summary_dock"))
    assert not second.docks["draw_dock"].isHidden()
    second.training.tabs.setCurrentIndex(DASHBOARD_TAB)
    assert not second.docks["palette_dock"].isVisible()
    assert second.docks["training_dock"].isVisible()


def test_each_tab_keeps_its_own_layout(window) -> None:  # noqa: ANN001
    from nnstudio.app.training.attach import BUILD_TAB, DASHBOARD_TAB

    tabs = window.training.tabs
    window.docks["summary_dock"].hide()
    tabs.setCurrentIndex(DASHBOARD_TAB)
    window.docks["palette_dock"].show()  # the person wants the palette on the dashboard
    tabs.setCurrentIndex(BUILD_TAB)
    assert not window.docks["summary_dock"].isVisible()
    assert window.docks["palette_dock"].isVisible()
    tabs.setCurrentIndex(DASHBOARD_TAB)
    assert window.docks["palette_dock"].isVisible()


def test_reset_layout_brings_back_the_default_docks(window) -> None:  # noqa: ANN001
    from nnstudio.app.training.attach import BUILD_TAB, DASHBOARD_TAB

    assert window.actions.reset_layout in window.menus.view.actions()
    for name in ("palette_dock", "summary_dock", "inspector_dock"):
        window.docks[name].hide()
    window.actions.reset_layout.trigger()
    assert all(window.docks[name].isVisible()
               for name in ("palette_dock", "summary_dock", "inspector_dock"))
    window.training.tabs.setCurrentIndex(DASHBOARD_TAB)
    window.docks["palette_dock"].show()
    window.actions.reset_layout.trigger()
    assert not window.docks["palette_dock"].isVisible()  # the dashboard's default
    window.training.tabs.setCurrentIndex(BUILD_TAB)
    assert window.docks["palette_dock"].isVisible()


def test_a_dock_raised_on_the_dashboard_is_in_front_back_on_the_network_tab(
        window) -> None:  # noqa: ANN001
    from nnstudio.app.training.attach import BUILD_TAB, DASHBOARD_TAB

    tabs = window.training.tabs
    tabs.setCurrentIndex(DASHBOARD_TAB)
    window.tab_layouts.raise_dock("draw_dock")  # as a run start does, on the dashboard
    tabs.setCurrentIndex(BUILD_TAB)
    assert not window.docks["draw_dock"].visibleRegion().isEmpty()
    assert window.docks["palette_dock"].visibleRegion().isEmpty()  # behind it, same group
