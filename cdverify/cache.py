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
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cdverify import model
from cdverify.files import MAX_UNTRUSTED_BYTES, read_regular
from cdverify.locations import cache_dir, data_dir
from cdverify.model import FileFacts

Entry = tuple[Any, list[Any]]  # (FileFacts | None, findings)
Key = tuple[str, bytes]  # (project-relative path, content digest)

# Shards per project: a one-file edit rewrites about 1/16 of the cache (Home Assistant: ~2 of 31 MB, 30 ms).
# An object several files' facts share is stored once per shard: read back from 64 shards, Home Assistant's
# facts took 113 MB, from 16 shards 105 MB.
SHARDS = 16
_FORMER_SHARDS = 64  # before layout 3


def _code_fingerprint() -> str:
    from cdverify import __version__

    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    package = Path(__file__).parent
    # the parsers and the record types they pickle: a changed field or class kind never serves stale facts
    parser_code = [*sorted((package / "parse").glob("*.py")), package / "model.py"]
    # the catalogues the parser reads: its library bindings, the frameworks' app classes a parameter may be
    # annotated with, and the untraced SQL methods it keeps
    rules = data_dir("rules")
    parser_code += [rules / "parse.toml", rules / "frameworks.toml", rules / "orm" / "sinks.toml"]
    for source in [*sorted(data_dir("grammars").rglob("*.scm")), *parser_code]:
        digest.update(source.read_bytes())
    return digest.hexdigest()


def content_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


# The layout of a shard; a shard of another layout (an earlier release's) is ignored, never misread.
FORMAT = "cdverify-facts/3"


# The records a file's facts are made of (cdverify/model.py), pickled by `dumps` as their class and fields.
_RECORDS = (
    model.ImportFact,
    model.SyntaxIssue,
    model.Template,
    model.Value,
    model.CallFact,
    model.Assignment,
    model.FunctionFact,
    model.Stop,
    model.Member,
    model.EnvHelper,
    model.FileFacts,
)
_make = tuple.__new__  # `tuple.__new__(Value, fields)`: a record made in C, without its class's `__new__`


def _reduced(record: tuple[Any, ...]) -> tuple[Any, ...]:
    return _make, (type(record), tuple(record))


# Each record written as a call of `tuple.__new__` with its class and fields: read back in C (a named tuple's
# own `__new__` is a Python function). An object shared by several facts (a string, a value, an argument
# list, an import statement the parser shares, cdverify/parse/sharing.py) is written once and read back as
# one object. Home Assistant's package: its facts read from the 64 shards take 113 MB (89 MB as parsed,
# sharing across the whole project); converted from msgspec's builtins, which share strings alone, 137 MB.
_DISPATCH = {**copyreg.dispatch_table, **dict.fromkeys(_RECORDS, _reduced)}


def dumps(parsed: Iterable[Entry], *head: Any) -> bytes:
    """Entries as the facts cache stores them, after the `head` items: `(*head, (facts, findings))`."""
    entries = list(parsed)
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump((*head, ([facts for facts, _ in entries], [findings for _, findings in entries])))
    return out.getvalue()


def unpack(packed: tuple[Any, list[list[Any]]]) -> list[Entry]:
    """The entries of what `dumps` wrote (after its head). A ValueError when it holds anything else (another
    release's layout)."""
    facts, findings = packed
    if not isinstance(facts, list) or not isinstance(findings, list) or len(facts) != len(findings):
        raise ValueError("facts and findings differ in length")
    if not all(fact is None or type(fact) is FileFacts for fact in facts):
        raise ValueError("not the facts of files")
    return list(zip(facts, findings, strict=True))


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
            layout, fingerprint, keys, packed = pickle.loads(data)
            if layout != FORMAT or fingerprint != self.fingerprint:
                return {}
            entries = unpack(packed)
        except Exception:  # missing, not a file, not a pickle, a foreign one, classes gone: ignored
            return {}
        if not isinstance(keys, list) or len(keys) != len(entries):
            return {}
        return {
            key: entry
            for key, entry in zip(keys, entries, strict=True)
            if _is_key(key) and shard_of(key[0]) == index
        }

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
            for index in range(SHARDS, _FORMER_SHARDS):  # the shards of a layout of more shards
                self._shard_path(index).unlink(missing_ok=True)
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
                handle.write(dumps(entries.values(), FORMAT, self.fingerprint, list(entries)))
            os.replace(tmp, self._shard_path(index))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._loaded[index] = frozenset(entries)


def _is_key(key: object) -> bool:
    return isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str) and isinstance(key[1], bytes)
