"""Roles a file takes from what it hands on (detect/layers/roles.py): a client it stores on the app or returns
from a getter, the data-access class it extends, the model modules it re-exports. Each asks which project
files already showed a role (`queries`, `models`: files running queries, files defining models)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from cdverify.detect.layers.catalogue import client_names, matches, store_names
from cdverify.model import FileFacts, ImportKind

if TYPE_CHECKING:
    from cdverify.resolve.graph import ImportGraph


def returns_client(
    path: str, facts: Mapping[str, FileFacts], preset: str, queries: Collection[str], graph: ImportGraph
) -> bool:
    """A module-level function of the file returns a variable (`return db`) named like a client that a
    data-access module it imports at run time exports (`export const db = drizzle(sqlite)`, imported with
    `import { db }` or `const { db } = await import("../db/client")`): the file hands out the connection."""
    file_facts = facts[path]
    returned = {variable for name, variable in file_facts.aliases if name.endswith("()")}
    if not returned:
        return False
    clients = client_names(preset, file_facts.language.family)
    for edge in graph.imports_of(path):
        target = edge.target
        if not target or target == path or edge.fact.kind.type_only or target not in queries:
            continue
        exported = dict(facts[target].exports) if target in facts else {}
        if any(matches(exported.get(name, ""), clients) for name in returned):
            return True
    return False


def stores_client(
    path: str, facts: Mapping[str, FileFacts], preset: str, queries: Collection[str], graph: ImportGraph
) -> bool:
    """The file stores on the app instance (`[roles.stores]`: `fastify.decorate("db", …)`) a client it
    makes (`drizzle(pool)`, or a variable it assigned one to) or one a data-access module exports
    (`import { db } from "../db"`)."""
    file_facts = facts[path]
    family = file_facts.language.family
    stores = store_names(preset, family)
    if not stores:
        return False
    clients = client_names(preset, family)
    sources = tuple(
        edge.fact.specifier + "."
        for edge in graph.imports_of(path)
        if edge.target != path and (edge.target or "") in queries
    )
    made = {call.target for call in file_facts.calls if call.target and matches(call.callee, clients)}

    def client(callee: str) -> bool:
        return matches(callee, clients) or (bool(sources) and callee.startswith(sources))

    return any(
        any(map(client, value.calls))
        or bool(made.intersection(value.names))  # `const kysely = new Kysely(options)`, then decorated
        for call in file_facts.calls
        if call.callee in stores
        for value in call.args[1:]
    )


def models_barrel(path: str, file_facts: FileFacts, models: Collection[str], graph: ImportGraph) -> bool:
    """The file only re-exports project modules that define models (`export * from "./users"` in
    `db/schema/index.ts`): it hands the models on, a models module too."""
    if file_facts.calls or not file_facts.imports:
        return False
    if any(fact.kind is not ImportKind.REEXPORT for fact in file_facts.imports):
        return False
    targets = [edge.target for edge in graph.imports_of(path)]
    return all(target and target != path and target in models for target in targets)


def extends_queries(path: str, file_facts: FileFacts, queries: Collection[str], graph: ImportGraph) -> bool:
    """A class of the file extends a class imported by name from a module that runs queries."""
    bases = {base for _name, written, _line in file_facts.classes for base in written}
    return bool(bases) and any(
        (edge.target or "") in queries
        and bool(bases & {*edge.fact.names, *(f"{edge.fact.specifier}.{name}" for name in edge.fact.names)})
        for edge in graph.imports_of(path)
        if edge.target != path
    )
