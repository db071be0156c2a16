"""Python import facts from a tree-sitter tree."""

from __future__ import annotations

from tree_sitter import Node

from cdverify.model import ImportFact, ImportKind, Language
from cdverify.parse.sharing import shared, shared_record, shared_tuple
from cdverify.parse.treesitter import inside, matches, one_line, text

_FUNCTION_NODES = frozenset({"function_definition", "lambda"})


def _type_checking_guarded(node: Node) -> bool:
    """True for code in the body of `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`), not its `else`."""
    child, parent = node, node.parent
    while parent is not None:
        if parent.type == "if_statement" and parent.child_by_field_name("consequence") == child:
            condition = parent.child_by_field_name("condition")
            name = text(condition).replace(" ", "") if condition is not None else ""
            if name == "TYPE_CHECKING" or name.endswith(".TYPE_CHECKING"):
                return True
        child, parent = parent, parent.parent
    return False


def _dotted(node: Node) -> str:
    """Name of a `dotted_name` or the `name` of an `aliased_import`."""
    if node.type == "aliased_import":
        name = node.child_by_field_name("name")
        return text(name) if name is not None else ""
    return text(node)


def _string_value(node: Node) -> str | None:
    """The literal value of a plain (non-f, non-concatenated) string node, else None."""
    parts = [c for c in node.children if c.type not in ("string_start", "string_end")]
    if any(c.type != "string_content" for c in parts):
        return None  # an f-string with interpolations, or escapes we do not rebuild
    start = node.children[0] if node.children else None
    if start is not None and "f" in text(start).lower():
        return None
    return "".join(text(c) for c in parts)


def python_imports(
    root: Node, max_depth: int | None = None, found: dict[str, list[Node]] | None = None
) -> tuple[ImportFact, ...]:
    """The file's imports; with `max_depth`, only those that start at most that deep. `found` are the
    file's `code` captures when the code facts have them already: the imports are then read from them
    (the `import` and `call` captures hold every node the `imports` query matches) instead of walking
    the tree again."""
    facts: list[ImportFact] = []
    if found is not None:
        statements: list[tuple[str, Node]] = [
            ("import" if node.type == "import_statement" else "from", node)
            for node in found.get("import", [])
        ]
        dynamic = [
            (node, first) for node in found.get("call", []) if (first := _dynamic_import(node)) is not None
        ]
    else:
        statements, dynamic = [], []
        for _, captures in matches(Language.PYTHON, "imports", root, max_depth):
            if "import" in captures:
                statements.append(("import", captures["import"][0]))
            elif "from" in captures:
                statements.append(("from", captures["from"][0]))
            elif "dynamic" in captures:
                dynamic.append((captures["dynamic"][0], captures["arg"][0]))
    for kind_of, node in statements:
        kind = ImportKind.TYPE_CHECKING if _type_checking_guarded(node) else ImportKind.STATIC
        if kind_of == "import":
            for name_node in node.children_by_field_name("name"):
                facts.append(_fact(node, _dotted(name_node), kind, ()))
            continue
        module = node.child_by_field_name("module_name")
        if module is None:
            continue
        names = tuple(_dotted(n) for n in node.children_by_field_name("name"))
        facts.append(_fact(node, text(module).replace(" ", ""), kind, names))
    for node, argument in dynamic:
        value = _string_value(argument)
        if value:
            facts.append(_fact(node, value, ImportKind.DYNAMIC, ()))
    facts.sort(key=lambda f: (f.line, f.col))
    return tuple(facts)


def _dynamic_import(call: Node) -> Node | None:
    """The string literal a dynamic import names (`importlib.import_module("x")`, `import_module("x")`,
    `__import__("x")`: its first argument), as the `dynamic` patterns of the `imports` query match it."""
    function = call.child_by_field_name("function")
    if function is None:
        return None
    if function.type == "identifier":
        if text(function) not in ("__import__", "import_module"):
            return None
    elif function.type == "attribute":
        attribute = function.child_by_field_name("attribute")
        if attribute is None or attribute.type != "identifier" or text(attribute) != "import_module":
            return None
    else:
        return None
    arguments = call.child_by_field_name("arguments")
    if arguments is None or arguments.type != "argument_list" or not arguments.named_children:
        return None
    first = arguments.named_children[0]
    return first if first.type == "string" else None


def _fact(node: Node, specifier: str, kind: ImportKind, names: tuple[str, ...]) -> ImportFact:
    row, column = node.start_point
    return shared_record(
        ImportFact(
            specifier=shared(specifier),
            kind=kind,
            line=row + 1,
            col=column + 1,
            text=one_line(node),
            names=shared_tuple(tuple(map(shared, names))),
            in_function=inside(node, _FUNCTION_NODES),
        )
    )
