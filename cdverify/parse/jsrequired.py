"""Start-up checks over a list of variable names (JavaScript / TypeScript), read name by name: a `throw` or
`process.exit(1)` that runs where any variable of a literal list is unset requires each of them, as a check
written for each one would.

    const required = ["JWT_SECRET", "DB_PASSWORD"];
    const missing = required.filter((name) => !process.env[name]);
    if (missing.length > 0) { console.error(…); process.exit(1); }

    for (const name of required) { if (!process.env[name]) throw new Error(`${name} is unset`); }
    required.forEach((name) => { if (process.env[name] === undefined) throw … });
    if (required.some((name) => !process.env[name])) throw …;  // also `!required.every(…)`

The list is an array literal of strings, written at the check or bound to a name the file declares once
(`const REQUIRED = [...] as const`). Anything else — a list built at run time, a test reading another
mapping, a loop that tests something else — requires nothing here (Python's counterpart: pyraises.py)."""

from __future__ import annotations

from collections.abc import Sequence

from tree_sitter import Node

from cdverify.parse.jssyntax import SCOPE_NODES, parameter_name, strip
from cdverify.parse.treesitter import text

_UNSET_VALUES = ("undefined", "null", "''", '""')
# a count of missing names that holds when one is missing: `missing.length`, `… > 0`, `… !== 0`, `… >= 1`
_NON_EMPTY = ((">", "0"), ("!==", "0"), ("!=", "0"), (">=", "1"))


def required_names(stop: Node, condition: Node, declarators: Sequence[Node]) -> tuple[str, ...]:
    """The variables the check `stop` (a `throw` statement or a `process.exit` call) under `condition`
    requires, when it checks a literal list of names; () for any other check. `declarators`: the file's
    variable declarators, where a list's or a collected result's name is looked up."""
    tested = _tested(condition)
    if tested is not None:
        name, when_unset = tested
        listed = _loop_over(stop, name) if when_unset else None
        return _names(listed, declarators) if listed is not None else ()
    found = _found_unset(strip(condition), declarators)
    return _names(found, declarators) if found is not None else ()


def run_from(stop: Node) -> Node:
    """The node whose place says when `stop` runs: the `LIST.forEach(…)` call whose callback holds it (the
    callback runs where the call does), else `stop` itself."""
    parent = stop.parent
    while parent is not None and parent.type not in SCOPE_NODES:
        parent = parent.parent
    if parent is None or _iterated(parent, "forEach") is None:
        return stop
    call = parent.parent.parent if parent.parent is not None else None
    return call if call is not None else stop


def _tested(node: Node) -> tuple[str, bool] | None:
    """(the name of the variable whose environment entry the test reads, whether the test holds where that
    entry is unset): `!process.env[name]` → (name, True), `process.env[name]` → (name, False); also
    `=== undefined` / `== null` / `=== ''`, `typeof … === 'undefined'`, `name in process.env` and their
    negations, `?.trim()` on the read. None for any other test."""
    node = strip(node)
    if node.type == "unary_expression":
        operator = node.child_by_field_name("operator")
        argument = node.child_by_field_name("argument")
        if operator is None or argument is None or text(operator) != "!":
            return None
        inner = _tested(argument)
        return (inner[0], not inner[1]) if inner is not None else None
    if node.type == "binary_expression":
        return _compared(node)
    name = _read(node)
    return (name, False) if name is not None else None


def _compared(node: Node) -> tuple[str, bool] | None:
    left, operator, right = (node.child_by_field_name(f) for f in ("left", "operator", "right"))
    if left is None or operator is None or right is None:
        return None
    written = text(operator)
    if written == "in":
        held = strip(left).type == "identifier" and text(strip(right)) == "process.env"
        return (text(strip(left)), False) if held else None
    if written not in ("===", "==", "!==", "!="):
        return None
    value = text(strip(right))
    left = strip(left)
    if left.type == "unary_expression" and text(left).startswith("typeof"):
        argument = left.child_by_field_name("argument")
        name = _read(argument) if argument is not None else None
        unset = value in ("'undefined'", '"undefined"')
    else:
        name = _read(left)
        unset = value in _UNSET_VALUES
    if name is None or not unset:
        return None
    return name, written in ("===", "==")


def _read(node: Node) -> str | None:
    """The name `process.env[name]` is subscripted with (also `process.env[name]?.trim()`); None else."""
    node = strip(node)
    if node.type == "call_expression":  # `process.env[name]?.trim()`
        function = node.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            return None
        member = function.child_by_field_name("property")
        if member is None or text(member) != "trim":
            return None
        receiver = function.child_by_field_name("object")
        return _read(receiver) if receiver is not None else None
    if node.type != "subscript_expression":
        return None
    mapping, index = node.child_by_field_name("object"), node.child_by_field_name("index")
    if mapping is None or index is None or text(strip(mapping)) != "process.env":
        return None
    return text(index) if index.type == "identifier" else None


def _loop_over(node: Node, name: str) -> Node | None:
    """The list `name` runs over around `node` in its function: `for (const name of LIST)`, or the
    callback of `LIST.forEach((name) => …)` that holds `node`; None where there is none."""
    parent = node.parent
    while parent is not None:
        if parent.type == "for_in_statement" and any(c.type == "of" for c in parent.children):
            left, right = parent.child_by_field_name("left"), parent.child_by_field_name("right")
            if left is not None and right is not None and text(left) == name:
                return right
        if parent.type in SCOPE_NODES:
            return _iterated(parent, "forEach") if _parameter(parent) == name else None
        parent = parent.parent
    return None


def _found_unset(condition: Node, declarators: Sequence[Node]) -> Node | None:
    """The list a condition is true for when one of its names is unset: `LIST.some((n) => unset test)`,
    `!LIST.every((n) => set test)`, or the count of a collected list (`missing.length > 0` after
    `const missing = LIST.filter((n) => unset test)`); None otherwise."""
    if condition.type == "unary_expression":
        argument = condition.child_by_field_name("argument")
        if argument is None or not text(condition).startswith("!"):
            return None
        return _over(strip(argument), "every", want_unset=False)
    if condition.type == "call_expression":
        return _over(condition, "some", want_unset=True)
    counted = _counted(condition)
    if counted is None:
        return None
    values = [d.child_by_field_name("value") for d in declarators if _declared(d) == counted]
    if len(values) != 1 or values[0] is None:
        return None
    return _over(strip(values[0]), "filter", want_unset=True)


def _counted(condition: Node) -> str | None:
    """`missing` of `missing.length`, `missing.length > 0` (`!== 0`, `>= 1`); None for anything else."""
    if condition.type == "binary_expression":
        left, operator, right = (condition.child_by_field_name(f) for f in ("left", "operator", "right"))
        if left is None or operator is None or right is None:
            return None
        if (text(operator), text(right)) not in _NON_EMPTY:
            return None
        condition = strip(left)
    if condition.type != "member_expression":
        return None
    owner, member = condition.child_by_field_name("object"), condition.child_by_field_name("property")
    if owner is None or member is None or text(member) != "length" or strip(owner).type != "identifier":
        return None
    return text(strip(owner))


def _over(call: Node, method: str, want_unset: bool) -> Node | None:
    """The list of `LIST.method((name) => test)` when the test reads `process.env[name]` and holds where it
    is unset (`want_unset`) or set."""
    if call.type != "call_expression":
        return None
    arguments = call.child_by_field_name("arguments")
    given = arguments.named_children if arguments is not None else []
    if len(given) != 1 or given[0].type not in ("arrow_function", "function_expression"):
        return None
    callback = given[0]
    tested = _returned(callback)
    name = _parameter(callback)
    if tested is None or name is None or tested != (name, want_unset):
        return None
    return _iterated(callback, method)


def _returned(callback: Node) -> tuple[str, bool] | None:
    """What a callback's result tests: its expression body, or the one `return` of its block."""
    body = callback.child_by_field_name("body")
    if body is None:
        return None
    if body.type == "statement_block":
        statements = body.named_children
        if len(statements) != 1 or statements[0].type != "return_statement":
            return None
        body = statements[0].named_children[0] if statements[0].named_children else None
        if body is None:
            return None
    return _tested(body)


def _parameter(function: Node) -> str | None:
    """The name of a function's one parameter (`name`, `(name)`, `(name: string)`)."""
    single = function.child_by_field_name("parameter")
    if single is not None:
        return text(single) if single.type == "identifier" else None
    parameters = function.child_by_field_name("parameters")
    given = parameters.named_children if parameters is not None else []
    if len(given) != 1 or given[0].type not in ("identifier", "required_parameter", "optional_parameter"):
        return None
    name = parameter_name(given[0])
    return name if name not in ("", "*") else None  # not a pattern, not `...rest`


def _iterated(callback: Node, method: str) -> Node | None:
    """LIST of the call `LIST.method(callback)` that `callback` is the argument of."""
    arguments = callback.parent
    call = arguments.parent if arguments is not None else None
    if call is None or call.type != "call_expression":
        return None
    function = call.child_by_field_name("function")
    if function is None or function.type != "member_expression":
        return None
    member = function.child_by_field_name("property")
    if member is None or text(member) != method:
        return None
    return function.child_by_field_name("object")


def _declared(declarator: Node) -> str | None:
    name = declarator.child_by_field_name("name")
    return text(name) if name is not None and name.type == "identifier" else None


def _names(listed: Node, declarators: Sequence[Node]) -> tuple[str, ...]:
    """The strings of an array literal, written there or bound once in the file to the name `listed` is."""
    listed = strip(listed)
    if listed.type == "identifier":
        values = [d.child_by_field_name("value") for d in declarators if _declared(d) == text(listed)]
        if len(values) != 1 or values[0] is None:
            return ()
        listed = strip(values[0])
    if listed.type != "array" or not listed.named_children:
        return ()
    out = []
    for item in listed.named_children:
        if item.type != "string" or any(c.type not in ("string_fragment",) for c in item.named_children):
            return ()
        out.append(text(item)[1:-1])
    return tuple(dict.fromkeys(name for name in out if name))
