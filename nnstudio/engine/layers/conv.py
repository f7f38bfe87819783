"""2-D convolution (cross-correlation, as in every framework) through im2col and one GEMM.

Inputs and outputs are NCHW (outputs channel-major in memory). im2col.py builds the column
matrix, so that the forward pass is ``y = W @ cols + b`` and the backward pass
``dW = dy cols^T``, ``db = sum dy``, ``dx = col2im(W^T dy)``, each over the batch's runs of
samples (on the CPU, runs whose columns stay in cache).
"""

from __future__ import annotations

from typing import Any

from nnstudio.engine.layers.base import Layer
from nnstudio.engine.layers.im2col import Im2Col, geometry


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
        self.im2col = Im2Col()
        self.cols: list[tuple[slice, Any]] = []
        self.shifted_x: Any = None

    def pads(self, h: int, w: int) -> tuple[int, int, int, int]:
        """(top, bottom, left, right) padding for an h x w input."""
        kh, kw = self.kernel
        if self.padding == "valid":
            return 0, 0, 0, 0
        if self.padding == "same":
            return (*same_padding(h, kh, self.stride), *same_padding(w, kw, self.stride))
        p = int(self.padding)
        return p, p, p, p

    def by_kernel_rows(self, g: Any) -> bool:
        """Whether to take the kernel a row at a time (stride 1, several input channels):
        y = sum over kernel rows i of (W[:, :, i, :] @ the input's KW column shifts),
        shifted up by i rows. The same sums as W @ cols, with 1.5x the multiplications
        but no column matrix (KW copies of the input instead of KH*KW): small-cnn's and
        LeNet-5's second convolutions ran 1.3-1.6x faster. With one input channel the
        products would be too thin (KW rows) to pay."""
        return g.stride == 1 and g.c * g.kw >= 16

    def forward(self, x: Any) -> Any:
        xp = self.xp
        g = self.geometry = geometry(x.shape, self.kernel, self.stride, self.pads(*x.shape[2:]))
        if self.by_kernel_rows(g):
            return self._forward_by_kernel_rows(xp, x, g)
        W = self.params["W"]
        W = W.reshape(W.shape[0], -1)
        size = W.shape[1] * g.oh * g.row_width  # column matrix entries per sample
        batch_columns = self.im2col.buffer(xp, "batch columns", (g.n * size,), x.dtype)
        y = xp.empty((W.shape[0], g.n * g.oh * g.row_width), dtype=x.dtype)
        self.cols = []  # (samples, their columns) for the backward pass
        for samples, run in self.runs(g):
            cols = self.im2col.columns(xp, x[samples], run,
                                       out=batch_columns[samples.start * size:samples.stop * size])
            y_run = xp.matmul(W, cols, out=y[:, self.columns_of(samples, g)])
            if self.use_bias:
                y_run += self.params["b"][:, None]
            self.cols.append((samples, cols))
        return self.im2col.output(y, g)

    def _forward_by_kernel_rows(self, xp: Any, x: Any, g: Any) -> Any:
        f, c, kh, kw = self.params["W"].shape
        W_rows = self.params["W"].transpose(2, 0, 1, 3).reshape(kh * f, c * kw)
        self.shifted_x = self.im2col.column_shifts(xp, x, g)
        y = self.im2col.sum_row_shifts(xp, W_rows @ self.shifted_x, g)
        if self.use_bias:
            y += self.params["b"][:, None, None, None]
        return y.transpose(1, 0, 2, 3)

    def _backward_by_kernel_rows(self, xp: Any, dy: Any, g: Any) -> Any:
        # dL/dW[f, c, i, j] = sum of dy shifted down by i times x shifted left by j
        f, c, kh, kw = self.params["W"].shape
        shifted_dy = self.im2col.row_shifts(xp, dy, g)
        dW = (shifted_dy @ self.shifted_x.T).reshape(kh, f, c, kw)
        self.grads["W"][...] = dW.transpose(1, 2, 0, 3)
        if self.use_bias:
            dy.sum(axis=(0, 2, 3), out=self.grads["b"])
        if not self.needs_input_grad:
            return None
        return self.im2col.input_gradient(xp, self.params["W"], dy, g, row_shifts=shifted_dy)

    def backward(self, dy: Any) -> Any:
        xp, g = self.xp, self.geometry
        if self.by_kernel_rows(g):
            return self._backward_by_kernel_rows(xp, dy, g)
        W = self.params["W"]
        W = W.reshape(W.shape[0], -1)
        dy_rows = self.im2col.rows(xp, dy, g)
        if self.use_bias:
            dy_rows.sum(axis=1, out=self.grads["b"])
        # dL/dW = sum over the runs of dy cols^T, each computed as (cols dy^T)^T: the same
        # products, 1.5-3x faster in OpenBLAS.
        dW_T = None
        for samples, cols in self.cols:
            product = cols @ dy_rows[:, self.columns_of(samples, g)].T
            dW_T = product if dW_T is None else xp.add(dW_T, product, out=dW_T)
        # Written in place: the gradients may be views into the network's flat buffer.
        self.grads["W"].reshape(W.shape)[...] = dW_T.T
        if not self.needs_input_grad:
            return None
        # dL/dx = col2im(W^T dy), over the whole batch
        return self.im2col.input_gradient(xp, self.params["W"], dy, g)

    def runs(self, g: Any) -> list[tuple[slice, Any]]:
        """The batch's runs of samples (on the CPU sized to stay in cache, see im2col.py)."""
        return self.im2col.chunks(g, in_cache=self.device.name == "numpy")

    @staticmethod
    def columns_of(samples: slice, g: Any) -> slice:
        """The columns of a run of samples in the (F, N*OH*row_width) rows."""
        width = g.oh * g.row_width
        return slice(samples.start * width, samples.stop * width)
