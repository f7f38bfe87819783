"""Downloading a dataset from the app: a cancellable progress dialog over a worker thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QEventLoop, QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from nnstudio.app.background import BackgroundJob
from nnstudio.data.datasets import DATASETS, list_datasets
from nnstudio.data.errors import DatasetError, DownloadCancelled
from nnstudio.data.remote import fetch


class _Fetcher(QObject):
    progress = Signal(int, int)
    done = Signal(str)  # "" on success, else the message
    finished = Signal()

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.cancelled = threading.Event()

    @Slot()
    def run(self) -> None:
        try:
            fetch(self.name, progress=lambda d, t: self.progress.emit(d, t or 0),
                  cancel=self.cancelled.is_set)
            self.done.emit("")
        except DownloadCancelled:
            self.done.emit("cancelled")
        except DatasetError as error:
            self.done.emit(str(error))
        finally:
            self.finished.emit()


def needs_download(name: str, data_dir: str = "") -> bool:
    info = DATASETS.get(name)
    if info is None or info.kind != "download" or data_dir:
        return False
    return not next(i.available for i in list_datasets() if i.name == name)


def download_with_progress(parent: QWidget | None, name: str, ask: bool = True) -> bool:
    """Download ``name`` showing a progress dialog; True when the files are there."""
    info = DATASETS[name]
    if ask:
        answer = QMessageBox.question(
            parent, "Download the dataset?",
            f"{info.title} is not on this computer yet.\n\n{info.description}\n\n"
            "Download it now? (It is cached for next time.)")
        if answer != QMessageBox.StandardButton.Yes:
            return False
    dialog = QProgressDialog(f"Downloading {info.title}…", "Cancel", 0, 1000, parent)
    dialog.setWindowTitle("Download")
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    fetcher = _Fetcher(name)
    loop = QEventLoop()
    outcome: list[str] = []

    def on_progress(done: int, total: int) -> None:
        if total:
            dialog.setValue(int(1000 * done / total))
            dialog.setLabelText(f"Downloading {info.title}… {done / 1e6:.1f} of "
                                f"{total / 1e6:.1f} MB")

    fetcher.progress.connect(on_progress)
    fetcher.done.connect(outcome.append)
    dialog.canceled.connect(fetcher.cancelled.set)
    job = BackgroundJob(fetcher)
    job.ended.connect(loop.quit)
    job.start()
    loop.exec()
    job.wait()
    job.deleteLater()
    dialog.close()
    message = outcome[0] if outcome else "the download stopped unexpectedly"
    if message and message != "cancelled":
        QMessageBox.warning(parent, "Download failed", message)
    return message == ""
