"""Autosave and recovery, the crash dialog, and exporting the model from the window."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from nnstudio.app import dialogs
from nnstudio.app.main_window import MainWindow
from nnstudio.app.recovery import offer_recovery, recovery_dir
from nnstudio.app.settings import make_settings
from nnstudio.files.project import load_project


def crash(window: MainWindow) -> None:
    """What a crash leaves: the recovery file, but no timer, no clean-up and no lock (the
    process that held it is gone)."""
    window.autosaver.timer.stop()
    window.training.dashboard.stop()
    window.autosaver.lock.unlock()


def answer_questions(monkeypatch, button) -> list[str]:  # noqa: ANN001
    asked: list[str] = []

    def question(parent, title, text, *rest):  # noqa: ANN001, ANN202
        asked.append(text)
        return button
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def edited_window(qtbot, settings_path: str, units: int) -> MainWindow:  # noqa: ANN001
    window = MainWindow(settings=make_settings(settings_path), persist=False)
    qtbot.addWidget(window, before_close_func=lambda w: w.document.mark_saved(""))
    window.document.set_param("dense1", "units", units)
    return window


def test_autosave_then_recover_after_a_crash(qtbot, settings_path, monkeypatch) -> None:
    first = edited_window(qtbot, settings_path, 77)
    assert first.autosaver.timer.isActive()  # armed by the first unsaved edit
    assert first.autosaver.autosave()
    path = first.autosaver.path
    assert path.is_file() and path.parent == recovery_dir(first.settings)
    crash(first)

    second = MainWindow(settings=make_settings(settings_path), persist=False)
    qtbot.addWidget(second, before_close_func=lambda w: w.document.mark_saved(""))
    answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    assert offer_recovery(second) == [second]
    assert second.document.spec.node("dense1").params["units"] == 77
    assert second.document.is_modified  # recovered work still has to be saved
    assert not path.exists()  # the work lives in the second window's own file now
    assert second.autosaver.path.is_file()


def test_declining_recovery_discards_it(qtbot, settings_path, monkeypatch) -> None:
    crashed = edited_window(qtbot, settings_path, 5)
    crashed.autosaver.autosave()
    crash(crashed)
    window = MainWindow(settings=make_settings(settings_path), persist=False)
    qtbot.addWidget(window)
    answer_questions(monkeypatch, QMessageBox.StandardButton.No)
    assert not offer_recovery(window)
    assert not crashed.autosaver.path.exists()


def test_each_window_has_its_own_recovery_file(qtbot, settings_path, tmp_path,
                                               monkeypatch) -> None:
    first, second, third = (edited_window(qtbot, settings_path, n) for n in (11, 22, 33))
    assert len({w.autosaver.path for w in (first, second, third)}) == 3
    assert all(w.autosaver.autosave() for w in (first, second, third))
    assert second.save_to(str(tmp_path / "second.nnstudio"))  # saving clears its own only
    assert not second.autosaver.path.exists()
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name: "discard")
    third.close()  # closing cleanly clears its own only
    assert not third.autosaver.path.exists()
    assert first.autosaver.path.is_file()
    assert load_project(first.autosaver.path).network.node("dense1").params["units"] == 11


def test_a_live_window_s_work_is_never_offered_nor_deleted(qtbot, settings_path,
                                                           monkeypatch) -> None:
    running = edited_window(qtbot, settings_path, 33)
    assert running.autosaver.autosave()
    starting = MainWindow(settings=make_settings(settings_path), persist=False)
    qtbot.addWidget(starting)
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.No)
    assert offer_recovery(starting) == []
    assert asked == []
    assert running.autosaver.path.is_file()


def test_two_crashes_keep_both_and_each_is_offered(qtbot, settings_path, monkeypatch) -> None:
    crashed = [edited_window(qtbot, settings_path, units) for units in (41, 42)]
    for window in crashed:
        assert window.autosaver.autosave()
        crash(window)
    window = MainWindow(settings=make_settings(settings_path), persist=False)
    qtbot.addWidget(window, before_close_func=lambda w: w.document.mark_saved(""))
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    restored = offer_recovery(window)
    for extra in restored[1:]:
        qtbot.addWidget(extra, before_close_func=lambda w: w.document.mark_saved(""))
    assert len(asked) == 2 and len(restored) == 2 and restored[0] is window
    name = crashed[0].document.spec.name
    assert all(f"unsaved work on {name!r}" in text for text in asked)
    assert sorted(w.document.spec.node("dense1").params["units"] for w in restored) == [41, 42]
    assert all(w.document.is_modified and w.autosaver.path.is_file() for w in restored)
    assert not any(w.autosaver.path.exists() for w in crashed)


def test_the_recovery_file_of_an_older_version_is_offered(qtbot, settings_path,
                                                          monkeypatch) -> None:
    crashed = edited_window(qtbot, settings_path, 9)
    assert crashed.autosaver.autosave()
    crash(crashed)
    legacy = recovery_dir(crashed.settings) / "recovery.nnstudio"
    crashed.autosaver.path.rename(legacy)
    window = MainWindow(settings=make_settings(settings_path), persist=False)
    qtbot.addWidget(window, before_close_func=lambda w: w.document.mark_saved(""))
    answer_questions(monkeypatch, QMessageBox.StandardButton.Yes)
    assert offer_recovery(window) == [window]
    assert window.document.spec.node("dense1").params["units"] == 9
    assert not legacy.exists()


def test_saving_or_closing_cleanly_removes_the_recovery_file(qtbot, window, tmp_path) -> None:
    window.document.set_param("dense1", "units", 5)
    window.autosaver.autosave()
    assert window.save_to(str(tmp_path / "kept.nnstudio"))
    assert not window.autosaver.path.exists()
    assert not window.autosaver.timer.isActive()


def test_the_error_dialog_offers_the_details_to_copy(qtbot, window, monkeypatch) -> None:
    from nnstudio.app import dialogs

    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box) or 0)
    dialogs.show_exception(window, "ValueError: boom", "Traceback ...\nValueError: boom", None)
    box = shown[0]
    assert "boom" in box.text() and "Traceback" in box.detailedText()
    assert any(b.text() == "Copy Details" for b in box.buttons())


def test_export_menu_writes_onnx_and_weights(qtbot, window, tmp_path) -> None:
    texts = [a.text().replace("&", "") for a in window.menus.export.actions()]
    assert {"PyTorch Code…", "ONNX…", "Weights (.npz)…"} <= set(texts)
    onnx_path = tmp_path / "mlp.onnx"
    written = window.export_model("onnx", str(onnx_path))
    assert written and onnx_path.is_file()
    npz = window.export_model("npz", str(tmp_path / "w.npz"))
    with np.load(npz[0], allow_pickle=False) as arrays:
        assert arrays["dense1/W"].shape == (784, 100)


@pytest.mark.parametrize("suffix", [".nnstudio", ".json"])
def test_a_long_name_saves_and_a_full_disk_names_the_file(tmp_path, monkeypatch,
                                                          suffix) -> None:
    import errno
    import os

    from nnstudio.files.documents import DocumentError, save_document
    from nnstudio.spec.presets import load_preset

    preset = load_preset("xor-mlp")
    folder = tmp_path / "documents"
    folder.mkdir()
    path = folder / ("n" * (245 - len(suffix)) + suffix)  # a valid 245-byte name
    save_document(path, preset.network, preset.training)
    before = path.read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(DocumentError) as caught:
        save_document(path, preset.network, preset.training)
    assert str(caught.value) == f"could not save {path}: the disk is full (no space left on device)"
    assert path.read_bytes() == before and os.listdir(folder) == [path.name]


def test_locks_of_windows_that_are_gone_are_cleaned_up(qtbot, settings_path) -> None:
    import socket
    import subprocess

    ended = subprocess.Popen(["true"])
    ended.wait()
    folder = recovery_dir(make_settings(settings_path))
    folder.mkdir(parents=True, exist_ok=True)
    orphan = folder / "window-1-gone.nnstudio.lock"
    orphan.write_text(f"{ended.pid}\npython\n{socket.gethostname()}\n")
    window = MainWindow(settings=make_settings(settings_path), persist=False)
    qtbot.addWidget(window)
    assert offer_recovery(window) == []
    assert not orphan.exists()
    assert (folder / (window.autosaver.path.name + ".lock")).exists()  # its own stays


def test_a_damaged_recovery_file_is_reported_and_kept_aside(qtbot, settings_path,
                                                           monkeypatch) -> None:
    folder = recovery_dir(make_settings(settings_path))
    folder.mkdir(parents=True, exist_ok=True)
    damaged = folder / "window-1-damaged.nnstudio"
    damaged.write_bytes(b"not a zip")
    window = MainWindow(settings=make_settings(settings_path), persist=False)
    qtbot.addWidget(window)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text: warned.append(text)))
    assert offer_recovery(window) == []
    kept = folder / "window-1-damaged.nnstudio.damaged"
    assert len(warned) == 1 and "window-1-damaged.nnstudio" in warned[0]
    assert str(kept) in warned[0] and kept.read_bytes() == b"not a zip"
    assert offer_recovery(window) == [] and len(warned) == 1  # not offered again
