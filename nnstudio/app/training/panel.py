"""The training panel: the run buttons, progress, and a widget for each training setting
that the table (spec/training_settings.py) puts in a panel group, made by the inspector's
editor factory (builder/param_editors.py)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app.builder.param_editors import ParamEditor, make_editor
from nnstudio.app.training.toy_settings import ToySettings
from nnstudio.data.datasets import DATASETS
from nnstudio.spec.training import TrainingSpec
from nnstudio.spec.training_settings import DEFAULT_LR, GROUPS, Setting, in_group, setting

FOLDER_ITEM = "folder"


def _compact(combo: QComboBox) -> QComboBox:
    """A combo box as wide as eight characters, whatever its longest item: the dock stays
    narrow."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    return combo


def _present(editor: ParamEditor, entry: Setting) -> None:
    """Dress a catalogue editor as the panel shows it: choices by their labels, check boxes
    with their label, the setting's own arrow step, its help as the tooltip."""
    box = editor.box
    if entry.kind == "choice":
        _compact(box)
        for index, value in enumerate(entry.choices):
            box.setItemText(index, entry.choice_label(value))
            box.setItemData(index, value)
    elif entry.kind == "bool":
        box.setText(entry.label)
    if entry.step is not None:
        box.setSingleStep(entry.step)
    box.setToolTip(entry.help)


def _label(entry: Setting) -> QLabel:
    """A row's label, explaining its setting on hover as the field does."""
    label = QLabel(entry.label)
    label.setToolTip(entry.help)
    return label


class TrainingPanel(QWidget):
    """Edits a TrainingSpec; ``changed`` fires after every edit with the new spec. Its
    widgets are generated from the table of training settings, one per setting that has a
    panel group, in the groups' order."""

    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spec = TrainingSpec()
        self._updating = False
        self.editors: dict[str, ParamEditor] = {}
        self.buttons = QHBoxLayout()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.progress_label = QLabel("Ready")
        self.progress_label.setObjectName("progressLabel")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addLayout(self.buttons)
        outer.addWidget(self.progress_bar)
        outer.addWidget(self.progress_label)
        outer.addWidget(self._settings_area(), 1)
        self.set_training(self._spec)

    # -- layout ----------------------------------------------------------------------------
    def _settings_area(self) -> QScrollArea:
        body = QWidget()
        column = QVBoxLayout(body)
        for group in GROUPS:
            form = QFormLayout()
            for entry in in_group(group):
                self._add_row(form, entry)
            box = QGroupBox(group)
            box.setLayout(form)
            column.addWidget(box)
            if group == "Data":
                self.toy_settings = ToySettings(self._edited)
                column.addWidget(self.toy_settings)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        return scroll

    def _add_row(self, form: QFormLayout, entry: Setting) -> None:
        if entry.name == "dataset":  # the datasets' list, and a folder of IDX files
            self.dataset = _compact(QComboBox())
            for info in DATASETS.values():
                self.dataset.addItem(info.title, info.name)
                self.dataset.setItemData(self.dataset.count() - 1, info.description,
                                         Qt.ItemDataRole.ToolTipRole)
            self.dataset.addItem("Folder of IDX files…", FOLDER_ITEM)
            self.dataset.setToolTip(entry.help)
            self.dataset.currentIndexChanged.connect(self._on_dataset)
            self.folder_label = QLabel()
            self.folder_label.setWordWrap(True)
            form.addRow(_label(entry), self.dataset)
            form.addRow("", self.folder_label)
            return
        editor = make_editor(entry, lambda value, name=entry.name: self._edited(name, value))
        _present(editor, entry)
        self.editors[entry.name] = editor
        if entry.kind == "bool":
            form.addRow(editor.widget)
        else:
            form.addRow(_label(entry), editor.widget)

    def add_action_buttons(self, actions: list) -> None:
        """Buttons for the window's Train actions (Start, Pause, Stop, Step)."""
        for action in actions:
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            self.buttons.addWidget(button)
        self.buttons.addStretch(1)

    # -- spec in and out -------------------------------------------------------------------
    def training(self) -> TrainingSpec:
        return replace(self._spec)

    def set_training(self, spec: TrainingSpec) -> None:
        self._updating = True
        try:
            self._spec = replace(spec)
            index = self.dataset.findData(spec.dataset)
            if index < 0 and spec.dataset:  # the person's own data (File > Import Data)
                self.dataset.addItem(f"{spec.dataset} (imported)", spec.dataset)
                index = self.dataset.count() - 1
            if spec.data_dir:
                index = self.dataset.findData(FOLDER_ITEM)
            self.dataset.setCurrentIndex(max(index, 0))
            self.folder_label.setText(spec.data_dir)
            self.folder_label.setVisible(bool(spec.data_dir))
            for name, editor in self.editors.items():
                editor.set_value(getattr(spec, name))
            self.toy_settings.show_training(spec)
            self._sync_enabled()
        finally:
            self._updating = False

    def _sync_enabled(self) -> None:
        values = vars(self._spec)
        for name, editor in self.editors.items():
            editor.widget.setEnabled(setting(name).applies(values))

    def _edited(self, name: str, value: object) -> None:
        if self._updating:
            return
        self._spec = replace(self._spec, **{name: value})
        if name == "optimizer":
            # Each optimizer has its own sensible scale of learning rate: offer it.
            self._spec = replace(self._spec, lr=DEFAULT_LR.get(value, self._spec.lr))
            self.editors["lr"].set_value(self._spec.lr)
        if name.startswith("toy_") or name == "features":
            self.toy_settings.show_training(self._spec)
        self._emit()

    def _emit(self) -> None:
        self._sync_enabled()
        self.changed.emit(self.training())

    def _on_dataset(self) -> None:
        if self._updating:
            return
        chosen = self.dataset.currentData()
        if chosen == FOLDER_ITEM:
            folder = QFileDialog.getExistingDirectory(self, "Folder of IDX files")
            if not folder:
                self._updating = True
                self.dataset.setCurrentIndex(max(self.dataset.findData(self._spec.dataset), 0))
                self._updating = False
                return
            self._spec = replace(self._spec, dataset="mnist", data_dir=folder)
            self.folder_label.setText(folder)
            self.folder_label.setVisible(True)
        else:
            self._spec = replace(self._spec, dataset=chosen, data_dir="")
            self.folder_label.setVisible(False)
        self.toy_settings.show_training(self._spec)
        self._emit()

    # -- progress ----------------------------------------------------------------------------
    def show_progress(self, fraction: float, text: str) -> None:
        self.progress_bar.setValue(int(fraction * 1000))
        self.progress_label.setText(text)
