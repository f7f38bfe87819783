"""Runs training for the window: one training process per run (with a thread that listens
to it), the controls, the progress.

Lives on the GUI thread. Every signal from the worker lands on a slot of this object
(queued across threads); the views are fed from here, never from the worker.
"""

from __future__ import annotations

import time
from dataclasses import replace

from PySide6.QtCore import QObject, Signal, Slot

from nnstudio import progress as progress_text
from nnstudio.app.background import BackgroundJob
from nnstudio.app.dialogs import write_error_log
from nnstudio.app.training.worker import TrainingWorker
from nnstudio.data.source import DataSource
from nnstudio.engine.events import (
    BatchEnd,
    Checkpoint,
    Diverged,
    EpochEnd,
    Finished,
    Paused,
    Snapshot,
    Started,
)
from nnstudio.engine.trainer import TrainerControl
from nnstudio.progress import format_seconds
from nnstudio.running.inspection_copy import InspectionCopy, RunContext
from nnstudio.running.memory import NetworkTooLarge
from nnstudio.running.training_process.child import RunRequest
from nnstudio.running.training_process.listener import RunListener, missing_methods
from nnstudio.running.training_process.messages import Awake, BatchBlock, Refused, Silent
from nnstudio.running.training_process.process import (
    SILENCE_SECONDS,
    RemoteControl,
    TrainingProcess,
)
from nnstudio.running.training_process.state import RunState
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec

SNAPSHOT_SECONDS = 0.25


def describe_run(run_id: int, training: TrainingSpec) -> str:
    text = f"run {run_id}: {training.optimizer} lr {training.lr:g}"
    if training.batch_mode != "mini":
        text += f", {training.batch_mode} batch"
    else:
        text += f", batch {training.batch_size}"
    if not training.shuffle:
        text += ", sorted by class" if training.sort_by_class else ", not shuffled"
    return f"{text} on {training.dataset}"


class TrainingController(QObject):
    state_changed = Signal(object)  # RunState, as it changes along runs.state.TRANSITIONS
    progress = Signal(float, str)  # fraction done, "epoch 2/5 · 12,345 samples/s · 0:12 left"
    message = Signal(str)  # one line for the status bar
    problem = Signal(str, str)  # title, text: something the person must read
    run_started = Signal(object)  # RunContext
    run_finished = Signal(object)  # Finished
    # A run that published weights ended without finishing (its process was killed or
    # died): the InspectionCopy holding its last weights.
    run_lost = Signal(object)
    viewer_changed = Signal(object)  # InspectionCopy with new weights
    checkpoint_taken = Signal(object)  # a Checkpoint of the run's weights, for its timeline

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = RunState.IDLE
        self._listeners: list[RunListener] = []  # the dashboard: see attach()
        self.viewer: InspectionCopy | None = None
        self.context: RunContext | None = None
        self.last_finished: Finished | None = None
        self.control: TrainerControl | RemoteControl = TrainerControl()
        self._job: BackgroundJob | None = None
        self._process: TrainingProcess | None = None
        # Started when a run ends, for the next one: a person who trained once will likely
        # train again, and the spare has imported the engine already (about 0.4 s).
        self._spare: TrainingProcess | None = None
        self._closing = False
        self._run_id = 0
        self._started: Started | None = None
        self._last_progress = 0.0
        self._last_fraction = 0.0
        self._last_batch: BatchEnd | None = None
        self._stepped = False  # the person asked for Steps since the last pause or resume
        self.silence_seconds = SILENCE_SECONDS
        self._state_before_silence = RunState.RUNNING
        self._ended_unresponsive = False  # this run's process was killed for its silence
        self._published = self._finished = False  # what this run has sent so far
        self._start_after_end: tuple | None = None  # a Start while it was unresponsive
        # The person's own data (File > Import Data), used while training.dataset names it.
        self.data: DataSource | None = None
        self.cores = 1  # CPU cores each batch is shared across (Train > CPU Cores)

    # -- listeners -----------------------------------------------------------------------
    def attach(self, listener: RunListener) -> None:
        """Feed ``listener`` (the dashboard) every run from the next event on."""
        missing = missing_methods(listener)
        if missing:
            raise TypeError(f"{type(listener).__name__} cannot follow a run: it has no "
                            f"{', '.join(missing)}")
        if listener not in self._listeners:
            self._listeners.append(listener)

    def detach(self, listener: RunListener) -> None:
        """Feed ``listener`` no more."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    # -- commands ------------------------------------------------------------------------
    def start(self, spec: NetworkSpec, training: TrainingSpec, paused: bool = False,
              weights: dict | None = None, note: str = "", start_epoch: float = 0.0) -> bool:
        """Train a copy of ``spec``: later edits to the canvas do not reach this run. With
        ``weights`` the run continues from them instead of fresh starting weights; ``note``
        ends the run's label (", continued" by default when it has weights);
        ``start_epoch``: where a branch's curves begin (its checkpoint's epoch)."""
        if self.state is RunState.UNRESPONSIVE:
            self._start_after_end = (spec, training, paused, weights)
            self.end_unresponsive()
            self.message.emit("Ending the training process that stopped answering; the "
                              "new run starts as soon as it has gone")
            return False
        if self.state.active:
            if self.state is RunState.PAUSED and not paused:
                self.resume()
            return False
        analysis = spec.analyze()
        if not analysis.ok:
            problems = "\n".join(f"• {p}" for p in analysis.problems)
            self.problem.emit("The network cannot be trained",
                              f"Fix these problems first:\n{problems}")
            return False
        problems = training.problems()
        if problems:
            self.problem.emit("Check the training settings", "\n".join(problems))
            return False
        spec, training = spec.copy(), replace(training)
        try:
            viewer = InspectionCopy(spec, training)
        except NetworkTooLarge as error:
            self.problem.emit("The network cannot be trained", str(error))
            return False
        self._closing = False  # (a controller that was shut down may train again)
        self._run_id += 1
        run_id = self._run_id
        self.viewer = viewer
        if weights:
            self.viewer.load_weights(weights)
        label = describe_run(run_id, training) + (note or (", continued" if weights else ""))
        label += f", {self.cores} cores" if self.cores > 1 else ""
        data = self.data if self.data and self.data.name == training.dataset else None
        request = RunRequest(run_id, label, spec, training, paused=paused,
                             snapshot_seconds=SNAPSHOT_SECONDS, weights=weights, data=data,
                             start_epoch=start_epoch, cores=self.cores)
        process = self._take_spare()
        if process is None:
            process = TrainingProcess(request, silence_seconds=self.silence_seconds)
        else:
            process.begin(request)
        self._ended_unresponsive = False
        self._published = self._finished = False
        self._started, self._last_batch, self._last_fraction = None, None, 0.0
        self._stepped = False
        self.control = process.control
        worker = TrainingWorker(process)
        worker.ready.connect(self._on_ready)
        worker.event.connect(self._on_event)
        worker.failed.connect(self._on_failed)
        job = BackgroundJob(worker, self)
        job.ended.connect(self._on_job_ended)
        self._job, self._process = job, process
        self._set_state(RunState.STARTING)
        self.message.emit("Preparing the data and the network…")
        job.start()
        return True

    def pause(self) -> None:
        if self.state is RunState.RUNNING:
            self.control.pause()
            self._stepped = False
            self._set_state(RunState.PAUSED)
            self._report_still(stepped=False)
            self.message.emit("Paused between two batches")

    def resume(self) -> None:
        if self.state is RunState.PAUSED:
            self.control.resume()
            self._stepped = False
            self._set_state(RunState.RUNNING)

    def stop(self) -> None:
        if self.state is RunState.UNRESPONSIVE:
            self.end_unresponsive()
        elif self.state.active:
            self.control.stop()
            if self._last_batch is not None and self._started is not None:
                self.progress.emit(self._last_fraction,
                                   progress_text.stopping_text(self._position()))
            self.message.emit("Stopping after the current batch…")

    def end_unresponsive(self) -> None:
        """Kill the training process that stopped answering (its last weights stay)."""
        process = self._process
        if process is not None:
            self._ended_unresponsive = True
            process.kill()

    def step(self, spec: NetworkSpec | None = None, training: TrainingSpec | None = None,
             weights: dict | None = None) -> None:
        """One batch: from a paused run, or a new run that starts paused."""
        if self.state is RunState.PAUSED:
            self._stepped = True
            self.control.step(1)
        elif self.state is RunState.IDLE and spec is not None and training is not None:
            if self.start(spec, training, paused=True, weights=weights):
                self._stepped = True
                self.control.step(1)

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Stop the run and wait for it (closing the window). A training process that does
        not stop within ``timeout_ms`` (one very long batch) is killed."""
        self._closing = True
        job, process = self._job, self._process
        done = True
        if job is not None:
            self.control.stop()
            if not self._wait_while_answering(job, process, timeout_ms):
                if process is not None:
                    process.kill()
                done = job.wait(5000)
        spare, self._spare = self._spare, None
        if spare is not None:
            spare.discard()
        return done

    def _wait_while_answering(self, job: BackgroundJob, process: TrainingProcess | None,
                              timeout_ms: int) -> bool:
        """Wait for ``job`` up to ``timeout_ms``, but no longer than the process stays
        silent for ``silence_seconds``: a stopped process never ends by itself."""
        deadline = time.monotonic() + timeout_ms / 1000
        while not job.wait(100):
            silent = process is not None and process.silent_for() >= self.silence_seconds
            if silent or time.monotonic() >= deadline:
                return False
        return True

    def _take_spare(self) -> TrainingProcess | None:
        spare, self._spare = self._spare, None
        if spare is not None and not spare.alive:
            spare.discard()
            return None
        return spare

    def _prepare_spare(self) -> None:
        if self._spare is None and not self._closing:
            self._spare = TrainingProcess(silence_seconds=self.silence_seconds)
            self._spare.start()

    @property
    def running(self) -> bool:
        return self._job is not None

    # -- from the worker -------------------------------------------------------------------
    def _stale(self) -> bool:
        """A signal the worker sent before its run ended reached us after the end (the
        window closed while it was queued): nothing to show any more."""
        return self._job is None or self._closing

    @Slot(object)
    def _on_ready(self, context: RunContext) -> None:
        if self._stale():
            return
        self.context = context
        for listener in self._listeners:
            listener.start_run(context, self.viewer)
        self.run_started.emit(context)
        self._set_state(self._answering_state())
        if context.cores_note:
            self.message.emit(f"Training: {context.cores_note}")

    @Slot(object)
    def _on_event(self, event: object) -> None:
        if self._stale():
            return
        listeners = list(self._listeners)
        if isinstance(event, Silent | Awake):
            self._on_silence(event)
        elif isinstance(event, Refused):
            self._on_refused(event)
        elif isinstance(event, BatchBlock):
            self._on_block(event, listeners)
        elif isinstance(event, Started):
            self._started = event
            self.message.emit(f"Training {event.train_samples:,} samples, "
                              f"{event.parameters:,} parameters on {event.backend}")
        elif isinstance(event, Snapshot):
            self._published = True
            if self.viewer is not None:
                self.viewer.load_weights(event.weights)
                self.viewer_changed.emit(self.viewer)
            for listener in listeners:
                listener.on_snapshot(event)
        elif isinstance(event, Checkpoint):
            self.checkpoint_taken.emit(event)
        elif isinstance(event, EpochEnd):
            self._on_block(BatchBlock([event]), listeners)
        elif isinstance(event, Paused):
            # The trainer reports a pause when it leaves it (it was blocked meanwhile): by
            # then the person may have resumed, and the run is running again.
            if self.control.paused:
                self._set_state(RunState.PAUSED)
        elif isinstance(event, Diverged):
            for listener in listeners:
                listener.on_diverged(event)
            self.problem.emit("Training diverged", event.message)
        elif isinstance(event, Finished):
            self._finished = True
            self.last_finished = event
            for listener in listeners:
                listener.on_finished(event)
            self.run_finished.emit(event)
            self._report_finished(event)
            reasons = {"completed": "Training finished", "stopped": "Training stopped",
                       "early_stopping": "Early stopping: no better validation loss",
                       "diverged": "Training diverged"}
            self.message.emit(f"{reasons.get(event.reason, event.reason)} after "
                              f"{event.epochs_run} epochs in {format_seconds(event.seconds)}")

    def _on_block(self, block: BatchBlock, listeners: list[RunListener]) -> None:
        """Batch and epoch ends, to every listener in order; the progress bar and the status
        line say where the newest of them stands."""
        last_batch = last_epoch = None
        for event in block.events:
            if isinstance(event, BatchEnd):
                for listener in listeners:
                    listener.on_batch(event)
                last_batch = event
            else:
                for listener in listeners:
                    listener.on_epoch(event)
                last_epoch = event
        if last_batch is not None:
            if self.control.paused and self.state is RunState.RUNNING:
                self._set_state(RunState.PAUSED)
            self._report_progress(last_batch)
        if last_epoch is not None:
            text = f"Epoch {last_epoch.epoch + 1}: loss {last_epoch.train_loss:.4f}"
            if last_epoch.val_accuracy is not None:
                held_out = self.context.held_out if self.context else "validation"
                text += f", {held_out} accuracy {last_epoch.val_accuracy:.2%}"
            self.message.emit(text)

    def _on_silence(self, event: Silent | Awake) -> None:
        if isinstance(event, Silent):
            if self.state is not RunState.UNRESPONSIVE:
                self._state_before_silence = self.state
            self._set_state(RunState.UNRESPONSIVE)
            text = (f"The training process has not answered for {event.seconds:.0f} s "
                    "(stopped or frozen?); Stop ends it")
            self.message.emit(text)
            self.progress.emit(self._last_fraction, "not answering · Stop ends it")
        elif self.state is RunState.UNRESPONSIVE:
            state = self._state_before_silence
            if state in (RunState.RUNNING, RunState.PAUSED):
                state = self._answering_state()
            self._set_state(state)
            self.message.emit("The training process answers again")

    def _on_refused(self, event: Refused) -> None:
        """The training process could not act on a command: a bug here, not in the run."""
        write_error_log(f"The training process refused the command {event.command}: "
                        f"{event.reason}")
        self.message.emit(f"The training process refused a command ({event.reason})")

    @Slot(str)
    def _on_failed(self, text: str) -> None:
        if self._stale():
            return
        if self._ended_unresponsive:  # killed on request: no surprise to report
            self.message.emit("Ended the training process that had stopped answering; "
                              "its last weights are kept")
            return
        headline, _, details = text.partition("\n\n")
        title = ("Training could not run" if self.state is RunState.STARTING
                 else "Training stopped")
        if details:  # a bug, not a setting: keep the traceback for a report
            log = write_error_log(f"{title}: {headline}\n{details}")
            if log is not None:
                headline += f"\n\nThe details were written to {log}; please report them."
        self.problem.emit(title, headline)
        self.message.emit(f"Training failed: {headline}")

    @Slot()
    def _on_job_ended(self) -> None:
        if self._job is not None:
            self._job.deleteLater()
        self._job = self._process = None
        self._set_state(RunState.IDLE)
        if not self._finished and self._started is not None and not self._closing:
            self.progress.emit(self._last_fraction, progress_text.ended_text(self._position()))
        if self._published and not self._finished and not self._closing \
                and self.viewer is not None:
            self._published = False
            self.run_lost.emit(self.viewer)
        pending, self._start_after_end = self._start_after_end, None
        if pending is not None and not self._closing:
            self.start(*pending)
            return
        try:
            self._prepare_spare()
        except OSError as error:  # out of processes or files: the next run starts cold
            self._spare = None
            self.message.emit(f"Could not prepare a training process ahead: {error}")

    # -- helpers ---------------------------------------------------------------------------
    def _set_state(self, state: RunState) -> bool:
        """Move to ``state`` if runs.state.TRANSITIONS allows it; a change it does not allow
        is a bug: refused (the state stays) and written to the error log."""
        if state is self.state:
            return True
        if not self.state.may_become(state):
            write_error_log(f"The training controller refused to go from "
                            f"{self.state.value} to {state.value}")
            return False
        self.state = state
        self.state_changed.emit(state)
        return True

    def _answering_state(self) -> RunState:
        """Running or paused, as the person last asked."""
        return RunState.PAUSED if self.control.paused else RunState.RUNNING

    def _position(self, with_batch: bool = False) -> str:
        batch, started = self._last_batch, self._started
        if batch is None or started is None:
            return ""
        if with_batch:
            return progress_text.where(batch.epoch, started.epochs, batch.batch,
                                       started.batches_per_epoch)
        return progress_text.where(batch.epoch, started.epochs)

    def _report_progress(self, batch: BatchEnd) -> None:
        started = self._started
        if started is None:
            return
        total = max(started.epochs * started.batches_per_epoch, 1)
        done = batch.epoch * started.batches_per_epoch + batch.batch + 1
        self._last_fraction = done / total
        self._last_batch = batch
        if self.control.paused:  # a Step's batch, or the last one before the pause
            self._report_still(stepped=self._stepped)
            return
        now = time.perf_counter()
        if now - self._last_progress < 0.1:
            return
        self._last_progress = now
        fraction = self._last_fraction
        left = batch.seconds / fraction - batch.seconds if fraction > 0 else 0.0
        self.progress.emit(fraction, progress_text.running_text(
            batch.epoch, started.epochs, batch.samples_per_second, left))

    def _report_still(self, stepped: bool) -> None:
        """Paused, or a Step's batch done: where the run is, with no rate and no time left."""
        if self._last_batch is None:
            self.progress.emit(self._last_fraction, progress_text.paused_text(
                "before the first batch", stepped))
            return
        self.progress.emit(self._last_fraction, progress_text.paused_text(
            self._position(with_batch=True), stepped))

    def _report_finished(self, event: Finished) -> None:
        epochs = self._started.epochs if self._started is not None else 0
        full, text = progress_text.finished_text(event.reason, event.epochs_run, epochs,
                                                 event.seconds)
        self.progress.emit(1.0 if full else self._last_fraction, text)
