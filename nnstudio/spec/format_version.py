"""The one check of a saved format's version, for every file NN Studio reads (projects,
network JSON, documents, presets): a version newer than this NN Studio reads is refused
with the same words wherever it is met."""

from __future__ import annotations


class FormatVersionError(ValueError):
    """A format version that is not a whole number, or newer than this NN Studio reads."""


def check_format_version(version: object, supported: int, subject: str) -> int:
    """``version`` if this NN Studio reads it; else FormatVersionError saying so about
    ``subject`` (a file's name, or "this network")."""
    if not isinstance(version, int) or isinstance(version, bool):
        raise FormatVersionError(f"{subject} has no valid format version ({version!r}; it "
                                 f"must be a whole number)")
    if version > supported:
        raise FormatVersionError(
            f"{subject} was saved by a newer NN Studio (format {version}; this version reads "
            f"up to {supported}); please update NN Studio")
    return version
