"""The training panel: every TrainingSpec setting as a widget, the run buttons, progress."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnstudio.data.datasets import DATASETS
from nnstudio.spec.training import (
    BACKEND_CHOICES,
    BATCH_MODES,
    DEFAULT_LR,
    INIT_NAMES,
    LOSS_NAMES,
    OPTIMIZER_NAMES,
    SCHEDULE_NAMES,
    TrainingSpec,
)

FOLDER_ITEM = "folder"
LABELS = {
    "cross_entropy": "Cross-entropy (softmax)", "mse": "Quadratic (MSE)", "nll": "NLL",
    "binary_cross_entropy": "Binary cross-entropy", "kl_divergence": "KL divergence",
    "hinge": "Multi-class hinge", "sgd": "SGD", "momentum": "SGD + momentum",
    "nesterov": "SGD + Nesterov", "adagrad": "Adagrad", "adadelta": "Adadelta",
    "rmsprop": "RMSprop", "adam": "Adam", "nadam": "Nadam", "mini": "Mini-batch",
    "full": "Full batch", "online": "Online (one sample)", "numpy": "NumPy (CPU)",
    "cupy": "CuPy (GPU)", "constant": "Constant",
    "step": "Step decay", "exponential": "Exponential", "cosine": "Cosine",
}


def _combo(values: tuple[str, ...], labels: dict[str, str] | None = None) -> QComboBox:
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    for value in values:
        text = (labels or {}).get(value) or LABELS.get(value) or value.replace("_", " ")
        combo.addItem(text[:1].upper() + text[1:], value)
    return combo


def _spin(low: float, high: float, decimals: int = 0, step: float = 1.0):
    box = QSpinBox() if decimals == 0 else QDoubleSpinBox()
    box.setRange(low, high)
    if decimals:
        box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setKeyboardTracking(False)
    return box


class TrainingPanel(QWidget):
    """Edits a TrainingSpec; ``changed`` fires after every edit with the new spec."""

    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spec = TrainingSpec()
        self._updating = False
        self._build()
        self.set_training(self._spec)

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.dataset = QComboBox()
        self.dataset.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.dataset.setMinimumContentsLength(8)
        for info in DATASETS.values():
            self.dataset.addItem(info.title, info.name)
            self.dataset.setItemData(self.dataset.count() - 1, info.description,
                                     Qt.ItemDataRole.ToolTipRole)
        self.dataset.addItem("Folder of IDX files…", FOLDER_ITEM)
        self.folder_label = QLabel()
        self.folder_label.setWordWrap(True)
        self.validation = _spin(0.0, 0.9, 2, 0.05)
        self.loss = _combo(LOSS_NAMES)
        self.optimizer = _combo(OPTIMIZER_NAMES)
        self.lr = _spin(1e-6, 1000.0, 6, 0.001)
        self.momentum = _spin(0.0, 0.999, 3, 0.05)
        self.schedule = _combo(SCHEDULE_NAMES)
        self.batch_mode = _combo(BATCH_MODES)
        self.batch_size = _spin(1, 100000)
        self.epochs = _spin(1, 100000)
        self.init = _combo(INIT_NAMES, {"auto": "Auto (He before ReLU, else Xavier)"})
        self.l1 = _spin(0.0, 10.0, 5, 0.0001)
        self.l2 = _spin(0.0, 10.0, 5, 0.0001)
        self.early_stopping = _spin(0, 10000)
        self.early_stopping.setSpecialValueText("off")
        self.augment = QCheckBox("Augment images")
        self.augment.setToolTip("Shift, rotate and scale each training image a little, anew "
                                "every epoch")
        self.shuffle = QCheckBox("Shuffle every epoch")
        self.sort_by_class = QCheckBox("Sort by class when not shuffling")
        self.sort_by_class.setToolTip("Present the samples ordered by class: the course's "
                                      "experiment of what not shuffling can do")
        self.backend = _combo(BACKEND_CHOICES, {"auto": "Auto (GPU if one works)"})
        self.seed = _spin(0, 2**31 - 1)

        data = QFormLayout()
        data.addRow("Dataset", self.dataset)
        data.addRow("", self.folder_label)
        data.addRow("Validation split", self.validation)
        data.addRow(self.augment)
        data.addRow(self.shuffle)
        data.addRow(self.sort_by_class)
        learning = QFormLayout()
        learning.addRow("Loss", self.loss)
        learning.addRow("Optimizer", self.optimizer)
        learning.addRow("Learning rate", self.lr)
        learning.addRow("Momentum", self.momentum)
        learning.addRow("Schedule", self.schedule)
        learning.addRow("Batches", self.batch_mode)
        learning.addRow("Batch size", self.batch_size)
        learning.addRow("Epochs", self.epochs)
        regular = QFormLayout()
        regular.addRow("Initializer", self.init)
        regular.addRow("L1 decay", self.l1)
        regular.addRow("L2 decay", self.l2)
        regular.addRow("Early stopping", self.early_stopping)
        regular.addRow("Backend", self.backend)
        regular.addRow("Seed", self.seed)

        self.buttons = QHBoxLayout()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.progress_label = QLabel("Ready")
        self.progress_label.setObjectName("progressLabel")

        body = QWidget()
        column = QVBoxLayout(body)
        for title, form in (("Data", data), ("Learning", learning),
                            ("Regularization and run", regular)):
            box = QGroupBox(title)
            box.setLayout(form)
            column.addWidget(box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addLayout(self.buttons)
        outer.addWidget(self.progress_bar)
        outer.addWidget(self.progress_label)
        outer.addWidget(scroll, 1)

        for combo in (self.loss, self.schedule, self.batch_mode, self.init, self.backend):
            combo.currentIndexChanged.connect(self._emit)
        self.optimizer.currentIndexChanged.connect(self._on_optimizer)
        self.dataset.currentIndexChanged.connect(self._on_dataset)
        for box in (self.validation, self.lr, self.momentum, self.batch_size, self.epochs,
                    self.l1, self.l2, self.early_stopping, self.seed):
            box.valueChanged.connect(self._emit)
        for check in (self.augment, self.shuffle, self.sort_by_class):
            check.toggled.connect(self._emit)

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
            if spec.data_dir:
                index = self.dataset.findData(FOLDER_ITEM)
            self.dataset.setCurrentIndex(max(index, 0))
            self.folder_label.setText(spec.data_dir)
            self.folder_label.setVisible(bool(spec.data_dir))
            for name in ("loss", "optimizer", "schedule", "batch_mode", "init", "backend"):
                combo: QComboBox = getattr(self, name)
                combo.setCurrentIndex(max(combo.findData(getattr(spec, name)), 0))
            self.validation.setValue(spec.validation_split)
            self.lr.setValue(spec.lr)
            self.momentum.setValue(spec.momentum)
            self.batch_size.setValue(spec.batch_size)
            self.epochs.setValue(spec.epochs)
            self.l1.setValue(spec.l1)
            self.l2.setValue(spec.l2)
            self.early_stopping.setValue(spec.early_stopping)
            self.seed.setValue(spec.seed)
            self.augment.setChecked(spec.augment)
            self.shuffle.setChecked(spec.shuffle)
            self.sort_by_class.setChecked(spec.sort_by_class)
            self._sync_enabled()
        finally:
            self._updating = False

    def _read(self) -> TrainingSpec:
        dataset = self.dataset.currentData()
        data_dir = self._spec.data_dir if dataset == FOLDER_ITEM else ""
        if dataset == FOLDER_ITEM:
            dataset = "mnist"
        return replace(
            self._spec, dataset=dataset, data_dir=data_dir,
            validation_split=round(self.validation.value(), 4),
            loss=self.loss.currentData(), optimizer=self.optimizer.currentData(),
            lr=float(self.lr.value()), momentum=float(self.momentum.value()),
            schedule=self.schedule.currentData(), batch_mode=self.batch_mode.currentData(),
            batch_size=int(self.batch_size.value()), epochs=int(self.epochs.value()),
            init=self.init.currentData(), l1=float(self.l1.value()),
            l2=float(self.l2.value()), early_stopping=int(self.early_stopping.value()),
            augment=self.augment.isChecked(), shuffle=self.shuffle.isChecked(),
            sort_by_class=self.sort_by_class.isChecked(), backend=self.backend.currentData(),
            seed=int(self.seed.value()))

    def _sync_enabled(self) -> None:
        self.batch_size.setEnabled(self.batch_mode.currentData() == "mini")
        self.momentum.setEnabled(self.optimizer.currentData() in ("momentum", "nesterov",
                                                                  "rmsprop"))
        self.sort_by_class.setEnabled(not self.shuffle.isChecked())

    def _emit(self) -> None:
        if self._updating:
            return
        self._spec = self._read()
        self._sync_enabled()
        self.changed.emit(self.training())

    def _on_optimizer(self) -> None:
        if not self._updating:
            # Each optimizer has its own sensible scale of learning rate: offer it.
            self._updating = True
            self.lr.setValue(DEFAULT_LR.get(self.optimizer.currentData(), self.lr.value()))
            self._updating = False
        self._emit()

    def _on_dataset(self) -> None:
        if not self._updating and self.dataset.currentData() == FOLDER_ITEM:
            folder = QFileDialog.getExistingDirectory(self, "Folder of IDX files")
            if not folder:
                self._updating = True
                self.dataset.setCurrentIndex(max(self.dataset.findData(self._spec.dataset), 0))
                self._updating = False
                return
            self._spec = replace(self._spec, data_dir=folder)
            self.folder_label.setText(folder)
            self.folder_label.setVisible(True)
        elif not self._updating:
            self.folder_label.setVisible(False)
        self._emit()

    # -- progress ----------------------------------------------------------------------------
    def show_progress(self, fraction: float, text: str) -> None:
        self.progress_bar.setValue(int(fraction * 1000))
        self.progress_label.setText(text)
