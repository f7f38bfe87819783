"""im2col and col2im: a convolution as one matrix product, and its gradient back onto pixels.

Output pixel p of sample n and filter f is the sum over (c, i, j) of
W[f, c, i, j] * x[n, c, s*p_row + i, s*p_col + j]. im2col copies the input into a column
matrix whose row (c, i, j) and column (n, p) hold exactly that input pixel, so a convolution
reads ``y = W @ cols + b``; col2im adds a gradient of the columns back onto the pixels they
came from (a pixel under several kernel offsets gets the sum).

The tricks, all so that NumPy makes few calls over long runs of memory:
- one strided copy per kernel offset (KH x KW copies into a channel-major buffer), never a
  loop over samples or pixels;
- "full-width rows" (stride 1, when few columns are wasted): the columns of offset (i, j)
  are the flattened padded image shifted by i*Wp + j, so each copy moves one contiguous run
  per channel and sample. The Wp - OW columns per output row that straddle two image rows
  are computed and dropped. For the column matrix that is worth it only while they are at
  most a tenth of the row (training MNIST's 28-pixel rows under a 5x5 kernel, 12-14% wasted,
  ran 5-20% faster with exact rows, built in two stages); col2im always uses full-width rows
  at stride 1 (exact rows would mean KH*KW strided additions);
- padding: the image is written inside a zeroed buffer, whose border stays zero;
- that buffer, the column matrix and the gradient of the columns are kept from batch to
  batch (same shapes: no allocation per batch). What a layer returns is always new.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Full-width rows in the column matrix while the straddling columns are at most this
# fraction of a row.
MAX_WASTED_COLUMNS = 0.1


@dataclass(frozen=True)
class Geometry:
    """Where a kernel sits on one batch's input (all sizes in pixels)."""

    n: int
    c: int
    h: int
    w: int
    kh: int
    kw: int
    stride: int
    top: int
    left: int
    hp: int  # padded height and width
    wp: int
    oh: int  # output height and width
    ow: int
    full_width: bool  # the column matrix has full-width rows (see the module's docstring)

    @property
    def row_width(self) -> int:
        """Columns per output row in the column matrix."""
        return self.wp if self.full_width else self.ow

    @property
    def image_full_width(self) -> bool:
        """Whether col2im works on full-width rows (always at stride 1)."""
        return self.stride == 1


def geometry(x_shape: tuple[int, ...], kernel: tuple[int, int], stride: int,
             pads: tuple[int, int, int, int]) -> Geometry:
    n, c, h, w = x_shape
    kh, kw = kernel
    top, bottom, left, right = pads
    hp, wp = h + top + bottom, w + left + right
    oh, ow = (hp - kh) // stride + 1, (wp - kw) // stride + 1
    full_width = stride == 1 and (wp - ow) <= MAX_WASTED_COLUMNS * wp
    return Geometry(n, c, h, w, kh, kw, stride, top, left, hp, wp, oh, ow, full_width)


class Im2Col:
    """im2col and col2im for one convolution, with the buffers it keeps between batches."""

    def __init__(self) -> None:
        self.buffers: dict[str, Any] = {}

    def buffer(self, xp: Any, name: str, shape: tuple[int, ...], dtype: Any) -> Any:
        """A kept array; a new one (zeroed) when the shape, dtype or array module changed."""
        array = self.buffers.get(name)
        if (array is None or array.shape != shape or array.dtype != dtype
                or type(array) is not xp.ndarray):
            array = self.buffers[name] = xp.zeros(shape, dtype=dtype)
        return array

    def columns(self, xp: Any, x: Any, g: Geometry) -> Any:
        """The column matrix (C*KH*KW, N*OH*row_width) of an NCHW batch."""
        n, c, kh, kw, s = g.n, g.c, g.kh, g.kw, g.stride
        # The padded image, channel-major (C, N, Hp, Wp), plus KW-1 zeros at the end of each
        # image so that the last full-width shift stays inside it.
        tail = kw - 1 if g.full_width else 0
        flat = self.buffer(xp, "image", (c, n, g.hp * g.wp + tail), x.dtype)
        padded = flat[:, :, :g.hp * g.wp].reshape(c, n, g.hp, g.wp)
        padded[:, :, g.top:g.top + g.h, g.left:g.left + g.w] = x.transpose(1, 0, 2, 3)
        width = g.oh * g.row_width
        cols = self.buffer(xp, "columns", (c, kh, kw, n, width), x.dtype)
        if g.full_width:
            for i in range(kh):
                for j in range(kw):
                    shift = i * g.wp + j
                    cols[:, i, j] = flat[:, :, shift:shift + width]
        else:
            # Exact rows in two stages: the KW column shifts of the whole image, then the KH
            # row shifts of those (at stride 1 each is a run of OH*OW pixels per image).
            shifted = self.buffer(xp, "column shifts", (c, kw, n, g.hp, g.ow), x.dtype)
            for j in range(kw):
                shifted[:, j] = padded[:, :, :, j:j + s * g.ow:s]
            blocks = cols.reshape(c, kh, kw, n, g.oh, g.ow)
            for i in range(kh):
                blocks[:, i] = shifted[:, :, :, i:i + s * g.oh:s]
        return cols.reshape(c * kh * kw, n * width)

    @staticmethod
    def output(y_rows: Any, g: Geometry) -> Any:
        """(F, N*OH*row_width) rows of a product as the NCHW output (channel-major memory)."""
        f = y_rows.shape[0]
        return y_rows.reshape(f, g.n, g.oh, g.row_width)[:, :, :, :g.ow].transpose(1, 0, 2, 3)

    def rows(self, xp: Any, dy: Any, g: Geometry, full_width: bool) -> Any:
        """The NCHW output gradient as (F, N*OH*width) rows, width Wp (zero under the
        dropped columns) or OW."""
        f = dy.shape[1]
        if not full_width or g.wp == g.ow:
            return xp.ascontiguousarray(dy.transpose(1, 0, 2, 3)).reshape(f, -1)
        padded = self.buffer(xp, "output rows", (f, g.n, g.oh, g.wp), dy.dtype)
        padded[:, :, :, :g.ow] = dy.transpose(1, 0, 2, 3)  # the rest stays zero
        return padded.reshape(f, -1)

    def column_grad_buffer(self, xp: Any, g: Geometry, dtype: Any) -> Any:
        """A kept array for the gradient of the columns, in col2im's row width."""
        width = g.wp if g.image_full_width else g.ow
        return self.buffer(xp, "column grads", (g.c * g.kh * g.kw, g.n * g.oh * width), dtype)

    @staticmethod
    def image(xp: Any, dcols: Any, g: Geometry) -> Any:
        """col2im: the NCHW input gradient, each column entry added back onto its pixel."""
        n, c, kh, kw, s = g.n, g.c, g.kh, g.kw, g.stride
        dcols = dcols.reshape(c, kh, kw, n, -1)
        if g.image_full_width:
            width = g.oh * g.wp
            flat = xp.zeros((c, n, g.hp * g.wp + kw - 1), dtype=dcols.dtype)
            for i in range(kh):
                for j in range(kw):
                    shift = i * g.wp + j
                    flat[:, :, shift:shift + width] += dcols[:, i, j]
            dx = flat[:, :, :g.hp * g.wp].reshape(c, n, g.hp, g.wp)
        else:
            dx = xp.zeros((c, n, g.hp, g.wp), dtype=dcols.dtype)
            for i in range(kh):
                for j in range(kw):
                    dx[:, :, i:i + s * g.oh:s, j:j + s * g.ow:s] += \
                        dcols[:, i, j].reshape(c, n, g.oh, g.ow)
        return dx[:, :, g.top:g.top + g.h, g.left:g.left + g.w].transpose(1, 0, 2, 3)
