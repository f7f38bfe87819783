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
        self.input_hw = (h, w)
        self.padded_shape = x.shape
        kh, kw = self.kernel
        s = self.stride
        W = self.params["W"]
        f = W.shape[0]
        hp, wp = x.shape[2:]
        oh = (hp - kh) // s + 1
        ow = (wp - kw) // s + 1
        self.out_hw = (oh, ow)
        channels_first = x.transpose(1, 0, 2, 3)
        # im2col: row (c, i, j) of the column matrix holds the input pixel under kernel
        # offset (i, j) for every output pixel of every sample; one GEMM then does the rest.
        if s == 1:
            # Stride 1: each row is the flattened image shifted by i*W + j. Columns are made
            # for the full input width (the extra ones straddle two rows and are dropped), so
            # every copy moves long contiguous runs instead of OW-wide fragments.
            flat = xp.zeros((c, n, hp * wp + kw - 1), dtype=x.dtype)
            flat[:, :, : hp * wp] = channels_first.reshape(c, n, hp * wp)
            cols = xp.empty((c, kh, kw, n, oh * wp), dtype=x.dtype)
            for i in range(kh):
                for j in range(kw):
                    shift = i * wp + j
                    cols[:, i, j] = flat[:, :, shift : shift + oh * wp]
            row_width = wp
        else:
            cols = xp.empty((c, kh, kw, n, oh, ow), dtype=x.dtype)
            for i in range(kh):
                for j in range(kw):
                    cols[:, i, j] = channels_first[:, :, i : i + s * oh : s, j : j + s * ow : s]
            row_width = ow
        self.row_width = row_width
        self.cols = cols.reshape(c * kh * kw, n * oh * row_width)
        y = W.reshape(f, -1) @ self.cols
        if self.use_bias:
            y += self.params["b"][:, None]
        y = y.reshape(f, n, oh, row_width)[:, :, :, :ow]
        return y.transpose(1, 0, 2, 3)

    def backward(self, dy: Any) -> Any:
        xp = self.xp
        W = self.params["W"]
        f, c, kh, kw = W.shape
        n = dy.shape[0]
        oh, ow = self.out_hw
        width = self.row_width
        if width == ow:
            dy_rows = dy.transpose(1, 0, 2, 3).reshape(f, n * oh * ow)
        else:  # zeros under the columns that straddle two image rows
            padded = xp.zeros((f, n, oh, width), dtype=dy.dtype)
            padded[:, :, :, :ow] = dy.transpose(1, 0, 2, 3)
            dy_rows = padded.reshape(f, n * oh * width)
        # Gradients are written in place: they may be views into the network's flat buffer.
        xp.matmul(dy_rows, self.cols.T, out=self.grads["W"].reshape(f, -1))
        if self.use_bias:
            dy_rows.sum(axis=1, out=self.grads["b"])
        self.cols = None
        if not self.needs_input_grad:
            return None
        # col2im: each column entry came from one input pixel; add it back there, one
        # kernel offset at a time (KH*KW additions, no loop over samples or pixels).
        dcols = (W.reshape(f, -1).T @ dy_rows).reshape(c, kh, kw, n, -1)
        _, _, hp, wp = self.padded_shape
        s = self.stride
        if s == 1:
            flat = xp.zeros((c, n, hp * wp + kw - 1), dtype=dy.dtype)
            for i in range(kh):
                for j in range(kw):
                    shift = i * wp + j
                    flat[:, :, shift : shift + oh * wp] += dcols[:, i, j]
            dx = flat[:, :, : hp * wp].reshape(c, n, hp, wp)
        else:
            dcols = dcols.reshape(c, kh, kw, n, oh, ow)
            dx = xp.zeros((c, n, hp, wp), dtype=dy.dtype)
            for i in range(kh):
                for j in range(kw):
                    dx[:, :, i : i + s * oh : s, j : j + s * ow : s] += dcols[:, i, j]
        h, w = self.input_hw
        top, _, left, _ = self.pads(h, w)
        return dx[:, :, top : top + h, left : left + w].transpose(1, 0, 2, 3)
