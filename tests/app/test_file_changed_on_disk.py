"""The same project open in two windows (or changed by another program): saving over
changes made since this window opened or saved the file asks first."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog

from nnstudio.app import dialogs
from nnstudio.app.main_window import MainWindow
from nnstudio.app.settings import make_settings
from nnstudio.files.project import load_project


def units_in(path) -> int:  # noqa: ANN001
    return load_project(path).network.node("dense1").params["units"]


@pytest.fixture
def two_windows(qtbot, settings_path, tmp_path):  # noqa: ANN001, ANN201
    path = tmp_path / "shared.nnstudio"
    first = MainWindow(settings=make_settings(settings_path), persist=False)
    qtbot.addWidget(first, before_close_func=lambda w: w.document.mark_saved(""))
    assert first.save_to(str(path))
    second = MainWindow(settings=make_settings(settings_path), persist=False,
                        open_source=str(path))
    qtbot.addWidget(second, before_close_func=lambda w: w.document.mark_saved(""))
    first.document.set_param("dense1", "units", 11)
    assert first.save()  # the first window's changes are on disk now
    second.document.set_param("dense1", "units", 22)
    return first, second, path


@pytest.mark.parametrize("choice", ["overwrite", None])
def test_saving_over_another_window_s_changes_asks(two_windows, monkeypatch, choice) -> None:
    first, second, path = two_windows
    asked = []
    monkeypatch.setattr(dialogs, "ask_file_changed",
                        lambda parent, name: asked.append(name) or choice)
    saved = second.save()
    assert asked == ["shared.nnstudio"]
    assert saved == (choice == "overwrite")
    assert units_in(path) == (22 if choice == "overwrite" else 11)
    assert second.document.is_modified == (choice is None)


def test_save_as_keeps_both(two_windows, monkeypatch, tmp_path) -> None:
    first, second, path = two_windows
    monkeypatch.setattr(dialogs, "ask_file_changed", lambda parent, name: "save_as")
    other = tmp_path / "mine.nnstudio"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(other), "")))
    assert second.save()
    assert units_in(path) == 11 and units_in(other) == 22


def test_saving_again_after_one_s_own_save_asks_nothing(two_windows) -> None:
    first, second, path = two_windows
    first.document.set_param("dense1", "units", 12)
    assert first.save()  # no question (the autouse fixture fails on any dialog)
    assert first.save_to(str(path))
    assert units_in(path) == 12


def test_another_program_changing_the_file_is_noticed(qtbot, window, tmp_path,
                                                      monkeypatch) -> None:
    path = tmp_path / "net.json"
    assert window.save_to(str(path))
    path.write_text(path.read_text().replace('"units": 100', '"units": 7'))
    window.document.set_param("dense1", "units", 5)
    asked = []
    monkeypatch.setattr(dialogs, "ask_file_changed",
                        lambda parent, name: asked.append(name) or None)
    assert not window.save()
    assert asked == ["net.json"] and '"units": 7' in path.read_text()
