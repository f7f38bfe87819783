"""Activation functions, each forward beside its derivative."""

from __future__ import annotations

from typing import Any

from nnstudio.engine.layers.base import Layer


class Activation(Layer):
    """Elementwise f(x); subclasses give ``f`` and ``df`` (in terms of x and y = f(x))."""

    def forward(self, x: Any) -> Any:
        self.x = x
        self.y = self.f(x)
        return self.y

    def backward(self, dy: Any) -> Any:
        return dy * self.df(self.x, self.y)

    def f(self, x: Any) -> Any:
        raise NotImplementedError

    def df(self, x: Any, y: Any) -> Any:
        raise NotImplementedError


class Identity(Activation):
    def forward(self, x: Any) -> Any:
        return x

    def backward(self, dy: Any) -> Any:
        return dy


class Heaviside(Activation):
    """The perceptron's step: 1 where x >= 0, else 0. Its derivative is 0 almost everywhere."""

    def f(self, x: Any) -> Any:
        return (x >= 0).astype(x.dtype)

    def df(self, x: Any, y: Any) -> Any:
        return self.xp.zeros_like(x)


class Sigmoid(Activation):
    def f(self, x: Any) -> Any:
        # s(x) = (1 + tanh(x/2)) / 2 is the same function and never overflows, in four
        # in-place operations (this runs on every batch of the course's network).
        y = x * x.dtype.type(0.5)
        self.xp.tanh(y, out=y)
        y *= y.dtype.type(0.5)
        y += y.dtype.type(0.5)
        return y

    def df(self, x: Any, y: Any) -> Any:
        return y * (1 - y)

    def backward(self, dy: Any) -> Any:
        # dy * y (1 - y), in place in one new array (the course's network runs it twice
        # a batch, on batches of 10).
        grad = 1 - self.y
        grad *= self.y
        grad *= dy
        return grad


class Tanh(Activation):
    def f(self, x: Any) -> Any:
        return self.xp.tanh(x)

    def df(self, x: Any, y: Any) -> Any:
        return 1 - y * y


class ReLU(Activation):
    # Set by the network when the only consumer, a max-pool, applies this ReLU for it (see
    # MaxPool2D.applies_relu): x then passes through both ways.
    applied_by_consumer = False

    def forward(self, x: Any) -> Any:
        if self.applied_by_consumer:
            return x
        self.y = self.xp.maximum(x, x.dtype.type(0))
        return self.y

    def backward(self, dy: Any) -> Any:
        if self.applied_by_consumer:
            return dy
        return dy * (self.y > 0)


class LeakyReLU(Activation):
    def __init__(self, alpha: float = 0.01) -> None:
        super().__init__()
        self.alpha = alpha

    def f(self, x: Any) -> Any:
        return self.xp.where(x > 0, x, self.alpha * x)

    def df(self, x: Any, y: Any) -> Any:
        return self.xp.where(x > 0, 1.0, self.alpha).astype(x.dtype)


class ELU(Activation):
    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = alpha

    def f(self, x: Any) -> Any:
        xp = self.xp
        return xp.where(x > 0, x, self.alpha * xp.expm1(xp.minimum(x, 0)))

    def df(self, x: Any, y: Any) -> Any:
        return self.xp.where(x > 0, 1.0, y + self.alpha).astype(x.dtype)


class SELU(Activation):
    """Self-normalizing ELU (Klambauer et al. 2017) with its fixed constants."""

    alpha = 1.6732632423543772
    scale = 1.0507009873554805

    def f(self, x: Any) -> Any:
        xp = self.xp
        return self.scale * xp.where(x > 0, x, self.alpha * xp.expm1(xp.minimum(x, 0)))

    def df(self, x: Any, y: Any) -> Any:
        return self.xp.where(x > 0, self.scale, y + self.scale * self.alpha).astype(x.dtype)


class Softmax(Activation):
    """softmax over the feature axis (axis 1), shifted by the maximum for stability."""

    def f(self, x: Any) -> Any:
        xp = self.xp
        e = xp.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def backward(self, dy: Any) -> Any:
        # Jacobian-vector product of softmax: dx_i = y_i (dy_i - sum_j dy_j y_j)
        y = self.y
        return y * (dy - (dy * y).sum(axis=1, keepdims=True))

