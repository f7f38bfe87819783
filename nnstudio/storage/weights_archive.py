"""Reading a .npz of weights ({"node/param.npy": array}) that may be hostile.

Used by the project file (its weights.npz member) and by ``load_npz`` (an exported .npz).
Each array's .npy header is checked before anything is allocated: numbers only (never a
pickled object), a shape no larger than the data that is there, and all arrays together no
larger than the caller's limit, counted on what is really unpacked, so a zip bomb that
claims small sizes is stopped once it passes the limit.
"""

from __future__ import annotations

import math
import zipfile
from typing import IO

import numpy
from numpy.lib import format as npy_format

from nnstudio.storage.file_input import read_writable

Weights = dict[str, dict[str, numpy.ndarray]]
# All arrays of one archive together (128 million float32 weights, far more than NumPy
# trains here); with the archive itself held in memory, a hostile file costs at most twice it.
MAX_WEIGHTS_BYTES = 512 * 1024**2


class WeightsArchiveError(ValueError):
    """The archive cannot be used; the message reads well after the archive's name."""


def read_weights_archive(source: IO[bytes], limit: int | None = None) -> Weights:
    """{node: {param: array}} from a seekable .npz stream, at most ``limit`` bytes of arrays
    (default MAX_WEIGHTS_BYTES). Raises WeightsArchiveError for any damage, whatever it
    provokes underneath.
    """
    limit = MAX_WEIGHTS_BYTES if limit is None else limit
    budget = [limit]
    weights: Weights = {}
    try:
        arrays = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise WeightsArchiveError(f"is not an .npz archive of weights ({error})") from None
    try:
        with arrays:
            for info in arrays.infolist():
                # rpartition: a node id may contain '/', a parameter name never does.
                node, slash, param = info.filename.removesuffix(".npy").rpartition("/")
                if not slash or not param or not info.filename.endswith(".npy"):
                    raise WeightsArchiveError(f"holds an unusable array {info.filename!r}")
                with arrays.open(info) as member:
                    weights.setdefault(node, {})[param] = _read_npy(member, info, budget,
                                                                    limit)
    except WeightsArchiveError:
        raise
    except Exception as error:  # noqa: BLE001 - zip and header errors all mean "damaged"
        raise WeightsArchiveError(f"is damaged ({error})") from None
    return weights


def _read_npy(member: IO[bytes], info: zipfile.ZipInfo, budget: list[int],
              limit: int) -> numpy.ndarray:
    key = info.filename
    version = npy_format.read_magic(member)
    if version == (1, 0):
        shape, fortran_order, dtype = npy_format.read_array_header_1_0(member)
    elif version == (2, 0):
        shape, fortran_order, dtype = npy_format.read_array_header_2_0(member)
    else:
        raise WeightsArchiveError(f"holds {key!r} in an unsupported .npy version {version}")
    if dtype.hasobject or dtype.kind not in "fiu" or any(s < 0 for s in shape):
        raise WeightsArchiveError(f"holds an unusable array {key!r} "
                                  f"(type {dtype}, shape {shape})")
    size = math.prod(shape) * dtype.itemsize
    if size > info.file_size:
        raise WeightsArchiveError(f"holds {key!r}, which claims {size} bytes but holds "
                                  f"{info.file_size}")
    if size > budget[0]:
        raise WeightsArchiveError(f"holds more than the {limit} bytes of weights NN Studio "
                                  f"reads")
    budget[0] -= size
    data = read_writable(member, size)
    if len(data) != size:
        raise WeightsArchiveError(f"holds {key!r}, which is cut short")
    return numpy.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran_order
                                                        else "C")
