"""Inverted dropout: drop with probability p while training, scale survivors by 1/(1-p)."""

from __future__ import annotations

from typing import Any

from nnstudio.engine.layers.base import Layer


class Dropout(Layer):
    def __init__(self, rate: float = 0.5, seed: int | None = 0) -> None:
        super().__init__()
        if not 0 <= rate < 1:
            raise ValueError(f"dropout rate must be in [0, 1), got {rate}")
        self.rate = rate
        self.seed = seed
        self._rng = None

    def reseed(self, seed: int | None) -> None:
        self.seed = seed
        self._rng = None

    def forward(self, x: Any) -> Any:
        if not self.training or self.rate == 0:
            self.mask = None
            return x
        if self._rng is None:
            self._rng = self.device.rng(self.seed)
        keep = 1 - self.rate
        self.mask = (self._rng.random(x.shape, dtype=x.dtype) < keep) / x.dtype.type(keep)
        return x * self.mask

    def backward(self, dy: Any) -> Any:
        return dy if self.mask is None else dy * self.mask
