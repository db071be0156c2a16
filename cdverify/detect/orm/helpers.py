"""SQL handed to a project helper that runs it (`def query(sql, params=()): cur.execute(sql, params)`):
the helpers found at the sinks, the calls of them in the project (by name in the helper's own file,
through an import of its module, on an instance of its class, on an attribute of `self` holding an instance
handed in), and the SQL each caller hands over, reported at the caller. Helpers of helpers are followed a
few levels deep."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import NamedTuple

from cdverify.detect.orm.barrels import project_name, python_heads
from cdverify.detect.orm.catalogue import Sink
from cdverify.detect.orm.raw_sql import at, handed_first, raw_sql, settled, sql_argument
from cdverify.detect.orm.report import RawKind, RawSql
from cdverify.detect.tracing import Instances, foreign, module_keys
from cdverify.model import CallFact, Family, FileFacts, FunctionFact, Scope, Value
from cdverify.parse.jsglobals import GLOBAL_OBJECTS

_HELPER_DEPTH = 3  # helpers of helpers followed
_NO_POSITION = 1 << 30  # a keyword-only parameter: no positional argument reaches it
Key = tuple[str, int, int, str, int]  # (file, line, col, call, helper parameter or -1): one finding


class Helper(NamedTuple):
    """A project function one of whose parameters reaches a sink's SQL argument (`def query(sql, params=()):
    cur.execute(sql, params)`): a call of it is a call of the sink, reported at the caller."""

    path: str
    function: FunctionFact
    param: int  # the parameter's index in `function.params`
    sink: Sink  # the sink it reaches, through inner helpers
    via: str  # `name (file:line)` of this helper's call of the sink, then the inner helpers'
    own: tuple[RawSql, ...]  # its own findings (dynamic SQL at the sink), kept when no caller is found


class Helpers:
    """The helpers found so far, one per (function, parameter)."""

    def __init__(self) -> None:
        self.all: list[Helper] = []
        self.numbers: dict[tuple[str, str, int], int] = {}

    def add(self, helper: Helper) -> int | None:
        """The new helper's number; None when the function's parameter is a helper already (its finding
        is then one more of that helper's own)."""
        key = (helper.path, helper.function.scope, helper.param)
        number = self.numbers.get(key)
        if number is not None:
            known = self.all[number]
            self.all[number] = known._replace(own=known.own + helper.own)
            return None
        self.numbers[key] = len(self.all)
        self.all.append(helper)
        return len(self.all) - 1


def key(path: str, call: CallFact, param: int = -1) -> Key:
    return (path, *at(call), call.text, param)


# by the scope of a call: the function it is in (every parameter), then those around it whose parameters
# its calls use (those parameters)
Functions = Mapping[str, tuple[tuple[FunctionFact, tuple[str, ...]], ...]]


def function_table(file_facts: FileFacts) -> dict[str, tuple[tuple[FunctionFact, tuple[str, ...]], ...]]:
    """The file's helper functions by the scope of a call in them: the function itself, then the
    functions around it whose parameters its calls hand on (`FunctionFact.closures`)."""
    table: dict[str, tuple[tuple[FunctionFact, tuple[str, ...]], ...]] = {}
    for function in file_facts.functions:
        table[function.scope] = ((function, function.params), *table.get(function.scope, ()))
        for inner, used in function.closures:
            table[inner] = (*table.get(inner, ()), (function, used))
    return table


def passed_parameter(
    call: CallFact,
    sink: Sink,
    functions: Functions,
    assigned: Mapping[tuple[str, str], Value],
) -> tuple[FunctionFact, int] | None:
    """(enclosing function, parameter index) when the SQL argument of a sink call is a parameter of the
    function it is in (or of a function around it: a closure), not reassigned to a string there."""
    if not call.scope:
        return None
    value = sql_argument(call, sink)
    if value is None or value.strings:
        return None
    for function, params in functions.get(call.scope, ()):
        for name in value.names:
            if name and name != "*" and name in params:
                local = assigned.get((call.scope, name))
                if local is not None and local.strings:
                    return None
                return function, function.params.index(name)
    return None


class _Reach(StrEnum):
    """How another module's call reaches a helper."""

    FUNCTION = "function"  # the module's function, by name (`from app.db import query`)
    INSTANCE = "instance"  # a method called on an instance of its class (`Database().query`, `db.query`)
    CLASS = "class"  # a method called on the class itself (`Database.query`: a static or class method)


class _Target(NamedTuple):
    """A helper as another module reaches it: its module, and its function's scope (FUNCTION) or its
    class (INSTANCE, CLASS)."""

    path: str
    name: str
    reach: _Reach


class _Targets:
    """Helper targets under stand-in names: `foreign` traces a call to text (`<helper:0>.query`), so each
    target is entered in the traced index under a name no code can write, and read back here."""

    _PREFIX = "<helper:"

    def __init__(self) -> None:
        self._names: dict[_Target, str] = {}
        self._targets: dict[str, _Target] = {}

    def name(self, target: _Target) -> str:
        name = self._names.get(target)
        if name is None:
            name = self._names[target] = f"{self._PREFIX}{len(self._names)}>"
            self._targets[name] = target
        return name

    def read(self, traced: str) -> tuple[_Target, str] | None:
        """The target a traced callee starts with, and the rest of the callee after it."""
        if not traced.startswith(self._PREFIX):
            return None
        end = traced.find(">") + 1
        target = self._targets.get(traced[:end])
        return (target, traced[end:]) if target is not None else None


class _Call(StrEnum):
    """How a call may reach a helper."""

    LOCAL = "local"  # the file's own function (`query(…)`, `self.run(…)`)
    IMPORTED = "imported"  # another module's name, or an instance of the file's own class
    GLOBAL = "global"  # a name the file does not bind: a helper installed on the global object (JS)
    # a method on an attribute of `self` cdverify cannot trace (Python: `self.db.fetch_all(…)` after
    # `def __init__(self, db: Database): self.db = db`, an instance handed to the constructor)
    ATTRIBUTE = "attribute"


class _Round(NamedTuple):
    """One level of helpers being looked up: by name in their own file, by module and function scope (or
    `Class.method`), as other modules trace them, and by the global name a module installs them under."""

    local: dict[tuple[str, str, bool], list[int]]  # (path, name, is a method) → helpers
    groups: dict[tuple[str, str], list[int]]  # a function's helpers (one per parameter)
    traced: Instances  # the helpers as other modules reach them
    targets: _Targets
    globals: dict[str, list[int]]  # `global.db = execute`: `db` → the helpers of `execute`


def _caller_sink(helper: Helper) -> Sink:
    """The helper as a sink: its parameter's position (past `self`) and name (for keyword arguments)."""
    params = helper.function.params
    position = helper.param
    if "*" in params[:position]:
        position = _NO_POSITION
    elif helper.function.owner and params[0] in ("self", "cls"):
        position -= 1
    # a helper of an untraced sink (`execute(sql) { return this.pool.query(sql) }`) stays one: its callers'
    # SQL counts as a complete statement only
    return helper.sink._replace(arg=position, keys=(params[helper.param],))


def through_helpers(
    facts: Mapping[str, FileFacts],
    scopes: Mapping[str, Scope],
    helpers: Helpers,
    found: dict[Key, RawSql],
    heads: frozenset[str] | None = None,
    project: Instances | None = None,
) -> None:
    """Report the SQL each caller hands to a helper, at the caller, in place of the helper's own
    finding. A helper called with a string the classifier reads is reported as that statement or
    fragment; one called with SQL it cannot read (a variable from elsewhere) is dynamic SQL at that
    caller (the helper makes it SQL text, so even an imported constant or a call result is). A caller
    passing its own parameter is a helper in turn. The helper's own (dynamic) finding is kept only when
    no caller is found, or one hands over nothing cdverify can follow (a spread, a default): then its
    SQL comes from where cdverify cannot see (another package, a callback, an instance handed in).
    `project`: the project's traced instances, whose import forms the helpers are looked up through too
    (`from . import db`, then `db.select(sql)`; a Node path alias)."""
    assigned: dict[str, dict[tuple[str, str], Value]] = {}  # by file, made for the files of callers
    functions: dict[str, Functions] = {}

    def tables(path: str) -> tuple[dict[tuple[str, str], Value], Functions]:
        if path not in assigned:
            assigned[path] = {(a.scope, a.key): a.value for a in facts[path].assignments}
            functions[path] = function_table(facts[path])
        return assigned[path], functions[path]

    heads = python_heads(facts) if heads is None else heads
    # (file, call, of the file's own function, the method called)
    candidates = [(*candidate, candidate[1].name.method) for candidate in _helper_calls(facts, heads)]
    targets = _Targets()
    called: set[int] = set()
    unresolved: set[int] = set()  # called without an argument cdverify can follow
    frontier = list(range(len(helpers.all)))
    for _ in range(_HELPER_DEPTH):
        if not frontier:
            break
        local: dict[tuple[str, str, bool], list[int]] = {}
        groups: dict[tuple[str, str], list[int]] = {}
        exported: dict[tuple[str, str], str] = {}
        installed: dict[str, list[int]] = {}
        for number in frontier:
            helper = helpers.all[number]
            method = bool(helper.function.owner)
            local.setdefault((helper.path, helper.function.name, method), []).append(number)
            family = facts[helper.path].language.family
            if method:  # `Database().query`, `db.query` after `db = Database()`: by class and method name
                group = groups.setdefault(
                    (helper.path, f"{helper.function.owner}.{helper.function.name}"), []
                )
                for entry, name in _class_entries(helper, facts[helper.path], family, targets).items():
                    exported.setdefault(entry, name)
            else:
                group = groups.setdefault((helper.path, helper.function.scope), [])
                target = targets.name(_Target(helper.path, helper.function.scope, _Reach.FUNCTION))
                for module in module_keys(helper.path, family):
                    exported.setdefault((module, helper.function.name), target)
                for name in _global_names(helper, facts[helper.path]):
                    installed.setdefault(name, []).append(number)
            group.append(number)
        reach = Instances(exported, heads, {})
        if project is not None:
            reach = reach._replace(packaged=project.packaged, aliased=project.aliased)
        level = _Round(local, groups, reach, targets, installed)
        names = {helpers.all[number].function.name for number in frontier}
        following: list[int] = []
        for path, call, kind, method_name in candidates:
            if kind is _Call.GLOBAL:
                if method_name not in installed:
                    continue
            elif method_name not in names and not (kind is _Call.IMPORTED and "default" in names):
                continue
            own_assigned, own_functions = tables(path)
            for number in _helpers_of(path, call, kind, facts[path], own_functions, helpers, level):
                helper = helpers.all[number]
                if kind is _Call.GLOBAL:  # the global name is the outermost helper the SQL is handed to
                    via = f"{method_name} (global) → {helper.via}"
                    helper = helper._replace(via=via)
                on_global = kind is _Call.GLOBAL
                new, handed = _caller(
                    path, call, helper, scopes, own_assigned, own_functions, helpers, found, on_global
                )
                following.extend(new)
                (called if handed else unresolved).add(number)
        frontier = following
    for number, helper in enumerate(helpers.all):
        if number not in called or number in unresolved:
            for own in helper.own:
                found.setdefault((own.file, own.line, own.col, own.call, -1), settled(own, helper.sink))


def _class_entries(
    helper: Helper, file_facts: FileFacts, family: Family, targets: _Targets
) -> dict[tuple[str, str], str]:
    """What other modules call a helper method through: the class (`from app.db import Database`, then
    `Database().query`, `self.db = Database()`, `Db.query` for a static method), and the module-level
    instances the module exports (`db = Database()`, `module.exports = new Db()`), by module key."""
    owner = helper.function.owner
    instance = targets.name(_Target(helper.path, owner, _Reach.INSTANCE))
    cls = targets.name(_Target(helper.path, owner, _Reach.CLASS))
    names = {f"{owner}()": instance, owner: cls}
    for name, of in file_facts.objects:
        if of == owner:
            names[name] = instance  # `db`, `default`; `default()`: what `new` of the default export makes
            if name.endswith("()"):
                names.setdefault(name[:-2], cls)  # `export default class Db`: `Db.query` on the import
    return {(key, name): value for key in module_keys(helper.path, family) for name, value in names.items()}


def _caller(
    path: str,
    call: CallFact,
    helper: Helper,
    scopes: Mapping[str, Scope],
    assigned: Mapping[tuple[str, str], Value],
    functions: Functions,
    helpers: Helpers,
    found: dict[Key, RawSql],
    installed: bool = False,
) -> tuple[list[int], bool]:
    """Record what one caller hands to a helper (`installed`: under a global name). Returns the new
    helper's number when the caller passes
    on a parameter of its own, and whether the caller hands over anything at all (a call without the
    argument, or with a spread or a callback, leaves the helper's own finding in place)."""
    sink = _caller_sink(helper)
    item = raw_sql(path, scopes.get(path, Scope.APPLICATION), call, sink, assigned, sql_text=True)
    item = item._replace(via=helper.via, through_global=installed) if item is not None else None
    # a guess through a factory binding (`def run(sql): return conn.execute(sql)`) is settled here
    found.pop(key(path, call), None)
    value = sql_argument(call, sink)
    handed = value is not None and not value.empty
    known = item is not None and item.kind is not RawKind.DYNAMIC
    outer = None if known else passed_parameter(call, sink, functions, assigned)
    if outer is not None:
        function, param = outer
        via = f"{function.name} ({path}:{at(call)[0]}) → {helper.via}"
        # `fetchall(dbc, (sql, args))`: the outer helper's callers hand the statement itself
        reached = helper.sink
        if reached.first_item and handed_first(call, sink) is not None:
            reached = reached._replace(first_item=False)
        number = helpers.add(Helper(path, function, param, reached, via, (item,) if item else ()))
        return ([number] if number is not None else []), handed
    if item is not None:
        found[key(path, call, helper.param)] = settled(item, helper.sink)
    return [], handed


def _global_names(helper: Helper, file_facts: FileFacts) -> list[str]:
    """The names a module installs a helper function under on the global object: `global.db = execute`,
    `globalThis.query = async (sql) => …` (then `db('SELECT …')` anywhere, with no import)."""
    return [
        assignment.target.split(".", 1)[1]
        for assignment in file_facts.assignments
        if assignment.target.startswith(GLOBAL_OBJECTS)
        and assignment.target.count(".") == 1
        and helper.function.name in assignment.value.names
        and not assignment.value.calls
    ]


def _helper_calls(
    facts: Mapping[str, FileFacts], heads: frozenset[str]
) -> Iterable[tuple[str, CallFact, _Call]]:
    """Calls that may be of a project helper: of the file's own functions, of other modules' names, and
    of names installed on the global object."""
    for path, file_facts in facts.items():
        for call in file_facts.local_calls:
            yield path, call, _Call.LOCAL
        family = file_facts.language.family
        objects = dict(file_facts.objects)
        for call in file_facts.calls:
            if project_name(call.callee, family, heads) or (objects and _own_object(call, objects)):
                yield path, call, _Call.IMPORTED
        for call in file_facts.free_calls:
            yield path, call, _Call.GLOBAL
        if family == "python":
            for call in file_facts.calls:
                name = call.name
                if not name.traced and name.receiver.startswith("self.") and name.receiver.count(".") == 1:
                    yield path, call, _Call.ATTRIBUTE


def _own_object(call: CallFact, objects: Mapping[str, str]) -> str:
    """`Class.method` of a call on an instance the module makes itself (`db = Database()`, then
    `db.query("SELECT …")`, which the parser keeps as an untraced SQL call); ""."""
    name = call.name
    if name.traced:
        return ""
    owner = objects.get(name.receiver)
    return f"{owner}.{name.method}" if owner else ""


def _helpers_of(
    path: str,
    call: CallFact,
    kind: _Call,
    file_facts: FileFacts,
    functions: Functions,
    helpers: Helpers,
    level: _Round,
) -> list[int]:
    """The helpers a call may be of: by name in its own file (a method of the caller's own class first),
    through the import of another module, or by the global name a module installed it under."""
    name = call.name
    if kind is _Call.GLOBAL:
        return list(level.globals.get(name.method, []))
    if kind is _Call.ATTRIBUTE:
        return _attribute_helpers(path, name.method, file_facts, level)
    if kind is _Call.LOCAL:
        method = bool(name.receiver)
        found = level.local.get((path, name.method, method), [])
        if method and len(found) > 1:
            caller = next((f for f, _ in functions.get(call.scope, ())), None)
            mine = [n for n in found if caller is not None and helpers.all[n].function.owner == caller.owner]
            return mine or list(found)
        return list(found)
    if not name.traced:  # on an instance of the module's own class
        return list(level.groups.get((path, _own_object(call, dict(file_facts.objects))), []))
    family = file_facts.language.family
    traced = foreign(call.callee, path, family, level.traced)
    if traced is None and family == "node":  # `require("./query")(sql)`: the module's default export
        traced = foreign(call.callee + ".default", path, family, level.traced)
    reached = level.targets.read(traced) if traced is not None else None
    if reached is None:
        return []
    target, rest = reached
    if target.reach is _Reach.FUNCTION:
        return list(level.groups.get((target.path, target.name + rest), []))
    member = target.name + rest  # `Database.query`: a method of the class, nothing after it
    if member.count(".") != 1:
        return []
    found = level.groups.get((target.path, member), [])
    if target.reach is _Reach.CLASS:  # on the class itself: a static or class method, not one taking `self`
        found = [n for n in found if helpers.all[n].function.params[:1] != ("self",)]
    return list(found)


def _attribute_helpers(path: str, method: str, file_facts: FileFacts, level: _Round) -> list[int]:
    """The helpers a call on an untraced attribute of `self` may be of (`self.db.fetch_all("SELECT …")`, the
    instance handed to the constructor: `def __init__(self, db: Database): self.db = db`): the helper method
    of that name of the one class that has one among the classes the file defines or imports by name
    (`from app.db import Database`). Two such classes: no guess (the call stays an untraced sink's)."""
    owners: dict[tuple[str, str], list[int]] = {}
    imported = [(fact.specifier, name) for fact in file_facts.imports for name in fact.names]
    for (helper_path, member), numbers in level.groups.items():
        owner, _, name = member.partition(".")
        if name != method or not owner:
            continue
        if helper_path == path or any(
            name == owner and _imports_class(path, specifier, owner, helper_path, method, level)
            for specifier, name in imported
        ):
            owners[(helper_path, owner)] = numbers
    return list(next(iter(owners.values()))) if len(owners) == 1 else []


def _imports_class(
    path: str, specifier: str, owner: str, helper_path: str, method: str, level: _Round
) -> bool:
    """`from <specifier> import <owner>` in `path` names the helper's class of `helper_path`."""
    written = f"{specifier}{owner}" if specifier.endswith(".") else f"{specifier}.{owner}"
    traced = foreign(f"{written}().{method}", path, Family.PYTHON, level.traced)
    reached = level.targets.read(traced) if traced is not None else None
    return reached is not None and reached[0] == _Target(helper_path, owner, _Reach.INSTANCE)
