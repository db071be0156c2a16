"""Modules that own the database connection: they run queries and create a client at module level (or, in
Python, hand one out from a function) that other project files import by name. Such a module is data access
whatever its name or folder (`services/database.service.ts` exporting the pool and `db`); a service querying
inline is imported for its use cases, not for a client (layers/roles.py decides with it)."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from functools import cache
from typing import TYPE_CHECKING

from cdverify.detect.layers.catalogue import client_names
from cdverify.detect.tracing import packaged

if TYPE_CHECKING:
    from cdverify.generated_clients import GeneratedClient
    from cdverify.model import FileFacts, ImportFact
    from cdverify.resolve.graph import ImportGraph


def connection_owners(
    querying: Collection[str],
    facts: Mapping[str, FileFacts],
    graph: ImportGraph,
    preset: str,
    generated: tuple[GeneratedClient, ...] = (),
) -> frozenset[str]:
    """Files that run queries and create a client at module level (`const pool = new Pool(…)`,
    `export const db = drizzle(pool)`) that other project files import by name (or as the default export:
    `export default prisma`, `import prisma from "./prisma"`): they own the connection
    and hand it on, which is data access whatever their name (`services/database.service.ts`). A service
    querying inline is imported for its use cases, not for a client."""
    made: dict[str, set[str]] = {}
    for path in querying:  # the files whose code runs queries
        if path in facts:
            clients = client_names(preset, facts[path].language.family).names
            made[path] = {
                c.target
                for c in facts[path].calls
                if not c.scope and c.target and packaged(c.callee, path, generated) in clients
            }  # `new PrismaClient()` of `../generated/prisma/client`: the package's client
            made[path] |= _hands_out(facts[path], clients)
            exported = dict(facts[path].exports)
            if "default" in exported and any(
                exported.get(name) == exported["default"] for name in made[path]
            ):
                made[path].add("default")  # `export default prisma` after `const prisma = new PrismaClient()`
    if not any(made.values()):
        return frozenset()
    return frozenset(
        edge.target
        for edge in graph.internal_edges()
        if edge.target in made
        and edge.source != edge.target
        and made[edge.target] & (imported_names(edge.fact) | _default_import(edge.fact))
    )


_DEFAULT_IMPORT = re.compile(r"import\s+(?!type\b)[\w$]+\s*(?:,|from\b)")


def _default_import(fact: ImportFact) -> set[str]:
    """`{"default"}` for a JS import binding the module's default export (`import prisma from "./prisma"`)."""
    return {"default"} if _DEFAULT_IMPORT.match(fact.text) else set()


def _hands_out(file_facts: FileFacts, clients: Collection[str]) -> set[str]:
    """The names a Python module exports for a connection it hands out: a function returning a client it
    opens or a connection its pool gives (`def get_db(): conn = pool.getconn(); return conn` after `pool =
    ThreadedConnectionPool(…)`, `def get_conn(): return psycopg2.connect(url)`). A function running a query
    returns rows or a cursor of it (`….execute().fetchall`): a use case, not a connection."""
    if file_facts.language.family != "python":
        return set()
    out = set()
    for name, value in file_facts.exports:
        made, _dot, taken = value.partition("().")
        while made.endswith("()"):  # `SessionLocal()` of `SessionLocal = sessionmaker(…)`
            made = made[:-2]
        if made in clients and (not taken or (taken.isidentifier() and taken not in query_methods())):
            out.add(name)
    return out


@cache
def query_methods() -> frozenset[str]:
    """Methods that run SQL on a connection or pool (rules/orm/sinks.toml), or read the rows it gave."""
    from cdverify.parse.values import untraced_sql_methods

    return untraced_sql_methods() | {"fetchone", "fetchall", "fetchmany"}


_BRACES = re.compile(r"\{([^}]*)\}")


def imported_names(fact: ImportFact) -> set[str]:
    """The names an import takes: Python's `from x import a, b`; a JS import's `{ a, b as c }` (`type`
    markers dropped)."""
    if fact.names:
        return set(fact.names)
    braces = _BRACES.search(fact.text)
    if braces is None:
        return set()
    words = (item.split()[:1] for item in braces.group(1).replace("type ", " ").split(","))
    return {first[0] for first in words if first}
