"""Patterns the seventy-second unseen labelled set showed (issue 18; docs/accuracy.md, "The seventy-second set's
disagreements"). Each has a violating case (wrong on the code before the change) and a clean one; the projects are
small synthetic ones written for these tests.

- MySQL's `DESCRIBE t` (and its synonym `DESC t`) is a complete statement at a SQL sink, as `SHOW COLUMNS FROM t`
  is: it was not recognised, so the site was missed.
- A function returning a value read from what a project helper named `query_one` / `query_all` returns
  (`row = query_one(db, "SELECT …", (email,)); return row["id"]`) returns data: its calls are not calls of the
  helper, so they do not leave the helper's own `db.execute(query, …)` line standing as a dynamic site.
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, inspect_json

from cdverify.sql.classify import SqlKind, classify


def _raw(report: dict[str, Any]) -> list[tuple[str, int, str]]:
    return sorted((item["file"], item["line"], item["kind"]) for item in report["orm"]["raw_sql"])


# -- DESCRIBE at a mysql2 sink ------------------------------------------------------------------------------

PACKAGE = '{"name": "shop", "dependencies": {"express": "4", "mysql2": "3"}}'
POOL = """const mysql = require('mysql2/promise');

const pool = mysql.createPool({ host: process.env.DB_HOST, database: process.env.DB_NAME });

module.exports = { pool };
"""
DEBUG_ROUTES = """const express = require('express');
const { pool } = require('../config/pool');

const router = express.Router();

router.get('/orders-table', async (req, res) => {
  const [columns] = await pool.execute('DESCRIBE orders');
  console.log('describe the table', columns.length);
  const [rows] = await pool.execute('SELECT COUNT(*) AS n FROM orders');
  res.json({ columns, count: rows[0].n });
});

module.exports = router;
"""


def test_describe_at_a_sql_sink_is_a_site(make_project: MakeProject) -> None:
    files = {"package.json": PACKAGE, "config/pool.js": POOL, "routes/debug.js": DEBUG_ROUTES}
    assert _raw(inspect_json(make_project, files)) == [
        ("routes/debug.js", 7, "trivial"),  # missed before: DESCRIBE was not read as SQL
        ("routes/debug.js", 9, "statement"),
    ]


@pytest.mark.parametrize(
    ("text", "sql"),
    [
        ("DESCRIBE orders", True),
        ("describe `shop`.`orders`;", True),
        ("DESC orders", True),
        ("DESCRIBE orders status", True),
        ("describe the table", False),
        ("DESC", False),
        ("Describe it in one line", False),
    ],
)
def test_describe_statements_at_a_sink(text: str, sql: bool) -> None:
    assert (classify(text, at_sink=True).kind is SqlKind.TRIVIAL) is sql
    assert classify(text).kind is SqlKind.NOT_SQL  # outside a sink, words like any other


# -- a nested function returning a value read from a project `query_one` helper's row --------------------

DB = """import sqlite3


def get_db(path="app.db"):
    return sqlite3.connect(path)


def query_one(db: sqlite3.Connection, query, params=None):
    cursor = db.execute(query, params or [])
    return cursor.fetchone()


def query_all(db: sqlite3.Connection, query, params=None):
    cursor = db.execute(query, params or [])
    return cursor.fetchall()
"""
USERS = """from .db import get_db, query_all, query_one


def find_user(email):
    return query_one(get_db(), "SELECT * FROM users WHERE email = ?", (email,))


def list_users():
    return query_all(get_db(), "SELECT * FROM users ORDER BY name")
"""
REPORT = """from .db import get_db, query_all, query_one


def summary():
    db = get_db()

    def _count(table_label):
        row = query_one(db, "SELECT COUNT(*) AS n FROM users WHERE role = ?", (table_label,))
        return row["n"]

    def _names(role):
        rows = query_all(db, "SELECT name FROM users WHERE role = ?", (role,))
        return rows[0]

    return {"admins": _count("admin"), "staff": _count("staff"), "first": _names("staff")}
"""


def test_values_read_from_a_query_one_helper_leave_the_helper_line_alone(make_project: MakeProject) -> None:
    files = {
        "requirements.txt": "flask\n",
        "app/__init__.py": "",
        "app/db.py": DB,
        "app/users.py": USERS,
        "app/report.py": REPORT,
    }
    assert _raw(inspect_json(make_project, files)) == [
        ("app/report.py", 8, "statement"),
        ("app/report.py", 12, "statement"),
        ("app/users.py", 5, "statement"),
        ("app/users.py", 9, "statement"),
    ]  # before: app/db.py:9 and :14 dynamic too (`_count("admin")` read as `query_one("admin")`)


def test_a_wrapper_handing_its_statement_to_query_one_reports_its_callers(make_project: MakeProject) -> None:
    lookup = """from .db import get_db, query_all, query_one


def count(sql, params=()):
    row = query_one(get_db(), sql, params)
    return row[0]


def admins():
    return count("SELECT COUNT(*) FROM users WHERE role = 'admin'")


def names():
    return query_all(get_db(), "SELECT name FROM users")
"""
    files = {"requirements.txt": "flask\n", "app/__init__.py": "", "app/db.py": DB, "app/lookup.py": lookup}
    assert (
        _raw(inspect_json(make_project, files))
        == [
            ("app/lookup.py", 10, "statement"),  # through `count`, a helper in turn
            ("app/lookup.py", 14, "statement"),
        ]
    )  # before: `count(…)` read as `query_one(…)` with the statement in the connection's place: db.py:9 dynamic
