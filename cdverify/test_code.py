"""Test code that no path places, found once the files are parsed (rules/scopes.toml `[test_code]`).

Discovery gives a file its scope by its folders and name (`tests/`, `*.test.ts`). Two kinds of test code
escape that: a test file named by a test runner's own configuration (`src/integration/nodes.integration.ts`,
run by a second vitest config), which imports the runner at module level (`vitest`, `@jest/globals`,
`pytest`; a Flask CLI command importing pytest in its body to run the tests is no test); and a
test-support module beside the application's (`src/db/test-db.ts` building an in-memory database for the
tests, `testUtils.ts`, `factories.py`), whose name says so and which only tests import. Both are test code:
their SQL, layers and imports are not the application's. A support module the application imports as well
stays application code (it runs in the app), as does one nothing imports (no importer says what it is for);
a file a user's `[scopes]` glob placed keeps that scope.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from fnmatch import fnmatch
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.config import Config
from cdverify.model import Family, FileFacts, Scope
from cdverify.rules_schema import Scopes

if TYPE_CHECKING:
    from cdverify.discover import Project
    from cdverify.resolve.graph import ImportGraph

# helpers of test helpers (`test-db.ts` imported by `test-utils.ts` imported by the tests): a few deep
_SUPPORT_DEPTH = 3

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def name_words(path: str) -> list[str]:
    """The lower-cased words of a file's name without its last extension: `src/db/testDb.ts` → test, db;
    `test-utils.ts` → test, utils; `contest.ts` → contest; `project.mock.ts` → project, mock."""
    name = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return [word.lower() for word in _WORD.findall(name)]


def with_test_code(
    project: Project, facts: Mapping[str, FileFacts], graph: ImportGraph, config: Config
) -> Project:
    """`project`, where an application file importing a test runner at module level that no application
    module imports, and then an application module named for tests that only test files import (at least
    one), are in the `test` scope."""
    rules = load_rules(Scopes).test_code
    scopes = {f.path: f.scope for f in project.files}
    placed = placed_by_user(config)
    test_named = _test_named()
    runners = {Family.NODE: frozenset(rules.node_runners), Family.PYTHON: frozenset(rules.python_runners)}
    importers: dict[str, set[str]] = {}
    for edge in graph.internal_edges():
        if edge.target is not None and edge.target != edge.source:
            importers.setdefault(edge.target, set()).add(edge.source)
    # the runner imported at module level (a CLI command importing pytest in its body to run the tests is
    # no test), and no application module importing the file
    tests = {
        path
        for path, file_facts in facts.items()
        if scopes.get(path) is Scope.APPLICATION
        and not placed(path)
        and any(
            fact.specifier in runners[file_facts.language.family] and not fact.in_function
            for fact in file_facts.imports
        )
        and (
            all(scopes.get(source) is Scope.TEST for source in importers.get(path, ()))
            or test_named(path.rsplit("/", 1)[-1])  # named like a test, joined by an import: a test still
        )
    }
    words = frozenset(rules.support_words)
    candidates = [
        path
        for path in sorted(importers)
        if scopes.get(path) is Scope.APPLICATION
        and path not in tests
        and words.intersection(name_words(path))
        and not placed(path)
    ]
    for _ in range(_SUPPORT_DEPTH):
        found = [
            path
            for path in candidates
            if path not in tests
            and all(source in tests or scopes.get(source) is Scope.TEST for source in importers[path])
        ]
        if not found:
            break
        tests.update(found)
    if not tests:
        return project
    files = tuple(f._replace(scope=Scope.TEST) if f.path in tests else f for f in project.files)
    return replace(project, files=files)


def _test_named() -> Callable[[str], bool]:
    """Whether a file name is one of the test scope's `joining_files` (`test_*.py`): such a module the
    application imports joined it (discover.with_imported_code), unless it imports a test runner."""
    patterns = load_rules(Scopes).scopes[Scope.TEST.value].joining_files
    return lambda name: any(fnmatch(name, pattern) for pattern in patterns)


def placed_by_user(config: Config) -> Callable[[str], bool]:
    """Whether a user's `[scopes]` glob names the file (its scope then stands)."""
    if not config.scope_overrides:
        return lambda _path: False
    from pathspec import PathSpec

    spec = PathSpec.from_lines("gitignore", [glob for glob, _scope in config.scope_overrides])
    return lambda path: bool(spec.match_file(path))
