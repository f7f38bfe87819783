"""How a search picks the next settings to try, and when it gives up on a weak trial.

The course's four strategies and a model-based default, all from maintained libraries:
grid, random, TPE (the default) and genetic are Optuna samplers (``GridSampler``,
``RandomSampler``, ``TPESampler``, ``NSGAIISampler``, a genetic algorithm that also serves
one objective); particle swarm is nevergrad's ``PSO``, driven by ask/tell: each particle it
asks for is put into the Optuna study as an enqueued trial, and the trial's score is told
back, so its trials land in the same study as any other strategy's. Pruning (median or
successive halving) is Optuna's, on the validation accuracy reported after every epoch.
"""

from __future__ import annotations

import math
from typing import Any

import optuna

from nnstudio.experiments.search_space import Dimension, SearchSpace

STRATEGIES = ("tpe", "random", "grid", "genetic", "pso")
DEFAULT_STRATEGY = "tpe"
PRUNERS = ("none", "median", "halving")


def distribution(dimension: Dimension) -> optuna.distributions.BaseDistribution:
    if dimension.kind == "choice":
        return optuna.distributions.CategoricalDistribution(list(dimension.choices))
    if dimension.kind == "int":
        return optuna.distributions.IntDistribution(int(dimension.low), int(dimension.high),
                                                    log=dimension.log)
    return optuna.distributions.FloatDistribution(float(dimension.low), float(dimension.high),
                                                  log=dimension.log)


def distributions(space: SearchSpace) -> dict[str, optuna.distributions.BaseDistribution]:
    return {d.name: distribution(d) for d in space.dimensions}


def make_pruner(name: str) -> optuna.pruners.BasePruner:
    """``median``: stop a trial whose accuracy after an epoch is below the median of the
    earlier trials' after the same epoch (once two have finished); ``halving``: successive
    halving, keeping the best third at each rung of epochs."""
    if name == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=0)
    if name == "halving":
        return optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    if name == "none":
        return optuna.pruners.NopPruner()
    raise ValueError(f"--prune {name}: not a pruner (choose from {', '.join(PRUNERS)})")


class Strategy:
    """One search strategy: the Optuna sampler the study is opened with, and ``ask``/
    ``tell``, which the sweep calls under its lock (one at a time)."""

    name = "tpe"
    # A resumed study's strategy is seeded with seed + its trials so far: the same seed
    # again would draw the settings it already tried.
    reseeded_on_resume = True

    def __init__(self, space: SearchSpace, seed: int, trials: int, workers: int) -> None:
        self.space = space
        self.seed = seed
        self.trials = trials
        self.workers = workers
        self.distributions = distributions(space)

    def sampler(self) -> optuna.samplers.BaseSampler:
        return optuna.samplers.TPESampler(seed=self.seed, n_startup_trials=min(
            10, max(2, self.trials // 4)))

    def resume(self, study: optuna.Study) -> None:
        """Learn from the trials a resumed study already holds (Optuna's samplers read the
        study themselves)."""

    def ask(self, study: optuna.Study) -> optuna.Trial:
        return study.ask(self.distributions)

    def tell(self, study: optuna.Study, trial: optuna.Trial, value: float | None,
             state: optuna.trial.TrialState) -> None:
        study.tell(trial, value if state == optuna.trial.TrialState.COMPLETE else None,
                   state=state)


class RandomStrategy(Strategy):
    name = "random"

    def sampler(self) -> optuna.samplers.BaseSampler:
        return optuna.samplers.RandomSampler(seed=self.seed)


class GridStrategy(Strategy):
    """Every combination of the space's grid values (``SearchSpace.grid``), in a seeded
    random order; at most that many trials."""

    name = "grid"
    reseeded_on_resume = False  # Optuna's grid goes on with the points not yet visited

    def sampler(self) -> optuna.samplers.BaseSampler:
        return _AskTellGridSampler(self.space.grid(), seed=self.seed)


class _AskTellGridSampler(optuna.samplers.GridSampler):
    """Optuna's grid sampler without its ``study.stop()`` once the grid is covered (a call
    only ``study.optimize`` allows): the sweep asks for no more trials than the grid has."""

    def after_trial(self, study: optuna.Study, trial: optuna.trial.FrozenTrial,
                    state: optuna.trial.TrialState, values: Any) -> None:
        return None


class GeneticStrategy(Strategy):
    """A genetic algorithm: generations of a small population, bred by crossover and
    mutation from the fittest (Optuna's NSGA-II with one objective)."""

    name = "genetic"

    def sampler(self) -> optuna.samplers.BaseSampler:
        population = max(4, min(20, self.trials // 3))
        return optuna.samplers.NSGAIISampler(population_size=population, seed=self.seed)


class ParticleSwarmStrategy(Strategy):
    """nevergrad's particle swarm (``PSO``) asked for each trial's settings; the study
    records them as enqueued trials and its scores are told back (nevergrad minimizes, so
    it is told minus the score; a failed or pruned trial counts as a poor one)."""

    name = "pso"
    POOR = 1e9

    def __init__(self, space: SearchSpace, seed: int, trials: int, workers: int) -> None:
        super().__init__(space, seed, trials, workers)
        import nevergrad

        self._ng = nevergrad
        parametrization = nevergrad.p.Dict(**{d.name: self._parameter(d)
                                              for d in space.dimensions})
        parametrization.random_state.seed(seed)
        self.optimizer = nevergrad.optimizers.PSO(parametrization=parametrization,
                                                  budget=max(trials, 1),
                                                  num_workers=max(workers, 1))
        self._asked: dict[int, Any] = {}

    def _parameter(self, dimension: Dimension) -> Any:
        p = self._ng.p
        if dimension.kind == "choice":
            return p.Choice(list(dimension.choices))
        make = p.Log if dimension.log else p.Scalar
        parameter = make(lower=float(dimension.low), upper=float(dimension.high))
        return parameter.set_integer_casting() if dimension.kind == "int" else parameter

    def sampler(self) -> optuna.samplers.BaseSampler:
        return optuna.samplers.RandomSampler(seed=self.seed)  # only for a param left out

    def _fit(self, values: dict[str, Any]) -> dict[str, Any]:
        """nevergrad's values inside the Optuna distributions (casting and rounding)."""
        fitted = {}
        for d in self.space.dimensions:
            value = values[d.name]
            if d.kind == "int":
                value = int(min(max(int(round(value)), d.low), d.high))
            elif d.kind == "float":
                value = float(min(max(float(value), d.low), d.high))
            fitted[d.name] = value
        return fitted

    def resume(self, study: optuna.Study) -> None:
        for trial in study.get_trials(deepcopy=False):
            if trial.state.is_finished() and set(trial.params) == set(self.distributions):
                try:
                    child = self.optimizer.parametrization.spawn_child(new_value=trial.params)
                    self.optimizer.tell(child, self._loss(trial.value))
                except Exception:  # noqa: BLE001, S112 - a point the swarm cannot take
                    continue

    def ask(self, study: optuna.Study) -> optuna.Trial:
        candidate = self.optimizer.ask()
        study.enqueue_trial(self._fit(candidate.value))
        trial = study.ask(self.distributions)
        self._asked[trial.number] = candidate
        return trial

    def _loss(self, value: float | None) -> float:
        return self.POOR if value is None or not math.isfinite(value) else -float(value)

    def tell(self, study: optuna.Study, trial: optuna.Trial, value: float | None,
             state: optuna.trial.TrialState) -> None:
        super().tell(study, trial, value, state)
        candidate = self._asked.pop(trial.number, None)
        if candidate is not None:
            complete = state == optuna.trial.TrialState.COMPLETE
            self.optimizer.tell(candidate, self._loss(value if complete else None))


STRATEGY_CLASSES: dict[str, type[Strategy]] = {
    "tpe": Strategy, "random": RandomStrategy, "grid": GridStrategy,
    "genetic": GeneticStrategy, "pso": ParticleSwarmStrategy}


def make_strategy(name: str, space: SearchSpace, seed: int = 0, trials: int = 20,
                  workers: int = 1) -> Strategy:
    try:
        cls = STRATEGY_CLASSES[name]
    except KeyError:
        raise ValueError(f"--strategy {name}: not a strategy (choose from "
                         f"{', '.join(STRATEGIES)})") from None
    return cls(space, seed, trials, workers)
