"""Calls of names a JavaScript module does not bind, handed an SQL statement: `db('SELECT …')` in a
handler, where another module installed the helper on the global object (`global.db = execute`). A name
no declaration, parameter or import of the file binds is a property of the global object, so detection
(cdverify/detect/orm/helpers.py) matches these calls to the helpers other modules install there. Only
calls whose first argument starts like a statement are kept: most files have none, and the declared
names are read only when one is there."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from tree_sitter import Node

from cdverify.model import CallFact, Value
from cdverify.parse.treesitter import holds_match, text
from cdverify.parse.values import local_call_fact

# what a module installs a global helper on: `global.db = execute`, `globalThis.query = (sql) => …`
GLOBAL_OBJECTS = ("global.", "globalThis.")
_STATEMENT = re.compile(
    r"\s*(?:select|insert|update|delete|with|create|alter|drop|replace|truncate|merge|call)\b", re.IGNORECASE
)
_QUOTE = re.compile(rb"[\"'`]")  # what every string or template literal starts with
# an identifier bound where its parent is one of these (any child of the patterns and parameter lists,
# the named field of the others)
_BINDING_ANY = frozenset(
    (
        "formal_parameters",
        "array_pattern",
        "rest_pattern",
        "import_specifier",
        "import_clause",
        "namespace_import",
        "catch_clause",
        "required_parameter",
        "optional_parameter",
    )
)
_BINDING_FIELD = {
    "variable_declarator": "name",
    "function_declaration": "name",
    "generator_function_declaration": "name",
    "function_expression": "name",
    "class_declaration": "name",
    "assignment_pattern": "left",
    "pair_pattern": "value",
    "arrow_function": "parameter",
}


def free_calls(
    pending: Iterable[tuple[Node, Node]],
    arguments: Callable[[Node | None], tuple[tuple[Value, ...], tuple[tuple[str, Value], ...]]],
    scope_of: Callable[[Node], str],
    program: Node | None,
) -> tuple[CallFact, ...]:
    """The calls among `pending` ((call, callee) nodes) of a name the file does not bind, whose first
    argument holds a string starting like an SQL statement."""
    candidates: list[tuple[Node, str, tuple[Value, ...], tuple[tuple[str, Value], ...]]] = []
    for call, function in pending:
        if function.type != "identifier":
            continue
        given = call.child_by_field_name("arguments")
        if given is None or not holds_match(given, _QUOTE):
            continue  # the cheap test first: a string an argument holds comes from a literal written in it
        args, kwargs = arguments(given)
        if args and any(_STATEMENT.match(s if isinstance(s, str) else s.head) for s in args[0].strings):
            candidates.append((call, text(function), args, kwargs))
    if not candidates or program is None:
        return ()
    bound = _bound(program, {name for _, name, _, _ in candidates})
    return tuple(
        local_call_fact(call, name, args, kwargs, scope_of)
        for call, name, args, kwargs in candidates
        if name not in bound
    )


def _bound(program: Node, names: set[str]) -> set[str]:
    """Those of `names` the file binds anywhere (a declaration, a parameter, an import, a pattern)."""
    out: set[str] = set()
    stack = [program]
    while stack:
        node = stack.pop()
        pattern = node.type == "shorthand_property_identifier_pattern"  # `const { db } = …`
        if (pattern or node.type == "identifier") and text(node) in names and (pattern or _binds(node)):
            out.add(text(node))
        stack.extend(node.named_children)
    return out


def _binds(identifier: Node) -> bool:
    parent = identifier.parent
    if parent is None:
        return False
    if parent.type in _BINDING_ANY:
        return True
    field = _BINDING_FIELD.get(parent.type)
    named = parent.child_by_field_name(field) if field is not None else None
    return named is not None and named.start_byte == identifier.start_byte
