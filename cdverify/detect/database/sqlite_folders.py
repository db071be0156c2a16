"""SQLite files in a folder that is not there (rules/database/connections.toml `sqlite_files`): a driver that
opens a database file creates the file but never its folder, so `new Database("./data/app.db")` made as the
application starts, with `data/` left out of the repository (git-ignored) and no code or start script making
it, stops the application where the harness starts it (at the project's root): better-sqlite3 throws "Cannot
open database because the directory does not exist", Python's `sqlite3.connect` raises "unable to open
database file". A path only a variable gives stops where the variable is unset and its fallback is such a path
(`process.env.DATABASE_PATH ?? "./data/app.db"`), also one built from the module's own folder
(`process.env.DB_PATH ?? path.join(__dirname, "../../data/tasks.db")`). A driver opened in a class's
constructor with the path the constructor is handed (`constructor(dbPath) { this.db = new Database(dbPath) }`)
opens where the class is constructed at start-up (`new DatabaseService(process.env.DB_PATH ||
"./data/app.db")` at module level of a started module), with the path written there.

A driver told the file must be there (better-sqlite3's `{ fileMustExist: true }`: `must_exist`) refuses to
create it: opened so at start-up with a literal relative path to a file the project does not ship (a
git-ignored `dev.sqlite3` a migration command makes), which no other open of that path and no package or run
script names, it stops the application as surely.

Nothing is claimed where it is not certain: a path computed at run time (`path.join(process.cwd(), …)`,
`os.path.join(BASE_DIR, …)`), an absolute path or one outside the project, an in-memory or URI database,
a folder the project has, a call handing the error to a callback, or an application whose code or start
scripts create a folder anywhere (`fs.mkdirSync`, `os.makedirs`, `Path.mkdir`, `mkdir -p`)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.database.jsonschemas import at_start, imported_function
from cdverify.detect.database.report import StartupStop
from cdverify.detect.database.shipped import project_path
from cdverify.detect.database.sqlite_engines import Engine, engines, file_paths, openings, running_at_start
from cdverify.detect.database.unshipped_files import built_path
from cdverify.files import NotReadable, probe, read_regular
from cdverify.model import CallFact, FileFacts, Scope, Value
from cdverify.rules_schema import Connections

if TYPE_CHECKING:
    from pathlib import Path

    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportGraph
    from cdverify.rules_schema.database import SqliteFile

_HOPS = 2  # names followed to the module-level constant holding the path
_NOT_FILES = re.compile(r"^(?::memory:|file:)|[?]|mode=memory", re.IGNORECASE)  # in memory, a URI
_MAX_BYTES = 1 << 20


def missing_folders(
    found: Collection, graph: ImportGraph, root: Path, started_files: Callable[[], set[str]]
) -> list[StartupStop]:
    """The SQLite opens made at start-up (at module level of a module `started_files()` names, or in a
    function that runs then) whose file lies in a folder the project at `root` does not have and nothing
    creates: a driver's open (`sqlite_files`), or the first connection of an engine that opens its file
    lazily (`sqlite_engines`, sqlite_engines.py). The modules run at start-up are asked for only when the
    application opens a SQLite file or makes such an engine."""
    rules = load_rules(Connections)
    entries = {callee: entry for entry in rules.sqlite_files for callee in entry.calls}
    opening = [
        (path, call, entry)
        for path in sorted(found.facts)
        if found.scope_of(path) is Scope.APPLICATION
        for call in found.facts[path].calls
        if (entry := entries.get(call.callee)) is not None
    ]
    made = engines(found, rules.sqlite_engines)
    if not opening and not made:
        return []
    started = started_files()
    running = running_at_start(found.facts, started, graph)
    # (file, call) of the stop, its label, the path's value and the file it is read in, the lazy engine
    opens: list[tuple[str, CallFact, str, Value, FileFacts, Engine | None]] = []
    refusing: list[tuple[str, CallFact, str, Value, FileFacts]] = []  # opens of a file that must be there
    for path, call, entry in opening:
        file_facts = found.facts[path]
        if entry.callback and _has_callback(call):
            continue
        value = call.argument(*entry.path)
        if value is None or path not in started:
            continue
        if at_start(call, file_facts, True, running.get(path, set())):
            opens.append((path, call, entry.label, value, file_facts, None))
            if _must_exist(call, entry.must_exist):
                refusing.append((path, call, entry.missing_label, value, file_facts))
            continue
        for site_path, site, handed in _constructed(path, call, value, found.facts, graph, started, running):
            opens.append((site_path, site, entry.label, handed, found.facts[site_path], None))
    for path, call, lazy in openings(found, graph, made, started, running):
        opens.append((path, call, lazy.entry.label, lazy.value, found.facts[lazy.file], lazy))
    out: list[StartupStop] = []
    for path, call, label, value, value_facts, engine in opens:
        paths = _paths(value, value_facts, 0)
        made_at = ""
        if engine is not None:
            paths = file_paths(engine, paths)
            made_at = f" (the engine {engine.call.text} at {engine.file}:{engine.call.line})"
        if not paths:
            continue
        folders = [_missing(literal, root) for literal, _variable in paths]
        if not all(folders):
            continue
        variables = tuple(dict.fromkeys(v for _literal, v in paths if v))
        fixed = any(not v for _literal, v in paths)
        shown = paths[0][0]
        when = f" (the fallback when ${' or $'.join(variables)} is unset)" if variables and not fixed else ""
        reason = (
            f"opens {shown}{when}{made_at}, whose folder {folders[0]}/ the project does not have and no code "
            f"creates: {label}"
        )
        make = (
            f'os.makedirs("{folders[0]}", exist_ok=True)'
            if found.facts[path].language.family == "python"
            else f'fs.mkdirSync("{folders[0]}", {{ recursive: true }})'
        )
        fix = (
            f"create the folder {folders[0]}/ before the database opens (`{make}`), or ship it in the "
            "repository (a `.gitkeep` in it, and not ignored)"
        )
        out.append(StartupStop(path, call.line, call.text, () if fixed else variables, reason, fix))
    if out and makes_folders(found, root, rules.folder_makers):
        out = []
    return out + _unshipped_files(found, root, refusing, opening, {stop.file for stop in out})


def _must_exist(call: CallFact, options: tuple[str, ...]) -> bool:
    """Whether the open is given one of `options` as `true` (`{ fileMustExist: true }`)."""
    return any((value := call.kwarg(option)) is not None and value.text == "true" for option in options)


def _unshipped_files(
    found: Collection,
    root: Path,
    refusing: list[tuple[str, CallFact, str, Value, FileFacts]],
    opening: list[tuple[str, CallFact, SqliteFile]],
    stopped: set[str],
) -> list[StartupStop]:
    """The opens made at start-up of a file the driver requires to be there (`new Database("dev.sqlite3",
    { fileMustExist: true })`) whose every literal path names a file the project does not ship, which no
    other open of the application may create (one without the option, of the same path) and no package
    script or run script names: the application stops where the harness starts it."""
    out = []
    for path, call, label, value, value_facts in refusing:
        paths = _paths(value, value_facts, 0)
        if not paths or path in stopped:
            continue
        files = [_unshipped(literal, root) for literal, _variable in paths]
        if not all(files) or _made_elsewhere(found, files, opening, call):
            continue
        variables = tuple(dict.fromkeys(v for _literal, v in paths if v))
        fixed = any(not v for _literal, v in paths)
        reason = f"opens {paths[0][0]}, a file the project does not ship and nothing creates: {label}"
        fix = f"ship {files[0]} (or make it before the database opens), or drop the option requiring it"
        out.append(StartupStop(path, call.line, call.text, () if fixed else variables, reason, fix))
    return out


def _unshipped(literal: str, root: Path) -> str:
    """The normalised relative path of a database file the project does not have ("" when the path is in
    memory, absolute, outside the project, or the file is there)."""
    normal = None if _NOT_FILES.search(literal.strip()) else project_path(literal)
    return normal if normal is not None and probe(root / normal) is None else ""


def _made_elsewhere(
    found: Collection, files: list[str], opening: list[tuple[str, CallFact, SqliteFile]], call: CallFact
) -> bool:
    """Whether another open of the application (one not requiring the file) or a package or run script
    may create one of `files`: it is named there."""
    names = {posixpath.basename(file) for file in files}
    if any(name in text for text in found.manifests.commands() for name in names):
        return True
    return any(
        other is not call
        and not _must_exist(other, entry.must_exist)
        and any(name in literal for v in other.args[:1] for literal in v.strings for name in names)
        for _path, other, entry in opening
    )


def _constructed(
    path: str,
    call: CallFact,
    value: Value,
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    started: set[str],
    running: Mapping[str, set[str]],
) -> list[tuple[str, CallFact, Value]]:
    """(file, construction, the path it hands) for an open made, under no `if`, in a class's constructor with
    a parameter of it as the path: each `new Class(…)` of another module that imports the class, made as the
    application starts, with the argument in that parameter's place."""
    if call.guard is not None or len(value.names) != 1 or value.strings or value.env or value.calls:
        return []
    owned = [f for f in facts[path].functions if f.owner and f.name == "constructor"]
    constructor = next((f for f in owned if f.scope == call.scope), None)
    if constructor is None or value.names[0] not in constructor.params:
        return []
    index = constructor.params.index(value.names[0])
    out = []
    for site_path in sorted(started - {path}):
        site_facts = facts.get(site_path)
        if site_facts is None:
            continue
        for site in site_facts.calls:
            if not site.new or len(site.args) <= index:
                continue
            if imported_function(site.callee, site_path, facts, graph) != (path, constructor.owner):
                continue
            if at_start(site, site_facts, True, running.get(site_path, set())):
                out.append((site_path, site, site.args[index]))
    return out


def _has_callback(call: CallFact) -> bool:
    """A value after the path that is neither a number nor the driver's open flags (`sqlite3.OPEN_READWRITE`):
    a callback taking the error."""
    return any(
        not (value.numbers or (value.names and all(n.startswith("OPEN_") for n in value.names)))
        for value in call.args[1:]
    )


def _paths(value: Value, file_facts: FileFacts, depth: int) -> list[tuple[str, str]] | None:
    """(literal path, the variable it is the fallback of, or "") for each value the path may take; None
    when any is computed at run time or not known (a call, a template, a name not bound once at module
    level of the file to such a value). A path built of literals (`path.join(__dirname, "..", "data",
    "app.db")`) is given from the project's root."""
    if value.paths:
        # `process.env.DB_PATH ?? path.join(__dirname, "../data/app.db")`: the built path where it is unset
        variable = value.env[0] if len(value.env) == 1 and len(value.paths) == 1 else ""
        made = built_path(value._replace(env=()) if variable else value, file_facts.path)
        return [(made[0], variable)] if made is not None else None
    if len(value.names) == 1 and not (value.strings or value.env) and depth < _HOPS:
        # `new Database(dbPath)`, `dbPath = path.join(__dirname, …)` at module level: the name's path (the
        # value carries the calls building it too)
        bound = [a for a in file_facts.assignments if not a.scope and a.target == value.names[0]]
        if len(bound) == 1 and bound[0].value.paths:
            return _paths(bound[0].value, file_facts, depth + 1)
    if value.calls or len(value.literals) != len(value.strings):
        return None
    variable = value.env[0] if value.env else ""
    if len(value.env) > 1:
        return None
    out = [(literal, variable) for literal in value.literals]
    for name in value.names:
        bound = [a for a in file_facts.assignments if not a.scope and a.target == name]
        if depth >= _HOPS or len(bound) != 1:
            return None
        inner = _paths(bound[0].value, file_facts, depth + 1)
        if not inner:
            return None
        out += [(literal, inner_variable or variable) for literal, inner_variable in inner]
    return out or None


def _missing(literal: str, root: Path) -> str:
    """The folder of a relative database path that the project does not have ("" when the path is in
    memory, absolute, outside the project, or its folder is there)."""
    normal = None if _NOT_FILES.search(literal.strip()) else project_path(literal)
    folder = posixpath.dirname(normal) if normal is not None else ""
    return folder if folder and probe(root / folder) is None else ""


def makes_folders(found: Collection, root: Path, makers: tuple[str, ...]) -> bool:
    """Whether the application's code, its package scripts or its run script create a folder anywhere
    (`fs.mkdirSync(dir, { recursive: true })`, `os.makedirs(…)`, `mkdir -p data`): then the database's
    folder may be made before it opens."""
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, makers)) + r")(?![\w-])")
    if any(pattern.search(text) for text in found.manifests.commands()):
        return True
    runtime: Mapping[str, FileFacts] = found.runtime_facts()
    for path in sorted(runtime):
        try:
            text = read_regular(root / path, _MAX_BYTES).decode("utf-8", "replace")
        except (NotReadable, OSError):
            return True  # not known: claim nothing
        if pattern.search(text):
            return True
    return False
