"""What a function's defaulted parameter holds: `def make_engine(url: str = DEFAULT_URL): create_engine(url)`
(`function connect(url = DEFAULT_URL) { new Sequelize(url) }`) reads DEFAULT_URL when a call passes no
argument for it (`engine = make_engine()`), and the argument a call passes otherwise
(`make_engine(os.environ["DATABASE_URL"])`). Each is recorded as an assignment to the parameter in the
function's scope, as a local `url = …` is, so that a value read through the parameter is followed to them
(cdverify/detect/database/values.py). A function is judged by its calls by bare name in its own file; one
the file never calls (another module's call of it is not read) holds its default. Both grammars: Python's
keyword arguments, `*` and `*args` (what follows is passed by keyword), and splats; JavaScript's rest
parameter and spread arguments."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from tree_sitter import Node

from cdverify.model import Assignment, Value
from cdverify.parse.jsbindings import defaulted_parameter
from cdverify.parse.sharing import shared, shared_value
from cdverify.parse.treesitter import one_line, scope_key, text
from cdverify.parse.values import interesting


class Grammar(NamedTuple):
    """How a grammar writes parameters and arguments."""

    defaulted: Callable[[Node], tuple[Node | None, Node | None]]  # a parameter's name and default
    positional_end: frozenset[str]  # parameters after which arguments are passed by keyword only
    skipped: frozenset[str]  # parameter and argument nodes that are neither
    keyword: str  # a keyword argument (`url=…`), "" for none
    splats: frozenset[str]  # arguments that may pass any parameter, with a value not known


def _python_defaulted(parameter: Node) -> tuple[Node | None, Node | None]:
    if parameter.type not in ("default_parameter", "typed_default_parameter"):
        return None, None
    return parameter.child_by_field_name("name"), parameter.child_by_field_name("value")


PYTHON = Grammar(
    _python_defaulted,
    frozenset({"keyword_separator", "list_splat_pattern", "dictionary_splat_pattern"}),
    frozenset({"comment", "positional_separator"}),
    "keyword_argument",
    frozenset({"list_splat", "dictionary_splat"}),
)

NODE = Grammar(
    defaulted_parameter,
    frozenset({"rest_pattern"}),
    frozenset({"comment"}),
    "",
    frozenset({"spread_element"}),
)


def python_functions(nodes: Iterable[Node]) -> dict[str, Node]:
    """A Python file's functions by name, a class's methods left out (they are not called by bare name)."""
    out: dict[str, Node] = {}
    for function in nodes:
        name = function.child_by_field_name("name")
        parent = function.parent
        if parent is not None and parent.type == "decorated_definition":
            parent = parent.parent
        owner = parent.parent if parent is not None and parent.type == "block" else None
        if name is not None and (owner is None or owner.type != "class_definition"):
            out.setdefault(text(name), function)
    return out


class _Parameter(NamedTuple):
    name: str
    position: int | None  # None when passed by keyword only
    default: Node


def parameter_values(
    functions: Mapping[str, Node], calls: Iterable[Node], value: Callable[[Node], Value], grammar: Grammar
) -> list[Assignment]:
    """The values the defaulted parameters with interesting names (`url`, `databaseUrl`) of the file's
    `functions` (by the name a bare call uses) may hold, as assignments in the function's scope: the
    default when a call of the function by its bare name passes none for it, or when the file never calls
    it; each argument a call passes."""
    defaulted = {
        name: (node, params) for name, node in functions.items() if (params := _defaulted(node, grammar))
    }
    if not defaulted:
        return []
    by_name: dict[str, list[Node]] = {}
    for call in calls:
        callee = call.child_by_field_name("function")
        if callee is not None and callee.type == "identifier" and text(callee) in defaulted:
            by_name.setdefault(text(callee), []).append(call)
    out: list[Assignment] = []
    for name, (function, parameters) in defaulted.items():
        where = scope_key(function)
        made = by_name.get(name, [])
        for parameter in parameters:
            passed = [_passed(call, parameter, grammar) for call in made]
            if not made or any(argument is None for argument in passed):
                out += _assignment(parameter.name, value(parameter.default), parameter.default, where)
            for call, argument in zip(made, passed, strict=True):
                if argument is not None and argument.type not in grammar.splats:
                    out += _assignment(parameter.name, value(argument), call, where)
    return out


def _defaulted(function: Node, grammar: Grammar) -> list[_Parameter]:
    """The function's defaulted parameters with interesting names, with their positions."""
    parameters = function.child_by_field_name("parameters")
    out: list[_Parameter] = []
    index: int | None = 0
    for child in parameters.named_children if parameters is not None else ():
        if child.type in grammar.skipped:
            continue
        if child.type in grammar.positional_end:
            index = None
            continue
        name, default = grammar.defaulted(child)
        if name is not None and default is not None and name.type == "identifier" and interesting(text(name)):
            out.append(_Parameter(text(name), index, default))
        if index is not None:
            index += 1
    return out


def _passed(call: Node, parameter: _Parameter, grammar: Grammar) -> Node | None:
    """The argument `call` passes for the parameter (a splat that may hold it), None when it passes none."""
    arguments = call.child_by_field_name("arguments")
    if arguments is None or arguments.type not in ("argument_list", "arguments"):
        return None
    position = 0
    for argument in arguments.named_children:
        if grammar.keyword and argument.type == grammar.keyword:
            key = argument.child_by_field_name("name")
            if key is not None and text(key) == parameter.name:
                return argument.child_by_field_name("value")
        elif argument.type in grammar.splats:
            return argument  # `make(*args)`, `make(...options)`: it may pass it
        elif argument.type not in grammar.skipped:
            if position == parameter.position:
                return argument
            position += 1
    return None


def _assignment(target: str, value: Value, where: Node, scope: str) -> list[Assignment]:
    """The parameter `target` assigned `value`, shown at `where` (the default, or the call passing it)."""
    if value.empty:
        return []
    shown = one_line(where)
    row, column = where.start_point
    return [
        Assignment(
            shared(target),
            shared_value(value._replace(text=shown)),
            row + 1,
            column + 1,
            shown,
            shared(scope),
        )
    ]
