"""A failed download speaks to a person at the window: try again, or choose the folder
that holds the files; the command line's --data-dir stays on the command line."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from nnstudio.app.training import downloads
from nnstudio.data.errors import DownloadFailed

FAILED = DownloadFailed("mnist: could not download train-images-idx3-ubyte.gz",
                        ["https://mirror/x: Name or service not known"])


def test_the_message_offers_a_folder_and_never_names_a_flag(qtbot) -> None:
    box = downloads.failure_box(None, "mnist", FAILED)
    qtbot.addWidget(box)
    text = box.text() + box.informativeText()
    assert "--data-dir" not in text and "NNSTUDIO_DATA_DIR" not in text
    assert "choose the folder" in text and "train-images-idx3-ubyte.gz" in text
    assert "Name or service not known" in box.detailedText()
    names = {button.text() for button in box.buttons()}
    assert {"Choose Folder…", "Try Again"} <= names
    assert "--data-dir" in str(FAILED)  # the command line still says how


def test_a_chosen_folder_with_the_files_is_what_the_run_uses(qtbot, monkeypatch,
                                                             tmp_path) -> None:
    for stem in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                 "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        (tmp_path / stem).write_bytes(b"")
    tries = []
    monkeypatch.setattr(downloads, "_download", lambda parent, name: tries.append(1) or FAILED)
    answers = iter(["retry", "folder"])

    def click(box: QMessageBox) -> int:
        wanted = next(answers)
        box.findChild(type(box.buttons()[0]), wanted).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click)
    monkeypatch.setattr(downloads.QFileDialog, "getExistingDirectory",
                        lambda *args: str(tmp_path))
    assert downloads.download_with_progress(None, "mnist", ask=False) == str(tmp_path)
    assert len(tries) == 2  # the first answer tried again
