"""The whole program in one place: discover → parse → resolve → detect → verify → report.

`analyse` builds the project model; `inspect` reports what was detected whatever the constraints;
`verify` adds a verdict per requested constraint. Both return a `Report` with `to_json()`.
"""

from __future__ import annotations

import itertools
import os
import pickle
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from cdverify import progress
from cdverify.allocator import return_big_buffers
from cdverify.analysis import Analysis
from cdverify.browser_modules import with_browser_modules
from cdverify.build_output import with_build_output
from cdverify.cache import FactsCache, content_digest, dumps, unpack
from cdverify.cache_folder import note_use
from cdverify.catalog import finding_rules, make_finding
from cdverify.collector import fewer_collections, long_lived
from cdverify.config import Config, load_config
from cdverify.constraints import Constraints
from cdverify.detect.layers import assign_layers, package_roots
from cdverify.discover import Project, discover_project, joining_scopes, with_imported_code
from cdverify.fingerprint import fingerprinted
from cdverify.manifests import read_manifests
from cdverify.model import (
    FileFacts,
    Finding,
    Location,
    Scope,
    Severity,
    SourceFile,
)
from cdverify.parse import parse_bytes, read_source, sharing
from cdverify.partials import Partials
from cdverify.resolve import ImportGraph, build_graph, python_inputs
from cdverify.served_scripts import with_served_scripts
from cdverify.stray_modules import stray_finding, with_stray_modules
from cdverify.test_code import with_test_code
from cdverify.verifiers import AXES, verifier

if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.context import BaseContext

    from cdverify.baseline import Delta

# Scopes whose code is parsed: the application plus the code that later verifiers must tell apart
# from it (tests, migrations, scripts, tooling config). Front-end, vendored, generated and docs code
# is discovered (imports may land there) but never parsed.
# how many imports deep docs and script files imported by the application become application code (a whole
# app package in a `demo/` folder reached from a root entry point: entry, package, app, routes, views, models)
_JOIN_DEPTH = 12
_PARSED_SCOPES = frozenset({Scope.APPLICATION, Scope.TEST, Scope.MIGRATION, Scope.SCRIPT, Scope.CONFIG})


class VerdictStatus(StrEnum):
    PASS = "pass"  # no `error` finding of the constraint remains
    FAIL = "fail"  # at least one does


class Verdict(msgspec.Struct, frozen=True):
    constraint: str  # axis: "architecture", "framework", …
    required: str  # the value asked for: "clean_architecture", "flask", …
    status: VerdictStatus
    errors: int = 0
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "required": self.required,
            "status": self.status,
            "errors": self.errors,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Report:
    """The result of `inspect` or `verify`."""

    analysis: Analysis
    config: Config
    findings: tuple[Finding, ...]  # sorted, suppressions removed
    suppressed: tuple[Finding, ...] = ()
    constraints: Constraints | None = None
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    # `check --baseline` / `--since`: the findings above are those the baseline lacks (cdverify/baseline.py)
    baseline: Delta | None = None
    # `check --fix-diff`: every mechanical fix of the findings as one patch ("" = none; cdverify/fixes/)
    fix_diff: str | None = None

    @property
    def root(self) -> Path:
        return self.analysis.project.root

    @property
    def passed(self) -> bool:
        return all(v.status is not VerdictStatus.FAIL for v in self.verdicts.values())

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def to_json(self) -> dict[str, Any]:
        """The documented, versioned JSON object (see docs/json-output.md)."""
        from cdverify.report.json import report_to_json

        return report_to_json(self)


# Below this much source, a worker pool costs more than it saves (fork, pickling, start-up).
_PARALLEL_MIN_BYTES = 4 * 1024 * 1024
# How many files a worker is sent at once, and how many such parts it may have under way
# (see `_parse_parallel`).
_PART_FILES = 256
_SENT = 2


def default_jobs() -> int:
    """One parser per idle core. A worker's facts cost CPU to send back (Home Assistant: 12.0 s of parsing
    alone, 14.1 s in two processes), a price paid off only by a core of its own: on a machine already busy
    (load average ≥ cores - 0.5) two processes are slower than one, so the parse stays in-process."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except OSError:  # no load average on this system
        busy = 0.0
    return max(1, min(cores, int(cores - busy + 0.5)))


Parsed = tuple[FileFacts | None, list[Finding]]
Read = tuple[SourceFile, bytes]  # a file and its bytes


def _parse_batch(batch: Iterable[Read]) -> list[Parsed]:
    return [parse_bytes(source, data) for source, data in batch]


def _parse_batch_packed(batch: list[Read]) -> bytes:
    """A worker's results as the facts cache stores them (`cache.dumps`): pickled and unpickled in C."""
    return dumps(_parse_batch(batch))


def _parse_many(batch: Iterable[Read], jobs: int) -> list[Parsed]:
    """The facts of each file of `batch`, in its order: in `jobs` processes when the files' bytes add up
    to enough to pay for the workers. `batch` is taken lazily (parse_all reads each file as it is asked
    for), and a file's bytes are let go of as soon as it is parsed or sent to a worker: the whole source
    never lives at once (Home Assistant: 31 MB, whose freed space stayed in the process till its end)."""
    items = iter(batch)
    if jobs <= 1:
        return _parse_batch(items)
    held: list[Read] = []  # the bytes read before the pool pays off
    size = 0
    for source, data in items:
        held.append((source, data))
        size += len(data)
        if size >= _PARALLEL_MIN_BYTES:
            break
    else:
        return _parse_batch(held)
    import multiprocessing  # loaded only for big projects: the import alone costs a small run ~10 ms

    if "fork" not in multiprocessing.get_all_start_methods():
        return _parse_batch(itertools.chain(held, items))
    progress.stage(f"parsing in {jobs} processes")
    return _parse_parallel(itertools.chain(held, items), jobs, multiprocessing.get_context("fork"))


def _parse_parallel(items: Iterator[Read], jobs: int, context: BaseContext) -> list[Parsed]:
    """Parse in `jobs - 1` forked workers and this process, a part of `_PART_FILES` files at a time: each
    worker has at most `_SENT` parts under way, and the parent parses the next part itself while they are
    busy (so the work is shared as the processes' speeds allow). A worker's part comes back as the facts
    cache stores it (`cache.dumps`), read back as soon as it is collected."""
    from concurrent.futures import ProcessPoolExecutor

    done: dict[int, list[Parsed]] = {}
    parts = iter(lambda: list(itertools.islice(items, _PART_FILES)), [])
    with ProcessPoolExecutor(max_workers=jobs - 1, mp_context=context) as pool:
        sent: deque[tuple[int, Future[bytes]]] = deque()
        for number, part in enumerate(parts):
            while sent and sent[0][1].done():
                finished, future = sent.popleft()
                done[finished] = _collected(future)
            if len(sent) < _SENT * (jobs - 1):
                sent.append((number, pool.submit(_parse_batch_packed, part)))
            else:
                done[number] = _parse_batch(part)
        for finished, future in sent:
            done[finished] = _collected(future)
    return [parsed for number in range(len(done)) for parsed in done[number]]


def _collected(future: Future[bytes]) -> list[Parsed]:
    """A worker's part as records, its values and tuples shared with this process's (`sharing.reshared`)."""
    return [
        (facts if facts is None else sharing.reshared(facts), problems)
        for facts, problems in unpack(*pickle.loads(future.result()))
    ]


def parse_all(
    project: Project,
    cache: FactsCache | None = None,
    jobs: int | None = None,
    known: Mapping[str, bytes] | None = None,
) -> tuple[dict[str, FileFacts], list[Finding]]:
    """Facts of every file in a parsed scope: from the cache when the content is unchanged, else parsed
    (in parallel on big projects). `known`: the content digests of files unchanged since a stored run
    (their signatures are, see cdverify/results.py), whose cached facts need no read."""
    facts: dict[str, FileFacts] = {}
    findings: list[Finding] = []
    misses: list[Read] = []  # (file, content digest), in the order parsed

    def unknown() -> Iterator[Read]:
        """The files whose facts are not cached, with their bytes, each read when the parse asks for it;
        the cached ones' facts are taken on the way."""
        sources = [source for source in project.sources if source.scope in _PARSED_SCOPES]
        for number, source in enumerate(sources, 1):
            progress.step(number, len(sources))
            digest = known.get(source.path) if known is not None and cache is not None else None
            entry = cache.get(source.path, digest) if digest is not None and cache is not None else None
            if entry is not None and digest is not None and cache is not None:
                cache.put(source.path, digest, entry)
                if entry[0] is not None:
                    facts[source.path] = entry[0]
                findings.extend(entry[1])
                continue
            data = read_source(project.root, source)
            if isinstance(data, Finding):
                findings.append(data)
                continue
            digest = content_digest(data)
            entry = cache.get(source.path, digest) if cache is not None else None
            if entry is None:
                misses.append((source, digest))
                yield source, data
                continue
            if cache is not None:
                cache.put(source.path, digest, entry)
            if entry[0] is not None:
                facts[source.path] = entry[0]
            findings.extend(entry[1])

    progress.stage("parsing")
    try:
        parsed = _parse_many(unknown(), jobs or default_jobs())
    finally:
        sharing.release()
    for (source, digest), (file_facts, problems) in zip(misses, parsed, strict=True):
        if cache is not None:
            cache.put(source.path, digest, (file_facts, problems))
        if file_facts is not None:
            facts[source.path] = file_facts
        findings.extend(problems)
    if cache is not None:
        cache.save()
        note_use(cache.path, project.root)
    return dict(sorted(facts.items())), findings


def analyse(
    root: Path,
    config: Config,
    use_cache: bool = True,
    jobs: int | None = None,
    project: Project | None = None,
    known: Mapping[str, bytes] | None = None,
) -> Analysis:
    """Build the project model: discover (unless `project` is what discovery found), parse (cached by
    content; `known`: see `parse_all`), resolve, assign layers."""
    if project is None:
        progress.stage("discovering files")
        project = discover_project(root, config)
    if sum(f.size for f in project.sources if f.scope in _PARSED_SCOPES) >= _PARALLEL_MIN_BYTES:
        return_big_buffers()  # before the facts cache is read: its shards are such buffers
    cache = FactsCache(project.root) if use_cache else None
    long_lived()  # the cached facts, for the whole analysis
    facts, parse_findings = parse_all(project, cache, jobs, known)
    manifests = read_manifests(project)
    python_declared = {dep.name for dep in manifests.dependencies if dep.ecosystem == "python"}
    progress.stage("resolving imports")
    partials = Partials(cache.path) if cache is not None else None
    digests = {path: digest for path, digest in cache.used} if cache is not None else {}
    memo = (
        partials.per_file("resolved", python_inputs(project, python_declared), digests) if partials else None
    )
    graph, resolve_findings = build_graph(project, facts, python_declared, memo)
    # the folders the project's build configuration writes are generated: their files are not analysed
    built = with_build_output(project, facts, config)
    if built is not project:
        left = {f.path for f in built.files if f.scope is Scope.GENERATED} - {
            f.path for f in project.files if f.scope is Scope.GENERATED
        }
        project = built
        facts = {path: file_facts for path, file_facts in facts.items() if path not in left}
        parse_findings = [f for f in parse_findings if f.location.path not in left]
        graph, resolve_findings = build_graph(project, facts, python_declared)
    # a scripts-folder module a package script runs that is its package's only server is the application
    project = with_served_scripts(project, facts, manifests, config)
    # docs and script files the application imports are application code (none: nothing to ask)
    for _ in range(_JOIN_DEPTH if any(f.scope in joining_scopes() for f in project.sources) else 0):
        edges: dict[str, list[str]] = {}
        for edge in graph.internal_edges():
            edges.setdefault(edge.source, []).append(edge.target or "")
        # the plugin files @fastify/autoload loads from a folder are brought in as imported ones are
        from cdverify.detect.framework.autoload import loaded_folders

        for loader, loaded in loaded_folders(facts, (f.path for f in project.sources)).items():
            edges.setdefault(loader, []).extend(loaded)
        widened = with_imported_code(project, edges, config)
        if widened is project:
            break
        moved = [f for f in widened.sources if f.path not in facts and f.scope is Scope.APPLICATION]
        project = widened
        if not moved:
            continue  # all parsed already (scripts): the graph, which reads no scope, stands
        more, more_findings = parse_all(replace(project, files=tuple(moved)), None, jobs)
        facts = dict(sorted({**facts, **more}.items()))
        parse_findings = [*parse_findings, *more_findings]
        graph, resolve_findings = build_graph(project, facts, python_declared)
    # test files a runner's config names and the test-support modules only tests import (test_code.py)
    project = with_test_code(project, facts, graph, config)
    # modules nothing imports or runs that cannot load in their package: set aside (stray_modules.py)
    project, stray = with_stray_modules(project, facts, graph, manifests, config)
    # the modules an HTML page's scripts load, and only they, run in the browser (browser_modules.py)
    project, browser = with_browser_modules(project, facts, graph, manifests, config)
    if stray or browser:
        aside = {module.path for module in stray} | browser
        facts = {path: file_facts for path, file_facts in facts.items() if path not in aside}
        graph = ImportGraph(facts.keys(), [edge for edge in graph.edges if edge.source not in aside])
        parse_findings = [f for f in parse_findings if f.location.path not in aside]
        resolve_findings = [f for f in resolve_findings if f.location.path not in aside]
        parse_findings += [stray_finding(module) for module in stray]
    layers = assign_layers(project.sources, config, package_roots(project.paths))
    # a package.json the resolver could not read (RES002) is not reported a second time as DISC006
    unreadable = {f.location.path for f in resolve_findings if f.rule == "RES002"}
    manifest_findings = [f for f in manifests.findings if f.location.path not in unreadable]
    findings = (*project.findings, *parse_findings, *manifest_findings, *resolve_findings)
    return Analysis(project, facts, graph, layers, manifests, findings, digests, partials)


def constraint_findings(analysis: Analysis, config: Config, constraints: Constraints | None) -> list[Finding]:
    """Findings of the registered verifiers: each judges its own axis when asked for (`constraints` is
    None for `inspect`); the architecture check and the database findings every project gets always.
    `check` runs only the verifiers whose findings it keeps (see `_judged_axes`)."""
    axes = AXES if constraints is None else _judged_axes(constraints, config)
    return [finding for axis in axes for finding in verifier(axis).verify(analysis, config, constraints)]


def _judged_axes(constraints: Constraints, config: Config) -> tuple[str, ...]:
    """The axes whose findings a `check` of `constraints` can show: the requested ones, and those an ignore
    names (a finding it suppresses must still be found, or the ignore would be reported stale, CFG001).
    Every other verifier is skipped, and with it the detection only it reads."""
    rules = finding_rules()
    by_name = {entry.name: entry.constraint for entry in rules.values()}
    wanted = set(constraints.active())
    for ignore in config.ignores:
        entry = rules.get(ignore.rule)
        axis = entry.constraint if entry is not None else by_name.get(ignore.rule)
        if axis is None:
            return AXES  # not a catalogued rule: run everything, as before
        wanted.add(axis)
    return tuple(axis for axis in AXES if axis in wanted)


def apply_ignores(
    findings: list[Finding], config: Config, root: Path | None = None
) -> tuple[list[Finding], list[Finding]]:
    """Split findings into kept and suppressed; every ignore that matched nothing is itself reported."""
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    used = [False] * len(config.ignores)
    for finding in findings:
        hit = next((i for i, ignore in enumerate(config.ignores) if ignore.suppresses(finding)), None)
        if hit is None:
            kept.append(finding)
        else:
            used[hit] = True
            suppressed.append(finding)
    where = config.source or "."
    if root is not None and config.source:  # relative to the project, `../pyproject.toml` when above it
        where = Path(os.path.relpath(Path(config.source).resolve(), root)).as_posix()
    for ignore, was_used in zip(config.ignores, used, strict=True):
        if not was_used:
            kept.append(
                make_finding(
                    "CFG001",
                    Location(where),
                    f"ignore for {ignore.rule} on {ignore.path!r} matches no finding",
                    evidence=f"{ignore.rule} {ignore.path} ({ignore.reason})",
                    hint="delete the stale ignore so that it cannot hide a new violation",
                )
            )
    return kept, suppressed


def build_report(
    path: str | Path,
    config: Config | None,
    constraints: Constraints | None,
    use_cache: bool,
    jobs: int | None,
    project: Project | None = None,
    overrides: dict[str, Any] | None = None,
    known: Mapping[str, bytes] | None = None,
) -> Report:
    """The report of `inspect` (`constraints` None) or `verify`; `project` and `known`: see `analyse`."""
    root = Path(path)
    config = config or load_config(root, **(overrides or {}))
    with fewer_collections():
        analysis = analyse(root, config, use_cache, jobs, project, known)
        progress.stage("detecting and verifying")
        raw = [*analysis.findings, *constraint_findings(analysis, config, constraints)]
    kept, suppressed = apply_ignores(raw, config, analysis.project.root)
    if constraints is not None:
        # `check` judges only what was asked: findings of constraints not requested are left out.
        asked = {"project", *constraints.active()}
        kept = [finding for finding in kept if finding.constraint in asked]
        suppressed = [finding for finding in suppressed if finding.constraint in asked]
    kept.sort(key=Finding.sort_key)
    findings, hidden = fingerprinted(kept, suppressed)
    verdicts = judge(constraints, findings) if constraints is not None else {}
    return Report(analysis, config, findings, hidden, constraints, verdicts)


def judge(
    constraints: Constraints, findings: Sequence[Finding], reasons: Mapping[str, str] | None = None
) -> dict[str, Verdict]:
    """A verdict per active axis (every axis has a verifier): fail when an `error` finding of it remains.
    `reasons` (axis → text) are given with the verdicts, e.g. the errors a baseline holds."""
    verdicts = {}
    for axis, required in constraints.active().items():
        errors = sum(1 for f in findings if f.constraint == axis and f.severity is Severity.ERROR)
        status = VerdictStatus.FAIL if errors else VerdictStatus.PASS
        verdicts[axis] = Verdict(axis, required, status, errors, (reasons or {}).get(axis, ""))
    return verdicts


def inspect(
    path: str | Path,
    config: Config | None = None,
    *,
    use_cache: bool = True,
    jobs: int | None = None,
    **overrides: Any,
) -> Report:
    """What cdverify detects in the project at `path`, whatever the constraints.

    `config` defaults to the project's own configuration; `overrides` are `load_config` keywords
    (preset, layer_globs, exclude, required_layers). `use_cache` keeps parsed facts between runs;
    `jobs` caps the parser processes (default: one per core, used only on big projects)."""
    return build_report(path, config, None, use_cache, jobs, overrides=overrides)


def verify(
    path: str | Path,
    constraints: Constraints | str,
    config: Config | None = None,
    *,
    use_cache: bool = True,
    jobs: int | None = None,
    **overrides: Any,
) -> Report:
    """Check `constraints` (a `Constraints` or a string such as `flask+clean_architecture`)."""
    from cdverify.constraints import parse_constraints

    if isinstance(constraints, str):
        constraints = parse_constraints(constraints)
    return build_report(path, config, constraints, use_cache, jobs, overrides=overrides)
