"""Raw SQL reached through project code (issue 18): a connection a project helper returns (in the same
module and imported from another), a pool kept in an app's state (`app["pool"]`, `app.state.db`,
`request.app[...]`, `self.pool`, `fastify.pg`), connections and cursors wrapped in
`contextlib.closing(...)`, a TypeScript type argument on the sink, and schema statements run by a
start-up function (`init_db`, `initDb`: bootstrap, in both languages). Each pattern has violating cases
(the SQL is found, at its line) and clean ones (no raw SQL where there is none)."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from reports import MakeProject, check, inspect_json

SELECT = "SELECT id, email FROM users"


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def sites(make_project: MakeProject, files: dict[str, str | bytes]) -> list[tuple[str, int, str]]:
    """(file, line, statement) of every raw-SQL site and fragment of `cdverify inspect`."""
    data: dict[str, Any] = inspect_json(make_project, files)["orm"]
    return sorted((r["file"], r["line"], r["statement"]) for r in [*data["raw_sql"], *data["fragments"]])


def line_of(text: str, needle: str) -> int:
    lines = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) == 1, (needle, text)
    return lines[0]


PY_REQUIREMENTS = "aiohttp==3.9.5\nasyncpg==0.29.0\nfastapi==0.111.0\n"
NODE_PACKAGE = (
    '{"name": "app", "dependencies": {"fastify": "4.28.1", "pg": "8.12.0", "@prisma/client": "5.17.0"}}'
)


# -- a connection returned by a project helper -----------------------------------------------------------

DB_MODULE = src(
    """
    import asyncpg


    async def get_conn():
        return await asyncpg.connect("postgresql://app:app@localhost/app")


    async def count_users():
        conn = await get_conn()
        return await conn.fetchval("SELECT count(*) FROM users")
    """
)


@pytest.mark.parametrize(
    "importer",
    [
        "from app.db import get_conn\n",
        "from .db import get_conn\n",
        "from app import db\n",
    ],
)
def test_connection_from_a_project_helper(make_project: MakeProject, importer: str) -> None:
    call = "db.get_conn()" if importer.startswith("from app import db") else "get_conn()"
    routes = importer + src(
        f"""

        async def list_users(request):
            conn = await {call}
            return await conn.fetch("{SELECT}")
        """
    )
    files = {
        "requirements.txt": PY_REQUIREMENTS,
        "app/__init__.py": "",
        "app/db.py": DB_MODULE,
        "app/routes.py": routes,
    }
    assert sites(make_project, files) == [
        ("app/db.py", line_of(DB_MODULE, "fetchval"), "SELECT"),
        ("app/routes.py", line_of(routes, "conn.fetch("), "SELECT"),
    ]


def test_object_from_a_project_helper_that_is_no_database(make_project: MakeProject) -> None:
    """A helper returning an HTTP client: its calls, strings and all, are no SQL."""
    client = src(
        """
        import httpx


        def get_client():
            return httpx.Client(base_url="http://search")
        """
    )
    routes = src(
        """
        from app.client import get_client


        def search(term):
            client = get_client()
            return client.post("/query", json={"q": "SELECT name FROM the catalogue"}).json()
        """
    )
    files = {"requirements.txt": "httpx==0.27.0\n", "app/client.py": client, "app/routes.py": routes}
    assert sites(make_project, files) == []


# -- a pool kept in an app's state ---------------------------------------------------------------------------

AIOHTTP_APP = src(
    """
    import asyncpg
    from aiohttp import web


    async def init_pg(app):
        app["pool"] = await asyncpg.create_pool("postgresql://app:app@localhost/app")


    async def users(request):
        rows = await request.app["pool"].fetch("SELECT id, email FROM users")
        async with request.app["pool"].acquire() as conn:
            await conn.execute("UPDATE users SET seen = now() WHERE id = $1", 1)
        return web.json_response([dict(row) for row in rows])


    def make_app():
        app = web.Application()
        app.on_startup.append(init_pg)
        app.router.add_get("/users", users)
        return app
    """
)

FASTAPI_APP = src(
    """
    import asyncpg
    from fastapi import FastAPI, Request

    app = FastAPI()


    class Users:
        async def connect(self):
            self.pool = await asyncpg.create_pool("postgresql://app:app@localhost/app")

        async def all(self):
            return await self.pool.fetch("SELECT id FROM users")


    @app.get("/articles")
    async def articles(request: Request):
        return await request.app.state.db.fetch("SELECT id, title FROM articles")


    @app.delete("/articles/{slug}")
    async def delete(slug: str):
        await app.state.db.execute("DELETE FROM articles WHERE slug = $1", slug)
    """
)

FASTIFY_APP = src(
    """
    import Fastify from "fastify";

    const app = Fastify();
    app.register(require("@fastify/postgres"), { connectionString: "postgres://app:app@localhost/app" });

    app.get("/users", async () => {
      const { rows } = await app.pg.query("SELECT id, email FROM users");
      return rows;
    });

    app.listen({ port: 3000 });
    """
)


def test_pool_in_aiohttp_app_state(make_project: MakeProject) -> None:
    files = {"requirements.txt": PY_REQUIREMENTS, "app/main.py": AIOHTTP_APP}
    assert sites(make_project, files) == [
        ("app/main.py", line_of(AIOHTTP_APP, '"pool"].fetch'), "SELECT"),
        ("app/main.py", line_of(AIOHTTP_APP, "UPDATE users"), "UPDATE"),
    ]


def test_pool_in_fastapi_state_and_on_self(make_project: MakeProject) -> None:
    files = {"requirements.txt": PY_REQUIREMENTS, "app/main.py": FASTAPI_APP}
    assert sites(make_project, files) == [
        ("app/main.py", line_of(FASTAPI_APP, "self.pool.fetch"), "SELECT"),
        ("app/main.py", line_of(FASTAPI_APP, "state.db.fetch"), "SELECT"),
        ("app/main.py", line_of(FASTAPI_APP, "DELETE FROM"), "DELETE"),
    ]


def test_pool_decorated_on_a_fastify_instance(make_project: MakeProject) -> None:
    files = {"package.json": NODE_PACKAGE, "src/app.ts": FASTIFY_APP}
    assert sites(make_project, files) == [("src/app.ts", line_of(FASTIFY_APP, "app.pg.query"), "SELECT")]


def test_app_state_that_holds_no_sql(make_project: MakeProject) -> None:
    """Settings and caches kept in an app's state: reads, and SQL-looking words that are no statement."""
    main = src(
        """
        from fastapi import FastAPI, Request

        app = FastAPI()


        @app.get("/settings")
        async def settings(request: Request):
            title = request.app.state.settings.get("SELECT id FROM users")
            hint = await request.app.state.cache.fetch("select a file")
            rows = await app.state.search.execute("users")
            return {"title": title, "hint": hint, "rows": rows}
        """
    )
    assert sites(make_project, {"requirements.txt": PY_REQUIREMENTS, "app/main.py": main}) == []


# -- contextlib.closing ---------------------------------------------------------------------------------------

CLOSING_DB = src(
    """
    import sqlite3
    from contextlib import closing

    DATABASE = "app.db"


    def list_users():
        with closing(sqlite3.connect(DATABASE)) as conn:
            with closing(conn.cursor()) as cur:
                cur.execute("SELECT id, email FROM users WHERE active = ?", (1,))
                return cur.fetchall()


    def add_user(email):
        conn = closing(sqlite3.connect(DATABASE))
        with conn as db:
            db.execute("INSERT INTO users (email) VALUES (?)", (email,))
    """
)


def test_connection_and_cursor_wrapped_in_closing(make_project: MakeProject) -> None:
    files = {"requirements.txt": "flask==3.0.3\n", "app/db.py": CLOSING_DB}
    assert sites(make_project, files) == [
        ("app/db.py", line_of(CLOSING_DB, "cur.execute"), "SELECT"),
        ("app/db.py", line_of(CLOSING_DB, "INSERT INTO"), "INSERT"),
    ]


def test_closing_of_what_is_no_database(make_project: MakeProject) -> None:
    files_py = src(
        """
        from contextlib import closing
        from urllib.request import urlopen


        def read(path, url):
            with closing(open(path)) as handle:
                handle.write("SELECT id FROM users")
            with closing(urlopen(url)) as page:
                return page.read()
        """
    )
    assert sites(make_project, {"requirements.txt": "flask==3.0.3\n", "app/files.py": files_py}) == []


# -- a TypeScript type argument on the sink -------------------------------------------------------------------

TYPED_SINKS = src(
    """
    import { Pool, Client } from "pg";
    import { PrismaClient } from "@prisma/client";

    interface User { id: number; email: string }

    const pool = new Pool();
    const client = new Client();
    const prisma = new PrismaClient();

    export async function users() {
      const a = await client.query<User>("SELECT id, email FROM users");
      const b = await pool.query<User[]>("SELECT id FROM users WHERE id = $1", [1]);
      const c = await prisma.$queryRaw<User[]>`SELECT id FROM users WHERE email = ${"a"}`;
      const d = await prisma.$executeRawUnsafe<number>("DELETE FROM sessions");
      return [a, b, c, d];
    }
    """
)


def test_type_argument_on_the_sink(make_project: MakeProject) -> None:
    files = {"package.json": NODE_PACKAGE, "src/users.ts": TYPED_SINKS}
    assert sites(make_project, files) == [
        ("src/users.ts", line_of(TYPED_SINKS, "client.query<User>"), "SELECT"),
        ("src/users.ts", line_of(TYPED_SINKS, "pool.query<User[]>"), "SELECT"),
        ("src/users.ts", line_of(TYPED_SINKS, "$queryRaw<User[]>"), "SELECT"),
        ("src/users.ts", line_of(TYPED_SINKS, "$executeRawUnsafe"), "DELETE"),
    ]


def test_type_argument_on_a_call_that_is_no_sink(make_project: MakeProject) -> None:
    source = src(
        """
        interface User { id: number }

        const cache = new Map<string, User>();
        export const find = (key: string) => cache.get<User>("SELECT id FROM users") ?? parse<User>(`SELECT id FROM users`);
        declare function parse<T>(text: string): T;
        """
    )
    assert sites(make_project, {"package.json": NODE_PACKAGE, "src/cache.ts": source}) == []


# -- schema statements run at start-up: bootstrap, in both languages ----------------------------------------

PY_STARTUP = src(
    """
    import sqlite3

    conn = sqlite3.connect("app.db")


    def init_db():
        conn.execute("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, email TEXT)")
        conn.execute("CREATE INDEX IF NOT EXISTS users_email ON users (email)")


    def create_user(email):
        conn.execute("CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY)")
        conn.execute("INSERT INTO users (email) VALUES (?)", (email,))


    def setup():
        conn.execute("INSERT INTO users (email) VALUES ('admin@example.com')")
    """
)

JS_STARTUP = src(
    """
    const Database = require("better-sqlite3");
    const db = new Database("app.db");

    const initDb = () => {
      db.exec("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, email TEXT)");
    };

    class Store {
      init() {
        db.exec("CREATE TABLE IF NOT EXISTS tags (id INTEGER PRIMARY KEY, name TEXT)");
      }

      addTag(name) {
        db.exec("CREATE TABLE IF NOT EXISTS tag_log (id INTEGER PRIMARY KEY)");
        return db.prepare("INSERT INTO tags (name) VALUES (?)").run(name);
      }
    }

    module.exports = { db, initDb, Store };
    """
)


def _purposes(report: dict[str, Any]) -> list[tuple[int, str, str | None]]:
    return sorted((r["line"], r["statement"], r.get("purpose")) for r in report["orm"]["raw_sql"])


def test_schema_statements_in_a_python_startup_function_are_bootstrap(make_project: MakeProject) -> None:
    report = check(
        make_project, {"requirements.txt": "flask==3.0.3\n", "app/db.py": PY_STARTUP}, "sqlite+sqlalchemy"
    )
    assert _purposes(report) == [
        (line_of(PY_STARTUP, "CREATE TABLE IF NOT EXISTS users"), "CREATE TABLE", "bootstrap"),
        (line_of(PY_STARTUP, "CREATE INDEX"), "CREATE INDEX", "bootstrap"),
        (line_of(PY_STARTUP, "CREATE TABLE IF NOT EXISTS audit"), "CREATE TABLE", None),  # in a use case
        (line_of(PY_STARTUP, "VALUES (?)"), "INSERT", None),
        (line_of(PY_STARTUP, "admin@example.com"), "INSERT", None),  # data, even at start-up
    ]
    errors = sorted(
        f["line"] for f in report["findings"] if f["rule"] == "ORM001" and f["severity"] == "error"
    )
    assert errors == [line_of(PY_STARTUP, n) for n in ("audit", "VALUES (?)", "admin@example.com")]
    table = next(
        f for f in report["findings"] if f["rule"] == "ORM001" and f["line"] == _purposes(report)[0][0]
    )
    # fine at start-up, and still the ORM's way to own the schema (not the PRAGMA hint)
    assert (
        table["hint"]
        == "fine at start-up; with the ORM: Base.metadata.create_all(engine), or an Alembic migration"
    )


def test_schema_statements_in_a_javascript_startup_function_are_bootstrap(make_project: MakeProject) -> None:
    files = {
        "package.json": '{"name": "app", "dependencies": {"better-sqlite3": "9.6.0"}}',
        "src/db.js": JS_STARTUP,
    }
    report = check(make_project, files, "sqlite+sequelize")
    assert _purposes(report) == [
        (line_of(JS_STARTUP, "IF NOT EXISTS users"), "CREATE TABLE", "bootstrap"),  # `const initDb = () =>`
        (line_of(JS_STARTUP, "IF NOT EXISTS tags"), "CREATE TABLE", "bootstrap"),  # method `init()`
        (line_of(JS_STARTUP, "tag_log"), "CREATE TABLE", None),
        (line_of(JS_STARTUP, "INSERT INTO tags"), "INSERT", None),
    ]


AIOHTTP_HOOKED = src(
    """
    import asyncpg
    from aiohttp import web


    async def open_db(app):
        pool = await asyncpg.create_pool(dsn="postgresql://user:password@postgres:5432/conduit")
        async with pool.acquire() as conn:
            await conn.execute("CREATE TABLE IF NOT EXISTS notes (id SERIAL PRIMARY KEY, title TEXT)")
        app["pool"] = pool


    async def add_tag_table(request):
        async with request.app["pool"].acquire() as conn:
            await conn.execute("CREATE TABLE IF NOT EXISTS tags (id SERIAL PRIMARY KEY)")
        return web.json_response({})


    app = web.Application()
    app.on_startup.append(open_db)
    app.router.add_post("/api/tags", add_tag_table)
    """
)
FASTAPI_LIFESPAN = src(
    """
    from contextlib import asynccontextmanager

    import aiosqlite
    from fastapi import FastAPI


    async def prepare():
        async with aiosqlite.connect("app.db") as db:
            await db.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, title TEXT)")
            await db.commit()


    @asynccontextmanager
    async def lifespan(app):
        await prepare()
        yield


    app = FastAPI(lifespan=lifespan)
    """
)


def test_schema_statements_in_a_function_a_startup_hook_runs_are_bootstrap(make_project: MakeProject) -> None:
    """Named for nothing: what decides is that aiohttp's `on_startup` runs `open_db` (and, below, FastAPI's
    lifespan runs `prepare()`); the same statement in a handler stays the application's."""
    report = check(
        make_project,
        {"requirements.txt": "aiohttp\nasyncpg\n", "app.py": AIOHTTP_HOOKED},
        "postgres+sqlalchemy",
    )
    assert _purposes(report) == [
        (line_of(AIOHTTP_HOOKED, "IF NOT EXISTS notes"), "CREATE TABLE", "bootstrap"),
        (line_of(AIOHTTP_HOOKED, "IF NOT EXISTS tags"), "CREATE TABLE", None),  # in a route handler
    ]
    errors = [f["line"] for f in report["findings"] if f["rule"] == "ORM001" and f["severity"] == "error"]
    assert errors == [line_of(AIOHTTP_HOOKED, "IF NOT EXISTS tags")]


def test_schema_statements_in_a_function_the_lifespan_calls_are_bootstrap(make_project: MakeProject) -> None:
    report = check(
        make_project,
        {"requirements.txt": "fastapi\naiosqlite\n", "main.py": FASTAPI_LIFESPAN},
        "sqlite+sqlalchemy",
    )
    assert _purposes(report) == [
        (line_of(FASTAPI_LIFESPAN, "IF NOT EXISTS notes"), "CREATE TABLE", "bootstrap")
    ]


def test_a_function_named_for_nothing_that_nothing_runs_at_startup_stays_application_sql(
    make_project: MakeProject,
) -> None:
    unhooked = FASTAPI_LIFESPAN.replace("await prepare()", "pass")
    report = check(
        make_project, {"requirements.txt": "fastapi\naiosqlite\n", "main.py": unhooked}, "sqlite+sqlalchemy"
    )
    assert _purposes(report) == [(line_of(unhooked, "IF NOT EXISTS notes"), "CREATE TABLE", None)]


# -- SQL in a migration helper or a setup script: decided by what runs it -------------------------------------

MIGRATION_HELPER = src(
    """
    import { sql } from "kysely";

    export async function addUpdatedAtTrigger(db, table) {
      await sql.raw(`CREATE TRIGGER ${table}_updated_at BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE PROCEDURE set_updated_at()`).execute(db);
      await db.query("CREATE TRIGGER users_audit AFTER UPDATE ON users FOR EACH ROW EXECUTE PROCEDURE audit()");
    }
    """
)
MIGRATION = src(
    """
    import { addUpdatedAtTrigger } from "../utils/migrations";

    export async function up(db) {
      await addUpdatedAtTrigger(db, "users");
    }
    """
)


def _scopes(make_project: MakeProject, files: dict[str, str | bytes]) -> list[tuple[str, int, str]]:
    data: dict[str, Any] = inspect_json(make_project, files)["orm"]
    return sorted((r["file"], r["line"], r["scope"]) for r in data["raw_sql"])


def test_helper_only_migrations_import_is_a_migration(make_project: MakeProject) -> None:
    files = {
        "package.json": '{"name": "app", "dependencies": {"kysely": "0.27.4", "pg": "8.12.0"}}',
        "src/utils/migrations.ts": MIGRATION_HELPER,
        "src/migrations/001_users.ts": MIGRATION,
    }
    found = _scopes(make_project, files)
    assert ("src/utils/migrations.ts", line_of(MIGRATION_HELPER, "users_audit"), "migrations") in found
    assert {scope for _, _, scope in found} == {"migrations"}


def test_helper_the_application_imports_stays_application(make_project: MakeProject) -> None:
    service = src(
        """
        import { addUpdatedAtTrigger } from "../utils/migrations";

        export const enableAudit = (db) => addUpdatedAtTrigger(db, "posts");
        """
    )
    files = {
        "package.json": '{"name": "app", "dependencies": {"kysely": "0.27.4", "pg": "8.12.0"}}',
        "src/utils/migrations.ts": MIGRATION_HELPER,
        "src/migrations/001_users.ts": MIGRATION,
        "src/services/audit.ts": service,
    }
    line = line_of(MIGRATION_HELPER, "users_audit")
    assert ("src/utils/migrations.ts", line, "application") in _scopes(make_project, files)


SETUP_SCRIPT = src(
    """
    import asyncio

    import asyncpg


    async def setup_db():
        conn = await asyncpg.connect("postgresql://postgres@localhost/postgres")
        await conn.execute("DROP DATABASE IF EXISTS polls")
        await conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'polls'")


    if __name__ == "__main__":
        asyncio.run(setup_db())
    """
)
CONFTEST = "from init_db import setup_db\n"


def test_setup_script_run_as_a_program_is_a_script(make_project: MakeProject) -> None:
    files = {"requirements.txt": PY_REQUIREMENTS, "init_db.py": SETUP_SCRIPT, "tests/conftest.py": CONFTEST}
    assert _scopes(make_project, files) == [
        ("init_db.py", line_of(SETUP_SCRIPT, "DROP DATABASE"), "scripts"),
        ("init_db.py", line_of(SETUP_SCRIPT, "pg_terminate_backend"), "scripts"),
    ]


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        # the same module imported by the application: its helper is application code
        ("init_db.py", {"app/main.py": "from init_db import setup_db\n"}),
        # a program that builds the web app is the application's entry point
        ("main.py", {}),
    ],
)
def test_program_the_application_runs_stays_application(
    make_project: MakeProject, name: str, extra: dict[str, str]
) -> None:
    source = SETUP_SCRIPT
    if name == "main.py":
        source = source.replace(
            "import asyncpg\n", "import asyncpg\nfrom aiohttp import web\n\napp = web.Application()\n"
        )
    files: dict[str, str | bytes] = {"requirements.txt": PY_REQUIREMENTS, name: source, **extra}
    assert {scope for _, _, scope in _scopes(make_project, files)} == {"application"}
