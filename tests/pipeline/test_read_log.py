"""The read log's packed signatures and the bounded streaming read of cdverify's own cache files
(cdverify/files.py): what is kept packed reads back as it was noted, and `open_regular` refuses what
`read_regular` refuses."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from cdverify.files import NotReadable, ReadLog, open_regular, packed_signature, unpacked_signature


def test_signatures_read_back_as_noted() -> None:
    log = ReadLog()
    plain = (0o100644, 120, 1_700_000_000_123_456_789, 1_700_000_000_987_654_321, 42, 2049)
    missing = (-1, 2, 0, 0, 0, 0)  # absent: the errno in the size's place
    huge = (0o100644, 1, 0, 0, 2**64 + 5, 0)  # an inode past 64 bits: kept as it is
    log.note("/p/a.py", False, plain)
    log.note("/p/gone", True, missing)
    log.note("/p/odd", False, huge)
    assert dict(log.signatures.items()) == {
        ("/p/a.py", False): plain,
        ("/p/gone", True): missing,
        ("/p/odd", False): huge,
    }
    assert isinstance(log.signatures.packed[("/p/a.py", False)], bytes)
    assert log.signatures.packed[("/p/odd", False)] == huge
    assert log.signatures.get(("/p/b.py", False)) is None and ("/p/gone", True) in log.signatures
    assert not log.doubtful
    log.note("/p/a.py", False, plain)
    assert not log.doubtful  # the same look again
    log.note("/p/a.py", False, (*plain[:1], 121, *plain[2:]))
    assert log.doubtful  # changed during the run


def test_a_packed_signature_is_packed_once() -> None:
    signature = (0o40755, 4096, 5, 6, 7, 8)
    packed = packed_signature(signature)
    assert isinstance(packed, bytes) and len(packed) == 48
    assert packed_signature(packed) is packed and unpacked_signature(packed) == signature
    log = ReadLog()
    log.signatures.update([(("/p", True), packed)])  # a stored entry's reads, packed already
    assert log.signatures[("/p", True)] == signature


def test_open_regular_reads_a_pickle_in_pieces(tmp_path: Path) -> None:
    value = {"key": list(range(100_000))}
    path = tmp_path / "memo.pickle"
    path.write_bytes(pickle.dumps(value))
    with open_regular(path, 10 * 1024 * 1024, follow_symlinks=False) as handle:
        assert pickle.load(handle) == value


def test_open_regular_refuses_what_read_regular_refuses(tmp_path: Path) -> None:
    big = tmp_path / "big"
    big.write_bytes(b"x" * 1000)
    with pytest.raises(NotReadable, match="over the 999-byte limit"):
        open_regular(big, 999)
    link = tmp_path / "link"
    link.symlink_to(big)
    with pytest.raises(NotReadable, match="symbolic link"):
        open_regular(link, 10_000, follow_symlinks=False)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(NotReadable, match="not a regular file"):
        open_regular(fifo, 10_000)
    with pytest.raises(NotReadable):
        open_regular(tmp_path, 10_000)  # a folder


def test_open_regular_stops_at_the_bound_when_the_file_grows(tmp_path: Path) -> None:
    path = tmp_path / "growing"
    path.write_bytes(b"y" * 100)
    with open_regular(path, 150) as handle:
        path.write_bytes(b"y" * 400)  # grown past the bound after the size was checked
        with pytest.raises(NotReadable, match="over the size limit"):
            handle.read()
