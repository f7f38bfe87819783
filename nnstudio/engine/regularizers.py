"""Weight decay and gradient clipping, applied to gradients before an optimizer's update."""

from __future__ import annotations

import math
from typing import Any


def add_weight_decay(xp: Any, param: Any, grad: Any, l1: float, l2: float) -> Any:
    """Gradient of loss + l1 * sum|w| + l2/2 * sum w^2: adds l1 sign(w) + l2 w."""
    if l2:
        grad = grad + l2 * param
    if l1:
        grad = grad + l1 * xp.sign(param)
    return grad


def penalty(xp: Any, weights: list[Any], l1: float, l2: float) -> float:
    """The regularization term itself, to report the full objective."""
    total = 0.0
    for w in weights:
        if l1:
            total += l1 * float(xp.abs(w).sum())
        if l2:
            total += 0.5 * l2 * float((w * w).sum())
    return total


def clip_by_global_norm(xp: Any, grads: list[Any], max_norm: float) -> tuple[list[Any], float]:
    """Scale all gradients together so their joint L2 norm is at most max_norm."""
    norm = math.sqrt(sum(float((g * g).sum()) for g in grads))
    if max_norm and norm > max_norm:
        scale = max_norm / (norm + 1e-6)
        grads = [g * scale for g in grads]
    return grads, norm
