"""The result cache: the finished output of `check` or `inspect`, served again while nothing it depends on
has changed (as ruff and mypy do for an unchanged project).

An entry is keyed by everything a report depends on: cdverify's version, the fingerprint of its code and
catalogues, the installed packages, the command, its constraints and output options, the resolved
configuration (harness environment included), the working folder, and what discovery found. It also holds
the signature (kind, size, mtime, ctime, inode, device) of every path the run looked at: each discovered
file and folder, each file read (sources, manifests, `.env` files, a `package.json` or tsconfig under
`node_modules` that resolution used), and each path probed and found absent. All of those looks go
through cdverify/files.py, which logs them while `recording()`: a read that does not cannot be made
without bypassing that module, and tests/pipeline/test_result_cache.py fails when one does.

An entry is served only when every signature is unchanged; any doubt is a miss. A run whose log saw a path
change under it, or that saw a path changed less than `RACY_NS` before it started (a write within the file
system's timestamp granularity would go unseen, as git's "racily clean" files), stores nothing.
`--no-cache` neither reads nor writes it. The facts cache (cdverify/cache.py) stays underneath for
partial changes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import time
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import msgspec

from cdverify import progress
from cdverify.code_print import RACY_NS, code_fingerprint
from cdverify.files import (
    MAX_UNTRUSTED_BYTES,
    ReadKey,
    ReadLog,
    Signature,
    current_signature,
    packed_signature,
    read_regular,
)
from cdverify.locations import cache_dir

if TYPE_CHECKING:
    from cdverify.config import Config
    from cdverify.constraints import Constraints
    from cdverify.discover import Project
    from cdverify.model import SourceFile
    from cdverify.pipeline import Report
    from cdverify.same_facts import Source, Sources

FORMAT = 3  # of an entry: a change makes earlier entries misses
KEEP = 16  # entries per project: two per command, format and option set (after discovery, and before it)

# each path looked at with its signature then, packed (`files.packed_signature`)
Reads = tuple[tuple[ReadKey, bytes | Signature], ...]
# an entry: what was read, the output, the exit code, the token of its edit record ("" = none)
Stored = tuple[Reads, str, int, bytes]


class Edited(NamedTuple):
    """What the paths an entry's run looked at tell now, when all that changed are parsed sources."""

    served: tuple[str, int] | None  # the stored output and exit code, when still right
    reads: Reads  # the stored run's looks, with their signatures now
    project: Project | None  # what discovery would find now (the stored discovery, resized)
    # the parsed files whose signature is unchanged → the digest of the content whose facts they have
    known: dict[str, bytes] | None = None


class Request(msgspec.Struct, frozen=True):
    """What a command asks, besides the project's files: the key's part known before discovery."""

    command: str  # "check" or "inspect"
    path: str  # as given
    config: Config
    constraints: Constraints | None
    output: tuple[Any, ...]  # the format and the reporter's options
    jobs: int | None


def canonical(value: Any) -> Any:
    """`value` as nested tuples of plain values whose `repr` is the same in every process: sets sorted,
    dataclasses, records and mappings spelt out field by field (a set's order changes with string hashing)."""
    if isinstance(value, Enum):
        return (type(value).__name__, value.value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = [f.name for f in dataclasses.fields(value)]
        return (type(value).__name__, *((name, canonical(getattr(value, name))) for name in names))
    if isinstance(value, msgspec.Struct):  # a catalogue record (cdverify/rules_schema/base.py)
        names = list(value.__struct_fields__)
        return (type(value).__name__, *((name, canonical(getattr(value, name))) for name in names))
    if isinstance(value, dict):
        return ("dict", *sorted(((canonical(k), canonical(v)) for k, v in value.items()), key=repr))
    if isinstance(value, set | frozenset):
        return ("set", *sorted((canonical(item) for item in value), key=repr))
    if isinstance(value, list | tuple):
        return (type(value).__name__, *(canonical(item) for item in value))
    if value is None or isinstance(value, str | int | float | bool | bytes):
        return value
    return (type(value).__name__, repr(value))  # Path and the like: their repr is their value


def _files_text(files: tuple[SourceFile, ...]) -> str:
    """What discovery found, one line per file (a third of `repr`'s cost on 36k files). Every field of
    `SourceFile`: tests/pipeline/test_result_cache.py fails when one is added and not written here."""
    return "\n".join(f"{f.path!r}\t{f.language}\t{f.scope}\t{f.size}" for f in files)


def _request_digest(request: Request, kind: bytes) -> hashlib.blake2b:
    """The start both keys share: cdverify's code and data, the kind of key, the request itself."""
    digest = hashlib.blake2b(code_fingerprint(), digest_size=20)
    digest.update(f"{FORMAT}".encode())  # an entry's layout
    digest.update(kind)
    digest.update(repr(canonical(request)).encode())
    return digest


def head_key(request: Request, project: Project) -> str:
    """The key of the entry a request on `project` may be served from (its signatures are checked then)."""
    digest = _request_digest(request, b"")
    digest.update(repr((os.getcwd(), str(project.root), _environment(OWN_VARIABLES))).encode())
    digest.update(_files_text(project.files).encode())
    digest.update(repr(project.findings).encode())
    return digest.hexdigest()


def quick_key(request: Request) -> str:
    """The key of the entry a request may be served from before discovery runs: everything of the head key
    but what discovery found, plus the environment (which git is found on PATH, HOME's git configuration).
    Such an entry is served only when every path the stored run looked at — each walked folder among them,
    whose signature changes when an entry is added, removed or renamed — is unchanged, so discovery would
    find what it found then."""
    digest = _request_digest(request, b"quick\0")
    digest.update(repr((os.getcwd(), _environment(QUICK_VARIABLES))).encode())
    return digest.hexdigest()


# the environment a run reads: cdverify's own variables (CDVERIFY_DOCS_URL is in every finding's JSON)
OWN_VARIABLES = ("CDVERIFY_",)
# and, for an entry served before discovery, what decides git's view of the tree
QUICK_VARIABLES = (*OWN_VARIABLES, "GIT_", "PATH", "HOME", "XDG_CONFIG_HOME")


def _environment(prefixes: tuple[str, ...]) -> list[tuple[str, str]]:
    return sorted((name, value) for name, value in os.environ.items() if name.startswith(prefixes))


class ResultCache:
    """The entries of one project root, a file each, in the user's cache folder."""

    def __init__(self, root: Path, directory: Path | None = None) -> None:
        key = hashlib.blake2b(str(root).encode(), digest_size=12).hexdigest()
        self.path = (directory or cache_dir()) / f"results-{key}"

    def _entry(self, head: str) -> Path:
        return self.path / f"{head}.pickle"

    def read(self, head: str) -> Stored | None:
        """The entry stored under `head`, unchecked; None when there is none or it cannot be read."""
        try:
            data = read_regular(self._entry(head), MAX_UNTRUSTED_BYTES, follow_symlinks=False, track=False)
            form, stored_head, reads, output, code, token = pickle.loads(data)
        except Exception:  # absent, not a file, not a pickle, another layout: a miss
            return None
        if form != FORMAT or stored_head != head or not isinstance(output, str) or not isinstance(code, int):
            return None
        return reads, output, code, token

    def lookup(self, head: str, log: ReadLog | None) -> tuple[str, int] | None:
        """The stored output and exit code when every path the stored run looked at is as it was then.
        Paths this run has looked at already (discovery) are compared with what it saw, others are
        looked at again (one `stat` each)."""
        if log is not None and log.doubtful:
            return None
        stored = self.read(head)
        if stored is None:
            return None
        reads, output, code, _ = stored
        seen = log.signatures.packed if log is not None else {}
        try:
            for key, signature in reads:
                now = seen.get(key)
                if now is None:
                    now = packed_signature(current_signature(key[0], key[1]))
                if now != signature:
                    return None
        except (TypeError, ValueError):  # a malformed entry
            return None
        return output, code

    def lookup_edited(self, head: str, max_file_bytes: int, started_ns: int) -> Edited | None:
        """As `lookup` before discovery, and also when the only paths changed since are parsed files
        (cdverify/same_facts.py): then served when their facts are as they were (the entry is kept with
        their new signatures), else the stored discovery is still right. None: discover and analyse."""
        from cdverify.same_facts import (
            changed_paths,
            edited_sources,
            resized,
            unchanged_digests,
            unchanged_facts,
        )

        stored = self.read(head)
        if stored is None:
            return None
        reads, output, code, token = stored
        kept: list[tuple[Sources, Project] | None] = []  # the entry's edit record, read on the first change

        def record() -> tuple[Sources, Project] | None:
            if not kept:
                kept.append(self._edit_record(head, token))
            return kept[0]

        def sources() -> Sources | None:
            found = record()
            return found[0] if found is not None else None

        try:
            changed = changed_paths(reads, sources)
            if changed is None:
                return None
            if not changed:
                return Edited((output, code), reads, None)
            found = record()
            if found is None:
                return None
            parsed, project = found
            edited = edited_sources(parsed, changed, max_file_bytes)
            if edited is None:
                return None
            now = dict(changed)
            packed_now = {key: packed_signature(signature) for key, signature in changed}
            reads_now = tuple((key, packed_now.get(key, signature)) for key, signature in reads)
            if not unchanged_facts(parsed[0], edited):
                known = unchanged_digests(parsed, now)
                return Edited(None, reads_now, resized(project, edited), known)
        except (TypeError, ValueError, AttributeError):  # a malformed entry
            return None
        if all(max(sig[2], sig[3]) < started_ns - RACY_NS for sig in now.values()):
            with contextlib.suppress(OSError):  # a read-only folder: served all the same
                self._write(head, (FORMAT, head, reads_now, output, code, token))
        return Edited((output, code), reads_now, None)

    def _edit_record(self, head: str, token: bytes) -> tuple[Sources, Project] | None:
        """The parsed sources and the discovery the run stored under `head` found: the file of the same
        `token` as the entry (written before it, so an entry never names a record older than its own).
        Kept apart from the entry, which a hit reads alone."""
        from cdverify.discover import Project

        if not token:
            return None
        try:
            data = read_regular(self._project(head), MAX_UNTRUSTED_BYTES, follow_symlinks=False, track=False)
            stored_token, (where, sources), root, files, findings = pickle.loads(data)
            if stored_token != token:
                return None
            return (where, _sources(sources)), Project(root, _files(files), findings)
        except Exception:  # absent, damaged, another layout: discovered again
            return None

    def _project(self, head: str) -> Path:
        return self.path / f"{head}.edits"

    def store(
        self,
        heads: tuple[str, ...],
        log: ReadLog,
        output: str,
        code: int,
        started_ns: int,
        sources: Sources | None = None,
        project: Project | None = None,
    ) -> None:
        """Keep this run's output unless a path it looked at changed during it, or so shortly before it
        that a later change could keep the same signature. `sources`: the parsed files, for an edit that
        keeps their facts (None: the output reads their text); `project`: what discovery found. Both are
        kept beside the entry of the last head (the one looked up before discovery), for an edit."""
        if log.doubtful:
            return
        recent = started_ns - RACY_NS
        if any(max(sig[2], sig[3]) >= recent for sig in log.signatures.values()):
            return
        reads: Reads = tuple(log.signatures.packed.items())
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            token = b""
            if project is not None and sources is not None:
                token = os.urandom(16)
                plain = (
                    sources[0],
                    tuple((*source[:2], *_values(source[2:4]), source[4]) for source in sources[1]),
                )
                files = tuple(
                    (f.path, f.language and f.language.value, f.scope.value, f.size) for f in project.files
                )
                record = (token, plain, project.root, files, project.findings)
                self._write_file(self._project(heads[-1]), record, memo=False)
            for head in heads:
                self._write(head, (FORMAT, head, reads, output, code, token))
            self._prune()
        except OSError:
            return  # a read-only cache folder is no reason to fail the analysis

    def alias(self, head: str, other: str) -> None:
        """Keep the entry of `head`, just served, under the key `other` too, with the reads it was stored
        with (this run looked at discovery's paths only)."""
        try:
            data = read_regular(self._entry(head), MAX_UNTRUSTED_BYTES, follow_symlinks=False, track=False)
            form, _head, reads, output, code, _token = pickle.loads(data)
            self._write(other, (form, other, reads, output, code, b""))
        except Exception:  # the entry went away meanwhile, a read-only folder: no alias, no harm
            return

    def _write(self, head: str, entry: tuple[Any, ...]) -> None:
        """An entry is plain tuples, strings and numbers, each path's once: pickled without pickle's memo,
        whose table of every object written cost a big project's run its last few MB at its end (Home
        Assistant's 38 k reads: 6 MB, and a third of the time)."""
        self._write_file(self._entry(head), entry, memo=False)

    def _write_file(self, path: Path, value: Any, memo: bool = True) -> None:
        import tempfile  # a hit that needs no alias never writes

        fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".result-")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
                pickler.fast = not memo
                pickler.dump(value)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _prune(self) -> None:
        entries = sorted(self.path.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
        for record in self.path.glob("*.edits"):  # kept while its entry is
            if not record.with_suffix(".pickle").exists():
                record.unlink(missing_ok=True)


def _values(members: tuple[Enum, ...]) -> tuple[Any, ...]:
    return tuple(member.value for member in members)


def _sources(stored: tuple[tuple[Any, ...], ...]) -> tuple[Source, ...]:
    """The parsed sources of an edit record, as `store` wrote them (their language and scope by value)."""
    from cdverify.model import Language, Scope

    languages, scopes = _members(Language), _members(Scope)
    return tuple(
        (key, path, languages[language], scopes[scope], digest)
        for key, path, language, scope, digest in stored
    )


def _files(stored: tuple[tuple[Any, ...], ...]) -> tuple[SourceFile, ...]:
    """What discovery found, as `store` wrote it: each file as plain values."""
    from cdverify.model import Language, Scope, SourceFile

    languages, scopes = _members(Language), _members(Scope)
    languages[None] = None
    make = tuple.__new__
    return tuple(
        make(SourceFile, (path, languages[language], scopes[scope], size))
        for path, language, scope, size in stored
    )


def _members(kind: type[Enum]) -> dict[Any, Any]:
    return {member.value: member for member in kind}


def render_cached(
    request: Request,
    render: Callable[[Report], str],
    *,
    use_cache: bool = True,
    directory: Path | None = None,
    reads_sources: bool = False,
) -> tuple[str, int]:
    """The rendered report of `request` and its exit code: from the result cache when nothing it depends
    on changed (or only facts-preserving edits did), else from a full analysis (then stored). Without
    `use_cache` neither cache is touched. `reads_sources`: the rendering reads the sources' text
    (`--fix-diff`), so an edit that keeps their facts may change it."""
    from cdverify.files import recording

    started = time.time_ns()
    root = Path(request.path)
    quick = quick_key(request) if use_cache else ""
    edited = None
    if use_cache and root.is_dir():  # served before discovery when nothing looked at has changed
        edited = ResultCache(root.resolve(), directory).lookup_edited(
            quick, request.config.max_file_bytes, started
        )
        if edited is not None and edited.served is not None:
            return edited.served
    from cdverify.collector import fewer_collections  # discovery's modules: a hit above needs none
    from cdverify.discover import discover_project

    # rendering too walks the whole analysis; the progress line is erased before the output is written
    with recording() as log, fewer_collections(), progress.showing():
        if edited is not None and edited.project is not None:  # only parsed sources changed since
            project = edited.project
            log.signatures.packed.update(edited.reads)  # the stored run's looks as they are now, packed
            edited = edited._replace(reads=())  # in the log now: not held twice for the run
        else:
            progress.stage("discovering files")
            project = discover_project(root, request.config)
        results = ResultCache(project.root, directory) if use_cache else None
        head = head_key(request, project) if results is not None else ""
        if results is not None and (hit := results.lookup(head, log)) is not None:
            results.alias(head, quick)  # served before discovery next time
            return hit
        from cdverify.cache import facts_folder  # a hit needs none of the analysis
        from cdverify.pipeline import build_report
        from cdverify.sql.memo import remembering

        # the SQL verdicts of earlier runs; detection may run while rendering, so both are inside. Without
        # the cache there is no memo, and no fingerprint to compute (it reads every source of cdverify)
        memo = (facts_folder(project.root), code_fingerprint()) if use_cache else (None, b"")
        with remembering(*memo):
            known = edited.known if edited is not None and edited.project is not None else None
            report = build_report(
                root, request.config, request.constraints, use_cache, request.jobs, project, known=known
            )
            progress.stage("writing the report")
            output = render(report)
    if results is not None:
        from cdverify.same_facts import parsed_sources

        sources = None if reads_sources else parsed_sources(report.analysis)
        results.store((head, quick), log, output, report.exit_code, started, sources, project)
    return output, report.exit_code
