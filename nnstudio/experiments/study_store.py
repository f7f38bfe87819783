"""A study is a database: Optuna's RDB storage (an SQLite file by default, or any database
URL SQLAlchemy knows), plus one table of our own for the weights of the best trials.

What is kept for each trial: its settings (Optuna's params, and the whole training settings
as a user attribute), seed, per-epoch curves (user attribute ``curves``; with a pruner, the
validation accuracy also as Optuna's intermediate values, as the epochs end), score (the
trial's value), state, start and end times, the seconds it trained, test accuracy and
loss, the worker's pid and, for the ``keep_weights`` best trials, the weights (table
``nnstudio_trial_weights``). The study itself keeps the network, the base settings and
the search space (study user attribute ``nnstudio``), so a study opened later, or
resumed, knows what it searched.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy
import optuna
import sqlalchemy
from optuna.trial import FrozenTrial, TrialState

from nnstudio.files.documents import Opened
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec
from nnstudio.storage.weights_archive import read_weights_archive

SETUP_KEY = "nnstudio"
SETUP_VERSION = 1
DEFAULT_STUDY_NAME = "sweep"
WEIGHTS_TABLE = "nnstudio_trial_weights"
# Trial user attributes saying why a trial that did not complete ended.
INTERRUPTED = "interrupted"  # its sweep was killed or stopped: a resumed sweep runs it again

optuna.logging.set_verbosity(optuna.logging.WARNING)


class StudyError(ValueError):
    """A study that cannot be opened or used; the message names it."""


def storage_url(location: str | os.PathLike[str]) -> str:
    """A database URL as it is, or a file path as an SQLite URL."""
    text = str(location)
    if "://" in text:
        return text
    path = Path(text).expanduser()
    if not path.parent.is_dir():
        raise StudyError(f"--study {text}: the folder {path.parent} does not exist")
    if path.is_dir():
        raise StudyError(f"--study {text}: that is a folder; name a file, e.g. study.db")
    return f"sqlite:///{path.resolve()}"


def default_study_location(name: str) -> Path:
    """Where a study of the network ``name`` goes when no file is named: the user's data
    folder (studies/NAME.study.db), made if needed. The command line uses the current
    folder instead."""
    import platformdirs

    folder = Path(platformdirs.user_data_dir("nnstudio")) / "studies"
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "untitled"
    return folder / f"{safe}.study.db"


def owner_tag() -> str:
    """Who runs a trial: host and process id (a resumed sweep fails the dead owners')."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_alive(tag: Any) -> bool:
    host, _, pid = str(tag).rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's: not ours to judge
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# A sweep tags each trial with its owner right after asking for it; a running trial still
# untagged after this long was cut off in between (killed with its sweep).
UNTAGGED_SECONDS = 60.0


def _never_tagged(trial: FrozenTrial) -> bool:
    started = trial.datetime_start
    return "owner" not in trial.user_attrs and started is not None \
        and (datetime.datetime.now() - started).total_seconds() > UNTAGGED_SECONDS


@dataclass
class TrialRow:
    """One trial as a table shows it."""

    number: int
    state: str  # "complete", "pruned", "failed", "running"
    params: dict[str, Any]
    score: float | None
    val_accuracy: float | None
    test_accuracy: float | None
    seconds: float | None
    epochs: int | None
    seed: int | None
    note: str = ""
    curves: dict[str, list[Any]] = field(default_factory=dict)
    has_weights: bool = False
    pid: int | None = None  # the process that trained it (a local worker, a Ray worker)
    process: str = ""  # where that process was, when not a local worker

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "state": self.state, "params": self.params,
                "score": self.score, "val_accuracy": self.val_accuracy,
                "test_accuracy": self.test_accuracy, "seconds": self.seconds,
                "epochs": self.epochs, "seed": self.seed, "note": self.note,
                "has_weights": self.has_weights, "pid": self.pid, "process": self.process}


STATE_WORDS = {TrialState.COMPLETE: "complete", TrialState.PRUNED: "pruned",
               TrialState.FAIL: "failed", TrialState.RUNNING: "running",
               TrialState.WAITING: "waiting"}


class StudyStore:
    """One database (file or URL) and one study in it."""

    def __init__(self, location: str | os.PathLike[str],
                 study_name: str = DEFAULT_STUDY_NAME) -> None:
        self.location = str(location)
        self.study_name = study_name
        self.url = storage_url(location)
        try:
            self.storage = optuna.storages.RDBStorage(self.url)
        except Exception as error:  # noqa: BLE001 - SQLAlchemy's many errors: one message
            cause = getattr(error, "orig", None)  # the database's own words, without the SQL
            raise StudyError(f"--study {self.location}: cannot open the database ("
                             + (str(cause) if cause is not None
                                else f"{type(error).__name__}: {error}") + ")") from None
        metadata = sqlalchemy.MetaData()
        self._weights = sqlalchemy.Table(
            WEIGHTS_TABLE, metadata,
            sqlalchemy.Column("trial_id", sqlalchemy.Integer, primary_key=True),
            sqlalchemy.Column("weights", sqlalchemy.LargeBinary, nullable=False))
        metadata.create_all(self.storage.engine)

    # -- the study ----------------------------------------------------------------------------
    def create_or_resume(self, setup: dict[str, Any], sampler: optuna.samplers.BaseSampler,
                         pruner: optuna.pruners.BasePruner) -> optuna.Study:
        """The study, made now or resumed; a resumed one must have been made with the same
        ``setup`` (network, settings, search space)."""
        study = optuna.create_study(storage=self.storage, study_name=self.study_name,
                                    direction="maximize", sampler=sampler, pruner=pruner,
                                    load_if_exists=True)
        saved = study.user_attrs.get(SETUP_KEY)
        if saved is None:
            study.set_user_attr(SETUP_KEY, {**setup, "version": SETUP_VERSION})
        elif _comparable(saved) != _comparable(setup):
            differs = [k for k in ("network", "training", "space")
                       if saved.get(k) != json.loads(json.dumps(setup.get(k)))]
            raise StudyError(
                f"--study {self.location}: its study {self.study_name!r} searched another "
                f"{' and '.join(differs) or 'setup'}; give another --study file or "
                f"--study-name to start a new one")
        return study

    def load(self) -> optuna.Study:
        try:
            return optuna.load_study(study_name=self.study_name, storage=self.storage)
        except KeyError:
            names = [s.study_name for s in optuna.get_all_study_summaries(self.storage)]
            raise StudyError(f"--study {self.location}: no study named {self.study_name!r}"
                             + (f" (it holds {', '.join(names)})" if names else " (it is empty)")
                             ) from None

    def setup(self, study: optuna.Study | None = None) -> dict[str, Any]:
        study = study or self.load()
        setup = study.user_attrs.get(SETUP_KEY)
        if not isinstance(setup, dict):
            raise StudyError(f"--study {self.location}: study {self.study_name!r} was not "
                             f"made by NN Studio")
        return setup

    def fail_interrupted(self, study: optuna.Study) -> list[FrozenTrial]:
        """Trials left running by a sweep that is no longer alive on this machine: marked
        failed and ``interrupted`` (a resumed sweep runs their settings again)."""
        failed = []
        for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
            if not _owner_alive(trial.user_attrs.get("owner")) or _never_tagged(trial):
                self.storage.set_trial_user_attr(trial._trial_id, INTERRUPTED, True)
                self.storage.set_trial_state_values(trial._trial_id, TrialState.FAIL)
                failed.append(trial)
        return failed

    # -- weights ---------------------------------------------------------------------------
    def save_weights(self, trial_id: int, weights: dict[str, dict[str, Any]]) -> None:
        buffer = io.BytesIO()
        numpy.savez(buffer, **{f"{node}/{name}": numpy.asarray(array)
                               for node, arrays in weights.items()
                               for name, array in arrays.items()})
        with self.storage.engine.begin() as connection:
            connection.execute(self._weights.delete().where(
                self._weights.c.trial_id == trial_id))
            connection.execute(self._weights.insert().values(trial_id=trial_id,
                                                             weights=buffer.getvalue()))

    def load_weights(self, trial_id: int) -> dict[str, dict[str, numpy.ndarray]] | None:
        with self.storage.engine.connect() as connection:
            row = connection.execute(sqlalchemy.select(self._weights.c.weights).where(
                self._weights.c.trial_id == trial_id)).first()
        return None if row is None else read_weights_archive(io.BytesIO(row[0]))

    def trials_with_weights(self) -> set[int]:
        with self.storage.engine.connect() as connection:
            return {r[0] for r in connection.execute(sqlalchemy.select(
                self._weights.c.trial_id))}

    def keep_best_weights(self, study: optuna.Study, keep: int) -> None:
        """Drop the weights of every trial but the ``keep`` best complete ones."""
        best = {t._trial_id for t in best_first(study.get_trials(
            deepcopy=False, states=(TrialState.COMPLETE,)))[:keep]}
        mine = {t._trial_id for t in study.get_trials(deepcopy=False)}
        drop = (self.trials_with_weights() & mine) - best
        if drop:
            with self.storage.engine.begin() as connection:
                connection.execute(self._weights.delete().where(
                    self._weights.c.trial_id.in_(drop)))

    # -- reading it back -----------------------------------------------------------------------
    def rows(self, study: optuna.Study | None = None) -> list[TrialRow]:
        """Every trial, best first (complete by score, then pruned, running, failed)."""
        study = study or self.load()
        kept = self.trials_with_weights()
        return [trial_row(t, t._trial_id in kept)
                for t in best_first(study.get_trials(deepcopy=False))]

    def trial(self, number: int, study: optuna.Study | None = None) -> FrozenTrial:
        study = study or self.load()
        for trial in study.get_trials(deepcopy=False):
            if trial.number == number:
                return trial
        raise StudyError(f"--study {self.location}: study {self.study_name!r} has no trial "
                         f"{number}")

    def open_trial(self, number: int) -> Opened:
        """Trial ``number`` as a document: its network and settings, and its weights if
        they were kept (the best trials'), its curves as the history. "Open this trial"."""
        study = self.load()
        setup = self.setup(study)
        trial = self.trial(number, study)
        network = NetworkSpec.from_json(setup["network"])
        for name, value in trial.params.items():  # the layer parameters the trial varied
            node_id, dot, param = name.rpartition(".")
            if dot and network.has_node(node_id):
                if param == "type":
                    network.node(node_id).type = value
                else:
                    network.node(node_id).params[param] = value
        training = TrainingSpec.from_json(trial.user_attrs.get("settings", setup["training"]))
        network.name = f"{network.name} trial {number}"
        return Opened(network.name, network, training, self.load_weights(trial._trial_id),
                      dict(trial.user_attrs.get("curves", {})))


def _comparable(setup: dict[str, Any]) -> Any:
    return json.loads(json.dumps({k: setup.get(k) for k in ("network", "training", "space")}))


STATE_ORDER = {TrialState.COMPLETE: 0, TrialState.PRUNED: 1, TrialState.RUNNING: 2,
               TrialState.WAITING: 3, TrialState.FAIL: 4}


def best_first(trials: list[FrozenTrial]) -> list[FrozenTrial]:
    def key(trial: FrozenTrial) -> tuple:
        value = trial.value if trial.value is not None else (
            max(trial.intermediate_values.values()) if trial.intermediate_values else None)
        return (STATE_ORDER.get(trial.state, 5), -(value if value is not None else -1e300),
                trial.number)
    return sorted(trials, key=key)


def trial_row(trial: FrozenTrial, has_weights: bool = False) -> TrialRow:
    attrs = trial.user_attrs
    note = attrs.get("error") or ("interrupted" if attrs.get(INTERRUPTED) else "") \
        or attrs.get("reason", "")
    curves = attrs.get("curves", {}) or {}
    val = attrs.get("val_accuracy")
    if val is None and trial.intermediate_values:
        val = trial.intermediate_values[max(trial.intermediate_values)]
    return TrialRow(trial.number, STATE_WORDS.get(trial.state, trial.state.name.lower()),
                    dict(trial.params), trial.value, val, attrs.get("test_accuracy"),
                    attrs.get("seconds"), attrs.get("epochs_run"), attrs.get("seed"), note,
                    curves, has_weights, attrs.get("pid"), attrs.get("process", ""))
