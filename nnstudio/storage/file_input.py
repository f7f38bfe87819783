"""Reading a file a person named, safely: regular files only, never more than a limit.

Every loader (projects, JSON networks and documents, IDX files, .npz weights) opens its file
with ``open_regular``: a FIFO would block forever and ``/dev/zero`` never ends, so anything
but a regular file (after following symlinks) is refused before a byte is read. What is read,
compressed or not, is read with ``read_at_most``, in chunks, so a file that holds or unpacks
to more than the caller's limit costs at most the limit. ``parse_json`` reads JSON of a
bounded nesting depth, so no later walk over it can overflow the stack.

Problems raise ``InputFileError``, an ``OSError`` whose ``reason`` a loader puts after the
file's name in its own error type.
"""

from __future__ import annotations

import errno
import io
import json
import os
import stat
from typing import IO, Any, BinaryIO

CHUNK = 1 << 20
MAX_JSON_DEPTH = 100  # a network document nests about 10 deep (a Conv2D's weights as lists)


class InputFileError(OSError):
    """A file that cannot be read; ``reason`` says why in words, ``filename`` names it."""

    def __init__(self, code: int, reason: str, filename: str) -> None:
        super().__init__(code, reason, filename)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.filename}: {self.reason}"


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open ``path`` for binary reading if it is a regular file (symlinks followed).

    A FIFO, a device, a socket or a folder raises ``InputFileError`` at once (the open
    does not wait for a FIFO's writer), as do a missing or unreadable file.
    """
    name = os.fspath(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(name, flags | getattr(os, "O_BINARY", 0))
    except OSError as error:
        raise InputFileError(error.errno or 0, _reason(error), name) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputFileError(errno.EINVAL, _not_regular(mode), name)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_at_most(stream: IO[bytes], count: int) -> bytes:
    """Up to ``count`` bytes of ``stream`` (fewer at its end), read in chunks so memory
    follows what the stream really holds, not what a header claims."""
    data = io.BytesIO()  # its getvalue() hands over its buffer without a copy
    _copy(stream, data, count)
    return data.getvalue()


def read_writable(stream: IO[bytes], count: int) -> bytearray:
    """``read_at_most`` into a bytearray: NumPy makes a writable array of it without a copy."""
    data = bytearray()
    _copy(stream, data, count)
    return data


def _copy(stream: IO[bytes], data: io.BytesIO | bytearray, count: int) -> None:
    done = 0
    while done < count:
        chunk = stream.read(min(CHUNK, count - done))
        if not chunk:
            return
        if isinstance(data, io.BytesIO):
            data.write(chunk)
        else:
            data.extend(chunk)
        done += len(chunk)


def read_limited(stream: IO[bytes], limit: int, name: str) -> bytes:
    """All of ``stream``, refused with ``InputFileError`` once it passes ``limit`` bytes."""
    data = read_at_most(stream, limit + 1)
    if len(data) > limit:
        raise InputFileError(errno.EFBIG, f"larger than the {format_size(limit)} NN Studio reads "
                                          f"from it", name)
    return data


def read_file_limited(path: str | os.PathLike[str], limit: int) -> bytes:
    """A whole regular file of at most ``limit`` bytes."""
    with open_regular(path) as handle:
        return read_limited(handle, limit, os.fspath(path))


def parse_json(raw: bytes | bytearray | str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """JSON text (UTF-8 bytes or str) as Python values; ValueError, with a message fit for a
    person, for bad UTF-8, bad JSON or nesting deeper than ``max_depth``."""
    try:
        text = raw if isinstance(raw, str) else bytes(raw).decode("utf-8")
        value = json.loads(text)
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 text ({error.reason} at byte {error.start})") from None
    except RecursionError:
        raise ValueError(f"nested more than {max_depth} levels deep") from None
    if _deeper_than(value, max_depth):
        raise ValueError(f"nested more than {max_depth} levels deep")
    return value


def _deeper_than(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _reason(error: OSError) -> str:
    reasons = {errno.ENOENT: "no such file", errno.EACCES: "permission denied",
               errno.EPERM: "permission denied", errno.EISDIR: "is a folder, not a file",
               errno.ELOOP: "too many levels of symbolic links",
               errno.ENAMETOOLONG: "the file name is too long",
               errno.ENOTDIR: "a part of the path is not a folder"}
    return reasons.get(error.errno or 0, str(error.strerror or error))


def _not_regular(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else
            "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
            "a socket" if stat.S_ISSOCK(mode) else "not a plain file")
    return f"not a regular file ({kind}); open a file saved on disk"


def format_size(count: int) -> str:
    """A byte count in words: 512 MiB, 3.5 KiB, 12 bytes."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:g} {unit}"
    return f"{count} bytes"
