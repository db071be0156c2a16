"""Start-up checks in a branch an unset variable never takes (JavaScript / TypeScript): a `throw` or
`process.exit(1)` inside an `if` whose condition compares a variable's read with a string literal that
read is not where the variable is unset, as in the paper's harness, which sets none:

    if (process.env.NODE_ENV === 'production') { if (!process.env.JWT_SECRET) throw … }

    const mode = process.env.NODE_ENV || 'development';
    if (mode === 'production') { … throw … }

    const env = { NODE_ENV: process.env.NODE_ENV || 'development',
                  isProd: () => env.NODE_ENV === 'production' };
    if (env.isProd()) { const missing = required.filter(…); if (missing.length > 0) throw … }

The compared value is `process.env.X` itself (unset: undefined), or a module-level name or object entry the
file assigns one variable's read with string fallbacks, none of them the literal; a condition that calls a
function of the module (`env.isProd()`, `isProduction()`) is read through the one comparison it returns.
Only the branch the comparison must hold for counts (the `if` of `===`, the `else` of `!==`); anything else
— a test of something computed, a fallback equal to the literal — leaves the check where it was."""

from __future__ import annotations

from collections.abc import Sequence

from tree_sitter import Node

from cdverify.model import Assignment
from cdverify.parse.jssyntax import SCOPE_NODES, property_key, string_value, strip
from cdverify.parse.treesitter import text

_EQUAL = ("===", "==")
_UNEQUAL = ("!==", "!=")
_ENV = "process.env."


def untaken_branch(stop: Node, assignments: Sequence[Assignment], declarators: Sequence[Node]) -> bool:
    """Whether `stop` sits, in its function or at module level, in a branch of an `if` whose comparison
    fails where the variable it reads is unset."""
    child, parent = stop, stop.parent
    while parent is not None and parent.type not in SCOPE_NODES:
        if parent.type == "if_statement":
            condition = parent.child_by_field_name("condition")
            taken_when_equal = child == parent.child_by_field_name("consequence")
            if (
                condition is not None
                and child != condition
                and _fails_unset(condition, taken_when_equal, assignments, declarators)
            ):
                return True
        child, parent = parent, parent.parent
    return False


def _fails_unset(
    condition: Node, when_equal: bool, assignments: Sequence[Assignment], declarators: Sequence[Node]
) -> bool:
    node = strip(condition)
    if node.type == "call_expression":
        arguments = node.child_by_field_name("arguments")
        called = node.child_by_field_name("function")
        if called is None or (arguments is not None and arguments.named_children):
            return False
        returned = _returned_comparison(called, declarators)
        if returned is None:
            return False
        node = returned
    compared = _comparison(node)
    if compared is None:
        return False
    operand, literal, operator = compared
    if (operator in _EQUAL) != when_equal:
        return False
    return _unset_differs(operand, literal, assignments)


def _comparison(node: Node) -> tuple[Node, str, str] | None:
    """(operand, literal, operator) of `operand === 'literal'` (either way round); None otherwise."""
    node = strip(node)
    if node.type != "binary_expression":
        return None
    operator = node.child_by_field_name("operator")
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if operator is None or left is None or right is None or text(operator) not in (*_EQUAL, *_UNEQUAL):
        return None
    left, right = strip(left), strip(right)
    if right.type == "string" and left.type != "string":
        literal, operand = right, left
    elif left.type == "string" and right.type != "string":
        literal, operand = left, right
    else:
        return None
    value = string_value(literal)
    if not isinstance(value, str) or not value:
        return None
    return operand, value, text(operator)


def _unset_differs(operand: Node, literal: str, assignments: Sequence[Assignment]) -> bool:
    """The operand, where its variable is unset, is not `literal`: `process.env.X` (undefined), or a
    module-level name or entry holding one variable's read with string fallbacks none of which is it."""
    if operand.type not in ("member_expression", "identifier"):
        return False
    written = text(operand)
    if written.startswith(_ENV) and written.count(".") == 2:
        return True
    held = [a.value for a in assignments if not a.scope and a.target == written]
    if len(held) != 1:
        return False
    value = held[0]
    if len(value.env) != 1 or value.calls or value.names or value.numbers:
        return False
    fallbacks = [string for string in value.strings if isinstance(string, str)]
    return len(fallbacks) == len(value.strings) and literal not in fallbacks


def _returned_comparison(called: Node, declarators: Sequence[Node]) -> Node | None:
    """The comparison a module-level function returns: `isProd()` of `const isProd = () => x === 'y'`, or
    `env.isProd()` of `const env = { isProd: () => …, isDev() { return … } }`."""
    if called.type == "identifier":
        owner, key = text(called), ""
    elif called.type == "member_expression":
        obj, prop = called.child_by_field_name("object"), called.child_by_field_name("property")
        if obj is None or prop is None or obj.type != "identifier":
            return None
        owner, key = text(obj), text(prop)
    else:
        return None
    for declarator in declarators:
        holder = declarator.parent.parent if declarator.parent is not None else None
        if holder is None or holder.type not in ("program", "export_statement"):
            continue
        name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
        if name is None or value is None or text(name) != owner:
            continue
        value = strip(value)
        if not key:
            return _body_comparison(value)
        if value.type != "object":
            return None
        for entry in value.named_children:
            entry_key = (
                entry.child_by_field_name("key") if entry.type in ("pair", "method_definition") else None
            )
            if entry_key is None or property_key(entry_key) != key:
                continue
            function = entry if entry.type == "method_definition" else entry.child_by_field_name("value")
            return _body_comparison(strip(function)) if function is not None else None
        return None
    return None


def _body_comparison(function: Node) -> Node | None:
    """The comparison a function returns: an arrow's expression body, or a body of one `return`."""
    if function.type not in ("arrow_function", "function_expression", "function", "method_definition"):
        return None
    body = function.child_by_field_name("body")
    if body is None:
        return None
    if body.type != "statement_block":
        return body if _comparison(body) is not None else None
    statements = [child for child in body.named_children if child.type != "comment"]
    if len(statements) != 1 or statements[0].type != "return_statement" or not statements[0].named_children:
        return None
    returned = statements[0].named_children[0]
    return returned if _comparison(returned) is not None else None
