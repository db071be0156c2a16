"""The reference Conduit apps satisfy every static verifier at the paper's L3 with nothing above info, judged
in the paper's harness: a PostgreSQL task ships the `.env` the app loads (its `tasks/postgres.env`); without
it the app falls back to SQLite there and fails the PostgreSQL task."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import cdverify
from cdverify.config import build_config

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
APPS = ("conduit-flask-clean", "conduit-express-clean")
POSTGRES_TASKS = {
    "conduit-flask-clean": "python-flask-openapi-clean_architecture-postgres-sqlalchemy",
    "conduit-express-clean": "node-express-openapi-clean_architecture-postgres-sequelize",
}


def _task_copy(app: str, tmp_path: Path, env_file: bool) -> Path:
    """The app as a task hands it over: with its `tasks/postgres.env` as `.env` for a PostgreSQL task."""
    copy = tmp_path / app
    shutil.copytree(CORPUS / app, copy, ignore=shutil.ignore_patterns("node_modules", "*.db", "*.sqlite"))
    if env_file:
        shutil.copy(copy / "tasks" / "postgres.env", copy / ".env")
    return copy


@pytest.mark.parametrize(
    ("app", "task"),
    [
        ("conduit-flask-clean", "python-flask-openapi-clean_architecture-sqlite-sqlalchemy"),
        ("conduit-flask-clean", "python-flask-openapi-clean_architecture-postgres-sqlalchemy"),
        ("conduit-express-clean", "node-express-openapi-clean_architecture-sqlite-sequelize"),
        ("conduit-express-clean", "node-express-openapi-clean_architecture-postgres-sequelize"),
    ],
)
def test_reference_app_passes_every_verifier(app: str, task: str, tmp_path: Path) -> None:
    project = _task_copy(app, tmp_path, env_file="-postgres-" in task)
    report = cdverify.verify(project, task, use_cache=False)
    above_info = [f"{f.rule} {f.location} {f.message}" for f in report.findings if f.severity.value != "info"]
    assert above_info == []
    checked = {axis: v.status for axis, v in report.verdicts.items()}
    assert checked == {axis: "pass" for axis in ("framework", "architecture", "database", "orm", "task")}
    judged = [
        f.data["environment"] for f in report.findings if f.constraint == "database" and f.rule != "DB005"
    ]
    assert judged and all(env == {"name": "paper", "variables": {}} for env in judged)


@pytest.mark.parametrize("app", APPS)
def test_reference_app_without_its_env_file_fails_a_postgres_task(app: str) -> None:
    """No `.env`: in the paper's harness (no DATABASE_URL) the app runs on SQLite — DB001, saying where."""
    report = cdverify.verify(CORPUS / app, POSTGRES_TASKS[app], use_cache=False)
    assert report.verdicts["database"].status == "fail"
    (db001,) = [f for f in report.findings if f.rule == "DB001"]
    assert "in the paper's harness environment (no DATABASE_URL" in db001.message
    assert "SQLite" in db001.message
    assert db001.data["environment"] == {"name": "paper", "variables": {}}
    assert db001.data["harness_engines"] == ["sqlite"]
    assert db001.location.path in ("app.py", "src/db.js")


@pytest.mark.parametrize("app", APPS)
def test_a_declared_environment_overrides_the_papers(app: str) -> None:
    """`--env DATABASE_URL=…` (here through the configuration): the app is judged where that is set."""
    config = build_config({"harness_env": {"DATABASE_URL": "postgresql://user:password@db:5432/conduit"}})
    report = cdverify.verify(CORPUS / app, POSTGRES_TASKS[app], config, use_cache=False)
    assert report.verdicts["database"].status == "pass"
    judged = {str(f.data.get("environment")) for f in report.findings if f.constraint == "database"}
    assert (
        "{'name': 'paper', 'variables': {'DATABASE_URL': 'postgresql://user:password@db:5432/conduit'}}"
        in judged
    )
