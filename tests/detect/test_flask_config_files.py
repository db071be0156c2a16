"""Flask configuration files named by a path (issue 18, docs/accuracy.md "The harness decision's written-up
misses (session 2026-12-06 (12))"): `app.config.from_json(os.environ["CONFIG"])` with the run script exporting
`CONFIG=config.json`, or `app.config.from_file("config.json", load=json.load)`, make the file's
`SQLALCHEMY_DATABASE_URI` the app's setting, so its engine is the one the app runs on in the paper's harness.
A path nothing sets, a parser that is not JSON, a loader under an `if` or a file that is not there add nothing.
Small projects written for the tests."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, database_status, inspect_json

PG_TASK = "python-flask-openapi-postgres-sqlalchemy"
REQUIREMENTS = "flask\nflask-sqlalchemy\npsycopg2-binary\n"
PG_CONFIG = '{\n  "SQLALCHEMY_TRACK_MODIFICATIONS": false,\n  "SQLALCHEMY_DATABASE_URI": "postgresql://user:password@postgres:5432/conduit"\n}\n'
SQLITE_CONFIG = '{\n  "SQLALCHEMY_DATABASE_URI": "sqlite:///todos.db"\n}\n'

APP = """import json
import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
app = Flask(__name__)
LOAD
db.init_app(app)


@app.get("/api/health")
def health():
    return {"ok": True}
"""
BY_VARIABLE = 'config_file_name = os.environ["CONFIG"]\napp.config.from_json(config_file_name)'
RUN_SH = "#!/bin/sh\nexport FLASK_ENV=development\nexport CONFIG=config.json\nflask run --host 0.0.0.0 --port 8080\n"


def _app(load: str, config: str = PG_CONFIG, **extra: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": REQUIREMENTS,
        "app.py": APP.replace("LOAD", load),
        "config.json": config,
        **extra,
    }


def _engines(report: dict[str, Any]) -> list[str]:
    return sorted(report["database"]["engines"]) if "database" in report else []


@pytest.mark.parametrize(
    "files",
    [
        _app(BY_VARIABLE, **{"run.sh": RUN_SH}),
        _app('app.config.from_file("config.json", load=json.load)'),
        _app("app.config.from_json(os.environ['CONFIG'])", **{".env": "CONFIG=config.json\n"}),
    ],
    ids=["run-script", "literal-from-file", "dotenv"],
)
def test_a_config_file_named_by_a_path_gives_the_engine(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    report = check(make_project, files, PG_TASK)
    assert database_status(report) == "pass"
    evidence = [
        e for e in inspect_json(make_project, files)["database"]["evidence"] if e["file"] == "config.json"
    ]
    assert [(e["engine"], e["line"]) for e in evidence] == [("postgresql", 3)]


def test_a_sqlite_config_file_fails_a_postgresql_task(make_project: MakeProject) -> None:
    report = check(make_project, _app(BY_VARIABLE, SQLITE_CONFIG, **{"run.sh": RUN_SH}), PG_TASK)
    assert database_status(report) == "fail"
    db001 = [(f["file"], f["line"]) for f in report["findings"] if f["rule"] == "DB001"]
    assert db001 == [("config.json", 2)]


@pytest.mark.parametrize(
    "files",
    [
        _app(BY_VARIABLE),  # nothing sets $CONFIG
        _app('app.config.from_file("config.toml", load=toml.load)', **{"config.toml": "x = 1\n"}),
        _app('if os.getenv("USE_FILE"):\n    app.config.from_file("config.json", load=json.load)'),
        _app('app.config.from_file("settings.json", load=json.load)'),  # not there
    ],
    ids=["unset-variable", "not-json", "under-if", "missing-file"],
)
def test_a_config_file_that_is_not_certain_adds_nothing(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    evidence = inspect_json(make_project, files)["database"]["evidence"]
    assert not [e for e in evidence if e["file"] == "config.json"]
