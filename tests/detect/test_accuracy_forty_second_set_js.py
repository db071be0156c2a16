"""Patterns of the forty-second unseen labelled set's JavaScript half (issue 18, docs/accuracy.md "Client
factories that throw at import (session 2026-12-06 (13))"), each with violating and clean projects written for
the test:

- a client factory that throws or exits where a database variable is unset, called at module level of a module
  run at start-up (`export const pool = createPool()`, also the global-object singleton idiom `globalThis.pool
  ?? createPool()`), keeps the application from starting where the variable is unset (loaded_stops.py).
"""

from __future__ import annotations

import pytest
from reports import MakeProject, check, database_status, database_status_set_and_unset, only

PG_TASK = "express-openapi-postgres"
PACKAGE = '{"name": "notes", "type": "module", "dependencies": {"express": "^4.21.0", "pg": "^8.13.0"}}'
SERVER = """import express from "express";
import { pool } from "./db.js";

const app = express();
app.get("/api/notes", async (_req, res) => {
  const { rows } = await pool.query("SELECT id, body FROM notes");
  res.json(rows);
});
app.listen(3000, () => console.log("listening"));
"""
FACTORY = """import pg from "pg";

function createPool() {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) {
    throw new Error("DATABASE_URL must be set");
  }
  return new pg.Pool({ connectionString });
}

"""
# the factory in a module of its own, imported by the module that calls it as it loads
FACTORY_MODULE = FACTORY.replace("function createPool", "export function createPool")
IMPORTING = 'import { createPool } from "./pool-factory.js";\n\nexport const pool = createPool();\n'
# the check in a helper the factory surely calls
VIA_HELPER = """import pg from "pg";

function databaseUrl() {
  if (!process.env.DATABASE_URL) {
    process.exit(1);
  }
  return process.env.DATABASE_URL;
}

function createPool() {
  const connectionString = databaseUrl();
  return new pg.Pool({ connectionString });
}

export const pool = createPool();
"""
URL = "postgresql://user:password@postgres:5432/conduit"


def _app(db: str, **extra: str) -> dict[str, str | bytes]:
    """The app; TypeScript where the database module is (`as unknown as {…}`), `./db.js` naming `db.ts`."""
    ext = "ts" if " as " in db else "js"
    return {"package.json": PACKAGE, f"src/server.{ext}": SERVER, f"src/db.{ext}": db, **extra}


@pytest.mark.parametrize(
    ("calling", "line"),
    [
        ("export const pool = createPool();", 11),
        ("const globalForDb = globalThis;\nexport const pool = globalForDb.pool ?? createPool();", 12),
        (
            "const globalForDb = globalThis as unknown as { pool?: pg.Pool };\n"
            "export const pool = globalForDb.pool ?? createPool();",
            12,
        ),
        ("export const pool = globalThis.pool || createPool();", 11),
        ("globalThis.pool ??= createPool();\nexport const pool = globalThis.pool;", 0),
        ("let pool;\npool = createPool();\nexport { pool };", 12),
        ("export default createPool();", 0),
    ],
    ids=[
        "assigned",
        "singleton",
        "singleton-typed",
        "global-or",
        "nullish-assign",
        "reassigned",
        "default-export",
    ],
)
def test_a_client_factory_throwing_at_import_stops_the_app(
    make_project: MakeProject, calling: str, line: int
) -> None:
    files = _app(FACTORY + calling + "\n")
    db = next(path for path in files if path.startswith("src/db."))
    db001 = only(check(make_project, files, PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert (
        f"at {db}:6 throws when $DATABASE_URL is unset (in createPool(), called at start-up"
        in db001["message"]
    )
    assert (f"at {db}:{line})" if line else f"by {db})") in db001["message"]


def test_an_imported_factory_called_at_import_stops_the_app(make_project: MakeProject) -> None:
    files = _app(IMPORTING, **{"src/pool-factory.js": FACTORY_MODULE})
    db001 = only(check(make_project, files, PG_TASK), "DB001")
    assert "at src/pool-factory.js:6 throws when $DATABASE_URL is unset" in db001["message"]
    assert "(in createPool(), called at start-up at src/db.js:3)" in db001["message"]


def test_a_check_in_a_helper_the_factory_calls_stops_the_app(make_project: MakeProject) -> None:
    db001 = only(check(make_project, _app(VIA_HELPER), PG_TASK), "DB001")
    assert "process.exit(1) at src/db.js:5 exits when $DATABASE_URL is unset" in db001["message"]
    assert "(in createPool(), called at start-up at src/db.js:15)" in db001["message"]


def test_the_variable_set_lifts_the_stop(make_project: MakeProject) -> None:
    root = make_project(_app(FACTORY + "export const pool = createPool();\n"))
    assert database_status_set_and_unset(root, PG_TASK, "DATABASE_URL", URL) == ("pass", "pass")


@pytest.mark.parametrize(
    ("db", "server"),
    [
        # the call under an `if`, or a conditional expression
        (FACTORY + "export let pool;\nif (process.env.DATABASE_URL) {\n  pool = createPool();\n}\n", SERVER),
        (FACTORY + "export const pool = process.env.DATABASE_URL ? createPool() : null;\n", SERVER),
        # in a try that carries on
        (
            FACTORY + "export let pool;\ntry {\n  pool = createPool();\n} catch (error) {\n"
            "  console.warn('no database', error);\n}\n",
            SERVER,
        ),
        # the variable has a default
        (
            FACTORY.replace(
                "process.env.DATABASE_URL;", 'process.env.DATABASE_URL ?? "postgres://localhost:5432/notes";'
            )
            + "export const pool = createPool();\n",
            SERVER,
        ),
        # the left side is no global: the cache may hold a pool
        (
            FACTORY + "const cache = { pool: null };\nexport const pool = cache.pool ?? createPool();\n",
            SERVER,
        ),
        # only a handler calls the factory
        (
            FACTORY.replace("function createPool", "export function createPool"),
            SERVER.replace(
                'import { pool } from "./db.js";', 'import { createPool } from "./db.js";'
            ).replace("const { rows } = await pool.query", "const { rows } = await createPool().query"),
        ),
        # the factory tests another condition
        (
            FACTORY.replace("!connectionString", "process.env.POOL_MODE === 'off'")
            + "export const pool = createPool();\n",
            SERVER,
        ),
    ],
    ids=["if", "ternary", "try-carries-on", "default", "not-global", "handler-only", "other-test"],
)
def test_factories_that_let_the_app_start(make_project: MakeProject, db: str, server: str) -> None:
    files = {**_app(db), "src/server.js": server}
    report = check(make_project, files, PG_TASK)
    assert database_status(report) == "pass", report["findings"]


def test_a_committed_env_file_setting_the_variable_lets_the_app_start(make_project: MakeProject) -> None:
    files = _app(
        'import "dotenv/config";\n' + FACTORY + "export const pool = createPool();\n",
        **{".env": f"DATABASE_URL={URL}\n"},
    )
    files["package.json"] = PACKAGE.replace('"pg"', '"dotenv": "^16.4.0", "pg"')
    assert database_status(check(make_project, files, PG_TASK)) == "pass"


# the shared test of a function's check (plugin_stops.py `function_checks`): a name read with a default is set
AWAITING = """import express from "express";
import { prepare } from "./prepare.js";

const app = express();

async function start() {
  await prepare();
  app.listen(3000);
}

start();
"""
PREPARE = """import pg from "pg";

export async function prepare() {
  const url = process.env.DATABASE_URL FALLBACK;
  if (!url) {
    throw new Error("DATABASE_URL is not set");
  }
  const pool = new pg.Pool({ connectionString: url });
  await pool.query("CREATE TABLE IF NOT EXISTS notes (id serial PRIMARY KEY, body text)");
}
"""


@pytest.mark.parametrize(
    ("fallback", "status"),
    [("", "fail"), ('?? "postgres://localhost:5432/notes"', "pass")],
    ids=["none", "default"],
)
def test_a_check_of_a_name_read_with_a_default_never_stops(
    make_project: MakeProject, fallback: str, status: str
) -> None:
    files = {
        "package.json": PACKAGE,
        "src/server.js": AWAITING,
        "src/prepare.js": PREPARE.replace(" FALLBACK", f" {fallback}".rstrip()),
    }
    assert database_status(check(make_project, files, PG_TASK)) == status
