"""tree-sitter plumbing: one parser and one compiled query per language, built on first use."""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import re
from bisect import bisect_right
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader
from pathlib import Path
from types import ModuleType

from tree_sitter import Language as TSLanguage
from tree_sitter import Node, Parser, Query, QueryCursor

from cdverify.catalog import load_query
from cdverify.model import Language, SyntaxIssue
from cdverify.parse.sharing import shared

# The query folder for each language; TSX uses the TypeScript queries (same node types).
_QUERY_FOLDER = {
    Language.PYTHON: "python",
    Language.JAVASCRIPT: "javascript",
    Language.TYPESCRIPT: "typescript",
    Language.TSX: "typescript",
}


# The grammar package of each language and the function of its compiled `_binding` module that gives it.
_GRAMMARS = {
    Language.PYTHON: ("tree_sitter_python", "language"),
    Language.JAVASCRIPT: ("tree_sitter_javascript", "language"),
    Language.TYPESCRIPT: ("tree_sitter_typescript", "language_typescript"),
    Language.TSX: ("tree_sitter_typescript", "language_tsx"),
}


@cache
def ts_language(language: Language) -> TSLanguage:
    package, function = _GRAMMARS[language]
    return TSLanguage(getattr(grammar_binding(package), function)())


def grammar_binding(package: str) -> ModuleType:
    """A grammar package's compiled `_binding` module, which holds its language functions, loaded by
    itself: the package's `__init__` imports importlib.resources (and with it tempfile, random, shutil,
    bz2 and lzma, ~5 ms of a small project's check) for highlight queries cdverify never reads. It is
    loaded under a name of its own, outside `sys.modules`, so that a later `import <package>` is the
    ordinary one (the language pointer is the same). A package laid out otherwise takes the ordinary
    import."""
    spec = importlib.util.find_spec(package)
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for path in (Path(folder, f"_binding{suffix}") for folder in folders for suffix in EXTENSION_SUFFIXES):
        # the last part of the name must stay `_binding`: it names the module's init function
        loader = ExtensionFileLoader(f"cdverify_grammar.{package}._binding", str(path))
        binding_spec = importlib.util.spec_from_loader(loader.name, loader)
        if binding_spec is None or not path.is_file():
            continue
        try:
            binding = importlib.util.module_from_spec(binding_spec)
        except ImportError:
            break
        loader.exec_module(binding)
        return binding
    return importlib.import_module(f"{package}._binding")


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
    """Every node captured by the query `name`, by capture name, in document order — a node before the
    nodes inside it (the binding's own order is not guaranteed to be: nodes that start at the same
    byte come in an order that varies with what the parser did before, and name tracing needs
    declarations before their uses)."""
    found = QueryCursor(query(language, name)).captures(root)
    return {key: sorted(nodes, key=_document_order) for key, nodes in found.items()}


def _document_order(node: Node) -> tuple[int, int]:
    return node.start_byte, -node.end_byte


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
    """The functions enclosing `node` as `name@line`, innermost first ("" names become `function`).

    Inside a file's scan (`reading`) with its scope nodes indexed, this is a lookup by byte range;
    otherwise (or when ranges cannot tell) a walk up the parents, each of which tree-sitter finds by
    walking down from the root."""
    index = _current.scopes
    if index is not None and index.types == function_types:
        found = index.enclosing(node)
        if found is not None:
            return list(found)
    out = []
    parent = node.parent
    while parent is not None:
        if parent.type in function_types:
            out.append(scope_key(parent))
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
    index = _current.scopes
    if index is not None and index.types == function_types:
        found = index.enclosing(node)
        if found is not None:
            return found[0] if found else ""
    found_keys = scopes(node, function_types)
    return found_keys[0] if found_keys else ""


def scope_key(function: Node) -> str:
    """`name@line` of a function, as `CallFact.scope` names the function a call is in (the key the file's
    scope index holds for it, when it is indexed: a function is asked for its key again and again)."""
    index = _current.scopes
    if index is not None:
        known = index.keys.get(function)
        if known is not None:
            return known
    return shared(f"{function_name(function)}@{function.start_point[0] + 1}")


class ScopeIndex:
    """A file's scope nodes (functions) by byte range, each with the keys of its own enclosing chain, so
    that the functions around a node are found by bisection instead of by walking its parents. Ranges in
    a syntax tree nest (a node lies within its parent), so a node lies in a function exactly when its
    range does, except for a node of the same range as a function or of no width: those are left to the
    walk (`enclosing` says None)."""

    def __init__(self, nodes: Iterable[Node], types: tuple[str, ...]) -> None:
        self.types = types
        spans = sorted(
            ((node.start_byte, node.end_byte, node) for node in nodes if node.type in types),
            key=lambda span: (span[0], -span[1]),
        )
        self.starts = [start for start, _, _ in spans]
        self.ends = [end for _, end, _ in spans]
        self.parents: list[int] = []
        self.chains: list[tuple[str, ...]] = []
        self.keys: dict[Node, str] = {}  # each scope node's `scope_key`
        stack: list[int] = []
        for index, (_, end, node) in enumerate(spans):
            while stack and self.ends[stack[-1]] < end:
                stack.pop()
            parent = stack[-1] if stack else -1
            self.parents.append(parent)
            key = self.keys[node] = scope_key(node)
            self.chains.append((key, *(self.chains[parent] if parent >= 0 else ())))
            stack.append(index)

    def enclosing(self, node: Node) -> tuple[str, ...] | None:
        """Keys of the functions around `node`, innermost first; None when the range cannot tell."""
        start, end = node.start_byte, node.end_byte
        if start == end:
            return None
        index = bisect_right(self.starts, start) - 1
        ends, parents = self.ends, self.parents
        while index >= 0:
            if ends[index] >= end:
                if self.starts[index] == start and ends[index] == end:
                    return None  # the function itself, or a node wrapping exactly it
                return self.chains[index]
            index = parents[index]
        return ()


def inside(node: Node, types: Collection[str]) -> bool:
    """True when an ancestor of `node` has one of `types` (e.g. the node is inside a function body)."""
    parent = node.parent
    while parent is not None:
        if parent.type in types:
            return True
        parent = parent.parent
    return False


class _Reading:
    """The file being read (`reading`): its bytes, the same as text when they are ASCII (byte offsets
    are then character offsets), and its scope index once a scanner has built it."""

    source: bytes | None = None
    ascii: str | None = None
    scopes: ScopeIndex | None = None


_current = _Reading()


@contextmanager
def reading(source: bytes) -> Iterator[None]:
    """While a file's tree is read: `text` slices `source` (the bytes the tree was parsed from) instead
    of copying each node's bytes out of the tree, and scopes may be indexed (`index_scopes`)."""
    saved = (_current.source, _current.ascii, _current.scopes)
    _current.source = source
    _current.ascii = source.decode("ascii") if source.isascii() else None
    _current.scopes = None
    try:
        yield
    finally:
        _current.source, _current.ascii, _current.scopes = saved


def index_scopes(nodes: Iterable[Node], types: tuple[str, ...]) -> None:
    """Index the scope nodes of the file being read (every node of `types` in it), for `scope(s)`."""
    if _current.source is not None:
        _current.scopes = ScopeIndex(nodes, types)


def text(node: Node) -> str:
    ascii_source = _current.ascii
    if ascii_source is not None:
        return ascii_source[node.start_byte : node.end_byte]
    source = _current.source
    if source is not None:
        return source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")
    return (node.text or b"").decode("utf-8", errors="replace")


def holds(node: Node, fragment: bytes) -> bool:
    """Whether the source of `node` contains `fragment` (a byte search of the file being read)."""
    source = _current.source
    if source is None:
        return fragment in (node.text or b"")
    return source.find(fragment, node.start_byte, node.end_byte) != -1


def holds_match(node: Node, pattern: re.Pattern[bytes]) -> bool:
    """Whether `pattern` matches somewhere in the source of `node` (one search of the file being read)."""
    source = _current.source
    if source is None:
        return pattern.search(node.text or b"") is not None
    return pattern.search(source, node.start_byte, node.end_byte) is not None


def occurrences(node: Node, fragment: bytes) -> list[int] | None:
    """Where `fragment` starts in the source of `node` (byte offsets in the file being read, in order);
    None outside a file's scan (`reading`)."""
    source = _current.source
    if source is None:
        return None
    out = []
    at = source.find(fragment, node.start_byte, node.end_byte)
    while at != -1:
        out.append(at)
        at = source.find(fragment, at + 1, node.end_byte)
    return out


def one_line(node: Node, limit: int = 200) -> str:
    """The node's source as a single shortened line, for evidence."""
    start, end = node.start_byte, node.end_byte
    if end - start > 4 * limit and (source := _current.ascii) is not None:
        # a long node (a call over many lines): its first bytes flattened are a prefix of the whole
        # flattened, so when they alone run past the limit the rest need not be sliced or split
        flat = " ".join(source[start : start + 4 * limit].split())
        if len(flat) > limit:
            return shared(flat[: limit - 1] + "…")
    flat = " ".join(text(node).split())
    return shared(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def _error_nodes(root: Node) -> Iterator[Node]:
    """ERROR and MISSING nodes, in document order, descending only into subtrees that hold errors."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            yield node
            continue
        stack.extend(reversed([child for child in node.children if child.has_error or child.is_missing]))


def error_count(root: Node, limit: int = 100) -> int:
    """How many ERROR and MISSING nodes the tree holds (counted up to `limit`)."""
    if not root.has_error:
        return 0
    return sum(1 for _ in itertools.islice(_error_nodes(root), limit))


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
