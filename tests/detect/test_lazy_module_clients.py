"""A module variable declared empty and assigned a client in a function of the same module (the lazily made
client, "lazy singleton": issue 18, docs/accuracy.md "Lazily assigned module clients"): `let queryClient = null;
function getConnection() { if (!queryClient) queryClient = postgres(url); … }` in JavaScript / TypeScript,
`_conn = None` then `global _conn; _conn = sqlite3.connect(…)` in Python. The module's other functions, and its
importers, read the client the function made, as they read a `const pool = new Pool()`.

Violating projects (the SQL on the client is raw SQL, found at its line; each missed on main, where the
variable stayed untraced outside the assigning function) and clean ones (the variable is bound to nothing when
a function declares its own, takes it as a parameter, or when it is assigned two kinds of object or anything
untraced; Python's assignment without `global` is a local). Projects written for the test."""

from __future__ import annotations

import textwrap
from typing import Any

from reports import MakeProject, inspect_json

from cdverify.model import FileFacts, Language
from cdverify.parse import parse_source


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def sites(make_project: MakeProject, files: dict[str, str | bytes]) -> list[tuple[str, int, str]]:
    """(file, line, SQL) of every raw-SQL site of `cdverify inspect`."""
    data: dict[str, Any] = inspect_json(make_project, files)["orm"]
    return sorted((r["file"], r["line"], r["sql"]) for r in data["raw_sql"])


def line_of(text: str, needle: str) -> int:
    lines = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) == 1, (needle, text)
    return lines[0]


def exported(path: str, language: Language, source: str) -> dict[str, str]:
    facts: FileFacts = parse_source(path, language, src(source).encode())
    return dict(facts.exports)


NODE_PACKAGE = (
    '{"name": "todo", "dependencies": {"express": "4.19.2", "postgres": "3.4.4", "pg-promise": "11.9.1"}}'
)
APP_TS = src(
    """
    import express from "express";
    import { ready } from "./db/connection";

    const app = express();
    app.get("/health", async (_req, res) => {
      res.json({ ok: await ready() });
    });
    app.listen(3000);
    """
)
POSTGRES_CONNECTION = src(
    """
    import postgres from "postgres";

    let queryClient: postgres.Sql | null = null;

    export function getConnection() {
      if (!queryClient) {
        queryClient = postgres(process.env.DATABASE_URL ?? "postgres://localhost/todo", { max: 10 });
      }
      return queryClient;
    }

    export async function closeConnection(): Promise<void> {
      if (queryClient) {
        await queryClient.end();
        queryClient = null;
      }
    }

    export async function ready(): Promise<boolean> {
      if (!queryClient) {
        getConnection();
      }
      const rows = await queryClient`SELECT id, title FROM tasks WHERE done = false`;
      return rows.length >= 0;
    }
    """
)


def test_a_lazily_made_postgres_client_runs_raw_sql_in_the_modules_other_functions(
    make_project: MakeProject,
) -> None:
    """Violating (missed on main): the tagged template on the client `getConnection` made, in `ready()`;
    closing it (`queryClient = null`) leaves the binding alone."""
    files = {
        "package.json": NODE_PACKAGE,
        "src/index.ts": APP_TS,
        "src/db/connection.ts": POSTGRES_CONNECTION,
    }
    line = line_of(POSTGRES_CONNECTION, "SELECT id, title")
    found = sites(make_project, files)
    assert ("src/db/connection.ts", line, "SELECT id, title FROM tasks WHERE done = false") in found


def test_an_importer_reads_the_lazily_made_client_it_imports(make_project: MakeProject) -> None:
    """Violating (missed on main): `export let sql = null` filled by `connect()`, the tag used in a route."""
    connection = src(
        """
        import postgres from "postgres";

        export let sql: postgres.Sql | undefined;

        export function connect(url: string) {
          sql = postgres(url);
        }
        """
    )
    routes = src(
        """
        import { Router } from "express";
        import { sql } from "../db/connection";

        export const tasks = Router();
        tasks.get("/tasks", async (_req, res) => {
          res.json(await sql!`SELECT id, title FROM tasks ORDER BY id`);
        });
        """
    )
    app = src(
        """
        import express from "express";
        import { connect } from "./db/connection";
        import { tasks } from "./routes/tasks";

        connect(process.env.DATABASE_URL ?? "postgres://localhost/todo");
        const app = express();
        app.use(tasks);
        app.listen(3000);
        """
    )
    files = {
        "package.json": NODE_PACKAGE,
        "src/index.ts": app,
        "src/db/connection.ts": connection,
        "src/routes/tasks.ts": routes,
    }
    line = line_of(routes, "SELECT id, title")
    assert ("src/routes/tasks.ts", line, "SELECT id, title FROM tasks ORDER BY id") in sites(
        make_project, files
    )


def test_a_lazily_made_pg_promise_database_is_read_by_its_own_methods(make_project: MakeProject) -> None:
    """Violating (missed on main): pg-promise's `any` counts only on a traced database, which the variable
    now is outside `getDb`."""
    database = src(
        """
        const pgp = require("pg-promise")();

        let db = null;

        function getDb() {
          if (!db) {
            db = pgp(process.env.DATABASE_URL);
          }
          return db;
        }

        async function openTasks() {
          return db.any("SELECT id, title FROM tasks WHERE done = false");
        }

        module.exports = { getDb, openTasks };
        """
    )
    app = src(
        """
        const express = require("express");
        const { getDb, openTasks } = require("./db");

        getDb();
        const app = express();
        app.get("/tasks", async (req, res) => res.json(await openTasks()));
        app.listen(3000);
        """
    )
    files = {"package.json": NODE_PACKAGE, "src/app.js": app, "src/db.js": database}
    line = line_of(database, "SELECT id, title")
    assert ("src/db.js", line, "SELECT id, title FROM tasks WHERE done = false") in sites(make_project, files)


def test_javascript_binds_only_a_module_variable_every_assignment_makes_the_same_client() -> None:
    """Clean: the variable is bound where every function's assignment makes the same client, and to nothing
    when two kinds of object are assigned, when an assignment is untraced (a member read, a global's `new Map()`), or when the only assignment is in a function declaring its
    own variable or taking it as a parameter."""
    source = """
        import postgres from "postgres";
        import Database from "better-sqlite3";

        let pool = null;
        let either = null;
        let handed = null;
        let shadowed = null;
        let parameter = null;
        let plain = null;

        export function open(url) {
          pool = postgres(url);
          either = postgres(url);
          handed = options.client;
        }
        export function reopen(url) {
          pool = postgres(url);
          either = new Database("app.db");
          pool = null;
        }
        export function local(url) {
          let shadowed;
          shadowed = postgres(url);
        }
        export function given(parameter, url) {
          parameter = postgres(url);
        }
        export function cache() {
          plain = new Map();
        }
        export { pool, either, handed, shadowed, parameter, plain };
        """
    exports = exported("db.js", Language.JAVASCRIPT, source)
    assert exports.get("pool") == "postgres()"
    for name in ("either", "handed", "shadowed", "parameter", "plain"):
        assert name not in exports, name


PY_REQUIREMENTS = "flask==3.0.3\naiosqlite==0.20.0\npeewee==3.17.6\n"
PY_APP = src(
    """
    from flask import Flask

    from db import open_tasks

    app = Flask(__name__)


    @app.get("/tasks")
    async def tasks():
        return {"tasks": await open_tasks()}
    """
)


def test_a_python_connection_assigned_under_global_runs_raw_sql_elsewhere(make_project: MakeProject) -> None:
    """Violating (missed on main): aiosqlite's `execute_fetchall` counts only on a traced connection."""
    database = src(
        """
        import aiosqlite

        _db = None


        async def get_db():
            global _db
            if _db is None:
                _db = await aiosqlite.connect("tasks.db")
            return _db


        async def open_tasks():
            await get_db()
            return await _db.execute_fetchall("SELECT id, title FROM tasks WHERE done = 0")


        async def close_db():
            global _db
            if _db is not None:
                await _db.close()
                _db = None
        """
    )
    files = {"requirements.txt": PY_REQUIREMENTS, "app.py": PY_APP, "db.py": database}
    line = line_of(database, "SELECT id, title")
    assert ("db.py", line, "SELECT id, title FROM tasks WHERE done = 0") in sites(make_project, files)


def test_a_peewee_database_assigned_under_global_runs_raw_sql_elsewhere(make_project: MakeProject) -> None:
    """Violating (missed on main): peewee's `execute_sql` on the database `init_database` made."""
    database = src(
        """
        from peewee import SqliteDatabase

        database = None


        def init_database(path="tasks.db"):
            global database
            database = SqliteDatabase(path)
            database.connect()


        async def open_tasks():
            return database.execute_sql("SELECT id, title FROM tasks WHERE done = 0").fetchall()
        """
    )
    files = {"requirements.txt": PY_REQUIREMENTS, "app.py": PY_APP, "db.py": database}
    line = line_of(database, "SELECT id, title")
    assert ("db.py", line, "SELECT id, title FROM tasks WHERE done = 0") in sites(make_project, files)


def test_python_binds_only_a_global_every_assignment_makes_the_same_client() -> None:
    """Clean: a name assigned in a function without `global` is that function's local; a global assigned two
    kinds of connection, or something untraced, is bound to neither; one declared with a value keeps it."""
    source = """
        import sqlite3

        import psycopg2

        _conn = None
        _either = None
        _untraced = None
        _local = None
        _kept = sqlite3.connect("kept.db")


        def connect(settings):
            global _conn, _either, _untraced, _kept
            _conn = sqlite3.connect("app.db")
            _either = sqlite3.connect("app.db")
            _untraced = settings.make_connection()
            _kept = psycopg2.connect("dbname=app")


        def reconnect():
            global _conn, _either
            _conn = sqlite3.connect("app.db")
            _either = psycopg2.connect("dbname=app")
            _conn = None


        def forgets_global():
            _local = sqlite3.connect("app.db")
            return _local
        """
    exports = exported("db.py", Language.PYTHON, source)
    assert exports.get("_conn") == "sqlite3.connect()"
    assert exports.get("_kept") == "sqlite3.connect()"
    for name in ("_either", "_untraced", "_local"):
        assert name not in exports, name
