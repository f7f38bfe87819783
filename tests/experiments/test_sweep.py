"""Real small sweeps: every strategy fills its study (trained here, on threads), pruning,
the best trial opens with its network, settings and weights, a study made for another
search is not resumed, and an ensemble's members train in worker processes (test_workers.py
has the sweeps in worker processes)."""

from __future__ import annotations

import os
import threading

import optuna
import pytest

from nnstudio.engine.trainer import TrainerControl
from nnstudio.experiments import (
    LocalPool,
    RunStopped,
    SearchSpace,
    StudyError,
    StudyStore,
    Sweep,
    SweepListener,
    TrainRequest,
    train,
    train_all,
)
from tests.experiments.toy import toy_network, toy_training

SPACE = ["lr=log:1e-3:1e-1", "optimizer=sgd,adam", "dense1.units=int:2:16"]


class InThisProcess:
    """A pool that trains here, on threads: the strategies' tests need no processes."""

    kind = "local"

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pids: list[int] = []

    def train(self, request, on_start=None, on_epoch=None):
        if on_start:
            on_start(os.getpid())
        control = TrainerControl()

        def follow(progress) -> None:
            if on_epoch(progress):
                control.stop()
        return train(request, control=control, on_epoch=follow)

    def stop(self) -> None: ...

    def close(self) -> None: ...


class HereSweep(Sweep):
    def make_pool(self, workers):
        return InThisProcess(workers or 2)


class Record(SweepListener):
    def __init__(self) -> None:
        self.events: list[object] = []
        self.lock = threading.Lock()

    def _add(self, event) -> None:
        with self.lock:
            self.events.append(event)

    trial_started = trial_epoch = trial_finished = sweep_finished = _add

    def of(self, kind: str) -> list:
        return [e for e in self.events if type(e).__name__ == kind]


@pytest.mark.parametrize("strategy", ["grid", "random", "tpe", "genetic", "pso"])
def test_every_strategy_fills_its_study(strategy, tmp_path) -> None:
    network, training = toy_network(), toy_training()
    space = SearchSpace.parse(network, SPACE, training, grid_points=2)
    record = Record()
    trials = 8 if strategy == "grid" else 5
    result = HereSweep(network, training, space, strategy=strategy, trials=trials, workers=2,
                       study=str(tmp_path / "s.db"), listener=record).run()
    assert result.reason == "completed"
    assert len(result.rows) == trials and all(r.state == "complete" for r in result.rows)
    scores = [r.score for r in result.rows]
    assert scores == sorted(scores, reverse=True) and 0.0 <= scores[-1] <= scores[0] <= 1.0
    assert len(record.of("TrialStarted")) == trials == len(record.of("TrialFinished"))
    assert len(record.of("TrialEpoch")) == 2 * trials and len(record.of("SweepFinished")) == 1
    if strategy == "grid":  # every point of the grid once
        points = {tuple(sorted(r.params.items())) for r in result.rows}
        assert len(points) == space.grid_size() == trials
    # The study is a database: reopened, it holds the same trials with their curves.
    rows = StudyStore(tmp_path / "s.db").rows()
    assert [r.number for r in rows] == [r.number for r in result.rows]
    assert rows[0].curves["val_accuracy"][-1] == pytest.approx(rows[0].val_accuracy)
    assert rows[0].seed == training.seed and rows[0].has_weights


def test_the_best_trial_opens_with_its_network_settings_and_weights(tmp_path) -> None:
    network, training = toy_network(), toy_training()
    space = SearchSpace.parse(network, ["dense1.units=3,12", "lr=0.05"], training)
    result = HereSweep(network, training, space, strategy="grid", trials=2, workers=1,
                       study=str(tmp_path / "s.db"), keep_weights=1).run()
    best, other = result.rows
    store = StudyStore(tmp_path / "s.db")
    opened = store.open_trial(best.number)
    assert opened.network.node("dense1").params["units"] == best.params["dense1.units"]
    assert opened.training.lr == 0.05 and opened.weights is not None
    assert opened.weights["dense1"]["W"].shape[1] == best.params["dense1.units"]
    assert opened.history["val_accuracy"] == best.curves["val_accuracy"]
    assert store.open_trial(other.number).weights is None  # only the best one's are kept


def test_pruning_stops_weak_trials_on_their_epoch_figures(tmp_path) -> None:
    network, training = toy_network(), toy_training(epochs=4)
    space = SearchSpace.parse(network, ["lr=0.05,0.04,1e-5"], training)
    sweep = HereSweep(network, training, space, strategy="tpe", trials=3, workers=1,
                      study=str(tmp_path / "s.db"), pruner="median")
    # The two good rates first, then lr 1e-5, which learns nothing in 4 epochs: its
    # accuracy after an epoch is below the others' median, so it is stopped there.
    study = sweep.store.create_or_resume(sweep.setup(), optuna.samplers.RandomSampler(0),
                                         optuna.pruners.NopPruner())
    for lr in (0.05, 0.04, 1e-5):
        study.enqueue_trial({"lr": lr})
    rows = {r.params["lr"]: r for r in sweep.run().rows}
    assert rows[0.05].state == rows[0.04].state == "complete"
    assert rows[1e-5].state == "pruned" and rows[1e-5].epochs < training.epochs


def test_a_study_made_for_another_search_is_not_resumed(tmp_path) -> None:
    network, training = toy_network(), toy_training()
    first = SearchSpace.parse(network, ["lr=0.01,0.02"], training)
    HereSweep(network, training, first, strategy="grid", trials=2,
              study=str(tmp_path / "s.db")).run()
    other = SearchSpace.parse(network, ["lr=0.01,0.03"], training)
    with pytest.raises(StudyError, match=r"s.db: its study 'sweep' searched another space"):
        HereSweep(network, training, other, strategy="grid", trials=2,
                  study=str(tmp_path / "s.db")).run()


def test_train_all_trains_an_ensemble_in_worker_processes_and_leaves_none_behind() -> None:
    from dataclasses import replace

    network, training = toy_network(), toy_training()
    requests = [TrainRequest(network, replace(training, seed=seed)) for seed in (1, 2, 3)]
    pool = LocalPool(2)
    outcomes = train_all(requests, pool=pool)
    assert all(o.reason == "completed" and o.weights["dense1"]["W"].shape == (2, 8)
               for o in outcomes)
    assert len({o.pid for o in outcomes} - {os.getpid()}) <= 2  # two workers, reused
    assert len({o.history["train_loss"][-1] for o in outcomes}) == 3  # three seeds
    pool.close()
    assert not pool._idle and not pool._running
    with pytest.raises(RunStopped):
        pool.train(requests[0])


def test_a_background_sweep_that_fails_reports_it_without_a_traceback(
        tmp_path, monkeypatch) -> None:
    network, training = toy_network(), toy_training()
    HereSweep(network, training, SearchSpace.parse(network, ["lr=0.01,0.02"], training),
              strategy="grid", trials=2, study=str(tmp_path / "s.db")).run()
    unhandled: list[object] = []
    monkeypatch.setattr(threading, "excepthook", unhandled.append)
    record = Record()
    other = HereSweep(network, training, SearchSpace.parse(network, ["lr=0.01,0.03"], training),
                      strategy="grid", trials=2, study=str(tmp_path / "s.db"), listener=record)
    other.start()
    other.wait()
    other._thread.join()
    assert other.result.reason == "failed" and "searched another space" in other.result.message
    assert record.of("SweepFinished") == [other.result]
    assert unhandled == []


def test_a_study_file_that_is_no_database_is_named_in_one_line(tmp_path) -> None:
    junk = tmp_path / "notes.db"
    junk.write_text("not a database at all\n" * 100)
    with pytest.raises(StudyError) as caught:
        StudyStore(junk)
    assert str(caught.value) == f"--study {junk}: cannot open the database (file is not a " \
                                f"database)"


@pytest.mark.parametrize("strategy", ["random", "pso"])
def test_a_resumed_study_tries_new_settings_not_its_first_ones_again(strategy, tmp_path) -> None:
    network, training = toy_network(), toy_training(epochs=1)
    space = SearchSpace.parse(network, ["lr=log:1e-3:1e-1"], training)
    study = str(tmp_path / "s.db")
    HereSweep(network, training, space, strategy=strategy, trials=2, study=study).run()
    rows = HereSweep(network, training, space, strategy=strategy, trials=4,
                     study=study).run().rows
    tried = [row.params["lr"] for row in rows]
    assert len(tried) == 4 and len(set(tried)) == 4, tried
