"""Downloads, with the network replaced by a fake server: nothing here leaves the machine."""

from __future__ import annotations

import gzip
import hashlib
import re

import numpy as np
import pytest
import requests

from nnstudio.data import (
    DatasetError,
    DownloadCancelled,
    fetch,
    list_datasets,
    load_dataset,
    remote,
)
from nnstudio.data.folders import STANDARD_FILES
from nnstudio.data.idx import write_idx

MIRROR = "https://mirror-a.test/mnist/"
BACKUP = "https://mirror-b.test/mnist/"


class FakeResponse:
    """Enough of requests.Response for the downloader."""

    def __init__(self, url: str, body: bytes, status: int = 200, chunk: int = 1000) -> None:
        self.url, self.body, self.status_code, self.chunk = url, body, status, chunk
        self.reason = "OK" if status == 200 else "Not Found"
        self.closed = False

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise requests.HTTPError(f"{self.status_code} {self.reason}", response=self)

    def iter_content(self, chunk_size: int):
        for start in range(0, len(self.body), self.chunk):
            yield self.body[start : start + self.chunk]

    def close(self) -> None:
        self.closed = True


class FakeServer:
    """Serves ``files`` (url -> bytes); urls listed in ``down`` refuse connections."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.down: set[str] = set()
        self.requests: list[str] = []

    def __call__(self, url: str) -> FakeResponse:
        self.requests.append(url)
        if any(url.startswith(prefix) for prefix in self.down):
            raise requests.ConnectionError(
                "Failed to resolve 'mirror.test' (Name or service not known)"
            )
        if url not in self.files:
            return FakeResponse(url, b"", status=404)
        return FakeResponse(url, self.files[url])


@pytest.fixture
def server(monkeypatch, fake_arrays, tmp_path):
    """A fake mirror serving a small MNIST, registered in place of the real one."""
    fake = FakeServer()
    arrays = fake_arrays()
    files = []
    for key, stem in STANDARD_FILES.items():
        write_idx(tmp_path / "src.gz", arrays[key], compress=True)
        body = (tmp_path / "src.gz").read_bytes()
        fake.files[MIRROR + stem + ".gz"] = body
        fake.files[BACKUP + stem + ".gz"] = body
        files.append(remote.RemoteFile(stem + ".gz", hashlib.sha256(body).hexdigest(), len(body)))
    monkeypatch.setitem(
        remote.REMOTE_SETS, "mnist", remote.RemoteSet("mnist", (MIRROR, BACKUP), tuple(files))
    )
    monkeypatch.setattr(remote, "_http_get", fake)
    fake.arrays = arrays
    return fake


def cache_contents() -> list[str]:
    folder = remote.cache_folder("mnist")
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_downloads_into_the_cache_and_loads(server):
    seen = []
    dataset = load_dataset("mnist", progress=lambda done, total: seen.append((done, total)))
    np.testing.assert_array_equal(dataset.x_train, server.arrays["x_train"])
    np.testing.assert_array_equal(dataset.y_test, server.arrays["y_test"])
    assert cache_contents() == sorted(f"{stem}.gz" for stem in STANDARD_FILES.values())
    total = remote.REMOTE_SETS["mnist"].total_size
    assert all(t == total for _, t in seen)
    done = [d for d, _ in seen]
    assert done == sorted(done) and done[-1] == total


def test_second_load_uses_the_cache(server):
    load_dataset("mnist")
    server.requests.clear()
    load_dataset("mnist")
    assert server.requests == []
    assert {info.name: info.available for info in list_datasets()}["mnist"]


def test_checksum_mismatch_leaves_no_file(server):
    for url in list(server.files):
        if "train-images" in url:
            server.files[url] = gzip.compress(b"something else entirely")
    with pytest.raises(DatasetError) as caught:
        fetch("mnist")
    message = str(caught.value)
    assert "could not download train-images-idx3-ubyte.gz from any mirror" in message
    assert "SHA-256 does not match" in message and "discarded" in message
    assert "train-images-idx3-ubyte.gz" not in cache_contents()
    assert not [name for name in cache_contents() if not name.endswith(".gz")]  # no temp files


def test_offline_says_what_to_do(server):
    server.down = {MIRROR, BACKUP}
    with pytest.raises(DatasetError) as caught:
        load_dataset("mnist")
    message = str(caught.value)
    assert re.search(r"mnist: could not download .*check your connection.*--data-dir", message)
    assert "Name or service not known" in message
    assert cache_contents() == []


def test_falls_back_to_the_next_mirror(server):
    server.down = {MIRROR}
    dataset = load_dataset("mnist")
    assert dataset.x_train.shape == server.arrays["x_train"].shape
    assert any(url.startswith(BACKUP) for url in server.requests)


def test_http_error_is_reported(server):
    server.files = {}
    with pytest.raises(DatasetError, match="the server answered 404 Not Found"):
        fetch("mnist")


def test_cancel_stops_and_removes_the_partial_file(server):
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 2  # let two chunks through, then cancel

    with pytest.raises(DownloadCancelled) as caught:
        fetch("mnist", cancel=cancel)
    assert isinstance(caught.value, DatasetError)
    assert cache_contents() == []


def test_damaged_cached_file_is_downloaded_again(server):
    fetch("mnist")
    damaged = remote.cache_folder("mnist") / "t10k-labels-idx1-ubyte.gz"
    damaged.write_bytes(b"garbage")
    server.requests.clear()
    folder = fetch("mnist")
    assert server.requests == [MIRROR + "t10k-labels-idx1-ubyte.gz"]
    np.testing.assert_array_equal(
        load_dataset("mnist", data_dir=folder).y_test, server.arrays["y_test"]
    )


def test_unknown_set_cannot_be_fetched():
    with pytest.raises(DatasetError, match="'spirals' cannot be downloaded"):
        fetch("spirals")


def test_real_registry_pins_every_file():
    for remote_set in remote.REMOTE_SETS.values():
        assert len(remote_set.files) == 4
        assert all(mirror.endswith("/") for mirror in remote_set.mirrors)
        for file in remote_set.files:
            assert re.fullmatch(r"[0-9a-f]{64}", file.sha256)
            assert file.size > 0
