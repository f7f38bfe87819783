"""Autosave and recovery, the crash dialog, and exporting the model from the window."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from nnstudio.app.main_window import MainWindow
from nnstudio.app.recovery import offer_recovery, recovery_path
from nnstudio.app.settings import make_settings


def test_autosave_then_recover_after_a_crash(qtbot, settings_path, monkeypatch) -> None:
    first = MainWindow(settings=make_settings(settings_path), persist=False)
    qtbot.addWidget(first)
    first.document.set_param("dense1", "units", 77)
    assert first.autosaver.timer.isActive()  # armed by the first unsaved edit
    assert first.autosaver.autosave()
    path = recovery_path(first.settings)
    assert path.is_file()
    # A crash: the window goes away without closing (no clean-up runs).
    first.autosaver.timer.stop()
    first.training.dashboard.stop()

    second = MainWindow(settings=make_settings(settings_path), persist=False)
    qtbot.addWidget(second, before_close_func=lambda w: w.document.mark_saved(""))
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    assert offer_recovery(second)
    assert second.document.spec.node("dense1").params["units"] == 77
    assert second.document.is_modified  # recovered work still has to be saved


def test_declining_recovery_discards_it(qtbot, window, monkeypatch) -> None:
    window.document.set_param("dense1", "units", 5)
    window.autosaver.autosave()
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.No))
    assert not offer_recovery(window)
    assert not recovery_path(window.settings).exists()


def test_saving_or_closing_cleanly_removes_the_recovery_file(qtbot, window, tmp_path) -> None:
    window.document.set_param("dense1", "units", 5)
    window.autosaver.autosave()
    assert window.save_to(str(tmp_path / "kept.nnstudio"))
    assert not recovery_path(window.settings).exists()
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

    from nnstudio.app.document_io import DocumentError, save_document
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
