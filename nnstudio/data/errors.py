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


class DownloadFailed(DatasetError):
    """No mirror gave a file. ``headline`` says which file of which set, ``failures`` each
    mirror's reason; the message adds the command line's way round it (``--data-dir``),
    which a window words its own way (a button to choose a folder)."""

    CLI_HINT = ("check your connection, or pass --data-dir (or set NNSTUDIO_DATA_DIR) to a "
                "folder holding the four IDX files")

    def __init__(self, headline: str, failures: list[str]) -> None:
        self.headline = headline
        self.failures = list(failures)
        super().__init__(f"{headline}; {self.CLI_HINT}.\n" + "\n".join(self.failures))
