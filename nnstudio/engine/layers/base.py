"""What every layer shares: parameters, their gradients, train/eval mode and the device."""

from __future__ import annotations

from typing import Any

import numpy

from nnstudio.engine.backend import CPU, Device


class Layer:
    """A differentiable function with optional parameters.

    ``forward`` keeps what ``backward`` needs; ``backward(dy)`` takes dL/dy, fills ``grads``
    (same keys as ``params``) and returns dL/dx. Layers with several inputs (``n_inputs`` is
    None) take them as separate arguments and return a tuple of input gradients.
    """

    n_inputs: int | None = 1
    # 2-D parameters the network keeps transposed in memory (its flat buffer holds W^T in
    # C order; the layer still sees W): for a layer whose products run faster that way.
    transposed_in_memory: frozenset[str] = frozenset()

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self.grads: dict[str, Any] = {}
        self.state: dict[str, Any] = {}  # non-trained buffers, e.g. BatchNorm's running stats
        self.training = True
        self.device: Device = CPU
        # The first layers of a network need no gradient for the data; skipping it is free speed.
        self.needs_input_grad = True
        self.trainable = True

    @property
    def xp(self) -> Any:
        return self.device.xp

    def to(self, device: Device, dtype: Any = numpy.float32) -> Layer:
        """Move parameters and state to ``device`` as ``dtype``."""
        self.device = device
        self.params = {k: device.send(v, dtype) for k, v in self.params.items()}
        self.state = {k: device.send(v, dtype) for k, v in self.state.items()}
        self.grads = {k: self.xp.zeros_like(v) for k, v in self.params.items()}
        return self

    def forward(self, *inputs: Any) -> Any:
        raise NotImplementedError

    def backward(self, dy: Any) -> Any:
        raise NotImplementedError

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}={tuple(v.shape)}" for k, v in self.params.items())
        return f"{type(self).__name__}({shapes})"
