"""The database detector's entry point: collect the evidence (code first, then the other project
files) and group it into one use per engine — at run time, or only in tests, migrations, scripts,
declarations or mentions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from cdverify.detect.database.code import code
from cdverify.detect.database.collection import Collection
from cdverify.detect.database.config_files import config_files
from cdverify.detect.database.django_settings import unloaded_settings
from cdverify.detect.database.envhelpers import with_env_helpers
from cdverify.detect.database.files import paper_runtime, project_environment, project_files, run_script
from cdverify.detect.database.flags import flag_branches, flag_configurations
from cdverify.detect.database.flask_settings import unloaded_flask_settings
from cdverify.detect.database.report import (
    CODE_KINDS,
    DatabaseReport,
    EngineStatus,
    EngineUse,
    Evidence,
    EvidenceKind,
    StartupStop,
    unreached_where,
)
from cdverify.detect.database.startup import StartupRead, startup_reads
from cdverify.detect.database.stops import startup_stops
from cdverify.manifest_records import Manifests
from cdverify.model import Family, FileFacts, Scope
from cdverify.partials import FileMemo

if TYPE_CHECKING:
    from cdverify.resolve.graph import ImportGraph

Item = TypeVar("Item", StartupStop, StartupRead)

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
    root: Path | None = None,
    memo_of: Callable[[str, bytes], FileMemo] | None = None,
    idle: frozenset[str] = frozenset(),
    served: Callable[[], frozenset[Family]] | None = None,
) -> DatabaseReport:
    """Which engines the project uses and how, with every item of evidence, strongest first; and what
    stops the application at start-up (`graph`, the project's imports, tells the modules imported then):
    checks that throw, reads that raise where their variable is unset, modules required from `root` that
    are not there. `memo_of`: the memo of a per-file step (by kind) under a digest of the project-wide
    inputs it reads unnoted (cdverify/partials.py), None to read every file. `idle`: the libraries application
    code uses for no data (detect/data_calls.py), whose clients reach no engine. `served`: the languages of
    the frameworks that serve the application (empty: unknown), asked only of a project whose start-up
    checks or reads sit in files of several languages or of one its application does not only hold; a
    check or read in a file of another language is not run when the application starts (a Flask app beside
    its PHP original's `js/npm.js` requiring a file left out: the Node file never runs)."""
    packages = frozenset(manifests.declared(Family.NODE))
    found = Collection(with_env_helpers(facts, packages), scopes, manifests, idle)
    code(found, _code_memo(found, facts, memo_of))
    flag_configurations(found)
    flag_branches(found)
    run_steps = run_script(found.manifests)
    config_files(found, root, run_steps, project_environment(found))
    project_files(found, run_steps)
    if graph is not None:
        found.evidence = _unreached(found.evidence, facts, graph)
    # `config/development/settings.py` beside the `app.config.from_pyfile("config/production/settings.py")`
    found.evidence = unloaded_flask_settings(found.evidence, facts)
    found.evidence = _tool_leftovers(found.evidence, facts, found.catalogue.tool_calls)
    evidence = sorted(found.evidence, key=lambda e: (e.rank, e.file, e.line, e.engine))
    uses = {engine: _use(engine, items) for engine, items in _group(evidence).items()}
    settings = {
        e.file for e in evidence if e.at_run_time and e.kind in (EvidenceKind.CONNECTION, EvidenceKind.CONFIG)
    }
    if graph is not None:  # a split-settings Django project imports the started entry point's module only
        settings -= unloaded_settings(facts, settings, graph, found.manifests.run_script)
    return DatabaseReport(
        uses,
        tuple(evidence),
        tuple(found.rejected),
        project_environment(found),
        stops=_served((*startup_stops(found, graph, root), *found.client_stops), facts, served),
        startup_reads=_served(
            startup_reads(found.runtime_facts(), settings, graph, found.settings_fields), facts, served
        ),
        paper_runtime=paper_runtime(found),
        run_script=run_steps,
    )


def _code_memo(
    found: Collection, facts: Mapping[str, FileFacts], memo_of: Callable[[str, bytes], FileMemo] | None
) -> tuple[FileMemo, FileMemo] | None:
    """The memo of each file's read of its code, under what it reads unnoted: the settings classes'
    fields, the environment set in `.env` files and Compose, the declared dependencies (their drivers).
    None when a read depends on more: facts rewritten through the project's env helpers (another file's
    helper), node-config or dynaconf settings files (a walk memoised whichever file asks). With it, the memo
    of each file's assignments' signature (`code.Assigned`)."""
    values = found.values
    if memo_of is None or found.facts is not facts:
        return None
    if values.node_config or values.node_env or values.dynaconf:
        return None
    dependencies = [(d.name, d.ecosystem, d.dev) for d in found.manifests.dependencies]
    kept = memo_of("database", repr((values.fields, values.env, dependencies)).encode())
    return kept, memo_of("database-assignments", b"")


def _unreached(
    evidence: list[Evidence], facts: Mapping[str, FileFacts], graph: ImportGraph
) -> list[Evidence]:
    """`evidence`, an engine module imported by an application module the application never runs marked
    `unreached`: nothing imports that module and it imports no project module (it is no entry point
    wiring the app), makes no connection and no web app or router, while the application connects to
    another engine (`schema.postgres.backup.ts`, a schema kept beside the one in use)."""
    from cdverify.detect.framework.catalogue import specs

    linked: set[str] = set()
    for edge in graph.internal_edges():
        if edge.target != edge.source:
            linked.update((edge.source, edge.target or ""))
    linked.update(e.file for e in evidence if e.kind in (EvidenceKind.CONNECTION, EvidenceKind.CONFIG))
    makers = {name for spec in specs() for name in (*spec.apps, *spec.routers)}

    connected = {
        e.engine
        for e in evidence
        if e.at_run_time and e.kind in (EvidenceKind.CONNECTION, EvidenceKind.CONFIG)
    }

    def unreached(item: Evidence) -> bool:
        if (
            item.kind not in (EvidenceKind.DIALECT, EvidenceKind.IMPORT)
            or item.scope is not Scope.APPLICATION
        ):
            return False
        if item.engine in connected or not connected:
            return False
        file_facts = facts.get(item.file)
        if file_facts is None or item.file in linked:
            return False
        return not any(call.callee.split("(", 1)[0] in makers for call in file_facts.calls)

    return unreached_where(evidence, unreached, "in a module nothing imports")


def _tool_leftovers(
    evidence: list[Evidence], facts: Mapping[str, FileFacts], tool_calls: frozenset[str]
) -> list[Evidence]:
    """`evidence`, a connection a command-line tool's configuration makes (drizzle-kit's `defineConfig`, read
    by the migration CLI, never by the running application) marked `unreached` where the application's own
    code connects at run time to other engines and never names this one (a Replit template's `dialect:
    "postgresql"` left beside the better-sqlite3 database the app opens)."""
    own = [e for e in evidence if e.scope is Scope.APPLICATION and e.at_run_time]
    named = {e.engine for e in own}
    connected = {e.engine for e in own if e.kind in (EvidenceKind.CONNECTION, EvidenceKind.CONFIG)}
    if not connected or not tool_calls:
        return evidence

    def leftover(item: Evidence) -> bool:
        if item.kind is not EvidenceKind.CONNECTION or item.scope is not Scope.CONFIG or item.engine in named:
            return False
        file_facts = facts.get(item.file)
        return file_facts is not None and any(
            call.line == item.line and call.callee in tool_calls for call in file_facts.calls
        )

    why = f"a tool's configuration; the application connects to {', '.join(sorted(connected))}"
    return unreached_where(evidence, leftover, why)


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


def _served(
    items: Iterable[Item], facts: Mapping[str, FileFacts], served: Callable[[], frozenset[Family]] | None
) -> tuple[Item, ...]:
    """The items in files of a language the serving frameworks are written in (all where none is known).
    The frameworks are asked for only where the application holds files of more than one language."""
    found = tuple(items)
    if served is None or not found or len({f.language.family for f in facts.values()}) < 2:
        return found
    families = served()
    return tuple(
        item
        for item in found
        if not families or item.file not in facts or facts[item.file].language.family in families
    )
