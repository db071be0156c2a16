"""Python app installers: a function's un-annotated parameter that a web framework's app methods are called
on (`def init_routes(app): @app.route("/x")`, `def setup_routes(app): app.router.add_get(…)`) stands for
whatever app its callers hand it, bound within the function as PARAM_PLACEHOLDER and settled once every
file is read (cdverify/detect/framework/pyinstallers.py). A parameter annotated with an app class needs no
placeholder: rules/frameworks.toml `apps` are `[python.annotated]` types (cdverify/parse/libraries.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from tree_sitter import Node

from cdverify.model import PARAM_PLACEHOLDER, CallFact
from cdverify.parse.libraries import AppMethods, PythonLibraries
from cdverify.parse.treesitter import inside, scope_key, scopes, text

_FUNCTIONS = ("function_definition", "lambda", "class_definition")
_PLAIN = ("identifier", "default_parameter")  # un-annotated parameters
_SCOPES = ("function_definition", "lambda")  # as the Python scanner's scopes


def app_parameters(
    calls: Iterable[Node], methods: AppMethods, bound: Mapping[tuple[str, str], str]
) -> dict[tuple[str, str], str]:
    """(function scope, parameter) → its placeholder, for the un-annotated parameters of module-level
    functions that an app method is called on; `bound` holds the parameters already bound (annotated)."""
    out: dict[tuple[str, str], str] = {}
    for call in calls:
        name = _receiver(call, methods)
        if name is None:
            continue
        owner = _declaring(call, name)
        if owner is None:
            continue
        function, index = owner
        key = scope_key(function)
        if (key, name) in bound or (key, name) in out:
            continue
        label = function.child_by_field_name("name")
        out[(key, name)] = f"{PARAM_PLACEHOLDER}{key}#{index}#{text(label) if label is not None else ''}>()"
    return out


class Bound(Protocol):
    """What a scan knows of a file's names: local bindings, and the parameters standing for an app."""

    local: dict[tuple[str, str], str]
    app_params: set[tuple[str, str]]
    libraries: PythonLibraries


def on_app(function: Node, qualified: str, scan: Bound) -> bool:
    """A call is kept unless it is made on a parameter standing for an app handed in with a method that
    is no route, route table or mount (`app.config.from_object(…)`; error handlers and hooks installed by
    an app-factory helper are wiring, a step of the composition root, not a routes module's)."""
    node: Node | None = function
    while node is not None and node.type == "attribute":
        node = node.child_by_field_name("object")
    if node is None or node.type != "identifier":
        return True
    name = text(node)
    for key in scopes(node, _SCOPES):
        bound = scan.local.get((key, name))
        if bound is not None:
            return (key, name) not in scan.app_params or _app_call(
                qualified[len(bound) :], scan.libraries.app_methods
            )
    return True


def _app_call(rest: str, methods: AppMethods) -> bool:
    """What follows the app (`.router.add_get`, `.add_url_rule`) is one of its route methods or mounts."""
    parts = rest.lstrip(".").split(".")
    if len(parts) == 2 and parts[0] in methods.tables:
        return parts[1] in methods.names
    return len(parts) == 1 and parts[0] in methods.names


def handed_here(
    calls: list[CallFact],
    pending: Iterable[tuple[Node, Node]],
    qualify: Callable[[Node], str | None],
    apps: frozenset[str],
) -> list[CallFact]:
    """`calls` with the app parameters of the file's functions that the file itself hands an app
    (`init_routes(app)` after `app = Flask(__name__)`) read as calls on that app (`flask.Flask().route`);
    `pending` are the (call, callee) nodes of calls that may be of the file's own functions, `apps` the
    values app constructors make. Callers in other files are linked at detection."""
    placeholders = {c.callee.partition(">")[0] + ">" for c in calls if c.callee.startswith(PARAM_PLACEHOLDER)}
    if not placeholders:
        return calls
    by_name: dict[str, list[tuple[str, int]]] = {}  # function name → (placeholder, position)
    for placeholder in placeholders:
        _scope, position, label = placeholder[len(PARAM_PLACEHOLDER) : -1].split("#", 2)
        by_name.setdefault(label, []).append((placeholder, int(position)))
    given: dict[str, set[str | None]] = {}
    for node, function in pending:
        if function.type != "identifier" or text(function) not in by_name:
            continue
        arguments = node.child_by_field_name("arguments")
        args = [a for a in (arguments.named_children if arguments is not None else ()) if a.type != "comment"]
        for placeholder, index in by_name[text(function)]:
            value = qualify(args[index]) if index < len(args) and args[index].type == "identifier" else None
            given.setdefault(placeholder, set()).add(value if value in apps else None)
    settled = {p: next(iter(v)) for p, v in given.items() if len(v) == 1 and None not in v}
    out = []
    for fact in calls:
        placeholder, _, rest = fact.callee.partition(">()")
        app = settled.get(placeholder + ">") if fact.callee.startswith(PARAM_PLACEHOLDER) else None
        out.append(fact._replace(callee=f"{app}{rest}") if app is not None else fact)
    return out


def _receiver(call: Node, methods: AppMethods) -> str | None:
    """The name an app method is called on: `app` of `app.add_url_rule(…)` / `app.router.add_get(…)`;
    a method that may be a mapping's (`get`) only with a route path (`app.get("/users")`)."""
    function = call.child_by_field_name("function")
    if function is None or function.type != "attribute":
        return None
    obj, attr = function.child_by_field_name("object"), function.child_by_field_name("attribute")
    if obj is None or attr is None or text(attr) not in methods.names:
        return None
    if obj.type == "attribute":  # `app.router.add_get`
        inner, table = obj.child_by_field_name("object"), obj.child_by_field_name("attribute")
        if inner is None or table is None or text(table) not in methods.tables:
            return None
        obj = inner
    if obj.type != "identifier" or text(obj) in ("self", "cls"):
        return None
    if text(attr) in methods.pathed and not _path_first(call):
        return None
    return text(obj)


def _path_first(call: Node) -> bool:
    """A route path among the first two arguments (`add_route(["GET"], "/x", …)` writes it second)."""
    arguments = call.child_by_field_name("arguments")
    given = arguments.named_children[:2] if arguments is not None else []
    return any(a.type == "string" and text(a).lstrip("rbuRBU").strip("\"'")[:1] == "/" for a in given)


def _declaring(node: Node, name: str) -> tuple[Node, int] | None:
    """The module-level function around `node` whose un-annotated parameter `name` is, and its position;
    None when a nearer function, lambda or class binds or shadows it, or for a method."""
    parent = node.parent
    while parent is not None and parent.type not in _FUNCTIONS:
        parent = parent.parent
    if parent is None or parent.type != "function_definition":
        return None
    parameters = parent.child_by_field_name("parameters")
    declared = [
        child
        for child in (parameters.named_children if parameters is not None else ())
        if child.type not in ("comment", "positional_separator")
    ]
    names = [parameter_name(child) for child in declared]
    if name not in names:
        return _declaring(parent, name) if parent.parent is not None else None
    if inside(parent, _FUNCTIONS):  # a method, or a function in another
        return None
    index = names.index(name)
    return (parent, index) if declared[index].type in _PLAIN else None


def parameter_name(node: Node) -> str:
    """A parameter's name; `*` for `*args` and the bare `*` (what follows is keyword-only), "" otherwise."""
    if node.type == "identifier":
        return text(node)
    if node.type in ("default_parameter", "typed_default_parameter"):
        name = node.child_by_field_name("name")
        return text(name) if name is not None and name.type == "identifier" else ""
    if node.type == "typed_parameter":
        first = node.named_children[0] if node.named_children else None
        return text(first) if first is not None and first.type == "identifier" else ""
    if node.type in ("list_splat_pattern", "keyword_separator"):
        return "*"
    return ""
