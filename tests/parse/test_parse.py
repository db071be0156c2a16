"""Import facts read by tree-sitter: every kind, positions, and tolerance of broken code."""

from __future__ import annotations

from cdverify.model import ImportKind, Language
from cdverify.parse import parse_source


def facts(language: Language, source: str) -> list[tuple[str, ImportKind, int]]:
    parsed = parse_source("x", language, source.encode())
    return [(f.specifier, f.kind, f.line) for f in parsed.imports]


def test_python_import_forms() -> None:
    src = (
        "import a.b as c, d\n"
        "from . import x\n"
        "from ..m.n import (p as q, r)\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from z import Y\n"
        "else:\n"
        "    from w import Y\n"
        "def f():\n"
        "    import lazy\n"
        'importlib.import_module("dyn.mod")\n'
        '__import__("dunder")\n'
        "import_module(f'computed.{x}')\n"
    )
    assert facts(Language.PYTHON, src) == [
        ("a.b", ImportKind.STATIC, 1),
        ("d", ImportKind.STATIC, 1),
        (".", ImportKind.STATIC, 2),
        ("..m.n", ImportKind.STATIC, 3),
        ("typing", ImportKind.STATIC, 4),
        ("z", ImportKind.TYPE_CHECKING, 6),
        ("w", ImportKind.STATIC, 8),
        ("lazy", ImportKind.STATIC, 10),
        ("dyn.mod", ImportKind.DYNAMIC, 11),
        ("dunder", ImportKind.DYNAMIC, 12),
    ]


def test_python_names_and_function_scope() -> None:
    parsed = parse_source("x.py", Language.PYTHON, b"def f():\n    from ..m import (a as b, c)\n")
    (fact,) = parsed.imports
    assert fact.names == ("a", "c")
    assert fact.in_function
    assert (fact.line, fact.col) == (2, 5)


def test_typing_dot_type_checking_is_recognised() -> None:
    src = "import typing\nif typing.TYPE_CHECKING:\n    import heavy\n"
    assert facts(Language.PYTHON, src)[1] == ("heavy", ImportKind.TYPE_CHECKING, 3)


def test_typescript_import_kinds() -> None:
    src = (
        "import type { A } from './a';\n"
        "import { type B, C } from './b';\n"
        "import { type D } from './d';\n"
        "import x = require('./y');\n"
        "export * from './z';\n"
        "export type { T } from './t';\n"
        "export { u } from './u';\n"
        "const m = require('m');\n"
        "const n = await import(`./n.js`);\n"
        "import './side';\n"
        "const computed = require(name);\n"
        "const tpl = import(`./${name}`);\n"
    )
    assert facts(Language.TYPESCRIPT, src) == [
        ("./a", ImportKind.TYPE_ONLY, 1),
        ("./b", ImportKind.STATIC, 2),
        ("./d", ImportKind.TYPE_ONLY, 3),
        ("./y", ImportKind.REQUIRE, 4),
        ("./z", ImportKind.REEXPORT, 5),
        ("./t", ImportKind.REEXPORT_TYPE, 6),
        ("./u", ImportKind.REEXPORT, 7),
        ("m", ImportKind.REQUIRE, 8),
        ("./n.js", ImportKind.DYNAMIC, 9),
        ("./side", ImportKind.STATIC, 10),
    ]


def test_typescript_imports_used_only_as_types_are_type_only() -> None:
    """TypeScript removes an import whose bindings are read only as types from the emitted JavaScript."""
    src = (
        "import { Request, Response as Res } from 'express';\n"  # types only: erased
        "import * as ns from 'ns';\n"  # `ns.Thing` as a type only: erased
        "import Koa from 'koa';\n"  # `new Koa()`: kept
        "import { Injectable, Type } from '@nestjs/common';\n"  # decorator call: kept
        "import { Shape } from './shape';\n"  # `{ Shape }` shorthand property: a value, kept
        "import { Unused } from './unused';\n"  # never read: left as written
        "import { Q } from './q';\n"  # `typeof Q` in a type alias: erased
        "import { V } from './v';\n"  # a type and a value: kept
        "let a: Request; let b: ns.Thing; type T = typeof Q;\n"
        "function f(r: Res): Promise<Array<Request>> { return new Koa() as unknown as Request; }\n"
        "@Injectable() class C implements Type { v: V = V.make(); }\n"
        "export const o = { Shape };\n"
    )
    assert facts(Language.TYPESCRIPT, src) == [
        ("express", ImportKind.TYPE_ONLY, 1),
        ("ns", ImportKind.TYPE_ONLY, 2),
        ("koa", ImportKind.STATIC, 3),
        ("@nestjs/common", ImportKind.STATIC, 4),
        ("./shape", ImportKind.STATIC, 5),
        ("./unused", ImportKind.STATIC, 6),
        ("./q", ImportKind.TYPE_ONLY, 7),
        ("./v", ImportKind.STATIC, 8),
    ]
    # JavaScript has no types to erase: the same import stays a run-time import
    assert facts(Language.JAVASCRIPT, "import { Request } from 'express';\nconst x = 1;\n") == [
        ("express", ImportKind.STATIC, 1)
    ]


def test_javascript_commonjs_and_esm() -> None:
    src = (
        "const a = require('x');\nfunction f() { return require('lazy') }\nimport q from 'q';\nimport('y');\n"
    )
    parsed = parse_source("x.js", Language.JAVASCRIPT, src.encode())
    assert [(f.specifier, f.kind, f.in_function) for f in parsed.imports] == [
        ("x", ImportKind.REQUIRE, False),
        ("lazy", ImportKind.REQUIRE, True),
        ("q", ImportKind.STATIC, False),
        ("y", ImportKind.DYNAMIC, False),
    ]


def test_tsx_is_parsed_with_the_tsx_grammar() -> None:
    parsed = parse_source(
        "x.tsx", Language.TSX, b"import React from 'react';\nexport const X = () => <div>{1}</div>;\n"
    )
    assert [f.specifier for f in parsed.imports] == ["react"]
    assert parsed.syntax_issues == ()


def test_syntax_error_keeps_readable_imports() -> None:
    src = b"from app.services.x import y\ndef f(:\n    pass\nfrom after import z\n"
    parsed = parse_source("x.py", Language.PYTHON, src)
    assert [f.specifier for f in parsed.imports] == ["app.services.x", "after"]
    assert parsed.syntax_issues
    assert parsed.syntax_issues[0].line == 2


def test_half_written_typescript_file() -> None:
    parsed = parse_source("x.ts", Language.TYPESCRIPT, b"import { a } from './a';\nexport function f( {\n")
    assert [f.specifier for f in parsed.imports] == ["./a"]
    assert parsed.syntax_issues


def test_non_utf8_bytes_are_reported_and_still_parsed() -> None:
    parsed = parse_source("x.py", Language.PYTHON, b"# caf\xe9\nimport os\n")
    assert parsed.decoding_issue is not None
    assert [f.specifier for f in parsed.imports] == ["os"]


def test_not_type_checking_is_a_runtime_import() -> None:
    src = "from typing import TYPE_CHECKING\nif not TYPE_CHECKING:\n    import real\n"
    assert facts(Language.PYTHON, src)[1] == ("real", ImportKind.STATIC, 3)
