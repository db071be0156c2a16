"""JavaScript / TypeScript syntax, read without a scanner's state: unwrapping expressions, literal values,
scopes, and functions — their names, parameters, owners, what they return and how they are exported.

These are the questions the node scanners (jsnames, jsvalues, jsbindings, jscode) ask of a node that
depend on the grammar alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from cdverify.model import PARAM_PLACEHOLDER, FunctionFact, Text, shown, text_of
from cdverify.parse.treesitter import occurrences, scope, scope_key, text

WRAPPERS = frozenset(
    {
        "parenthesized_expression",
        "await_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
    }
)
FUNCTION_NODES = frozenset(
    {"function_declaration", "function_expression", "arrow_function", "method_definition", "program"}
)
SCOPE_NODES = ("function_declaration", "function_expression", "arrow_function", "method_definition")
HERE = "./"  # a path relative to the file's own folder, in Value.paths


def strip(node: Node) -> Node:
    """The expression inside parentheses, `await`, `as`, `satisfies`, `!` and type assertions."""
    while node.type in WRAPPERS and node.named_children:
        node = node.named_children[0]
    return node


def string_value(node: Node) -> Text:
    """A string or template literal's value: a `Template` when it has substitutions."""
    out: list[str] = []  # the current piece, joined once: a literal may have thousands of fragments
    pieces: list[str] = []
    for child in node.children:
        kind = child.type
        if kind == "string_fragment":
            out.append(text(child))
        elif kind == "escape_sequence":
            out.append(_ESCAPES.get(text(child), text(child)[1:]))
        elif kind == "template_substitution":
            pieces.append("".join(out))
            out = []
    pieces.append("".join(out))
    return text_of(pieces)


def quoted(node: Node) -> str:
    """A plain string literal's value (a module specifier, a key): it has no substitutions, and a
    template literal's are shown as `{…}`."""
    return shown(string_value(node))


# `\<newline>` continues a line inside a literal; the others stand for one character
_ESCAPES = {"\\\n": "", "\\\r\n": "", "\\n": "\n", "\\t": "\t", "\\r": "\r"}


def property_key(node: Node) -> str:
    """A property or import name as written (`dialect`, `"dialect"`, `0`); "" when it is computed."""
    if node.type in ("property_identifier", "identifier", "number"):
        return text(node)
    if node.type == "string":
        return quoted(node)
    return ""


def scope_of(node: Node) -> str:
    """The function `node` is in, as `CallFact.scope` names it ("" at module level)."""
    return scope(node, SCOPE_NODES)


def holder_of(node: Node) -> tuple[Node | None, str]:
    """The node that receives `node`'s value, past parentheses and `await`, and the variable name when
    that node declares one (`api` in `const api = Router()`)."""
    parent = node.parent
    while parent is not None and parent.type in WRAPPERS:
        parent = parent.parent
    if parent is not None and parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        return parent, text(name) if name is not None and name.type == "identifier" else ""
    return parent, ""


def assigned_name(call: Node) -> str:
    """The name a call's result is declared or assigned as (`api` in `const api = Router()`)."""
    parent, declared = holder_of(call)
    if parent is None or parent.type == "variable_declarator":
        return declared
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        return (target_name(left) or "") if left is not None else ""
    if parent.type == "export_statement" and any(child.type == "default" for child in parent.children):
        return "exports.default"  # `export default new Hono().route(…)`, as TypeScript compiles it
    return ""


def called_function(node: Node) -> str:
    """`build` in `build(…)`, when a function is called by its name."""
    function = node.child_by_field_name("function") if node.type == "call_expression" else None
    return text(function) if function is not None and function.type == "identifier" else ""


def is_default_export(node: Node) -> bool:
    """`export default <node>` / `module.exports = <node>`."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "export_statement":
        return any(child.type == "default" for child in parent.children)
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        return left is not None and text(left) in ("module.exports", "exports.default")
    return False


def returned_expressions(function: Node) -> list[Node]:
    """The expressions a function returns (an arrow function's body expression, or every `return x`
    outside nested functions), unwrapped."""
    body = function.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "statement_block":
        return [strip(body)]
    starts = occurrences(body, b"return")
    if starts is not None:
        # from each `return` written in the body up to it, not down through every node of the body (a
        # function's returns are asked for while names are traced: walking its whole body cost more)
        out = []
        for start in starts:
            statement = _return_statement(body, start)
            returned = [c for c in statement.named_children if c.type != "comment"] if statement else []
            if returned:
                out.append(strip(returned[0]))
        return out
    out = []
    stack = list(reversed(body.named_children))
    while stack:
        node = stack.pop()
        if node.type in FUNCTION_NODES or node.type in ("class_declaration", "class"):
            continue
        if node.type == "return_statement":
            returned = [c for c in node.named_children if c.type != "comment"]
            if returned:
                out.append(strip(returned[0]))
            continue
        stack.extend(reversed(node.named_children))
    return out


_RETURN_BARRIERS = FUNCTION_NODES | {"class_declaration", "class", "return_statement"}


def _return_statement(body: Node, start: int) -> Node | None:
    """The `return` statement whose keyword starts at byte `start` in `body`, when it returns from the
    function of `body` (no nested function, class or other `return` between); else None (the word in a
    name, a string or a comment, or a nested function's return)."""
    keyword = body.descendant_for_byte_range(start, start + len(b"return"))
    statement = keyword.parent if keyword is not None and keyword.type == "return" else None
    if statement is None or statement.type != "return_statement":
        return None
    parent = statement.parent
    while parent is not None and parent != body:
        if parent.type in _RETURN_BARRIERS:
            return None
        parent = parent.parent
    return statement if parent is not None else None


def is_here(node: Node) -> bool:
    """The file's own folder: `__dirname`, `import.meta.dirname`, `dirname(fileURLToPath(import.meta.url))`,
    `path.dirname(__filename)`."""
    if node.type == "identifier":
        return text(node) == "__dirname"
    if node.type == "member_expression":
        return text(node) == "import.meta.dirname"
    if node.type != "call_expression":
        return False
    function = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if (
        function is None
        or arguments is None
        or not text(function).endswith("dirname")
        or not arguments.named_children
    ):
        return False
    inner = strip(arguments.named_children[0])
    if inner.type == "call_expression":  # fileURLToPath(import.meta.url)
        inner_arguments = inner.child_by_field_name("arguments")
        if inner_arguments is None or not inner_arguments.named_children:
            return False
        inner = strip(inner_arguments.named_children[0])
    return text(inner) in ("__filename", "import.meta.url", "import.meta.filename")


def is_cwd(node: Node) -> bool:
    """`process.cwd()`: a path relative to the working directory."""
    function = node.child_by_field_name("function") if node.type == "call_expression" else None
    return function is not None and text(function) == "process.cwd"


def is_exported(function: Node, exported_names: set[str]) -> bool:
    """`module.exports = <function>` or `export default <function>`, also by the function's name or the
    name it is bound to (`const users = async (server) => { … }; export default users`, `fp(plugin)`)."""
    if function.parent is None:
        return False
    if is_default_export(function):
        return True
    name = function.child_by_field_name("name")
    if name is not None and text(name) in exported_names:
        return True
    return function.type != "function_declaration" and bound_name(function) in exported_names - {""}


def bound_name(function: Node) -> str:
    """The name an anonymous function is bound to: `const query = (…) => …`, `exports.query = function
    (…)`, `{ query: (…) => … }`; `default` for `module.exports = …` / `export default …`; "" otherwise."""
    if function.type == "method_definition":
        return ""
    parent, declared = holder_of(function)
    if parent is None or parent.type == "variable_declarator":
        return declared
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        target = target_name(left) if left is not None else None
        if target in ("module.exports", "exports.default"):
            return "default"
        return target.rsplit(".", 1)[-1] if target else ""
    if parent.type == "pair":
        key = parent.child_by_field_name("key")
        return property_key(key) if key is not None else ""
    if parent.type == "export_statement" and any(child.type == "default" for child in parent.children):
        return "default"
    return ""


def describe_function(function: Node) -> tuple[FunctionFact, bool] | None:
    """A named function's fact (an arrow function or function expression is named by the variable,
    property or export it is bound to), and whether its bare name calls it in the file."""
    own = function.child_by_field_name("name")
    name = bound_name(function) or (text(own) if own is not None else "")
    parameters = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if not name or parameters is None:
        return None
    if parameters.type == "identifier":  # `sql => …`
        params: tuple[str, ...] = (text(parameters),)
    else:
        params = tuple(parameter_name(p) for p in parameters.named_children if p.type != "comment")
    owner = method_owner(function)
    bare = not owner and (function.type == "function_declaration" or is_declared(function))
    return FunctionFact(scope_key(function), name, params, owner), bare


def local_callee_of(function: Node) -> str:
    """`query` / `this.query` as a call of the file's own function or method may be written; ""."""
    if function.type == "identifier":
        return text(function)
    obj = function.child_by_field_name("object")
    prop = function.child_by_field_name("property")
    if obj is not None and prop is not None and obj.type == "this":
        return f"this.{text(prop)}"
    return ""


def is_declared(function: Node) -> bool:
    """`const query = (…) => …`: a function bound to a variable of its own."""
    parent = function.parent
    while parent is not None and parent.type in WRAPPERS:
        parent = parent.parent
    return parent is not None and parent.type == "variable_declarator"


def parameter_name(node: Node) -> str:
    """A parameter's name (TS `required_parameter` / `optional_parameter` too); `*` for `...rest`, "" for
    a destructuring pattern."""
    if node.type == "identifier":
        return text(node)
    if node.type in ("required_parameter", "optional_parameter"):
        pattern = node.child_by_field_name("pattern")
        if pattern is not None and pattern.type == "rest_pattern":
            return "*"
        return text(pattern) if pattern is not None and pattern.type == "identifier" else ""
    if node.type == "assignment_pattern":
        left = node.child_by_field_name("left")
        return text(left) if left is not None and left.type == "identifier" else ""
    if node.type == "rest_pattern":
        return "*"
    return ""


def method_owner(function: Node) -> str:
    """The class a method belongs to ("" for a function or an object literal's method)."""
    if function.type != "method_definition" or function.parent is None:
        return ""
    body = function.parent
    if body.type != "class_body" or body.parent is None:
        return ""
    name = body.parent.child_by_field_name("name")
    return text(name) if name is not None else "class"


# what holds the `this` of the code inside: a method, a function of its own, or a class (a field initialiser)
_THIS_SCOPES = frozenset(
    {
        "method_definition",
        "function_expression",
        "function_declaration",
        "generator_function",
        "generator_function_declaration",
        "class_declaration",
        "abstract_class_declaration",
        "class",
    }
)


def this_scope(node: Node) -> Node | None:
    """The method, function or class whose `this` is `this` at `node` (an arrow function keeps the `this`
    around it); None at module level."""
    scope_node = node.parent
    while scope_node is not None and scope_node.type not in _THIS_SCOPES:
        scope_node = scope_node.parent
    return scope_node


def this_class(node: Node) -> Node | None:
    """The class an instance of which `this` is at `node`: in a method of its body that is not static, or in
    the initialiser of a field; None elsewhere (a function's own `this`, an object literal's method)."""
    scope_node = this_scope(node)
    if scope_node is None or scope_node.type in ("class_declaration", "abstract_class_declaration", "class"):
        return scope_node
    holder = scope_node.parent
    if scope_node.type != "method_definition" or holder is None or holder.type != "class_body":
        return None
    return None if any(child.type == "static" for child in scope_node.children) else holder.parent


def parameter_at(function: Node, index: int) -> str:
    """The name of a function's parameter at `index` ("" when it has none there, or a pattern)."""
    parameters = function.child_by_field_name("parameters")
    found = [p for p in parameters.named_children if p.type != "comment"] if parameters is not None else []
    return parameter_name(found[index]) if index < len(found) else ""


def parameter_owner(node: Node, name: str) -> tuple[Node, int] | None:
    """The innermost function enclosing `node` that has a parameter `name`, and its position."""
    parent = node.parent
    while parent is not None:
        if parent.type in SCOPE_NODES:
            parameters = parent.child_by_field_name("parameters") or parent.child_by_field_name("parameter")
            if parameters is not None and parameters.type == "identifier":  # `router => …`
                if text(parameters) == name:
                    return parent, 0
            elif parameters is not None:
                named = [p for p in parameters.named_children if p.type != "comment"]
                for index, parameter in enumerate(named):
                    if parameter_name(parameter) == name:
                        return parent, index
        parent = parent.parent
    return None


def no_parameter(qualified: str | None) -> str | None:
    """Values do not carry parameters bound as routers (`req.body` where `req.get(…)` is called)."""
    return None if qualified is not None and qualified.startswith(PARAM_PLACEHOLDER) else qualified


def first_parameter(function: Node) -> tuple[str, str]:
    """Name and type annotation (TS) of a function's first parameter."""
    parameters = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if parameters is None:
        return "", ""
    if parameters.type == "identifier":  # `fastify => …`
        return text(parameters), ""
    first = parameters.named_children[0] if parameters.named_children else None
    if first is None:
        return "", ""
    if first.type == "identifier":
        return text(first), ""
    pattern = first.child_by_field_name("pattern")
    annotation = first.child_by_field_name("type")
    if pattern is not None and pattern.type == "identifier":
        return text(pattern), text(annotation) if annotation is not None else ""
    return "", ""


def target_name(node: Node) -> str | None:
    """`x`, `this.pool`, `config["url"]` → `config.url`; None for patterns and computed keys."""
    node = strip(node)
    if node.type in ("identifier", "this"):
        return text(node)
    if node.type == "member_expression":
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        base = target_name(obj) if obj is not None else None
        return f"{base}.{text(prop)}" if base and prop is not None else None
    if node.type == "subscript_expression":
        obj = node.child_by_field_name("object")
        index = node.child_by_field_name("index")
        base = target_name(obj) if obj is not None else None
        if base and index is not None and index.type == "string":
            return f"{base}.{quoted(index)}"
    return None


def instance_fields(class_node: Node) -> Iterator[tuple[Node, Node]]:
    """(name, initialiser) of each instance field a class declares with a value (`private pool = new Pool()`,
    `dbPath = process.env.DB_PATH || "db.sqlite"`); static fields are not the instance's."""
    body = class_node.child_by_field_name("body")
    for field in body.named_children if body is not None else ():
        if field.type not in ("field_definition", "public_field_definition"):
            continue
        name = field.child_by_field_name("property") or field.child_by_field_name("name")
        value = field.child_by_field_name("value")
        if (
            name is not None
            and value is not None
            and not any(child.type == "static" for child in field.children)
        ):
            yield name, value


_LEAVING = re.compile(r"\b(?:return|break|continue)\b")


def swallowed(node: Node) -> bool:
    """Whether a `try` in `node`'s function may handle what it throws: one holding it in its block whose
    `catch` does not always stop (`catch (error) { console.error(error); process.exit(1) }` and a `catch`
    throwing again let the failure through: a statement of its own, with no `return` before it), or one
    holding it in its `catch` (run only where the block failed)."""
    child, parent = node, node.parent
    while parent is not None and parent.type not in SCOPE_NODES:
        if parent.type == "try_statement":
            if child == parent.child_by_field_name("handler"):
                return True
            handler = parent.child_by_field_name("handler")
            if child == parent.child_by_field_name("body") and handler is not None and not _stops(handler):
                return True
        child, parent = parent, parent.parent
    return False


def _stops(handler: Node) -> bool:
    """Whether a `catch` clause always throws or exits: a statement of its body does, before any `return`."""
    body = handler.child_by_field_name("body")
    for statement in body.named_children if body is not None else ():
        if statement.type == "throw_statement":
            return True
        called = statement.named_children[0] if statement.type == "expression_statement" else None
        if called is not None and called.type == "call_expression":
            function = called.child_by_field_name("function")
            if function is not None and text(function) == "process.exit":
                return True
        if _LEAVING.search(text(statement)):
            return False
    return False
