"""The ORM-adherence verifier: which data-access libraries application code uses, and every raw SQL
statement that reaches an execution sink.

A sink is decided from the call site first: the callee is traced to its import (`sqlalchemy.text`,
`sqlite3.connect().cursor().execute`, `sequelize.Sequelize().query`), so a method called `execute` on
anything else is never a sink. The SQL argument is then confirmed by the string classifier
(cdverify/sql, sqlglot imported only when a candidate string needs it). Catalogues:
rules/orm/libraries.toml and rules/orm/sinks.toml. Pure functions over the project model; no I/O.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from cdverify.catalog import load_rules, make_finding
from cdverify.detect.tracing import Instances, foreign, instances_of, module_keys
from cdverify.model import (
    HOLE,
    UNTRACED,
    CallFact,
    FileFacts,
    Finding,
    FunctionFact,
    ImportKind,
    Location,
    Scope,
    Severity,
    Value,
)
from cdverify.rules_schema import OrmLibraries, OrmLibrary, Sinks

if TYPE_CHECKING:
    from cdverify.analysis import Analysis
    from cdverify.config import Config
    from cdverify.constraints import Constraints

CONSTRAINT = "orm"
# Statements that set a connection up rather than query data: information, wherever they are.
_BOOTSTRAP = ("PRAGMA", "CREATE EXTENSION", "SET", "BEGIN", "COMMIT", "ROLLBACK", "VACUUM")
_OUTSIDE = {
    Scope.TEST: "tests",
    Scope.MIGRATION: "migrations",
    Scope.SCRIPT: "scripts",
    Scope.CONFIG: "config",
}


class LibraryUse(NamedTuple):
    name: str
    kind: str  # orm | core | driver | odm
    files: tuple[str, ...]  # application files that import it
    models: tuple[tuple[str, int, str], ...]  # (file, line, model) mapped models it defines
    first: tuple[str, int, str]  # (file, line, import text) of the first import
    module: str = ""  # the module first imported (`asyncpg` for the PostgreSQL driver group)


class RawSql(NamedTuple):
    file: str
    line: int
    col: int
    api: str  # the sink, e.g. "sqlalchemy.text", "DB-API cursor / connection"
    call: str  # the call as written
    sql: str  # the statement, holes shown as `{…}`
    kind: str  # statement | command | trivial | fragment | dynamic
    statement: str  # SELECT, INSERT, CREATE TABLE, …
    tables: tuple[str, ...]
    scope: str  # application | tests | migrations | scripts | config
    purpose: str = ""  # "bootstrap" / "health check" when the statement is one
    via: str = ""  # the project helpers the SQL is handed to, outermost first: `query (app/db.py:12)`

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "api": self.api,
            "sql": self.sql,
            "kind": self.kind,
            "statement": self.statement,
            "tables": list(self.tables),
            "scope": self.scope,
            **({"purpose": self.purpose} if self.purpose else {}),
            **({"via": self.via} if self.via else {}),
        }


class OrmReport(NamedTuple):
    libraries: dict[str, LibraryUse]
    raw_sql: tuple[RawSql, ...]  # complete statements (and dynamic SQL at a sink)
    fragments: tuple[RawSql, ...]  # SQL pieces inside a query builder

    def used(self) -> list[str]:
        """Data-access libraries used by application code, ORMs first."""
        order = {"orm": 0, "odm": 1, "core": 2, "driver": 3}
        return sorted(self.libraries, key=lambda n: (order.get(self.libraries[n].kind, 4), n))


class _Sink(NamedTuple):
    name: str
    calls: frozenset[str]
    receivers: tuple[str, ...]
    methods: frozenset[str]
    arg: int
    keys: tuple[str, ...]
    fragment: bool
    suffixes: tuple[str, ...] = ()
    untraced: bool = False
    mixed: bool = False  # a whole statement or a piece of one (`sql` template tags)
    through: tuple[str, ...] = ()  # the receiver must contain one of these (`.createQueryBuilder()`)
    literals_only: bool = False  # only string literals are SQL (a name may hold an object, a callback)
    expressions_only: bool = False  # a plain column path (`article.created`) is no SQL piece


@cache
def _sinks(family: str) -> tuple[_Sink, ...]:
    return tuple(
        _Sink(
            entry.name,
            frozenset(entry.calls),
            entry.receivers,
            frozenset(entry.methods),
            entry.arg,
            entry.keys,
            entry.fragment,
            entry.receiver_suffixes,
            entry.untraced,
            entry.statement_or_fragment,
            entry.receiver_contains,
            entry.literals_only,
            entry.expressions_only,
        )
        for entry in load_rules(Sinks).family(family)
    )


@cache
def _libraries() -> dict[str, OrmLibrary]:
    return dict(load_rules(OrmLibraries).libraries)


def _sink_of(call: CallFact, family: str) -> _Sink | None:
    callee = call.callee
    receiver, _, method = callee.rpartition(".")
    untraced = callee.startswith(UNTRACED)
    for sink in _sinks(family):
        if untraced:
            if sink.untraced and method in sink.methods:
                return sink
            continue
        if callee in sink.calls:
            return sink
        if method not in sink.methods:
            continue
        if ".prepare()" in receiver:
            continue  # a prepared statement's run/get/all take parameters, not SQL
        if sink.through and not any(part in receiver for part in sink.through):
            continue
        if any(receiver.startswith(r) or receiver == r.rstrip(".") for r in sink.receivers):
            return sink
        if any(receiver.endswith(suffix) for suffix in sink.suffixes):
            return sink
    return None


@cache
def _modules(python: bool) -> dict[str, str]:
    """module / npm package → library."""
    return {
        module: name
        for name, entry in _libraries().items()
        for module in (entry.python if python else entry.npm)
    }


def _library_of(spec: str, python: bool) -> str | None:
    """The library a module belongs to: the longest catalogued module that is `spec` or contains it."""
    modules = _modules(python)
    separator = "." if python else "/"
    parts = spec.split(separator)
    for end in range(len(parts), 0, -1):
        library = modules.get(separator.join(parts[:end]))
        if library is not None:
            return library
    return None


_SQL_NAME = re.compile(r"^--\s*name:\s*(\S+)", re.M)
_PLACEHOLDER = re.compile(r"\s*(?:\?\??|\$\d+|:\w+|@\w+|%s|%\(\w+\)s)\s*")  # a bound value alone
# `article.created`, `user`, `${alias}.createdAt` (a hole stands for a name)
_COLUMN_PATH = re.compile(r"[A-Za-z_$\x00][\w$\x00]*(?:\.[A-Za-z_$\x00][\w$\x00]*)*")


def sql_file_statements(path: str, text: str, scope: Scope) -> list[RawSql]:
    """Statements of a hand-written `.sql` file, one per aiosql `-- name:` block (or per `;`)."""
    from cdverify.sql import classify

    where = _OUTSIDE.get(scope, "application")
    blocks: list[tuple[int, str, str]] = []  # (line, name, text)
    marks = list(_SQL_NAME.finditer(text))
    if marks:
        for index, mark in enumerate(marks):
            end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
            body = text[mark.end() : end]
            line = text.count("\n", 0, mark.end()) + 2
            blocks.append((line, mark.group(1), body))
    else:
        start = 0
        for piece in text.split(";"):
            if piece.strip():
                offset = start + len(piece) - len(piece.lstrip())
                blocks.append((text.count("\n", 0, offset) + 1, "", piece))
            start += len(piece) + 1
    out = []
    for line, name, body in blocks:
        statement = "\n".join(row for row in body.splitlines() if not row.strip().startswith("--")).strip()
        if not statement:
            continue
        result = classify(statement, at_sink=True)
        if not result.is_sql:
            continue
        api = f"aiosql query {name}" if name else ".sql file"
        shown = " ".join(statement.split())
        out.append(
            RawSql(
                path,
                line,
                1,
                api,
                shown[:200],
                shown,
                result.kind.value,
                result.statement.upper(),
                result.tables,
                where,
            )
        )
    return out


def collect(
    facts: Mapping[str, FileFacts],
    scopes: Mapping[str, Scope],
    sql_files: Iterable[tuple[str, str]] = (),
    instances: Instances | None = None,
) -> OrmReport:
    files: dict[str, list[str]] = {}
    first: dict[str, tuple[str, int, str]] = {}
    module: dict[str, str] = {}
    instances = _through_barrels(facts, instances if instances is not None else instances_of(facts))
    models: dict[str, list[tuple[str, int, str]]] = {}
    raw: list[RawSql] = []
    fragments: list[RawSql] = []
    found: dict[_Key, RawSql] = {}  # by call: a helper's caller replaces a guess
    helpers = _Helpers()
    heads = _python_heads(facts)
    model_names = {name: entry.models for name, entry in _libraries().items()}
    for path, file_facts in facts.items():
        scope = scopes.get(path, Scope.APPLICATION)
        python = file_facts.language.family == "python"
        if scope is Scope.APPLICATION:
            for fact in file_facts.imports:
                library = _library_of(fact.specifier, python)
                if library is None and python:  # `from django.db import models`, `from pony import orm`
                    library = next(
                        (lib for n in fact.names if (lib := _library_of(f"{fact.specifier}.{n}", python))),
                        None,
                    )
                if library is not None and not fact.kind.type_only:
                    files.setdefault(library, []).append(path)
                    first.setdefault(library, (path, fact.line, fact.text))
                    module.setdefault(library, fact.specifier.lstrip("."))
            family = file_facts.language.family
            for class_name, written, line in file_facts.classes:
                bases = [foreign(base, path, family, instances) or base for base in written]
                for library, names in model_names.items():
                    if any(base.startswith(n.removesuffix("()")) for base in bases for n in names):
                        models.setdefault(library, []).append((path, line, class_name))
            for call in file_facts.calls:
                callee = foreign(call.callee, path, family, instances) or call.callee
                for library, names in model_names.items():
                    if callee in names:
                        models.setdefault(library, []).append((path, call.line, call.text))
        assigned = {(a.scope, a.key): a.value for a in file_facts.assignments}
        functions = {f.scope: f for f in file_facts.functions}
        local_calls = {(*_at(c), c.text) for c in file_facts.local_calls}
        family = file_facts.language.family
        for written_call in file_facts.calls:
            traced = _traced(written_call.callee, path, family, instances)
            call = written_call._replace(callee=traced) if traced else written_call
            sink = _sink_of(call, family)
            if sink is None and _project_name(call.callee, family, heads):
                # a method on an object from another module that no library import explains
                # (`connection = await initConnection()`): as untraced, a complete statement only
                sink = _sink_of(call._replace(callee=UNTRACED + call.callee), family)
            if sink is None:
                continue
            item = _raw_sql(path, scope, call, sink, assigned)
            # a call of the file's own function traced through what it returns is only a guess, which
            # the helper it calls settles (its SQL argument need not be the first)
            guess = bool(file_facts.local_calls) and (*_at(call), call.text) in local_calls
            known = item is not None and item.kind != "dynamic"  # `sql = "…"; cur.execute(sql.format(t))`
            helper = None if guess or known else _passed_parameter(call, sink, functions, assigned)
            if helper is not None:  # `def query(sql): cur.execute(sql)`: its callers hold the SQL
                function, param = helper
                via = f"{function.name} ({path}:{_at(call)[0]})"
                helpers.add(_Helper(path, function, param, sink, via, (item,) if item else ()))
            elif item is not None:
                found[_key(path, call)] = item
    if helpers.all:
        _through_helpers(facts, scopes, helpers, found)
    order = {path: number for number, path in enumerate(facts)}
    for item in sorted(found.values(), key=lambda r: (order.get(r.file, len(order)), r.line, r.col)):
        (fragments if item.kind == "fragment" else raw).append(item)
    if "aiosql" in files:  # the application runs the SQL kept in .sql files
        for path, text in sql_files:
            scope = scopes.get(path, Scope.APPLICATION)
            if scope is not Scope.MIGRATION:
                raw.extend(sql_file_statements(path, text, scope))
    libraries = {
        name: LibraryUse(
            name,
            _libraries()[name].kind,
            tuple(dict.fromkeys(paths)),
            tuple(models.get(name, [])),
            first[name],
            module[name],
        )
        for name, paths in files.items()
    }
    return OrmReport(libraries, tuple(raw), tuple(fragments))


def _traced(callee: str, path: str, family: str, instances: Instances) -> str | None:
    """The callee traced through another module's instance; also a call of what a Node module exports
    (`require("./db")("users").whereRaw(…)`, after `module.exports = knex(config)`)."""
    traced = foreign(callee, path, family, instances)
    if traced is None and family == "node" and callee.startswith(("./", "../")):
        module, _, rest = callee.partition("(")
        if rest.startswith(")") and "/" not in rest:
            traced = foreign(f"{module}.{_CALLED}{rest[1:]}", path, family, instances)
            return traced.replace(f".{_CALLED}", "()") if traced and f".{_CALLED}" in traced else None
    return traced


_CALLED = "__called__"  # stands for `()` right after a module, for `foreign` to find its default export


def _through_barrels(facts: Mapping[str, FileFacts], instances: Instances) -> Instances:
    """`instances` plus what a Node module re-exports from another (`export * from "./knex"` in
    `database/knex/index.ts`), so `import { knex } from "../knex"` finds the instance. A few barrels deep."""
    by_module: dict[str, dict[str, str]] = {}
    for (key, name), value in instances.names.items():
        by_module.setdefault(key, {})[name] = value
    barrels = [
        (module_keys(path, "node"), _node_stem(posixpath.join(posixpath.dirname(path), fact.specifier)))
        for path, file_facts in facts.items()
        if file_facts.language.family == "node"
        for fact in file_facts.imports
        if fact.kind is ImportKind.REEXPORT and fact.specifier.startswith(("./", "../"))
    ]
    if not barrels:
        return instances
    names = dict(instances.names)
    for _ in range(3):
        added = False
        for keys, target in barrels:
            exported = by_module.get(target) or by_module.get(f"{target}/index") or {}
            for key in keys:
                for name, value in exported.items():
                    if name != "default" and (key, name) not in names:
                        names[(key, name)] = value
                        by_module.setdefault(key, {})[name] = value
                        added = True
        if not added:
            break
    return Instances(names, instances.heads, {})


def _node_stem(path: str) -> str:
    """A Node module's key: its normalised path without extension."""
    return module_keys(posixpath.normpath(path), "node")[0]


def _python_heads(facts: Mapping[str, FileFacts]) -> frozenset[str]:
    """The first names of the project's own Python modules (`app` for `app/db.py`, `db` too)."""
    return frozenset(
        key.split(".")[0]
        for path, file_facts in facts.items()
        if file_facts.language.family == "python"
        for key in module_keys(path, "python")
    )


def _project_name(callee: str, family: str, heads: frozenset[str]) -> bool:
    """The callee names something of another project module (`./db.query`, `.db.conn.execute`)."""
    if family == "node":
        return callee.startswith(("./", "../"))
    return callee.startswith(".") or callee.split(".", 1)[0] in heads


def _at(call: CallFact) -> tuple[int, int]:
    """Where a finding on the call is reported: at the called name (`.whereRaw(` in a chain)."""
    return call.at or (call.line, call.col)


# -- SQL handed to a project helper that runs it ------------------------------------------------------

_HELPER_DEPTH = 3  # helpers of helpers followed
_NO_POSITION = 1 << 30  # a keyword-only parameter: no positional argument reaches it
_TOKEN = "\x01helper:"  # what `foreign` finds for a helper another module imports
_Key = tuple[str, int, int, str, int]  # (file, line, col, call, helper parameter or -1): one finding


class _Helper(NamedTuple):
    """A project function one of whose parameters reaches a sink's SQL argument (`def query(sql, params=()):
    cur.execute(sql, params)`): a call of it is a call of the sink, reported at the caller."""

    path: str
    function: FunctionFact
    param: int  # the parameter's index in `function.params`
    sink: _Sink  # the sink it reaches, through inner helpers
    via: str  # `name (file:line)` of this helper's call of the sink, then the inner helpers'
    own: tuple[RawSql, ...]  # its own findings (dynamic SQL at the sink), kept when no caller is found


class _Helpers:
    """The helpers found so far, one per (function, parameter)."""

    def __init__(self) -> None:
        self.all: list[_Helper] = []
        self.numbers: dict[tuple[str, str, int], int] = {}

    def add(self, helper: _Helper) -> int | None:
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


def _key(path: str, call: CallFact, param: int = -1) -> _Key:
    return (path, *_at(call), call.text, param)


def _passed_parameter(
    call: CallFact,
    sink: _Sink,
    functions: Mapping[str, FunctionFact],
    assigned: Mapping[tuple[str, str], Value],
) -> tuple[FunctionFact, int] | None:
    """(enclosing function, parameter index) when the SQL argument of a sink call is a parameter of the
    function it is in, not reassigned to a string there."""
    if sink.untraced or not call.scope:
        return None
    function = functions.get(call.scope)
    value = _sql_argument(call, sink)
    if function is None or value is None or value.strings:
        return None
    for name in value.names:
        if name and name != "*" and name in function.params:
            local = assigned.get((call.scope, name))
            if local is not None and local.strings:
                return None
            return function, function.params.index(name)
    return None


def _caller_sink(helper: _Helper) -> _Sink:
    """The helper as a sink: its parameter's position (past `self`) and name (for keyword arguments)."""
    params = helper.function.params
    position = helper.param
    if "*" in params[:position]:
        position = _NO_POSITION
    elif helper.function.owner and params[0] in ("self", "cls"):
        position -= 1
    return helper.sink._replace(arg=position, keys=(params[helper.param],), untraced=False)


def _through_helpers(
    facts: Mapping[str, FileFacts],
    scopes: Mapping[str, Scope],
    helpers: _Helpers,
    found: dict[_Key, RawSql],
) -> None:
    """Report the SQL each caller hands to a helper, at the caller, in place of the helper's own
    finding. A helper called with a string the classifier reads is reported as that statement or
    fragment; one called with SQL it cannot read (a variable from elsewhere) is dynamic SQL at that
    caller (the helper makes it SQL text, so even an imported constant or a call result is). A caller
    passing its own parameter is a helper in turn. The helper's own (dynamic) finding is kept only when
    no caller is found, or one hands over nothing cdverify can follow (a spread, a default): then its
    SQL comes from where cdverify cannot see (another package, a callback, an instance handed in)."""
    assigned = {
        path: {(a.scope, a.key): a.value for a in file_facts.assignments}
        for path, file_facts in facts.items()
    }
    functions = {path: {f.scope: f for f in file_facts.functions} for path, file_facts in facts.items()}
    heads = _python_heads(facts)
    candidates = list(_helper_calls(facts, heads))
    called: set[int] = set()
    unresolved: set[int] = set()  # called without an argument cdverify can follow
    frontier = list(range(len(helpers.all)))
    for _ in range(_HELPER_DEPTH):
        if not frontier:
            break
        local: dict[tuple[str, str, bool], list[int]] = {}
        groups: dict[tuple[str, str], list[int]] = {}  # a function's helpers (one per parameter)
        exported: dict[tuple[str, str], str] = {}
        for number in frontier:
            helper = helpers.all[number]
            method = bool(helper.function.owner)
            local.setdefault((helper.path, helper.function.name, method), []).append(number)
            family = facts[helper.path].language.family
            if method:  # `Database().query`, `db.query` after `db = Database()`: by class and method name
                group = groups.setdefault(
                    (helper.path, f"{helper.function.owner}.{helper.function.name}"), []
                )
                for entry, token in _class_entries(helper, facts[helper.path], family).items():
                    exported.setdefault(entry, token)
            else:
                group = groups.setdefault((helper.path, helper.function.scope), [])
                for key in module_keys(helper.path, family):
                    exported.setdefault(
                        (key, helper.function.name), f"{_TOKEN}{helper.path}\x02{helper.function.scope}"
                    )
            group.append(number)
        index = Instances(exported, heads, {})
        names = {helpers.all[number].function.name for number in frontier}
        following: list[int] = []
        for path, call, is_local in candidates:
            name = call.callee.rsplit(".", 1)[-1]
            if name not in names and not (not is_local and "default" in names):
                continue
            for number in _helpers_of(
                path, call, is_local, facts[path], local, index, groups, functions[path], helpers
            ):
                new, handed = _caller(
                    path, call, helpers.all[number], scopes, assigned[path], functions[path], helpers, found
                )
                following.extend(new)
                (called if handed else unresolved).add(number)
        frontier = following
    for number, helper in enumerate(helpers.all):
        if number not in called or number in unresolved:
            for own in helper.own:
                found.setdefault((own.file, own.line, own.col, own.call, -1), own)


_INSTANCE = "\x03"  # in a helper token: a method called on an instance of the class (`Database().query`)
_CLASS = "\x04"  # a method called on the class itself (`Database.query`: a static or class method)


def _class_entries(helper: _Helper, file_facts: FileFacts, family: str) -> dict[tuple[str, str], str]:
    """What other modules call a helper method through: the class (`from app.db import Database`, then
    `Database().query`, `self.db = Database()`, `Db.query` for a static method), and the module-level
    instances the module exports (`db = Database()`, `module.exports = new Db()`), by module key."""
    owner = helper.function.owner
    instance = f"{_TOKEN}{helper.path}{_INSTANCE}{owner}"
    cls = f"{_TOKEN}{helper.path}{_CLASS}{owner}"
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
    helper: _Helper,
    scopes: Mapping[str, Scope],
    assigned: Mapping[tuple[str, str], Value],
    functions: Mapping[str, FunctionFact],
    helpers: _Helpers,
    found: dict[_Key, RawSql],
) -> tuple[list[int], bool]:
    """Record what one caller hands to a helper. Returns the new helper's number when the caller passes
    on a parameter of its own, and whether the caller hands over anything at all (a call without the
    argument, or with a spread or a callback, leaves the helper's own finding in place)."""
    sink = _caller_sink(helper)
    item = _raw_sql(path, scopes.get(path, Scope.APPLICATION), call, sink, assigned, sql_text=True)
    item = item._replace(via=helper.via) if item is not None else None
    # a guess through a factory binding (`def run(sql): return conn.execute(sql)`) is settled here
    found.pop(_key(path, call), None)
    value = _sql_argument(call, sink)
    handed = value is not None and not value.empty
    known = item is not None and item.kind != "dynamic"
    outer = None if known else _passed_parameter(call, sink, functions, assigned)
    if outer is not None:
        function, param = outer
        via = f"{function.name} ({path}:{_at(call)[0]}) → {helper.via}"
        number = helpers.add(_Helper(path, function, param, helper.sink, via, (item,) if item else ()))
        return ([number] if number is not None else []), handed
    if item is not None:
        found[_key(path, call, helper.param)] = item
    return [], handed


def _helper_calls(
    facts: Mapping[str, FileFacts], heads: frozenset[str]
) -> Iterable[tuple[str, CallFact, bool]]:
    """Calls that may be of a project helper: of the file's own functions, and of other modules' names."""
    for path, file_facts in facts.items():
        for call in file_facts.local_calls:
            yield path, call, True
        family = file_facts.language.family
        objects = dict(file_facts.objects)
        for call in file_facts.calls:
            if _project_name(call.callee, family, heads) or (objects and _own_object(call, objects)):
                yield path, call, False


def _own_object(call: CallFact, objects: Mapping[str, str]) -> str:
    """`Class.method` of a call on an instance the module makes itself (`db = Database()`, then
    `db.query("SELECT …")`, which the parser keeps as an untraced SQL call); ""."""
    if not call.callee.startswith(UNTRACED):
        return ""
    receiver, _, method = call.callee[len(UNTRACED) :].rpartition(".")
    owner = objects.get(receiver)
    return f"{owner}.{method}" if owner else ""


def _helpers_of(
    path: str,
    call: CallFact,
    is_local: bool,
    file_facts: FileFacts,
    local: Mapping[tuple[str, str, bool], list[int]],
    index: Instances,
    groups: Mapping[tuple[str, str], list[int]],
    functions: Mapping[str, FunctionFact],
    helpers: _Helpers,
) -> list[int]:
    """The helpers a call may be of: by name in its own file (a method of the caller's own class first),
    or through the import of another module."""
    if is_local:
        method = "." in call.callee
        found = local.get((path, call.callee.rsplit(".", 1)[-1], method), [])
        if method and len(found) > 1:
            caller = functions.get(call.scope)
            mine = [n for n in found if caller is not None and helpers.all[n].function.owner == caller.owner]
            return mine or list(found)
        return list(found)
    if call.callee.startswith(UNTRACED):  # on an instance of the module's own class
        return list(groups.get((path, _own_object(call, dict(file_facts.objects))), []))
    family = file_facts.language.family
    traced = foreign(call.callee, path, family, index)
    if traced is None and family == "node":  # `require("./query")(sql)`: the module's default export
        traced = foreign(call.callee + ".default", path, family, index)
    if traced is None or not traced.startswith(_TOKEN):
        return []
    body = traced[len(_TOKEN) :]
    mark = next((m for m in (_INSTANCE, _CLASS) if m in body), None)
    if mark is None:
        module, _, scope = body.partition("\x02")
        return list(groups.get((module, scope), []))
    module, _, member = body.partition(mark)  # `Database.query`: a method of the class, nothing after it
    if member.count(".") != 1:
        return []
    found = groups.get((module, member), [])
    if mark == _CLASS:  # on the class itself: a static or class method, not one taking `self`
        found = [n for n in found if helpers.all[n].function.params[:1] != ("self",)]
    return list(found)


def _sql_argument(call: CallFact, sink: _Sink) -> Value | None:
    value = call.args[sink.arg] if sink.arg < len(call.args) else None
    if (value is None or value.empty) and sink.keys:
        # `pool.query({ text: "SELECT …", values })`, `fetch_all(query="SELECT …")`
        value = call.kwarg(*sink.keys) or value
    return value


def _raw_sql(
    path: str,
    scope: Scope,
    call: CallFact,
    sink: _Sink,
    assigned: Mapping[tuple[str, str], Value],
    sql_text: bool = False,
) -> RawSql | None:
    """The finding on one sink call. `sql_text`: the argument is known to be SQL text (it is handed to a
    helper that runs it), so a value read from elsewhere is dynamic SQL, never a query object."""
    from cdverify.sql import classify

    value = _sql_argument(call, sink)
    if value is None:
        return None
    if not value.strings:  # `sql = "SELECT …"; cursor.execute(sql)`: the string assigned in this file
        # assigned in the same function, or at module level: never another function's local
        found = next(
            (
                v
                for n in value.names
                for scope in (call.scope, "")
                if (v := assigned.get((scope, n))) is not None and v.strings
            ),
            None,
        )
        value = found or value
    where = _OUTSIDE.get(scope, "application")
    candidates = [s for s in value.strings if s.strip()]
    if candidates and all(_PLACEHOLDER.fullmatch(s) for s in candidates):
        return None  # `knex.raw("?", [userId])` binds a value: no SQL is written
    if sink.expressions_only:  # `orderBy("article.created")` names a column: only an expression is SQL
        candidates = [s for s in candidates if not _COLUMN_PATH.fullmatch(s.strip())]
        if not candidates:
            return None
    if not candidates:
        if sink.untraced or sink.literals_only or value.empty or (value.calls and not sql_text):
            return None  # a query object built some other way (`select(User)`, `text(…)` already seen)
        shown = value.text or ", ".join(value.names) or ", ".join(value.calls)
        return RawSql(path, *_at(call), sink.name, call.text, shown, "dynamic", "", (), where)
    if sink.mixed and not any(classify(t, at_sink=True).is_sql for t in candidates):
        sql = candidates[0].replace(HOLE, "{…}")  # `sql` tags hold pieces as often as statements
        return RawSql(path, *_at(call), sink.name, call.text, sql, "fragment", "", (), where)
    if sink.fragment:  # the API only takes SQL: whatever the string is, it is a piece of SQL
        sql = candidates[0].replace(HOLE, "{…}")
        return RawSql(path, *_at(call), sink.name, call.text, sql, "fragment", "", (), where)
    best = None
    written = ""
    for text in candidates:
        result = classify(text, at_sink=True)
        if result.kind.value == "not_sql":
            continue
        if best is None or (best.kind.value == "fragment" and result.kind.value != "fragment"):
            best, written = result, text
    if best is None or (sink.untraced and best.kind.value not in ("statement", "command")):
        return None  # on an untraced object only a complete statement is evidence enough
    kind = "fragment" if sink.fragment or (sink.mixed and best.kind.value == "fragment") else best.kind.value
    if kind == "fragment" and not (sink.fragment or sink.mixed) and HOLE in written:
        # a statement sink runs it whole: the computed parts complete it (`INSERT INTO ${table} ${values}`)
        kind = "dynamic"
    statement = best.statement.upper()
    purpose = ""
    if statement.startswith(_BOOTSTRAP) or statement == "PRAGMA":
        purpose = "bootstrap"
    elif best.kind.value == "trivial" and statement.startswith("SELECT") and not best.tables:
        purpose = "health check"
    sql = written.replace(HOLE, "{…}")
    return RawSql(path, *_at(call), sink.name, call.text, sql, kind, statement, best.tables, where, purpose)


def check(report: OrmReport, required: str) -> list[Finding]:
    """ORM001 raw SQL in application code (information elsewhere), ORM002 the required ORM does not do
    the data access, ORM003 another data-access library or a raw driver in application code, ORM004
    raw SQL pieces inside the query builder."""
    findings: list[Finding] = []
    wanted = next((n for n, e in _libraries().items() if e.constraint == required), required)
    use = report.libraries.get(wanted)
    if use is None:
        findings.append(
            make_finding(
                "ORM002",
                Location("."),
                f"the {required} ORM is required but no application code imports it",
                hint=_HINTS.get(required, f"define the models and queries with {required}"),
                data={"required": required, "libraries": report.used()},
            )
        )
    elif not use.models:
        file, line, text = use.first
        findings.append(
            make_finding(
                "ORM002",
                Location(file, line),
                f"{required} is imported but defines no mapped model: "
                + (
                    "SQLAlchemy Core is not the ORM"
                    if required == "sqlalchemy"
                    else "the ORM is not used for the data"
                ),
                evidence=text,
                hint=_HINTS.get(required, ""),
                data={"required": required, "reason": "no-models"},
            )
        )
    for name, other in sorted(report.libraries.items()):
        if name == wanted:
            continue
        file, line, text = other.first
        what = _KIND_TEXT.get(other.kind, f"another data-access library ({other.kind})")
        findings.append(
            make_finding(
                "ORM003",
                Location(file, line),
                f"application code uses {what}, {other.module or name}, beside {required}",
                evidence=text,
                hint=f"do this data access through {required} models and sessions, and remove {name}",
                data={"library": name, "kind": other.kind, "required": required},
            )
        )
    for item in report.raw_sql:
        findings.append(_raw_finding(item, required))
    for item in report.fragments:
        via = f" via {item.via}" if item.via else ""
        where = f" in {item.scope}" if item.scope != "application" else ""
        fragment = make_finding(
            "ORM004",
            Location(item.file, item.line, item.col),
            f"raw SQL inside the query builder ({item.api}){via}{where}: {_one_line(item.sql)}",
            evidence=item.call,
            hint=f"express the condition with {required} operators instead of a SQL string",
            data={
                "api": item.api,
                "sql": item.sql,
                "scope": item.scope,
                **({"via": item.via} if item.via else {}),
            },
        )
        # information in tests, migrations, scripts and configuration, as raw statements there are
        findings.append(replace(fragment, severity=Severity.INFO) if where else fragment)
    return findings


_KIND_TEXT = {
    "driver": "a raw database driver",
    "sql-files": "a loader of hand-written SQL files",
    "core": "a SQL query builder",
    "orm": "another ORM",
    "odm": "a document mapper",
}

_HINTS = {
    "sqlalchemy": "declare models with DeclarativeBase / Mapped[...] and query them with "
    "session.scalars(select(Model))",
    "sequelize": "define models with Model.init / sequelize.define and query them with "
    "Model.findAll / findOne / create",
}


def _raw_finding(item: RawSql, required: str) -> Finding:
    info = item.scope != "application" or item.purpose
    why = (
        f" in {item.scope}" if item.scope != "application" else (f" ({item.purpose})" if item.purpose else "")
    )
    tables = f" on {', '.join(item.tables)}" if item.tables else ""
    kind = "dynamic SQL" if item.kind == "dynamic" else f"raw SQL {item.statement or item.kind}"
    via = f" via {item.via}" if item.via else ""
    finding = make_finding(
        "ORM001",
        Location(item.file, item.line, item.col),
        f"{kind}{tables} through {item.api}{via}{why}: {_shown(item.sql)}",
        evidence=item.call,
        hint=_fix(item, required),
        data={
            "api": item.api,
            "sql": item.sql,
            "tables": list(item.tables),
            "scope": item.scope,
            **({"via": item.via} if item.via else {}),
        },
    )
    return replace(finding, severity=Severity.INFO) if info else finding


def _one_line(sql: str) -> str:
    """A statement written over several lines (a triple-quoted string), shown on the message's one line."""
    return " ".join(sql.split())


def _shown(sql: str) -> str:
    """The statement on one line; one too long to classify whole is shown by its start, and says so."""
    from cdverify.sql import MAX_CLASSIFIED_CHARS

    if len(sql) <= MAX_CLASSIFIED_CHARS:
        return _one_line(sql)
    size = f"{len(sql):,} characters; the first {MAX_CLASSIFIED_CHARS:,} were classified"
    return f"{_one_line(sql[:200])}… ({size})"


def _fix(item: RawSql, required: str) -> str:
    model = item.tables[0].rstrip("s").capitalize() if item.tables else "the model"
    verb = item.statement.split(" ")[0] if item.statement else ""
    sqlalchemy = required == "sqlalchemy"
    if item.purpose == "health check":
        return "fine as a health check; with the ORM: " + (
            "session.execute(select(1))" if sqlalchemy else "sequelize.authenticate()"
        )
    if item.purpose == "bootstrap":
        return "fine at start-up; with the ORM: " + (
            'an event listener, @event.listens_for(engine, "connect")'
            if sqlalchemy
            else "the dialectOptions of new Sequelize(…)"
        )
    if verb in ("CREATE", "ALTER", "DROP"):
        return "let the ORM own the schema: " + (
            "Base.metadata.create_all(engine), or an Alembic migration"
            if sqlalchemy
            else "sequelize.sync(), or a migration"
        )
    if required == "sqlalchemy":
        ways = {
            "SELECT": f"session.scalars(select({model}).where(...))",
            "INSERT": f"session.add({model}(...)); session.commit()",
            "UPDATE": f"load the {model} and set its attributes, then session.commit()",
            "DELETE": f"session.delete(obj) or session.execute(delete({model}).where(...))",
        }
    else:
        ways = {
            "SELECT": f"{model}.findAll({{ where: … }}) / {model}.findOne(...)",
            "INSERT": f"{model}.create({{ … }})",
            "UPDATE": f"{model}.update({{ … }}, {{ where: … }}) or instance.save()",
            "DELETE": f"{model}.destroy({{ where: … }})",
        }
    return f"use the ORM: {ways.get(verb, f'a {required} model and its query methods')}"


def verify(analysis: Analysis, config: Config, constraints: Constraints | None) -> list[Finding]:
    if constraints is None or not constraints.orm:
        return []
    return check(analysis.orm, constraints.orm)
