"""A project's own environment helpers, read from the syntax tree (issue 18): a function that returns an
environment read of its parameter — `function getOsEnv(key) { return process.env[key] }`,
`const env = (key, fallback) => process.env[key] ?? fallback`, `getEnv(key, fallback = "x")` whose body
keeps `const value = process.env[key]` and returns `value` — is an `EnvHelper`; a call handing such a
function a variable's name (`getOsEnv('TYPEORM_CONNECTION')`) then reads that variable. A call of the
file's own helper is read here; a call of another module's function keeps what it hands over
(`Value.handed`) for detection to match with that module's helpers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from tree_sitter import Node

from cdverify.model import EnvHelper, Text, Value
from cdverify.parse.jssyntax import parameter_name, property_key, returned_expressions, string_value, strip
from cdverify.parse.treesitter import holds, text

# a literal naming an environment variable: what a call must hand over for its value to be kept
VARIABLE_NAME = re.compile(r"[A-Z][A-Z0-9_]*[A-Z0-9]")
_FALLBACKS = ("??", "||")
_LOCAL_HOPS = 2  # `const value = process.env[key]` then `return value`, at most this many names deep
# a condition testing one value unset: `!value`, `value === undefined`, `typeof v === "undefined"`
_OPERAND = r"[\w$][\w$.]*(?:\[[\w$'\"]+\])*"
_UNSET_TEST = re.compile(
    rf"!\s*{_OPERAND}|{_OPERAND}\s*===?\s*(?:undefined|null|''|\"\")"
    rf"|typeof\s+{_OPERAND}\s*===?\s*['\"]undefined['\"]"
)
_NESTED = ("function_declaration", "function_expression", "arrow_function", "class_declaration")


def env_helpers(functions: dict[str, Node], env_objects: Iterable[str]) -> tuple[EnvHelper, ...]:
    """The module-level functions (by the name callers call them) that return an environment read of a
    parameter."""
    objects = frozenset(env_objects)
    markers = [obj.encode() for obj in objects]
    out = []
    for name, function in functions.items():
        if not any(holds(function, marker) for marker in markers):
            continue  # reads no environment object: most functions, skipped by a byte search
        parameters = _parameters(function)
        if not parameters:
            continue
        names = [parameter_name(p) for p in parameters]
        for returned in returned_expressions(function):
            found = _read(returned, function, names, objects, _LOCAL_HOPS)
            if found is None:
                continue
            key, fallback, default = found
            if fallback >= 0:
                default = (*default, *_parameter_default(parameters[fallback]))
            out.append(EnvHelper(name, key, fallback, tuple(dict.fromkeys(default)), _stops_unset(function)))
            break
    return tuple(out)


def static_methods(methods: Iterable[Node]) -> dict[str, Node]:
    """The static methods of the module's top-level classes, by the name callers call them
    (`EnvHelper.get` of `export class EnvHelper { static get(key) { … } }`)."""
    out: dict[str, Node] = {}
    for method in methods:
        name = method.child_by_field_name("name")
        body = method.parent
        declaration = body.parent if body is not None else None
        if (
            name is None
            or declaration is None
            or declaration.type not in ("class_declaration", "class")
            or not any(child.type == "static" for child in method.children)
            or declaration.parent is None
            or declaration.parent.type not in ("program", "export_statement")
        ):
            continue
        owner = declaration.child_by_field_name("name")
        if owner is not None:
            out.setdefault(f"{text(owner)}.{text(name)}", method)
    return out


def _stops_unset(function: Node) -> bool:
    """The function throws or exits under an `if` testing a value unset (`if (!value) throw new Error(…)`,
    `if (value === undefined) process.exit(1)`): a helper requiring the variable it reads."""
    stack = [function.child_by_field_name("body")]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if node.type == "if_statement":
            condition = node.child_by_field_name("condition")
            consequence = node.child_by_field_name("consequence")
            if (
                condition is not None
                and consequence is not None
                and _UNSET_TEST.fullmatch(text(condition).strip("() \n"))
                and (holds(consequence, b"throw ") or holds(consequence, b"process.exit("))
            ):
                return True
        if node.type not in _NESTED:
            stack.extend(node.named_children)
    return False


def handed(arguments: Node | None) -> bool:
    """Whether a call's first argument is a literal naming a variable (`('DATABASE_URL', …)`)."""
    first = arguments.named_child(0) if arguments is not None and arguments.named_child_count else None
    if first is None or first.type != "string":
        return False
    return VARIABLE_NAME.fullmatch(text(first)[1:-1]) is not None  # a name needs no escape: quotes cut


def helper_read(helper: EnvHelper, args: tuple[Value, ...]) -> Value | None:
    """What a call of `helper` with `args` reads: the variable its key argument names, falling back to the
    fallback argument (and the helper's own default); None when the key is no literal."""
    key = args[helper.key].literals if helper.key < len(args) else ()
    if not key or VARIABLE_NAME.fullmatch(key[0]) is None:
        return None
    fallback = args[helper.fallback] if 0 <= helper.fallback < len(args) else Value()
    strings: tuple[Text, ...] = (*fallback.strings, *helper.default)
    return Value(
        strings=tuple(dict.fromkeys(strings)),
        env=tuple(dict.fromkeys((key[0], *fallback.env))),
        names=fallback.names,
        calls=fallback.calls,
    )


def _parameters(function: Node) -> list[Node]:
    parameters = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if parameters is None:
        return []
    if parameters.type == "identifier":  # `key => process.env[key]`
        return [parameters]
    return [p for p in parameters.named_children if p.type != "comment"]


def _read(
    node: Node, function: Node, names: list[str], objects: frozenset[str], hops: int
) -> tuple[int, int, tuple[Text, ...]] | None:
    """(key parameter, fallback parameter or -1, literal defaults) when `node` reads the environment
    variable a parameter names."""
    node = strip(node)
    if node.type == "subscript_expression":
        obj, index = node.child_by_field_name("object"), node.child_by_field_name("index")
        if obj is None or index is None or text(strip(obj)) not in objects:
            return None
        index = strip(index)
        name = text(index) if index.type == "identifier" else ""
        return (names.index(name), -1, ()) if name and name in names else None
    if node.type == "binary_expression":
        operator = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if operator is None or text(operator) not in _FALLBACKS or left is None or right is None:
            return None
        found = _read(left, function, names, objects, hops)
        if found is None:
            return None
        key, fallback, default = found
        right = strip(right)
        if right.type == "identifier" and text(right) in names and fallback < 0:
            return key, names.index(text(right)), default
        if right.type in ("string", "template_string"):
            return key, fallback, (*default, string_value(right))
        return key, fallback, default
    if node.type == "identifier" and hops > 0:
        assigned = _local_value(function, text(node))
        return _read(assigned, function, names, objects, hops - 1) if assigned is not None else None
    return None


def _local_value(function: Node, name: str) -> Node | None:
    """The value of `const <name> = …` in the function's own body (not in a nested function)."""
    body = function.child_by_field_name("body")
    stack = list(body.named_children) if body is not None and body.type == "statement_block" else []
    while stack:
        node = stack.pop()
        if node.type in (
            "function_declaration",
            "function_expression",
            "arrow_function",
            "class_declaration",
        ):
            continue
        if node.type == "variable_declarator":
            declared = node.child_by_field_name("name")
            if declared is not None and declared.type == "identifier" and text(declared) == name:
                return node.child_by_field_name("value")
        stack.extend(node.named_children)
    return None


def _parameter_default(parameter: Node) -> tuple[Text, ...]:
    """The literal default of a parameter (`fallback = "x"`, TS `fallback: string = "x"`)."""
    value = parameter.child_by_field_name("right") or parameter.child_by_field_name("value")
    value = strip(value) if value is not None else None
    if value is None or value.type not in ("string", "template_string"):
        return ()
    return (string_value(value),)


def destructured_env(declarators: Iterable[Node], scope: Callable[[Node], str]) -> dict[tuple[str, str], str]:
    """(function, local name) → the variable a `const` destructuring of `process.env` reads into the name:
    `const { MONGODB_URL: url, PORT } = process.env` reads $MONGODB_URL into `url` and $PORT into `PORT`,
    in the function `scope` names ("" at module level). A name given a default (`{ PORT = "3000" }`,
    `{ MONGODB_URL: url = "mongodb://…" }`) is left out: it is not unset where the variable is."""
    out: dict[tuple[str, str], str] = {}
    for node in declarators:
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if name is None or value is None or name.type != "object_pattern":
            continue
        declaration = node.parent
        if declaration is None or not text(declaration).startswith("const"):
            continue
        if text(strip(value)) != "process.env":
            continue
        where = scope(node)
        for prop in name.named_children:
            if prop.type == "shorthand_property_identifier_pattern":
                out[(where, text(prop))] = text(prop)
            elif prop.type == "pair_pattern":
                key, local = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                variable = property_key(key) if key is not None else ""
                if variable and local is not None and local.type == "identifier":
                    out[(where, text(local))] = variable
    return out
