"""What the `nnstudio` subcommands share without importing the module that starts the window
(nnstudio.cli): the error reported in one line, and the check of a file to be written."""

from __future__ import annotations

import os
from pathlib import Path


class CliError(Exception):
    """A problem to report in one line, with exit status 2."""


def check_writable_destination(path: str, option: str) -> None:
    """Refuse, before any work, a file that could not be written: its folder is missing or
    read-only, or the path is a folder."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise CliError(f"{option} {path}: the folder {folder} does not exist")
    if target.is_dir():
        raise CliError(f"{option} {path}: that is a folder; name a file")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CliError(f"{option} {path}: the folder {folder} is not writable")
