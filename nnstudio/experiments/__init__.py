"""Experiments: hyperparameter search, ensembles that vote, and variants side by side.

The public API of the search (stable; extended, never changed):

- ``SearchSpace.parse(network, ["lr=log:1e-4:1e-1", "optimizer=sgd,adam",
  "dense1.units=int:16:256"], training)``: what varies, checked before anything runs
  (``SearchSpaceError`` names the parameter and value). ``searchable(network, training)``
  lists what could vary, from the training settings' table and the layer catalogue (the
  app's editors), each with ``default_dimension()``. ``ExperimentPlan`` is the
  ``experiment`` section of a project.
- ``Sweep(network, training, space, strategy=..., trials=..., workers=..., study=FILE_OR_URL,
  dataset=..., pruner=..., ray=None, listener=SweepListener())``: ``start()`` in the
  background or ``run()``, ``stop()``, ``wait()``, ``result``. The listener hears
  ``TrialStarted``, ``TrialEpoch`` (loss and accuracy curves so far), ``TrialFinished``
  (a ``TrialRow``: state, params, score, time) and ``SweepFinished`` (see sweep.py).
- ``StudyStore(FILE_OR_URL, study_name).rows()`` every trial best first
  (``default_study_location(network.name)`` is a file in the user's data folder);
  ``.open_trial(number)`` its network, settings and kept weights as an ``Opened`` document.
- ``LocalPool(workers).train(TrainRequest(network, training), on_epoch=...)`` trains one
  run in a worker process and returns its ``TrainOutcome`` (history, weights, scores);
  ``train_all(requests, workers)`` trains many in parallel (an ensemble's members, each
  with its own seed in ``training.seed``).
"""

from nnstudio.experiments.local_pool import (
    LocalPool,
    RunFailed,
    RunStopped,
    default_workers,
    train_all,
)
from nnstudio.experiments.plan import ExperimentPlan
from nnstudio.experiments.search_space import (
    Dimension,
    Searchable,
    SearchSpace,
    SearchSpaceError,
    searchable,
)
from nnstudio.experiments.strategies import PRUNERS, STRATEGIES
from nnstudio.experiments.study_store import (
    StudyError,
    StudyStore,
    TrialRow,
    default_study_location,
)
from nnstudio.experiments.sweep import (
    Sweep,
    SweepFinished,
    SweepListener,
    TrialEpoch,
    TrialFinished,
    TrialStarted,
)
from nnstudio.experiments.trial_run import EpochProgress, TrainOutcome, TrainRequest, train

__all__ = [
    "Dimension", "EpochProgress", "ExperimentPlan", "LocalPool", "PRUNERS", "RunFailed",
    "RunStopped", "STRATEGIES", "SearchSpace", "SearchSpaceError", "Searchable", "StudyError",
    "StudyStore", "Sweep", "SweepFinished", "SweepListener", "TrainOutcome", "TrainRequest",
    "TrialEpoch", "TrialFinished", "TrialRow", "TrialStarted", "default_study_location",
    "default_workers",
    "searchable", "train", "train_all",
]
