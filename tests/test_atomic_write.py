"""The one atomic write: whole or nothing, through symlinks, clear errors, no litter."""

from __future__ import annotations

import errno
import fcntl
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from nnstudio.storage import atomic_write
from nnstudio.storage.atomic_write import SaveError, is_temp_name, write_atomic


def temps(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if is_temp_name(p.name)]


def test_writes_bytes_or_a_callback(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.bin", b"one")
    write_atomic(tmp_path / "a.bin", lambda handle: handle.write(b"two"))
    assert (tmp_path / "a.bin").read_bytes() == b"two"
    assert temps(tmp_path) == []


def test_writes_through_a_symlink_and_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "w.npz"
    target.write_bytes(b"old")
    link = tmp_path / "link.npz"
    link.symlink_to(target)
    write_atomic(link, b"new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == b"new"
    assert temps(tmp_path) == [] and temps(tmp_path / "real") == []


def test_an_existing_file_keeps_its_mode_and_a_new_one_follows_the_umask(
        tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    kept.write_bytes(b"x")
    kept.chmod(0o640)
    write_atomic(kept, b"y")
    assert kept.stat().st_mode & 0o777 == 0o640
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new", b"z")
    finally:
        os.umask(old)
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o640


def test_a_long_valid_name_works(tmp_path: Path) -> None:
    path = tmp_path / ("n" * 236 + ".nnstudio")  # 245 bytes: the temporary name is short
    write_atomic(path, b"data")
    assert path.read_bytes() == b"data"


def failing_fsync(fd: int) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_names_the_file_and_keeps_the_old_one(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "model.nnstudio"
    path.write_bytes(b"old")
    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(SaveError) as caught:
        write_atomic(path, b"new" * 1000)
    message = str(caught.value)
    assert str(path) in message and "disk is full" in message
    assert ".tmp" not in message and ".nns-" not in message
    assert caught.value.errno == errno.ENOSPC and isinstance(caught.value, OSError)
    assert path.read_bytes() == b"old" and temps(tmp_path) == []


def test_a_read_only_folder_names_the_file(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def read_only(path, flags, *args):  # noqa: ANN001, ANN202 - os.open's own signature
        if flags & os.O_CREAT:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(SaveError) as caught:
        write_atomic(tmp_path / "w.npz", b"x")
    assert str(caught.value) == (f"could not save {tmp_path / 'w.npz'}: the folder is on a "
                                 f"read-only file system")


def test_a_missing_folder_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(SaveError, match=r"could not save .*nowhere/w\.npz: the folder does "):
        write_atomic(tmp_path / "nowhere" / "w.npz", b"x")


def test_an_error_of_the_writer_passes_through_and_leaves_nothing(tmp_path: Path) -> None:
    def broken(handle) -> None:  # noqa: ANN001
        handle.write(b"half")
        raise ValueError("not storable")

    with pytest.raises(ValueError, match="not storable"):
        write_atomic(tmp_path / "x", broken)
    assert list(tmp_path.iterdir()) == []


def age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_a_stale_temporary_file_is_removed_but_not_a_live_or_new_one(tmp_path: Path) -> None:
    stale, live, new = (tmp_path / f".nns-{n}.tmp" for n in ("dead00", "live00", "new000"))
    for path in (stale, live, new):
        path.write_bytes(b"partial")
    age(stale, 3600)
    age(live, 3600)
    with open(live, "rb") as held:  # another writer, still at work, holds its lock
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        write_atomic(tmp_path / "doc.json", b"{}")
        assert sorted(temps(tmp_path)) == sorted([live.name, new.name])


WRITER = textwrap.dedent("""
    import sys, time
    from nnstudio.storage.atomic_write import write_atomic
    path, saves = sys.argv[1], int(sys.argv[2])
    for i in range(1, saves + 2):
        def write(handle, i=i):
            for block in range(256):  # 1 MiB in many writes
                handle.write(bytes([i]) * 4096)
                if i > saves and block == 128:
                    print("mid", flush=True)  # the last save: killed half way through
                    time.sleep(60)
        write_atomic(path, write)
        print("saved", i, flush=True)
""")


def test_a_kill_mid_save_leaves_the_old_file_and_the_next_save_cleans_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "w.npz"
    env = {**os.environ, "PYTHONPATH": str(Path(atomic_write.__file__).parents[1])}
    for saves in range(4):  # killed during the first save of a new file, then of old ones
        path.unlink(missing_ok=True)
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(saves)],
                                 env=env, stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        lines = [child.stdout.readline().strip() for _ in range(saves + 1)]
        assert lines[-1] == "mid"
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        if saves == 0:
            assert not path.exists()  # never half a file
        else:
            assert path.read_bytes() == bytes([saves]) * (1 << 20)  # the last whole save
        assert len(temps(tmp_path)) == 1  # what the kill left
        write_atomic(path, b"next")  # a fresh leftover: might be a live writer's, so kept
        assert len(temps(tmp_path)) == 1
        monkeypatch.setattr(atomic_write, "STALE_AFTER_SECONDS", 0.0)
        write_atomic(path, b"next")  # unlocked now that its writer is dead: removed
        monkeypatch.undo()
        assert temps(tmp_path) == [] and path.read_bytes() == b"next"
