"""Which dataset samples excite a filter most: each channel's largest response over the
first test samples, computed in batches and kept until the weights change."""

from __future__ import annotations

import numpy as np

from nnstudio.running.inspection_copy import InspectionCopy

SAMPLES = 1000
BATCH = 250


def channel_maxima(viewer: InspectionCopy, x: np.ndarray, node: str,
                   batch: int = BATCH) -> np.ndarray:
    """(N, C): the largest value of each channel of ``node``'s output for each sample."""
    parts = []
    for start in range(0, len(x), batch):
        maps = viewer.activations(x[start:start + batch])[node]
        parts.append(maps.reshape(maps.shape[0], maps.shape[1], -1).max(axis=2))
    return np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)


def top_samples(maxima: np.ndarray, channel: int, k: int = 8) -> list[tuple[int, float]]:
    """(sample index, response) of the ``k`` samples with the strongest response."""
    column = maxima[:, channel]
    order = np.argsort(-column, kind="stable")[:k]
    return [(int(i), float(column[i])) for i in order]


class MaximaCache:
    """One entry per (weights version, node, samples); a new version makes it stale, not
    wrong to show: the view says so and offers a refresh."""

    def __init__(self) -> None:
        self._entries: dict[tuple, np.ndarray] = {}

    def get(self, version: tuple, node: str, samples_key: tuple) -> np.ndarray | None:
        return self._entries.get((version, node, samples_key))

    def latest(self, node: str, samples_key: tuple) -> tuple[tuple, np.ndarray] | None:
        """The most recent entry for ``node`` whatever its version (shown as stale)."""
        found = [(k[0], v) for k, v in self._entries.items()
                 if k[1] == node and k[2] == samples_key]
        return found[-1] if found else None

    def compute(self, viewer: InspectionCopy, version: tuple, node: str, samples_key: tuple,
                x: np.ndarray) -> np.ndarray:
        maxima = channel_maxima(viewer, x, node)
        # Only the newest version is worth keeping, for every node.
        self._entries = {k: v for k, v in self._entries.items() if k[0] == version}
        self._entries[(version, node, samples_key)] = maxima
        return maxima
