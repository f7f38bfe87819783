"""Training runs as Ray tasks, on a Ray cluster or a Ray started here (``--ray local``).

The dataset is loaded once, here, and put in Ray's object store (``ray.put``): every task
gets the same object, never a copy of its own from disk. Each task trains one request with
one BLAS thread (``trial_run.train``) and returns its ``TrainOutcome``, pid included, to
the sweep, which records it in the same study as a local run would. Ray reports a task's
result when it ends, so the per-epoch curves come then (and pruning, which needs them
during the run, does not apply). Ray is the optional ``cluster`` extra.
"""

from __future__ import annotations

import threading
from typing import Any

from nnstudio.data.datasets import load_dataset
from nnstudio.experiments.local_pool import OnEpoch, OnStart, RunFailed, RunStopped
from nnstudio.experiments.trial_run import EpochProgress, TrainOutcome, TrainRequest, train
from nnstudio.spec.training import TrainingSpec

LOCAL = "local"


class RayUnavailable(ValueError):
    """Ray is not installed or the cluster cannot be reached; the message says which."""


def train_in_ray(dataset: Any, request: TrainRequest) -> TrainOutcome:
    """A Ray task's body: one request on the shared dataset, one BLAS thread."""
    import ray
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=request.blas_threads, user_api="blas"):
        outcome = train(request, dataset=dataset)
    context = ray.get_runtime_context()
    outcome.process = (f"ray worker {context.get_worker_id()[:12]} on node "
                       f"{context.get_node_id()[:12]}")
    return outcome


def connect(address: str, workers: int | None = None) -> tuple[Any, bool]:
    """The ``ray`` module, connected to ``address`` (or to a Ray started here for
    "local", with ``workers`` CPUs), and whether this call connected it (a Ray already
    connected in this process is used as it is)."""
    try:
        import ray
    except ImportError:
        raise RayUnavailable("--ray needs Ray: pip install -e \".[cluster]\"") from None
    if ray.is_initialized():
        return ray, False
    try:
        if address == LOCAL:
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False,
                     configure_logging=False)
        else:
            ray.init(address=address, log_to_driver=False, configure_logging=False)
    except (ConnectionError, RuntimeError, ValueError) as error:
        raise RayUnavailable(f"--ray {address}: cannot reach the Ray cluster "
                             f"({error})") from None
    return ray, True


class RayPool:
    """Ray tasks, ``workers`` at a time (default: the cluster's CPUs). Same interface as
    ``LocalPool``: ``train`` blocks until the task ends; ``stop`` cancels every task."""

    kind = "ray"

    def __init__(self, address: str, workers: int | None, training: TrainingSpec) -> None:
        self.ray, self._owns = connect(address, workers)
        self.workers = workers or max(1, int(self.ray.cluster_resources().get("CPU", 1)))
        dataset = load_dataset(training.dataset, data_dir=training.data_dir or None)
        self._dataset = self.ray.put(dataset)  # once, for every task
        self._task = self.ray.remote(num_cpus=1, max_retries=0)(train_in_ray)
        self._lock = threading.Lock()
        self._running: set[Any] = set()
        self._stopped = False

    def train(self, request: TrainRequest, on_start: OnStart | None = None,
              on_epoch: OnEpoch | None = None) -> TrainOutcome:
        with self._lock:
            if self._stopped:
                raise RunStopped("the pool was stopped")
            ref = self._task.remote(self._dataset, request)
            self._running.add(ref)
        if on_start is not None:
            on_start(None)
        try:
            outcome: TrainOutcome = self.ray.get(ref)
        except self.ray.exceptions.TaskCancelledError:
            raise RunStopped("the pool was stopped") from None
        except self.ray.exceptions.RayTaskError as error:
            cause = error.cause if getattr(error, "cause", None) is not None else error
            raise RunFailed(str(cause).strip().splitlines()[-1]) from None
        except self.ray.exceptions.RayError as error:
            if self._stopped:
                raise RunStopped("the pool was stopped") from None
            raise RunFailed(f"the Ray task failed: {type(error).__name__}: {error}") from None
        finally:
            with self._lock:
                self._running.discard(ref)
        if on_epoch is not None:
            for progress in epochs_of(outcome, request.training.epochs):
                on_epoch(progress)
        return outcome

    def stop(self, kill: bool = True) -> None:
        with self._lock:
            self._stopped = True
            running = list(self._running)
        for ref in running:
            self.ray.cancel(ref, force=kill)

    def close(self) -> None:
        self.stop()
        if self._owns and self.ray.is_initialized():
            self.ray.shutdown()


def epochs_of(outcome: TrainOutcome, epochs: int) -> list[EpochProgress]:
    """A finished run's epochs, as they would have been reported while it ran."""
    history = outcome.history
    return [EpochProgress(epoch, epochs, history["train_loss"][i],
                          history["train_accuracy"][i], history["val_loss"][i],
                          history["val_accuracy"][i], 0.0)
            for i, epoch in enumerate(history.get("epoch", []))]
