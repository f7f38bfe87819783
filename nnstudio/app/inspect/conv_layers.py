"""The convolution layers of a network, where to read what their filters respond to, and the
path of strongest activations through its Dense and Conv2D layers."""

from __future__ import annotations

import numpy as np

from nnstudio.running.inspection_copy import InspectionCopy
from nnstudio.spec.catalogue import ACTIVATIONS


def conv_nodes(viewer: InspectionCopy) -> list[str]:
    """Conv2D nodes in flow order."""
    return [n for n in viewer.order if viewer.spec.node(n).type == "Conv2D"]


def response_node(viewer: InspectionCopy, conv: str) -> str:
    """Where a filter's response is read: the activation right after the convolution (what
    the next layer sees), else the convolution's own output."""
    consumers = viewer.network.consumers.get(conv, [])
    if len(consumers) == 1 and viewer.spec.node(consumers[0]).type in ACTIVATIONS:
        return consumers[0]
    return conv


def top_channels(maps: np.ndarray, k: int = 3) -> list[tuple[int, float]]:
    """(channel, mean activation) of the ``k`` channels of (C, H, W) ``maps`` that fire most."""
    means = maps.reshape(len(maps), -1).mean(axis=1)
    order = np.argsort(-means, kind="stable")[:k]
    return [(int(c), float(means[c])) for c in order]


def strongest_path(viewer: InspectionCopy, activations: dict[str, np.ndarray]) -> list[
        tuple[str, int, float]]:
    """(layer, unit, activation) of the unit or filter that fires most in each Dense and
    Conv2D layer for the first sample of ``activations``, read where the next layer reads
    it (after its activation); a filter by its mean response."""
    path = []
    for node in viewer.order:
        if viewer.spec.node(node).type not in ("Dense", "Conv2D"):
            continue
        values = activations.get(response_node(viewer, node))
        if values is None:
            continue
        sample = values[0]
        strength = sample.reshape(len(sample), -1).mean(axis=1) if sample.ndim == 3 \
            else sample.reshape(-1)
        unit = int(np.argmax(strength))
        path.append((node, unit, float(strength[unit])))
    return path
