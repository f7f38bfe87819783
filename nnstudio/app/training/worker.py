"""The worker: a thread of the window's process that starts a training process and turns
what it sends into Qt signals.

The training itself runs in a child process (``nnstudio.running.training_process``), so it
never waits for the GIL while the views repaint, and the window never waits for it. This
thread only unpickles the child's messages (host copies: batch events in blocks, snapshots of
the weights) and emits them; it never touches a widget.
"""

from __future__ import annotations

import traceback

from PySide6.QtCore import QObject, Signal, Slot

from nnstudio.running.training_process.messages import Ended, Failed, Ready
from nnstudio.running.training_process.process import TrainingProcess


class TrainingWorker(QObject):
    ready = Signal(object)  # the RunContext, once the child has built the session
    event = Signal(object)  # engine events (Started, EpochEnd, Snapshot, ...) and BatchBlocks
    failed = Signal(str)  # a message for a person, then the details after a blank line
    finished = Signal()

    def __init__(self, process: TrainingProcess) -> None:
        super().__init__()  # parentless: it is moved to the worker thread
        self.process: TrainingProcess | None = process

    @Slot()
    def run(self) -> None:
        process, ready = self.process, False
        try:
            if not process.started:  # a spare was started ahead
                process.start()
            for message in process.messages():
                if isinstance(message, Ready):
                    ready = True
                    self.ready.emit(message.context)
                elif isinstance(message, Failed):
                    self.failed.emit(f"{message.message}\n\n{message.details}".rstrip())
                elif not isinstance(message, Ended):
                    self.event.emit(message)
        except Exception as error:  # noqa: BLE001 - e.g. the process could not start
            what = "lost its training process" if ready else "could not start its process"
            self.failed.emit(f"The run {what}: {type(error).__name__}: {error}\n\n"
                             f"{traceback.format_exc()}")
        finally:
            # PySide keeps the Python side of a QObject moved to a thread alive after
            # deleteLater: let go of the process (its pipes) here.
            self.process = None
            self.finished.emit()
