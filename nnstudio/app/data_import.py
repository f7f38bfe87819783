"""The window's side of a person's own data: File > Import Data and dropping a file or
folder on the window open the preview (app/data_preview.py); importing makes the network's
Input and output layers follow the data as one undoable edit, suggests the loss for the
task, and keeps the reference (``DataSource``) that runs use and projects save. A project
opened with a reference says when its data are missing or changed.

A mixin of MainWindow, as FileMenuMixin is.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDialog, QFileDialog

from nnstudio.app import settings as app_settings
from nnstudio.app.data_import_step import UseDataCommand
from nnstudio.app.data_preview import DataPreviewDialog
from nnstudio.data.errors import DatasetError
from nnstudio.data.source import DataSource, check_source
from nnstudio.data.table import is_table_file
from nnstudio.data.user_data import Loaded, load_source
from nnstudio.spec.fit_ends import fit_ends, suggested_loss
from nnstudio.spec.training import TrainingSpec

DATA_FILTER = ("Tables and arrays (*.csv *.tsv *.tab *.txt *.csv.gz *.tsv.gz *.npz *.npy);;"
               "All files (*)")


def droppable_data(url: QUrl) -> str | None:
    """The local path of a dropped folder, table or array file; None for anything else."""
    if not url.isLocalFile():
        return None
    path = Path(url.toLocalFile())
    if path.is_dir() or is_table_file(path) or path.suffix.lower() in (".npz", ".npy"):
        return str(path)
    return None


class DataImportMixin:
    """Importing data into the window; mixed into MainWindow."""

    @property
    def data_source(self) -> DataSource | None:
        """The person's own data the network trains on (None: a named dataset)."""
        data = self.training.controller.data
        return data if data is not None and data.name == self.document.training.dataset \
            else None

    def import_data_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import Data",
                                              app_settings.last_dir(self.settings), DATA_FILTER)
        if path:
            self.import_data(path)

    def import_image_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Import an Image Folder (one subfolder per class)",
            app_settings.last_dir(self.settings))
        if folder:
            self.import_data(folder)

    def preview_data(self, path: str) -> DataPreviewDialog:
        return DataPreviewDialog(path, self)

    def import_data(self, path: str) -> bool:
        """Preview ``path`` and, when the person accepts, train on it from now on."""
        dialog = self.preview_data(path)
        if dialog.exec() != QDialog.DialogCode.Accepted or (chosen := dialog.chosen()) is None:
            return False
        if self.persist:
            app_settings.set_last_dir(self.settings, path)
        self.use_data(chosen)
        return True

    def use_data(self, loaded: Loaded) -> list[str]:
        """Train on ``loaded`` from now on: the network's ends follow it and the loss suits
        its task, one undo step with the dataset chosen. Returns what changed in the
        network."""
        dataset = loaded.imported.dataset
        doc = self.document
        fitted, changes = fit_ends(doc.spec, dataset.input_shape, dataset.output_size,
                                   dataset.task)
        kept = {node.id for node in fitted.nodes}
        loss = suggested_loss(dataset.task)
        controller = self.training.controller
        doc.undo_stack.beginMacro(f"Train on {dataset.name}")
        try:
            doc.undo_stack.push(UseDataCommand(
                (doc.training, controller.data),
                (replace(doc.training, dataset=dataset.name, data_dir="", loss=loss),
                 loaded.source), self._train_with))
            gone = [node.id for node in doc.spec.nodes if node.id not in kept]
            if gone:
                doc.remove(gone)
            for node in fitted.nodes:
                current = doc.spec.node(node.id).params
                for name, value in node.params.items():
                    if current.get(name) != value:
                        doc.set_param(node.id, name, value)
        finally:
            doc.undo_stack.endMacro()
        self.inspect.samples.adopt(dataset)  # the inspection views' samples, before a run
        follows = f"; the network follows it ({'; '.join(changes)})" if changes else ""
        self.statusBar().showMessage(
            f"Training on {dataset.name}: {len(dataset.x_train):,} training and "
            f"{len(dataset.x_test):,} test samples{follows}; loss {loss}", 12000)
        return changes

    def _train_with(self, training: TrainingSpec, data: DataSource | None) -> None:
        """The settings and data reference of an import (or of before it, on Undo)."""
        self.training.controller.data = data
        self.document.set_training(training)

    def adopt_project_data(self, source: DataSource | None) -> None:
        """A project's reference to its data, checked (missing or changed is said) and
        read, so the inspection views show its samples."""
        self.training.controller.data = source
        if source is None:
            return
        try:
            changed = check_source(source)
        except DatasetError as error:
            self._report("The project's data are missing", f"{error}.\nImport the data "
                         f"again (File > Import Data) to train or evaluate.")
            return
        if changed:
            self._report("The project's data have changed", changed)
            return
        try:  # the inspection views show its samples before a run
            self.inspect.samples.adopt(load_source(source).imported.dataset)
            self.inspect.current.changed.emit()
        except DatasetError as error:
            self.statusBar().showMessage(f"The project's data could not be read: {error}",
                                         12000)

    # -- drops ---------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) == 1 and droppable_data(urls[0]):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        path = droppable_data(urls[0]) if len(urls) == 1 else None
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_data(path)
