"""Max and average pooling over kernel x kernel windows (NCHW), remainder rows dropped.

Both work on the K*K strided views "pixel (i, j) of every window": a maximum or a sum of
K*K views is a handful of fast whole-array operations, with no window copy at all.
"""

from __future__ import annotations

from typing import Any

from nnstudio.engine.layers.base import Layer


class _Pool2D(Layer):
    def __init__(self, kernel_size: int, stride: int | None = None) -> None:
        super().__init__()
        self.k = kernel_size
        self.s = stride or kernel_size

    def offsets(self, x: Any) -> list[Any]:
        """Views of x, one per kernel offset (i, j), each shaped like the output."""
        k, s = self.k, self.s
        _, _, h, w = x.shape
        oh, ow = (h - k) // s + 1, (w - k) // s + 1
        self.x, self.out_hw = x, (oh, ow)
        return [x[:, :, i : i + s * oh : s, j : j + s * ow : s]
                for i in range(k) for j in range(k)]

    def scatter(self, pieces: list[Any]) -> Any:
        """Add each offset's gradient back onto the input pixels it came from."""
        k, s = self.k, self.s
        oh, ow = self.out_hw
        # zeros_like keeps the input's memory order (a conv's output is channel-major),
        # so the layers around never pay for a transposing copy.
        dx = self.xp.zeros_like(self.x, dtype=pieces[0].dtype)
        self.x = None
        for p, piece in enumerate(pieces):
            i, j = divmod(p, k)
            dx[:, :, i : i + s * oh : s, j : j + s * ow : s] += piece
        return dx


class MaxPool2D(_Pool2D):
    # Set by the network when the input comes from a ReLU that feeds only this pool: the
    # pool then applies that ReLU, on 4x fewer elements. Forward: max(relu(x)) is
    # relu(max(x)). Backward: dy * (y > 0) on the pooled output (a window's winner is
    # positive exactly where its maximum y is), and the ReLU passes that on as it is.
    applies_relu = False

    def forward(self, x: Any) -> Any:
        xp = self.xp
        views = self.offsets(x)
        if self.training and self.s == self.k:
            # Contiguous copies of the offsets: strided once here, then the maximum and
            # every comparison of the backward pass run over contiguous memory.
            views = [view.copy(order="K") for view in views]
        y = xp.maximum(views[0], views[1]) if len(views) > 1 else views[0].copy(order="K")
        for view in views[2:]:
            xp.maximum(y, view, out=y)
        if self.applies_relu:
            xp.maximum(y, y.dtype.type(0), out=y)
        self.views, self.y = views, y
        return y

    def backward(self, dy: Any) -> Any:
        # The gradient goes to the input that won each window; the first maximum wins
        # ties, as in PyTorch, so a window never passes its gradient on twice.
        if self.s == self.k:
            return self._backward_tiled(dy)
        if self.applies_relu:
            dy = dy * (self.y > 0)
        xp = self.xp
        zero = dy.dtype.type(0)
        taken = xp.zeros(dy.shape, dtype=bool)
        pieces = []
        for view in self.views:
            wins = (view == self.y) & ~taken
            taken |= wins
            pieces.append(xp.where(wins, dy, zero))
        self.views = self.y = None
        return self.scatter(pieces)

    def _backward_tiled(self, dy: Any) -> Any:
        """Windows that tile the input (stride = kernel): each input pixel belongs to one
        window, so each offset's gradient is written straight into its pixels, with no
        zero fill and no adding up. ``left`` is the gradient no offset has taken yet: an
        offset that holds the maximum takes all of it, and what the earlier offsets left
        goes to the last one (it holds the maximum wherever the others did not)."""
        xp, k, s = self.xp, self.k, self.s
        oh, ow = self.out_hw
        x, y, views = self.x, self.y, self.views
        dx = xp.empty_like(x, dtype=dy.dtype)
        if x.shape[2] > s * oh:  # the rows and columns no window covers
            dx[:, :, s * oh:, :] = 0
        if x.shape[3] > s * ow:
            dx[:, :, :, s * ow:] = 0
        # ``left`` is new here (never the caller's dy), and each offset's share is made in
        # contiguous memory, then copied once into its strided place.
        left = dy * (y > 0) if self.applies_relu else dy.copy(order="K")
        wins = xp.empty_like(y, dtype=bool)
        taken = xp.empty_like(left)
        for p, view in enumerate(views):
            i, j = divmod(p, k)
            target = dx[:, :, i : i + s * oh : s, j : j + s * ow : s]
            if p == len(views) - 1:
                target[...] = left
                break
            xp.multiply(left, xp.equal(view, y, out=wins), out=taken)
            target[...] = taken
            xp.subtract(left, taken, out=left)
        self.views = self.y = self.x = None
        return dx


class AvgPool2D(_Pool2D):
    def forward(self, x: Any) -> Any:
        views = self.offsets(x)
        total = views[0].copy(order="K")
        for view in views[1:]:
            total += view
        return total / total.dtype.type(len(views))

    def backward(self, dy: Any) -> Any:
        share = dy / dy.dtype.type(self.k * self.k)
        return self.scatter([share] * (self.k * self.k))
