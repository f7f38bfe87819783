"""Shape-only layers: Flatten keeps the batch axis and joins the rest; Reshape sets it."""

from __future__ import annotations

from typing import Any

from nnstudio.engine.layers.base import Layer


class Flatten(Layer):
    def forward(self, x: Any) -> Any:
        self.x_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dy: Any) -> Any:
        return dy.reshape(self.x_shape)


class Reshape(Layer):
    def __init__(self, shape: tuple[int, ...]) -> None:
        super().__init__()
        self.shape = tuple(shape)

    def forward(self, x: Any) -> Any:
        self.x_shape = x.shape
        return x.reshape(x.shape[0], *self.shape)

    def backward(self, dy: Any) -> Any:
        return dy.reshape(self.x_shape)
