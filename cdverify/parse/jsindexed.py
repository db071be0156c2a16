"""A method chosen by a string: `client[method](sql, params)`. The names a subscript's index can hold, read
from literals only — a string (`client["query"]`), a `const` holding one in the functions around the call
or at module level, or a parameter of the function the call is in, whose values are the string literals
the file's calls of that function pass at its position (`dbCall("query", sql)`; a method's through
`this.name(…)`) and its default. A helper written `(method, sql) => pool[method](sql)` then runs each
catalogued method its callers name. Syntax only: the node scanner asks (jscode.py) only for a subscript
called on a traced object.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from cdverify.parse.jssyntax import SCOPE_NODES, bound_name, parameter_name, scope_of, string_value, strip
from cdverify.parse.treesitter import scopes, text

_NAME = re.compile(r"[A-Za-z_$][\w$]*\Z")  # a name a method can have: `query`, `$queryRaw`


def index_names(index: Node, found: dict[str, list[Node]]) -> tuple[str, ...]:
    """The method names `index` (a subscript's) can hold, in the order first met; () when any is unknown
    beyond literals (only the literals are kept: a method not in the catalogues is no sink anyway)."""
    index = strip(index)
    literal = _literal(index)
    if literal is not None:
        return _names([literal])
    if index.type != "identifier":
        return ()
    name = text(index)
    function = _enclosing(index)
    if function is not None:
        position, default = _parameter(function, name)
        if position is not None:
            return _names([*default, *_passed(function, position, found)])
    return _names(_constants(index, name, found))


def _literal(node: Node) -> str | None:
    """A string literal's value (a template literal without substitutions too); None otherwise."""
    if node.type not in ("string", "template_string"):
        return None
    value = string_value(node)
    return value if isinstance(value, str) else None


def _names(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if _NAME.match(value)))


def _enclosing(node: Node) -> Node | None:
    """The function `node` is in (None at module level)."""
    parent = node.parent
    while parent is not None and parent.type not in SCOPE_NODES:
        parent = parent.parent
    return parent


def _parameter(function: Node, name: str) -> tuple[int | None, list[str]]:
    """The position of the parameter `name` of `function` (None when it has none of that name), and its
    default when that is a string literal (`method = "query"`)."""
    parameters = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if parameters is None:
        return None, []
    if parameters.type == "identifier":  # `method => …`
        return (0, []) if text(parameters) == name else (None, [])
    listed = [p for p in parameters.named_children if p.type != "comment"]
    for position, parameter in enumerate(listed):
        if parameter_name(parameter) != name:
            continue
        field = "right" if parameter.type == "assignment_pattern" else "value"  # `m = "query"`, TS `m: T = …`
        default = parameter.child_by_field_name(field)
        literal = _literal(strip(default)) if default is not None else None
        return position, [literal] if literal is not None else []
    return None, []


def _passed(function: Node, position: int, found: dict[str, list[Node]]) -> list[str]:
    """The string literals the file's calls of `function` pass at `position`: by its name (`dbCall(…)`), or,
    for a method, through `this` (`this.run(…)`)."""
    method = function.type == "method_definition"
    own = function.child_by_field_name("name")
    name = text(own) if own is not None else bound_name(function)
    if not name:
        return []
    out = []
    for call in found.get("call", ()):
        callee = call.child_by_field_name("function") if call.type == "call_expression" else None
        if callee is None or not _calls(callee, name, method):
            continue
        arguments = call.child_by_field_name("arguments")
        given = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
        if position < len(given) and (literal := _literal(strip(given[position]))) is not None:
            out.append(literal)
    return out


def _calls(callee: Node, name: str, method: bool) -> bool:
    """`callee` is written `name` (a function), or `this.name` (a method)."""
    if not method:
        return callee.type == "identifier" and text(callee) == name
    if callee.type != "member_expression":
        return False
    obj, prop = callee.child_by_field_name("object"), callee.child_by_field_name("property")
    return obj is not None and prop is not None and obj.type == "this" and text(prop) == name


def _constants(index: Node, name: str, found: dict[str, list[Node]]) -> list[str]:
    """The string a `const name = "…"` declared in the functions around `index` (or at module level)
    holds."""
    around = {"", *scopes(index, SCOPE_NODES)}
    out = []
    for declarator in found.get("declarator", ()):
        declared, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
        if declared is None or value is None or declared.type != "identifier" or text(declared) != name:
            continue
        statement = declarator.parent
        declared_const = statement is not None and text(statement.children[0]) == "const"  # not `let`, `var`
        if not declared_const or scope_of(declarator) not in around:
            continue
        literal = _literal(strip(value))
        if literal is not None:
            out.append(literal)
    return out
