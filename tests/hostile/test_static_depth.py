"""Deep nesting and long chains never abort static analysis (issue 15).

One file nested deeper than `MAX_NESTING` (a list 500 deep, a 1,000-term sum, a 100,000-long member
chain, …) gets PARSE002 and keeps its imports, while every other file of the project is analysed as
usual; a file within the bound is analysed in full. Chains across files (imports, assignments, router
mounts, tsconfig `extends`) and deep folders give a correct or a bounded result, never an exception.

Each shape at each depth is a case of its own. The in-process cases share one project per language and depth
(built and checked once); every shape also runs once as a user runs it (a subprocess through the
harness), and once inside a copy of a reference app whose verdicts must not change.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdverify import pipeline
from cdverify.model import Language, Resolution, Scope, SourceFile, TargetKind
from cdverify.parse import MAX_NESTING, parse_bytes
from cdverify.resolve.node import NodeResolver
from hostile.conftest import Outcome, expect_clean

REPO = Path(__file__).resolve().parents[2]
# Units of nesting that keep every shape within MAX_NESTING (each unit is at most two tree levels).
WITHIN = 50
assert 2 * WITHIN + 10 < MAX_NESTING

Shape = Callable[[int], str]


def _terms(n: int) -> str:
    return " + ".join(['"1"'] * n)


PYTHON: dict[str, Shape] = {
    "list": lambda n: f"x = {'[' * n}{']' * n}\n",
    "sum": lambda n: "total = " + "+".join(["1"] * n) + "\n",
    "sum-right": lambda n: "total = " + "1+(" * n + "1" + ")" * n + "\n",
    "member": lambda n: "import os\n\nvalue = os" + ".a" * n + "\n",
    "call": lambda n: "value = " + "f(" * n + "1" + ")" * n + "\n",
    "parens": lambda n: "value = " + "(" * n + "1" + ")" * n + "\n",
    "lambda": lambda n: "value = " + "lambda: " * n + "1\n",
    "dict": lambda n: "value = " + '{"a": ' * n + "1" + "}" * n + "\n",
    "if": lambda n: "".join(" " * i + "if x:\n" for i in range(n)) + " " * n + "pass\n",
    "sql-concat": lambda n: (  # on an untraced cursor: no driver import of its own
        "def rows(cursor):\n    return cursor.execute(\n"
        f'        "SELECT id FROM users WHERE id = " + {_terms(n)}\n    )\n'
    ),
}
NODE: dict[str, Shape] = {
    "list": lambda n: f"const x = {'[' * n}{']' * n};\n",
    "sum": lambda n: "const total = " + "+".join(["1"] * n) + ";\n",
    "member": lambda n: "const value = a" + ".a" * n + ";\n",
    "call": lambda n: "const value = " + "f(" * n + "1" + ")" * n + ";\n",
    "parens": lambda n: "const value = " + "(" * n + "1" + ")" * n + ";\n",
    "if": lambda n: "if (x) {" * n + "}" * n + "\n",
    "arrow": lambda n: "const value = " + "() => " * n + "1;\n",
    "object": lambda n: "const value = " + "{ a: " * n + "1" + " }" * n + ";\n",
    "ternary": lambda n: "const value = " + "a ? 1 : " * n + "2;\n",
    "sql-concat": lambda n: (
        f'module.exports = () => db.query("SELECT id FROM users WHERE id = " + {_terms(n)});\n'
    ),
}
EXTENSION = {"python": "py", "javascript": "js", "typescript": "ts", "tsx": "tsx"}
SHAPES = {"python": PYTHON, "javascript": NODE, "typescript": NODE, "tsx": NODE}
DEPTHS = {
    "python": (WITHIN, 500, 1_000, 10_000, 100_000),
    "javascript": (WITHIN, 500, 1_000, 10_000, 100_000),
    "typescript": (WITHIN, 1_000, 10_000),
    "tsx": (WITHIN, 1_000, 10_000),
}
# Python's `if` nests by indentation: 10,000 levels would be a 50 MB file (over max_file_bytes)
MAX_DEPTH = {("python", "if"): 1_000}

# Every deep file starts with an upward import (services → routes): still read past the bound.
HEADER = {
    "python": "from app.routes.users import bp\n",
    "node": 'const router = require("../routes/users");\n',
}


def _deep_file(language: str, shape: str) -> str:
    if language == "python":
        return f"app/services/deep_{shape.replace('-', '_')}.py"
    return f"src/services/deep_{shape.replace('-', '_')}.{EXTENSION[language]}"


def _write(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def _siblings(family: str) -> dict[str, str]:
    """Normal files next to the deep ones: an upward import (ARCH001) and raw SQL (ORM001)."""
    if family == "python":
        return {
            "requirements.txt": "flask\nsqlalchemy\n",
            "app/__init__.py": "",
            "app/routes/users.py": 'from flask import Blueprint\n\nbp = Blueprint("users", __name__)\n',
            "app/services/users.py": "from app.routes.users import bp\n",
            "app/repositories/users.py": (
                "import sqlite3\n\n\ndef find(path):\n"
                '    return sqlite3.connect(path).cursor().execute("SELECT id, name FROM users WHERE id = 1")\n'
            ),
            "app/models/user.py": "class User:\n    pass\n",
        }
    return {
        "package.json": json.dumps(
            {"name": "deep", "dependencies": {"express": "4", "pg": "8", "sequelize": "6"}}
        ),
        "src/routes/users.js": 'const express = require("express");\n\nmodule.exports = express.Router();\n',
        "src/services/users.js": 'const router = require("../routes/users");\n\nmodule.exports = router;\n',
        "src/repositories/users.js": (
            'const { Pool } = require("pg");\n\nconst pool = new Pool();\n'
            'module.exports = () => pool.query("SELECT id, name FROM users WHERE id = 1");\n'
        ),
        "src/models/user.js": "module.exports = {};\n",
    }


def _family(language: str) -> str:
    return "python" if language == "python" else "node"


def _constraints(family: str) -> str:
    return (
        "clean_architecture+sqlite+sqlalchemy"
        if family == "python"
        else "clean_architecture+postgres+sequelize"
    )


def _rules_at(findings: list[dict[str, Any]], path: str) -> set[str]:
    return {f["rule"] for f in findings if f["file"] == path}


def _cases() -> list[tuple[str, str, int]]:
    return [
        (language, shape, depth)
        for language, shapes in SHAPES.items()
        for shape in shapes
        for depth in DEPTHS[language]
        if depth <= MAX_DEPTH.get((language, shape), depth)
    ]


@pytest.fixture(scope="module")
def deep_project(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, int], dict[str, Any]]:
    """The JSON report of one project per language and depth holding every shape (built once)."""
    built: dict[tuple[str, int], dict[str, Any]] = {}

    def report(language: str, depth: int) -> dict[str, Any]:
        if (language, depth) not in built:
            family = _family(language)
            files = _siblings(family)
            for shape, make in SHAPES[language].items():
                if depth <= MAX_DEPTH.get((language, shape), depth):
                    files[_deep_file(language, shape)] = HEADER[family] + make(depth)
            root = _write(tmp_path_factory.mktemp(f"{language}-{depth}"), files)
            built[(language, depth)] = pipeline.verify(root, _constraints(family), use_cache=False).to_json()
        return built[(language, depth)]

    return report


@pytest.mark.parametrize(("language", "shape", "depth"), _cases())
def test_a_deep_file_is_reported_and_the_rest_still_analysed(
    deep_project: Callable[[str, int], dict[str, Any]], language: str, shape: str, depth: int
) -> None:
    report = deep_project(language, depth)
    findings = report["findings"]
    family = _family(language)
    path = _deep_file(language, shape)
    rules = _rules_at(findings, path)
    assert report["passed"] is False  # the siblings' errors fail the run: exit 1
    assert "ARCH001" in rules, rules  # the deep file's own upward import is read at every depth
    if depth > WITHIN:
        deep = [f for f in findings if f["rule"] == "PARSE002" and f["file"] == path]
        assert len(deep) == 1, rules
        assert f"nested more than {MAX_NESTING} levels deep" in deep[0]["message"]
        # beyond the bound the file's code is not read: its SQL is not seen (the documented limit)
        assert "ORM001" not in rules
    else:
        assert "PARSE002" not in rules
        assert ("ORM001" in rules) == (shape == "sql-concat")  # read in full: the concatenated SQL
    services = "app/services/users.py" if family == "python" else "src/services/users.js"
    repositories = "app/repositories/users.py" if family == "python" else "src/repositories/users.js"
    assert "ARCH001" in _rules_at(findings, services)
    assert "ORM001" in _rules_at(findings, repositories)


def _all_shape_names() -> list[str]:
    return sorted({*PYTHON, *NODE})


@pytest.mark.parametrize("shape", _all_shape_names())
def test_each_shape_as_a_user_runs_it(hostile: Callable[..., Outcome], tmp_path: Path, shape: str) -> None:
    """10,000 deep (Python `if`: 1,000) in every language that has the shape, one project, one process."""
    files = {**_siblings("python"), **_siblings("node")}
    deep_files = []
    for language, shapes in SHAPES.items():
        if shape in shapes:
            depth = min(10_000, MAX_DEPTH.get((language, shape), 10_000))
            deep_files.append(_deep_file(language, shape))
            files[deep_files[-1]] = HEADER[_family(language)] + shapes[shape](depth)
    root = _write(tmp_path / "project", files)
    outcome = expect_clean(
        hostile(["check", str(root), "-c", "clean_architecture", "--format", "json", "--no-cache"]),
        codes=(1,),
        max_wall_s=30,
    )
    findings = json.loads(outcome.stdout)["findings"]
    for path in deep_files:
        assert {"PARSE002", "ARCH001"} <= _rules_at(findings, path), path
    for sibling in ("app/services/users.py", "src/services/users.js"):
        assert "ARCH001" in _rules_at(findings, sibling)


def test_the_bound_holds_in_parser_workers(hostile: Callable[..., Outcome], tmp_path: Path) -> None:
    """Over 4 MB of deep files: parsed by forked workers (`-j 2`), each file still gets its PARSE002."""
    deep = {
        ("python", "lambda"): 100_000,
        ("python", "dict"): 100_000,
        ("javascript", "if"): 100_000,
        ("javascript", "ternary"): 100_000,
        ("javascript", "object"): 100_000,
        ("tsx", "arrow"): 100_000,
    }
    files = {**_siblings("python"), **_siblings("node")}
    for (language, shape), depth in deep.items():
        files[_deep_file(language, shape)] = HEADER[_family(language)] + SHAPES[language][shape](depth)
    assert sum(len(text) for text in files.values()) > pipeline._PARALLEL_MIN_BYTES
    root = _write(tmp_path / "project", files)
    args = ["check", str(root), "-c", "clean_architecture", "--format", "json", "--no-cache", "-j", "2"]
    findings = json.loads(expect_clean(hostile(args), codes=(1,), max_wall_s=30).stdout)["findings"]
    for language, shape in deep:
        assert {"PARSE002", "ARCH001"} <= _rules_at(findings, _deep_file(language, shape))
    assert "ARCH001" in _rules_at(findings, "app/services/users.py")


def test_a_recursion_error_still_gives_the_file_a_finding() -> None:
    """The guard behind the bound: a file within it, parsed when the stack is already nearly full
    (a caller deep in recursion), is reported instead of raising."""
    data = ("from app.routes.users import bp\n\nx = " + "[" * 90 + "]" * 90 + "\n").encode()
    source = SourceFile("app/services/lists.py", Language.PYTHON, Scope.APPLICATION, len(data))

    def parse_at(levels: int) -> tuple[Any, list[Any]]:
        return parse_at(levels - 1) if levels else parse_bytes(source, data)

    facts, findings = parse_at(sys.getrecursionlimit() - 120)
    assert facts.too_deep is not None and "recursion limit" in facts.too_deep.message
    assert [f.rule for f in findings] == ["PARSE002"]
    assert [i.specifier for i in facts.imports] == ["app.routes.users"]
    assert parse_bytes(source, data)[0].too_deep is None  # on an ordinary stack it is analysed in full


REFERENCE = {
    "python": ("conduit-flask-clean", "services", "flask+clean_architecture+sqlite+sqlalchemy"),
    "javascript": ("conduit-express-clean", "src/services", "express+clean_architecture+sqlite+sequelize"),
}


def _verdicts_and_findings(root: Path, constraints: str) -> tuple[dict[str, str], set[tuple[str, str, int]]]:
    report = pipeline.verify(root, constraints, use_cache=False)
    verdicts = {axis: verdict.status for axis, verdict in report.verdicts.items()}
    findings = {(f.rule, f.location.path, f.location.line or 0) for f in report.findings}
    return verdicts, findings


@pytest.fixture(scope="module")
def reference_baseline(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[dict[str, str], set[Any]]]:
    baseline = {}
    for language, (app, _, constraints) in REFERENCE.items():
        root = tmp_path_factory.mktemp("baseline") / app
        shutil.copytree(
            REPO / "corpus" / app, root, ignore=shutil.ignore_patterns("node_modules", "__pycache__")
        )
        baseline[language] = _verdicts_and_findings(root, constraints)
    return baseline


@pytest.mark.parametrize(
    ("language", "shape"), [(language, shape) for language in REFERENCE for shape in SHAPES[language]]
)
def test_a_deep_file_leaves_a_reference_apps_verdicts_unchanged(
    reference_baseline: dict[str, tuple[dict[str, str], set[Any]]], tmp_path: Path, language: str, shape: str
) -> None:
    app, services, constraints = REFERENCE[language]
    root = tmp_path / app
    shutil.copytree(REPO / "corpus" / app, root, ignore=shutil.ignore_patterns("node_modules", "__pycache__"))
    deep = f"{services}/deep_{shape.replace('-', '_')}.{EXTENSION[language]}"
    (root / deep).write_text(SHAPES[language][shape](1_000), encoding="utf-8")
    verdicts, findings = _verdicts_and_findings(root, constraints)
    base_verdicts, base_findings = reference_baseline[language]
    assert set(base_verdicts.values()) == {"pass"}
    assert verdicts == base_verdicts
    # tree-sitter's Python scanner also gives up on 1,000 indentation levels: a syntax error besides
    about_the_file = {"PARSE002", "PARSE001"} if (language, shape) == ("python", "if") else {"PARSE002"}
    assert {f for f in findings if f[0] not in about_the_file} == base_findings
    assert any(f[0] == "PARSE002" and f[1] == deep for f in findings)


# -- chains across files and folders ------------------------------------------------------------------


def _assign_chain(n: int) -> dict[str, str]:
    """`DATABASE_URL_1 = DATABASE_URL_0` … across n files, the last one given to create_engine."""
    files = {
        "requirements.txt": "flask\nsqlalchemy\n",
        "app/__init__.py": "",
        "app/s0.py": 'DATABASE_URL_0 = "postgresql://user@host/db"\n',
        "app/db.py": f"from sqlalchemy import create_engine\n\nengine = create_engine(DATABASE_URL_{n})\n",
    }
    for i in range(1, n + 1):
        files[f"app/s{i}.py"] = f"DATABASE_URL_{i} = DATABASE_URL_{i - 1}\n"
    return files


def _self_assigned(n: int) -> dict[str, str]:
    """`DATABASE_URL = DATABASE_URL` n times: each followed once, not n³ times (this hung cdverify)."""
    return {
        "requirements.txt": "flask\nsqlalchemy\n",
        "app/__init__.py": "",
        "app/settings.py": 'import os\n\nDATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///app.db")\n'
        + "DATABASE_URL = DATABASE_URL\n" * n
        + "\nfrom sqlalchemy import create_engine\n\nengine = create_engine(DATABASE_URL)\n",
    }


def _import_cycle(n: int) -> dict[str, str]:
    files = {"requirements.txt": "flask\n", "app/__init__.py": "", "package.json": '{"name": "cycle"}'}
    for i in range(n):
        files[f"app/m{i}.py"] = f"from app import m{(i + 1) % n}\n"
        files[f"src/m{i}.js"] = f'module.exports = require("./m{(i + 1) % n}");\n'
    return files


def _router_chain(n: int) -> dict[str, str]:
    files = {
        "package.json": json.dumps({"name": "routers", "dependencies": {"express": "4"}}),
        "src/app.js": 'const express = require("express");\n\nconst app = express();\n'
        'app.use("/api", require("./routes/r0"));\napp.listen(3000);\n',
    }
    for i in range(n):
        mount = (
            f'router.use("/r{i}", require("./r{i + 1}"));\n'
            if i < n - 1
            else 'router.get("/x", (q, s) => s.end());\n'
        )
        files[f"src/routes/r{i}.js"] = (
            f'const express = require("express");\n\nconst router = express.Router();\n{mount}module.exports = router;\n'
        )
    return files


def _blueprint_chain(n: int) -> dict[str, str]:
    files = {
        "requirements.txt": "flask\n",
        "app/__init__.py": "from flask import Flask\n\nfrom app.routes.b0 import bp0\n\napp = Flask(__name__)\n"
        'app.register_blueprint(bp0, url_prefix="/api")\n',
        "app/routes/__init__.py": "",
    }
    for i in range(n):
        if i < n - 1:
            body = f"from app.routes.b{i + 1} import bp{i + 1}\n\nbp{i} = Blueprint('b{i}', __name__)\n"
            body += f'bp{i}.register_blueprint(bp{i + 1}, url_prefix="/b{i}")\n'
        else:
            body = f"bp{i} = Blueprint('b{i}', __name__)\n\n\n@bp{i}.get('/x')\ndef x():\n    return {{}}\n"
        files[f"app/routes/b{i}.py"] = "from flask import Blueprint\n" + body
    return files


def _extends_chain(n: int) -> dict[str, str]:
    files = {"package.json": '{"name": "ext"}', "tsconfig.json": '{"extends": "./c0.json"}'}
    for i in range(n):
        last = {"compilerOptions": {"baseUrl": "."}}
        files[f"c{i}.json"] = json.dumps({"extends": f"./c{i + 1}.json"} if i < n - 1 else last)
    files["src/index.ts"] = 'import { a } from "src/a";\n\nexport const b = a;\n'
    files["src/a.ts"] = "export const a = 1;\n"
    return files


def _check_assign(report: dict[str, Any], n: int) -> None:
    # followed three assignments deep: beyond, the URL is not known (a bound, not an error)
    assert ("postgresql" in report["database"]["engines"]) == (n <= 2)


def _check_self_assigned(report: dict[str, Any], n: int) -> None:
    assert report["database"]["engines"] == ["sqlite"]


def _check_cycle(report: dict[str, Any], n: int) -> None:
    cycles = [f for f in report["findings"] if f["rule"] == "ARCH007"]
    assert sorted(f["file"].split("/")[0] for f in cycles) == ["app", "src"]  # the Python and the JS cycle
    assert all(f"import cycle through {n} file(s)" in f["message"] for f in cycles)


def _check_routes(report: dict[str, Any], n: int) -> None:
    assert [(r["method"], r["path"]) for r in report["framework"]["routes"]] == [("GET", "/x")]


def _check_extends(report: dict[str, Any], n: int) -> None:
    cut = [f for f in report["findings"] if f["rule"] == "RES002" and "configs deep" in f["message"]]
    assert bool(cut) == (n > 33)
    assert not [f for f in report["findings"] if f["rule"] == "RES001"]  # `src/a` resolves either way


CHAINS: dict[str, tuple[Callable[[int], dict[str, str]], str, Callable[[dict[str, Any], int], None]]] = {
    "assignments": (_assign_chain, "clean_architecture+postgres+sqlalchemy", _check_assign),
    "self-assignment": (_self_assigned, "clean_architecture+sqlite+sqlalchemy", _check_self_assigned),
    "import-cycle": (_import_cycle, "clean_architecture", _check_cycle),
    "router-mounts": (_router_chain, "express+clean_architecture", _check_routes),
    "blueprint-mounts": (_blueprint_chain, "flask+clean_architecture", _check_routes),
    "tsconfig-extends": (_extends_chain, "clean_architecture", _check_extends),
}


@pytest.mark.parametrize("n", [2, 1_000])
@pytest.mark.parametrize("chain", sorted(CHAINS))
def test_a_long_chain_gives_a_bounded_result(
    hostile: Callable[..., Outcome], tmp_path: Path, chain: str, n: int
) -> None:
    """Short chains in process (their exact result), long ones as a user runs them (the same result or
    the documented bound, in bounded time)."""
    make, constraints, check = CHAINS[chain]
    root = _write(tmp_path / "project", make(n))
    if n <= 2:
        report = pipeline.verify(root, constraints, use_cache=False).to_json()
    else:
        args = ["check", str(root), "-c", constraints, "--format", "json", "--no-cache"]
        report = json.loads(expect_clean(hostile(args), codes=(0, 1), max_wall_s=30).stdout)
    check(report, n)


@pytest.mark.parametrize("depth", [1_000, 10_000])
def test_resolution_climbs_folders_nested_thousands_deep(tmp_path: Path, depth: int) -> None:
    """package.json and tsconfig lookups climb the folders in a loop (the paths need not exist)."""
    deep = "/".join(["d"] * depth)
    _write(
        tmp_path,
        {"package.json": json.dumps({"name": "x", "dependencies": {"express": "4"}}), "tsconfig.json": "{}"},
    )
    files = ["package.json", "tsconfig.json", f"src/{deep}/index.ts", f"src/{deep}/a.ts"]
    resolver = NodeResolver(tmp_path, files)
    assert resolver.resolve(f"src/{deep}/index.ts", "./a") == Resolution(
        TargetKind.INTERNAL, f"src/{deep}/a.ts", via="relative"
    )
    assert resolver.resolve(f"src/{deep}/index.ts", "express")[:3] == (TargetKind.EXTERNAL, None, "express")


def test_package_imports_nested_hundreds_deep_resolve(tmp_path: Path) -> None:
    """A package.json `imports` target under 600 levels of conditions (flattened with a stack)."""
    nested: object = "./src/x.js"
    for level in range(600):
        nested = {"node": nested} if level % 2 else [nested]
    _write(tmp_path, {"package.json": json.dumps({"name": "app", "imports": {"#x": nested}})})
    resolver = NodeResolver(tmp_path, ["package.json", "src/index.js", "src/x.js"])
    assert resolver.resolve("src/index.js", "#x")[:2] == (TargetKind.INTERNAL, "src/x.js")


# -- random nesting: parse_bytes never raises ----------------------------------------------------------

# Each wrapper nests the expression it wraps one or two levels deeper, whatever wraps it next: the
# low-precedence forms are parenthesised, or `a ? X : 2 + 1` would put the next layer's `+ 1` beside X
# (on the 2) instead of around it, and `!a ? X : 2` would negate `a` alone.
_WRAPPERS = {
    "python": ("[{}]", "f({})", "({})", "{} + 1", "1 + ({})", "(lambda: {})", "x.a({})", "(not {})"),
    "node": ("[{}]", "f({})", "({})", "{} + 1", "1 + ({})", "(() => {})", "x.a({})", "(a ? {} : 2)", "!({})"),
}


@settings(max_examples=25, deadline=None)
@given(
    language=st.sampled_from(["python", "javascript", "typescript"]),
    layers=st.lists(st.integers(min_value=0, max_value=8), min_size=1, max_size=40),
    repeat=st.integers(min_value=1, max_value=400),
)
def test_random_nesting_never_raises(language: str, layers: list[int], repeat: int) -> None:
    wrappers = _WRAPPERS[_family(language)]
    expression = '"SELECT 1"'
    for index in layers * repeat:
        expression = wrappers[index % len(wrappers)].format(expression)
    source = f"value = {expression}\n" if language == "python" else f"const value = {expression};\n"
    data = source.encode()
    facts, findings = parse_bytes(
        SourceFile(f"f.{EXTENSION[language]}", Language(language), Scope.APPLICATION, len(data)), data
    )
    assert facts is not None
    assert (facts.too_deep is not None) == any(f.rule == "PARSE002" for f in findings)
    if len(layers) * repeat > MAX_NESTING:  # each layer nests one or two levels
        assert facts.too_deep is not None
    if 2 * len(layers) * repeat + 10 < MAX_NESTING:
        assert facts.too_deep is None
