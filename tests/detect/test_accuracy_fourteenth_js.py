"""Patterns of the fourteenth unseen set's JavaScript/TypeScript half (issue 18, docs/accuracy.md "The
fourteenth set's JavaScript/TypeScript patterns"), each with a violating (or missed) case and a clean one, on
small projects written for the tests:

- a module only a command-line script imports (the migration runner class of an `npm run migrate` program)
  is the script's helper: no layer, and its SQL is the scripts', not the application's raw SQL;
- a SQLite file opened at start-up in a folder the project does not have, which no code creates, stops the
  application (better-sqlite3, node's sqlite3 without a callback, Python's sqlite3.connect).
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import (
    MakeProject,
    check,
    database_status,
    database_status_set_and_unset,
    evidence_of,
    inspect_json,
    layers_of,
)

# -- a migration runner only the migrate program imports ------------------------------------------------

PACKAGE = (
    '{"name": "guests", "type": "module", "scripts": {"start": "node dist/index.js",'
    ' "migrate": "tsx src/run-migrations.ts"}, "dependencies": {"express": "4", "better-sqlite3": "11"}}'
)
INDEX = """import express from 'express';
import { openDb } from './db.js';
import { listGuests } from './guests.repository.js';

const db = openDb();
const app = express();
app.get('/guests', (req, res) => res.json(listGuests(db)));
app.listen(3000);
"""
DB = """import Database from 'better-sqlite3';

export const openDb = () => new Database('guests.db');
"""
REPOSITORY = """import type { Database } from 'better-sqlite3';

export const listGuests = (db: Database) => db.prepare('SELECT * FROM guests ORDER BY name').all();
"""
RUNNER = """import type { Database } from 'better-sqlite3';
import { stamp } from './clock.js';

export class Migrator {
  constructor(private db: Database) {}

  pending(): string[] {
    return this.db.prepare('SELECT name FROM applied_migrations').all().map((r: any) => r.name);
  }

  apply(name: string, sql: string): void {
    this.db.exec(sql);
    this.db.prepare('INSERT INTO applied_migrations (name, at) VALUES (?, ?)').run(name, stamp());
  }
}
"""
CLOCK = "export const stamp = () => new Date().toISOString();\n"
RUN = """import { openDb } from './db.js';
import { Migrator } from './migrator.js';

const migrator = new Migrator(openDb());
migrator.apply('001-guests', 'CREATE TABLE IF NOT EXISTS guests (name TEXT)');
"""


def _migrations(index: str = INDEX) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "src/index.ts": index,
        "src/db.ts": DB,
        "src/guests.repository.ts": REPOSITORY,
        "src/migrator.ts": RUNNER,
        "src/clock.ts": CLOCK,
        "src/run-migrations.ts": RUN,
    }


def _sql_scopes(report: dict[str, Any]) -> dict[tuple[str, int], str]:
    return {(item["file"], item["line"]): item["scope"] for item in report["orm"]["raw_sql"]}


def test_a_module_only_a_migrate_script_imports_is_the_scripts(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _migrations())
    evidence = evidence_of(report)
    assert evidence["src/run-migrations.ts"] == "command-line script"
    assert evidence["src/migrator.ts"] == "script helper"
    assert evidence["src/clock.ts"] == "script helper"  # a helper of the helper
    assert "src/migrator.ts" not in layers_of(report)
    assert "src/db.ts" not in evidence  # the server opens it too
    scopes = _sql_scopes(report)
    assert {scope for (file, _line), scope in scopes.items() if file == "src/migrator.ts"} == {"scripts"}
    assert scopes[("src/guests.repository.ts", 3)] == "application"


def test_a_migration_runner_the_server_runs_keeps_its_layer(make_project: MakeProject) -> None:
    index = INDEX.replace(
        "const db = openDb();",
        "import { Migrator } from './migrator.js';\n\nconst db = openDb();\nnew Migrator(db).pending();",
    )
    report = inspect_json(make_project, _migrations(index))
    assert evidence_of(report)["src/migrator.ts"] != "script helper"
    assert layers_of(report)["src/migrator.ts"] == "repositories"
    scopes = _sql_scopes(report)
    assert {scope for (file, _line), scope in scopes.items() if file == "src/migrator.ts"} == {"application"}


# -- a SQLite file in a folder the project does not have -------------------------------------------------

SQLITE_TASK = "express-openapi-sqlite"
FLASK_SQLITE_TASK = "python-flask-openapi-sqlite-sqlalchemy"
NODE_PACKAGE = (
    '{"name": "notes", "scripts": {"start": "START"}, "dependencies": {"express": "4",'
    ' "better-sqlite3": "11", "sqlite3": "5"}}'
)
SERVER = """const express = require('express');
const { db } = require('./db');

const app = express();
app.get('/notes', (req, res) => res.json(db.prepare('SELECT * FROM notes').all()));
app.listen(3000);
"""
BETTER = """const Database = require('better-sqlite3');
PREPARE
const db = new Database(PATH);

module.exports = { db };
"""
MISSING = "whose folder data/ the project does not have and no code creates"


def _node(
    path: str,
    prepare: str = "",
    extra: dict[str, str | bytes] | None = None,
    start: str = "node src/index.js",
) -> dict[str, str | bytes]:
    return {
        "package.json": NODE_PACKAGE.replace("START", start),
        "src/index.js": SERVER,
        "src/db.js": BETTER.replace("PREPARE", prepare).replace("PATH", path),
        **(extra or {}),
    }


def _db001(report: dict[str, Any]) -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule"] == "DB001"]


@pytest.mark.parametrize(
    "path",
    [
        "'./data/notes.db'",
        "'data/notes.db'",
        "process.env.DB_FILE || './data/notes.db'",
        "FILE",
        # built of literals from the module's folder (src/db.js): the project's data/notes.db (session (21))
        "require('path').join(__dirname, '../data/notes.db')",
    ],
)
def test_a_database_file_in_a_folder_the_project_lacks_stops_the_app(
    make_project: MakeProject, path: str
) -> None:
    prepare = "const FILE = './data/notes.db';" if path == "FILE" else ""
    report = check(make_project, _node(path, prepare), SQLITE_TASK)
    assert database_status(report) == "fail"
    assert any(MISSING in message and "better-sqlite3 throws" in message for message in _db001(report))


@pytest.mark.parametrize(
    ("path", "prepare", "extra", "start"),
    [
        ("'./data/notes.db'", "", {"data/.gitkeep": ""}, "node src/index.js"),  # the folder is shipped
        (
            "'./data/notes.db'",
            "require('fs').mkdirSync('data', { recursive: true });",  # created in code
            None,
            "node src/index.js",
        ),
        ("'./data/notes.db'", "", None, "mkdir -p data && node src/index.js"),  # by the start script
        ("':memory:'", "", None, "node src/index.js"),
        ("'/var/lib/notes/notes.db'", "", None, "node src/index.js"),  # absolute: the host's folder
        ("'notes.db'", "", None, "node src/index.js"),  # at the root
        # computed at run time (the user's home folder): not a path of the project
        ("require('path').join(require('os').homedir(), 'notes.db')", "", None, "node src/index.js"),
    ],
    ids=["shipped", "mkdirSync", "mkdir-p", "memory", "absolute", "root", "computed"],
)
def test_a_database_file_whose_folder_is_there_or_made_starts(
    make_project: MakeProject, path: str, prepare: str, extra: dict[str, str | bytes] | None, start: str
) -> None:
    report = check(make_project, _node(path, prepare, extra, start), SQLITE_TASK)
    assert database_status(report) == "pass"
    assert not any(MISSING in message for message in _db001(report))


def test_a_variable_giving_the_path_keeps_the_app_starting(make_project: MakeProject) -> None:
    root = make_project(_node("process.env.DB_FILE ?? './data/notes.db'"))
    assert database_status_set_and_unset(root, SQLITE_TASK, "DB_FILE", "notes.db") == ("pass", "pass")


def test_a_database_opened_per_request_does_not_stop_the_start(make_project: MakeProject) -> None:
    lazy = """const Database = require('better-sqlite3');

function open() {
  return new Database('./data/notes.db');
}

module.exports = { db: { prepare: (sql) => open().prepare(sql) } };
"""
    files = _node("'./data/notes.db'")
    files["src/db.js"] = lazy
    assert database_status(check(make_project, files, SQLITE_TASK)) == "pass"


@pytest.mark.parametrize(
    ("call", "stops"),
    [
        ("new sqlite3.Database('./data/notes.db')", True),
        ("new sqlite3.Database('./data/notes.db', (err) => { if (err) console.error(err); })", False),
    ],
    ids=["no-callback", "callback"],
)
def test_node_sqlite3_stops_only_without_a_callback(
    make_project: MakeProject, call: str, stops: bool
) -> None:
    files = _node("'x'")
    files["src/db.js"] = (
        f"const sqlite3 = require('sqlite3');\n\nconst db = {call};\n\nmodule.exports = {{ db }};\n"
    )
    report = check(make_project, files, SQLITE_TASK)
    assert database_status(report) == ("fail" if stops else "pass")
    assert any("unhandled 'error' event" in message for message in _db001(report)) == stops


FLASK = """import os
import sqlite3

from flask import Flask, jsonify

MAKE
connection = sqlite3.connect("instance/notes.db", check_same_thread=False)
app = Flask(__name__)


@app.get("/notes")
def notes():
    return jsonify(connection.execute("SELECT * FROM notes").fetchall())
"""


@pytest.mark.parametrize(
    ("make", "stops"), [("", True), ('os.makedirs("instance", exist_ok=True)', False)], ids=["lacks", "makes"]
)
def test_python_sqlite3_connect_in_a_missing_folder(
    make_project: MakeProject, make: str, stops: bool
) -> None:
    files: dict[str, str | bytes] = {"app.py": FLASK.replace("MAKE", make), "requirements.txt": "flask\n"}
    report = check(make_project, files, FLASK_SQLITE_TASK)
    assert database_status(report) == ("fail" if stops else "pass")
    assert any("unable to open database file" in message for message in _db001(report)) == stops


def test_a_database_module_only_the_script_imports_yet_keeps_its_layer(make_project: MakeProject) -> None:
    files = _migrations()
    files["src/store.ts"] = (
        "import Database from 'better-sqlite3';\n\nexport const store = new Database('guests.db');\n"
    )
    files["src/run-migrations.ts"] = RUN.replace(
        "import { openDb } from './db.js';", "import { store } from './store.js';"
    )
    files["src/run-migrations.ts"] = str(files["src/run-migrations.ts"]).replace("openDb()", "store")
    report = inspect_json(make_project, files)
    assert evidence_of(report)["src/migrator.ts"] == "script helper"
    assert evidence_of(report).get("src/store.ts") != "script helper"
    assert layers_of(report)["src/store.ts"] == "repositories"


# -- a SQLite file opened in a class's constructor with the path it is handed --------------------------

SERVICE = """import Database from 'better-sqlite3';

export class NotesStore {
  constructor(file) {
    this.db = new Database(file);
  }
}
"""


@pytest.mark.parametrize(
    ("entry", "extra", "stops"),
    [
        ("const store = new NotesStore(process.env.NOTES_DB || './data/notes.db');", {}, True),
        ("const FILE = './data/notes.db';\nconst store = new NotesStore(FILE);", {}, True),
        ("const store = new NotesStore('./data/notes.db');", {"data/.gitkeep": ""}, False),  # shipped
        ("const store = new NotesStore('notes.db');", {}, False),  # at the root
        (
            "app.get('/open', (req, res) => res.json(new NotesStore('./data/notes.db')));",
            {},
            False,
        ),  # per request
        (
            "import fs from 'fs';\nfs.mkdirSync('data', { recursive: true });\n"
            "const store = new NotesStore('./data/notes.db');",
            {},
            False,
        ),
    ],
    ids=["fallback", "constant", "shipped", "root", "per-request", "mkdirSync"],
)
def test_a_constructor_opening_the_path_it_is_handed_stops_where_constructed(
    make_project: MakeProject, entry: str, extra: dict[str, str | bytes], stops: bool
) -> None:
    server = (
        "import express from 'express';\nimport { NotesStore } from './store.js';\n\nconst app = express();\n"
        f"{entry}\napp.listen(3000);\n"
    )
    files: dict[str, str | bytes] = {
        "package.json": NODE_PACKAGE.replace("START", "node src/index.js").replace(
            '"name": "notes",', '"name": "notes", "type": "module",'
        ),
        "src/index.js": server,
        "src/store.js": SERVICE,
        **extra,
    }
    report = check(make_project, files, SQLITE_TASK)
    assert database_status(report) == ("fail" if stops else "pass")
    assert any(MISSING in m and "new NotesStore(" in m for m in _db001(report)) is stops
