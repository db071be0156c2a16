"""Patterns of the eighteenth unseen labelled set (issue 18, docs/accuracy.md "The eighteenth set's patterns: PGlite,
start-up requirements, an aiohttp db.py"), each with a violating and a clean project written for the test:

- PGlite (PostgreSQL compiled to WASM, run in-process: `new PGlite(dir)`, `PGlite.create()`, drizzle over it) is a
  PostgreSQL client: the module opening it is data access even inside an `adapters/` folder, its `query` / `exec`
  statements are raw SQL, and the package alone says PostgreSQL;
- a barrel that only re-exports data-access modules (`export { db } from "./client"`) is data access, as a barrel of
  model modules is models; a barrel re-exporting modules of two roles keeps its path's say;
- a start-up schema parsed by the module's own function called at its module level (`export const env =
  parseEnv()`) stops the app where a variable it requires is unset, as one parsed inline or in an imported function;
- a module creating the aiopg.sa engine (`aiopg.sa.create_engine`) owns the connection: data access.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, check, database_status, inspect_json, only
from reports import evidence_of as _evidence
from reports import layer_violations as _violations
from reports import layers_of as _layers

# -- PGlite ---------------------------------------------------------------------------------------------------

PGLITE_PACKAGE = """{"name": "notes", "type": "module", "dependencies": {"hono": "4", "@hono/node-server": "1",
"@electric-sql/pglite": "0.3"}}"""
PGLITE_CLIENT = """import { PGlite } from '@electric-sql/pglite';

export const store = new PGlite('./notes-data');

export async function scratchStore() {
  const mem = await PGlite.create();
  await mem.exec('CREATE TABLE IF NOT EXISTS note (id serial PRIMARY KEY, body text NOT NULL)');
  return mem;
}

export async function allNotes() {
  const found = await store.query('SELECT id, body FROM note ORDER BY id');
  return found.rows;
}
"""
PGLITE_BARREL = "export { store, allNotes } from './client';\n"
NOTES_ROUTE = """import { Hono } from 'hono';
import { allNotes } from '../adapters/db';

export const notes = new Hono();
notes.get('/', async (c) => c.json(await allNotes()));
"""
NOTES_SERVICE = """import { allNotes } from '../adapters/db';

export const listNotes = async () => (await allNotes()).slice(0, 50);
"""
NOTES_ROUTE_VIA_SERVICE = """import { Hono } from 'hono';
import { listNotes } from '../services/notes';

export const notes = new Hono();
notes.get('/', async (c) => c.json(await listNotes()));
"""
HONO_SERVER = """import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { notes } from './routes/notes';

const app = new Hono();
app.route('/notes', notes);
serve({ fetch: app.fetch, port: 3000 });
"""


def _pglite_app(route: str = NOTES_ROUTE, **extra: str) -> dict[str, str | bytes]:
    return {
        "package.json": PGLITE_PACKAGE,
        "src/server.ts": HONO_SERVER,
        "src/adapters/db/client.ts": PGLITE_CLIENT,
        "src/adapters/db/index.ts": PGLITE_BARREL,
        "src/routes/notes.ts": route,
        **extra,
    }


def test_a_pglite_client_module_and_its_barrel_are_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _pglite_app())
    layers, evidence = _layers(report), _evidence(report)
    assert layers["src/adapters/db/client.ts"] == "repositories"
    assert evidence["src/adapters/db/client.ts"] == "code: queries"
    assert layers["src/adapters/db/index.ts"] == "repositories"
    # the route imports the barrel of data access: a bypass of the services
    assert _violations(report) == [("bypass", "src/routes/notes.ts", "src/adapters/db/index.ts")]


def test_pglite_statements_and_engine(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _pglite_app())
    raw = {(item["file"], item["line"]) for item in report["orm"]["raw_sql"]}
    assert raw == {("src/adapters/db/client.ts", 7), ("src/adapters/db/client.ts", 12)}
    assert report["database"]["engines"] == ["postgresql"]


def test_routes_reaching_pglite_through_a_service_break_nothing(make_project: MakeProject) -> None:
    files = _pglite_app(NOTES_ROUTE_VIA_SERVICE, **{"src/services/notes.ts": NOTES_SERVICE})
    report = inspect_json(make_project, files)
    assert _layers(report)["src/adapters/db/index.ts"] == "repositories"
    assert _violations(report) == []


def test_a_barrel_of_two_roles_keeps_its_folder(make_project: MakeProject) -> None:
    """A barrel re-exporting the client module and a route module is no data-access module: its folder decides."""
    files = _pglite_app(
        NOTES_ROUTE_VIA_SERVICE,
        **{
            "src/services/notes.ts": NOTES_SERVICE.replace("../adapters/db", "../adapters/db/client"),
            "src/adapters/db/index.ts": PGLITE_BARREL + "export { notes } from '../../routes/notes';\n",
        },
    )
    report = inspect_json(make_project, files)
    assert _layers(report)["src/adapters/db/index.ts"] == "routes"
    assert _layers(report)["src/adapters/db/client.ts"] == "repositories"


def test_drizzle_over_pglite_is_data_access_with_no_raw_sql(make_project: MakeProject) -> None:
    schema = """import { pgTable, serial, text } from 'drizzle-orm/pg-core';

export const note = pgTable('note', { id: serial('id').primaryKey(), body: text('body').notNull() });
"""
    client = """import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { note } from '../../models/note';

export const db = drizzle(new PGlite());

export const allNotes = () => db.select().from(note);
"""
    package = PGLITE_PACKAGE.replace('"0.3"', '"0.3", "drizzle-orm": "0.44"')
    files = {"package.json": package, "src/adapters/db/client.ts": client, "src/models/note.ts": schema}
    report = inspect_json(
        make_project,
        _pglite_app(NOTES_ROUTE_VIA_SERVICE, **files, **{"src/services/notes.ts": NOTES_SERVICE}),
    )
    assert _layers(report)["src/adapters/db/client.ts"] == "repositories"
    assert _layers(report)["src/adapters/db/index.ts"] == "repositories"
    assert report["orm"]["raw_sql"] == []
    assert _violations(report) == []


# -- a start-up schema parsed by the module's own function ---------------------------------------------------

PG_TASK = "express-openapi-postgres"
ENV_PACKAGE = '{"name": "app", "dependencies": {"express": "4", "pg": "8", "zod": "3"}}'
ENV_INDEX = """const express = require('express');
const { env } = require('./env');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: env.DATABASE_URL });
const app = express();
app.get('/health', async (req, res) => res.json((await pool.query('SELECT 1 AS ok')).rows));
app.listen(env.PORT);
"""
ENV_MODULE = """const { z } = require('zod');

const schema = z.object({
  PORT: z.string().default('3000'),
  DATABASE_URL: z.string().default('postgresql://user:password@postgres:5432/conduit'),
  SESSION_KEY: z.string()FIELD,
});

function readEnv() {
  try {
    return schema.parse(process.env);
  } catch (error) {
    throw new Error(`bad environment: ${error.message}`);
  }
}

CALL
"""


@pytest.mark.parametrize(
    ("field", "call", "stops"),
    [
        ("", "const env = readEnv();\nmodule.exports = { env };", True),
        (".default('dev')", "const env = readEnv();\nmodule.exports = { env };", False),
        # called only when a caller asks for it: nothing runs at start-up
        ("", "module.exports = { env: { PORT: 3000 }, readEnv };", False),
    ],
)
def test_a_schema_parsed_by_the_modules_own_function(
    make_project: MakeProject, field: str, call: str, stops: bool
) -> None:
    files = {
        "package.json": ENV_PACKAGE,
        "src/index.js": ENV_INDEX,
        "src/env.js": ENV_MODULE.replace("FIELD", field).replace("CALL", call),
    }
    report = check(make_project, files, PG_TASK)
    assert database_status(report) == ("fail" if stops else "pass")
    if stops:
        message = only(report, "DB001")["message"]
        assert (
            "throws when a zod schema finds $SESSION_KEY unset (called at start-up at src/env.js:17)"
            in message
        )


# -- an aiohttp module creating the aiopg.sa engine ---------------------------------------------------------

AIOPG_REQUIREMENTS = "aiohttp==3.9.0\naiopg==1.4.0\nSQLAlchemy==1.4.49\n"
AIOPG_TABLES = """import sqlalchemy as sa

meta = sa.MetaData()
book = sa.Table("book", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("title", sa.String(80)))
"""
AIOPG_ENGINE = """from aiopg.sa import create_engine


async def open_engine(app):
    app["engine"] = await create_engine(database="shelf", user="shelf", host="localhost")


async def close_engine(app):
    app["engine"].close()
    await app["engine"].wait_closed()
"""
AIOPG_VIEWS = """from aiohttp import web

from catalogue.tables import book


async def list_books(request):
    async with request.app["engine"].acquire() as conn:
        rows = await conn.execute(book.select())
        return web.json_response([dict(row) async for row in rows])
"""
AIOPG_MAIN = """from aiohttp import web

from catalogue.views import list_books
from engine import close_engine, open_engine

app = web.Application()
app.on_startup.append(open_engine)
app.on_cleanup.append(close_engine)
app.router.add_get("/books", list_books)

if __name__ == "__main__":
    web.run_app(app)
"""


def test_a_module_creating_the_aiopg_engine_is_data_access(make_project: MakeProject) -> None:
    files = {
        "requirements.txt": AIOPG_REQUIREMENTS,
        "main.py": AIOPG_MAIN,
        "engine.py": AIOPG_ENGINE,
        "catalogue/__init__.py": "",
        "catalogue/tables.py": AIOPG_TABLES,
        "catalogue/views.py": AIOPG_VIEWS,
    }
    report = inspect_json(make_project, files)
    layers = _layers(report)
    assert layers["engine.py"] == "repositories"
    assert layers["catalogue/tables.py"] == "models"
    assert layers["catalogue/views.py"] == "routes"
    assert "main.py" not in layers  # the composition root wiring the hooks
    assert _violations(report) == []
