"""The run's health in the window: badges on the canvas and the Health dock, which lists the
warnings now and those seen earlier in the run. ``HealthFollower`` follows the runs (a
``RunListener``) and shows the health the training process measured on its snapshots."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from nnstudio.app import theme
from nnstudio.app.builder.canvas import NetworkScene
from nnstudio.app.builder.health_badges import BADGE_COLORS, show_health
from nnstudio.engine.events import BatchEnd, Diverged, EpochEnd, Finished, Snapshot
from nnstudio.engine.health import NetworkHealth
from nnstudio.engine.health import Signal as HealthSignal
from nnstudio.running.inspection_copy import InspectionCopy, RunContext

NODE_ROLE = Qt.ItemDataRole.UserRole
IDLE_TEXT = ("Train a network to see its health: dead ReLUs, saturated units, vanishing "
             "gradients, the size of the updates and symmetric units, on a badge per layer.")


class HealthPanel(QWidget):
    """The health summary: one line per warning, red first; clicking one selects its layer."""

    node_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QLabel(IDLE_TEXT)
        self.header.setWordWrap(True)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.itemClicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.header)
        layout.addWidget(self.list, 1)
        self.earlier: dict[tuple[str, str], HealthSignal] = {}  # warnings seen this run
        self.context: RunContext | None = None

    def begin_run(self, context: RunContext) -> None:
        self.context = context
        self.earlier = {}
        self.list.clear()
        self.header.setText(f"{context.label}: measuring the training health…")

    def show_health(self, health: NetworkHealth) -> None:
        now = health.warnings()
        for signal in now:
            self.earlier[(signal.node, signal.kind)] = signal
        current = {(s.node, s.kind) for s in now}
        past = [s for key, s in self.earlier.items() if key not in current]
        count = len(now)
        self.header.setText(
            f"At step {health.step:,} (epoch {self._epoch(health.epoch)}, measured on "
            f"{health.samples} validation samples): "
            + (f"{count} warning{'s' if count != 1 else ''}." if count else "no warnings.")
            + (f" {len(past)} more earlier in this run." if past else ""))
        self.list.clear()
        for signal in now:
            self._add(signal, "")
        for signal in past:
            self._add(signal, "earlier: ")

    def _epoch(self, epoch: int) -> str:
        return self.context.epoch_number(epoch) if self.context is not None else str(epoch + 1)

    def _add(self, signal: HealthSignal, prefix: str) -> None:
        item = QListWidgetItem(f"{prefix}{signal.node} · {signal.short}\n{signal.text}")
        item.setData(NODE_ROLE, signal.node)
        item.setForeground(QBrush(QColor(BADGE_COLORS[signal.level][1])))
        if prefix:
            item.setForeground(QBrush(QColor(theme.MUTED_TEXT)))
        self.list.addItem(item)

    def warning_lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _clicked(self, item: QListWidgetItem) -> None:
        node = item.data(NODE_ROLE)
        if node:
            self.node_activated.emit(node)


class HealthFollower(QObject):
    """Shows each measured health on the canvas and in the panel (a RunListener)."""

    def __init__(self, scene: NetworkScene, panel: HealthPanel,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scene, self.panel = scene, panel
        self.health: NetworkHealth | None = None

    def start_run(self, context: RunContext, viewer: InspectionCopy) -> None:
        self.health = None
        show_health(self.scene, None)
        self.panel.begin_run(context)

    def on_snapshot(self, event: Snapshot) -> None:
        if event.health is None:
            return
        self.health = event.health
        show_health(self.scene, event.health)
        self.panel.show_health(event.health)

    def forget(self) -> None:
        """Another document: its layers have no measured health."""
        self.health = None
        show_health(self.scene, None)

    def on_batch(self, event: BatchEnd) -> None:
        pass

    def on_epoch(self, event: EpochEnd) -> None:
        pass

    def on_diverged(self, event: Diverged) -> None:
        pass

    def on_finished(self, event: Finished) -> None:
        pass
