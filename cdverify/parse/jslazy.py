"""Module variables a JavaScript / TypeScript file declares empty and fills in a function: the lazily made
client (`let pool = null; function getPool() { if (!pool) pool = new Pool(…); return pool; }`), read by the
module's other functions (`pool.query(…)`) as the value the function assigned. Grammar only: what the values
trace to is the scanner's (jscode.py `bind_lazy`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from cdverify.parse.jssyntax import SCOPE_NODES, strip
from cdverify.parse.treesitter import scopes, text

_MODULE_HOLDERS = ("program", "export_statement")
_EMPTY = ("null", "undefined")


def empty_module_variables(declarators: Iterable[Node]) -> set[str]:
    """Names declared at module level with no value or `null` / `undefined` (`let client: Sql | null =
    null`, `var pool;`), declared once there."""
    out: set[str] = set()
    seen: set[str] = set()
    for node in declarators:
        declaration = node.parent
        holder = declaration.parent if declaration is not None else None
        name = node.child_by_field_name("name")
        if holder is None or holder.type not in _MODULE_HOLDERS or name is None or name.type != "identifier":
            continue
        written = text(name)
        value = node.child_by_field_name("value")
        if written in seen:
            out.discard(written)  # declared twice (`var x; … var x = make()`): not one variable's story
        elif value is None or strip(value).type in _EMPTY:
            out.add(written)
        seen.add(written)
    return out


def lazy_assignments(
    names: set[str], declarators: Iterable[Node], assignments: Iterable[Node]
) -> dict[str, list[Node]]:
    """name → the right-hand sides of its assignments (an empty one, `pool = null` when the pool is closed,
    left out), for `names` declared empty at module level and assigned in a function: those where no
    function around the assignment declares the name again (`let pool = …` inside, or a parameter `pool`)."""
    found: dict[str, list[Node]] = {}
    for node in assignments:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None or left.type != "identifier" or text(left) not in names:
            continue
        if strip(right).type in _EMPTY:
            continue
        found.setdefault(text(left), []).append(right)
    if not found:
        return found
    local = {
        (key, text(declared))
        for node in declarators
        if (declared := node.child_by_field_name("name")) is not None and text(declared) in found
        for key in scopes(node, SCOPE_NODES)[:1]
    }
    out: dict[str, list[Node]] = {}
    for name, rights in found.items():
        placed = [(right, scopes(right, SCOPE_NODES)) for right in rights]
        kept = [(right, keys) for right, keys in placed if _module_level(right, name, keys, local)]
        if any(keys for _, keys in kept):  # assigned in a function, not only where it is declared
            out[name] = [right for right, _ in kept]
    return out


def _module_level(right: Node, name: str, around: list[str], local: set[tuple[str, str]]) -> bool:
    """The assignment of `right` (in the functions `around`, innermost first) assigns the module's `name`:
    no function around it declares `name` or takes it as a parameter."""
    if any((key, name) in local for key in around):
        return False
    word = re.compile(rf"\b{re.escape(name)}\b")
    parent = right.parent
    while parent is not None:
        if parent.type in SCOPE_NODES:
            parameters = parent.child_by_field_name("parameters") or parent.child_by_field_name("parameter")
            if parameters is not None and word.search(text(parameters)):
                return False
        parent = parent.parent
    return True
