"""Modules that own the database connection: they run queries and create a client at module level (or, in
Python, hand one out from a function) that other project files import by name. Such a module is data access
whatever its name or folder (`services/database.service.ts` exporting the pool and `db`); a service querying
inline is imported for its use cases, not for a client (layers/roles.py decides with it)."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from functools import cache
from typing import TYPE_CHECKING

from cdverify.detect.layers.catalogue import client_names, matches, names_of
from cdverify.detect.tracing import packaged

if TYPE_CHECKING:
    from cdverify.detect.layers.catalogue import Names
    from cdverify.generated_clients import GeneratedClient
    from cdverify.model import FileFacts, ImportFact, Value
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
            made[path] |= _fills(facts[path], clients)
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


def _fills(file_facts: FileFacts, clients: Collection[str]) -> set[str]:
    """The module-level objects a function of the module fills with the client it makes or handles taken
    from it, which other modules import to query through (`export const collections: {…} = {}` and, in
    `connectToDatabase()`, `collections.users = db.collection("users")` after `const db = new
    MongoClient(url).db()`; `holder.db = client.db()`). A name the function binds itself, or a
    parameter's (`ctx.db = client.db()`), is no object of the module; an instance of a data-client type a
    parameter stands for (`db: Db`) is handed in, not made; a value awaited past the client (`await
    db.collection("x").find().toArray()`) is rows read through it, not a handle."""
    made = names_of(name for name in clients if not name.endswith("()"))
    module = (
        set(file_facts.declared)
        | set(file_facts.defines or ())
        | {a.target for a in file_facts.assignments if not a.scope}
    )
    derived = {  # (scope, name) of the function's (or the module's) names bound to the client or a handle
        (a.scope, a.target) for a in file_facts.assignments if _handle(a.value, made)
    }
    bound = {(a.scope, a.target) for a in file_facts.assignments if a.scope}
    out = set()
    for a in file_facts.assignments:
        root, dot, _key = a.target.partition(".")
        if not a.scope or not dot or root not in module or (a.scope, root) in bound:
            continue
        if _handle(a.value, made) or any(
            (a.scope, name) in derived or ("", name) in derived for name in a.value.names
        ):
            out.add(root)
    return out


_WAITS = re.compile(r"\bawait\b|\.then\(")


def _handle(value: Value, made: Names) -> bool:
    """Whether `value` is a client the module makes (`new MongoClient(url)`, `await mongoose.connect(url)`),
    a handle taken from it without waiting (`client.db()`, `db.collection("x")`) or its connection
    (`await client.connect()`)."""
    waits = _WAITS.search(value.text) is not None
    return any(
        matches(call, made) and (not waits or call in made.names or call.endswith(".connect"))
        for call in (c.removesuffix("()") for c in value.calls)
    )


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
