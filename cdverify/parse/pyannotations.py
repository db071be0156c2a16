"""Python type annotations and class members, read by the Python scanner (pycode.py).

A parameter or attribute annotated with a catalogued data-client type (rules/parse.toml
`[python.annotated]`: `session: AsyncSession`, `conn: sqlite3.Connection`) stands for that client, as if it
had been made there, so that `self._session.execute(…)` is a traced call. Classes yield their members
(`FileFacts.members`): the annotated fields of classes with traced bases (pydantic settings: name, type,
whether it has a default) and the methods rules/parse.toml `recorded_methods` lists (`execute`, `__call__`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from tree_sitter import Node

from cdverify.model import Member
from cdverify.parse.treesitter import one_line, text

Qualify = Callable[[Node], "str | None"]
_WRAPPERS = ("Optional", "Union", "Annotated")  # annotations naming the type(s) inside them


def annotated_types(node: Node) -> list[Node]:
    """The types an annotation names: `T`, `Optional[T]`, `T | None`, `Annotated[T, …]`, `"T"`."""
    while node.type == "type" and node.named_children:
        node = node.named_children[0]
    if node.type == "binary_operator":
        sides = (node.child_by_field_name("left"), node.child_by_field_name("right"))
        return [t for side in sides if side is not None for t in annotated_types(side)]
    if node.type in ("generic_type", "subscript") and node.named_children:
        head = text(node.named_children[0]).rpartition(".")[2]
        if head not in _WRAPPERS:
            return [node.named_children[0]]
        inner = node.named_children[1] if len(node.named_children) > 1 else None
        types = inner.named_children if inner is not None and inner.type == "type_parameter" else []
        if inner is not None and inner.type != "type_parameter":
            types = node.named_children[1:]
        if head == "Annotated":
            types = types[:1]
        return [t for child in types for t in annotated_types(child)]
    return [node] if node.type in ("identifier", "attribute", "string") else []


def annotated_value(
    annotation: Node | None, qualify: Qualify, bindings: Mapping[str, str], table: Mapping[str, str]
) -> str | None:
    """The value a name annotated so stands for (`table`: `[python.annotated]`), or None."""
    if annotation is None or not table:
        return None
    for candidate in annotated_types(annotation):
        if candidate.type == "string":  # `"AsyncSession"`: the name written in it
            head, _, rest = text(candidate).strip("\"'").partition(".")
            bound = bindings.get(head)
            traced = f"{bound}.{rest}" if bound and rest else bound
        else:
            traced = qualify(candidate)
        if traced is not None and traced in table:
            return table[traced]
    return None


def class_body(node: Node) -> bool:
    """The statement holding `node` is directly in a class body."""
    statement = node.parent
    block = statement.parent if statement is not None else None
    return (
        block is not None
        and block.type == "block"
        and getattr(block.parent, "type", "") == "class_definition"
    )


def class_members(
    classes: Iterable[Node], based: set[str], recorded: frozenset[str], qualify: Qualify
) -> tuple[Member, ...]:
    """Annotated fields of the classes named in `based` (those with traced bases), and the `recorded`
    methods of any class."""
    out: list[Member] = []
    for node in classes:
        name_node, body = node.child_by_field_name("name"), node.child_by_field_name("body")
        if name_node is None or body is None:
            continue
        owner = text(name_node)
        for statement in body.named_children:
            inner = statement
            if statement.type == "expression_statement" and statement.named_children:
                inner = statement.named_children[0]
            elif statement.type == "decorated_definition":
                inner = statement.child_by_field_name("definition") or statement
            if inner.type == "function_definition":
                method = inner.child_by_field_name("name")
                if method is not None and text(method) in recorded:
                    out.append(Member(owner, text(method), inner.start_point[0] + 1, method=True))
            elif owner in based and inner.type == "assignment":
                field = _field(owner, inner, qualify)
                if field is not None:
                    out.append(field)
    return tuple(out)


def _field(owner: str, node: Node, qualify: Qualify) -> Member | None:
    """`name: T` / `name: T = default` in a class body; a pydantic `Field(...)` has no default."""
    left, annotation = node.child_by_field_name("left"), node.child_by_field_name("type")
    if left is None or left.type != "identifier" or annotation is None:
        return None
    right = node.child_by_field_name("right")
    default = right is not None and not _required(right, qualify)
    traced = next((q for t in annotated_types(annotation) if t.type != "string" and (q := qualify(t))), None)
    return Member(owner, text(left), node.start_point[0] + 1, traced or one_line(annotation, 80), default)


def _required(default: Node, qualify: Qualify) -> bool:
    """`...`, or `Field(...)` / `Field(alias=…)` (no default, no default_factory): the field is required."""
    while default.type == "parenthesized_expression" and default.named_children:
        default = default.named_children[0]
    if default.type == "ellipsis":
        return True
    function = default.child_by_field_name("function") if default.type == "call" else None
    callee = qualify(function) if function is not None else None
    if callee is None or callee.rpartition(".")[2] != "Field":
        return False
    arguments = default.child_by_field_name("arguments")
    for child in arguments.named_children if arguments is not None else ():
        if child.type == "keyword_argument":
            key, value = child.child_by_field_name("name"), child.child_by_field_name("value")
            if key is not None and text(key) in ("default", "default_factory"):
                return value is not None and value.type == "ellipsis"
        elif child.type != "comment":
            return child.type == "ellipsis"  # the first positional argument is the default
    return True
