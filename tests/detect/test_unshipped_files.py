"""A file read at start-up that the project does not ship (issue 18, docs/accuracy.md "The twenty-first
set's disagreements"): `open("config.json")` at module level of the app with config.json git-ignored and
absent raises FileNotFoundError before the app serves, as `Path("settings.json").read_text()` and Node's
`fs.readFileSync("./config.json")` do. Claimed only where certain: a computed or absolute path, a read in a
`try` or under an `if`, a write mode, a file shipped or written by the app or a start script, or a read in
a request handler claims nothing. Small projects written for the test."""

from __future__ import annotations

import pytest
from reports import MakeProject, check, database_status, only

PY_TASK = "python-flask-openapi-postgres-sqlalchemy"
NODE_TASK = "express-openapi-postgres"
PG_URL = "postgresql://user:password@postgres:5432/notes"
DB = f"""from sqlalchemy import create_engine

engine = create_engine("{PG_URL}")
"""
APP = """import json

from flask import Flask

from db import engine

app = Flask(__name__)
READ


@app.get("/health")
def health():
    with engine.connect() as conn:
        return {"ok": conn.exec_driver_sql("SELECT 1").scalar()}
"""


def _flask(read: str, **extra: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "flask\nsqlalchemy\npsycopg2-binary\n",
        ".gitignore": "settings.json\n",
        "app.py": APP.replace("READ", read),
        "db.py": DB,
        **extra,
    }


OPEN = 'with open("settings.json", encoding="utf-8") as handle:\n    settings = json.load(handle)\n'


@pytest.mark.parametrize(
    "read",
    [
        OPEN,
        'settings = json.load(open("settings.json"))\n',
        'settings = json.loads(Path("settings.json").read_text())\n',
    ],
)
def test_a_file_read_at_start_up_that_is_not_shipped_stops_the_app(
    make_project: MakeProject, read: str
) -> None:
    files = _flask("from pathlib import Path\n" + read if "Path(" in read else read)
    db001 = only(check(make_project, files, PY_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "reads settings.json, which the project does not ship and nothing writes" in db001["message"]


def test_another_read_of_the_file_through_a_built_path_writes_nothing(make_project: MakeProject) -> None:
    secret = (
        "import json\nimport os\n\n"
        'with open(os.path.join(os.path.dirname(__file__), "settings.json")) as handle:\n'
        '    SECRET = json.load(handle)["secret"]\n'
    )
    files = _flask("import secrets_file\n" + OPEN, **{"secrets_file.py": secret})
    db001 = only(check(make_project, files, PY_TASK), "DB001")
    assert "reads settings.json, which the project does not ship and nothing writes" in db001["message"]


@pytest.mark.parametrize(
    ("read", "extra"),
    [
        (OPEN, {"settings.json": "{}"}),  # shipped
        (
            'try:\n    settings = json.load(open("settings.json"))\nexcept FileNotFoundError:\n    settings = {}\n',
            {},
        ),  # a handled failure
        (
            'import os\n\nif os.path.exists("settings.json"):\n    settings = json.load(open("settings.json"))\n',
            {},
        ),  # checked first
        ('import os\n\nsettings = json.load(open(os.environ.get("SETTINGS", "x.json")))\n', {}),  # computed
        ('settings = json.load(open("/etc/notes/settings.json"))\n', {}),  # absolute
        ('with open("settings.json", "w") as out:\n    json.dump({}, out)\n' + OPEN, {}),  # the app writes it
        ('\n\ndef load():\n    return json.load(open("settings.json"))\n', {}),  # not run at start-up
        (OPEN, {"run.sh": "#!/bin/sh\ncp settings.example.json settings.json\npython app.py\n"}),  # made
    ],
)
def test_a_read_that_may_find_its_file_claims_nothing(
    make_project: MakeProject, read: str, extra: dict[str, str]
) -> None:
    assert database_status(check(make_project, _flask(read, **extra), PY_TASK)) == "pass"


NODE_INDEX = """const fs = require('fs');
const express = require('express');
const { Pool } = require('pg');

READ
const pool = new Pool({ connectionString: process.env.DATABASE_URL || 'PG_URL' });
const app = express();
app.get('/health', async (req, res) => res.json((await pool.query('SELECT 1 AS ok')).rows));
app.listen(3000);
""".replace("PG_URL", PG_URL)


def _express(read: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "notes", "main": "index.js", "dependencies": {"express": "4", "pg": "8"}}',
        "index.js": NODE_INDEX.replace("READ", read),
    }


def test_node_reading_an_unshipped_file_at_start_up_stops_the_app(make_project: MakeProject) -> None:
    files = _express("const keys = JSON.parse(fs.readFileSync('./keys.json', 'utf8'));")
    db001 = only(check(make_project, files, NODE_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "reads ./keys.json" in db001["message"]


@pytest.mark.parametrize(
    "read",
    [
        "let keys = {};\ntry {\n  keys = JSON.parse(fs.readFileSync('./keys.json', 'utf8'));\n} catch (e) {}",
        "const keys = fs.existsSync('./keys.json') ? JSON.parse(fs.readFileSync('./keys.json', 'utf8')) : {};",
        "const keys = JSON.parse(fs.readFileSync(require('path').join(__dirname, 'keys.json'), 'utf8'));",
    ],
)
def test_node_reading_a_file_it_guards_claims_nothing(make_project: MakeProject, read: str) -> None:
    assert database_status(check(make_project, _express(read), NODE_TASK)) == "pass"
