"""Files read at start-up that the project does not ship (rules/database/connections.toml `startup_reads`,
read by stops.py): `with open("config.json") as f: config = json.load(f)` at module level of a module run as
the application starts, `Path("settings.json").read_text()`, `fs.readFileSync("./config.json")`, with the file
git-ignored and absent from the repository, raises FileNotFoundError (throws ENOENT) before the application
serves, wherever it runs as shipped.

A path built of literals (`path.resolve(__dirname, "../../keys/private.pem")`, `path.join(process.cwd(),
"config.json")`, `` `${__dirname}/keys.json` ``) is read as the path it builds, from the module's own folder
(where the module lies: the source the start runs) or from the project's root. One built from the module's
folder is claimed only where a `.gitignore` of the project ignores it: a module run from a build output
(`dist/`) has another folder, and the ignored path says the project keeps the file out whatever runs it.

A function reading the path its parameter gives (`def setup_config(app, config_path): open(config_path)`)
reads the literal a start-up call hands it, through the functions between (handed_reads.py).

Nothing else is claimed where it is not certain: a path computed at run time (a name, `os.path.join(…)`,
a variable or a hole in a built path), an absolute path or one outside the project, a read inside a `try`
or under an `if` (`if os.path.exists(…)`, `if (fs.existsSync(…))`), a read in a function not known to run
at start-up, an `open` whose mode writes or is computed, a file the project has (ignored files of a working
copy too), or a file the application writes, copies or names in any other call, or its start scripts name
(`cp config.example.json config.json`)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.database.handed_reads import handed_reads
from cdverify.detect.database.jsonschemas import at_start
from cdverify.detect.database.local_modules import ignored_by
from cdverify.detect.database.report import StartupStop
from cdverify.detect.database.shipped import project_path
from cdverify.detect.database.sqlite_engines import running_at_start
from cdverify.files import probe
from cdverify.model import CallFact, FileFacts, Scope, Value
from cdverify.parse.jssyntax import HERE
from cdverify.rules_schema import Connections, StartupRead

if TYPE_CHECKING:
    from pathlib import Path

    from pathspec import GitIgnoreSpec

    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportGraph


_WRITES = frozenset("wax+")


def unshipped_reads(
    found: Collection, graph: ImportGraph, root: Path, started_files: Callable[[], set[str]]
) -> list[StartupStop]:
    """The file reads made at start-up, unguarded, of a relative literal path the project at `root` does not
    have and nothing writes. The modules run at start-up are asked for only when the application reads
    such a path at all."""
    rules = load_rules(Connections)
    entries = {callee: entry for entry in rules.startup_reads for callee in entry.calls}
    ignores: dict[str, GitIgnoreSpec | None] = {}
    reads: list[tuple[str, CallFact, str, str]] = []  # (file, call, path read, why it is not shipped)
    handed: list[tuple[str, CallFact, StartupRead]] = []  # reads of a path a parameter gives
    application = {path: f for path, f in found.facts.items() if found.scope_of(path) is Scope.APPLICATION}
    for path in sorted(application):
        file_facts = found.facts[path]
        for call in file_facts.calls:
            entry = entries.get(call.callee)
            if entry is None or call.guard is not None:
                continue
            read = _read_path(call, entry, file_facts, path)
            if read is None and call.scope and not entry.built_by and _reads_only(call, entry):
                handed.append((path, call, entry))
            if read is None or not _missing(read[0], root):
                continue
            why = ignored_by(root, read[0], ignores) if read[2] else ""
            if why or not read[2]:
                reads.append((path, read[1], read[0], why))
    if not reads and not handed:
        return []
    started = started_files()
    running = running_at_start(found.facts, started, graph)
    out: list[StartupStop] = []
    for path, call, literal, why in reads:
        if path not in started or not at_start(call, found.facts[path], True, running.get(path, set())):
            continue
        if _named_elsewhere(found, literal, entries):
            continue
        label = next(e.label for e in entries.values() if call.callee in (*e.calls, *e.built_by))
        out.append(_unshipped(path, call, literal, why, label))
    args = (application, handed, graph, started, running, built_path, rules.path_makers)
    for given in handed_reads(*args) if handed else ():
        why = ignored_by(root, given.literal, ignores) if given.here else ""
        if not _missing(given.literal, root) or (given.here and not why):
            continue
        handing = {(given.path, given.call.line, given.call.col)}  # the call handing it, and the path maker's
        handing |= {(given.path, line, col) for line, col in given.made_at}
        if _named_elsewhere(found, given.literal, entries, handing):
            continue
        label = f"{given.label} (in {given.read})"
        out.append(_unshipped(given.path, given.call, given.literal, why, label))
    return out


def _unshipped(path: str, call: CallFact, literal: str, why: str, label: str) -> StartupStop:
    ignored = f" ({why})" if why else ""
    reason = f"reads {literal}, which the project does not ship{ignored} and nothing writes: {label}"
    fix = f"ship {literal} (a default of it, not ignored), or fall back to defaults when it is missing"
    return StartupStop(path, call.line, call.text, (), reason, fix)


def _read_path(
    call: CallFact, entry: StartupRead, file_facts: FileFacts, path: str
) -> tuple[str, CallFact, bool] | None:
    """The literal path a read call of the module at `path` reads, when the call certainly reads (its mode
    writes nothing), the call handed it (`Path("x")` of `Path("x").read_text()`, whose scope is recorded),
    and whether the path is built from the module's own folder (`path.resolve(__dirname, "../keys.pem")`,
    given from the project's root: `keys.pem` for src/config.ts)."""
    if not _reads_only(call, entry):
        return None
    if entry.built_by:
        built = [
            c
            for c in file_facts.calls
            if c.callee in entry.built_by and c.line == call.line and c.col == call.col
        ]
        handed = built[0] if len(built) == 1 else call
        value = handed.args[0] if handed is not call and handed.args else None
    else:
        handed = call
        value = call.argument(*entry.path)
    if value is None:
        return None
    if _literal(value):
        return value.literals[0], handed, False
    made = built_path(value, path)
    return None if made is None else (made[0], handed, made[1])


def built_path(value: Value, path: str) -> tuple[str, bool] | None:
    """The path a value builds of literals alone (`path.join(__dirname, "keys.json")`), from the project's
    root, and whether it is built from the module's own folder; None for any other value."""
    if len(value.paths) != 1 or value.env or value.names or value.numbers:
        return None
    (built,) = value.paths
    if not isinstance(built, str) or not built:
        return None
    here = built.startswith(HERE)
    normal = project_path(posixpath.join(posixpath.dirname(path), built) if here else built)
    return None if normal is None else (normal, here)


def _reads_only(call: CallFact, entry: StartupRead) -> bool:
    """Whether a read call's mode is one that writes nothing (not computed, no `w`, `a`, `x` or `+`)."""
    for key in entry.mode:
        mode = call.argument(key)
        if mode is not None and (not _literal(mode) or _WRITES.intersection(mode.literals[0])):
            return False
    return True


def _literal(value: Value) -> bool:
    """A value that is one string literal and nothing else."""
    return (
        len(value.strings) == 1
        and len(value.literals) == 1
        and not (value.names or value.calls or value.env or value.paths or value.parts)
    )


def _missing(literal: str, root: Path) -> bool:
    """Whether a relative path inside the project is not there."""
    normal = None if "://" in literal else project_path(literal)
    return normal is not None and probe(root / normal) is None


def _named_elsewhere(
    found: Collection,
    literal: str,
    entries: dict[str, StartupRead],
    handing: set[tuple[str, int, int]] | frozenset[tuple[str, int, int]] = frozenset(),
) -> bool:
    """Whether a call other than a read names the file (`open(path, "w")` reads nothing, `shutil.copy(…,
    "config.json")`, `fs.writeFileSync("config.json", …)`), or a start script or run script does. A call
    whose result a read on its line is handed (`open(os.path.join(BASE, "config.json"))`), or that makes
    the object a read on its line reads (`Path("config.json").read_text()`), reads it too, as do the calls
    handing it to a function reading its parameter (`handing`: (file, line, column), handed_reads.py)."""
    normal = posixpath.normpath(literal.strip())
    for path, file_facts in found.facts.items():
        reads = [  # unguarded calls that certainly read (an `open` in a writing mode does not)
            call
            for call in file_facts.calls
            if call.callee in entries and call.guard is None and _reads_only(call, entries[call.callee])
        ]
        reading = {
            (call.line, inner)
            for call in reads
            for inner in (
                *entries[call.callee].built_by,
                *(made for value in (*call.args, *(v for _key, v in call.kwargs)) for made in value.calls),
            )
        }
        for call in file_facts.calls:
            if call in reads or (call.line, call.callee) in reading or (path, call.line, call.col) in handing:
                continue  # another read of it (an unguarded one: a guarded read may make it)
            values = (*call.args, *(value for _key, value in call.kwargs))
            if any(posixpath.normpath(text) == normal for value in values for text in value.literals):
                return True
            built = (built_path(value, path) for value in values)
            if any(b is not None and posixpath.normpath(b[0]) == normal for b in built):
                return True  # `fs.writeFileSync(path.join(__dirname, "keys.json"), …)`
    name = posixpath.basename(normal)
    pattern = re.compile(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])")
    return any(pattern.search(text) for text in found.manifests.commands())
