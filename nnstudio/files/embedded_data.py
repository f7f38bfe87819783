"""A project's own data copied into it, only when the person asks (``--embed-data``, or
the import preview's box): the file, or the image files of a folder, as members under
``data/`` of the project's zip. Opening such a project where the data are not found
unpacks them once into the cache and uses that copy."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path, PurePosixPath

from nnstudio.data.remote import cache_root
from nnstudio.data.source import DataSource, image_files
from nnstudio.storage.file_input import InputFileError, format_size, read_limited

PREFIX = "data/"
# All the data one project may carry, whatever the zip's headers claim.
MAX_DATA_BYTES = 2 * 1024**3


class EmbeddedDataError(Exception):
    """The data cannot be copied into, or out of, a project; says why."""


def _files(source: DataSource) -> list[tuple[Path, str]]:
    """(file, name in the project) for each file of the data."""
    path = Path(source.path)
    if path.is_dir():
        return [(file, f"{path.name}/{file.relative_to(path).as_posix()}")
                for file in sorted(image_files(path))]
    return [(path, path.name)]


def write_data(archive: zipfile.ZipFile, source: DataSource) -> None:
    """Copy the data of ``source`` into ``archive`` under data/."""
    files = _files(source)
    missing = [str(file) for file, _ in files if not file.is_file()]
    if missing:
        raise EmbeddedDataError(f"cannot copy the data into the project: {missing[0]} is "
                                f"missing")
    total = sum(file.stat().st_size for file, _ in files)
    if total > MAX_DATA_BYTES:
        raise EmbeddedDataError(f"the data take {format_size(total)}, more than the "
                                f"{format_size(MAX_DATA_BYTES)} a project can carry; keep "
                                f"them beside it instead")
    for file, name in files:
        archive.write(file, PREFIX + name)


def extract_data(project: Path, source: DataSource) -> DataSource | None:
    """``source`` pointed at a copy of the data unpacked from ``project`` (once, into the
    cache); None when the project carries none."""
    target_root = cache_root() / "embedded" / source.sha256[:16]
    name = Path(source.path).name
    target = target_root / name
    if target.exists():
        return replace(source, path=str(target))
    try:
        with zipfile.ZipFile(project) as archive:
            members = [info for info in archive.infolist() if info.filename.startswith(PREFIX)
                       and not info.is_dir()]
            if not members:
                return None
            if sum(info.file_size for info in members) > MAX_DATA_BYTES:
                raise EmbeddedDataError(f"{project.name}: its data are larger than "
                                        f"{format_size(MAX_DATA_BYTES)}")
            for info in members:
                relative = PurePosixPath(info.filename[len(PREFIX):])
                if relative.is_absolute() or ".." in relative.parts or not relative.parts:
                    raise EmbeddedDataError(f"{project.name}: the data member "
                                            f"{info.filename!r} points outside its folder")
                out = target_root.joinpath(*relative.parts)
                out.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as stream:
                    out.write_bytes(read_limited(stream, MAX_DATA_BYTES, info.filename))
    except (OSError, zipfile.BadZipFile, InputFileError) as error:
        raise EmbeddedDataError(f"{project.name}: cannot unpack its data ({error})") from None
    return replace(source, path=str(target)) if target.exists() else None
