"""Downloading the full MNIST-style sets into the user's cache, each file pinned by SHA-256.

pooch does the caching and the checking: it downloads to a temporary file beside the target,
compares the hash, and only then moves the file into place, so an interrupted, cancelled or
corrupted download never leaves a broken file in the cache. The transfer itself is our own
small downloader, so that a GUI gets byte-level progress and can cancel between chunks
without tqdm.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
import pooch

from nnstudio.data.errors import DatasetError, DownloadCancelled, DownloadFailed
from nnstudio.data.folders import STANDARD_FILES, has_idx_files

ProgressCallback = Callable[[int, int | None], None]
CancelCallback = Callable[[], bool]

CACHE_ENV = "NNSTUDIO_CACHE_DIR"
CHUNK_SIZE = 64 * 1024
# Seconds to wait for a connection, and then between two chunks.
TIMEOUT = (15, 60)


@dataclass(frozen=True)
class RemoteFile:
    """One published file: its name, SHA-256 and size in bytes."""

    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class RemoteSet:
    """A downloadable dataset: mirrors tried in order, and its four IDX files."""

    name: str
    mirrors: tuple[str, ...]
    files: tuple[RemoteFile, ...]

    @property
    def total_size(self) -> int:
        return sum(file.size for file in self.files)


def _files(*entries: tuple[str, int]) -> tuple[RemoteFile, ...]:
    stems = list(STANDARD_FILES.values())
    return tuple(
        RemoteFile(f"{stem}.gz", sha, size)
        for stem, (sha, size) in zip(stems, entries, strict=True)
    )


# The SHA-256 sums are those of the files as published (the same sums torchvision, TFDS and
# others pin); sizes are the published sizes, used as the progress total.
REMOTE_SETS: dict[str, RemoteSet] = {
    "mnist": RemoteSet(
        "mnist",
        (
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
        ),
        _files(
            ("440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9912422),
            ("3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28881),
            ("8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1648877),
            ("f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4542),
        ),
    ),
    "fashion-mnist": RemoteSet(
        "fashion-mnist",
        (
            # Zalando's bucket serves plain HTTP only; the pinned hashes are what make it safe.
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
        ),
        _files(
            ("08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc", 26421880),
            ("b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc", 29515),
            ("78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229", 4422102),
            ("42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf", 5148),
        ),
    ),
    "kmnist": RemoteSet(
        "kmnist",
        (
            "https://codh.rois.ac.jp/kmnist/dataset/kmnist/",
            "http://codh.rois.ac.jp/kmnist/dataset/kmnist/",
        ),
        _files(
            ("51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4", 18165135),
            ("e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17", 29497),
            ("edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5", 3041136),
            ("20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c", 5120),
        ),
    ),
}


def cache_root() -> Path:
    """Folder of downloaded sets: ``$NNSTUDIO_CACHE_DIR`` or the user cache of nnstudio."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir("nnstudio")) / "datasets"


def cache_folder(name: str) -> Path:
    """Where the files of the downloadable set ``name`` are kept."""
    return cache_root() / name


def is_cached(name: str) -> bool:
    """Whether all four files of ``name`` are in the cache (checked by name, not by hash)."""
    return has_idx_files(cache_folder(name))


def fetch(
    name: str,
    progress: ProgressCallback | None = None,
    cancel: CancelCallback | None = None,
) -> Path:
    """Download the set ``name`` into the cache if needed; return the folder of its files.

    Files already cached with the right hash are not downloaded again. ``progress(done,
    total)`` is called with byte counts for the whole set; ``cancel()`` returning True stops
    the download with ``DownloadCancelled``. Any failure is a ``DatasetError`` saying what
    to do, and leaves no partial file behind.
    """
    remote = REMOTE_SETS.get(name)
    if remote is None:
        raise DatasetError(
            f"{name!r} cannot be downloaded; downloadable sets: {', '.join(REMOTE_SETS)}"
        )
    folder = cache_folder(name)
    meter = _ProgressMeter(remote.total_size, progress)
    with _quiet_pooch():
        for file in remote.files:
            _fetch_file(remote, file, folder, meter, cancel)
            meter.file_done(file.size)
    return folder


def _fetch_file(
    remote: RemoteSet,
    file: RemoteFile,
    folder: Path,
    meter: _ProgressMeter,
    cancel: CancelCallback | None,
) -> None:
    import requests  # pooch imports it lazily too; it costs a tenth of a second

    failures: list[str] = []
    offline = True
    for mirror in remote.mirrors:
        url = mirror + file.name
        downloader = _StreamDownloader(meter, cancel)
        try:
            pooch.retrieve(
                url,
                known_hash=f"sha256:{file.sha256}",
                fname=file.name,
                path=folder,
                downloader=downloader,
            )
            return
        except DownloadCancelled:
            raise
        except (requests.ConnectionError, requests.Timeout) as error:
            failures.append(f"{url}: {_reason(error)}")
        except requests.RequestException as error:
            offline = False
            failures.append(f"{url}: {_reason(error)}")
        except ValueError:
            # pooch found the hash wrong and has already deleted the download.
            offline = False
            failures.append(
                f"{url}: the downloaded file's SHA-256 does not match the pinned "
                f"{file.sha256}; it was discarded"
            )
        except OSError as error:
            raise DatasetError(
                f"{remote.name}: could not write {file.name} to {folder}: {error}"
            ) from error
        finally:
            meter.file_reset()

    headline = f"{remote.name}: could not download {file.name}"
    if not offline:
        headline += " from any mirror"
    raise DownloadFailed(headline, failures)


def _reason(error: Exception) -> str:
    # requests nests the root cause several levels deep in its message; the innermost is
    # what a person can act on ("Name or service not known", "404 Not Found").
    response = getattr(error, "response", None)
    if response is not None and getattr(response, "status_code", None):
        return f"the server answered {response.status_code} {response.reason}"
    cause: BaseException = error
    while cause.__context__ is not None and cause.__context__ is not cause:
        cause = cause.__context__
    return str(cause) or type(cause).__name__


class _ProgressMeter:
    """Turns per-chunk byte counts into whole-set ``progress(done, total)`` calls."""

    def __init__(self, total: int | None, callback: ProgressCallback | None) -> None:
        self.total = total
        self.callback = callback
        self.finished = 0
        self.current = 0

    def add(self, count: int) -> None:
        self.current += count
        self._report()

    def file_reset(self) -> None:
        self.current = 0

    def file_done(self, size: int) -> None:
        self.finished += size
        self.current = 0
        self._report()

    def _report(self) -> None:
        if self.callback is not None:
            self.callback(self.finished + self.current, self.total)


class _StreamDownloader:
    """A pooch downloader that streams with requests, reports bytes and can be cancelled."""

    def __init__(self, meter: _ProgressMeter, cancel: CancelCallback | None) -> None:
        self.meter = meter
        self.cancel = cancel

    def __call__(self, url: str, output_file: str, pooch_obj: Any, check_only: bool = False) -> Any:
        response = _http_get(url)
        with contextlib.closing(response):
            response.raise_for_status()
            if check_only:
                return True
            with open(output_file, "wb") as out:
                for chunk in _chunks(response):
                    if self.cancel is not None and self.cancel():
                        raise DownloadCancelled(f"download of {url} cancelled")
                    out.write(chunk)
                    self.meter.add(len(chunk))
        return None


def _http_get(url: str) -> Any:
    """Open a streaming GET; the one place that talks to the network (tests replace it)."""
    import requests

    return requests.get(url, stream=True, timeout=TIMEOUT)


def _chunks(response: Any) -> Iterator[bytes]:
    for chunk in response.iter_content(chunk_size=CHUNK_SIZE):
        if chunk:
            yield chunk


@contextlib.contextmanager
def _quiet_pooch() -> Iterator[None]:
    # pooch logs every download to stderr at INFO; our caller shows its own progress.
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
