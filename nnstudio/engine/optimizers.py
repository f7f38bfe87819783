"""Optimizers: one loop over parameters in ``step``, one update rule per class in ``_update``.

Each rule is written as its paper's (and PyTorch's) equations, so trajectories match
``torch.optim`` step for step. Weight decay (L1/L2, on weights only, not biases) and
gradient clipping are applied to the gradients first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from nnstudio.engine.backend import array_module
from nnstudio.engine.regularizers import add_weight_decay, clip_by_global_norm


@dataclass
class Parameter:
    """One trainable array with its gradient; ``decay`` says whether weight decay applies,
    to the first ``decay_size`` elements only when that is given (a network's flat buffer:
    its weights first, then biases and the like)."""

    value: Any
    grad: Any
    decay: bool = True
    decay_size: int | None = None

    def decayed_grad(self, xp: Any, l1: float, l2: float) -> Any:
        """The gradient with weight decay added where it applies (a new array)."""
        if not self.decay:
            return self.grad
        if self.decay_size is None:
            return add_weight_decay(xp, self.value, self.grad, l1, l2)
        k = self.decay_size
        grad = self.grad.copy()
        grad[:k] = add_weight_decay(xp, self.value[:k], self.grad[:k], l1, l2)
        return grad


class Optimizer:
    name = "optimizer"

    def __init__(self, lr: float = 0.01, l1: float = 0.0, l2: float = 0.0,
                 clip_norm: float | None = None) -> None:
        self.lr = lr
        self.l1 = l1
        self.l2 = l2
        self.clip_norm = clip_norm
        self.t = 0
        self.slots: dict[int, dict[str, Any]] = {}
        self.last_grad_norm = 0.0

    def step(self, params: list[Parameter]) -> None:
        if not params:
            return
        xp = array_module(params[0].value)
        if self.l1 or self.l2:
            grads = [p.decayed_grad(xp, self.l1, self.l2) for p in params]
        else:
            grads = [p.grad for p in params]
        if self.clip_norm:
            grads, self.last_grad_norm = clip_by_global_norm(xp, grads, self.clip_norm)
        self.t += 1
        slots = self.slots
        for index, p in enumerate(params):
            slot = slots.get(index)
            if slot is None:
                slot = slots[index] = {}
            self._update(xp, p.value, grads[index], slot)

    def _update(self, xp: Any, w: Any, g: Any, slot: dict[str, Any]) -> None:
        raise NotImplementedError

    def state_arrays(self) -> dict[str, Any]:
        return {f"{i}/{k}": v for i, slot in self.slots.items() for k, v in slot.items()}


class SGD(Optimizer):
    """w -= lr * g; with momentum v = mu v + g; Nesterov looks ahead: g + mu v."""

    name = "sgd"

    def __init__(self, lr: float = 0.01, momentum: float = 0.0, nesterov: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(lr, **kwargs)
        self.momentum = momentum
        self.nesterov = nesterov

    def _update(self, xp, w, g, slot):
        if self.momentum:
            if "v" not in slot:
                slot["v"] = g.copy()
            else:
                slot["v"] *= self.momentum
                slot["v"] += g
            g = g + self.momentum * slot["v"] if self.nesterov else slot["v"]
        w -= self.lr * g


class Adagrad(Optimizer):
    """Per-weight rates that shrink with the sum of all past squared gradients."""

    name = "adagrad"

    def __init__(self, lr: float = 0.01, eps: float = 1e-10, **kwargs: Any) -> None:
        super().__init__(lr, **kwargs)
        self.eps = eps

    def _update(self, xp, w, g, slot):
        s = slot.setdefault("sum", xp.zeros_like(w))
        s += g * g
        w -= self.lr * g / (xp.sqrt(s) + self.eps)


class Adadelta(Optimizer):
    """Adagrad with decaying averages, and steps in the units of the weights (Zeiler 2012)."""

    name = "adadelta"

    def __init__(self, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 **kwargs: Any) -> None:
        super().__init__(lr, **kwargs)
        self.rho = rho
        self.eps = eps

    def _update(self, xp, w, g, slot):
        rho, eps = self.rho, self.eps
        sq = slot.setdefault("square_avg", xp.zeros_like(w))
        acc = slot.setdefault("acc_delta", xp.zeros_like(w))
        sq *= rho
        sq += (1 - rho) * g * g
        delta = xp.sqrt(acc + eps) / xp.sqrt(sq + eps) * g
        acc *= rho
        acc += (1 - rho) * delta * delta
        w -= self.lr * delta


class RMSprop(Optimizer):
    """Divide the step by a running average of squared gradients (Hinton's lecture 6e)."""

    name = "rmsprop"

    def __init__(self, lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8,
                 momentum: float = 0.0, **kwargs: Any) -> None:
        super().__init__(lr, **kwargs)
        self.alpha = alpha
        self.eps = eps
        self.momentum = momentum

    def _update(self, xp, w, g, slot):
        sq = slot.setdefault("square_avg", xp.zeros_like(w))
        sq *= self.alpha
        sq += (1 - self.alpha) * g * g
        step = g / (xp.sqrt(sq) + self.eps)
        if self.momentum:
            buf = slot.setdefault("momentum", xp.zeros_like(w))
            buf *= self.momentum
            buf += step
            step = buf
        w -= self.lr * step


class Adam(Optimizer):
    """Momentum (m) and RMSprop (v) together, both corrected for their zero start."""

    name = "adam"

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, **kwargs: Any) -> None:
        super().__init__(lr, **kwargs)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps

    def _moments(self, xp, w, g, slot):
        m = slot.setdefault("m", xp.zeros_like(w))
        v = slot.setdefault("v", xp.zeros_like(w))
        m *= self.beta1
        m += (1 - self.beta1) * g
        v *= self.beta2
        v += (1 - self.beta2) * g * g
        return m, v

    def _update(self, xp, w, g, slot):
        m, v = self._moments(xp, w, g, slot)
        m_hat_scale = 1 / (1 - self.beta1**self.t)
        denom = xp.sqrt(v) / math.sqrt(1 - self.beta2**self.t) + self.eps
        w -= self.lr * m_hat_scale * m / denom


class Nadam(Adam):
    """Adam with Nesterov momentum (Dozat 2016), with PyTorch's momentum-decay schedule."""

    name = "nadam"

    def __init__(self, lr: float = 0.002, momentum_decay: float = 4e-3, **kwargs: Any) -> None:
        super().__init__(lr, **kwargs)
        self.momentum_decay = momentum_decay

    def _update(self, xp, w, g, slot):
        t, b1 = self.t, self.beta1
        mu = b1 * (1 - 0.5 * 0.96 ** (t * self.momentum_decay))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * self.momentum_decay))
        mu_product = slot.get("mu_product", 1.0) * mu
        slot["mu_product"] = mu_product
        m, v = self._moments(xp, w, g, slot)
        denom = xp.sqrt(v / (1 - self.beta2**t)) + self.eps
        w -= self.lr * (1 - mu) / (1 - mu_product) * g / denom
        w -= self.lr * mu_next / (1 - mu_product * mu_next) * m / denom


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Adagrad, Adadelta, RMSprop, Adam, Nadam)
}


def make_optimizer(name: str, **settings: Any) -> Optimizer:
    key = name.lower()
    if key in ("momentum", "nesterov"):
        settings.setdefault("momentum", 0.9)
        settings["nesterov"] = key == "nesterov"
        key = "sgd"
    if key not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {name!r}: choose one of {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[key](**settings)


class Schedule:
    """Learning rate as a function of the epoch (0-based)."""

    def __init__(self, kind: str = "constant", step_size: int = 10, gamma: float = 0.5,
                 total_epochs: int = 10, min_lr: float = 0.0) -> None:
        if kind not in SCHEDULES:
            raise ValueError(f"Unknown schedule {kind!r}: choose one of {', '.join(SCHEDULES)}")
        self.kind, self.step_size, self.gamma = kind, step_size, gamma
        self.total_epochs, self.min_lr = total_epochs, min_lr

    def lr_at(self, base_lr: float, epoch: int) -> float:
        if self.kind == "step":
            return base_lr * self.gamma ** (epoch // max(self.step_size, 1))
        if self.kind == "exponential":
            return base_lr * self.gamma**epoch
        if self.kind == "cosine":
            progress = min(epoch, self.total_epochs) / max(self.total_epochs, 1)
            return self.min_lr + (base_lr - self.min_lr) * (1 + math.cos(math.pi * progress)) / 2
        return base_lr


SCHEDULES = ("constant", "step", "exponential", "cosine")
