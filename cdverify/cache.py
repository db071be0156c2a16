"""A per-project cache of parsed facts, keyed by each file's path and content hash.

Content hashes (not mtimes) keep it right on fresh clones and under `git checkout`. The cache is a folder
per project root in the user's cache folder (never inside the analysed project) holding a fixed number of
shards: a file's entry lives in the shard its path hashes to, and a run rewrites only the shards whose
entries changed, so a one-file edit costs one small shard instead of the whole cache. Each shard is
written to a temporary file and renamed into place, so concurrent runs never read a half-written shard;
a shard that cannot be read (corrupt, foreign, from another version) is simply ignored and rewritten.
Each shard carries the cache key: the cdverify version and the parser's code, queries and catalogues, so
a new release or a changed grammar query never serves stale facts.
"""

from __future__ import annotations

import copyreg
import gc
import hashlib
import io
import os
import pickle
import zlib
from functools import cache
from pathlib import Path
from typing import Any

from cdverify.files import MAX_UNTRUSTED_BYTES, read_regular
from cdverify.locations import cache_dir, data_dir

Entry = tuple[Any, list[Any]]  # (FileFacts | None, findings)
Key = tuple[str, bytes]  # (project-relative path, content digest)

# Shards per project: a one-file edit rewrites about 1/64 of the cache (Home Assistant: ~0.7 of 42 MB).
SHARDS = 64


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


@cache
def _records() -> tuple[type, ...]:
    """The parser's record types (the named tuples of cdverify.model)."""
    from cdverify import model

    return tuple(
        value
        for value in vars(model).values()
        if isinstance(value, type) and issubclass(value, tuple) and hasattr(value, "_fields")
    )


def dumps(value: object) -> bytes:
    """`pickle.dumps` of facts, in the form that loads fastest (read back with `pickle.loads`).

    A record is pickled as `tuple.__new__(cls, values)`, which unpickling runs in C, where a named tuple's
    own `__new__` is a Python call per record (Home Assistant's facts: 2.5 → 1.2 s to load, for 0.2 s more
    to write). Equal strings in records (and in plain tuples in them) are pickled once, so that they load
    as one object: the parser makes a new string per occurrence, two in three of Home Assistant's 1.1 M
    (53 of its 84 MB of strings) repeat one in the same shard."""
    firsts: dict[str, str] = {}
    one = firsts.setdefault  # a string → the first equal one met

    def shared(item: Any) -> Any:
        kind = type(item)
        return one(item, item) if kind is str else tuple(map(shared, item)) if kind is tuple else item

    def as_tuple(record: tuple[Any, ...]) -> tuple[Any, ...]:
        values = [one(v, v) if type(v) is str else shared(v) if type(v) is tuple else v for v in record]
        return (tuple.__new__, (type(record), tuple(values)))

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, **dict.fromkeys(_records(), as_tuple)}
    pickler.dump(value)
    return buffer.getvalue()


def shard_of(path: str) -> int:
    """The shard holding `path`'s entries: stable across runs and machines (unlike `hash`)."""
    return zlib.crc32(path.encode("utf-8", "surrogateescape")) % SHARDS


def facts_folder(root: Path, directory: Path | None = None) -> Path:
    """The folder of the facts of the project at `root` (resolved)."""
    key = hashlib.blake2b(str(root).encode(), digest_size=12).hexdigest()
    return (directory or cache_dir()) / f"facts-{key}"


class FactsCache:
    def __init__(self, root: Path, directory: Path | None = None) -> None:
        self.path = facts_folder(root, directory)  # the folder of shards
        self._legacy = self.path.with_name(f"{self.path.name}.pickle")  # the layout of earlier releases
        self.fingerprint = _code_fingerprint()
        self._loaded: list[frozenset[Key]] = []  # per shard, the keys read from it
        self.entries: dict[Key, Entry] = self._load()
        self.used: dict[Key, Entry] = {}

    @staticmethod
    def stored(root: Path, path: str, digest: bytes, directory: Path | None = None) -> Entry | None:
        """The entry of one file's content, reading its shard alone (the result cache's look at an edit)."""
        cache = FactsCache.__new__(FactsCache)
        cache.path = facts_folder(root, directory)
        cache.fingerprint = _code_fingerprint()
        return cache._read_shard(shard_of(path)).get((path, digest))

    def _shard_path(self, index: int) -> Path:
        return self.path / f"{index:02x}.pickle"

    def _read_shard(self, index: int) -> dict[Key, Entry]:
        try:
            path = self._shard_path(index)
            data = read_regular(path, MAX_UNTRUSTED_BYTES, follow_symlinks=False, track=False)
            fingerprint, entries = pickle.loads(data)
        except Exception:  # missing, not a file, not a pickle, a foreign one, classes gone: ignored
            return {}
        if fingerprint != self.fingerprint or not isinstance(entries, dict):
            return {}
        return {key: entry for key, entry in entries.items() if _is_key(key) and shard_of(key[0]) == index}

    def _load(self) -> dict[Key, Entry]:
        """Every shard's entries. The collector is paused meanwhile: unpickling creates millions of objects
        and frees none, and each collection it would trigger walks them all (Home Assistant's facts: 0.76 →
        0.38 s)."""
        entries: dict[Key, Entry] = {}
        present = self.path.is_dir()
        collecting = gc.isenabled()
        gc.disable()
        try:
            for index in range(SHARDS):
                shard = self._read_shard(index) if present else {}
                self._loaded.append(frozenset(shard))
                entries.update(shard)
        finally:
            if collecting:
                gc.enable()
        return entries

    def get(self, path: str, digest: bytes) -> Entry | None:
        return self.entries.get((path, digest))

    def put(self, path: str, digest: bytes, entry: Entry) -> None:
        self.used[(path, digest)] = entry

    def save(self) -> None:
        """Keep exactly the entries of this run (files gone or changed are dropped): only the shards whose
        entries differ from what was read are written."""
        shards: list[dict[Key, Entry]] = [{} for _ in range(SHARDS)]
        for key, entry in self.used.items():
            shards[shard_of(key[0])][key] = entry
        dirty = [index for index, shard in enumerate(shards) if shard.keys() != self._loaded[index]]
        if not dirty:
            return
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._legacy.unlink(missing_ok=True)
        except OSError:
            return  # a read-only home is no reason to fail the analysis
        for index in dirty:
            try:
                self._write_shard(index, shards[index])
            except OSError:
                continue  # that shard keeps its old entries: still right, as they are keyed by content

    def _write_shard(self, index: int, entries: dict[Key, Entry]) -> None:
        import tempfile  # a warm run with nothing changed never writes

        fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".facts-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(dumps((self.fingerprint, entries)))
            os.replace(tmp, self._shard_path(index))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._loaded[index] = frozenset(entries)


def _is_key(key: object) -> bool:
    return isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str) and isinstance(key[1], bytes)
