"""SQLite files in a folder that is not there, behind an engine that opens its file lazily (rules/database/
connections.toml `sqlite_engines`): `create_async_engine("sqlite+aiosqlite:///./data/app.db")` connects
nothing, but the first connection opens the file, creating it but not its folder. Connected as the
application starts — `async with engine.begin() as conn: await conn.run_sync(Base.metadata.create_all)` in
`@app.on_event("startup")`, `Base.metadata.create_all(bind=engine)` at module level — with `data/` left out
of the repository, the application stops there ("unable to open database file", then uvicorn's "Application
startup failed"). Connected only in request handlers, it starts: nothing is claimed.

What runs at start-up: module level of the modules run then, the functions a web framework runs as it
starts (`startup_hooks`: FastAPI's `on_event("startup")` and `lifespan=`, Starlette's `on_startup=`,
aiohttp's `on_startup.append`), the functions those call by name (`create_db_and_tables()`, a factory
`app = create_app()`), in the module or in the one they are imported from. Everything is certain-only, as
for the drivers that open the file at once (sqlite_folders.py, which reports both)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from cdverify.catalog import load_rules
from cdverify.detect.database.jsonschemas import at_start, started_functions
from cdverify.model import CallFact, FileFacts, Scope, Value
from cdverify.rules_schema import Connections, StartupHook
from cdverify.rules_schema.database import LazyEngine

if TYPE_CHECKING:
    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportGraph

# `sqlite:///rel/path`, `sqlite+aiosqlite:///./rel`: the path after the third slash (a fourth: absolute)
_SQLITE_URL = re.compile(r"^sqlite(?:\+\w+)?:///(.*)$", re.IGNORECASE)


class Engine(NamedTuple):
    """A module-level engine of a catalogued kind, made with a path it may open."""

    file: str
    call: CallFact
    entry: LazyEngine
    value: Value  # what the path (or URL) argument holds


class Opening(NamedTuple):
    """A start-up call that connects an engine."""

    file: str
    call: CallFact
    engine: Engine


def engines(found: Collection, kinds: Iterable[LazyEngine]) -> list[Engine]:
    """The application's engines of the catalogue's `kinds` (`sqlite_engines`, `server_engines`) bound at
    module level to a name (`engine = …`), alone of their kind in their module, with the argument holding
    the file's path or URL."""
    entries = {callee: entry for entry in kinds for callee in entry.calls}
    out = []
    for path in sorted(found.facts):
        if found.scope_of(path) is not Scope.APPLICATION:
            continue
        made = [c for c in found.facts[path].calls if c.callee in entries]
        for call in made:
            entry = entries[call.callee]
            if call.scope or not call.target or "." in call.target:
                continue
            if sum(c.callee == call.callee for c in made) != 1:
                continue  # two engines of one kind in a module: which one a call reaches is not known
            value = call.argument(*entry.path)
            if value is not None:
                out.append(Engine(path, call, entry, value))
    return out


def file_paths(engine: Engine, paths: list[tuple[str, str]] | None) -> list[tuple[str, str]] | None:
    """The file paths the engine's (literal, variable) values name: a URL's path for a SQLAlchemy URL;
    None when any value is not a relative SQLite file URL (another database, in memory, options after a
    `?`: nothing certain)."""
    if not paths or not engine.entry.url:
        return paths
    out = []
    for literal, variable in paths:
        matched = _SQLITE_URL.match(literal.strip())
        if matched is None or not matched.group(1) or "?" in literal:
            return None
        out.append((matched.group(1), variable))
    return out


def openings(
    found: Collection,
    graph: ImportGraph,
    made: Iterable[Engine],
    started: set[str],
    running: Mapping[str, set[str]],
) -> list[Opening]:
    """The first start-up call connecting each engine: a `connects` method called on it (or on what one
    gives: `engine.begin().run_sync(…)`), or a `handed` call given it (`create_all(bind=engine)`), at module
    level of a started module or in a function running at start-up."""
    out = []
    for engine in made:
        for path in sorted(started):
            file_facts = found.facts.get(path)
            if file_facts is None:
                continue
            refs = _references(engine, path, file_facts, graph)
            if not refs:
                continue
            call = next(
                (
                    c
                    for c in file_facts.calls
                    if _connects(c, refs, engine.entry)
                    and at_start(c, file_facts, True, running.get(path, set()))
                ),
                None,
            )
            if call is not None:
                out.append(Opening(path, call, engine))
                break
    return out


def _references(engine: Engine, path: str, file_facts: FileFacts, graph: ImportGraph) -> set[str]:
    """How the module at `path` writes the engine, traced: its own engine by the call that made it
    (`sqlalchemy.create_engine()`), another module's by the import (`app.db.engine`)."""
    if path == engine.file:
        return {f"{engine.call.callee}()"}
    name = engine.call.target
    refs = set()
    for edge in graph.imports_of(path):
        if edge.target == engine.file:
            specifier = edge.fact.specifier
            refs.add(f"{specifier}.{name}")
            refs.update(f"{specifier}.{imported}.{name}" for imported in edge.fact.names)
    return refs


def _connects(call: CallFact, refs: set[str], entry: LazyEngine) -> bool:
    for ref in refs:
        if call.callee.startswith(f"{ref}."):
            method = call.callee[len(ref) + 1 :].split(".", 1)[0].removesuffix("()")
            if method in entry.connects:
                return True
    if call.name.method not in entry.handed:
        return False
    values = (*call.args, *(value for _key, value in call.kwargs))
    return any(ref in value.calls for value in values for ref in refs)


def running_at_start(
    facts: Mapping[str, FileFacts], started: set[str], graph: ImportGraph
) -> dict[str, set[str]]:
    """File → the names of its functions that run as the application starts: those the started modules call
    (jsonschemas.started_functions) and those a web framework's start-up hook runs (`hooked`)."""
    running = started_functions(facts, started, graph)
    for path, names in hooked(facts, started, graph, load_rules(Connections).startup_hooks).items():
        running.setdefault(path, set()).update(names)
    return running


def hooked(
    facts: Mapping[str, FileFacts],
    started: Iterable[str],
    graph: ImportGraph,
    hooks: Iterable[StartupHook],
    seeds: Iterable[tuple[str, str]] = (),
) -> dict[str, set[str]]:
    """File → the names of its functions that run as the application starts beyond module level: those a
    started module hands a web framework's start-up hook or calls itself at module level, the (file,
    function) `seeds` (the app factories), and those these call by name, followed through the modules they
    are imported from."""
    hooks = tuple(hooks)
    by_call = {callee: hook for hook in hooks for callee in hook.calls}
    by_method = [(method, hook) for hook in hooks for method in hook.methods]
    running: dict[str, set[str]] = {}
    pending: list[tuple[str, str]] = list(seeds)
    for path in started:
        file_facts = facts.get(path)
        if file_facts is None:
            continue
        named: list[str] = [name for scope, name in file_facts.steps if not scope]
        for call in file_facts.calls:
            hook = by_call.get(call.callee) or next(
                (h for m, h in by_method if call.callee.endswith(f".{m}")), None
            )
            if hook is None or (hook.events and not _names_event(call, hook.events)):
                continue
            if not hook.functions:
                if call.decorates:
                    pending.append((path, call.decorates.partition("@")[0]))
                continue
            for key in hook.functions:
                value = call.argument(key)
                if value is not None:
                    named += value.names
        pending += [target for name in named for target in _defined(name, path, facts, graph)]
    while pending:
        path, name = pending.pop()
        if name in running.setdefault(path, set()):
            continue
        running[path].add(name)
        for scope, called in facts[path].steps:
            if scope and scope.partition("@")[0] == name:
                pending += _defined(called, path, facts, graph)
    return running


def _names_event(call: CallFact, events: tuple[str, ...]) -> bool:
    return bool(call.args) and any(literal in events for literal in call.args[0].literals)


def _defined(
    name: str, path: str, facts: Mapping[str, FileFacts], graph: ImportGraph
) -> list[tuple[str, str]]:
    """(file, function) a name called in the module at `path` may be: the module's own, or the one of a
    project module it is imported from (`from app.db import init_db`, also under another name: `from
    app.db.startup import on_startup as db_on_startup`)."""
    out = []
    for edge in graph.imports_of(path):
        if not edge.target or edge.target not in facts:
            continue
        renamed = re.search(rf"\b(\w+)\s+as\s+{re.escape(name)}\b", edge.fact.text)
        if renamed is not None and renamed.group(1) in edge.fact.names:
            out.append((edge.target, renamed.group(1)))
        elif name in edge.fact.names:
            out.append((edge.target, name))
    return out or [(path, name)]
