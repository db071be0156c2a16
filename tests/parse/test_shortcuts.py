"""The parser's shortcuts give what the long way gives: node text sliced from the file's source (non-ASCII
too), scopes looked up by byte range instead of walking parents, and imports read from the code captures
instead of a second query."""

from __future__ import annotations

from tree_sitter import Node

from cdverify.model import Language
from cdverify.parse.javascript import node_imports
from cdverify.parse.python import python_imports
from cdverify.parse.treesitter import ScopeIndex, captures, parser, reading, scopes, text

PY_SCOPES = ("function_definition", "lambda")
PYTHON = b"""\
import os, a.b as c
from . import (d as e)
name = "caf\xc3\xa9"  # non-ASCII before the code below
f = lambda x: (lambda y: y)(x)

def outer(p):
    def inner():
        return importlib.import_module("pkg.mod")
    g = lambda: __import__("other")
    return inner

class K:
    def method(self, *, q=lambda: 1):
        if TYPE_CHECKING:
            import typed
        return import_module(# comment first
            "not.read")
"""
TYPESCRIPT = b"""\
import x = require("a");
import type T from "t";
import { type A, B } from "u";
export * from "v";
const r = require("k"), s = require(`tm${1}`);
async function f() { const m = await import("dyn"); return () => require("inner"); }
class C { method() { return function named() { return 1; }; } }
const z: A = new B();
"""


def _nodes(root: Node) -> list[Node]:
    out, stack = [], [root]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(node.children)
    return out


def _walked(node: Node, types: tuple[str, ...]) -> list[str]:
    """The enclosing functions found the long way (outside `reading`, so without an index)."""
    return scopes(node, types)


def test_text_is_the_nodes_own_bytes_decoded() -> None:
    for source in (PYTHON, PYTHON.replace(b"caf\xc3\xa9", b"cafe")):
        root = parser(Language.PYTHON).parse(source).root_node
        with reading(source):
            sliced = [text(node) for node in _nodes(root)]
        assert sliced == [(node.text or b"").decode("utf-8", errors="replace") for node in _nodes(root)]
        assert any("café" in value for value in sliced) == (b"\xc3" in source)


def test_scope_index_agrees_with_the_parent_walk() -> None:
    for language, source, types in (
        (Language.PYTHON, PYTHON, PY_SCOPES),
        (
            Language.TYPESCRIPT,
            TYPESCRIPT,
            ("function_declaration", "function_expression", "arrow_function", "method_definition"),
        ),
    ):
        root = parser(language).parse(source).root_node
        nodes = _nodes(root)
        index = ScopeIndex(nodes, types)
        expected = [_walked(node, types) for node in nodes]
        looked_up = [index.enclosing(node) for node in nodes]
        # every node the index answers for gets the walk's answer; only ties are left to the walk
        assert all(
            found is None or list(found) == walked for found, walked in zip(looked_up, expected, strict=True)
        )
        assert sum(found is not None for found in looked_up) > len(nodes) // 2
        assert any(len(walked) >= 2 for walked in expected)  # nested functions were exercised


def test_imports_from_the_code_captures_are_the_querys() -> None:
    python_root = parser(Language.PYTHON).parse(PYTHON).root_node
    from_query = python_imports(python_root)
    assert python_imports(python_root, None, captures(Language.PYTHON, "code", python_root)) == from_query
    assert {fact.specifier for fact in from_query} >= {"os", "a.b", "pkg.mod", "other", "typed"}
    assert "not.read" not in {fact.specifier for fact in from_query}
    for language in (Language.TYPESCRIPT, Language.TSX, Language.JAVASCRIPT):
        root = parser(language).parse(TYPESCRIPT).root_node
        from_query = node_imports(language, root)
        assert node_imports(language, root, None, captures(language, "code", root)) == from_query
        assert {"dyn", "inner", "v"} <= {fact.specifier for fact in from_query}
