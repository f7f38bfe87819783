"""Batch normalization for dense (N, F) and convolutional (N, C, H, W) inputs."""

from __future__ import annotations

from typing import Any

from nnstudio.engine.layers.base import Layer


class BatchNorm(Layer):
    """y = gamma * (x - mean) / sqrt(var + eps) + beta, per feature or channel.

    Training normalizes with the batch's statistics and updates running averages
    (PyTorch's convention: momentum 0.1, unbiased running variance); eval uses the averages.
    """

    def __init__(self, num_features: int, momentum: float = 0.1, eps: float = 1e-5) -> None:
        super().__init__()
        xp = self.xp
        self.momentum = momentum
        self.eps = eps
        self.params["gamma"] = xp.ones((num_features,), dtype="float32")
        self.params["beta"] = xp.zeros((num_features,), dtype="float32")
        self.state["running_mean"] = xp.zeros((num_features,), dtype="float32")
        self.state["running_var"] = xp.ones((num_features,), dtype="float32")

    def _axes_and_shape(self, x: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
        if x.ndim == 2:
            return (0,), (1, -1)
        return (0, *range(2, x.ndim)), (1, -1) + (1,) * (x.ndim - 2)

    def forward(self, x: Any) -> Any:
        xp = self.xp
        axes, shape = self._axes_and_shape(x)
        self.axes, self.bshape = axes, shape
        if self.training:
            mean = x.mean(axis=axes)
            var = x.var(axis=axes)
            count = x.size // mean.size
            m = self.momentum
            rm, rv = self.state["running_mean"], self.state["running_var"]
            rm *= 1 - m
            rm += m * mean
            rv *= 1 - m
            rv += m * var * count / max(count - 1, 1)
        else:
            mean, var = self.state["running_mean"], self.state["running_var"]
        self.inv_std = 1 / xp.sqrt(var + self.eps)
        self.x_hat = (x - mean.reshape(shape)) * self.inv_std.reshape(shape)
        return self.params["gamma"].reshape(shape) * self.x_hat + self.params["beta"].reshape(shape)

    def backward(self, dy: Any) -> Any:
        axes, shape = self.axes, self.bshape
        x_hat = self.x_hat
        (dy * x_hat).sum(axis=axes, out=self.grads["gamma"])
        dy.sum(axis=axes, out=self.grads["beta"])
        g = (self.params["gamma"] * self.inv_std).reshape(shape)
        if not self.training:
            return dy * g
        # d/dx of the normalization, with the batch mean and variance depending on x too.
        dy_mean = dy.mean(axis=axes, keepdims=True)
        dyx_mean = (dy * x_hat).mean(axis=axes, keepdims=True)
        return g * (dy - dy_mean - x_hat * dyx_mean)
