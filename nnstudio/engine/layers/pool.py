"""Max and average pooling over kernel x kernel windows (NCHW), remainder rows dropped."""

from __future__ import annotations

from typing import Any

from nnstudio.engine.layers.base import Layer
from nnstudio.engine.layers.conv import window_view


class _Pool2D(Layer):
    def __init__(self, kernel_size: int, stride: int | None = None) -> None:
        super().__init__()
        self.k = kernel_size
        self.s = stride or kernel_size

    def windows(self, x: Any) -> Any:
        """(N, C, OH, OW, K*K) copy of the windows; reshape-only when they tile the input."""
        k, s = self.k, self.s
        n, c, h, w = x.shape
        oh, ow = (h - k) // s + 1, (w - k) // s + 1
        if s == k:
            tiles = x[:, :, : oh * k, : ow * k].reshape(n, c, oh, k, ow, k)
            return tiles.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, oh, ow, k * k)
        return window_view(self.xp, x, k, k, s).reshape(n, c, oh, ow, k * k)

    def scatter(self, dwin: Any) -> Any:
        """Add window gradients (N, C, OH, OW, K*K) back onto the input's pixels."""
        xp, k, s = self.xp, self.k, self.s
        n, c, oh, ow, _ = dwin.shape
        if s == k:
            dx = xp.zeros(self.x_shape, dtype=dwin.dtype)
            tiles = dwin.reshape(n, c, oh, ow, k, k).transpose(0, 1, 2, 4, 3, 5)
            dx[:, :, : oh * k, : ow * k] = tiles.reshape(n, c, oh * k, ow * k)
            return dx
        dx = xp.zeros(self.x_shape, dtype=dwin.dtype)
        for i in range(k):
            for j in range(k):
                dx[:, :, i : i + s * oh : s, j : j + s * ow : s] += dwin[..., i * k + j]
        return dx


class MaxPool2D(_Pool2D):
    def forward(self, x: Any) -> Any:
        self.x_shape = x.shape
        win = self.windows(x)
        # The first maximum wins ties, as in PyTorch, so each window passes one gradient.
        self.argmax = win.argmax(axis=-1)[..., None]
        return win.max(axis=-1)

    def backward(self, dy: Any) -> Any:
        winner = self.xp.arange(self.k * self.k) == self.argmax
        return self.scatter(winner * dy[..., None])


class AvgPool2D(_Pool2D):
    def forward(self, x: Any) -> Any:
        self.x_shape = x.shape
        return self.windows(x).mean(axis=-1)

    def backward(self, dy: Any) -> Any:
        kk = self.k * self.k
        dwin = self.xp.broadcast_to((dy / kk)[..., None], (*dy.shape, kk))
        return self.scatter(dwin)
