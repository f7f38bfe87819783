"""The exceptions of the data package.

Everything that goes wrong while finding, downloading or reading a dataset is a
``DatasetError``, so the GUI and the command line can catch one type and show its message,
which always names the file or dataset at fault.
"""

from __future__ import annotations


class DatasetError(Exception):
    """A dataset could not be found, downloaded or read."""


class IdxFormatError(DatasetError, ValueError):
    """A file is not a valid IDX file (bad magic number, unknown type, truncated...)."""


class DownloadCancelled(DatasetError):
    """The person cancelled a download; nothing partial was left in the cache."""
