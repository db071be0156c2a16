"""Patterns of the seventeenth held-out set's JavaScript/TypeScript half (docs/accuracy.md, issue 18).

- A statement in a query-config object: node-postgres' `pool.query({ text, values })` and mysql2's
  `conn.query({ sql, values })`, the object written in the call or held by a variable assigned an object
  literal (`const queryConf: QueryConfig = { text: "SELECT …", values }`), is that call's SQL, on a traced
  client and on one kept in an app's state (Hono's `c.var.pool`, `c.get("pool")`), with type arguments after
  an `await` too (`await c.var.pool.query<User>(queryConf)`).
- A module exporting one request handler that another file's router registers (`router.post("/auth",
  authRoute)` after `const authRoute = require("./routes/auth")`) handles requests: querying inline, it keeps
  its folder's layer and its import of the data-access module is a bypass.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json
from reports import evidence_of as _evidence
from reports import layer_violations as _violations
from reports import layers_of as _layers

# -- query-config objects on a pool kept in Hono's context ---------------------------------------------

HONO_PG = (
    '{"name": "notes", "type": "module", "dependencies": {"hono": "4", "@hono/node-server": "1", "pg": "8"}}'
)
HONO_APP = """import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { Pool } from "pg";
import { notes } from "./notes";

const pool = new Pool();
const app = new Hono();
app.use(async (c, next) => {
  c.set("pool", pool);
  await next();
});
app.route("/notes", notes);
serve({ fetch: app.fetch, port: 3000 });
"""
CONTEXT_TYPES = """import "hono";
import type { Pool } from "pg";

declare module "hono" {
  interface ContextVariableMap {
    pool: Pool;
  }
}
"""
NOTES = """import { Hono } from "hono";
import type { QueryConfig } from "pg";

type Note = { id: string; body: string };

export const notes = new Hono()
  .get("/:id", async c => {
    const queryConf: QueryConfig = {
      text: `SELECT id, body FROM notes WHERE id = $1`,
      values: [c.req.param("id")],
    };
    const res = await c.var.pool.query<Note>(queryConf);
    return c.json(res.rows[0]);
  })
  .post("/", async c => {
    const body = await c.req.json();
    const res = await c.get("pool").query({ text: "INSERT INTO notes (body) VALUES ($1) RETURNING id", values: [body.text] });
    return c.json(res.rows[0]);
  })
  .delete("/:id", async c => {
    const removal = { text: "DELETE FROM notes WHERE id = $1", values: [c.req.param("id")] };
    await c.var.pool.query(removal);
    return c.body(null, 204);
  });
"""


def _statements(report: dict[str, Any], file: str) -> list[tuple[int, str, str]]:
    return [
        (item["line"], item["statement"], item["kind"])
        for item in report["orm"]["raw_sql"]
        if item["file"] == file
    ]


def _hono(notes: str) -> dict[str, str | bytes]:
    return {
        "package.json": HONO_PG,
        "src/app.ts": HONO_APP,
        "src/types/hono.d.ts": CONTEXT_TYPES,
        "src/notes.ts": notes,
    }


def test_statements_in_query_config_objects_on_the_context_pool_are_raw_sql(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _hono(NOTES))
    assert _statements(report, "src/notes.ts") == [
        (12, "SELECT", "statement"),
        (17, "INSERT", "statement"),
        (22, "DELETE", "statement"),
    ]


NOTES_CLEAN = """import { Hono } from "hono";

export const notes = new Hono()
  .get("/", async c => {
    const options = { name: "list-notes", rowMode: "array" };
    const logged = { text: "listing notes", level: "info" };
    c.var.logger.query(logged);
    let listText = "SELECT id, body FROM notes WHERE 1=1";
    if (c.req.query("q")) {
      listText += " AND body ILIKE $1";
    }
    const res = await c.var.pool.query(listText, c.req.query("q") ? [`%${c.req.query("q")}%`] : []);
    await c.var.pool.query(options);
    return c.json(res.rows);
  });
"""


def test_config_objects_holding_no_statement_and_names_on_an_untraced_pool_are_no_raw_sql(
    make_project: MakeProject,
) -> None:
    # an object with no statement key, one whose text is no SQL, and a statement built in a variable and run on
    # an object cdverify cannot trace (only a statement written at the call is evidence enough there)
    report = inspect_json(make_project, _hono(NOTES_CLEAN))
    assert _statements(report, "src/notes.ts") == []


EXPRESS_MYSQL = '{"name": "shop", "dependencies": {"express": "4", "mysql2": "3", "pg": "8"}}'
TRACED = """const express = require('express');
const mysql = require('mysql2/promise');
const { Pool } = require('pg');

const conn = mysql.createPool({ host: 'localhost', database: 'shop' });
const pool = new Pool();
const app = express();

app.get('/items', async (req, res) => {
  const listing = { sql: 'SELECT id, name FROM items WHERE shop = ?', values: [req.query.shop] };
  const [rows] = await conn.query(listing);
  res.json(rows);
});
app.get('/orders', async (req, res) => {
  const counting = { text: 'SELECT COUNT(*) FROM orders', values: [] };
  const result = await pool.query(counting);
  res.json(result.rows[0]);
});
app.listen(3000);
"""


def test_a_variable_holding_a_query_config_object_gives_a_traced_client_its_statement(
    make_project: MakeProject,
) -> None:
    # before: the variable's name was read as SQL built at run time
    report = inspect_json(make_project, {"package.json": EXPRESS_MYSQL, "server.js": TRACED})
    assert _statements(report, "server.js") == [(11, "SELECT", "statement"), (16, "SELECT", "statement")]


# -- a module exporting one handler that another file's router registers ------------------------------

KOA_KNEX = '{"name": "pets", "dependencies": {"koa": "2", "koa-router": "7", "knex": "0.95", "sqlite3": "5"}}'
KOA_INDEX = """const Koa = require('koa');
const Router = require('koa-router');
const petsRoute = require('./routes/pets');
const ownerRoute = require('./routes/owner');

const app = new Koa();
const router = new Router();
router.get('/pets', petsRoute);
router.get('/owners/:id', ownerRoute);
app.use(router.routes()).listen(3000);
"""
KNEX_DB = """const knex = require('knex');

module.exports = knex({ client: 'sqlite3', connection: { filename: './pets.sqlite' }, useNullAsDefault: true });
"""
PETS_INLINE = """const db = require('../db');

module.exports = async (ctx) => {
  ctx.body = await db.select(['name', 'species']).from('pets').where({ owner_id: ctx.query.owner });
};
"""
OWNER_INLINE = """import db from '../db';

export default async (ctx) => {
  ctx.body = await db('owners').where({ id: ctx.params.id }).first();
};
"""
PETS_SERVICE = """const db = require('../db');

exports.petsOf = (owner) => db.select(['name', 'species']).from('pets').where({ owner_id: owner });
"""
PETS_THROUGH = """const { petsOf } = require('../services/pets');

module.exports = async (ctx) => {
  ctx.body = await petsOf(ctx.query.owner);
};
"""
OWNER_THROUGH = """const { ownerOf } = require('../services/owners');

module.exports = async (ctx) => {
  ctx.body = await ownerOf(ctx.params.id);
};
"""
OWNERS_SERVICE = """const db = require('../db');

exports.ownerOf = (id) => db('owners').where({ id }).first();
"""


def _koa(**files: str) -> dict[str, str | bytes]:
    return {"package.json": KOA_KNEX, "index.js": KOA_INDEX, "db/index.js": KNEX_DB, **files}


def test_handler_modules_another_router_registers_are_routes_and_their_data_access_a_bypass(
    make_project: MakeProject,
) -> None:
    report = inspect_json(
        make_project, _koa(**{"routes/pets.js": PETS_INLINE, "routes/owner.js": OWNER_INLINE})
    )
    layers = _layers(report)
    assert (layers["routes/pets.js"], layers["routes/owner.js"]) == ("routes", "routes")
    assert _evidence(report)["routes/pets.js"] == "folder"
    assert _violations(report) == [
        ("bypass", "routes/owner.js", "db/index.js"),
        ("bypass", "routes/pets.js", "db/index.js"),
    ]


def test_handler_modules_going_through_services_break_nothing(make_project: MakeProject) -> None:
    files = {
        "routes/pets.js": PETS_THROUGH,
        "routes/owner.js": OWNER_THROUGH,
        "services/pets.js": PETS_SERVICE,
        "services/owners.js": OWNERS_SERVICE,
    }
    report = inspect_json(make_project, _koa(**files))
    assert _layers(report)["routes/pets.js"] == "routes"
    assert _layers(report)["services/pets.js"] == "services"
    assert _violations(report) == []
