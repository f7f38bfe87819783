"""Writing .npz files whose bytes depend only on the arrays.

A file kept in git should change only when its content does. ``np.savez_compressed`` happens
to be reproducible today (Python's zipfile stamps members 1980-01-01), but the "made by"
field of each member differs between Windows and Unix, and the stamp is a zipfile default,
not a promise; here every field is set explicitly.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Mapping
from typing import BinaryIO

import numpy as np

from nnstudio.storage.atomic_write import write_atomic

# The earliest time a zip entry can hold; any fixed value would do.
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)


def save_npz_deterministic(path: str | os.PathLike[str], arrays: Mapping[str, np.ndarray]) -> None:
    """Save ``arrays`` as a compressed .npz that ``np.load`` reads, with reproducible bytes.

    Members are written in sorted key order with fixed timestamps and attributes, and the
    file is written beside its target and renamed over it, so a crash leaves the old file.
    """

    def write(handle: BinaryIO) -> None:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED,
                             compresslevel=9) as zf:
            for key in sorted(arrays):
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, np.asarray(arrays[key]), allow_pickle=False)
                info = zipfile.ZipInfo(f"{key}.npy", date_time=FIXED_DATE_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # "Unix", whatever machine builds it
                info.external_attr = 0o644 << 16
                zf.writestr(info, buffer.getvalue(), compresslevel=9)

    write_atomic(path, write)
