"""Downloading a dataset from the app: a cancellable progress dialog over a worker thread."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from nnstudio.app.background import BackgroundJob
from nnstudio.data.datasets import DATASETS, list_datasets
from nnstudio.data.errors import DatasetError, DownloadCancelled, DownloadFailed
from nnstudio.data.folders import has_idx_files
from nnstudio.data.remote import fetch


class _Fetcher(QObject):
    progress = Signal(int, int)
    finished = Signal()

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.cancelled = threading.Event()
        self.error: DatasetError | None = None
        self.succeeded = False

    @Slot()
    def run(self) -> None:
        try:
            fetch(self.name, progress=lambda d, t: self.progress.emit(d, t or 0),
                  cancel=self.cancelled.is_set)
            self.succeeded = True
        except DatasetError as error:
            self.error = error
        finally:
            self.finished.emit()


def needs_download(name: str, data_dir: str = "") -> bool:
    info = DATASETS.get(name)
    if info is None or info.kind != "download" or data_dir:
        return False
    return not next(i.available for i in list_datasets() if i.name == name)


def download_with_progress(parent: QWidget | None, name: str, ask: bool = True) -> str | None:
    """Download ``name`` showing a progress dialog. Returns "" when the files are in the
    cache, the folder the person chose instead when the download failed, or None."""
    info = DATASETS[name]
    if ask:
        answer = QMessageBox.question(
            parent, "Download the dataset?",
            f"{info.title} is not on this computer yet.\n\n{info.description}\n\n"
            "Download it now? (It is cached for next time.)")
        if answer != QMessageBox.StandardButton.Yes:
            return None
    while True:
        error = _download(parent, name)
        if error is None:
            return ""
        if isinstance(error, DownloadCancelled):
            return None
        choice = download_failed(parent, name, error)
        if choice != RETRY:
            return choice


RETRY = "retry"


def _download(parent: QWidget | None, name: str) -> DatasetError | None:
    """One try, behind a progress dialog; the error, or None when the files arrived."""
    info = DATASETS[name]
    dialog = QProgressDialog(f"Downloading {info.title}…", "Cancel", 0, 1000, parent)
    dialog.setWindowTitle("Download")
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    fetcher = _Fetcher(name)
    loop = QEventLoop()

    def on_progress(done: int, total: int) -> None:
        if total:
            dialog.setValue(int(1000 * done / total))
            dialog.setLabelText(f"Downloading {info.title}… {done / 1e6:.1f} of "
                                f"{total / 1e6:.1f} MB")

    fetcher.progress.connect(on_progress)
    dialog.canceled.connect(fetcher.cancelled.set)
    job = BackgroundJob(fetcher)
    job.ended.connect(loop.quit)
    job.start()
    loop.exec()
    job.wait()
    job.deleteLater()
    dialog.close()
    if fetcher.succeeded:
        return None
    return fetcher.error or DatasetError(f"{name}: the download stopped unexpectedly")


def failure_box(parent: QWidget | None, name: str, error: DatasetError) -> QMessageBox:
    """The message a failed download shows a person at the window: what failed, what to
    do about it in the window (try again, or choose a folder that holds the files), and
    each mirror's answer under Details; nothing about command-line options."""
    info = DATASETS[name]
    headline = error.headline if isinstance(error, DownloadFailed) else str(error)
    box = QMessageBox(QMessageBox.Icon.Warning, "Download failed",
                      f"{info.title} could not be downloaded.", parent=parent)
    box.setInformativeText(
        f"{headline}.\n\nCheck the internet connection and try again, or, if you have "
        f"the four IDX files of {info.title} (train-images, train-labels, t10k-images, "
        f"t10k-labels, .gz or not), choose the folder that holds them.")
    if isinstance(error, DownloadFailed) and error.failures:
        box.setDetailedText("\n".join(error.failures))
    box.addButton("Choose Folder…", QMessageBox.ButtonRole.AcceptRole).setObjectName("folder")
    box.addButton("Try Again", QMessageBox.ButtonRole.ResetRole).setObjectName("retry")
    box.addButton(QMessageBox.StandardButton.Cancel)
    return box


def download_failed(parent: QWidget | None, name: str, error: DatasetError) -> str | None:
    """Ask what to do after a failed download: RETRY, a folder holding the files, or None."""
    box = failure_box(parent, name, error)
    box.exec()
    clicked = box.clickedButton()
    which = clicked.objectName() if clicked is not None else ""
    if which == "retry":
        return RETRY
    if which != "folder":
        return None
    return choose_data_folder(parent, name)


def choose_data_folder(parent: QWidget | None, name: str) -> str | None:
    """A folder with ``name``'s IDX files (itself or its subfolder ``name``), or None."""
    title = DATASETS[name].title
    while True:
        folder = QFileDialog.getExistingDirectory(parent, f"Folder of the {title} IDX files")
        if not folder:
            return None
        if has_idx_files(Path(folder)) or has_idx_files(Path(folder) / name):
            return folder
        QMessageBox.warning(parent, "No IDX files there",
                            f"{folder} does not hold the four IDX files of {title}; "
                            f"choose the folder that does.")
