"""SQL statement builders: modules whose functions write the statements another module runs.

A query builder of the project's own (`buildSelectQuery(table, opts)` assigning `SELECT … FROM …` to `sql`
and returning `{ text: sql, values }`) holds no client and runs nothing, so no call shows it to be data
access; its callers do, by handing what it returns straight to a client (`pool.query(buildSelectQuery(table,
opts))`). A module whose function results a client runs, and that writes a complete SQL statement itself,
is data access wherever it lives (`src/db/query-builder.ts`); so is an object of functions returning
query-config objects (`PGClient.query(userQueries.select.byId(id))`, the object's statement recorded as
`userQueries.select.byId().text`: parse/jsvalues.py `returned_statements`) or statements as they are
(`list: () => `SELECT * FROM ${resource}``, recorded as `queries.list()`), and a module of statement
constants a client call takes (`pool.query(GET_USER)`, the call's argument naming the constant). The client
may be one a project plugin decorated the app instance with (`fastify.db().query(queries.list())`)."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from cdverify.detect.layers.catalogue import client_names, matches
from cdverify.detect.orm.catalogue import app_holders, sinks
from cdverify.detect.tracing import Instances, foreign
from cdverify.model import Family, FileFacts

if TYPE_CHECKING:
    from cdverify.resolve.graph import ImportGraph

# what a statement starts with: a string starting otherwise is not classified
_VERB = re.compile(r"\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|REPLACE|MERGE)\b", re.IGNORECASE)


def statement_builders(
    facts: Mapping[str, FileFacts],
    application: Collection[str],
    preset: str,
    graph: ImportGraph,
    instances: Instances,
) -> set[str]:
    """The application modules whose functions' results a client call takes as its statement (its first
    argument is the call: `pool.query(build(…))`) and that write a complete SQL statement. The client may
    be another module's instance (`PGClient.query(userQueries.byId(id))` of `import PGClient from
    "../db/PGClient"`, a `new Client(…)` there), as `roles._role_of` traces it."""
    handed: set[str] = set()
    for path in application:
        file_facts = facts.get(path)
        if file_facts is None:
            continue
        family = file_facts.language.family
        names = client_names(preset, family)
        called = [
            callee
            for call in file_facts.calls
            if call.args and call.args[0].calls
            if matches(traced := foreign(call.callee, path, family, instances) or call.callee, names)
            or _app_held(traced, family)
            for callee in call.args[0].calls
        ]
        if not called:
            continue
        for edge in graph.imports_of(path):
            target = edge.target
            if target is None or target == path or target in handed or target not in application:
                continue
            prefix = f"{edge.fact.specifier}."
            if any(callee.startswith(prefix) for callee in called):
                handed.add(target)
    return {path for path in handed if path in facts and _writes_statements(facts[path])}


def _app_held(callee: str, family: Family) -> bool:
    """A query method of what an app instance holds, a client a project plugin decorated it with
    (`fastify.db().query(queries.list())` after `fastify.decorate("db", () => pool)`: rules/orm/sinks.toml
    `app_holders` and the untraced sinks' `methods`)."""
    receiver, _, method = callee.rpartition(".")
    holders = app_holders(family)
    return (
        bool(holders)
        and receiver.startswith(holders)
        and any(method in sink.methods for sink in sinks(family) if sink.untraced)
    )


def _writes_statements(file_facts: FileFacts) -> bool:
    """The module assigns a complete SQL statement, whole or with computed holes (`SELECT ${cols} FROM …`).
    Only strings starting with a statement's verb are classified: the SQL parser loads for them alone."""
    strings = [
        written
        for assignment in file_facts.assignments
        for written in assignment.value.strings
        if _VERB.match(written if isinstance(written, str) else written.pieces[0])
    ]
    if not strings:
        return False
    from cdverify.sql.classify import classify

    return any(classify(written).is_sql for written in strings)
