"""Small 2-D and 1-D problems, as in TensorFlow Playground and the course's lessons.

Classification sets live in the square [-1, 1]^2 (the logic-gate truth tables use the
inputs 0 and 1, as the course writes them); regression sets take x in [-1, 1]. Every
generator has the signature ``make_<name>(n_samples, noise, seed, test_ratio)`` and returns
a ``Dataset``; the same seed always gives the same points. ``noise`` is the standard
deviation of Gaussian noise added to the inputs (to the targets for regression sets).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np

from nnstudio.data.dataset import Dataset
from nnstudio.data.errors import DatasetError

DEFAULT_SAMPLES = 500
DEFAULT_TEST_RATIO = 0.5  # Playground's default split: half to train, half to test
TRUTH_TABLE_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
BINARY_CLASSES = ["0", "1"]


def make_xor(
    n_samples: int | None = None,
    noise: float = 0.0,
    seed: int = 0,
    test_ratio: float = DEFAULT_TEST_RATIO,
) -> Dataset:
    """XOR: the 4-point truth table when ``n_samples`` is None or 4.

    Otherwise Playground's quadrant XOR: points uniform in [-1, 1]^2, kept a little away
    from the axes, class 1 where the two coordinates have opposite signs (the quadrants of
    the truth table's (0, 1) and (1, 0)).
    """
    if n_samples is None or n_samples == 4:
        return _truth_table("xor", np.array([0, 1, 1, 0]), "Exclusive or of two binary inputs.")
    rng = np.random.default_rng(seed)
    n = _check_size(n_samples, 2)
    padding = 0.05
    magnitude = rng.uniform(padding, 1.0, size=(n, 2))
    signs = rng.choice(np.array([-1.0, 1.0]), size=(n, 2))
    points = magnitude * signs
    labels = (points[:, 0] * points[:, 1] < 0).astype(np.int64)
    return _classification(
        "xor",
        points,
        labels,
        BINARY_CLASSES,
        noise,
        rng,
        test_ratio,
        "Quadrant XOR: class 1 where x and y have opposite signs.",
    )


def make_and(
    n_samples: int | None = None,
    noise: float = 0.0,
    seed: int = 0,
    test_ratio: float = DEFAULT_TEST_RATIO,
) -> Dataset:
    """AND truth table (4 points; the other arguments are accepted for a uniform signature)."""
    return _truth_table("and", np.array([0, 0, 0, 1]), "Logical and of two binary inputs.")


def make_or(
    n_samples: int | None = None,
    noise: float = 0.0,
    seed: int = 0,
    test_ratio: float = DEFAULT_TEST_RATIO,
) -> Dataset:
    """OR truth table (4 points; the other arguments are accepted for a uniform signature)."""
    return _truth_table("or", np.array([0, 1, 1, 1]), "Logical or of two binary inputs.")


def make_circles(
    n_samples: int = DEFAULT_SAMPLES,
    noise: float = 0.05,
    seed: int = 0,
    test_ratio: float = DEFAULT_TEST_RATIO,
) -> Dataset:
    """Playground's circle: a disc of radius 0.5 (class 1) inside a ring 0.7..1 (class 0)."""
    rng = np.random.default_rng(seed)
    n = _check_size(n_samples, 2)
    inner = n // 2
    radius = np.concatenate([rng.uniform(0.0, 0.5, inner), rng.uniform(0.7, 1.0, n - inner)])
    angle = rng.uniform(0.0, 2 * np.pi, n)
    points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    labels = np.concatenate([np.ones(inner, np.int64), np.zeros(n - inner, np.int64)])
    return _classification(
        "circles",
        points,
        labels,
        ["ring", "disc"],
        noise,
        rng,
        test_ratio,
        "A disc (class 1) inside a ring (class 0): no straight line separates them.",
    )


def make_spirals(
    n_samples: int = DEFAULT_SAMPLES,
    noise: float = 0.02,
    seed: int = 0,
    test_ratio: float = DEFAULT_TEST_RATIO,
) -> Dataset:
    """Two interleaved spirals, 1.75 turns each, as in Playground."""
    rng = np.random.default_rng(seed)
    n = _check_size(n_samples, 2)
    per_arm = [n // 2, n - n // 2]
    points, labels = [], []
    for label, count in enumerate(per_arm):
        fraction = np.arange(count) / count
        radius = 0.95 * fraction
        angle = 1.75 * 2 * np.pi * fraction + label * np.pi
        points.append(np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1))
        labels.append(np.full(count, label, np.int64))
    return _classification(
        "spirals",
        np.concatenate(points),
        np.concatenate(labels),
        ["spiral A", "spiral B"],
        noise,
        rng,
        test_ratio,
        "Two interleaved spirals: the hardest Playground set.",
    )


def make_blobs(
    n_samples: int = DEFAULT_SAMPLES,
    noise: float = 0.15,
    seed: int = 0,
    test_ratio: float = DEFAULT_TEST_RATIO,
    n_classes: int = 2,
) -> Dataset:
    """Gaussian blobs, one per class, centred evenly on a circle of radius 0.55.

    ``noise`` is the blobs' standard deviation; with 2 classes the centres sit on the
    diagonal, as Playground's Gaussian set.
    """
    if n_classes < 2:
        raise DatasetError(f"blobs: n_classes must be at least 2, not {n_classes}")
    rng = np.random.default_rng(seed)
    n = _check_size(n_samples, n_classes)
    labels = np.arange(n) % n_classes
    angle = np.pi / 4 + 2 * np.pi * np.arange(n_classes) / n_classes
    centres = 0.55 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    points = centres[labels]
    return _classification(
        "blobs",
        points,
        labels.astype(np.int64),
        [f"blob {i}" for i in range(n_classes)],
        noise,
        rng,
        test_ratio,
        f"{n_classes} Gaussian blobs: separable by straight lines.",
    )


def make_parabola(
    n_samples: int = DEFAULT_SAMPLES,
    noise: float = 0.0,
    seed: int = 0,
    test_ratio: float = DEFAULT_TEST_RATIO,
) -> Dataset:
    """Points above (class 1) or below (class 0) the parabola y = 2x^2 - 0.5 in [-1, 1]^2.

    The curve passes through (0, -0.5) and leaves the square at x = +-0.87, so a single
    neuron fails (no line separates the classes) while one hidden layer succeeds. Points
    are drawn uniformly and kept until both classes have half of ``n_samples``.
    """
    rng = np.random.default_rng(seed)
    n = _check_size(n_samples, 2)
    wanted = [n - n // 2, n // 2]
    kept: list[list[np.ndarray]] = [[], []]
    while any(sum(len(part) for part in kept[c]) < wanted[c] for c in (0, 1)):
        candidates = rng.uniform(-1.0, 1.0, size=(2 * n, 2))
        above = candidates[:, 1] > 2 * candidates[:, 0] ** 2 - 0.5
        kept[0].append(candidates[~above])
        kept[1].append(candidates[above])
    points = np.concatenate([np.concatenate(kept[c])[: wanted[c]] for c in (0, 1)])
    labels = np.repeat(np.array([0, 1], np.int64), wanted)
    return _classification(
        "parabola",
        points,
        labels,
        ["below", "above"],
        noise,
        rng,
        test_ratio,
        "Above or below the parabola y = 2x^2 - 0.5: needs a hidden layer.",
    )


def make_sine(
    n_samples: int = 200,
    noise: float = 0.0,
    seed: int = 0,
    test_ratio: float = DEFAULT_TEST_RATIO,
    frequency: float = 1.0,
) -> Dataset:
    """Regression of y = sin(pi * frequency * x) for x uniform in [-1, 1]."""
    return _regression(
        "sine",
        lambda x: np.sin(np.pi * frequency * x),
        n_samples,
        noise,
        seed,
        test_ratio,
        f"y = sin({frequency:g} pi x): a smooth curve for the universal-approximation lesson.",
    )


def make_step(
    n_samples: int = 200,
    noise: float = 0.0,
    seed: int = 0,
    test_ratio: float = DEFAULT_TEST_RATIO,
) -> Dataset:
    """Regression of the Heaviside step y = 1 if x >= 0 else 0, for x uniform in [-1, 1]."""
    return _regression(
        "step",
        lambda x: (x >= 0).astype(np.float64),
        n_samples,
        noise,
        seed,
        test_ratio,
        "The Heaviside step: the building block of the universal-approximation argument.",
    )


TOY_MAKERS: dict[str, Callable[..., Dataset]] = {
    "xor": make_xor,
    "and": make_and,
    "or": make_or,
    "circles": make_circles,
    "spirals": make_spirals,
    "blobs": make_blobs,
    "parabola": make_parabola,
    "sine": make_sine,
    "step": make_step,
}


def toy_defaults(name: str) -> dict[str, object]:
    """The options toy set ``name`` takes when given none: n_samples, noise, test_ratio.
    XOR's n_samples is None (its truth table); AND and OR are truth tables only."""
    parameters = inspect.signature(TOY_MAKERS[name]).parameters
    return {key: parameters[key].default for key in ("n_samples", "noise", "test_ratio")}


def is_truth_table_only(name: str) -> bool:
    """Whether toy set ``name`` is a truth table that ignores points, noise and split."""
    return name in ("and", "or")


def _truth_table(name: str, outputs: np.ndarray, description: str) -> Dataset:
    # Four points cannot be split; the test set is the table itself, which is what the
    # lesson asks: does the network reproduce the table?
    x = TRUTH_TABLE_INPUTS.copy()
    y = outputs.astype(np.int64)
    return Dataset(
        name,
        x,
        y,
        x.copy(),
        y.copy(),
        list(BINARY_CLASSES),
        "classification",
        f"{description} The 4-row truth table (train and test are the same).",
    )


def _classification(
    name: str,
    points: np.ndarray,
    labels: np.ndarray,
    classes: list[str],
    noise: float,
    rng: np.random.Generator,
    test_ratio: float,
    description: str,
) -> Dataset:
    points = points + _check_noise(noise) * rng.standard_normal(points.shape)
    train, test = _stratified_split(labels, test_ratio, rng)
    x = points.astype(np.float32)
    return Dataset(
        name, x[train], labels[train], x[test], labels[test], classes, "classification", description
    )


def _regression(
    name: str,
    function: Callable[[np.ndarray], np.ndarray],
    n_samples: int,
    noise: float,
    seed: int,
    test_ratio: float,
    description: str,
) -> Dataset:
    rng = np.random.default_rng(seed)
    n = _check_size(n_samples, 2)
    x = rng.uniform(-1.0, 1.0, size=(n, 1))
    y = function(x) + _check_noise(noise) * rng.standard_normal(x.shape)
    order = rng.permutation(n)
    n_test = _test_count(n, test_ratio)
    test, train = order[:n_test], order[n_test:]
    x, y = x.astype(np.float32), y.astype(np.float32)
    return Dataset(name, x[train], y[train], x[test], y[test], [], "regression", description)


def _stratified_split(
    labels: np.ndarray, test_ratio: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled train and test indices with each class split in the same ratio."""
    train, test = [], []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        n_test = _test_count(len(members), test_ratio)
        test.append(members[:n_test])
        train.append(members[n_test:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def _test_count(n: int, test_ratio: float) -> int:
    if not 0.0 < test_ratio < 1.0:
        raise DatasetError(f"test_ratio must be between 0 and 1 (exclusive), not {test_ratio}")
    # At least one sample on each side, so neither split is empty.
    return min(max(round(n * test_ratio), 1), n - 1)


def _check_size(n_samples: int, minimum: int) -> int:
    if int(n_samples) != n_samples or n_samples < 2 * minimum:
        raise DatasetError(
            f"n_samples must be a whole number of at least {2 * minimum}, not {n_samples}"
        )
    return int(n_samples)


def _check_noise(noise: float) -> float:
    if not noise >= 0.0:
        raise DatasetError(f"noise must be zero or positive, not {noise}")
    return float(noise)
