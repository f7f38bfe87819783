"""The preview of a person's own data before it is imported: the first rows of a table or
a grid of images per class, the detected types, the class counts and the split, with the
choices that change them (target, task, missing values, image size, test share).

The data are read again (``nnstudio.data.user_data.import_data``) at each change of a
choice; a problem shows in red, naming the file and line, and Import stays disabled.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app import theme
from nnstudio.data.errors import DatasetError
from nnstudio.data.source import DataOptions, detect_kind
from nnstudio.data.user_data import Loaded, import_data
from nnstudio.spec.fit_ends import suggested_loss

IMAGES_PER_CLASS = 8
MAX_CLASSES_SHOWN = 12
TILE = 48
TASK_CHOICES = (("Detect", None), ("Classify", "classification"), ("Regress", "regression"))


def table_widget(headers: list[str], rows: list[list[str]]) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))
    return table


def image_pixmap(image: np.ndarray, size: int = TILE) -> QPixmap:
    """A uint8 (H, W) or (3, H, W) image, scaled to ``size`` pixels."""
    if image.ndim == 3:
        rgb = np.ascontiguousarray(image.transpose(1, 2, 0))
        qimage = QImage(rgb.data, rgb.shape[1], rgb.shape[0], 3 * rgb.shape[1],
                        QImage.Format.Format_RGB888)
    else:
        grey = np.ascontiguousarray(image)
        qimage = QImage(grey.data, grey.shape[1], grey.shape[0], grey.shape[1],
                        QImage.Format.Format_Grayscale8)
    return QPixmap.fromImage(qimage.copy()).scaled(
        size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation)


class DataPreviewDialog(QDialog):
    """Shows what importing ``path`` would load; ``loaded`` holds it when accepted."""

    def __init__(self, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.kind = detect_kind(path)
        self.loaded: Loaded | None = None
        self.setWindowTitle(f"Import Data — {Path(path).name}")
        self.resize(920, 620)
        outer = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.summary)
        outer.addLayout(self._choices())
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        outer.addWidget(self.progress)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(theme.text_style("error_text"))
        self.error.setVisible(False)
        outer.addWidget(self.error)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.sample_box = QGroupBox("First rows" if self.kind == "table" else "Samples")
        self.sample_layout = QVBoxLayout(self.sample_box)
        splitter.addWidget(self.sample_box)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        self.columns_box = QGroupBox("Detected types")
        self.columns_layout = QVBoxLayout(self.columns_box)
        self.classes_box = QGroupBox("Classes: training / test")
        self.classes_layout = QVBoxLayout(self.classes_box)
        side_layout.addWidget(self.columns_box, 1)
        side_layout.addWidget(self.classes_box, 1)
        splitter.addWidget(side)
        splitter.setSizes([560, 340])
        outer.addWidget(splitter, 1)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        outer.addWidget(self.notes)
        self.embed = QCheckBox("Copy the data into the project when saving (otherwise the "
                               "project refers to them by path and SHA-256)")
        outer.addWidget(self.embed)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self.reload()

    # -- choices -----------------------------------------------------------------------
    def _choices(self) -> QHBoxLayout:
        row = QHBoxLayout()
        form = QFormLayout()
        self.target = QComboBox()
        self.task = QComboBox()
        for text, value in TASK_CHOICES:
            self.task.addItem(text, value)
        self.missing = QComboBox()
        self.missing.addItem("Drop the row", "drop")
        self.missing.addItem("Fill (training mean / most frequent)", "fill")
        self.height = QSpinBox()
        self.width = QSpinBox()
        for spin in (self.height, self.width):
            spin.setRange(0, 1024)
            spin.setSpecialValueText("auto")
        self.test_share = QDoubleSpinBox()
        self.test_share.setRange(0.05, 0.5)
        self.test_share.setSingleStep(0.05)
        self.test_share.setValue(0.2)
        self.test_share.setMaximumWidth(90)
        if self.kind == "table":
            form.addRow("Target", self.target)
            form.addRow("Task", self.task)
            second = QFormLayout()
            second.addRow("Missing values", self.missing)
            second.addRow("Test share", self.test_share)
        else:
            if self.kind == "images":
                size = QHBoxLayout()
                size.addWidget(self.height)
                size.addWidget(QLabel("×"))
                size.addWidget(self.width)
                size.addStretch(1)
                form.addRow("Image size (H × W)", size)
            else:
                form.addRow("Task", self.task)
            second = QFormLayout()
            second.addRow("Test share", self.test_share)
        row.addLayout(form, 1)
        row.addLayout(second, 1)
        for combo in (self.target, self.task, self.missing):
            combo.currentIndexChanged.connect(self._changed)
        for spin in (self.height, self.width, self.test_share):
            spin.editingFinished.connect(self._changed)
        self._quiet = False
        return row

    def chosen(self) -> Loaded | None:
        """What Import takes: the data read, with the person's choice of copying them."""
        if self.loaded is None:
            return None
        return replace(self.loaded, source=replace(self.loaded.source,
                                                   embedded=self.embed.isChecked()))

    def options(self) -> DataOptions:
        size = (self.height.value(), self.width.value())
        return DataOptions(
            target=self.target.currentData() if self.target.count() else None,
            task=self.task.currentData(), missing=self.missing.currentData(),
            image_size=size if all(size) else None,
            test_fraction=round(self.test_share.value(), 3))

    def _changed(self) -> None:
        if not self._quiet:
            self.reload()

    # -- loading -----------------------------------------------------------------------
    def reload(self) -> None:
        self.progress.setVisible(True)
        self.progress.setValue(0)

        def progress(done: int, total: int) -> None:
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(done)
            QApplication.processEvents()

        try:
            options = self.options()
            self.loaded = import_data(self.path, options, progress)
        except DatasetError as error:
            self.loaded = None
            self.error.setText(str(error))
            self.summary.setText(f"<b>{Path(self.path).name}</b> cannot be imported as it "
                                 f"is; the problem:")
            for layout in (self.sample_layout, self.columns_layout, self.classes_layout):
                self._replace(layout, QLabel())
            self.notes.setText("")
        finally:
            self.progress.setVisible(False)
        self.error.setVisible(self.loaded is None)
        self.import_button.setEnabled(self.loaded is not None)
        if self.loaded is not None:
            self._show(self.loaded)

    def _show(self, loaded: Loaded) -> None:
        imported, dataset = loaded.imported, loaded.imported.dataset
        shape = "×".join(map(str, dataset.input_shape))
        loss = suggested_loss(dataset.task).replace("_", "-").replace("mse", "mean squared error")
        self.summary.setText(
            f"<b>{Path(loaded.source.path).name}</b> — {imported.kind}, {dataset.task}: "
            f"{len(dataset.x_train):,} training and {len(dataset.x_test):,} test samples. "
            f"The network will take inputs of {shape} and give {dataset.output_size} "
            f"output{'s' if dataset.output_size != 1 else ''}; suggested loss: {loss}."
            f"<br><span style='color:{theme.MUTED_TEXT}'>{loaded.source.path} · SHA-256 "
            f"{loaded.source.sha256[:16]}…</span>")
        self._fill_targets(imported.columns)
        self._replace(self.sample_layout, self._samples(loaded))
        self._replace(self.columns_layout, table_widget(
            ["Column", "Type"], [[name, kind] for name, kind in imported.columns]))
        counts = imported.class_counts()
        self.classes_box.setVisible(bool(counts))
        if counts:
            self._replace(self.classes_layout, table_widget(
                ["Class", "Training", "Test"],
                [[name, f"{a:,}", f"{b:,}"] for name, a, b in counts]))
        self.notes.setText("\n".join(imported.notes))

    def _fill_targets(self, columns: list[tuple[str, str]]) -> None:
        if self.kind != "table" or self.target.count():
            return
        self._quiet = True
        for name, kind in columns:
            self.target.addItem(name, name)
            if kind.endswith("(target)"):
                self.target.setCurrentIndex(self.target.count() - 1)
        self._quiet = False

    def _samples(self, loaded: Loaded) -> QWidget:
        imported, dataset = loaded.imported, loaded.imported.dataset
        if imported.kind == "table":
            rows = imported.first_rows
            table = table_widget(rows[0], rows[1:])
            table.horizontalHeader().setSectionResizeMode(
                QHeaderView.ResizeMode.ResizeToContents)
            return table
        if dataset.x_train.dtype != np.uint8 or dataset.x_train.ndim not in (3, 4):
            shape = "×".join(map(str, dataset.x_train.shape[1:]))
            return QLabel(f"Arrays: x is {dataset.x_train.dtype} of {shape} per sample.")
        grid = QGridLayout()
        grid.setSpacing(4)
        for row, name in enumerate(dataset.classes[:MAX_CLASSES_SHOWN]):
            label = QLabel(name)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(label, row, 0)
            members = np.flatnonzero(dataset.y_train == row)[:IMAGES_PER_CLASS]
            for column, index in enumerate(members):
                tile = QLabel()
                tile.setPixmap(image_pixmap(dataset.x_train[index]))
                tile.setToolTip(f"{name}, training sample {index}")
                grid.addWidget(tile, row, column + 1)
        shown = min(len(dataset.classes), MAX_CLASSES_SHOWN)
        grid.setRowStretch(shown, 1)  # the tiles keep to the top left
        grid.setColumnStretch(IMAGES_PER_CLASS + 1, 1)
        body = QWidget()
        body.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        return scroll

    @staticmethod
    def _replace(layout: QVBoxLayout, widget: QWidget) -> None:
        while layout.count():
            old = layout.takeAt(0).widget()
            if old is not None:  # gone at once, not at the next event loop pass
                old.hide()
                old.setParent(None)
                old.deleteLater()
        layout.addWidget(widget)
