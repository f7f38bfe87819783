"""The ``experiment`` section of a ``.nnstudio`` project: a search as saved with its
network (the search space's ``NAME=VALUES`` texts, the strategy, the number of trials, the
pruner, the workers). The project file keeps it as plain JSON; it is read and checked
here, against the project's network, with the same words as the command line's flags.

    {"params": ["lr=log:1e-4:1e-1", "optimizer=sgd,adam"], "strategy": "tpe",
     "trials": 20, "pruner": "none", "workers": null, "grid_points": 3}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nnstudio.experiments.search_space import (
    DEFAULT_GRID_POINTS,
    SearchSpace,
    SearchSpaceError,
)
from nnstudio.experiments.strategies import DEFAULT_STRATEGY, PRUNERS, STRATEGIES
from nnstudio.spec.network import NetworkSpec
from nnstudio.spec.training import TrainingSpec


@dataclass
class ExperimentPlan:
    params: list[str] = field(default_factory=list)
    strategy: str = DEFAULT_STRATEGY
    trials: int = 20
    pruner: str = "none"
    workers: int | None = None
    grid_points: int = DEFAULT_GRID_POINTS

    def space(self, network: NetworkSpec, training: TrainingSpec | None = None) -> SearchSpace:
        return SearchSpace.parse(network, self.params, training, self.grid_points)

    def to_json(self) -> dict[str, Any]:
        return {"params": list(self.params), "strategy": self.strategy, "trials": self.trials,
                "pruner": self.pruner, "workers": self.workers,
                "grid_points": self.grid_points}

    @classmethod
    def from_json(cls, data: Any) -> ExperimentPlan:
        """The section as saved; every problem a SearchSpaceError naming the key."""
        if not isinstance(data, dict):
            raise SearchSpaceError("the experiment section must be a JSON object")
        unknown = sorted(set(data) - set(cls().to_json()))
        if unknown:
            raise SearchSpaceError(f"the experiment section has unknown keys: "
                                   f"{', '.join(unknown)}")
        plan = cls()
        params = data.get("params", [])
        if not isinstance(params, list) or not all(isinstance(p, str) for p in params):
            raise SearchSpaceError("the experiment's params must be a list of NAME=VALUES "
                                   "texts")
        plan.params = list(params)
        for key, allowed in (("strategy", STRATEGIES), ("pruner", PRUNERS)):
            value = data.get(key, getattr(plan, key))
            if value not in allowed:
                raise SearchSpaceError(f"the experiment's {key} must be one of "
                                       f"{', '.join(allowed)}, not {value!r}")
            setattr(plan, key, value)
        for key, optional in (("trials", False), ("workers", True), ("grid_points", False)):
            value = data.get(key, getattr(plan, key))
            if value is None and optional:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise SearchSpaceError(f"the experiment's {key} must be a whole number of at "
                                       f"least 1, not {value!r}")
            setattr(plan, key, value)
        return plan
