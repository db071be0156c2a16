"""A plain `check` loads only what it uses (issue 17: on a small app, start-up is most of the time). Each
run is a fresh interpreter whose `sys.modules` is read after the command: a module imported at the top of
a module the command needs, for a feature it did not ask for, fails here. Each test also shows the probe
can see the module it forbids: the run that does use it has it loaded."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cdverify.sql import memo as memo_module

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
TASK = ("--task", "python-flask-openapi-clean_architecture")

# never loaded by `check` without --baseline, --since or --fix-diff: other commands' code and extras
NOT_FOR_A_CHECK = (
    "cdverify.baseline",
    "cdverify.revision",
    "cdverify.fixes",
    "cdverify.contract.runner",
    "cdverify.contract.server",
    "cdverify.contract.environments",
    "cdverify.grading",
    "cdverify.mcp_server",
    "cdverify.evaluate",
    "rich",
    "httpx",
    "py_mini_racer",
    "psutil",
    "jinja2",
    "networkx",
)
# discovery, the analysis and the (JSON) reporter: a result-cache hit needs none of them
ANALYSIS = (
    "cdverify.discover",
    "cdverify.gitfiles",
    "cdverify.pipeline",
    "cdverify.analysis",
    "cdverify.parse",
    "cdverify.detect.framework",
    "cdverify.verifiers.architecture",
    "cdverify.report.json",
    "tree_sitter",
    "sqlglot",
)

# loaded for what the project holds only: the SQL classifier for a string at a raw-SQL sink, the Node
# resolver (json5 with it, for a tsconfig) for JavaScript and TypeScript, subprocess to ask git in a repository
FOR_WHAT_IS_THERE = ("cdverify.sql.classify", "cdverify.resolve.node.resolver", "json5", "subprocess")

# the other language's readers: a Python project never loads the JavaScript and TypeScript fact readers
JS_READERS = ("cdverify.parse.jscode", "cdverify.parse.javascript")
# a grammar package's `__init__` imports importlib.resources (tempfile, shutil, …) for highlight queries
# cdverify never reads: its compiled binding is loaded by itself; shutil is for the cache folder's clean-up
NOT_FOR_A_GRAMMAR = ("tree_sitter_python", "importlib.resources", "tempfile", "shutil")

# RACY_NS: a copied project's files were changed just now; the cache would (rightly) not keep the result
PROBE = """
import json, sys
from cdverify import results
from cdverify.cli import main
results.RACY_NS = 0
sys.argv = ["cdverify", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _loaded(tmp_path: Path, *args: str) -> set[str]:
    env = {**os.environ, "CDVERIFY_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args, "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert (tmp_path / "out").is_file(), done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def _app(tmp_path: Path, name: str) -> str:
    root = tmp_path / name
    shutil.copytree(CORPUS / name, root, symlinks=True)
    return str(root)


def test_a_plain_check_loads_no_other_feature_and_no_sql_parser_without_sql(tmp_path: Path) -> None:
    loaded = _loaded(tmp_path, "check", _app(tmp_path, "conduit-flask-clean"), *TASK, "--no-cache")
    assert {"cdverify.pipeline", "tree_sitter"} <= loaded  # it did analyse
    assert not set(NOT_FOR_A_CHECK) & loaded, sorted(set(NOT_FOR_A_CHECK) & loaded)
    assert "sqlglot" not in loaded  # the app's queries go through its ORM: no string reaches a raw-SQL sink
    # a Python app, outside any git repository (tmp_path), no string at a raw-SQL sink
    assert not set(FOR_WHAT_IS_THERE) & loaded, sorted(set(FOR_WHAT_IS_THERE) & loaded)


def test_the_sql_parser_and_the_baseline_load_when_they_are_needed(tmp_path: Path) -> None:
    monorepo = _app(tmp_path, "ts-monorepo")  # raw SQL at a sink
    loaded = _loaded(tmp_path, "check", monorepo, "--architecture", "clean_architecture", "--no-cache")
    assert "sqlglot" in loaded
    assert {"cdverify.sql.classify", "cdverify.resolve.node.resolver", "json5"} <= loaded
    assert not set(NOT_FOR_A_CHECK) & loaded, sorted(set(NOT_FOR_A_CHECK) & loaded)
    flask = _app(tmp_path, "conduit-flask-clean")
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"version": 1, "findings": []}), encoding="utf-8")
    with_baseline = _loaded(tmp_path, "check", flask, *TASK, "--no-cache", "--baseline", str(baseline))
    assert "cdverify.baseline" in with_baseline


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_is_asked_inside_a_repository_only(tmp_path: Path) -> None:
    root = _app(tmp_path, "conduit-flask-clean")
    outside = _loaded(tmp_path, "check", root, *TASK, "--no-cache", "--format", "json")
    walked = (tmp_path / "out").read_text(encoding="utf-8")
    assert "subprocess" not in outside
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    inside = _loaded(tmp_path, "check", root, *TASK, "--no-cache", "--format", "json")
    assert "subprocess" in inside
    assert (tmp_path / "out").read_text(encoding="utf-8") == walked  # git lists what the walk found


def test_the_toml_reader_loads_for_a_toml_file_only(tmp_path: Path) -> None:
    """Once the catalogues are kept in the cache folder (the first run parses their TOML), the TOML
    reader loads for a project's own TOML file (a manifest, a configuration) only."""
    root = _app(tmp_path, "conduit-flask-clean")
    _loaded(tmp_path, "check", root, *TASK, "--no-cache")
    assert "tomllib" not in _loaded(tmp_path, "check", root, *TASK, "--no-cache")
    Path(root, "pyproject.toml").write_text('[project]\nname = "conduit"\n', encoding="utf-8")
    assert "tomllib" in _loaded(tmp_path, "check", root, *TASK, "--no-cache")


def test_a_result_cache_hit_loads_neither_the_analysis_nor_a_reporter(tmp_path: Path) -> None:
    root = _app(tmp_path, "ts-monorepo")
    args = ("check", root, "--architecture", "clean_architecture", "--format", "json")
    miss = _loaded(tmp_path, *args)
    first = (tmp_path / "out").read_text(encoding="utf-8")
    assert set(ANALYSIS) <= miss  # the first run analyses, SQL and all
    hit = _loaded(tmp_path, *args)
    assert (tmp_path / "out").read_text(encoding="utf-8") == first
    assert not set(ANALYSIS) & hit, sorted(set(ANALYSIS) & hit)
    assert not set(NOT_FOR_A_CHECK) & hit, sorted(set(NOT_FOR_A_CHECK) & hit)


# an edit that changes the file's facts (an edit that keeps them is served: tests/pipeline/test_same_facts.py)
EDIT = '\nimport "node:path";\n'


def _memo_file(tmp_path: Path) -> Path:
    [memo] = (tmp_path / "cache").glob(f"facts-*/{memo_module.FILE}")
    return memo


def test_an_edit_answers_the_sql_it_met_before_without_the_sql_parser(tmp_path: Path) -> None:
    """The result cache misses after an edit; the SQL verdicts of the first run are remembered with the
    project's facts (cdverify/sql/memo.py), so sqlglot is not loaded, and the output is that of a fresh
    analysis of the edited project."""
    root = _app(tmp_path, "ts-monorepo")
    args = ("check", root, "--architecture", "clean_architecture", "--format", "json")
    assert "sqlglot" in _loaded(tmp_path, *args)
    health = Path(root, "apps/api/src/handlers/health.handler.ts")
    health.write_text(health.read_text(encoding="utf-8") + EDIT, encoding="utf-8")
    edited = _loaded(tmp_path, *args)
    remembered = (tmp_path / "out").read_text(encoding="utf-8")
    assert "cdverify.pipeline" in edited  # a result-cache miss: the project was analysed again
    assert "sqlglot" not in edited
    assert "sqlglot" in _loaded(tmp_path, *args, "--no-cache")  # --no-cache reads no memo
    assert (tmp_path / "out").read_text(encoding="utf-8") == remembered


def test_the_memo_keeps_this_runs_verdicts_and_a_broken_one_is_ignored(tmp_path: Path) -> None:
    root = _app(tmp_path, "ts-monorepo")
    args = ("check", root, "--architecture", "clean_architecture", "--format", "json")
    _loaded(tmp_path, *args, "--no-cache")
    assert not list((tmp_path / "cache").glob(f"facts-*/{memo_module.FILE}"))  # --no-cache writes none
    _loaded(tmp_path, *args)
    fingerprint, verdicts = pickle.loads(_memo_file(tmp_path).read_bytes())
    assert sorted((v.statement, v.tables) for v in verdicts.values()) == [
        ("CREATE TABLE", ("articles",)),
        ("INSERT", ("articles",)),
        ("SELECT", ("articles",)),
        ("SELECT", ("articles",)),
        ("SELECT", ("articles",)),
    ]
    _memo_file(tmp_path).write_bytes(b"not a pickle")
    for kept in (tmp_path / "cache").glob("facts-*/partial-orm-*.pickle"):
        kept.unlink()  # the ORM detector's kept reads hold the statements' verdicts too
    health = Path(root, "apps/api/src/handlers/health.handler.ts")
    health.write_text(health.read_text(encoding="utf-8") + EDIT, encoding="utf-8")
    assert "sqlglot" in _loaded(tmp_path, *args)  # nothing remembered: parsed again
    analysed = (tmp_path / "out").read_text(encoding="utf-8")
    _loaded(tmp_path, *args, "--no-cache")
    assert (tmp_path / "out").read_text(encoding="utf-8") == analysed
    assert pickle.loads(_memo_file(tmp_path).read_bytes()) == (fingerprint, verdicts)  # written again


def test_a_check_loads_one_languages_readers_and_no_grammar_package_init(tmp_path: Path) -> None:
    flask = _app(tmp_path, "conduit-flask-clean")
    _loaded(tmp_path, "check", flask, *TASK, "--no-cache")  # the first run writes the catalogues' pickle
    python = _loaded(tmp_path, "check", flask, *TASK, "--no-cache")
    assert {"cdverify.parse.pycode", "tree_sitter"} <= python  # it did parse Python
    assert not (set(JS_READERS) | set(NOT_FOR_A_GRAMMAR)) & python, sorted(
        (set(JS_READERS) | set(NOT_FOR_A_GRAMMAR)) & python
    )
    express = _app(tmp_path, "conduit-express-clean")
    node = _loaded(tmp_path, "check", express, "--architecture", "clean_architecture", "--no-cache")
    assert set(JS_READERS) <= node
    assert not {"tree_sitter_javascript", "tree_sitter_typescript", "tempfile"} & node


GRAMMAR_PROBE = """
import sys
from tree_sitter import Language as TSLanguage
from cdverify.model import Language
from cdverify.parse.treesitter import parser, ts_language
trees = [parser(language).parse(b"import a").root_node.type for language in Language]
loaded = "tree_sitter_python" in sys.modules or "tree_sitter_python._binding" in sys.modules
import tree_sitter_python, tree_sitter_typescript
packages = {
    Language.PYTHON: tree_sitter_python.language(),
    Language.TYPESCRIPT: tree_sitter_typescript.language_typescript(),
    Language.TSX: tree_sitter_typescript.language_tsx(),
}
same = all(ts_language(language) == TSLanguage(pointer) for language, pointer in packages.items())
print(*trees, loaded, same, tree_sitter_python._binding.__name__)
"""


def test_a_grammar_loaded_by_itself_parses_and_its_package_still_imports_as_usual() -> None:
    done = subprocess.run(
        [sys.executable, "-c", GRAMMAR_PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    trees = ["module", "program", "program", "program"]  # Python, JavaScript, TypeScript, TSX
    assert done.stdout.split() == [*trees, "False", "True", "tree_sitter_python._binding"]
