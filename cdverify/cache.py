"""A per-project cache of parsed facts, keyed by each file's path and content hash.

Content hashes (not mtimes) keep it right on fresh clones and under `git checkout`. The cache is one
pickle per project root in the user's cache folder (never inside the analysed project), written to a
temporary file and renamed into place, so concurrent runs never read a half-written cache; a cache
that cannot be read is simply ignored. Its key includes the cdverify version and the query texts, so
a new release or a changed grammar query never serves stale facts.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from cdverify.locations import cache_dir, data_dir

Entry = tuple[Any, list[Any]]  # (FileFacts | None, findings)


def _code_fingerprint() -> str:
    from cdverify import __version__

    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    package = Path(__file__).parent
    # the parsers and the record types they pickle: a changed field or class kind never serves stale facts
    parser_code = [*sorted((package / "parse").glob("*.py")), package / "model.py"]
    # the catalogues the parser reads: its library bindings, and the untraced SQL methods it keeps
    parser_code += [data_dir("rules") / "parse.toml", data_dir("rules") / "orm" / "sinks.toml"]
    for source in [*sorted(data_dir("grammars").rglob("*.scm")), *parser_code]:
        digest.update(source.read_bytes())
    return digest.hexdigest()


def content_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class FactsCache:
    def __init__(self, root: Path, directory: Path | None = None) -> None:
        key = hashlib.blake2b(str(root).encode(), digest_size=12).hexdigest()
        self.path = (directory or cache_dir()) / f"facts-{key}.pickle"
        self.fingerprint = _code_fingerprint()
        self.entries: dict[tuple[str, bytes], Entry] = self._load()
        self.used: dict[tuple[str, bytes], Entry] = {}

    def _load(self) -> dict[tuple[str, bytes], Entry]:
        try:
            with self.path.open("rb") as handle:
                fingerprint, entries = pickle.load(handle)
        except Exception:
            return {}
        return entries if fingerprint == self.fingerprint and isinstance(entries, dict) else {}

    def get(self, path: str, digest: bytes) -> Entry | None:
        return self.entries.get((path, digest))

    def put(self, path: str, digest: bytes, entry: Entry) -> None:
        self.used[(path, digest)] = entry

    def save(self) -> None:
        """Keep exactly the entries of this run (files gone or changed are dropped)."""
        if self.used.keys() == self.entries.keys():
            return
        import tempfile  # a warm run with nothing changed never writes

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".facts-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((self.fingerprint, self.used), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only home is no reason to fail the analysis
