"""cdverify's own code and data as one digest (`code_fingerprint`): in every result-cache key
(cdverify/results.py), every partial's key (cdverify/partials.py) and the SQL verdicts' memo, so that a new
release, an edited source or catalogue, or another installed grammar never serves what older code made."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from functools import cache
from pathlib import Path

from cdverify.files import signature_of
from cdverify.locations import PACKAGE_DIR, data_dir

RACY_NS = 3_000_000_000  # a path changed less than this before the run started is not trusted


@cache
def code_fingerprint() -> bytes:
    """cdverify's own code and data, and the installed distributions (a new tree-sitter grammar parses
    differently): any change is a new key, releases or not. Each file stands for itself by its signature,
    as the project's paths do in an entry (reading them all cost every cached run ~5 ms); one changed less
    than RACY_NS ago, which a second change could leave with the same signature, by its content."""
    from cdverify import __version__

    digest = hashlib.blake2b(f"{__version__} {sys.version}".encode(), digest_size=16)
    sources = _package_sources()
    sources += sorted(data_dir("rules").rglob("*.toml")) + sorted(data_dir("grammars").rglob("*.scm"))
    recent = time.time_ns() - RACY_NS
    for source in sources:
        info = os.stat(source)
        if max(info.st_mtime_ns, info.st_ctime_ns) >= recent:
            digest.update(f"{source}\0".encode() + source.read_bytes() + b"\0")
        else:
            digest.update(f"{source}\0{signature_of(info)}\0".encode())
    for folder in sys.path:
        if folder.endswith("-packages") and os.path.isdir(folder):
            digest.update(repr((folder, sorted(os.listdir(folder)))).encode())
    return digest.digest()


def _package_sources() -> list[Path]:
    """cdverify's `.py` files, sorted; the folders that hold none are not walked (the contract runner's
    bundled `node_modules`, ~730 files, cost more than reading every source)."""
    found: list[Path] = []
    for folder, subfolders, names in os.walk(PACKAGE_DIR):
        subfolders[:] = [name for name in subfolders if name not in _NO_SOURCES]
        found.extend(Path(folder, name) for name in names if name.endswith(".py"))
    return sorted(found)


_NO_SOURCES = frozenset({"node_modules", "__pycache__"})
