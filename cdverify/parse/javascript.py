"""JavaScript / TypeScript / TSX import facts from a tree-sitter tree."""

from __future__ import annotations

from tree_sitter import Node

from cdverify.model import ImportFact, ImportKind, Language
from cdverify.parse.treesitter import matches, one_line, text

_FUNCTION_NODES = frozenset(
    {"function_declaration", "function_expression", "arrow_function", "method_definition", "function"}
)


def _string_literal(node: Node) -> str | None:
    """Value of a string or a substitution-free template literal; None when it is computed."""
    if node.type == "template_string":
        if any(child.type == "template_substitution" for child in node.children):
            return None
        return text(node)[1:-1]
    raw = text(node)
    return raw[1:-1] if len(raw) >= 2 else None


def _has_type_keyword(node: Node) -> bool:
    return any(child.type == "type" for child in node.children)


def _import_is_type_only(statement: Node) -> bool:
    """`import type X from`, or every named specifier marked `type` (`import { type A, type B }`)."""
    if _has_type_keyword(statement):
        return True
    clause = next((c for c in statement.children if c.type == "import_clause"), None)
    if clause is None or any(c.type in ("identifier", "namespace_import") for c in clause.children):
        return False
    named = next((c for c in clause.children if c.type == "named_imports"), None)
    specifiers = [c for c in named.children if c.type == "import_specifier"] if named else []
    return bool(specifiers) and all(_has_type_keyword(spec) for spec in specifiers)


def _export_is_type_only(statement: Node) -> bool:
    if _has_type_keyword(statement):
        return True
    clause = next((c for c in statement.children if c.type == "export_clause"), None)
    specifiers = [c for c in clause.children if c.type == "export_specifier"] if clause else []
    return bool(specifiers) and all(_has_type_keyword(spec) for spec in specifiers)


def _in_function(node: Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in _FUNCTION_NODES:
            return True
        parent = parent.parent
    return False


def node_imports(language: Language, root: Node) -> tuple[ImportFact, ...]:
    facts: list[ImportFact] = []
    for _, captures in matches(language, "imports", root):
        source = _string_literal(captures["source"][0])
        if not source:
            continue
        if "import" in captures:
            node = captures["import"][0]
            kind = ImportKind.TYPE_ONLY if _import_is_type_only(node) else ImportKind.STATIC
        elif "export" in captures:
            node = captures["export"][0]
            kind = ImportKind.REEXPORT_TYPE if _export_is_type_only(node) else ImportKind.REEXPORT
        elif "require" in captures:
            node = captures["require"][0]
            if node.type == "import_require_clause" and node.parent is not None:
                node = node.parent  # report the whole `import x = require("y")` statement
            kind = ImportKind.REQUIRE
        else:
            node = captures["dynamic"][0]
            kind = ImportKind.DYNAMIC
        row, column = node.start_point
        facts.append(
            ImportFact(
                specifier=source,
                kind=kind,
                line=row + 1,
                col=column + 1,
                text=one_line(node),
                in_function=_in_function(node),
            )
        )
    facts.sort(key=lambda f: (f.line, f.col))
    # An `import x = require()` statement matches twice (as import and as require): keep one.
    unique: dict[tuple[int, int, str], ImportFact] = {}
    for fact in facts:
        key = (fact.line, fact.col, fact.specifier)
        if key not in unique or fact.kind is ImportKind.REQUIRE:
            unique[key] = fact
    return tuple(unique.values())
