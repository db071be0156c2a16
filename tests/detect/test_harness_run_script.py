"""The run script's environment in the harness (issue 18, session 2026-12-06 (11)). The paper's harness
starts the server with `./run.sh`; the variables the script gives the server (`export DATABASE_URL=…`,
`DATABASE_URL=… exec uvicorn …`, `set -a` around assignments or a sourced env file, `export $(cat
.env.example | xargs)`, `${DATABASE_URL:-…}` defaults) are what the application sees there, over its `.env`
files and the defaults in code. Before, an app whose run.sh exports its PostgreSQL URL failed a PostgreSQL
task as unable to start. Each case has its counterpart: a plain assignment that is not exported, an export
after the server's command, a default the declared environment overrides. The projects are small synthetic
ones written for these tests."""

from __future__ import annotations

import pytest
from reports import MakeProject, check, database_status, only

from cdverify import run_script
from cdverify.config import build_config
from cdverify.pipeline import verify

PG_TASK = "python-fastapi-openapi-postgres-sqlalchemy"
NODE_PG_TASK = "express-openapi-postgres"
PG_URL = "postgresql://user:password@postgres:5432/conduit"
REQUIREMENTS = "fastapi==0.110.0\nuvicorn==0.29.0\nsqlalchemy==2.0.29\npsycopg2-binary==2.9.9\n"
DB = """import os

from sqlalchemy import create_engine
from sqlalchemy.orm import declarative_base, sessionmaker

engine = create_engine(os.environ["DATABASE_URL"])
SessionLocal = sessionmaker(bind=engine)
Base = declarative_base()
"""
MAIN = """from fastapi import FastAPI

from app.db import Base, engine

app = FastAPI()
Base.metadata.create_all(bind=engine)


@app.get("/api/health-check")
def health():
    return {"ok": True}
"""
SERVE = "exec uvicorn app.main:app --host 0.0.0.0 --port 8080\n"


def _python(run: str, **extra: str) -> dict[str, str | bytes]:
    script = f'#!/usr/bin/env bash\nset -euo pipefail\ncd "$(dirname "$0")"\n{run}'
    return {
        "requirements.txt": REQUIREMENTS,
        "app/__init__.py": "",
        "app/db.py": DB,
        "app/main.py": MAIN,
        "run.sh": script,
        **extra,
    }


@pytest.mark.parametrize(
    "run",
    [
        f'export DATABASE_URL="{PG_URL}"\n{SERVE}',
        f"DATABASE_URL={PG_URL} {SERVE}",
        f"exec env DATABASE_URL={PG_URL} uvicorn app.main:app --host 0.0.0.0 --port 8080\n",
        f"set -a\nDATABASE_URL={PG_URL}\nset +a\n{SERVE}",
        f"DATABASE_URL={PG_URL}\nexport DATABASE_URL\n{SERVE}",
        f'DB_HOST=postgres\nexport DATABASE_URL="postgresql://user:password@${{DB_HOST}}:5432/conduit"\n{SERVE}',
        f'export DATABASE_URL="${{DATABASE_URL:-{PG_URL}}}"\n{SERVE}',
        f'if [ -z "${{DATABASE_URL:-}}" ]; then\n  export DATABASE_URL="{PG_URL}"\nfi\n{SERVE}',
    ],
)
def test_a_url_the_run_script_gives_the_server_starts_the_app(make_project: MakeProject, run: str) -> None:
    report = check(make_project, _python(run), PG_TASK)
    assert database_status(report) == "pass", report["findings"]


@pytest.mark.parametrize(
    "run",
    [
        SERVE,  # nothing sets it
        f"DATABASE_URL={PG_URL}\n{SERVE}",  # a shell variable, not exported: the server never sees it
        f"DATABASE_URL={PG_URL} alembic upgrade head\n{SERVE}",  # given to another command only
        f"uvicorn app.main:app --host 0.0.0.0 --port 8080\nexport DATABASE_URL={PG_URL}\n",  # after the start
    ],
)
def test_a_url_the_server_does_not_get_leaves_it_unable_to_start(make_project: MakeProject, run: str) -> None:
    db001 = only(check(make_project, _python(run), PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "needs $DATABASE_URL, which is unset there" in db001["message"]


@pytest.mark.parametrize(
    "run",
    [
        f"set -a\n. ./.env.example\nset +a\n{SERVE}",
        f"set -o allexport\nsource .env.example\nset +o allexport\n{SERVE}",
        f"export $(grep -v '^#' .env.example | xargs)\n{SERVE}",
        f"export $(cat .env.example | xargs)\n{SERVE}",
    ],
)
def test_an_env_file_the_run_script_exports_is_the_servers(make_project: MakeProject, run: str) -> None:
    files = _python(run, **{".env.example": f"# copy me\nDATABASE_URL={PG_URL}\n"})
    assert database_status(check(make_project, files, PG_TASK)) == "pass"


def test_an_env_file_sourced_without_allexport_is_not_exported(make_project: MakeProject) -> None:
    files = _python(f". ./.env.example\n{SERVE}", **{".env.example": f"DATABASE_URL={PG_URL}\n"})
    assert only(check(make_project, files, PG_TASK), "DB001")["harness_engines"] == []


def test_a_sqlite_url_the_run_script_exports_fails_a_postgres_task_naming_it(
    make_project: MakeProject,
) -> None:
    files = _python(f'export DATABASE_URL="sqlite:///./conduit.db"\n{SERVE}')
    db001 = only(check(make_project, files, PG_TASK), "DB001")
    assert "SQLite" in db001["message"]
    assert "run.sh:4" in db001["message"]
    assert "run.sh:4" in db001["hint"]  # the fix is there: a `.env` or a default in code would not win
    assert PG_URL in db001["hint"]


def test_a_default_in_the_run_script_is_what_the_harness_runs_unless_the_environment_sets_it(
    make_project: MakeProject,
) -> None:
    files = _python(f'export DATABASE_URL="${{DATABASE_URL:-sqlite:///./conduit.db}}"\n{SERVE}')
    db001 = only(check(make_project, files, PG_TASK), "DB001")
    assert db001["harness_engines"] == ["sqlite"]
    assert "run.sh:4" in db001["hint"]
    declared = build_config({"harness_env": {"DATABASE_URL": PG_URL}})
    assert (
        verify(make_project(files), PG_TASK, declared, use_cache=False).verdicts["database"].status == "pass"
    )


def test_a_run_script_export_wins_over_the_env_file(make_project: MakeProject) -> None:
    files = _python(
        f'export DATABASE_URL="sqlite:///./conduit.db"\n{SERVE}', **{".env": f"DATABASE_URL={PG_URL}\n"}
    )
    assert database_status(check(make_project, files, PG_TASK)) == "fail"
    files = _python(f'export DATABASE_URL="{PG_URL}"\n{SERVE}', **{".env": "DATABASE_URL=sqlite:///./x.db\n"})
    assert database_status(check(make_project, files, PG_TASK)) == "pass"


# -- Node: a start-up check on the variable, and a required secret ---------------------------------------

PACKAGE = (
    '{"name": "app", "scripts": {"start": "node src/index.js"}, "dependencies": {"express": "4", "pg": "8"}}'
)
INDEX = """const express = require('express');
const { Pool } = require('pg');

if (!process.env.DATABASE_URL) {
  throw new Error('DATABASE_URL is required');
}
if (!process.env.JWT_SECRET) {
  throw new Error('JWT_SECRET is required');
}
const pool = new Pool({ connectionString: process.env.DATABASE_URL });
const app = express();
app.get('/api/health-check', async (req, res) => res.json((await pool.query('SELECT 1 AS ok')).rows));
app.listen(3000);
"""


@pytest.mark.parametrize(
    ("run", "status"),
    [
        (f"export DATABASE_URL={PG_URL}\nexport JWT_SECRET=dev-secret\nexec node src/index.js\n", "pass"),
        (f"DATABASE_URL={PG_URL} JWT_SECRET=dev exec npm start\n", "pass"),
        (f"export DATABASE_URL={PG_URL}\nexec node src/index.js\n", "fail"),  # JWT_SECRET still unset
        (
            f'export DATABASE_URL={PG_URL}\nexport JWT_SECRET="$(openssl rand -hex 32)"\nexec node src/index.js\n',
            "pass",
        ),
    ],
)
def test_node_start_up_checks_see_the_run_scripts_exports(
    make_project: MakeProject, run: str, status: str
) -> None:
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "src/index.js": INDEX,
        "run.sh": f"#!/bin/sh\n{run}",
    }
    report = check(make_project, files, NODE_PG_TASK)
    assert database_status(report) == status, report["findings"]


# -- the shell reading itself -------------------------------------------------------------------------------


def test_expansions() -> None:
    variables = {"SET": "x", "EMPTY": ""}
    assert run_script.expand("${SET:-d}/${UNSET:-d}/${EMPTY:-d}/${EMPTY-d}", variables) == "x/d/d/"
    assert run_script.expand("${SET:+on}${UNSET:+on}|$SET|${SET}", variables) == "on|x|x"
    assert run_script.expand("${UNSET:=given}", variables) == "given" and variables["UNSET"] == "given"
    assert run_script.expand("p://${HOST:-${FALLBACK:-db}}:5432", {}) == "p://db:5432"
    assert run_script.expand("$(cat secret)", {}) == run_script.UNKNOWN
    assert run_script.expand("`whoami`", {}) == run_script.UNKNOWN


def test_hostile_values_end_quickly() -> None:
    """Expansions nested deeper than any run script's, or a value of megabytes, are not read: UNKNOWN."""
    deep = "${A:-" * 100_000 + "x" + "}" * 100_000
    assert run_script.expand(deep, {}) == run_script.UNKNOWN
    nested = "${A:-" * 20 + "x" + "}" * 20
    assert run_script.expand(nested, {}) == run_script.UNKNOWN  # deeper than 16 levels: left unread
    text = "#!/bin/sh\nexport DATABASE_URL=" + "${X:-" * 50_000 + "}" * 50_000 + "\nexec node s.js\n"
    steps = run_script.assignments(text, lambda _path: ())
    assert run_script.environment(steps, {}) == {"DATABASE_URL": run_script.UNKNOWN}
    many = "#!/bin/sh\n" + "".join(f"export V{n}={n}\n" for n in range(50_000)) + "exec node s.js\n"
    assert run_script.assignment_lines(many)["V49999"] == 50_001  # one pass, not a search per variable


def test_assignments_follow_the_script_up_to_the_server() -> None:
    text = (
        "#!/bin/bash\n# export COMMENTED=1\ncd backend\nset -a\n. .env.local\nset +a\n"
        "LOCAL=1\nexport A=1 B\nPORT=8080 exec node server.js\nexport AFTER=1\n"
    )
    steps = run_script.assignments(text, lambda path: [("FROM_FILE", path)])
    assert [(s.name, s.value, s.exported) for s in steps] == [
        ("FROM_FILE", "backend/.env.local", True),
        ("LOCAL", "1", False),
        ("A", "1", True),
        ("B", None, True),
        ("PORT", "8080", True),
    ]
    assert run_script.environment(steps, {"LOCAL": "inherited"}) == {
        "FROM_FILE": "backend/.env.local",
        "LOCAL": "1",  # a variable of the environment stays exported when assigned
        "A": "1",
        "PORT": "8080",
    }
    assert run_script.line_of(text, "A=1") == 8
