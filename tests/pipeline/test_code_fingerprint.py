"""The code fingerprint in every result-cache key (code_print.code_fingerprint): cdverify's files stand for
themselves by their signature, read only when changed too recently for a signature to be trusted."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from cdverify import code_print


@pytest.fixture
def sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    files = [tmp_path / "a.py", tmp_path / "b.py"]
    for path in files:
        path.write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(code_print, "_package_sources", lambda: list(files))
    code_print.code_fingerprint.cache_clear()
    yield files
    code_print.code_fingerprint.cache_clear()


def _fingerprint() -> bytes:
    code_print.code_fingerprint.cache_clear()
    return code_print.code_fingerprint()


def test_an_edit_that_keeps_size_and_mtime_is_a_new_fingerprint(
    sources: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(code_print, "RACY_NS", 0)  # every file is old enough: signatures only
    first = _fingerprint()
    assert _fingerprint() == first  # a key, not a nonce
    info = os.stat(sources[0])
    sources[0].write_text("x = 2\n", encoding="utf-8")
    os.utime(sources[0], ns=(info.st_atime_ns, info.st_mtime_ns))  # same size, same mtime: the ctime moved
    assert _fingerprint() != first


def test_a_recent_file_is_read(sources: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written just now (the fixture's) are within RACY_NS: their content decides, not a signature,
    which is shown here by giving every file the same signature."""
    monkeypatch.setattr(code_print, "signature_of", lambda info: (0, 0, 0, 0, 0, 0))
    first = _fingerprint()
    sources[1].write_text("y = 1\n", encoding="utf-8")
    assert _fingerprint() != first
    monkeypatch.setattr(code_print, "RACY_NS", 0)
    trusted = _fingerprint()
    sources[1].write_text("z = 1\n", encoding="utf-8")
    assert _fingerprint() == trusted  # signatures alone, all alike here
