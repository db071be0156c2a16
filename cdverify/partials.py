"""Detection partials kept between runs: a value a stage computed from a part of the project's facts,
served again while that part is unchanged (after a one-file edit, most of it is).

A partial is stored with a key: the digest of exactly the inputs its computation reads, so it is served
only for the very same inputs, and it is exact by construction. The function that computes the key lives
beside the computation it stands for (`tracing.tracing_inputs` beside `tracing.instances_of`), and a test
checks that the computation reads nothing else (tests/pipeline/test_partials.py). cdverify's code and
catalogues are in every key (results.code_fingerprint), so a new release or an edited catalogue never
serves a partial of the old one.

Partials live in the project's facts folder (cdverify/cache.py), one file per kind holding the last value:
a run writes one only when its key changed. `--no-cache` neither reads nor writes them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from cdverify.files import MAX_UNTRUSTED_BYTES, read_regular

T = TypeVar("T")


class Partials:
    """The partials of one project, in its facts folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, kind: str) -> Path:
        return self.folder / f"partial-{kind}.pickle"

    def value(self, kind: str, inputs: bytes, compute: Callable[[], T]) -> T:
        """The stored value of `kind` when it was computed from the same `inputs` (a digest of what
        `compute` reads), else `compute()`, then stored."""
        from cdverify.results import code_fingerprint

        key = hashlib.blake2b(code_fingerprint() + inputs, digest_size=20).digest()
        try:
            data = read_regular(self._path(kind), MAX_UNTRUSTED_BYTES, follow_symlinks=False, track=False)
            stored_key, value = pickle.loads(data)
            if stored_key == key:
                return value  # type: ignore[no-any-return]
        except Exception:  # absent, damaged, another layout: computed again
            pass
        value = compute()
        self._write(kind, (key, value))
        return value

    def _write(self, kind: str, entry: tuple[bytes, Any]) -> None:
        import tempfile

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".partial-")
        except OSError:
            return  # a read-only cache folder is no reason to fail the analysis
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._path(kind))
        except OSError:
            Path(tmp).unlink(missing_ok=True)
