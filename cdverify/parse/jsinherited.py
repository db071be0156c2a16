"""Routers a JavaScript class inherits from a project base class: a controller or component base creates
`this.router = Router()` in its constructor, and each subclass (in another module) registers its routes
on it (`this.router.get('/', list)`, `this.router.use('/', userRouter)`). The base's module exports the
field under `Base().router` (its traced value, `express.Router()`), and a subclass's route call on an
inherited field it does not set itself is named through its base (`../base/BaseController.BaseController
().router.get`), which detection resolves through that export like any other module's object."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from tree_sitter import Node

from cdverify.parse.jssyntax import strip
from cdverify.parse.treesitter import text

_STRINGS = ("string", "template_string")
_CLASSES = ("class_declaration", "class", "abstract_class_declaration")


def class_fields(
    assignments: Collection[Node], qualify: Callable[[Node], str | None]
) -> list[tuple[str, str]]:
    """(`Class().field`, traced value) of each `this.field = <traced>` in a named class's methods (an
    abstract class's too)."""
    out = []
    for assignment in assignments:
        left = assignment.child_by_field_name("left")
        right = assignment.child_by_field_name("right")
        field = _this_field(left) if left is not None else ""
        value = qualify(right) if field and right is not None else None
        owner = _owner(assignment) if value is not None else None
        name = owner.child_by_field_name("name") if owner is not None else None
        if value is not None and name is not None:
            out.append((f"{text(name)}().{field}", value))
    return out


def inherited_route(
    function: Node, bases: Mapping[tuple[int, int], str], router_methods: Collection[str]
) -> str | None:
    """`<base>().<field>.<method>` for `this.<field>.<method>('/path', …)` in a class with a traced base,
    where the method registers a route or mounts a router and the first argument is a path; else None."""
    if function.type != "member_expression":
        return None
    method = function.child_by_field_name("property")
    holder = function.child_by_field_name("object")
    if method is None or holder is None or text(method) not in router_methods:
        return None
    field = _this_field(strip(holder))
    call = function.parent
    arguments = call.child_by_field_name("arguments") if field and call is not None else None
    first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
    if first is None or first.type not in _STRINGS or not text(first)[1:].startswith("/"):
        return None
    owner = _owner(function)
    base = bases.get((owner.start_byte, owner.end_byte)) if owner is not None else None
    return f"{base}().{field}.{text(method)}" if base else None


def _this_field(node: Node) -> str:
    """`router` of `this.router`; ""."""
    if node.type != "member_expression":
        return ""
    obj = node.child_by_field_name("object")
    prop = node.child_by_field_name("property")
    if obj is None or prop is None or strip(obj).type != "this":
        return ""
    return text(prop)


def _owner(node: Node) -> Node | None:
    """The class whose methods or field initialisers hold `node` (an arrow function keeps its `this`; a
    function declaration or expression has its own)."""
    parent = node.parent
    while parent is not None:
        if parent.type in _CLASSES:
            return parent
        if parent.type in ("function_declaration", "function_expression", "function"):
            return None
        parent = parent.parent
    return None
