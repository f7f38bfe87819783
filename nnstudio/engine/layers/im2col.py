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
  ran 5-20% faster with exact rows, built in two stages);
- on the CPU, a batch's column matrix is built and multiplied in runs of samples whose
  columns fit in a core's cache (``chunks``): each run is multiplied while its columns are
  still in cache, where over the whole batch's column matrix (megabytes) each pass went out
  to memory and back (one-channel 5x5 convolutions on MNIST: 1.2-1.7x faster); the runs'
  columns are kept for dW;
- at stride 1 the input gradient is not col2im of a column gradient but one product of W
  with dy's KH row shifts, then KW image-sized additions (``input_gradient``); with several
  input channels the forward pass and dW also take the kernel a row at a time
  (``column_shifts``, ``row_shifts``, ``sum_row_shifts``), with no column matrix at all;
  col2im proper (``add_image``) is left for strides above 1;
- padding: the image is written inside a zeroed buffer, whose border stays zero;
- that buffer, the column matrix and the gradient of the columns are kept from batch to
  batch (same shapes: no allocation per batch). What a layer returns is always new.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

# Full-width rows in the column matrix while the straddling columns are at most this
# fraction of a row.
MAX_WASTED_COLUMNS = 0.1

# A run of samples (see chunks) has a column matrix of at most about this many bytes: a
# quarter of a core's L2 cache here (2 MB); runs of 256 KB to 1 MB measured alike.
CHUNK_BYTES = 512 * 1024


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


    def samples(self, n: int) -> Geometry:
        """The same geometry for a run of ``n`` samples."""
        return replace(self, n=n)


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
        """A kept array, one per name and shape (a batch's runs of samples, and a smaller
        last batch, each keep theirs); a new one (zeroed) when the dtype or array module
        changed."""
        key = (name, shape)
        array = self.buffers.get(key)
        if array is None or array.dtype != dtype or type(array) is not xp.ndarray:
            array = self.buffers[key] = xp.zeros(shape, dtype=dtype)
        return array

    def padded_image(self, xp: Any, x: Any, g: Geometry,
                     tail: int | None = None) -> tuple[Any, Any]:
        """The NCHW batch channel-major with its padding, (flat, padded): ``padded`` is
        (C, N, Hp, Wp); with ``tail`` (a number of zeros after each image) or padding it is
        written inside a kept zero-bordered buffer, ``flat`` (C, N, Hp*Wp + tail), else it
        is a view of x and ``flat`` is None."""
        if tail is None and (g.hp, g.wp) == (g.h, g.w):
            return None, x.transpose(1, 0, 2, 3)
        flat = self.buffer(xp, "image", (g.c, g.n, g.hp * g.wp + (tail or 0)), x.dtype)
        padded = flat[:, :, :g.hp * g.wp].reshape(g.c, g.n, g.hp, g.wp)
        padded[:, :, g.top:g.top + g.h, g.left:g.left + g.w] = x.transpose(1, 0, 2, 3)
        return flat, padded

    @staticmethod
    def chunks(g: Geometry, in_cache: bool) -> list[tuple[slice, Geometry]]:
        """The batch as runs of samples (slice, geometry of the run) whose column matrix
        takes at most CHUNK_BYTES, of nearly equal sizes; the whole batch as one run when
        not ``in_cache`` (a GPU wants large products)."""
        per_sample = g.c * g.kh * g.kw * g.oh * g.row_width * 4
        if not in_cache or g.n * per_sample <= CHUNK_BYTES:
            return [(slice(0, g.n), g)]
        count = -(-g.n * per_sample // CHUNK_BYTES)
        size = -(-g.n // count)
        return [(slice(lo, min(lo + size, g.n)), g.samples(min(size, g.n - lo)))
                for lo in range(0, g.n, size)]

    def columns(self, xp: Any, x: Any, g: Geometry, out: Any = None) -> Any:
        """The column matrix (C*KH*KW, N*OH*row_width) of an NCHW batch, in ``out`` (a
        flat array of that size) when given, else in a kept array."""
        n, c, kh, kw, s = g.n, g.c, g.kh, g.kw, g.stride
        # Full-width rows read the image flat, with KW-1 zeros at the end of each image so
        # that the last full-width shift stays inside it; exact rows of an unpadded image are
        # copied straight from x.
        flat, padded = self.padded_image(xp, x, g, tail=kw - 1 if g.full_width else None)
        width = g.oh * g.row_width
        cols = (self.buffer(xp, "columns", (c, kh, kw, n, width), x.dtype) if out is None
                else out.reshape(c, kh, kw, n, width))
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

    def rows(self, xp: Any, dy: Any, g: Geometry) -> Any:
        """The NCHW output gradient as (F, N*OH*row_width) rows, as the column matrix's
        columns (full-width rows: zero under the dropped columns)."""
        f = dy.shape[1]
        if not g.full_width or g.wp == g.ow:
            return xp.ascontiguousarray(dy.transpose(1, 0, 2, 3)).reshape(f, -1)
        padded = self.buffer(xp, "output rows", (f, g.n, g.oh, g.wp), dy.dtype)
        padded[:, :, :, :g.ow] = dy.transpose(1, 0, 2, 3)  # the rest stays zero
        return padded.reshape(f, -1)

    def column_grad_buffer(self, xp: Any, g: Geometry, dtype: Any) -> Any:
        """A kept array for the gradient of the columns (rows as in the column matrix)."""
        shape = (g.c * g.kh * g.kw, g.n * g.oh * g.row_width)
        return self.buffer(xp, "column grads", shape, dtype)

    def input_gradient(self, xp: Any, W: Any, dy: Any, g: Geometry,
                       row_shifts: Any = None) -> Any:
        """dL/dx = col2im(W^T dy) for an (F, C, KH, KW) kernel and the NCHW output
        gradient ``dy``. At stride 1 without the column gradient: one product of W with
        dy's KH row shifts (``row_shifts``, made here when not given) sums, for each
        kernel column j, every kernel row's contribution at once, and each j's sum is
        added onto the image shifted by j (KW additions of image size, not KH*KW of
        column size)."""
        f, c, kh, kw = W.shape
        flat = self.padded_gradient(xp, g, dy.dtype)
        if g.stride != 1:
            dcols = xp.matmul(W.reshape(f, -1).T, self.rows(xp, dy, g),
                              out=self.column_grad_buffer(xp, g, dy.dtype))
            self.add_image(xp, dcols, g, flat)
            return self.image(flat, g)
        n, ow, hp = g.n, g.ow, g.hp
        if row_shifts is None:
            row_shifts = self.row_shifts(xp, dy, g)
        by_column = xp.ascontiguousarray(W.transpose(3, 1, 2, 0)).reshape(kw * c, kh * f)
        product = self.buffer(xp, "input grad columns", (kw * c, n * hp * ow), dy.dtype)
        xp.matmul(by_column, row_shifts, out=product)
        product = product.reshape(kw, c, n, hp, ow)
        image = flat.reshape(c, n, hp, g.wp)
        for j in range(kw):
            image[:, :, :, j:j + ow] += product[j]
        return self.image(flat, g)

    def row_shifts(self, xp: Any, dy: Any, g: Geometry) -> Any:
        """(KH*F, N*Hp*OW): dy's rows shifted down by i for each kernel row i (zero where
        no dy row lands), over the Hp rows of the padded image: row block i holds what
        kernel row i carries onto each image row (stride 1)."""
        f, kh, n, oh, ow, hp = dy.shape[1], g.kh, g.n, g.oh, g.ow, g.hp
        tall = self.buffer(xp, "padded output grads", (f, n, oh + 2 * (kh - 1), ow), dy.dtype)
        tall[:, :, kh - 1:kh - 1 + oh] = dy.transpose(1, 0, 2, 3)  # KH-1 zero rows around
        shifts = self.buffer(xp, "output grad row shifts", (kh, f, n, hp, ow), dy.dtype)
        for i in range(kh):
            shifts[i] = tall[:, :, kh - 1 - i:kh - 1 - i + hp]
        return shifts.reshape(kh * f, n * hp * ow)

    def column_shifts(self, xp: Any, x: Any, g: Geometry) -> Any:
        """(C*KW, N*Hp*OW): the padded image shifted left by j for each kernel column j,
        OW columns of every row (the first of columns()' two stages, stride 1)."""
        c, kw, n, hp, ow = g.c, g.kw, g.n, g.hp, g.ow
        _, padded = self.padded_image(xp, x, g)
        shifted = self.buffer(xp, "kernel column shifts", (c, kw, n, hp, ow), x.dtype)
        for j in range(kw):
            shifted[:, j] = padded[:, :, :, j:j + ow]
        return shifted.reshape(c * kw, n * hp * ow)

    @staticmethod
    def sum_row_shifts(xp: Any, products: Any, g: Geometry) -> Any:
        """(F, N, OH, OW), new: the sum over kernel rows i of the (KH*F, N*Hp*OW) products'
        block i shifted up by i rows."""
        kh, n, oh, ow, hp = g.kh, g.n, g.oh, g.ow, g.hp
        blocks = products.reshape(kh, -1, n, hp, ow)
        y = blocks[0, :, :, :oh].copy()
        for i in range(1, kh):
            y += blocks[i, :, :, i:i + oh]
        return y

    @staticmethod
    def padded_gradient(xp: Any, g: Geometry, dtype: Any) -> Any:
        """A zeroed (C, N, Hp*Wp) array to add the input gradient onto, new for each batch
        (it becomes the layer's output); ``image`` gives its NCHW input gradient."""
        return xp.zeros((g.c, g.n, g.hp * g.wp), dtype=dtype)

    def add_image(self, xp: Any, dcols: Any, g: Geometry, flat: Any) -> None:
        """col2im: each column entry of ``dcols`` (exact rows: full-width rows exist only
        at stride 1, where input_gradient needs no col2im) added onto its pixel in
        ``flat``, a padded_gradient. Column shift by column shift: the KH row shifts of
        kernel column j summed in a kept buffer, then added onto the image shifted by j."""
        n, c, kh, kw, s = g.n, g.c, g.kh, g.kw, g.stride
        blocks = dcols.reshape(c, kh, kw, n, g.oh, g.ow)
        image = flat.reshape(c, n, g.hp, g.wp)
        rows = self.buffer(xp, "row sums", (c, n, g.hp, g.ow), dcols.dtype)
        for j in range(kw):
            rows[...] = 0
            for i in range(kh):
                rows[:, :, i:i + s * g.oh:s] += blocks[:, i, j]
            image[:, :, :, j:j + s * g.ow:s] += rows

    @staticmethod
    def image(flat: Any, g: Geometry) -> Any:
        """The NCHW input gradient held in a padded_gradient (padding cut off)."""
        dx = flat.reshape(g.c, g.n, g.hp, g.wp)
        return dx[:, :, g.top:g.top + g.h, g.left:g.left + g.w].transpose(1, 0, 2, 3)
