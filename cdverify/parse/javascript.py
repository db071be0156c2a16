"""JavaScript / TypeScript / TSX import facts from a tree-sitter tree."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from tree_sitter import Node

from cdverify.model import ImportFact, ImportKind, Language
from cdverify.parse.treesitter import inside, matches, one_line, text

_LITERALS = ("string", "template_string")
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


def _from_dirname(node: Node) -> str | None:
    """The relative path a module path built from the file's own folder names (`__dirname +
    '/../config/config.json'`, `path.join(__dirname, 'config', 'db')`, `path.resolve(…)` alike), as a
    relative specifier (`../config/config.json`); None when any part is computed."""
    parts: list[str] = []
    if node.type == "binary_expression":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        operator = node.child_by_field_name("operator")
        if left is None or right is None or operator is None or text(operator) != "+":
            return None
        if left.type != "identifier" or text(left) != "__dirname" or right.type not in _LITERALS:
            return None
        tail = _string_literal(right)
        if tail is None or not tail.startswith("/"):
            return None
        parts = [tail.lstrip("/")]
    elif node.type == "call_expression":
        function, arguments = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        if function is None or arguments is None or text(function) not in ("path.join", "path.resolve"):
            return None
        given = arguments.named_children
        if not given or given[0].type != "identifier" or text(given[0]) != "__dirname" or len(given) < 2:
            return None
        for part in given[1:]:
            value = _string_literal(part) if part.type in _LITERALS else None
            if value is None or value.startswith("/"):
                return None
            parts.append(value)
    else:
        return None
    joined = posixpath.normpath(posixpath.join(".", *parts))
    if joined in (".", "..") or joined.startswith("/"):
        return None
    return joined if joined.startswith("../") else f"./{joined}"


def _source(node: Node) -> str | None:
    """The module an import or `require` names: a literal, or a path built from `__dirname`."""
    return _string_literal(node) if node.type in _LITERALS else _from_dirname(node)


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


_NAME_BYTE = re.compile(rb"[\w$]")
# Nodes under which a name is read as a type: TypeScript erases these (and an import used only there).
_TYPE_CONTEXTS = frozenset(
    {
        "type_annotation",
        "type_arguments",
        "type_parameters",
        "type_query",
        "nested_type_identifier",
        "type_alias_declaration",
        "interface_declaration",
        "implements_clause",
        "extends_type_clause",
        "object_type",
        "function_type",
        "constructor_type",
        "ambient_declaration",
        "type_predicate_annotation",
        "asserts_annotation",
        "lookup_type",
        "index_type_query",
    }
)


def _local_bindings(statement: Node) -> dict[str, str]:
    """The names an `import … from` statement binds in the file (default, `* as ns`, `{a, b as c}`), each
    with the name it imports (`b` of `c`; "" for a default or namespace import)."""
    clause = next((c for c in statement.children if c.type == "import_clause"), None)
    names: dict[str, str] = {}
    for child in clause.children if clause else ():
        if child.type == "identifier":
            names[text(child)] = ""
        elif child.type == "namespace_import":
            names.update(dict.fromkeys((text(c) for c in child.children if c.type == "identifier"), ""))
        elif child.type == "named_imports":
            for spec in child.children:
                if spec.type == "import_specifier" and not _has_type_keyword(spec):
                    name = spec.child_by_field_name("name")
                    local = spec.child_by_field_name("alias") or name
                    if local is not None and name is not None:
                        names[text(local)] = text(name)
    return names


def _read_as(node: Node) -> str:
    """How the code reads a name: as a `value`, as a `type`, or not at all (its own `import`)."""
    parent = node.parent
    while parent is not None:
        if parent.type == "import_statement":
            return "import"
        if parent.type in _TYPE_CONTEXTS:
            return "type"
        parent = parent.parent
    return "value"


def _spellings(source: bytes, name: bytes) -> Iterator[int]:
    """Start offsets where `name` is spelled as a whole word (not inside a longer name)."""
    start = source.find(name)
    while start >= 0:
        end = start + len(name)
        before = source[start - 1 : start] if start else b""
        after = source[end : end + 1]
        if not (_NAME_BYTE.fullmatch(before) or _NAME_BYTE.fullmatch(after)):
            yield start
        start = source.find(name, end)


def _name_uses(root: Node, wanted: set[str]) -> tuple[set[str], set[str]]:
    """Which of `wanted` the code reads as a value somewhere, and which it reads as a type. Each place
    the name is spelled is looked up in the syntax tree: spellings in strings, comments and property
    names are not reads."""
    source = root.text or b""
    uses: dict[str, set[str]] = {"value": set(), "type": set(), "import": set()}
    for name in wanted:
        raw = name.encode()
        for start in _spellings(source, raw):
            node = root.descendant_for_byte_range(start, start + len(raw))
            if node is None or node.start_byte != start or node.end_byte != start + len(raw):
                continue
            if node.type == "type_identifier":
                uses["type"].add(name)
            elif node.type in ("identifier", "shorthand_property_identifier"):
                read = _read_as(node)
                uses[read].add(name)
                if read == "value":
                    break
    return uses["value"], uses["type"]


def _elided_imports(
    root: Node, statements: list[Node]
) -> dict[tuple[int, int], tuple[bool, tuple[str, ...]]]:
    """(line, col) of the TypeScript imports with bindings used as types and never as values: whether the
    whole import is removed, and those bindings. TypeScript removes them from the JavaScript it emits: an
    import none of whose bindings is read as a value (`import { Request } from "express"` read only in
    `req: Request`) is removed, and its package is not loaded at run time; one with some read as values
    (`import { ObjectId, WithId } from "mongodb"` with `WithId` only in a return type) brings at run time
    only those. Side-effect imports, and imports never used at all, stay as written."""
    bindings = {(s.start_point[0] + 1, s.start_point[1] + 1): _local_bindings(s) for s in statements}
    wanted = {name for names in bindings.values() for name in names}
    if not wanted:
        return {}
    values, types = _name_uses(root, wanted)
    erased = types - values
    return {
        where: (
            not values.intersection(names),
            tuple(names[local] or local for local in names if local in erased),
        )
        for where, names in bindings.items()
        if erased.intersection(names)
    }


def _erased(fact: ImportFact, elided: tuple[bool, tuple[str, ...]] | None) -> ImportFact:
    """The import as TypeScript emits it (see `_elided_imports`): type-only when it is removed, else with
    the bindings erased from it as `ImportFact.types`."""
    if elided is None:
        return fact
    removed, types = elided
    return fact._replace(kind=ImportKind.TYPE_ONLY) if removed else fact._replace(types=types)


def _import_nodes(language: Language, found: dict[str, list[Node]]) -> list[tuple[str, Node, Node]]:
    """(pattern, node, source) of every match of the `imports` query, read from the file's `code`
    captures (its `import`, `export` and `call` captures hold every node that query matches)."""
    out: list[tuple[str, Node, Node]] = []
    for node in found.get("import", []):
        source = node.child_by_field_name("source")
        if source is not None and source.type == "string":
            out.append(("import", node, source))
        if language is not Language.JAVASCRIPT:  # TS: import x = require("m")
            for child in node.named_children:
                required = (
                    child.child_by_field_name("source") if child.type == "import_require_clause" else None
                )
                if required is not None and required.type == "string":
                    out.append(("require", child, required))
    for node in found.get("export", []):
        source = node.child_by_field_name("source")
        if source is not None and source.type == "string":
            out.append(("export", node, source))
    for node in found.get("call", []):
        function = node.child_by_field_name("function") if node.type == "call_expression" else None
        if function is None:
            continue
        if function.type == "identifier" and text(function) == "require":
            pattern = "require"
        elif function.type == "import":
            pattern = "dynamic"
        else:
            continue
        arguments = node.child_by_field_name("arguments")
        first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
        literal = first is not None and first.type in _LITERALS
        if pattern == "require" and first is not None and not literal:
            literal = first.type in ("binary_expression", "call_expression")  # read by `_from_dirname`
        if arguments is not None and arguments.type == "arguments" and first is not None and literal:
            out.append((pattern, node, first))
    return out


def node_imports(
    language: Language, root: Node, max_depth: int | None = None, found: dict[str, list[Node]] | None = None
) -> tuple[ImportFact, ...]:
    """The file's imports; with `max_depth` (a file too deep to analyse), only those that start at most
    that deep, and TypeScript imports used only as types are not told apart (that looks up every use
    of their names, at any depth). `found` are the file's `code` captures when the code facts have
    them already: the imports are then read from them instead of walking the tree again."""
    facts: list[ImportFact] = []
    static: list[Node] = []  # `import … from` statements that are not written type-only
    matched: list[tuple[str, Node, Node]] = []
    if found is not None:
        matched = _import_nodes(language, found)
    else:
        for _, captured in matches(language, "imports", root, max_depth):
            pattern: str = next(key for key in ("import", "export", "require", "dynamic") if key in captured)
            matched.append((pattern, captured[pattern][0], captured["source"][0]))
    for pattern, node, source_node in matched:
        source = _source(source_node)
        if not source:
            continue
        if pattern == "import":
            kind = ImportKind.TYPE_ONLY if _import_is_type_only(node) else ImportKind.STATIC
            if kind is ImportKind.STATIC:
                static.append(node)
        elif pattern == "export":
            kind = ImportKind.REEXPORT_TYPE if _export_is_type_only(node) else ImportKind.REEXPORT
        elif pattern == "require":
            if node.type == "import_require_clause" and node.parent is not None:
                node = node.parent  # report the whole `import x = require("y")` statement
            kind = ImportKind.REQUIRE
        else:
            kind = ImportKind.DYNAMIC
        row, column = node.start_point
        facts.append(
            ImportFact(
                specifier=source,
                kind=kind,
                line=row + 1,
                col=column + 1,
                text=one_line(node),
                in_function=inside(node, _FUNCTION_NODES),
            )
        )
    if language in (Language.TYPESCRIPT, Language.TSX) and static and max_depth is None:
        elided = _elided_imports(root, static)
        facts = [_erased(fact, elided.get((fact.line, fact.col))) for fact in facts]
    facts.sort(key=lambda f: (f.line, f.col))
    # An `import x = require()` statement matches twice (as import and as require): keep one.
    unique: dict[tuple[int, int, str], ImportFact] = {}
    for fact in facts:
        key = (fact.line, fact.col, fact.specifier)
        if key not in unique or fact.kind is ImportKind.REQUIRE:
            unique[key] = fact
    return tuple(unique.values())
