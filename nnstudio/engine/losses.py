"""Loss functions. ``forward(output, target)`` returns the mean loss of the batch;
``backward()`` returns dL/d(output).

Targets may be class indices (N,) or arrays shaped like the output (one-hot, probabilities
or regression values); ``target_matrix`` turns indices into one-hot rows where a loss needs it.
"""

from __future__ import annotations

from typing import Any

import numpy

from nnstudio.engine.backend import array_module

LOG_FLOOR = -100.0  # PyTorch clamps log(p) here so p = 0 costs a lot but stays finite


def target_matrix(output: Any, target: Any) -> Any:
    """Targets as an array shaped like ``output``: class indices become one-hot rows."""
    xp = array_module(output)
    if target.ndim == 1 and output.ndim == 2 and output.shape[1] > 1:
        return _identity(xp, output.shape[1], output.dtype)[target]
    return target.reshape(output.shape).astype(output.dtype, copy=False)


_IDENTITIES: dict[tuple[Any, int, Any], Any] = {}


def _identity(xp: Any, size: int, dtype: Any) -> Any:
    """Rows of the identity matrix are one-hot vectors; indexing it is one operation."""
    key = (xp.__name__, size, dtype)
    if key not in _IDENTITIES:
        _IDENTITIES[key] = xp.eye(size, dtype=dtype)
    return _IDENTITIES[key]


def safe_log(xp: Any, p: Any) -> Any:
    """log(p) floored at -100, as PyTorch does: log(0) costs 100, not infinity."""
    with numpy.errstate(divide="ignore"):
        return xp.maximum(xp.log(p), LOG_FLOOR)


class Loss:
    name = "loss"
    # True when the loss wants the scores before a final softmax (fused, stable softmax).
    takes_logits = False

    def forward(self, output: Any, target: Any) -> Any:
        raise NotImplementedError

    def backward(self) -> Any:
        raise NotImplementedError

    def __call__(self, output: Any, target: Any) -> Any:
        return self.forward(output, target)


class MSE(Loss):
    """The course's quadratic cost: C = 1/n sum_x 1/2 ||y(x) - a||^2."""

    name = "mse"

    def forward(self, output: Any, target: Any) -> Any:
        self.diff = output - target_matrix(output, target)
        # ||d||^2 as one dot product: two NumPy calls fewer on the course's batches of 10.
        return array_module(output).vdot(self.diff, self.diff) * (0.5 / len(output))

    def backward(self) -> Any:
        return self.diff / len(self.diff)


class CrossEntropy(Loss):
    """-sum t log softmax(z), with log-softmax computed as z - logsumexp(z) (never overflows).

    Given a network that ends in Softmax, the network hands over the scores before it, so the
    gradient is the famous softmax(z) - t without the softmax Jacobian.
    """

    name = "cross_entropy"
    takes_logits = True

    def forward(self, logits: Any, target: Any) -> Any:
        xp = array_module(logits)
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_sum = xp.log(xp.exp(shifted).sum(axis=1, keepdims=True))
        log_probs = shifted - log_sum
        self.probs = xp.exp(log_probs)
        self.t = target_matrix(logits, target)
        return -(self.t * log_probs).sum() / len(logits)

    def backward(self) -> Any:
        return (self.probs - self.t) / len(self.t)


class NLL(Loss):
    """Negative log-likelihood of the true class, on probabilities: -1/n sum log p_y."""

    name = "nll"

    def forward(self, probs: Any, target: Any) -> Any:
        xp = array_module(probs)
        self.probs = probs
        self.t = target_matrix(probs, target)
        return -(self.t * safe_log(xp, probs)).sum() / len(probs)

    def backward(self) -> Any:
        xp = array_module(self.probs)
        p = self.probs
        clamped = safe_log(xp, p) <= LOG_FLOOR
        return xp.where(clamped, 0, -self.t / xp.maximum(p, xp.finfo(p.dtype).tiny)) / len(p)


class BinaryCrossEntropy(Loss):
    """-mean over all outputs of t log p + (1 - t) log(1 - p), on probabilities."""

    name = "binary_cross_entropy"

    def forward(self, probs: Any, target: Any) -> Any:
        xp = array_module(probs)
        t = target.reshape(probs.shape).astype(probs.dtype)
        self.probs, self.t = probs, t
        loss = t * safe_log(xp, probs) + (1 - t) * safe_log(xp, 1 - probs)
        return -loss.mean()

    def backward(self) -> Any:
        xp = array_module(self.probs)
        p, t = self.probs, self.t
        eps = 1e-12  # PyTorch's: the gradient stays exact until p(1-p) is truly tiny
        return (p - t) / xp.maximum(p * (1 - p), eps) / p.size


class KLDivergence(Loss):
    """KL(t || p) = 1/n sum t (log t - log p): how far predictions p are from targets t."""

    name = "kl_divergence"

    def forward(self, probs: Any, target: Any) -> Any:
        xp = array_module(probs)
        t = target_matrix(probs, target)
        self.probs, self.t = probs, t
        t_log_t = xp.where(t > 0, t * safe_log(xp, t), 0)
        return (t_log_t - t * safe_log(xp, probs)).sum() / len(probs)

    def backward(self) -> Any:
        xp = array_module(self.probs)
        p = self.probs
        return -self.t / xp.maximum(p, xp.finfo(p.dtype).tiny) / len(p)


class MultiClassHinge(Loss):
    """1/n sum_x 1/C sum_{i != y} max(0, margin - s_y + s_i) (PyTorch's MultiMarginLoss)."""

    name = "hinge"

    def __init__(self, margin: float = 1.0) -> None:
        self.margin = margin

    def forward(self, scores: Any, target: Any) -> Any:
        xp = array_module(scores)
        labels = target if target.ndim == 1 else target.argmax(axis=1)
        labels = labels.astype(xp.int64)
        rows = xp.arange(len(scores))
        true_score = scores[rows, labels][:, None]
        margins = self.margin - true_score + scores
        margins[rows, labels] = 0
        self.active = (margins > 0).astype(scores.dtype)
        self.rows, self.labels, self.shape = rows, labels, scores.shape
        return (margins * self.active).sum() / scores.size

    def backward(self) -> Any:
        grad = self.active.copy()
        grad[self.rows, self.labels] = -self.active.sum(axis=1)
        return grad / (self.shape[0] * self.shape[1])


LOSSES: dict[str, type[Loss]] = {
    cls.name: cls
    for cls in (MSE, CrossEntropy, NLL, BinaryCrossEntropy, KLDivergence, MultiClassHinge)
}


def make_loss(name: str) -> Loss:
    key = name.lower().replace("-", "_")
    aliases = {"quadratic": "mse", "ce": "cross_entropy", "bce": "binary_cross_entropy",
               "kl": "kl_divergence", "multi_margin": "hinge"}
    key = aliases.get(key, key)
    if key not in LOSSES:
        raise ValueError(f"Unknown loss {name!r}: choose one of {', '.join(LOSSES)}")
    return LOSSES[key]()
