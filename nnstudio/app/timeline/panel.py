"""The Timeline dock: a slider over the checkpoints of the training, the checkpoint shown,
"Continue training from here", and the time-lapse of the current input beside them."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from nnstudio.app import theme
from nnstudio.app.timeline.timelapse import TimelapsePlot
from nnstudio.running.checkpoints import Timeline, checkpoint_label

PREFERRED_HEIGHT = 180
EMPTY_TEXT = ("No checkpoints yet: a run keeps its weights at the start, during the first "
              "epoch and after every epoch.")
SLIDER_TIP = ("Drag to see the filters, Look inside, the network diagram and the digit pad "
              "at each checkpoint of the training")
BUSY_TIP = "The slider scrubs once the run has ended (Stop, or let it finish)"


class TimelinePanel(QWidget):
    scrubbed = Signal(int)  # the index of the checkpoint to show
    branch_requested = Signal(int)  # continue training from this checkpoint

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QLabel(EMPTY_TEXT)
        self.header.setWordWrap(True)
        self.header.setObjectName("timeline_header")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("timeline_slider")
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setPageStep(1)
        self.position = QLabel()
        self.position.setObjectName("timeline_position")
        self.position.setStyleSheet("font-weight: 600;")
        self.branch_button = QPushButton("Continue training from here")
        self.branch_button.setToolTip("Start a new run from this checkpoint's weights (a "
                                      "branch); the earlier runs stay in the loss plot")
        self.lapse_caption = QLabel()
        self.lapse_caption.setWordWrap(True)
        self.lapse_caption.setStyleSheet(theme.text_style())
        self.lapse_legend = QLabel()
        self.lapse_legend.setObjectName("timelapse_legend")
        self.lapse_legend.setWordWrap(True)
        self.timelapse = TimelapsePlot()
        self.timelapse.setMinimumSize(160, 60)

        controls = QVBoxLayout()
        controls.addWidget(self.header)
        controls.addWidget(self.slider)
        row = QHBoxLayout()
        row.addWidget(self.position, 1)
        row.addWidget(self.branch_button)
        controls.addLayout(row)
        controls.addStretch(1)
        lapse = QVBoxLayout()
        lapse.addWidget(self.lapse_caption)
        lapse.addWidget(self.lapse_legend)
        lapse.addWidget(self.timelapse, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(controls, 2)
        layout.addLayout(lapse, 3)

        self.count = -1  # checkpoints on the slider
        self.slider.valueChanged.connect(self._on_slider)
        self.branch_button.clicked.connect(
            lambda: self.branch_requested.emit(self.slider.value()))
        self.show_timeline(Timeline(), busy=False)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Room for a readable time-lapse where the window has it (it can shrink to its
        minimum on a small screen)."""
        return QSize(900, PREFERRED_HEIGHT)

    def show_timeline(self, timeline: Timeline, busy: bool) -> None:
        """The slider over ``timeline``, at its newest checkpoint when it grew; ``busy``
        (a run going on) keeps it still."""
        count = len(timeline)
        grew, self.count = count != self.count, count
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(count - 1, 0))
        if grew:
            self.slider.setValue(max(count - 1, 0))
        self.slider.blockSignals(False)
        usable = count > 0 and not busy
        self.slider.setEnabled(usable)
        self.branch_button.setEnabled(usable)
        self.slider.setToolTip(BUSY_TIP if busy else SLIDER_TIP)
        if not count:
            self.header.setText(EMPTY_TEXT)
            self.position.setText("")
            return
        self.header.setText(f"{count} checkpoints · {timeline.origin or 'this training'}"
                            + (" (recording…)" if busy else ""))
        self.show_position(timeline)

    def show_position(self, timeline: Timeline) -> None:
        index = self.slider.value()
        if not 0 <= index < len(timeline):
            return
        checkpoint = timeline[index]
        branch = "  · branch point" if index == timeline.branch_point else ""
        self.position.setText(f"{checkpoint_label(checkpoint)}  (step {checkpoint.step:,}, "
                              f"{index + 1} of {len(timeline)}){branch}")
        self.timelapse.mark(index)

    @Slot(int)
    def _on_slider(self, index: int) -> None:
        self.scrubbed.emit(index)
