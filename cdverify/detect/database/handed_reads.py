"""Files read at start-up through a parameter (unshipped_files.py's reads, one idiom further): a function
reads the path it is given (`def setup_config(app, config_path): with open(config_path) as f: …`), the
functions between hand it on unchanged (`def setup_app(config_path): setup_config(app, config_path)`), and a
call that runs as the application starts hands the first of them a literal path (`run_app(setup_app(
config_path=str(pathlib.Path("./src/env/dev.env.yaml").absolute())))` in the entry, under `if __name__ ==
"__main__":`). That path is read at start-up as surely as `open("src/env/dev.env.yaml")` there would be.

The read is in no `try` and under no `if`, in a mode that writes nothing; each call on the way is under no
`if` and hands the parameter itself, by position or keyword, to a project function (not a method) that the
calling module defines or imports, at most `_HOPS` calls deep; the path handed is a literal, a path built
of literals (unshipped_files.py `built_path`), or the object a catalogued path maker builds of one literal on
that line (`pathlib.Path("x")`, also through a method keeping the path: rules/database/connections.toml
`path_makers`). The outermost call runs at start-up: at module level of a started module (under no `if`
but a `__name__` test) or in a function run then."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from cdverify.detect.database.jsonschemas import at_start, imported_function
from cdverify.model import CallFact, FileFacts, Value

if TYPE_CHECKING:
    from cdverify.resolve.graph import ImportGraph
    from cdverify.rules_schema import PathMaker, StartupRead

_HOPS = 3  # functions handing the path on, the reading one included


class HandedRead(NamedTuple):
    """A read of a parameter's path, with the start-up call handing the literal it reads."""

    path: str  # the module of the outermost call
    call: CallFact  # the outermost call, run at start-up
    literal: str  # the path, as the read gets it (from the project's root where built from a module's folder)
    here: bool  # built from the module's own folder (`path.join(__dirname, "x")`)
    read: str  # `setup_config() at src/app/web/config.py:53`: the read itself
    label: str  # what the read raises (`startup_reads.label`)
    made_at: tuple[
        tuple[int, int], ...
    ]  # (line, col) of the path makers' calls handed it on that call's line


def handed_reads(
    facts: Mapping[str, FileFacts],
    reads: list[tuple[str, CallFact, StartupRead]],
    graph: ImportGraph,
    started: set[str],
    running: Mapping[str, set[str]],
    built: Callable[[Value, str], tuple[str, bool] | None],
    makers: tuple[PathMaker, ...],
) -> list[HandedRead]:
    """The reads (file, call, entry) of a parameter of their function whose path a start-up call hands
    on, literal, through at most `_HOPS` functions."""
    out: list[HandedRead] = []
    callers: dict[str, list[tuple[str, CallFact]]] | None = None
    for path, call, entry in reads:
        found = _parameter(facts[path], call, call.argument(*entry.path))
        if found is None:
            continue
        if callers is None:  # once, where a read of a parameter is there at all
            callers = _calls_by_name(facts)
        where = f"{found[0]}() at {path}:{call.line}"
        pending = [(path, found, 1)]
        while pending:
            file, (function, index, name), depth = pending.pop()
            for caller, handing in callers.get(function, ()):
                if handing.guard is not None and handing.guard.names != ("__name__",):
                    continue
                if _resolved(caller, handing, facts, graph) != (file, function):
                    continue
                value = handing.argument(str(index), name)
                if value is None:
                    continue
                if handing.guard is None:
                    further = _parameter(facts[caller], handing, value)
                    if further is not None and depth < _HOPS:
                        pending.append((caller, further, depth + 1))
                        continue
                if not _runs(handing, facts[caller], caller in started, running.get(caller, set())):
                    continue
                made = _literal_path(value, caller, handing, facts[caller], makers, built)
                if made is not None:
                    out.append(HandedRead(caller, handing, made[0], made[1], where, entry.label, made[2]))
    return out


def _kept(maker: PathMaker) -> tuple[str, ...]:
    """What a value's traced call reads after the maker's `()` for the object and the methods keeping it."""
    return ("", *(f".{method}" for method in maker.keeps))


def _parameter(file_facts: FileFacts, call: CallFact, value: Value | None) -> tuple[str, int, str] | None:
    """(function, index, name) of the parameter a call hands on unchanged, of the function it is in (not a
    method: a method's first parameter is its object)."""
    if value is None or len(value.names) != 1 or not _only(value._replace(names=())):
        return None
    (name,) = value.names
    for function in file_facts.functions:
        if function.scope == call.scope and not function.owner and name in function.params:
            return function.name, function.params.index(name), name
    return None


def _calls_by_name(facts: Mapping[str, FileFacts]) -> dict[str, list[tuple[str, CallFact]]]:
    """The last name of each call's callee → (file, call), over every module."""
    out: dict[str, list[tuple[str, CallFact]]] = {}
    for path, file_facts in facts.items():
        for call in file_facts.calls:
            out.setdefault(call.callee.rpartition(".")[2], []).append((path, call))
    return out


def _resolved(
    path: str, call: CallFact, facts: Mapping[str, FileFacts], graph: ImportGraph
) -> tuple[str, str] | None:
    """(file, function) a call names: a function a project module it imports defines, or its own."""
    if "." not in call.callee:
        return path, call.callee
    return imported_function(call.callee, path, facts, graph)


def _runs(call: CallFact, file_facts: FileFacts, started: bool, running: set[str]) -> bool:
    """Whether the outermost call runs as the application starts: at module level of a started module, under
    no `if` but a `__name__` test, or in a function run then."""
    if not call.scope:
        return started
    return call.guard is None and at_start(call, file_facts, started, running)


def _literal_path(
    value: Value,
    path: str,
    call: CallFact,
    file_facts: FileFacts,
    makers: tuple[PathMaker, ...],
    built: Callable[[Value, str], tuple[str, bool] | None],
) -> tuple[str, bool, tuple[tuple[int, int], ...]] | None:
    """The path a value hands over (a literal, a path built of literals, or a catalogued maker's object of a
    literal on the call's line: `str(Path("x").absolute())`), whether it is built from the module's folder,
    and the places of the makers' calls on the line handed that literal (they only hand it on)."""
    made = (value.literals[0], False) if _literal(value) else built(value, path)
    if made is None and len(value.calls) == 1 and _only(value._replace(calls=())):
        maker = value.calls[0].partition("()")[0]
        if any(maker in m.calls and value.calls[0] in {f"{maker}(){k}" for k in _kept(m)} for m in makers):
            on_line = [c for c in file_facts.calls if c.callee == maker and c.line == call.line]
            handed = on_line[0].args if len(on_line) == 1 else ()
            made = (handed[0].literals[0], False) if len(handed) == 1 and _literal(handed[0]) else None
    if made is None:
        return None
    names = {callee for m in makers for callee in m.calls}
    places = tuple(
        (c.line, c.col)
        for c in file_facts.calls
        if c.callee in names and c.line == call.line and c.args and made[0] in c.args[0].literals
    )
    # the call building the path handed (`os.path.join(os.path.dirname(__file__), "config.yaml")`) hands it on
    builders = tuple(
        (c.line, c.col) for c in file_facts.calls if c.line == call.line and c.callee in value.calls
    )
    return made[0], made[1], places + builders if value.paths else places


def _only(value: Value) -> bool:
    """Whether a value holds nothing (what is left of one after the part a caller wants)."""
    return value.empty and not (value.paths or value.parts or value.rewrites or value.handed)


def _literal(value: Value) -> bool:
    """A value that is one string literal and nothing else."""
    return len(value.strings) == 1 and len(value.literals) == 1 and _only(value._replace(strings=()))
