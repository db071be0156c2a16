"""TypeScript types that stand for a traced object: a module's type aliases of a data client (`export type
DB = typeof db`, `type Database = NodePgDatabase<typeof schema>`, `type Db = ReturnType<typeof drizzle>`,
a union holding a catalogued client: `type DbClient = DrizzleD1Database<any> | BetterSQLite3Database<any>`)
and function parameters typed with a type another project module exports (`db: DB` after `import type
{ DB } from "../db"`).

A drizzle or Kysely project commonly writes its queries as plain functions that take the client as a
typed parameter; the type is the project's own alias of the client, declared beside it. A value of the
alias is what the alias names: the module exports it as `DB()` (what an instance of `DB` is, as a factory's
`make()` entry is what calling it gives), and a parameter typed `DB` from a project module is bound to
`../db.DB()`, which detection traces to that module's entry (cdverify/detect/tracing.py `foreign`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import NamedTuple

from tree_sitter import Node

from cdverify.parse.treesitter import text

# what a project module is named by in an import: a relative path, or a path alias of tsconfig `paths`
# (`@/db`, `~/db`: no npm package is named so)
PROJECT_PREFIXES = ("./", "../", "@/", "~/")
_UNWRAPPED = ("Awaited", "NonNullable", "Readonly")  # a value of `Awaited<T>` is a value of `T`


class TypeAlias(NamedTuple):
    """A module-level `type Name = …`: what it names, and whether the module exports it."""

    value: Node
    exported: bool


def type_aliases(program: Node | None) -> dict[str, TypeAlias]:
    """The module-level type aliases of a file by name (`type DB = …`, `export type DB = …`)."""
    out: dict[str, TypeAlias] = {}
    for statement in program.named_children if program is not None else ():
        exported = statement.type == "export_statement"
        declaration = statement.child_by_field_name("declaration") if exported else statement
        if declaration is None or declaration.type != "type_alias_declaration":
            continue
        name = declaration.child_by_field_name("name")
        value = declaration.child_by_field_name("value")
        if name is not None and value is not None:
            out[text(name)] = TypeAlias(value, exported)
    return out


def instance_of(
    kind: Node, qualify: Callable[[Node], str | None], type_name: Callable[[Node], str | None]
) -> str | None:
    """The traced object a value of the type is, or None: `typeof db` → what `db` is bound to;
    `ReturnType<typeof drizzle>` → `drizzle-orm/node-postgres.drizzle()`; `NodePgDatabase<S>` →
    `drizzle-orm/node-postgres.NodePgDatabase()` (an instance of the named type); `Awaited<T>` → `T`'s.
    A union or any other type is None."""
    for _ in range(3):
        if kind.type != "generic_type" or not kind.named_children:
            break
        name = text(kind.named_children[0])
        arguments = kind.child_by_field_name("type_arguments")
        first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
        if name in _UNWRAPPED and first is not None:
            kind = first
        elif name == "ReturnType" and first is not None and first.type == "type_query":
            made = _queried(first, qualify)
            return f"{made}()" if made else None
        else:
            break
    if kind.type == "type_query":
        return _queried(kind, qualify)
    if kind.type == "generic_type" and kind.named_children:
        kind = kind.named_children[0]
    if kind.type not in ("type_identifier", "nested_type_identifier"):
        return None
    named = type_name(kind)
    return f"{named}()" if named else None


def _queried(query: Node, qualify: Callable[[Node], str | None]) -> str | None:
    """What the value in `typeof value` is bound to (`typeof drizzle<typeof schema>`: `drizzle`)."""
    value = query.named_children[0] if query.named_children else None
    if value is not None and value.type == "instantiation_expression":
        value = value.child_by_field_name("function")
    return qualify(value) if value is not None else None


def alias_exports(
    aliases: dict[str, TypeAlias],
    qualify: Callable[[Node], str | None],
    type_name: Callable[[Node], str | None],
) -> list[tuple[str, str]]:
    """(`DB()`, traced object) of every exported alias that stands for one: what a parameter typed with
    it in another module holds."""
    out = []
    for name, alias in aliases.items():
        instance = instance_of(alias.value, qualify, type_name) if alias.exported else None
        if instance is not None:
            out.append((f"{name}()", instance))
    return out


def project_type(qualified: str | None) -> bool:
    """The traced type is one a project module exports (`../db.DB`), not a package's."""
    return qualified is not None and qualified.startswith(PROJECT_PREFIXES)


def client_aliases(
    aliases: dict[str, TypeAlias], type_name: Callable[[Node], str | None], clients: Collection[str]
) -> dict[str, str]:
    """The type aliases (`type_aliases`) whose type is a catalogued client, or a union holding one (the
    first): alias name → the client's traced type."""
    out: dict[str, str] = {}
    for name, alias in aliases.items():
        for member in _members(alias.value):
            qualified = type_name(member)
            if qualified is not None and qualified in clients:
                out[name] = qualified
                break
    return out


def _members(value: Node) -> list[Node]:
    """The named types of an alias's value: each side of a union, a generic's name (`Kysely<DB>`)."""
    if value.type == "union_type":
        return [member for side in value.named_children for member in _members(side)]
    if value.type == "generic_type" and value.named_children:
        return [value.named_children[0]]
    if value.type in ("type_identifier", "nested_type_identifier"):
        return [value]
    return []
