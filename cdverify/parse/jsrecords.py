"""The collections a JavaScript / TypeScript module keeps records in (`FileFacts.collections`), for the
in-memory store (detect/layers/memory_stores.py): a class's instance field made as an array or a `Map`
(`private users: User[] = []`, `this.notes = new Map()` in its constructor) or a module-level variable made so
(`let todos: Todo[] = []`), with the methods the code in functions calls on it (`this.users.push(user)`,
`todos.find(…)`) and `=` where a function assigns it anew (`this.routes = this.routes.map(…)`, `todos = []`).
What is called on it says whether records are added and looked up there; the detector decides."""

from __future__ import annotations

from tree_sitter import Node

from cdverify.parse.jssyntax import instance_fields, scope_of, strip
from cdverify.parse.treesitter import text

_CLASSES = ("class_declaration", "class", "abstract_class_declaration")
_MADE = frozenset({"Map"})  # `new Map()`; an array literal is the other collection
_ASSIGNED = "="


def _collection(value: Node | None) -> bool:
    """`[]` / `[{…}, …]` or `new Map()`."""
    if value is None:
        return False
    value = strip(value)
    if value.type == "array":
        return True
    constructor = value.child_by_field_name("constructor") if value.type == "new_expression" else None
    return constructor is not None and constructor.type == "identifier" and text(constructor) in _MADE


def _class_of(node: Node) -> str:
    """The name of the class `node` is written in ("" outside one)."""
    parent = node.parent
    while parent is not None:
        if parent.type in _CLASSES:
            name = parent.child_by_field_name("name")
            return text(name) if name is not None else ""
        parent = parent.parent
    return ""


def _held(node: Node) -> tuple[str, str] | None:
    """(class, field) for `this.field` in a class, ("", name) for a bare name; None otherwise."""
    node = strip(node)
    if node.type == "identifier":
        return "", text(node)
    if node.type != "member_expression":
        return None
    owner, field = node.child_by_field_name("object"), node.child_by_field_name("property")
    if owner is None or field is None or owner.type != "this":
        return None
    holder = _class_of(node)
    return (holder, text(field)) if holder else None


def _in_constructor(node: Node) -> bool:
    scope = scope_of(node)
    return scope.startswith("constructor@")


def collections(found: dict[str, list[Node]]) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(class or "" for module level, name, sorted methods called on it in functions, with `=`) of each
    collection the module keeps."""
    made: dict[tuple[str, str], set[str]] = {}
    for node in found.get("class", []):
        name = node.child_by_field_name("name")
        if name is None:
            continue
        for field, value in instance_fields(node):
            if _collection(value):
                made[(text(name), text(field))] = set()
    for node in found.get("declarator", []):
        name = node.child_by_field_name("name")
        declaration = node.parent
        above = declaration.parent if declaration is not None else None
        if above is not None and above.type == "export_statement":
            above = above.parent
        if (
            name is not None
            and name.type == "identifier"
            and above is not None
            and above.type == "program"
            and _collection(node.child_by_field_name("value"))
        ):
            made[("", text(name))] = set()
    assignments = found.get("assignment", [])
    for node in assignments:  # `this.notes = new Map()` in the constructor
        left = node.child_by_field_name("left")
        held = _held(left) if left is not None else None
        if (
            held is not None
            and held[0]
            and _in_constructor(node)
            and _collection(node.child_by_field_name("right"))
        ):
            made.setdefault(held, set())
    if not made:
        return ()
    for node in assignments:
        left = node.child_by_field_name("left")
        held = _held(left) if left is not None else None
        if held is not None and held in made and scope_of(node) and not _in_constructor(node):
            made[held].add(_ASSIGNED)
    for call in found.get("call", []):
        function = call.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            continue
        owner, method = function.child_by_field_name("object"), function.child_by_field_name("property")
        held = _held(owner) if owner is not None else None
        if held is not None and held in made and method is not None and scope_of(call):
            made[held].add(text(method))
    return tuple(sorted((holder, name, tuple(sorted(methods))) for (holder, name), methods in made.items()))
