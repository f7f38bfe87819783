"""Fully connected layer: y = x W + b, with W of shape (inputs, outputs)."""

from __future__ import annotations

from typing import Any

from nnstudio.engine.layers.base import Layer


class Dense(Layer):
    # W lives in memory as W^T, (outputs, inputs) as in PyTorch: OpenBLAS runs x W and the
    # gradient's dy^T x 1.5x faster on it (the course's batches of 10: 6 us instead of 9).
    transposed_in_memory = frozenset({"W"})

    def __init__(self, in_features: int, out_features: int, use_bias: bool = True) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.use_bias = use_bias
        self.params["W"] = self.xp.zeros((in_features, out_features), dtype="float32")
        if use_bias:
            self.params["b"] = self.xp.zeros((out_features,), dtype="float32")
        self.fans = {"W": (in_features, out_features)}

    def forward(self, x: Any) -> Any:
        self.x = x
        y = x @ self.params["W"]
        if self.use_bias:
            y += self.params["b"]
        return y

    def backward(self, dy: Any) -> Any:
        # dL/dW = x^T dL/dy ; dL/db = sum over the batch of dL/dy ; dL/dx = dL/dy W^T
        # Written in place: the gradients may be views into the network's flat buffer, dW
        # as its transpose dy^T x where W is kept transposed (see transposed_in_memory).
        self.xp.matmul(dy.T, self.x, out=self.grads["W"].T)
        if self.use_bias:
            dy.sum(axis=0, out=self.grads["b"])
        return dy @ self.params["W"].T if self.needs_input_grad else None
