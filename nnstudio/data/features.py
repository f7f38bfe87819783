"""Input features of the 2-D toy sets, as TensorFlow Playground offers them: the network can
be given x^2, y^2, xy, sin x and sin y of each point besides (or instead of) x and y.

A choice of features is written as text, the names joined by commas ("x, y, x^2"); empty
means the plain x and y. ``expand`` turns (N, 2) points into (N, k) network inputs."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnstudio.data.errors import DatasetError

FEATURES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x": lambda x, y: x,
    "y": lambda x, y: y,
    "x^2": lambda x, y: x * x,
    "y^2": lambda x, y: y * y,
    "xy": lambda x, y: x * y,
    "sin x": lambda x, y: np.sin(x),
    "sin y": lambda x, y: np.sin(y),
}
PLAIN = ("x", "y")


def parse_features(text: str) -> tuple[str, ...]:
    """The feature names of ``text`` in FEATURES' order; the plain x, y when empty."""
    names = {" ".join(part.split()).lower() for part in text.split(",") if part.strip()}
    unknown = sorted(names - set(FEATURES))
    if unknown:
        raise DatasetError(f"unknown input feature {', '.join(map(repr, unknown))}; the "
                           f"features are {', '.join(FEATURES)}")
    return tuple(name for name in FEATURES if name in names) or PLAIN


def features_text(names: tuple[str, ...]) -> str:
    """``names`` as the settings write them ("" for the plain x, y)."""
    ordered = tuple(name for name in FEATURES if name in names)
    return "" if ordered == PLAIN else ", ".join(ordered)


def expand(points: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """(N, 2) points as (N, len(names)) float32 network inputs."""
    points = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    x, y = points[:, 0], points[:, 1]
    return np.stack([FEATURES[name](x, y) for name in names], axis=1).astype(np.float32)
