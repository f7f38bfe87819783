"""A hyperparameter search: trials picked by a strategy, trained in parallel workers (this
machine's cores or a Ray cluster), recorded in a study database that survives the sweep.

Use from Python (the app's Experiments view, a script)::

    from nnstudio.experiments import Sweep, SweepListener, SearchSpace, StudyStore

    space = SearchSpace.parse(network, ["lr=log:1e-4:1e-1", "optimizer=sgd,momentum,adam",
                                        "dense1.units=int:16:256"], training)
    class Follow(SweepListener):               # every method optional; called on the
        def trial_finished(self, event): ...   # sweep's threads, not the GUI thread
    sweep = Sweep(network, training, space, strategy="tpe", trials=20, workers=2,
                  study="runs.db", dataset="mnist-subset", listener=Follow())
    sweep.start()        # in the background; or sweep.run() to block until done
    sweep.stop()         # kills the running trials (they run again if the study resumes)
    sweep.wait(); sweep.result.rows     # every trial, best first (TrialRow)
    StudyStore("runs.db").open_trial(3) # its network, settings and weights ("Open this trial")

``trials`` counts every finished trial of the study: running the same sweep on the same
study again resumes it, without repeating the trials it finished. Each trial trains with
the settings' seed (the same starting weights and batch order for every trial, unless the
seed is itself searched), so a grid gives the same table on any runner.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import optuna
from optuna.trial import TrialState

from nnstudio.experiments.local_pool import (
    LocalPool,
    RunFailed,
    RunStopped,
    default_workers,
)
from nnstudio.experiments.search_space import SearchSpace
from nnstudio.experiments.strategies import (
    DEFAULT_STRATEGY,
    ParticleSwarmStrategy,
    make_pruner,
    make_strategy,
)
from nnstudio.experiments.study_store import (
    DEFAULT_STUDY_NAME,
    INTERRUPTED,
    StudyStore,
    TrialRow,
    owner_tag,
    trial_row,
)
from nnstudio.experiments.trial_run import EpochProgress, TrainOutcome, TrainRequest
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec

DEFAULT_KEEP_WEIGHTS = 3


# -- what a listener hears ----------------------------------------------------------------------
@dataclass
class TrialStarted:
    number: int
    params: dict[str, Any]
    pid: int | None  # the worker process (None on Ray until the trial ends)
    runner: str  # "local" or "ray"


@dataclass
class TrialEpoch:
    """A trial finished an epoch: the epoch's figures and the trial's curves so far
    (train_loss, val_loss, val_accuracy, ... per epoch)."""

    number: int
    progress: EpochProgress
    curves: dict[str, list[Any]]


@dataclass
class TrialFinished:
    """A trial ended: ``row`` says how (state complete, pruned or failed; params, score,
    time, curves)."""

    row: TrialRow


@dataclass
class SweepFinished:
    """The sweep ended: ``reason`` completed, stopped or failed (then ``message``);
    ``rows`` is every trial of the study, best first."""

    reason: str
    rows: list[TrialRow]
    seconds: float
    message: str = ""

    @property
    def best(self) -> TrialRow | None:
        return next((r for r in self.rows if r.state == "complete"), None)


class SweepListener:
    """Follows a sweep; override what you need. Called from the sweep's threads (a window
    passes each event on to its GUI thread, e.g. through a Qt signal)."""

    def trial_started(self, event: TrialStarted) -> None: ...

    def trial_epoch(self, event: TrialEpoch) -> None: ...

    def trial_finished(self, event: TrialFinished) -> None: ...

    def sweep_finished(self, event: SweepFinished) -> None: ...


def finished_trials(study: optuna.Study) -> int:
    """The trials that count towards a sweep's number: all that ended, except those
    interrupted (killed or stopped with their sweep), which a resumed sweep runs again."""
    return sum(1 for t in study.get_trials(deepcopy=False)
               if t.state.is_finished() and not t.user_attrs.get(INTERRUPTED))


@dataclass
class Sweep:
    """A search over ``space`` for ``network`` trained with ``training`` (see the module's
    help). ``study`` is a file (SQLite) or a database URL; ``ray`` a Ray address or
    "local"; ``dataset`` overrides the settings' dataset; ``pruner`` is none, median or
    halving; the ``keep_weights`` best trials keep their weights in the study."""

    network: NetworkSpec
    training: TrainingSpec
    space: SearchSpace
    strategy: str = DEFAULT_STRATEGY
    trials: int = 20
    workers: int | None = None
    study: str = "study.db"
    study_name: str = DEFAULT_STUDY_NAME
    dataset: str | None = None
    data_dir: str | None = None
    pruner: str = "none"
    keep_weights: int = DEFAULT_KEEP_WEIGHTS
    ray: str | None = None
    listener: SweepListener = field(default_factory=SweepListener)
    result: SweepFinished | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        changes = {}
        if self.dataset:
            changes["dataset"] = self.dataset
        if self.data_dir:
            changes["data_dir"] = self.data_dir
        if changes:
            self.training = replace(self.training, **changes)
        make_pruner(self.pruner)  # a bad name is refused now, not in the thread
        if self.strategy == "grid":
            self.space.grid()  # and a grid too large to run
        self.store = StudyStore(self.study, self.study_name)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: Any = None

    # -- control -------------------------------------------------------------------------------
    def start(self) -> None:
        """Run in a background thread; the listener hears how it goes (a failure too: it is
        in ``result``, not raised)."""
        self._thread = threading.Thread(target=self._run_in_background, name="nnstudio-sweep",
                                        daemon=True)
        self._thread.start()

    def _run_in_background(self) -> None:
        try:
            self.run()
        except Exception:  # noqa: BLE001, S110 - run() put it in result and told the listener
            pass

    def stop(self) -> None:
        """End the sweep now: running trials are killed and recorded as interrupted."""
        self._stopping.set()
        pool = self._pool
        if pool is not None:
            pool.stop()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the end; False if ``timeout`` passed first."""
        return self._done.wait(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and not self._done.is_set()

    # -- the sweep -------------------------------------------------------------------------
    def setup(self) -> dict[str, Any]:
        return {"network": self.network.to_json(), "training": self.training.to_json(),
                "space": self.space.texts(), "strategy": self.strategy}

    def run(self) -> SweepFinished:
        """Run to the end here (blocking); the result is also in ``result``."""
        start = time.perf_counter()
        reason, message = "completed", ""
        study = None
        try:
            study = self._run()
            if self._stopping.is_set():
                reason = "stopped"
        except Exception as error:  # noqa: BLE001 - reported to the listener, then raised
            reason, message = "failed", str(error) or type(error).__name__
            self.result = SweepFinished(reason, self._rows(study), time.perf_counter() - start,
                                        message)
            self._finish()
            raise
        self.result = SweepFinished(reason, self._rows(study), time.perf_counter() - start,
                                    message)
        self._finish()
        return self.result

    def _rows(self, study: optuna.Study | None) -> list[TrialRow]:
        try:
            return self.store.rows(study) if study is not None else []
        except Exception:  # noqa: BLE001 - the study itself may be what failed
            return []

    def _finish(self) -> None:
        self._done.set()
        self.listener.sweep_finished(self.result)

    def runner_text(self) -> str:
        """Where the trials run, in words: "2 local workers", "Ray at HOST:PORT"."""
        if self.ray:
            return "a local Ray" if self.ray == "local" else f"Ray at {self.ray}"
        workers = self.workers or default_workers()
        return f"{workers} local worker{'s' if workers != 1 else ''}"

    def make_pool(self, workers: int | None) -> Any:
        if self.ray:
            from nnstudio.experiments.ray_pool import RayPool

            return RayPool(self.ray, workers, self.training)
        return LocalPool(workers)

    def _run(self) -> optuna.Study:
        pool = self.make_pool(self.workers)
        try:
            self._pool = pool
            if self._stopping.is_set():
                pool.stop()
            strategy = make_strategy(self.strategy, self.space, self.training.seed,
                                     self.trials, pool.workers)
            study = self.store.create_or_resume(self.setup(), strategy.sampler(),
                                                make_pruner(self.pruner))
            interrupted = self.store.fail_interrupted(study)
            earlier = len(study.get_trials(deepcopy=False))
            if earlier and strategy.reseeded_on_resume:  # new draws, not its first ones again
                strategy = make_strategy(self.strategy, self.space,
                                         self.training.seed + earlier, self.trials,
                                         pool.workers)
                study.sampler = strategy.sampler()
            strategy.resume(study)
            if not isinstance(strategy, ParticleSwarmStrategy):
                for trial in interrupted:  # their settings run again first
                    study.enqueue_trial(trial.params)
            target = self.trials
            if self.strategy == "grid":
                target = min(target, self.space.grid_size())
            remaining = max(0, target - finished_trials(study))
            self._asked = 0
            self._errors: list[BaseException] = []
            runners = [threading.Thread(target=self._work, name=f"nnstudio-sweep-{i}",
                                        args=(study, strategy, pool, remaining), daemon=True)
                       for i in range(min(pool.workers, remaining))]
            for runner in runners:
                runner.start()
            for runner in runners:
                runner.join()
            if self._errors:
                raise self._errors[0]
            return study
        finally:
            self._pool = None
            pool.close()

    def _work(self, study: optuna.Study, strategy: Any, pool: Any, remaining: int) -> None:
        try:
            self._work_on(study, strategy, pool, remaining)
        except BaseException as error:  # a bug or a broken database: the sweep ends with it
            self._errors.append(error)
            self.stop()

    def _work_on(self, study: optuna.Study, strategy: Any, pool: Any, remaining: int) -> None:
        while not self._stopping.is_set():
            with self._lock:
                if self._asked >= remaining:
                    return
                self._asked += 1
                trial = strategy.ask(study)
                network, training = self.space.apply(self.network, self.training, trial.params)
                for key, value in (("owner", owner_tag()), ("seed", training.seed),
                                   ("settings", training.to_json()), ("runner", pool.kind)):
                    trial.set_user_attr(key, value)
            self._run_trial(study, strategy, pool, trial, network, training)

    def _run_trial(self, study: optuna.Study, strategy: Any, pool: Any, trial: optuna.Trial,
                   network: NetworkSpec, training: TrainingSpec) -> None:
        number = trial.number
        curves: dict[str, list[Any]] = {k: [] for k in (
            "epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy")}
        pruned = [False]
        request = TrainRequest(network, training, label=f"trial {number}", run_id=number)
        started = [False]

        def on_start(pid: int | None) -> None:
            started[0] = True
            self.listener.trial_started(TrialStarted(number, dict(trial.params), pid,
                                                     pool.kind))

        def on_epoch(progress: EpochProgress) -> bool:
            for key in curves:
                curves[key].append(progress.epoch if key == "epoch"
                                   else getattr(progress, key))
            value = _progress_score(progress)
            if value is not None and self.pruner != "none":  # (a database write per epoch)
                with self._lock:
                    trial.report(value, progress.epoch)
                    pruned[0] = pruned[0] or trial.should_prune()
            self.listener.trial_epoch(TrialEpoch(number, progress,
                                                 {k: list(v) for k, v in curves.items()}))
            return pruned[0]

        outcome: TrainOutcome | None = None
        error = None
        interrupted = False
        try:
            outcome = pool.train(request, on_start=on_start, on_epoch=on_epoch)
        except RunStopped:
            interrupted = True
        except RunFailed as failure:
            error = str(failure)
        if not started[0]:
            on_start(None)
        with self._lock:
            state, value = self._record(study, trial, outcome, error, interrupted, pruned[0])
            strategy.tell(study, trial, value, state)
            if state == TrialState.COMPLETE and self.keep_weights > 0 and outcome is not None:
                self._keep_if_best(study, trial, outcome)
            frozen = study._storage.get_trial(trial._trial_id)
            row = trial_row(frozen, frozen._trial_id in self.store.trials_with_weights())
        self.listener.trial_finished(TrialFinished(row))

    def _record(self, study: optuna.Study, trial: optuna.Trial, outcome: TrainOutcome | None,
                error: str | None, interrupted: bool, pruned: bool
                ) -> tuple[TrialState, float | None]:
        if interrupted:
            trial.set_user_attr(INTERRUPTED, True)
            return TrialState.FAIL, None
        if outcome is None:
            trial.set_user_attr("error", error or "the worker ended without a result")
            return TrialState.FAIL, None
        for key, value in (("curves", outcome.curves()), ("seconds", round(outcome.seconds, 3)),
                           ("epochs_run", outcome.epochs_run), ("reason", outcome.reason),
                           ("val_accuracy", outcome.val_accuracy),
                           ("val_loss", outcome.val_loss),
                           ("test_accuracy", outcome.test_accuracy),
                           ("test_loss", outcome.test_loss), ("pid", outcome.pid),
                           ("process", outcome.process)):
            trial.set_user_attr(key, _plain(value))
        if pruned:
            return TrialState.PRUNED, None
        if outcome.reason == "diverged" or outcome.score is None:
            trial.set_user_attr("error", outcome.diverged or "the run gave no score")
            return TrialState.FAIL, None
        return TrialState.COMPLETE, float(outcome.score)

    def _keep_if_best(self, study: optuna.Study, trial: optuna.Trial,
                      outcome: TrainOutcome) -> None:
        self.store.save_weights(trial._trial_id, outcome.weights)
        self.store.keep_best_weights(study, self.keep_weights)


def _progress_score(progress: EpochProgress) -> float | None:
    if progress.val_accuracy is not None:
        return float(progress.val_accuracy)
    return None if progress.val_loss is None else -float(progress.val_loss)


def _plain(value: Any) -> Any:
    """NumPy numbers and NaN as JSON takes them."""
    import math

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def run_sweep(*args: Any, on_event: Callable[[object], None] | None = None,
              **kwargs: Any) -> SweepFinished:
    """``Sweep(*args, **kwargs).run()``, every event also passed to ``on_event``."""
    if on_event is not None:
        class Forward(SweepListener):
            def trial_started(self, event: TrialStarted) -> None:
                on_event(event)

            def trial_epoch(self, event: TrialEpoch) -> None:
                on_event(event)

            def trial_finished(self, event: TrialFinished) -> None:
                on_event(event)

            def sweep_finished(self, event: SweepFinished) -> None:
                on_event(event)
        kwargs["listener"] = Forward()
    return Sweep(*args, **kwargs).run()
