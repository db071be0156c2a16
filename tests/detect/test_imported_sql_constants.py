"""SQL held in another module's constant (issue 18): a statement written once in a `queries` module and run
elsewhere (`pool.query(GET_USER, [id])` after `import { GET_USER } from "./queries.js"`, an object of
statements, Python's `from app.sql import GET_USER`) is raw SQL at the sink that runs it. The parser sees one
file, so the sink's argument was only a reference and no statement was reported."""

from __future__ import annotations

from reports import MakeProject, inspect_json

NODE_PACKAGE = '{"name": "users", "type": "module", "dependencies": {"express": "4", "pg": "8"}}'
QUERIES = """export const GET_USER = 'SELECT * FROM users WHERE id = $1';
export const queries = {
  listUsers: 'SELECT * FROM users ORDER BY id',
  greeting: 'hello world',
};
"""
REPOSITORY = """import pg from 'pg';
import { GET_USER, queries } from './queries.js';
import * as q from './queries.js';

const pool = new pg.Pool();

export async function getUser(id) { return (await pool.query(GET_USER, [id])).rows[0]; }
export async function listUsers() { return (await pool.query(queries.listUsers)).rows; }
export async function again() { return (await pool.query(q.GET_USER, [1])).rows; }
export async function greet() { return pool.query(queries.greeting); }
export async function built() { return pool.query(makeQuery()); }
function makeQuery() { return 'SELECT 1'; }
"""
SERVER = """import express from 'express';
import { getUser } from './repository.js';
const app = express();
app.get('/api/users/:id', async (req, res) => res.json(await getUser(req.params.id)));
app.listen(3000);
"""


def _sql(report: dict) -> list[tuple[str, int, str, str]]:  # type: ignore[type-arg]
    return [(r["file"], r["line"], r["kind"], " ".join(r["sql"].split())) for r in report["orm"]["raw_sql"]]


def test_a_statement_imported_from_a_queries_module_is_raw_sql_at_the_sink(make_project: MakeProject) -> None:
    files = {"package.json": NODE_PACKAGE, "src/queries.js": QUERIES, "src/repository.js": REPOSITORY}
    report = inspect_json(make_project, {**files, "src/server.js": SERVER})
    assert _sql(report) == [
        ("src/repository.js", 7, "statement", "SELECT * FROM users WHERE id = $1"),
        ("src/repository.js", 8, "statement", "SELECT * FROM users ORDER BY id"),
        ("src/repository.js", 9, "statement", "SELECT * FROM users WHERE id = $1"),
    ]


PY_SQL = '''GET_USER = "SELECT * FROM users WHERE id = ?"
LIST_USERS = """
    SELECT id, name FROM users ORDER BY id
"""
GREETING = "hello world"
'''
PY_REPOSITORY = """import sqlite3
from app.sql import GET_USER
from app import sql as q
from . import sql


def get_user(uid):
    return sqlite3.connect("app.db").execute(GET_USER, (uid,)).fetchone()


def list_users():
    cur = sqlite3.connect("app.db").cursor()
    cur.execute(q.LIST_USERS)
    return cur.fetchall()


def again():
    return sqlite3.connect("app.db").execute(sql.LIST_USERS).fetchall()


def greet():
    return sqlite3.connect("app.db").execute(q.GREETING)
"""
PY_MAIN = """from flask import Flask, jsonify
from app.repository import get_user

app = Flask(__name__)


@app.get("/api/users/<int:uid>")
def show(uid):
    return jsonify(get_user(uid))
"""


def test_python_statements_imported_from_a_module_are_raw_sql_at_the_sink(make_project: MakeProject) -> None:
    files = {
        "requirements.txt": "flask\n",
        "app/__init__.py": "",
        "app/sql.py": PY_SQL,
        "app/repository.py": PY_REPOSITORY,
        "app/main.py": PY_MAIN,
    }
    assert _sql(inspect_json(make_project, files)) == [
        ("app/repository.py", 8, "statement", "SELECT * FROM users WHERE id = ?"),
        ("app/repository.py", 13, "statement", "SELECT id, name FROM users ORDER BY id"),
        ("app/repository.py", 18, "statement", "SELECT id, name FROM users ORDER BY id"),
    ]


def test_a_reference_to_no_string_constant_reports_nothing(make_project: MakeProject) -> None:
    queries = "export const GET_USER = buildQuery('users');\nfunction buildQuery(t) { return t; }\n"
    repository = (
        "import pg from 'pg';\nimport { GET_USER } from './queries.js';\nimport { LIMIT } from './settings.js';\n"
        "const pool = new pg.Pool();\nexport const one = () => pool.query(GET_USER);\n"
        "export const two = () => pool.query(LIMIT);\n"
    )
    files = {
        "package.json": NODE_PACKAGE,
        "src/queries.js": queries,
        "src/settings.js": "export const LIMIT = 10;\n",
        "src/repository.js": repository,
        "src/server.js": SERVER.replace("getUser", "one").replace("await one(req.params.id)", "await one()"),
    }
    assert _sql(inspect_json(make_project, files)) == []


ASYNCPG_QUERIES = '''GET_CHATS = """
    SELECT chat_id, name FROM chats;
"""
ADD_CHAT = "INSERT INTO chats VALUES (DEFAULT, $1)"
'''
ASYNCPG_VIEWS = """from aiohttp import web

from app.queries import ADD_CHAT, GET_CHATS


async def index(request):
    db = request.app["db"]
    rows = await db.fetch(query=GET_CHATS)
    return web.json_response([dict(r) for r in rows])


async def create(request):
    db = request.app["db"]
    await db.executemany(command=ADD_CHAT, args=[("general",)])
    await db.execute(query="DELETE FROM chats WHERE name = ''")
    await db.execute(timeout=5)
    return web.json_response({})
"""
ASYNCPG_MAIN = """import asyncpg
from aiohttp import web

from app.views import create, index


async def connect(app):
    app["db"] = await asyncpg.connect("postgresql://localhost/chat")


app = web.Application()
app.on_startup.append(connect)
app.router.add_get("/", index)
app.router.add_post("/", create)
web.run_app(app)
"""


def test_a_statement_given_by_keyword_is_raw_sql_at_the_sink(make_project: MakeProject) -> None:
    # asyncpg names the statement `query` (`fetch(query=…)`, `execute(query=…)`) and `command` in
    # `executemany(command=…, args=…)`: the keyword holds the statement, written there or imported
    files = {
        "requirements.txt": "aiohttp\nasyncpg\n",
        "app/__init__.py": "",
        "app/queries.py": ASYNCPG_QUERIES,
        "app/views.py": ASYNCPG_VIEWS,
        "app/main.py": ASYNCPG_MAIN,
    }
    assert _sql(inspect_json(make_project, files)) == [
        ("app/views.py", 8, "statement", "SELECT chat_id, name FROM chats;"),
        ("app/views.py", 14, "statement", "INSERT INTO chats VALUES (DEFAULT, $1)"),
        ("app/views.py", 15, "statement", "DELETE FROM chats WHERE name = ''"),
    ]
