"""What one weight edit changes: which array element an edge or a neuron of the diagram
stands for, and the network's hand-set weights with the new value in place."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np

from nnstudio.app.inspect.dense_chain import DenseChain


@dataclass(frozen=True)
class WeightTarget:
    """One number of the network: ``node``'s ``param`` at ``index``, as the course names it
    ("w3", "bias of h1")."""

    node: str
    param: str  # "W" or "b"
    index: tuple[int, ...]
    name: str

    def describe(self) -> str:
        where = ", ".join(str(i) for i in self.index)
        return f"{self.name}  ({self.node}.{self.param}[{where}])"


def edge_target(chain: DenseChain, key: tuple[int, int, int]) -> WeightTarget:
    """The weight an edge (layer, source, target) draws."""
    layer, source, target = key
    return WeightTarget(chain.columns[layer].dense, "W", (source, target),
                        chain.weight_names()[key])


def bias_target(chain: DenseChain, key: tuple[int, int]) -> WeightTarget | None:
    """The bias of a neuron (column, index); None for an input, which has none."""
    column, index = key
    if column == 0:
        return None
    return WeightTarget(chain.columns[column - 1].dense, "b", (index,),
                        f"bias of {chain.neuron_name(column, index)}")


def value_of(weights: dict[str, dict[str, np.ndarray]], target: WeightTarget) -> float | None:
    array = weights.get(target.node, {}).get(target.param)
    return None if array is None else float(np.asarray(array)[target.index])


def with_edit(hand_set: dict[str, Any], shown: dict[str, dict[str, np.ndarray]],
              chain: DenseChain, target: WeightTarget, value: float) -> dict[str, Any]:
    """The hand-set weights after the edit: every Dense layer of the chain as the views
    show it now (so trained or random starting weights stay what they were), with
    ``value`` at ``target``; other entries of ``hand_set`` are kept."""
    after = copy.deepcopy(hand_set)
    for column in chain.columns:
        arrays = shown[column.dense]
        after[column.dense] = {name: np.asarray(arrays[name], dtype=np.float64).tolist()
                               for name in ("W", "b") if name in arrays}
    array = np.asarray(after[target.node][target.param], dtype=np.float64)
    array[target.index] = value
    after[target.node][target.param] = array.tolist()
    return after
