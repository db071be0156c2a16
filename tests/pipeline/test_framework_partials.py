"""The framework detector's per-file reads kept between runs (detect/framework/file_read.py, a `FileMemo`):
a read is served again only while its file and everything it looked at besides (other modules' objects,
the application's constants, `.env` values, the app constructor) are the same, so a report built from
kept reads equals the report built afresh, on every corpus app; and a check that ignores what a read
looked at is caught."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from reports import CORPUS, file_memos
from reports import CORPUS_APPS as APPS

from cdverify.analysis import Analysis
from cdverify.config import load_config
from cdverify.detect import framework
from cdverify.detect.framework import file_read
from cdverify.detect.framework.report import FrameworkReport
from cdverify.detect.tracing import instances_of
from cdverify.model import FileFacts
from cdverify.pipeline import analyse

# route prefixes given by another module's constant and by a `.env` file
PREFIXED = {
    "requirements.txt": "flask\n",
    ".env": "ADMIN_PREFIX=/admin\n",
    "app/__init__.py": "",
    "app/settings.py": "API_PREFIX = '/api'\n",
    "app/main.py": "import os\nfrom flask import Flask, Blueprint\n\napp = Flask(__name__)\n"
    "api = Blueprint('api', __name__, url_prefix=API_PREFIX)\n"
    "admin = Blueprint('admin', __name__, url_prefix=os.getenv('ADMIN_PREFIX', '/adm'))\n\n\n"
    "@api.get('/users')\ndef users():\n    return []\n\n\n@admin.get('/stats')\ndef stats():\n    return {}\n",
}


def _declared(analysis: Analysis) -> dict[str, Any]:
    return {d.name: (d.ecosystem, d.file, d.line) for d in analysis.manifests.dependencies if not d.dev}


def _runs(root: Path, tmp_path: Path) -> tuple[FrameworkReport, Callable[..., FrameworkReport]]:
    """The report afresh, and a function reading the project with kept reads: first as a project whose
    other files knew no objects, constants or `.env` values (the reads kept then), then as it is."""
    analysis = analyse(root, load_config(root), use_cache=False, jobs=1)
    facts, scopes, declared = analysis.facts, analysis.scopes, _declared(analysis)
    settings = analysis.manifests.settings
    memo_of = partial(file_memos(facts, tmp_path), "framework")

    fresh = framework.collect(facts, scopes, declared, analysis.traced, settings)
    # each file's own calls and imports as they are, its constants gone: what it reads of them is looked up
    bare: dict[str, FileFacts] = {path: f._replace(assignments=()) for path, f in facts.items()}
    blind = instances_of({})._replace(heads=analysis.traced.heads)

    def kept() -> FrameworkReport:
        framework.collect(bare, scopes, declared, blind, (), memo_of)
        return framework.collect(facts, scopes, declared, analysis.traced, settings, memo_of)

    return fresh, kept


def _roots(make_project: Callable[[dict[str, str | bytes]], Path]) -> list[Path]:
    return [CORPUS / app for app in APPS] + [make_project(dict(PREFIXED))]


@pytest.mark.parametrize("app", [*APPS, "prefixed"])
def test_kept_reads_are_served_only_while_what_they_read_holds(
    app: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_project: Any
) -> None:
    root = CORPUS / app if app in APPS else make_project(dict(PREFIXED))
    fresh, kept = _runs(root, tmp_path / "partials")
    if app == "prefixed":  # read through the other module's constant and the `.env` file
        assert {"/api", "/admin"} <= set(fresh.prefixes), fresh.prefixes
    assert kept() == fresh
    reads: list[str] = []
    real = file_read.read_file
    monkeypatch.setattr(file_read, "read_file", lambda *a: reads.append(a[0]) or real(*a))
    analysis = analyse(root, load_config(root), use_cache=False, jobs=1)
    facts, scopes = analysis.facts, analysis.scopes
    memo_of = partial(file_memos(facts, tmp_path / "partials"), "framework")

    declared, settings = _declared(analysis), analysis.manifests.settings
    again = framework.collect(facts, scopes, declared, analysis.traced, settings, memo_of)
    assert again == fresh
    assert reads == []  # nothing changed since: every file's read served


@pytest.mark.parametrize("ignored", ["same_answers", "same_looks"])
def test_a_check_that_ignores_what_a_read_looked_at_is_caught(
    ignored: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_project: Any
) -> None:
    """Served while the file is the same, ignoring other modules' objects (or the constants and `.env`
    values it looked up), some app's kept reads give another report: the test above fails on such a key."""
    monkeypatch.setattr(file_read, ignored, lambda *a: True)
    wrong = []
    for root in _roots(make_project):
        fresh, kept = _runs(root, tmp_path / root.name)
        if kept() != fresh:
            wrong.append(root.name)
    assert wrong
