"""A function returning a value read from a query's result is no call of the query (docs/accuracy.md, "Values read
from a fetched row are not the query", issue 18).

The Python parser lets a function stand for the traced object or call it returns (`def get_db(): return
sqlite3.connect(path)` makes `get_db()` the connection; `def query(sql): return conn.execute(sql)` makes
`query("SELECT …")` the statement's call). A value read from a query's result is data: `row["value"]` after
`row = await db.fetchone("SELECT …")`, `cur.fetchone()[0]`, `result.scalar()`. A function returning one stands
for nothing, so its calls are not recorded as calls of the query with the caller's arguments as the SQL (the
false dynamic raw SQL at every call of a settings helper). The statement inside the function is reported as
before; wrappers returning the call itself, a client or a MongoDB database stay what they were.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json

from cdverify.model import FileFacts, Language
from cdverify.parse import parse_source

DB = """import aiosqlite

_conn = None


async def init_db(path):
    global _conn
    _conn = await aiosqlite.connect(path)


async def {fetch}(sql, params=()):
    cursor = await _conn.execute(sql, params)
    return await cursor.{fetch}()
"""
SETTINGS = """from aiohttp import web

from kv import db


async def _site_url(request):
    {read}
    if found:
        return {returned}
    return f"http://{{request.host}}"


async def _probe(request):
    url = await _site_url(request)
    return {{"url": url}}


async def show(request):
    url = await _site_url(request)
    probe = await _probe(request)
    return web.json_response({{"url": url, "probe": probe}})
"""
READS = {
    "row-key": (
        'found = row = await db.fetchone("SELECT value FROM kv WHERE key = ?", ("url",))',
        'row["value"]',
    ),
    "row-index": (
        'found = row = await db.fetchone("SELECT value FROM kv WHERE key = ?", ("url",))',
        "row[0]",
    ),
    "rows-first": (
        'found = rows = await db.fetchall("SELECT value FROM kv WHERE key = ?", ("url",))',
        "rows[0][0]",
    ),
    "call-key": (
        "found = True",
        '(await db.fetchone("SELECT value FROM kv WHERE key = ?", ("url",)))["value"]',
    ),
}


def _raw_sql(report: dict[str, object]) -> list[tuple[str, int, str]]:
    orm = report["orm"]
    assert isinstance(orm, dict)
    return [(item["file"], item["line"], item["kind"]) for item in orm["raw_sql"]]


@pytest.mark.parametrize("read", sorted(READS))
def test_a_helper_returning_a_value_of_a_fetched_row_is_no_query_at_its_calls(
    make_project: MakeProject, read: str
) -> None:
    """Violating: `_site_url(request)` read as a call of `kv.db.fetchone` with `request` as its SQL made a
    dynamic raw SQL site at each call (lines 14 and 19 through `_probe`, 20); the statement at line 7 is the
    only one."""
    assignment, returned = READS[read]
    files: dict[str, str | bytes] = {
        "requirements.txt": "aiohttp\naiosqlite\n",
        "kv/__init__.py": "",
        "kv/db.py": DB.format(fetch="fetchall" if read == "rows-first" else "fetchone"),
        "kv/settings.py": SETTINGS.format(read=assignment, returned=returned),
    }
    report = inspect_json(make_project, files)
    line = 9 if read == "call-key" else 7
    assert _raw_sql(report) == [("kv/settings.py", line, "statement")]


def _parse(source: str) -> FileFacts:
    return parse_source("app.py", Language.PYTHON, source.encode())


def test_values_read_from_a_result_set_stand_for_no_call() -> None:
    """Violating: each helper was bound to the query's callee (`…execute().fetchone`, `…execute`), so the
    calls below were recorded as calls of it with `label` as their first argument."""
    facts = _parse(
        "import sqlite3\n"
        'conn = sqlite3.connect("app.db")\n'
        "\n"
        "def count(label):\n"
        '    return conn.execute("SELECT count(*) FROM users").fetchone()[0]\n'
        "\n"
        "def newest(label):\n"
        '    result = conn.execute("SELECT name FROM users ORDER BY id DESC")\n'
        "    return result.fetchone()\n"
        "\n"
        "def names(label):\n"
        '    return conn.execute("SELECT name FROM users").fetchall()\n'
        "\n"
        'print(count("a"), newest("b"), names("c"))\n'
    )
    assert [(fact.callee, fact.line) for fact in facts.calls] == [
        ("sqlite3.connect", 2),
        ("sqlite3.connect().execute().fetchone", 5),
        ("sqlite3.connect().execute", 5),
        ("sqlite3.connect().execute", 8),
        ("sqlite3.connect().execute().fetchone", 9),
        ("sqlite3.connect().execute().fetchall", 12),
        ("sqlite3.connect().execute", 12),
    ]  # nothing on line 14: `count("a")` is no `fetchone("a")`


def test_a_wrapper_returning_the_query_call_a_client_or_a_database_still_stands_for_it() -> None:
    """Clean: the call itself (by a name too), a cursor and a MongoDB database are what their functions stand
    for, as before."""
    facts = _parse(
        "import sqlite3\n"
        "from pymongo import MongoClient\n"
        'conn = sqlite3.connect("app.db")\n'
        "client = MongoClient()\n"
        "\n"
        "def query(sql, params=()):\n"
        "    return conn.execute(sql, params)\n"
        "\n"
        "def run(sql):\n"
        "    cursor = conn.execute(sql)\n"
        "    return cursor\n"
        "\n"
        "def get_cursor():\n"
        "    return conn.cursor()\n"
        "\n"
        "def get_db():\n"
        '    return client["shop"]\n'
        "\n"
        'query("SELECT 1")\n'
        'run("SELECT 2")\n'
        'get_cursor().execute("SELECT 3")\n'
        'get_db().users.find_one({"id": 1})\n'
    )
    traced = {(fact.callee, fact.line) for fact in facts.calls}
    assert {
        ("sqlite3.connect().execute", 19),
        ("sqlite3.connect().execute", 20),
        ("sqlite3.connect().cursor().execute", 21),
        ("pymongo.MongoClient().users.find_one", 22),
    } <= traced


def test_a_function_running_the_statement_it_is_handed_stands_for_the_query_whatever_it_returns() -> None:
    """Clean for the wrapper: `execute_stmt(session, stmt)` hands its `stmt` to `session.execute` and returns
    the rows; its callers run their statements through it (data access), so it is exported and called as the
    query, as on main. Violating for `latest(session, user)`, running its own statement with a value of its
    parameter: no wrapper, though main bound it to `….execute().scalar`."""
    facts = _parse(
        "from sqlalchemy.orm import Session\n"
        "\n"
        "def execute_stmt(session: Session, stmt, limit=None):\n"
        "    executed = session.execute(stmt)\n"
        "    return executed.all()\n"
        "\n"
        "def latest(session: Session, user):\n"
        '    return session.execute("SELECT max(id) FROM posts WHERE user = :u", {"u": user}).scalar()\n'
        "\n"
        "def history(session: Session, stmt):\n"
        "    return execute_stmt(session, stmt)\n"
        "\n"
        "def newest(session: Session, user):\n"
        "    return latest(session, user)\n"
    )
    assert ("execute_stmt", "sqlalchemy.orm.Session().execute().all") in facts.exports
    assert not [name for name, _ in facts.exports if name == "latest"]
    assert ("sqlalchemy.orm.Session().execute().all", 11) in {
        (fact.callee, fact.line) for fact in facts.calls
    }
    assert not [fact for fact in facts.calls if fact.line == 14]


def test_a_wrapper_returning_the_statement_call_reports_its_callers_sql(make_project: MakeProject) -> None:
    """Clean: `query(sql)` returning `conn.execute(sql)` still reports the statements its callers hand it,
    and a helper returning `.fetchall()` of it hands its SQL on as a helper does."""
    db = (
        "import sqlite3\n"
        'conn = sqlite3.connect("app.db")\n'
        "\n"
        "def query(sql):\n"
        "    return conn.execute(sql)\n"
        "\n"
        "def rows(sql):\n"
        "    return conn.execute(sql).fetchall()\n"
        "\n"
        "def users():\n"
        '    return query("SELECT id FROM users").fetchall()\n'
        "\n"
        "def orders():\n"
        '    return rows("SELECT id FROM orders")\n'
    )
    report = inspect_json(
        make_project, {"requirements.txt": "flask\n", "app/__init__.py": "", "app/db.py": db}
    )
    sites = {(file, line) for file, line, _ in _raw_sql(report)}
    assert {("app/db.py", 11), ("app/db.py", 14)} <= sites
    assert ("app/db.py", 11, "statement") in _raw_sql(report)


NODE_DB = """const { Pool } = require("pg");
const pool = new Pool({ connectionString: process.env.DATABASE_URL });

async function getSetting(key) {
  const result = await pool.query("SELECT value FROM kv WHERE key = $1", [key]);
  return result.rows[0].value;
}

async function countRows(table) {
  const { rows } = await pool.query("SELECT count(*) AS n FROM items");
  return rows[0].n;
}

module.exports = { getSetting, countRows };
"""
NODE_ROUTES = """const express = require("express");
const { getSetting, countRows } = require("../db");
const router = express.Router();

router.get("/kv/:key", async (req, res) => {
  const value = await getSetting(req.params.key);
  const n = await countRows(req.query.table);
  res.json({ value, n });
});

module.exports = router;
"""


def test_node_helpers_returning_a_value_of_a_row_are_no_query_at_their_calls(
    make_project: MakeProject,
) -> None:
    """Clean (JavaScript, as it was): a call of a module function is a call of it, never of what it returns."""
    files: dict[str, str | bytes] = {
        "package.json": '{"name": "kv", "dependencies": {"express": "4", "pg": "8"}}',
        "src/db.js": NODE_DB,
        "src/routes/kv.js": NODE_ROUTES,
        "src/app.js": 'const express = require("express");\nconst app = express();\n'
        'app.use(require("./routes/kv"));\napp.listen(3000);\n',
    }
    report = inspect_json(make_project, files)
    assert _raw_sql(report) == [("src/db.js", 5, "statement"), ("src/db.js", 10, "statement")]
