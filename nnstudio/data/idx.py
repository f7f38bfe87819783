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
from typing import IO

import numpy as np

from nnstudio.data.errors import DatasetError, IdxFormatError
from nnstudio.storage.atomic_write import write_atomic
from nnstudio.storage.file_input import InputFileError, open_regular, read_at_most, read_writable

GZIP_MAGIC = b"\x1f\x8b"
# The most one IDX file may hold (unpacked): MNIST's training images take 47 MB. A header
# promising more is refused before anything else is read or unpacked.
MAX_IDX_BYTES = 1024**3
EXTRA_COUNTED = 1 << 20  # trailing bytes after the data: counted up to this many

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

    The header is read first and the size it promises checked against MAX_IDX_BYTES before
    anything more is read or unpacked, so a gzip bomb costs nothing. Raises
    ``IdxFormatError`` naming the file and what is wrong with it, or ``DatasetError`` when
    the file cannot be opened (missing, permission denied, not a regular file).
    """
    path = Path(path)
    try:
        handle = open_regular(path)
    except InputFileError as error:
        raise DatasetError(f"{path}: {error.reason}") from None
    with handle:
        try:
            if handle.read(2) == GZIP_MAGIC:
                handle.seek(0)
                with gzip.GzipFile(fileobj=handle, mode="rb") as stream:
                    return _read_stream(stream, path)
            handle.seek(0)
            return _read_stream(handle, path)
        except EOFError:
            raise IdxFormatError(
                f"{path}: the gzip stream ends early; the file was cut short (an interrupted "
                "download?)"
            ) from None
        except (gzip.BadGzipFile, zlib.error) as error:
            raise IdxFormatError(f"{path}: damaged gzip data ({error})") from None
        except OSError as error:
            raise DatasetError(f"{path}: cannot be read ({error.strerror or error})") from None


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


def _read_stream(stream: IO[bytes], path: Path) -> np.ndarray:
    head = read_at_most(stream, 4)
    if len(head) < 4:
        raise IdxFormatError(f"{path}: only {len(head)} bytes long, too short for an IDX file")
    zero_a, zero_b, type_code, ndim = head
    if zero_a != 0 or zero_b != 0:
        raise IdxFormatError(
            f"{path}: not an IDX file: it starts with bytes {head.hex(' ')}, "
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
    dims = read_at_most(stream, 4 * ndim)
    if len(dims) < 4 * ndim:
        raise IdxFormatError(
            f"{path}: truncated header: {ndim} dimensions need {header_size} header bytes "
            f"but the file holds only {4 + len(dims)}"
        )
    shape = struct.unpack(f">{ndim}I", dims)
    dtype = IDX_DTYPES[type_code]
    expected = math.prod(shape) * dtype.itemsize
    if expected > MAX_IDX_BYTES:
        raise IdxFormatError(
            f"{path}: the header promises {_dims(shape)} = {expected} bytes, more than the "
            f"{MAX_IDX_BYTES} NN Studio reads from one IDX file"
        )
    data = read_writable(stream, expected)
    if len(data) < expected:
        raise IdxFormatError(
            f"{path}: truncated: header promises {_dims(shape)} = {expected} bytes "
            f"but only {len(data)} follow"
        )
    extra = len(read_at_most(stream, EXTRA_COUNTED))
    if extra:
        count = f"{extra}" if extra < EXTRA_COUNTED else f"at least {extra}"
        raise IdxFormatError(
            f"{path}: {count} unexpected bytes after the data: header "
            f"promises {_dims(shape)} = {expected} bytes but more follow"
        )
    values = np.frombuffer(data, dtype=dtype).reshape(shape)  # writable: data is a bytearray
    if dtype.isnative or dtype.itemsize == 1:
        return values.view(dtype.newbyteorder("="))
    return values.byteswap(inplace=True).view(dtype.newbyteorder("="))


def _dims(shape: tuple[int, ...]) -> str:
    return "x".join(str(size) for size in shape)
