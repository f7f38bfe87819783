"""What a network's output means: probabilities (a final Softmax or Sigmoid) or raw scores."""

from __future__ import annotations

from nnstudio.spec.network import NetworkSpec

PROBABILITY_LAYERS = frozenset({"Softmax", "Sigmoid"})


def ends_in_probabilities(spec: NetworkSpec) -> bool:
    """Whether the network's last layer already gives probabilities (a valid network)."""
    order = spec.analyze().order
    return bool(order) and spec.node(order[-1]).type in PROBABILITY_LAYERS
