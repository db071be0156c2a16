"""The SQL classifier's parser verdicts, remembered with a project's facts: a run after an edit answers the
strings it met before without importing sqlglot (~90 ms of a small app's run, issue 17).

What sqlglot decides (`classify._parse`: statement or fragment, its label, tables and dialect) is a pure
function of the string and of the code that computes it, cdverify's and sqlglot's, which the fingerprint
given to `remembering` covers (`code_print.code_fingerprint()`: every source of cdverify, and the installed
distributions by name and version). So a remembered verdict is the verdict, under that fingerprint only.

`remembering(folder, fingerprint)` makes the classifier answer from `folder/sql.pickle` while it is active
and keep what it computes; on leaving, the file is rewritten with exactly the verdicts this run asked for
(those of strings gone from the project are dropped), when they differ from what was read. The folder is the
project's facts folder (cdverify/cache.py), so the file is counted, used and removed with them
(cdverify/cache_folder.py).
`--no-cache` never enters it. A missing, foreign or broken file is an empty memo.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from cdverify.files import MAX_UNTRUSTED_BYTES, read_regular

if TYPE_CHECKING:
    from cdverify.sql.classify import SqlString

FILE = "sql.pickle"


class _Memo:
    def __init__(self, known: dict[Hashable, SqlString]) -> None:
        self.known = known
        self.used: dict[Hashable, SqlString] = {}

    def answer(self, key: Hashable, compute: Callable[[], SqlString]) -> SqlString:
        found = self.known.get(key)
        if found is None:
            found = compute()
        self.used[key] = found
        return found


_ACTIVE: _Memo | None = None


def recalled(key: Hashable, compute: Callable[[], SqlString]) -> SqlString:
    """`compute()`, or the verdict remembered for `key` while a memo is active."""
    return compute() if _ACTIVE is None else _ACTIVE.answer(key, compute)


def _read(path: Path, fingerprint: bytes) -> dict[Hashable, SqlString]:
    try:
        data = read_regular(path, MAX_UNTRUSTED_BYTES, follow_symlinks=False, track=False)
        stored, known = pickle.loads(data)
    except Exception:  # absent, not a file, not a pickle, classes gone: nothing remembered
        return {}
    return known if stored == fingerprint and isinstance(known, dict) else {}


def _write(path: Path, fingerprint: bytes, used: dict[Hashable, SqlString]) -> None:
    import tempfile  # only when something changed

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sql-")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((fingerprint, used), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return  # a read-only cache folder is no reason to fail the analysis


@contextmanager
def remembering(folder: Path | None, fingerprint: bytes) -> Iterator[None]:
    """The classifier answers from, and adds to, the memo of `folder` meanwhile (None: no memo); verdicts
    are kept under `fingerprint`, the code that computes them."""
    global _ACTIVE
    if folder is None or _ACTIVE is not None:
        yield
        return
    path = folder / FILE
    memo = _Memo(_read(path, fingerprint))
    _ACTIVE = memo
    try:
        yield
    finally:
        _ACTIVE = None
    if memo.used != memo.known:
        _write(path, fingerprint, memo.used)
