"""Patterns of the forty-first unseen labelled set's JavaScript half (issue 18, docs/accuracy.md "The forty-first
set's disagreements (session 2026-12-06 (13))"), each with violating and clean projects written for the test:

- a check that throws or exits where a variable is unset, in a project function awaited before the server listens
  (`async function start() { await runMigrations(); app.listen(…) }`, `runMigrations()` throwing without
  `DATABASE_URL`), keeps the application from starting where the variable is unset (awaited_stops.py);
- NeDB through its promise wrapper nedb-promises (`Datastore.create({ filename })`) is the in-process store
  engine (`memory`), as NeDB itself and its @seald-io fork are (rules/database/engines.toml).
"""

from __future__ import annotations

import pytest
from reports import MakeProject, check, database_status, database_status_set_and_unset, inspect_json, only

PG_TASK = "express-openapi-postgres"
PACKAGE = '{"name": "todos", "type": "module", "dependencies": {"express": "^4.21.0", "postgres": "^3.4.0"}}'
SERVER = """import express from "express";
import { prepareDatabase } from "./db/prepare.js";
import { sql } from "./db/client.js";

const app = express();
app.get("/api/todos", async (_req, res) => {
  res.json(await sql`SELECT id, title FROM todos`);
});

START
"""
START_EXITING = """async function start() {
  try {
    await prepareDatabase();
  } catch (error) {
    console.error("cannot prepare the database", error);
    process.exit(1);
  }
  app.listen(3000, () => console.log("listening"));
}

start();"""
CLIENT = """import postgres from "postgres";

export const sql = postgres(process.env.DATABASE_URL ?? "postgres://localhost:5432/todos");
"""
PREPARE = """import postgres from "postgres";

export async function prepareDatabase() {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error("DATABASE_URL is not set");
  }
  const sql = postgres(url, { max: 1 });
  await sql`CREATE TABLE IF NOT EXISTS todos (id serial PRIMARY KEY, title text NOT NULL)`;
  await sql.end();
}
"""
# the check in a helper the awaited function surely calls, imported from a third module
PREPARE_VIA_HELPER = """import postgres from "postgres";
import { databaseUrl } from "./settings.js";

export async function prepareDatabase() {
  const url = databaseUrl();
  const sql = postgres(url, { max: 1 });
  await sql`CREATE TABLE IF NOT EXISTS todos (id serial PRIMARY KEY, title text NOT NULL)`;
  await sql.end();
}
"""
SETTINGS = """export function databaseUrl() {
  if (!process.env.DATABASE_URL) {
    process.exit(1);
  }
  return process.env.DATABASE_URL;
}
"""
STOP = "awaited at start-up at src/server.js"


def _app(start: str = START_EXITING, prepare: str = PREPARE, **extra: str) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "src/server.js": SERVER.replace("START", start),
        "src/db/client.js": CLIENT,
        "src/db/prepare.js": prepare,
        **extra,
    }


@pytest.mark.parametrize(
    "start",
    [
        START_EXITING,
        "async function start() {\n  await prepareDatabase();\n  app.listen(3000);\n}\n\nstart().catch(console.error);",
        "const main = async () => {\n  await prepareDatabase();\n  app.listen(3000);\n};\n\nmain();",
    ],
    ids=["catch-exits", "bare", "arrow"],
)
def test_a_check_in_a_function_awaited_before_listen_stops_the_app(
    make_project: MakeProject, start: str
) -> None:
    db001 = only(check(make_project, _app(start), PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "at src/db/prepare.js:6 throws when $DATABASE_URL is unset" in db001["message"]
    assert "(in prepareDatabase(), awaited at start-up at src/server.js:" in db001["message"]
    assert "before the server listens" in db001["message"]


def test_a_check_in_a_helper_the_awaited_function_calls_stops_the_app(make_project: MakeProject) -> None:
    files = _app(prepare=PREPARE_VIA_HELPER, **{"src/db/settings.js": SETTINGS})
    db001 = only(check(make_project, files, PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "process.exit(1) at src/db/settings.js:3 exits when $DATABASE_URL is unset" in db001["message"]
    assert STOP in db001["message"]


def test_the_variable_set_lifts_the_stop(make_project: MakeProject) -> None:
    root = make_project(_app())
    url = "postgresql://user:password@postgres:5432/conduit"
    assert database_status_set_and_unset(root, PG_TASK, "DATABASE_URL", url) == ("pass", "pass")


@pytest.mark.parametrize(
    ("start", "prepare"),
    [
        # the catch carries on: the server listens whatever the preparation did
        (
            "async function start() {\n  try {\n    await prepareDatabase();\n  } catch (error) {\n"
            "    console.error(error);\n  }\n  app.listen(3000);\n}\n\nstart();",
            PREPARE,
        ),
        # listening first: the check fails after the server is up
        ("async function start() {\n  app.listen(3000);\n  await prepareDatabase();\n}\n\nstart();", PREPARE),
        # not awaited: the rejection is left to the process, not to the start-up
        ("function start() {\n  prepareDatabase();\n  app.listen(3000);\n}\n\nstart();", PREPARE),
        # the check sits in a callback the function only defines
        (
            START_EXITING,
            "export async function prepareDatabase() {\n  process.on('SIGHUP', () => {\n"
            "    if (!process.env.DATABASE_URL) {\n      throw new Error('unset');\n    }\n  });\n}\n",
        ),
        # the check is inside a try of its own that carries on
        (
            START_EXITING,
            "export async function prepareDatabase() {\n  try {\n    if (!process.env.DATABASE_URL) {\n"
            "      throw new Error('unset');\n    }\n  } catch (error) {\n    console.warn(error);\n  }\n}\n",
        ),
        # the awaited function tests another condition
        (
            START_EXITING,
            "export async function prepareDatabase() {\n  if (process.env.SEED === 'yes') {\n"
            "    throw new Error('seeding is not supported');\n  }\n}\n",
        ),
    ],
    ids=["catch-carries-on", "listen-first", "not-awaited", "callback", "own-try", "other-test"],
)
def test_awaited_functions_that_let_the_app_start(
    make_project: MakeProject, start: str, prepare: str
) -> None:
    report = check(make_project, _app(start, prepare), PG_TASK)
    assert database_status(report) == "pass", report["findings"]


def test_a_listen_in_another_module_is_not_judged(make_project: MakeProject) -> None:
    start = "export async function start() {\n  await prepareDatabase();\n}\n\nstart();\nexport { app };"
    files = _app(start, **{"src/main.js": 'import { app } from "./server.js";\n\napp.listen(3000);\n'})
    assert database_status(check(make_project, files, PG_TASK)) == "pass"


# -- NeDB through nedb-promises --------------------------------------------------------------------------

NEDB_PACKAGE = '{"name": "keys", "dependencies": {"koa": "^2.15.0", "nedb-promises": "^6.2.3"}}'
NEDB_STORE = """import Datastore from "nedb-promises";

export class KeyStore {
  private db = Datastore.create({ filename: "data/keys.db", autoload: true });

  async find(key: string) {
    return this.db.findOne({ key });
  }
}
"""
KOA_INDEX = """import Koa from "koa";
import { KeyStore } from "./keys";

const app = new Koa();
const keys = new KeyStore();
app.use(async (ctx) => {
  ctx.body = await keys.find(String(ctx.query.key));
});
app.listen(8080);
"""


@pytest.mark.parametrize(
    "made",
    [
        'Datastore.create({ filename: "data/keys.db", autoload: true })',
        'new Datastore({ filename: "data/keys.db" })',
    ],
    ids=["create", "new"],
)
def test_nedb_promises_is_the_in_process_store(make_project: MakeProject, made: str) -> None:
    store = NEDB_STORE.replace('Datastore.create({ filename: "data/keys.db", autoload: true })', made)
    files = {"package.json": NEDB_PACKAGE, "src/keys.ts": store, "src/index.ts": KOA_INDEX}
    database = inspect_json(make_project, files)["database"]
    assert database["engines"] == ["memory"]
    assert any(e["kind"] == "connection" and e["file"] == "src/keys.ts" for e in database["evidence"])


def test_nedb_promises_only_in_tests_is_no_engine(make_project: MakeProject) -> None:
    index = KOA_INDEX.replace('import { KeyStore } from "./keys";\n', "").replace(
        "const keys = new KeyStore();\n", "const keys = { find: async (key: string) => ({ key }) };\n"
    )
    files = {"package.json": NEDB_PACKAGE, "src/index.ts": index, "test/keys.test.ts": NEDB_STORE}
    database = inspect_json(make_project, files)["database"]
    assert database["engines"] == []
    assert database["usage"].get("memory") == "tests"
