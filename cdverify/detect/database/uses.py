"""The database detector's entry point: collect the evidence (code first, then the other project
files) and group it into one use per engine — at run time, or only in tests, migrations, scripts,
declarations or mentions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from cdverify.detect.database.code import code
from cdverify.detect.database.collection import Collection
from cdverify.detect.database.envhelpers import with_env_helpers
from cdverify.detect.database.files import project_environment, project_files
from cdverify.detect.database.report import (
    CODE_KINDS,
    DatabaseReport,
    EngineStatus,
    EngineUse,
    Evidence,
    EvidenceKind,
)
from cdverify.detect.database.startup import startup_reads
from cdverify.detect.database.stops import startup_stops
from cdverify.manifests import Manifests
from cdverify.model import Family, FileFacts, Scope

if TYPE_CHECKING:
    from cdverify.resolve.graph import ImportGraph

_SCOPE_STATUS = {
    Scope.TEST: EngineStatus.TESTS,
    Scope.MIGRATION: EngineStatus.MIGRATIONS,
    Scope.SCRIPT: EngineStatus.SCRIPTS,
}
_SCOPE_ORDER = {Scope.TEST: 0, Scope.MIGRATION: 1, Scope.SCRIPT: 2}  # where code outside the application is


def collect(
    facts: Mapping[str, FileFacts],
    scopes: Mapping[str, Scope],
    manifests: Manifests,
    graph: ImportGraph | None = None,
) -> DatabaseReport:
    """Which engines the project uses and how, with every item of evidence, strongest first; and what
    stops the application at start-up (`graph`, the project's imports, tells the modules imported then):
    checks that throw, reads that raise where their variable is unset."""
    packages = frozenset(manifests.declared(Family.NODE))
    found = Collection(with_env_helpers(facts, packages), scopes, manifests)
    code(found)
    project_files(found)
    evidence = sorted(found.evidence, key=lambda e: (e.rank, e.file, e.line, e.engine))
    uses = {engine: _use(engine, items) for engine, items in _group(evidence).items()}
    settings = {
        e.file for e in evidence if e.at_run_time and e.kind in (EvidenceKind.CONNECTION, EvidenceKind.CONFIG)
    }
    return DatabaseReport(
        uses,
        tuple(evidence),
        tuple(found.rejected),
        project_environment(found),
        stops=startup_stops(found, graph),
        startup_reads=startup_reads(found.runtime_facts(), settings, graph),
    )


def _group(evidence: Iterable[Evidence]) -> dict[str, list[Evidence]]:
    out: dict[str, list[Evidence]] = {}
    for item in evidence:
        out.setdefault(item.engine, []).append(item)
    return out


def _use(engine: str, items: list[Evidence]) -> EngineUse:
    runtime = [item for item in items if item.at_run_time]
    if runtime:
        hard_wired = any(not item.switched and not item.inferred for item in runtime)
        return EngineUse(engine, EngineStatus.RUNTIME, hard_wired, tuple(items))
    code_items = [item for item in items if item.kind in CODE_KINDS]
    if code_items:
        first = min(code_items, key=lambda item: _SCOPE_ORDER.get(item.scope, 3)).scope
        status = _SCOPE_STATUS.get(first, EngineStatus.MENTIONED)
        return EngineUse(engine, status, False, tuple(items))
    if any(item.kind in (EvidenceKind.DEPENDENCY, EvidenceKind.SERVICE) for item in items):
        return EngineUse(engine, EngineStatus.DECLARED, False, tuple(items))
    return EngineUse(engine, EngineStatus.MENTIONED, False, tuple(items))
