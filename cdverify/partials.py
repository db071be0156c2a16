"""Detection partials kept between runs: a value a stage computed from a part of the project's facts,
served again while that part is unchanged (after a one-file edit, most of it is).

A partial is stored with a key: the digest of exactly the inputs its computation reads, so it is served
only for the very same inputs, and it is exact by construction. The function that computes the key lives
beside the computation it stands for, and a test checks that the computation reads nothing else
(tests/pipeline/test_partials.py). A kept value (`Partials.kept`) is brought up to date instead: the
traced instances (detect/traced_state.py) are stored with what they were computed from, and after an edit
only what the changed files can change is computed again (tests/pipeline/test_traced_state.py).
cdverify's code and catalogues are in every key (code_print.code_fingerprint), so a new release or an
edited catalogue never serves a partial of the old one.

A per-file partial (`FileMemo`) holds one value per parsed file, keyed by the file's path and content
digest, under the digest of the project-wide inputs the step reads besides the file (resolution reads the
project's listing): after an edit, only the edited files' values are computed again.

Partials live in the project's facts folder (cdverify/cache.py), one file per kind holding the last value
(a per-file memo's values in FILE_SHARDS files by path): a run writes one only when it changed.
`--no-cache` neither reads nor writes them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from cdverify.files import MAX_UNTRUSTED_BYTES, open_regular

T = TypeVar("T")


class Partials:
    """The partials of one project, in its facts folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, kind: str) -> Path:
        return self.folder / f"partial-{kind}.pickle"

    def _key(self, inputs: bytes) -> bytes:
        from cdverify.code_print import code_fingerprint

        return hashlib.blake2b(code_fingerprint() + inputs, digest_size=20).digest()

    def _read(self, kind: str, key: bytes) -> Any:
        """The value stored for `kind` under `key`; `_MISSING` when there is none."""
        try:  # unpickled as it is read: the traced state's 7 MB file is never held whole besides its value
            with open_regular(self._path(kind), MAX_UNTRUSTED_BYTES, follow_symlinks=False) as handle:
                stored_key, value = pickle.load(handle)
        except Exception:  # absent, damaged, another layout: computed again
            return _MISSING
        return value if stored_key == key else _MISSING

    def per_file(self, kind: str, inputs: bytes, digests: Mapping[str, bytes]) -> FileMemo:
        """The memo of a per-file step reading, besides each file, the project-wide `inputs` (a digest);
        `digests`: each file's content digest. Its values are kept in FILE_SHARDS files by path, so that
        after an edit only the shards of the files read again are written."""
        key = self._key(inputs)
        stored: dict[tuple[str, bytes], Any] = {}
        for shard in range(FILE_SHARDS):
            values = self._read(f"{kind}-{shard:x}", key)
            if isinstance(values, dict):
                stored.update(values)
        return FileMemo(self, kind, key, digests, stored)

    def value(self, kind: str, inputs: bytes, compute: Callable[[], T]) -> T:
        """The stored value of `kind` when it was computed from the same `inputs` (a digest of what
        `compute` reads), else `compute()`, then stored."""
        key = self._key(inputs)
        value = self._read(kind, key)
        if value is _MISSING:
            value = compute()
            self._write(kind, (key, value))
        return value  # type: ignore[no-any-return]

    def kept(self, kind: str, inputs: bytes, update: Callable[[Any], T]) -> T:
        """A value brought up to date from run to run: `update(stored)` (`stored` is None when no value of
        `kind` was kept under the same `inputs`) gives this run's value, which is stored unless it is
        the stored value itself. `update` must give what computing afresh would, whatever it is handed
        (tests check it of each such step): only what it cannot read from the facts goes in `inputs`."""
        key = self._key(inputs)
        stored = self._read(kind, key)
        stored = None if stored is _MISSING else stored
        value = update(stored)
        if value is not stored:
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
                pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)  # in frames: no whole copy
            os.replace(tmp, self._path(kind))
        except OSError:
            Path(tmp).unlink(missing_ok=True)


_MISSING = object()


class FileMemo:
    """The values of one per-file step: those of unchanged files as stored, the others computed."""

    def __init__(
        self,
        partials: Partials,
        kind: str,
        key: bytes,
        digests: Mapping[str, bytes],
        stored: dict[tuple[str, bytes], Any],
    ) -> None:
        self._partials = partials
        self._kind = kind
        self._key = key
        self._digests = digests
        self._stored = stored
        self._used: dict[tuple[str, bytes], Any] = {}
        self._computed: set[int] = (
            set()
        )  # shards with a value computed again (its file, or what else it read, changed)

    def digest_of(self, path: str) -> bytes | None:
        """The content digest of a parsed file (None: not in the facts cache)."""
        return self._digests.get(path)

    def value(self, path: str, compute: Callable[[], T], still: Callable[[T], bool] | None = None) -> T:
        """The value of the step for `path`: stored when its content is the same (and `still(stored)`
        holds: what else the stored value was computed from is unchanged), else `compute()`."""
        digest = self._digests.get(path)
        if digest is None:
            return compute()
        entry = (path, digest)
        if entry in self._stored and (still is None or still(self._stored[entry])):
            value = self._used[entry] = self._stored[entry]
            return value  # type: ignore[no-any-return]
        value = self._used[entry] = compute()
        self._computed.add(shard_of(path))
        return value

    def save(self) -> None:
        """Keep exactly this run's values; a shard is written only when its values differ from those
        stored (one was computed again, or its files are not the same)."""
        used: list[dict[tuple[str, bytes], Any]] = [{} for _ in range(FILE_SHARDS)]
        for entry, value in self._used.items():
            used[shard_of(entry[0])][entry] = value
        stored: list[set[tuple[str, bytes]]] = [set() for _ in range(FILE_SHARDS)]
        for entry in self._stored:
            stored[shard_of(entry[0])].add(entry)
        for shard, values in enumerate(used):
            if shard in self._computed or values.keys() != stored[shard]:
                self._partials._write(f"{self._kind}-{shard:x}", (self._key, values))


FILE_SHARDS = 16


def shard_of(path: str) -> int:
    """The shard of a per-file memo that keeps the value of `path` (the same in every run)."""
    return zlib.crc32(path.encode()) % FILE_SHARDS


K = TypeVar("K")
V = TypeVar("V")


class Noted(Mapping[K, V]):
    """A mapping of project-wide inputs as one file's step reads it: each key looked up is noted with
    what it held (None: nothing), so that the step's value, kept between runs, is served again only
    while each of those keys holds the same (`same_looks`). Going through the whole mapping is noted
    too (`everything`): such a value is never served again."""

    def __init__(self, mapping: Mapping[K, V]) -> None:
        self.mapping = mapping
        self.looked: dict[K, V | None] = {}
        self.everything = False

    def __getitem__(self, key: K) -> V:
        value = self.looked[key] = self.mapping.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def get(self, key: K, default: Any = None) -> Any:
        value = self.looked[key] = self.mapping.get(key)
        return default if value is None else value

    def __contains__(self, key: object) -> bool:
        value = self.looked[key] = self.mapping.get(key)  # type: ignore[index, arg-type]
        return value is not None

    def __iter__(self) -> Iterator[K]:
        self.everything = True
        return iter(self.mapping)

    def __len__(self) -> int:
        self.everything = True
        return len(self.mapping)

    def looks(self) -> tuple[tuple[K, V | None], ...] | None:
        """The keys looked up with what they held; None when the whole mapping was read."""
        return None if self.everything else tuple(self.looked.items())


def same_looks(looks: tuple[tuple[K, V | None], ...] | None, mapping: Mapping[K, V]) -> bool:
    """Each key of `looks` (noted by `Noted`) holds the same in `mapping`."""
    return looks is not None and all(mapping.get(key) == value for key, value in looks)
