"""The ORM catalogues as detection reads them: the raw-SQL sinks of rules/orm/sinks.toml (which call
site is one, `sink_of`) and the data-access libraries of rules/orm/libraries.toml (which library a
module belongs to, `library_of`)."""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from cdverify.catalog import load_rules
from cdverify.model import Callee, Family, ImportFact
from cdverify.rules_schema import OrmLibraries, OrmLibrary, Sinks


class Sink(NamedTuple):
    """One sink of rules/orm/sinks.toml, ready for matching (a project helper that reaches it is a copy
    with its own argument position)."""

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
    format_holes: bool = False  # `{}` / `{name}` are holes `.format(…)` fills; complete statements only
    project_methods: frozenset[str] = frozenset()  # untraced: on another project module's object only
    app_holders: tuple[str, ...] = ()  # untraced: `project_methods` also on what these app instances hold
    # a helper's sink reached through a splat (`dbc.execute(*sql_and_args)`): its callers hand the statement
    # as the first item of the tuple or list at `arg` (`fetchall(dbc, ("SELECT …", (id,)))`)
    first_item: bool = False
    callback_methods: frozenset[str] = frozenset()  # untraced: on any object handed an inline callback
    builds: bool = False  # a statement object the code runs later: its site is the call running it
    app_receivers: tuple[str, ...] = ()  # untraced: any method of these app instances (a decorated SQL tag)


@cache
def sinks(family: Family) -> tuple[Sink, ...]:
    return tuple(
        Sink(
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
            entry.format_holes,
            frozenset(entry.project_methods),
            entry.app_holders,
            callback_methods=frozenset(entry.callback_methods),
            builds=entry.builds,
            app_receivers=entry.app_receivers,
        )
        for entry in load_rules(Sinks).family(family)
    )


@cache
def app_holders(family: Family) -> tuple[str, ...]:
    """The app instances whose properties (a plugin's decorations) an untraced sink's `project_methods`
    count on: `fastify().` for `fastify.sqlite.db.all(…)`."""
    return tuple(holder for sink in sinks(family) for holder in sink.app_holders)


def callback_sink(method: str, family: Family) -> Sink | None:
    """The untraced sink whose `callback_methods` hold `method` (sqlite3's `all`), if any: it is the sink
    of a call handing an inline callback last, on whatever object (collect.py `_sinks_in`)."""
    return next((sink for sink in sinks(family) if sink.untraced and method in sink.callback_methods), None)


def bootstrap_statements() -> tuple[str, ...]:
    """Statement starts that set a connection up rather than query data (`PRAGMA`, `SET`)."""
    return load_rules(Sinks).bootstrap


def startup_schema(statement: str, scope: str) -> bool:
    """A schema statement (`CREATE TABLE`) run in a start-up function (`init_db@12`, `initDb@3`)."""
    rules = load_rules(Sinks)
    function = scope.rpartition("@")[0].lower().replace("_", "")
    return bool(function) and function in rules.startup and statement.startswith(rules.schema)


def sink_of(callee: Callee, family: Family) -> Sink | None:
    """The sink a call of `callee` is, if any: an exact traced call, or a catalogued method on a traced
    receiver; on an untraced object, a method of an `untraced` sink only."""
    written = str(callee)
    receiver, method = callee.receiver, callee.method
    prepared = load_rules(Sinks).prepared
    for sink in sinks(family):
        if not callee.traced:
            if sink.untraced and method in sink.methods:
                return sink
            continue
        if written in sink.calls:
            return sink
        if method not in sink.methods:
            continue
        if any(part in receiver for part in prepared):
            continue  # a prepared statement's run/get/all take parameters, not SQL
        if sink.through and not any(part in receiver for part in sink.through):
            continue
        if _query_result(receiver, family):
            continue  # `rows.map(…)` after `const rows = await sql`…``: the rows, no client
        if any(receiver.startswith(r) or receiver == r.rstrip(".") for r in sink.receivers):
            return sink
        if any(receiver.endswith(suffix) for suffix in sink.suffixes):
            return sink
    return None


def _query_result(receiver: str, family: Family) -> bool:
    """Whether `receiver` is what a JS statement sink's call returned (`postgres()()` after `sql`SELECT …``,
    `postgres().begin()()` after a transaction's `tx`…``, `pg-promise()().any()`): the rows (a promise of
    them), on which a method (`events.map(convert)`) runs no query. A query builder's fragments chain
    (`whereRaw(…).orderByRaw(…)`), and in Python a DB-API `execute` returns its cursor, which runs the next
    statement: neither is a query's result."""
    if family is not Family.NODE or not receiver.endswith("()"):
        return False
    made = sink_of(Callee.of(receiver[:-2]), family)
    return made is not None and not made.fragment and not made.mixed


@cache
def libraries() -> dict[str, OrmLibrary]:
    return dict(load_rules(OrmLibraries).libraries)


@cache
def _modules(python: bool) -> dict[str, str]:
    """module / npm package → library."""
    return {
        module: name
        for name, entry in libraries().items()
        for module in (entry.python if python else entry.npm)
    }


def library_of(spec: str, python: bool) -> str | None:
    """The library a module belongs to: the longest catalogued module that is `spec` or contains it."""
    modules = _modules(python)
    separator = "." if python else "/"
    parts = spec.split(separator)
    for end in range(len(parts), 0, -1):
        library = modules.get(separator.join(parts[:end]))
        if library is not None:
            return library
    return None


def errors_only(fact: ImportFact) -> bool:
    """A Python import that brings only a library's exceptions (rules/orm/libraries.toml `[errors]`):
    `from asyncpg import UniqueViolationError`, `from psycopg2 import errors`, `import psycopg2.errors`."""
    rules = load_rules(OrmLibraries).errors
    if any(part in rules.modules for part in fact.specifier.split(".")[1:]):
        return True
    return bool(fact.names) and all(
        name in rules.modules or name.endswith(rules.suffixes) for name in fact.names
    )


def values_only(fact: ImportFact, library: str) -> bool:
    """An import that brings only value types of `library` (its `values`, rules/orm/libraries.toml): `import
    { ObjectId } from "mongodb"` (`const { ObjectId } = require("mongodb")`) builds ids, it reads no data; so
    does `import { ObjectId, WithId } from "mongodb"` in TypeScript reading `WithId` only as a type."""
    values = libraries()[library].values
    names = fact.names or _named_bindings(fact.text)
    # the bindings TypeScript erases (read only as types: `WithId<Document>`) bring nothing at run time
    names = tuple(name for name in names if name not in fact.types)
    return bool(values) and bool(names) and all(name in values for name in names)


# a Node import of named bindings only: `import { A, B as C } from "m"`, `const { A, B: C } = require("m")`
_NAMED = re.compile(
    r"^\s*(?:import\s+(?:type\s+)?|(?:const|let|var)\s+)\{(?P<names>[^{}]*)\}\s*(?:from\b|=\s*require\b)"
)


def _named_bindings(statement: str) -> tuple[str, ...]:
    """The names a Node import of named bindings only brings (`ObjectId` of `import { ObjectId as Id } from
    "mongodb"`); () for any other form (a default or namespace import: the whole module)."""
    match = _NAMED.match(statement)
    if match is None:
        return ()
    parts = (part.strip() for part in match.group("names").split(","))
    return tuple(
        re.split(r"\s+as\s+|\s*:\s*", part, maxsplit=1)[0].removeprefix("type ").strip()
        for part in parts
        if part
    )
