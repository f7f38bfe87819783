"""Reading and writing IDX files, the format of MNIST and its drop-in replacements.

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of
dimensions), one big-endian uint32 per dimension, then the values in C order, big-endian.
The published files are gzip-compressed; some mirrors and Kaggle copies are not, and their
names do not always say which, so compression is detected from the gzip magic bytes.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from pathlib import Path

import numpy as np

from nnstudio.atomic_write import write_atomic
from nnstudio.data.errors import IdxFormatError

GZIP_MAGIC = b"\x1f\x8b"

# IDX type code -> big-endian dtype, from the format's description on LeCun's MNIST page.
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX file (gzip-compressed or raw) into a writable native-endian array.

    Raises ``IdxFormatError`` naming the file and what is wrong with it.
    """
    path = Path(path)
    raw = path.read_bytes()
    data = _gunzip(raw, path) if raw.startswith(GZIP_MAGIC) else raw
    dtype, shape, header_size = _parse_header(data, path)

    expected = math.prod(shape) * dtype.itemsize
    available = len(data) - header_size
    if available < expected:
        raise IdxFormatError(
            f"{path}: truncated: header promises {_dims(shape)} = {expected} bytes "
            f"but only {available} follow"
        )
    if available > expected:
        raise IdxFormatError(
            f"{path}: {available - expected} unexpected bytes after the data: header "
            f"promises {_dims(shape)} = {expected} bytes but {available} follow"
        )
    values = np.frombuffer(data, dtype=dtype, count=math.prod(shape), offset=header_size)
    # astype copies, so the result is writable and no longer pins the file's bytes.
    return values.reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(
    path: str | os.PathLike[str], array: np.ndarray, compress: bool | None = None
) -> None:
    """Write ``array`` as an IDX file; gzip it when ``compress`` is true.

    ``compress=None`` gzips when the name ends in ``.gz``. The gzip header carries no
    timestamp, so the same array always gives the same bytes.
    """
    path = Path(path)
    array = np.asarray(array)
    codes = {dtype.newbyteorder("="): code for code, dtype in IDX_DTYPES.items()}
    code = codes.get(array.dtype.newbyteorder("="))
    if code is None:
        raise IdxFormatError(f"{path}: IDX cannot store arrays of dtype {array.dtype}")
    if not 1 <= array.ndim <= 255:
        raise IdxFormatError(f"{path}: IDX needs 1 to 255 dimensions, not {array.ndim}")

    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    body = np.ascontiguousarray(array, dtype=IDX_DTYPES[code]).tobytes()
    payload = header + body
    if compress if compress is not None else path.name.endswith(".gz"):
        payload = gzip.compress(payload, mtime=0)
    write_atomic(path, payload)


def _gunzip(raw: bytes, path: Path) -> bytes:
    try:
        return gzip.decompress(raw)
    except EOFError:
        raise IdxFormatError(
            f"{path}: the gzip stream ends early; the file was cut short (an interrupted download?)"
        ) from None
    except (gzip.BadGzipFile, zlib.error) as error:
        raise IdxFormatError(f"{path}: damaged gzip data ({error})") from None


def _parse_header(data: bytes, path: Path) -> tuple[np.dtype, tuple[int, ...], int]:
    if len(data) < 4:
        raise IdxFormatError(f"{path}: only {len(data)} bytes long, too short for an IDX file")
    zero_a, zero_b, type_code, ndim = data[:4]
    if zero_a != 0 or zero_b != 0:
        raise IdxFormatError(
            f"{path}: not an IDX file: it starts with bytes {data[:4].hex(' ')}, "
            "but IDX files start with two zero bytes, a type code and a dimension count"
        )
    if type_code not in IDX_DTYPES:
        known = ", ".join(f"0x{code:02X}" for code in IDX_DTYPES)
        raise IdxFormatError(
            f"{path}: unknown IDX data type code 0x{type_code:02X} (known codes: {known})"
        )
    if ndim == 0:
        raise IdxFormatError(f"{path}: the IDX header declares zero dimensions")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise IdxFormatError(
            f"{path}: truncated header: {ndim} dimensions need {header_size} header bytes "
            f"but the file holds only {len(data)}"
        )
    shape = struct.unpack(f">{ndim}I", data[4:header_size])
    return IDX_DTYPES[type_code], shape, header_size


def _dims(shape: tuple[int, ...]) -> str:
    return "x".join(str(size) for size in shape)
