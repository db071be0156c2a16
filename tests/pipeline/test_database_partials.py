"""The database detector's per-file reads of code kept between runs (detect/database/code.py, a `FileMemo`):
a read is served again only while its file, its scope and every name it looked up in other files'
assignments (walks memoised for another file included) hold the same, so a report built from kept reads
equals the report built afresh, on every corpus app; and a check that ignores those names is caught."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from reports import CORPUS, file_memos
from reports import CORPUS_APPS as APPS

from cdverify.config import load_config
from cdverify.detect import database
from cdverify.detect.database import code as code_module
from cdverify.detect.database.collection import Collection
from cdverify.detect.database.report import DatabaseReport
from cdverify.detect.database.values import Values
from cdverify.pipeline import analyse

# a configuration key set from a name another module assigns a URL to
ELSEWHERE = {
    "requirements.txt": "flask\nflask-sqlalchemy\npsycopg2\n",
    "app/__init__.py": "",
    "app/config.py": "import os\n\nDATABASE_URL = os.environ.get('DATABASE_URL', 'postgresql://db/app')\n",
    "app/settings.py": "from app.config import DATABASE_URL\n\nSQLALCHEMY_DATABASE_URI = DATABASE_URL\n",
}


def _runs(
    root: Path, folder: Path
) -> tuple[DatabaseReport, Callable[[], DatabaseReport], Callable[[], DatabaseReport]]:
    """The report afresh; a function reading the project with kept reads, first as a project whose names
    were assigned nowhere (the reads kept then), then as it is; and one reading it as it is."""
    analysis = analyse(root, load_config(root), use_cache=False, jobs=1)
    facts, scopes, manifests, graph = analysis.facts, analysis.scopes, analysis.manifests, analysis.graph
    memo_of = file_memos(facts, folder)

    fresh = database.collect(facts, scopes, manifests, graph, root)

    def kept() -> DatabaseReport:
        real = Values.__init__

        def unassigned(self: Values, *args: object, **kwargs: object) -> None:
            real(self, *args, **kwargs)  # type: ignore[arg-type]
            self.assigned = {}

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Values, "__init__", unassigned)
            database.collect(facts, scopes, manifests, graph, root, memo_of)
        return again()

    def again() -> DatabaseReport:
        return database.collect(facts, scopes, manifests, graph, root, memo_of)

    return fresh, kept, again


def _root(app: str, make_project: Callable[[dict[str, str | bytes]], Path]) -> Path:
    return CORPUS / app if app in APPS else make_project(dict(ELSEWHERE))


@pytest.mark.parametrize("app", [*APPS, "elsewhere"])
def test_kept_reads_are_served_only_while_what_they_looked_up_holds(
    app: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_project: Callable[..., Path]
) -> None:
    root = _root(app, make_project)
    fresh, kept, again = _runs(root, tmp_path / "partials")
    if app == "elsewhere":  # the URL found through the other module's assignment
        assert "postgresql" in fresh.uses, fresh.uses
    assert kept() == fresh
    reads: list[Collection] = []
    real = Collection.reading
    monkeypatch.setattr(Collection, "reading", lambda self: reads.append(self) or real(self))
    assert again() == fresh
    assert reads == []  # nothing changed since: every file's read served


def test_a_check_that_ignores_what_a_read_looked_up_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_project: Callable[..., Path]
) -> None:
    """Served while the file and its scope are the same, some project's kept reads give another report:
    the test above fails on such a key."""
    monkeypatch.setattr(code_module.Assigned, "same", lambda *a: True)
    wrong = []
    for app in [*APPS, "elsewhere"]:
        fresh, kept, _ = _runs(_root(app, make_project), tmp_path / app)
        if kept() != fresh:
            wrong.append(app)
    assert wrong
