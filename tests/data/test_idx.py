"""IDX files: round trips, and a clear error for each way a file can be broken."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnstudio.data import DatasetError, IdxFormatError, read_idx, write_idx


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "float32", "float64"])
@pytest.mark.parametrize("gz", [True, False])
def test_round_trip_every_type(tmp_path, dtype, gz):
    array = (np.arange(2 * 3 * 4) - 5).astype(dtype).reshape(2, 3, 4)
    path = tmp_path / ("a.idx.gz" if gz else "a.idx")
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype)
    assert back.dtype.isnative
    np.testing.assert_array_equal(back, array)
    back[0, 0, 0] = 1  # the result is writable


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.uint8, hnp.array_shapes(min_dims=1, max_dims=4, max_side=6)), st.booleans())
def test_round_trip_any_shape(tmp_path_factory, array, gz):
    path = tmp_path_factory.mktemp("idx") / "a"
    write_idx(path, array, compress=gz)
    np.testing.assert_array_equal(read_idx(path), array)


def test_compression_is_detected_from_the_bytes_not_the_name(tmp_path):
    array = np.arange(10, dtype=np.uint8)
    gz_named_raw = tmp_path / "labels.gz"
    raw_named_gz = tmp_path / "labels-idx1-ubyte"
    write_idx(gz_named_raw, array, compress=False)
    write_idx(raw_named_gz, array, compress=True)
    assert raw_named_gz.read_bytes()[:2] == b"\x1f\x8b"
    np.testing.assert_array_equal(read_idx(gz_named_raw), array)
    np.testing.assert_array_equal(read_idx(raw_named_gz), array)


def test_written_gzip_is_reproducible(tmp_path):
    array = np.arange(100, dtype=np.uint8)
    write_idx(tmp_path / "a.gz", array)
    write_idx(tmp_path / "b.gz", array)
    assert (tmp_path / "a.gz").read_bytes() == (tmp_path / "b.gz").read_bytes()


def test_truncated_payload_says_how_much_is_missing(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    header = bytes([0, 0, 0x08, 3]) + struct.pack(">3I", 60000, 28, 28)
    path.write_bytes(gzip.compress(header + bytes(1200)))
    with pytest.raises(IdxFormatError) as caught:
        read_idx(path)
    message = str(caught.value)
    assert "train-images-idx3-ubyte.gz" in message
    assert "truncated: header promises 60000x28x28 = 47040000 bytes but only 1200 follow" in message


def test_extra_bytes_after_the_data(tmp_path):
    path = tmp_path / "labels"
    path.write_bytes(bytes([0, 0, 0x08, 1]) + struct.pack(">I", 3) + bytes(5))
    with pytest.raises(IdxFormatError, match="2 unexpected bytes after the data"):
        read_idx(path)


def test_bad_magic(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello, world")
    with pytest.raises(IdxFormatError, match=r"notes\.txt: not an IDX file.*two zero bytes"):
        read_idx(path)


def test_unknown_type_code(tmp_path):
    path = tmp_path / "odd.idx"
    path.write_bytes(bytes([0, 0, 0x07, 1]) + struct.pack(">I", 1) + b"\x00")
    with pytest.raises(IdxFormatError, match="unknown IDX data type code 0x07"):
        read_idx(path)


def test_truncated_header(tmp_path):
    path = tmp_path / "short.idx"
    path.write_bytes(bytes([0, 0, 0x08, 3]) + struct.pack(">I", 60000))
    with pytest.raises(IdxFormatError, match="truncated header: 3 dimensions need 16"):
        read_idx(path)


def test_file_too_short(tmp_path):
    path = tmp_path / "tiny"
    path.write_bytes(b"\x00\x00")
    with pytest.raises(IdxFormatError, match="only 2 bytes long"):
        read_idx(path)


def test_gzip_cut_short(tmp_path):
    good = tmp_path / "good.gz"
    write_idx(good, np.random.default_rng(0).integers(0, 255, 5000, dtype=np.uint8))
    cut = tmp_path / "cut.gz"
    cut.write_bytes(good.read_bytes()[:-2000])
    with pytest.raises(IdxFormatError, match=r"cut\.gz: the gzip stream ends early"):
        read_idx(cut)


def test_damaged_gzip(tmp_path):
    path = tmp_path / "damaged.gz"
    data = bytearray(gzip.compress(bytes([0, 0, 8, 1, 0, 0, 0, 4, 1, 2, 3, 4]) * 50))
    data[20:30] = b"\xff" * 10
    path.write_bytes(bytes(data))
    with pytest.raises(IdxFormatError, match="damaged"):
        read_idx(path)


def test_format_error_is_a_value_error_and_a_dataset_error(tmp_path):
    assert issubclass(IdxFormatError, ValueError)
    assert issubclass(IdxFormatError, DatasetError)


def test_write_refuses_types_idx_cannot_hold(tmp_path):
    with pytest.raises(IdxFormatError, match="int64"):
        write_idx(tmp_path / "a.idx", np.arange(3, dtype=np.int64))


def test_a_header_promising_more_than_the_limit_is_refused_before_unpacking(tmp_path):
    path = tmp_path / "bomb.gz"
    header = bytes([0, 0, 0x08, 1]) + struct.pack(">I", 2**31)  # 2 GiB of pixels promised
    path.write_bytes(gzip.compress(header + bytes(1000)))
    with pytest.raises(IdxFormatError, match=r"bomb\.gz: the header promises 2147483648 = "
                                             r"2147483648 bytes, more than the 1073741824"):
        read_idx(path)


def test_a_gzip_bomb_costs_no_more_than_its_header_promises(tmp_path):
    import tracemalloc
    import zlib

    path = tmp_path / "bomb.gz"
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # a gzip stream
    body = [packer.compress(bytes([0, 0, 0x08, 1]) + struct.pack(">I", 100))]
    body += [packer.compress(bytes(1 << 20)) for _ in range(64)]  # 64 MiB of zeros
    path.write_bytes(b"".join(body) + packer.flush())
    assert path.stat().st_size < 200_000
    tracemalloc.start()
    try:
        with pytest.raises(IdxFormatError, match="at least 1048576 unexpected bytes"):
            read_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20


def test_an_unreadable_file_says_permission_denied(tmp_path, monkeypatch):
    import errno
    import os

    path = tmp_path / "train-labels-idx1-ubyte"
    write_idx(path, np.arange(3, dtype=np.uint8))
    real_open = os.open

    def denied(name, flags, *args):
        if os.fspath(name) == str(path):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), name)
        return real_open(name, flags, *args)

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(DatasetError, match=r"train-labels-idx1-ubyte: permission denied$"):
        read_idx(path)
