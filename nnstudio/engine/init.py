"""Weight initializers, all drawn from a seeded generator.

fan_in / fan_out are the numbers of inputs and outputs one weight connects (for a conv
kernel, channels x kernel area). Glorot/Xavier keeps the variance of sigmoid and tanh layers
steady; He doubles it for ReLU, which silences half its inputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

InitFn = Callable[..., Any]


def zeros(shape, fan_in, fan_out, rng, xp, dtype, value=0.0):  # noqa: ARG001
    return xp.zeros(shape, dtype=dtype)


def constant(shape, fan_in, fan_out, rng, xp, dtype, value=0.0):  # noqa: ARG001
    return xp.full(shape, value, dtype=dtype)


def normal(shape, fan_in, fan_out, rng, xp, dtype, value=1.0):  # noqa: ARG001
    """N(0, value^2); value = 1 is the course's 'large weight' start."""
    return (rng.standard_normal(shape) * value).astype(dtype)


def uniform(shape, fan_in, fan_out, rng, xp, dtype, value=0.05):  # noqa: ARG001
    return rng.uniform(-value, value, shape).astype(dtype)


def xavier_normal(shape, fan_in, fan_out, rng, xp, dtype, value=1.0):  # noqa: ARG001
    return normal(shape, fan_in, fan_out, rng, xp, dtype, math.sqrt(2.0 / (fan_in + fan_out)))


def xavier_uniform(shape, fan_in, fan_out, rng, xp, dtype, value=1.0):  # noqa: ARG001
    return uniform(shape, fan_in, fan_out, rng, xp, dtype, math.sqrt(6.0 / (fan_in + fan_out)))


def he_normal(shape, fan_in, fan_out, rng, xp, dtype, value=1.0):  # noqa: ARG001
    return normal(shape, fan_in, fan_out, rng, xp, dtype, math.sqrt(2.0 / fan_in))


def he_uniform(shape, fan_in, fan_out, rng, xp, dtype, value=1.0):  # noqa: ARG001
    return uniform(shape, fan_in, fan_out, rng, xp, dtype, math.sqrt(6.0 / fan_in))


INITIALIZERS: dict[str, InitFn] = {
    "zeros": zeros,
    "constant": constant,
    "normal": normal,
    "uniform": uniform,
    "xavier_normal": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
}
ALIASES = {"glorot_normal": "xavier_normal", "glorot_uniform": "xavier_uniform",
           "kaiming_normal": "he_normal", "kaiming_uniform": "he_uniform"}


def get_initializer(name: str) -> InitFn:
    key = ALIASES.get(name.lower(), name.lower())
    if key not in INITIALIZERS:
        raise ValueError(f"Unknown initializer {name!r}: choose one of {', '.join(INITIALIZERS)}")
    return INITIALIZERS[key]
