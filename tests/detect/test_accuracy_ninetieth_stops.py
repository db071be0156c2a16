"""Start-up stops of the ninetieth to ninety-seventh sets (docs/accuracy.md "Start-up stops of the ninetieth
to ninety-seventh sets"), each with a violating case and a near miss, on small projects written for the tests:

- better-sqlite3 opened at start-up with `{ fileMustExist: true }` on a file the project does not ship throws
  "unable to open database file": the application cannot start;
- a logging file handler configured at start-up (Django's LOGGING) whose file lies in a folder the project
  does not have and no code creates: `logging.config.dictConfig` raises, nothing starts.
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, database_status

SQLITE_TASK = "express-openapi-sqlite"


def _db001(report: dict[str, Any]) -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule"] == "DB001"]


# -- better-sqlite3's fileMustExist on a file the project does not ship -----------------------------------

PACKAGE = (
    '{"name": "notes", "scripts": {"start": "START", "migrate": "knex migrate:latest"},'
    ' "dependencies": {"express": "4", "better-sqlite3": "11", "knex": "3"}}'
)
SERVER = """import express from 'express';
import { db } from './db';

const app = express();
app.get('/notes', (req, res) => res.json(db.prepare('SELECT * FROM notes').all()));
app.listen(3000);
"""
DB = """import * as sqlite from 'better-sqlite3';

export const db = new sqlite('notes.sqlite3'OPTIONS);
db.pragma('journal_mode = WAL');
"""
UNSHIPPED = "a file the project does not ship and nothing creates"


def _must_exist(
    options: str = ", { fileMustExist: true }",
    start: str = "tsx src/index.ts",
    extra: dict[str, str | bytes] | None = None,
) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE.replace("START", start),
        ".gitignore": "node_modules\nnotes.sqlite3\n",
        "src/index.ts": SERVER,
        "src/db.ts": DB.replace("OPTIONS", options),
        **(extra or {}),
    }


def test_a_database_file_that_must_exist_and_is_not_shipped_stops_the_app(make_project: MakeProject) -> None:
    report = check(make_project, _must_exist(), SQLITE_TASK)
    assert database_status(report) == "fail"
    assert any(UNSHIPPED in message and "fileMustExist" in message for message in _db001(report))


@pytest.mark.parametrize(
    ("options", "start", "extra"),
    [
        ("", "tsx src/index.ts", None),  # no option: better-sqlite3 creates the file
        (", { fileMustExist: false }", "tsx src/index.ts", None),
        (
            ", { fileMustExist: true }",
            "tsx src/index.ts",
            {"notes.sqlite3": b"SQLite format 3\x00"},
        ),  # shipped
        (", { fileMustExist: true }", "sqlite3 notes.sqlite3 < schema.sql && tsx src/index.ts", None),  # made
    ],
    ids=["no-option", "false", "shipped", "made-by-start"],
)
def test_a_database_file_created_or_shipped_is_no_stop(
    make_project: MakeProject, options: str, start: str, extra: dict[str, str | bytes] | None
) -> None:
    report = check(make_project, _must_exist(options, start, extra), SQLITE_TASK)
    assert database_status(report) == "pass"
    assert not any(UNSHIPPED in message for message in _db001(report))
