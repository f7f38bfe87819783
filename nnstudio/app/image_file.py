"""The pictures the window saves (Export Canvas Image, --screenshot), written as every other
file is: encoded in memory, then through ``nnstudio.storage.atomic_write``, whole or not at all."""

from __future__ import annotations

import errno
import os

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage, QPixmap

from nnstudio.storage.atomic_write import SaveError, write_atomic


def save_png(image: QImage | QPixmap, path: str | os.PathLike[str]) -> None:
    """Write ``image`` as a PNG to ``path``; a SaveError (an OSError) naming it if not."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    encoded = image.save(buffer, "PNG")
    buffer.close()
    if not encoded:
        raise SaveError(errno.EINVAL, "the picture could not be encoded as PNG",
                        os.fspath(path))
    write_atomic(path, data.data())
