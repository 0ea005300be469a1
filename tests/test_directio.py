"""Direct I/O writes (innodrive.directio): the bytes in the file are the bytes given,
however they fall across the aligned buffers, and every refusal falls back without loss."""

from __future__ import annotations

import errno
import os
import random

import pytest

from innodrive import directio
from innodrive.directio import ALIGN, DirectWriter, supported

needs_direct = pytest.mark.skipif(not hasattr(os, "O_DIRECT"), reason="direct I/O is Linux's")


def _flags(fd: int) -> int:
    import fcntl

    return fcntl.fcntl(fd, fcntl.F_GETFL)


def _pieces(seed: int, size: int) -> list[bytes]:
    """Pieces of every awkward length: empty, one byte, just under, at and over a buffer."""
    rnd = random.Random(seed)
    lengths = [0, 1, size - 1, size, size + 1, 2 * size, ALIGN - 1, ALIGN + 1, 3]
    lengths += [rnd.randrange(0, 3 * size) for _ in range(60)]
    rnd.shuffle(lengths)
    return [rnd.randbytes(n) for n in lengths]


@needs_direct
@pytest.mark.parametrize("seed", range(4))
def test_the_file_holds_exactly_the_pieces_in_order(tmp_path, seed):
    if not supported(tmp_path):
        pytest.skip("this file system refuses direct I/O")
    size = 4 * ALIGN
    pieces = _pieces(seed, size)
    path = tmp_path / "out.bin"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        before = _flags(fd)
        writer = DirectWriter.start(fd, size)
        assert writer is not None and _flags(fd) & os.O_DIRECT
        for i in range(0, len(pieces), 7):
            writer.write(pieces[i:i + 7])
        writer.close()
        assert writer.direct is False and _flags(fd) == before  # flags given back
        os.write(fd, b"tail")  # an unaligned write afterwards works as usual
    finally:
        os.close(fd)
    assert path.read_bytes() == b"".join(pieces) + b"tail"


@needs_direct
def test_unaligned_offset_appending_and_a_pipe_are_written_the_usual_way(tmp_path):
    path = tmp_path / "a.bin"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        os.write(fd, b"header")  # not at an aligned offset
        assert DirectWriter.start(fd, ALIGN) is None and not _flags(fd) & os.O_DIRECT
    finally:
        os.close(fd)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        assert DirectWriter.start(fd, ALIGN) is None
    finally:
        os.close(fd)
    r, w = os.pipe()
    try:
        assert DirectWriter.start(w, ALIGN) is None
    finally:
        os.close(r)
        os.close(w)
    fd = os.open(path, os.O_WRONLY)
    try:
        assert DirectWriter.start(fd, ALIGN + 1) is None  # a buffer size direct I/O cannot take
    finally:
        os.close(fd)


@needs_direct
@pytest.mark.parametrize("how", ["refused", "short"])
def test_a_refusal_or_a_short_write_loses_nothing(tmp_path, monkeypatch, how):
    """A file system may accept the flag and refuse the first write (EINVAL: nothing
    written), or write part of a buffer: the rest goes the usual way, the same bytes."""
    if not supported(tmp_path):
        pytest.skip("this file system refuses direct I/O")
    size = 2 * ALIGN
    pieces = _pieces(9, size)
    real = os.write
    seen = []

    def write(fd, data):
        if _flags(fd) & os.O_DIRECT:
            seen.append(len(data))
            if how == "refused":
                raise OSError(errno.EINVAL, "Invalid argument")
            return real(fd, data[:ALIGN])  # an aligned part of it
        return real(fd, data)

    path = tmp_path / "out.bin"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        writer = DirectWriter.start(fd, size)
        monkeypatch.setattr(os, "write", write)
        writer.write(pieces)
        writer.close()
    finally:
        monkeypatch.undo()
        os.close(fd)
    assert len(seen) == 1  # after the first, direct I/O is off
    assert path.read_bytes() == b"".join(pieces)


@needs_direct
def test_a_full_disk_is_raised_and_abandon_gives_the_flags_back(tmp_path, monkeypatch):
    if not supported(tmp_path):
        pytest.skip("this file system refuses direct I/O")
    path = tmp_path / "out.bin"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        before = _flags(fd)
        writer = DirectWriter.start(fd, ALIGN)

        def full(fd, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "write", full)
        with pytest.raises(OSError, match="No space"):
            writer.write([b"x" * (3 * ALIGN)])
        monkeypatch.undo()
        writer.abandon()
        assert _flags(fd) == before
    finally:
        os.close(fd)


def test_without_o_direct_nothing_starts(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "O_DIRECT", raising=False)
    fd = os.open(tmp_path / "x", os.O_WRONLY | os.O_CREAT)
    try:
        assert DirectWriter.start(fd) is None
        assert directio.supported(tmp_path) is False
    finally:
        os.close(fd)


@needs_direct
def test_a_full_disk_at_close_is_raised_and_the_flags_are_given_back(tmp_path, monkeypatch):
    if not supported(tmp_path):
        pytest.skip("this file system refuses direct I/O")
    fd = os.open(tmp_path / "out.bin", os.O_WRONLY | os.O_CREAT)
    try:
        before = _flags(fd)
        writer = DirectWriter.start(fd, 4 * ALIGN)
        writer.write([b"y" * (2 * ALIGN + 5)])  # gathered, not yet written

        def full(fd, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "write", full)
        with pytest.raises(OSError, match="No space"):
            writer.close()
        monkeypatch.undo()
        assert _flags(fd) == before
    finally:
        os.close(fd)


@needs_direct
def test_a_buffer_of_the_callers_serves_one_writer_after_another(tmp_path):
    """Writers at aligned offsets of one file, each gathering in the caller's buffer (left as
    the last writer filled it: the next one starts at its beginning), write what fresh
    buffers write; the buffer stays open for the next writer."""
    import mmap

    if not supported(tmp_path):
        pytest.skip("this file system refuses direct I/O")
    size = 4 * ALIGN
    buffer = mmap.mmap(-1, size)
    parts = [_pieces(seed, size) for seed in range(3)]
    path = tmp_path / "out.bin"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    expected = b""
    try:
        for pieces in parts:
            os.lseek(fd, -(-len(expected) // ALIGN) * ALIGN, os.SEEK_SET)
            expected = expected.ljust(-(-len(expected) // ALIGN) * ALIGN, b"\0") + b"".join(pieces)
            writer = DirectWriter.start(fd, size, buffer=buffer)
            assert writer is not None
            writer.write(pieces)
            writer.close()
            assert not buffer.closed
        assert DirectWriter.start(fd, 2 * size, buffer=buffer) is None  # a buffer smaller than asked for
    finally:
        os.close(fd)
    assert path.read_bytes() == expected
