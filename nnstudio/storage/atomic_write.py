"""The one way NN Studio writes a file the user asked for: whole, or not at all.

``write_atomic`` writes into a short-named temporary file in the target's folder, flushes it
to the disk and renames it over the target, so a crash, a kill or a full disk leaves the old
file as it was. Through a symlink it replaces the link's target and keeps the link. An existing
file keeps its permissions; a new one gets what any new file gets (0o666 less the umask).

A writer holds a lock on its temporary file while it writes. A kill leaves at most that one
temporary file behind; the next save into the same folder removes temporary files that are
unlocked (their writer is gone) and older than a few seconds, never one still being written.

Errors are ``SaveError`` (an ``OSError``) naming the file asked for, never the temporary one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; stale files are recognised by age alone
    fcntl = None  # type: ignore[assignment]

TEMP_PREFIX = ".nns-"
TEMP_SUFFIX = ".tmp"
# Unlocked temporary files younger than this may belong to a writer that has just created
# its file and not yet locked it; without locks (Windows) only day-old files are removed.
STALE_AFTER_SECONDS = 10.0 if fcntl is not None else 86400.0

Content = bytes | Callable[[BinaryIO], None]


class SaveError(OSError):
    """A file could not be saved; ``filename`` is the file asked for, the message says why."""

    def __str__(self) -> str:
        return f"could not save {self.filename}: {self.strerror}"


def write_atomic(path: str | os.PathLike[str], content: Content) -> None:
    """Write ``content`` (bytes, or a function writing into a binary file) to ``path``.

    Either the whole new content is at ``path`` afterwards, or the old file is untouched.
    An ``OSError`` becomes a ``SaveError`` naming ``path``; other exceptions from the
    function pass through unchanged. No temporary file is left behind either way.
    """
    asked = os.fspath(path)
    target = Path(os.path.realpath(asked))  # through symlinks: replace the target, keep links
    folder = target.parent
    _remove_stale_temps(folder)
    temp: Path | None = None
    try:
        fd, temp = _create_temp(folder)
        try:
            _lock(fd)
            _keep_mode(fd, target)
            with os.fdopen(fd, "wb", closefd=False) as handle:
                if isinstance(content, bytes | bytearray | memoryview):
                    handle.write(content)
                else:
                    content(handle)
                handle.flush()
                os.fsync(handle.fileno())
        finally:
            os.close(fd)  # also releases the lock
        os.replace(temp, target)
        temp = None
        _sync_folder(folder)
    except OSError as error:
        raise SaveError(error.errno, _reason(error), asked) from error
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                temp.unlink()


def is_temp_name(name: str) -> bool:
    """Whether ``name`` is one of write_atomic's temporary files."""
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


def _create_temp(folder: Path) -> tuple[int, Path]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temp = folder / f"{TEMP_PREFIX}{secrets.token_hex(6)}{TEMP_SUFFIX}"
        try:
            # 0o666: the kernel takes off the umask, as for any new file.
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(folder))


def _keep_mode(fd: int, target: Path) -> None:
    """An existing file keeps its permissions (a new one has the umask's from os.open)."""
    with contextlib.suppress(FileNotFoundError):
        mode = stat.S_IMODE(target.stat().st_mode)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)


def _lock(fd: int) -> None:
    if fcntl is not None:
        with contextlib.suppress(OSError):  # a file system without locks: age alone decides
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _remove_stale_temps(folder: Path) -> None:
    """Remove temporary files a killed writer left: unlocked and not brand new."""
    try:
        names = [entry.name for entry in os.scandir(folder) if is_temp_name(entry.name)]
    except OSError:
        return
    now = time.time()
    for name in names:
        path = folder / name
        with contextlib.suppress(OSError):
            if now - path.lstat().st_mtime < STALE_AFTER_SECONDS:
                continue
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if a writer lives
                path.unlink()
            finally:
                os.close(fd)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable, where the system allows opening a folder."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _reason(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "the disk is full (no space left on device)"
    if error.errno == getattr(errno, "EDQUOT", None):
        return "the disk quota is exceeded"
    if error.errno == errno.EROFS:
        return "the folder is on a read-only file system"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (the folder or file is read-only)"
    if error.errno == errno.ENOENT:
        return "the folder does not exist"
    if error.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return str(error.strerror or error).rstrip(".")
