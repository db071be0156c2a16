"""tree-sitter plumbing: one parser and one compiled query per language, built on first use."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from functools import cache

from tree_sitter import Language as TSLanguage
from tree_sitter import Node, Parser, Query, QueryCursor

from cdverify.catalog import load_query
from cdverify.model import Language, SyntaxIssue

# The query folder for each language; TSX uses the TypeScript queries (same node types).
_QUERY_FOLDER = {
    Language.PYTHON: "python",
    Language.JAVASCRIPT: "javascript",
    Language.TYPESCRIPT: "typescript",
    Language.TSX: "typescript",
}


@cache
def ts_language(language: Language) -> TSLanguage:
    if language is Language.PYTHON:
        import tree_sitter_python

        return TSLanguage(tree_sitter_python.language())
    if language is Language.JAVASCRIPT:
        import tree_sitter_javascript

        return TSLanguage(tree_sitter_javascript.language())
    import tree_sitter_typescript

    if language is Language.TSX:
        return TSLanguage(tree_sitter_typescript.language_tsx())
    return TSLanguage(tree_sitter_typescript.language_typescript())


@cache
def parser(language: Language) -> Parser:
    return Parser(ts_language(language))


@cache
def query(language: Language, name: str) -> Query:
    """The compiled query `name` of a language; TypeScript and TSX fall back to the JavaScript query
    when they have none of their own (the node types are shared)."""
    folder = _QUERY_FOLDER[language]
    try:
        source = load_query(folder, name)
    except FileNotFoundError:
        if language is Language.PYTHON:
            raise
        source = load_query("javascript", name)
    return Query(ts_language(language), source)


def matches(
    language: Language, name: str, root: Node, max_start_depth: int | None = None
) -> list[tuple[int, dict[str, list[Node]]]]:
    """Matches of the query `name`; with `max_start_depth`, only those that start at most that deep
    (the cursor then does not descend further, so a hostile deep tree costs nothing below it)."""
    cursor = QueryCursor(query(language, name))
    if max_start_depth is not None:
        cursor.set_max_start_depth(max_start_depth)
    return cursor.matches(root)


def captures(language: Language, name: str, root: Node) -> dict[str, list[Node]]:
    """Every node captured by the query `name`, by capture name, in document order (the binding's own
    order is not guaranteed to be, and name tracing needs declarations before their uses)."""
    found = QueryCursor(query(language, name)).captures(root)
    return {key: sorted(nodes, key=lambda node: node.start_byte) for key, nodes in found.items()}


def deeper_than(root: Node, bound: int) -> Node | None:
    """The first node (in document order) nested more than `bound` levels below `root`, or None.

    Iterative, and it skips every subtree with too few nodes to reach the bound (a node count is
    stored in the tree), so on ordinary code it visits only the few large containers. Analysing a
    deeper tree would cost recursion and, since tree-sitter finds a node's parent by walking down
    from the root, time quadratic in its depth."""
    cursor = root.walk()
    depth = 0
    while (node := cursor.node) is not None:
        if depth > bound:
            return node
        if depth + node.descendant_count > bound and cursor.goto_first_child():
            depth += 1
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return None
            depth -= 1
    return None


def scopes(node: Node, function_types: tuple[str, ...]) -> list[str]:
    """The functions enclosing `node` as `name@line`, innermost first ("" names become `function`)."""
    out = []
    parent = node.parent
    while parent is not None:
        if parent.type in function_types:
            out.append(f"{function_name(parent)}@{parent.start_point[0] + 1}")
        parent = parent.parent
    return out


def function_name(function: Node) -> str:
    """A function's name; an arrow function or function expression is named by the variable it
    initialises (`const initDb = async () => …`); otherwise `function`."""
    name = function.child_by_field_name("name")
    if name is None and function.parent is not None and function.parent.type == "variable_declarator":
        name = function.parent.child_by_field_name("name")
        name = name if name is not None and name.type == "identifier" else None
    return text(name) if name is not None else "function"


def scope(node: Node, function_types: tuple[str, ...]) -> str:
    """The innermost function enclosing `node` as `name@line`, or "" at module level."""
    found = scopes(node, function_types)
    return found[0] if found else ""


def inside(node: Node, types: Collection[str]) -> bool:
    """True when an ancestor of `node` has one of `types` (e.g. the node is inside a function body)."""
    parent = node.parent
    while parent is not None:
        if parent.type in types:
            return True
        parent = parent.parent
    return False


def text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", errors="replace")


def one_line(node: Node, limit: int = 200) -> str:
    """The node's source as a single shortened line, for evidence."""
    flat = " ".join(text(node).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _error_nodes(root: Node) -> Iterator[Node]:
    """ERROR and MISSING nodes, in document order, descending only into subtrees that hold errors."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            yield node
            continue
        stack.extend(reversed([child for child in node.children if child.has_error or child.is_missing]))


def syntax_issues(root: Node, limit: int = 5) -> tuple[SyntaxIssue, ...]:
    """Where the parse failed (the first few places), so the user can find the broken code."""
    if not root.has_error:
        return ()
    issues = []
    for node in _error_nodes(root):
        row, column = node.start_point
        if node.is_missing:
            message = f"missing {node.type!r}"
        else:
            snippet = " ".join(text(node).split())[:40]
            message = f"cannot parse {snippet!r}" if snippet else "cannot parse"
        issues.append(SyntaxIssue(row + 1, column + 1, message))
        if len(issues) >= limit:
            break
    return tuple(issues)
