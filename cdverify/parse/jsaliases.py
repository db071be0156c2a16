"""TypeScript type aliases of a data client (`export type DbClient = DrizzleD1Database<any> |
BetterSQLite3Database<any>`, `type Db = NodePgDatabase<typeof schema>`): the alias names the client, so a
parameter typed with it is that client (rules/parse.toml `[node.injected]`), in the module and, through
the alias's export, in the modules that import it (`import type { DbClient } from './dbClient'`, then
`function find(db: DbClient) { return db.select()… }`): such a parameter is bound to the imported name
(`./dbClient.DbClient()`), which detection resolves through the alias module's export like any other
object another module makes."""

from __future__ import annotations

from collections.abc import Callable, Collection

from tree_sitter import Node

from cdverify.parse.treesitter import text

_PROJECT = ("./", "../", "@/", "~/")  # relative imports and the usual path aliases of a project's own modules


def client_aliases(
    program: Node | None, type_name: Callable[[Node], str | None], clients: Collection[str]
) -> dict[str, str]:
    """The module-level type aliases whose type is a catalogued client, or a union holding one (the first):
    alias name → the client's traced type."""
    out: dict[str, str] = {}
    for statement in program.named_children if program is not None else ():
        declaration = (
            statement.child_by_field_name("declaration")
            if statement.type == "export_statement"
            else statement
        )
        if declaration is None or declaration.type != "type_alias_declaration":
            continue
        name = declaration.child_by_field_name("name")
        value = declaration.child_by_field_name("value")
        if name is None or value is None:
            continue
        for member in _members(value):
            qualified = type_name(member)
            if qualified is not None and qualified in clients:
                out[text(name)] = qualified
                break
    return out


def project_type(qualified: str | None) -> bool:
    """The traced type names a project module's export (`./dbClient.DbClient`), not a package's."""
    return qualified is not None and qualified.startswith(_PROJECT)


def _members(value: Node) -> list[Node]:
    """The named types of an alias's value: each side of a union, a generic's name (`Kysely<DB>`)."""
    if value.type == "union_type":
        return [member for side in value.named_children for member in _members(side)]
    if value.type == "generic_type" and value.named_children:
        return [value.named_children[0]]
    if value.type in ("type_identifier", "nested_type_identifier"):
        return [value]
    return []
