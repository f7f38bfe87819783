"""The worker: the engine's training generator, run on its own QThread.

It never touches a widget. It builds the session (data, network on the chosen backend)
on its own thread, so all CuPy work stays there, and sends only host copies to the GUI:
batch events in blocks (at most one signal every 40 ms, however fast the batches), the other
events as they come.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot
from threadpoolctl import threadpool_limits

from nnstudio.engine.events import BatchEnd
from nnstudio.session import Session

BLOCK_SECONDS = 0.04


@dataclass
class BatchBlock:
    """Batch events since the last block; ``batches[-1]`` is the newest."""

    batches: list[BatchEnd]


class TrainingWorker(QObject):
    ready = Signal(object)  # what make_session describes the run with, once it is built
    event = Signal(object)  # engine events (Started, EpochEnd, Snapshot, ...) and BatchBlocks
    failed = Signal(str)  # a message for a person, then the traceback
    finished = Signal()

    def __init__(self, make_session: Callable[[], tuple[Session, object]]) -> None:
        super().__init__()  # parentless: it is moved to the worker thread
        self._make_session = make_session

    @Slot()
    def run(self) -> None:
        # One BLAS thread: on a two-core machine a second one spins against the GUI thread
        # and makes both the window and the training slower.
        with threadpool_limits(limits=1, user_api="blas"):
            self._run()

    def _run(self) -> None:
        try:
            session, description = self._make_session()
            self.ready.emit(description)
            pending: list[BatchEnd] = []
            last_emit = 0.0
            for event in session.trainer.run():
                if isinstance(event, BatchEnd):
                    pending.append(event)
                    now = time.perf_counter()
                    if now - last_emit >= BLOCK_SECONDS:
                        self.event.emit(BatchBlock(pending))
                        pending, last_emit = [], now
                    continue
                if pending:
                    self.event.emit(BatchBlock(pending))
                    pending = []
                self.event.emit(event)
            if pending:
                self.event.emit(BatchBlock(pending))
        except Exception as error:  # noqa: BLE001 - reported to the person, never swallowed
            self.failed.emit(f"{error}\n\n{traceback.format_exc()}")
        finally:
            self.finished.emit()
