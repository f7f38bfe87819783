"""Layers that join branches: Add (residual connections) and Concat (along features/channels)."""

from __future__ import annotations

from typing import Any

from nnstudio.engine.layers.base import Layer


class Add(Layer):
    n_inputs = None

    def forward(self, *inputs: Any) -> Any:
        self.count = len(inputs)
        total = inputs[0].copy()
        for x in inputs[1:]:
            total += x
        return total

    def backward(self, dy: Any) -> tuple[Any, ...]:
        return (dy,) * self.count


class Concat(Layer):
    """Joins inputs along axis 1: features of dense inputs, channels of images."""

    n_inputs = None

    def forward(self, *inputs: Any) -> Any:
        self.sizes = [x.shape[1] for x in inputs]
        return self.xp.concatenate(inputs, axis=1)

    def backward(self, dy: Any) -> tuple[Any, ...]:
        bounds = [0]
        for size in self.sizes:
            bounds.append(bounds[-1] + size)
        return tuple(dy[:, a:b] for a, b in zip(bounds, bounds[1:], strict=False))
