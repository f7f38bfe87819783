"""2-D convolution (cross-correlation, as in every framework) through im2col and one GEMM.

Inputs and outputs are NCHW. The window view costs nothing; the single copy into the
column matrix is what lets one matrix product do the work of every sample and pixel.
"""

from __future__ import annotations

from typing import Any

from nnstudio.engine.layers.base import Layer


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow's 'same': output = ceil(size / stride); any odd pixel of padding goes last."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def window_view(xp: Any, x: Any, kh: int, kw: int, stride: int) -> Any:
    """A (N, C, OH, OW, KH, KW) view of every kernel-sized window of x, without copying."""
    n, c, h, w = x.shape
    oh = (h - kh) // stride + 1
    ow = (w - kw) // stride + 1
    sn, sc, sh, sw = x.strides
    return xp.lib.stride_tricks.as_strided(
        x, shape=(n, c, oh, ow, kh, kw), strides=(sn, sc, sh * stride, sw * stride, sh, sw)
    )


class Conv2D(Layer):
    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int = 1,
        padding: str | int = "valid",
        use_bias: bool = True,
    ) -> None:
        super().__init__()
        kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
        self.kernel = (kh, kw)
        self.stride = stride
        self.padding = padding
        self.use_bias = use_bias
        self.params["W"] = self.xp.zeros((out_channels, in_channels, kh, kw), dtype="float32")
        if use_bias:
            self.params["b"] = self.xp.zeros((out_channels,), dtype="float32")
        self.fans = {"W": (in_channels * kh * kw, out_channels * kh * kw)}

    def pads(self, h: int, w: int) -> tuple[int, int, int, int]:
        """(top, bottom, left, right) padding for an h x w input."""
        kh, kw = self.kernel
        if self.padding == "valid":
            return 0, 0, 0, 0
        if self.padding == "same":
            return (*same_padding(h, kh, self.stride), *same_padding(w, kw, self.stride))
        p = int(self.padding)
        return p, p, p, p

    def forward(self, x: Any) -> Any:
        xp = self.xp
        n, c, h, w = x.shape
        top, bottom, left, right = self.pads(h, w)
        if top or bottom or left or right:
            x = xp.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
        kh, kw = self.kernel
        W = self.params["W"]
        f = W.shape[0]
        windows = window_view(xp, x, kh, kw, self.stride)
        _, _, oh, ow, _, _ = windows.shape
        # Rows: one per output pixel of every sample; columns: the C*KH*KW inputs it sees.
        cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * kh * kw)
        y = cols @ W.reshape(f, -1).T
        if self.use_bias:
            y += self.params["b"]
        self.cols = cols
        self.padded_shape = x.shape
        self.input_hw = (h, w)
        return y.reshape(n, oh, ow, f).transpose(0, 3, 1, 2)

    def backward(self, dy: Any) -> Any:
        xp = self.xp
        W = self.params["W"]
        f, c, kh, kw = W.shape
        n, _, oh, ow = dy.shape
        dy_rows = dy.transpose(0, 2, 3, 1).reshape(n * oh * ow, f)
        self.grads["W"] = (dy_rows.T @ self.cols).reshape(W.shape)
        if self.use_bias:
            self.grads["b"] = dy_rows.sum(axis=0)
        if not self.needs_input_grad:
            return None
        # Each column entry came from one input pixel: add it back there (col2im), one
        # kernel offset at a time - KH*KW strided additions, no loop over samples or pixels.
        dcols = (dy_rows @ W.reshape(f, -1)).reshape(n, oh, ow, c, kh, kw)
        dcols = dcols.transpose(4, 5, 0, 3, 1, 2)
        dx = xp.zeros(self.padded_shape, dtype=dy.dtype)
        s = self.stride
        for i in range(kh):
            for j in range(kw):
                dx[:, :, i : i + s * oh : s, j : j + s * ow : s] += dcols[i, j]
        h, w = self.input_hw
        top, _, left, _ = self.pads(h, w)
        return dx[:, :, top : top + h, left : left + w]
