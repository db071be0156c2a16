"""Module variables a Python function assigns under `global`: the lazily made connection (`_conn = None`,
then `def get_conn(): global _conn; if _conn is None: _conn = sqlite3.connect("app.db")`), read by the
module's other functions (`_conn.execute(…)`) as the value the function assigned. Grammar only: what the
values trace to is the scanner's (pycode.py `bind_globals`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tree_sitter import Node

from cdverify.parse.pysyntax import strip
from cdverify.parse.treesitter import scope_key, text

_EMPTY = ("none",)


def global_assignments(
    statements: Iterable[Node], assignments: Iterable[Node], scope_of: Callable[[Node], str]
) -> dict[str, list[Node]]:
    """name → the right-hand sides of its assignments as a module variable (at module level, and in a
    function declaring it `global`; `None`, as when the connection is closed, left out), for names a
    function assigns under `global`."""
    declared: set[tuple[str, str]] = set()
    for statement in statements:
        function = statement.parent
        while function is not None and function.type not in ("function_definition", "class_definition"):
            function = function.parent
        if function is None or function.type != "function_definition":
            continue
        key = scope_key(function)
        declared.update((key, text(name)) for name in statement.named_children if name.type == "identifier")
    if not declared:
        return {}
    names = {name for _, name in declared}
    found: dict[str, list[Node]] = {}
    in_function: set[str] = set()
    for node in assignments:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None or left.type != "identifier" or text(left) not in names:
            continue
        name, scope = text(left), scope_of(node)
        if scope and (scope, name) not in declared:
            continue  # a local of the same name
        if strip(right).type in _EMPTY:
            continue
        found.setdefault(name, []).append(right)
        if scope:
            in_function.add(name)
    return {name: rights for name, rights in found.items() if name in in_function}
