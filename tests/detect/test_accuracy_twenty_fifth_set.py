"""Patterns of the twenty-fifth unseen labelled set (issue 18, docs/accuracy.md "The twenty-fifth set's
disagreements"), each with a violating and a clean project written for the test:

- a yup schema of the process environment validated at start-up (`object().shape({ DB_URI:
  string().required() }).validateSync(process.env)`) throws where a required field is unset: the application
  cannot start in the paper's harness; a field with a default, or one not marked required, stops nothing.
- a Prisma client generated into the project (`output = "../src/generated/prisma"`) and exported by a module
  of its own (`export const prisma = new PrismaClient()`) is the Prisma client where another module calls it:
  `prisma.$queryRawUnsafe("SELECT 1")` there runs raw SQL, as it does through `@prisma/client`.
- a Fastify entry module that builds the app, answers a health check inline and registers @fastify/autoload
  on its `routes/` folder mounts those route plugins as imports would: it is the composition root (no layer),
  and its import of the database module is no bypass; one autoloading only `plugins/` (no routes) while it
  answers the requests itself stays the routes layer.
- the plugin files @fastify/autoload loads are served wherever they sit: the fastify-cli scaffold's
  `routes/example/index.js` (an `example/` folder, docs by its name) is application code, routes by its folder,
  as a docs-scope module the application imports is; an `examples/` folder outside the autoloaded one stays
  documentation.
- `repo` is a repository's file-name word as it is its folder name: `todos-repo.ts`, `user_repo.py` (a
  repository object built over a client handed in, whose queries no traced client shows) are the repositories
  layer; a name that only starts with the word (`repo-config.ts`, `report.ts`) names none.
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import (
    MakeProject,
    check,
    database_status,
    evidence_of,
    inspect_json,
    layer_violations,
    layers_of,
    only,
)

PG_TASK = "koa-openapi-postgres"
KOA_PACKAGE = '{"name": "api", "dependencies": {"koa": "2", "@koa/router": "10", "knex": "1", "pg": "8", "yup": "0.32"}}'
KOA_SERVER = """import Koa from 'koa';
import Router from '@koa/router';

import env from './env';
import db from './db';

const app = new Koa();
const router = new Router();
router.get('/items', async (ctx) => {
  ctx.body = await db('items').select('*');
});
app.use(router.routes());
app.listen(env.PORT);
"""
KNEX_DB = """import { knex } from 'knex';

import env from './env';

export default knex({ client: 'pg', connection: env.DB_URI });
"""
YUP_ENV = """import { object, string, number } from 'yup';

const schema = object().shape({
  PORT: number().default(3000),
  DB_URI: string()FIELD,
});

export default schema.VALIDATE(process.env, { stripUnknown: true });
"""


def _koa(field: str, validate: str = "validateSync") -> dict[str, str | bytes]:
    env = YUP_ENV.replace("FIELD", field).replace("VALIDATE", validate)
    return {"package.json": KOA_PACKAGE, "src/server.ts": KOA_SERVER, "src/db.ts": KNEX_DB, "src/env.ts": env}


def test_a_yup_schema_requiring_the_database_url_stops_the_app(make_project: MakeProject) -> None:
    db001 = only(check(make_project, _koa(".required()"), PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "a yup schema" in db001["message"]
    assert "$DB_URI" in db001["message"]


@pytest.mark.parametrize(
    ("field", "validate"),
    [
        ("", "validateSync"),  # not marked required: undefined passes
        (".required().default('postgresql://user:password@postgres:5432/conduit')", "validateSync"),
        (".notRequired()", "validateSync"),
        (".required()", "cast"),  # cast converts types and checks no requirement
    ],
)
def test_a_yup_schema_that_passes_in_the_harness(
    make_project: MakeProject, field: str, validate: str
) -> None:
    assert database_status(check(make_project, _koa(field, validate), PG_TASK)) == "pass"


# -- a generated Prisma client called through the module that builds it -----------------------------------

PRISMA_SCHEMA = """generator client {
  provider = "prisma-client"
  output   = "../src/generated/prisma"
}

datasource db {
  provider = "postgresql"
}

model Item {
  id Int @id @default(autoincrement())
}
"""
PRISMA_MODULE = """import { PrismaClient } from "../generated/prisma/client.ts";

export const prisma = new PrismaClient();
"""
PRISMA_INDEX = """import Fastify from "fastify";
import { prisma } from "./db/prisma.ts";

const app = Fastify();
app.get("/items/count", async () => prisma.CALL);
app.listen({ port: 3000 });
"""


def _raw(report: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(site["file"], site["line"], site["sql"]) for site in report["orm"]["raw_sql"]]


def _prisma(call: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "api", "type": "module", "dependencies": {"fastify": "5", "@prisma/client": "7"}}',
        "prisma/schema.prisma": PRISMA_SCHEMA,
        "src/db/prisma.ts": PRISMA_MODULE,
        "src/index.ts": PRISMA_INDEX.replace("CALL", call),
    }


def test_raw_sql_through_a_generated_prisma_client_of_another_module(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _prisma('$queryRawUnsafe("SELECT count(*) FROM items")'))
    assert _raw(report) == [("src/index.ts", 5, "SELECT count(*) FROM items")]


def test_the_generated_client_s_builder_calls_are_no_raw_sql(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _prisma("item.count()"))
    assert _raw(report) == []
    assert report["orm"]["libraries"] == ["prisma"]


# -- a Fastify entry autoloading its route plugins beside an inline health check ---------------------------

AUTOLOAD_ENTRY = """import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import autoload from "@fastify/autoload";
import Fastify from "fastify";
import { pool } from "./db/pool.js";

const __dirname = dirname(fileURLToPath(import.meta.url));

export const buildApp = async () => {
  const app = Fastify();
  app.get("/health", async () => {
    await pool.query("SELECT 1");
    return { ok: true };
  });
  await app.register(autoload, { dir: join(__dirname, "FOLDER"), options: { prefix: "/api" } });
  return app;
};

const app = await buildApp();
await app.listen({ port: 3000 });
"""
POOL = """import pg from "pg";

export const pool = new pg.Pool({ connectionString: "postgresql://user:password@postgres:5432/conduit" });
"""
ITEMS_SERVICE = """import { pool } from "../db/pool.js";

export async function listItems() {
  const { rows } = await pool.query("SELECT id, name FROM items");
  return rows;
}
"""
ITEMS_ROUTES = """import { listItems } from "../../services/items.js";

export default async function (fastify) {
  fastify.get("/", async () => listItems());
}
"""
CORS_PLUGIN = """import fp from "fastify-plugin";

export default fp(async function (fastify) {
  fastify.addHook("onRequest", async (request, reply) => {
    reply.header("access-control-allow-origin", "*");
  });
});
"""


def _autoloading(folder: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "api", "type": "module", "dependencies": {"fastify": "5", "@fastify/autoload": "6", "fastify-plugin": "5", "pg": "8"}}',
        "src/index.js": AUTOLOAD_ENTRY.replace("FOLDER", folder),
        "src/db/pool.js": POOL,
        "src/services/items.js": ITEMS_SERVICE,
        "src/routes/items/index.js": ITEMS_ROUTES,
        "src/plugins/cors.js": CORS_PLUGIN,
    }


def test_an_entry_autoloading_its_routes_beside_a_health_check_is_the_composition_root(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _autoloading("routes"))
    assert "src/index.js" not in layers_of(report)
    assert evidence_of(report)["src/index.js"] == "composition root"
    assert layers_of(report)["src/routes/items/index.js"] == "routes"
    assert layer_violations(report) == []


def test_an_entry_autoloading_no_routes_answers_the_requests_itself(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _autoloading("plugins"))
    assert layers_of(report)["src/index.js"] == "routes"
    assert ("bypass", "src/index.js", "src/db/pool.js") in layer_violations(report)


# -- the fastify-cli scaffold: an `example/` route plugin the app autoloads ---------------------------------

SCAFFOLD_APP = """'use strict'

const path = require('node:path')
const AutoLoad = require('@fastify/autoload')

module.exports = async function (fastify, opts) {
  fastify.register(AutoLoad, {
    dir: path.join(__dirname, 'plugins'),
    options: Object.assign({}, opts)
  })

  fastify.register(AutoLoad, {
    dir: path.join(__dirname, 'FOLDER'),
    options: Object.assign({}, opts)
  })
}
"""
SCAFFOLD_ROUTE = """'use strict'

module.exports = async function (fastify, opts) {
  fastify.get('/', async function (request, reply) {
    return 'ANSWER'
  })
}
"""
SENSIBLE = """'use strict'

const fp = require('fastify-plugin')

module.exports = fp(async function (fastify, opts) {
  fastify.decorate('answer', 42)
})
"""
EXAMPLE_CLIENT = """'use strict'

const fastify = require('fastify')()

fastify.get('/demo', async () => 'demo')
fastify.listen({ port: 4000 })
"""


def _scaffold(folder: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "api", "main": "app.js", "scripts": {"start": "fastify start -l info app.js"}, "dependencies": {"fastify": "5", "fastify-cli": "7", "@fastify/autoload": "6", "fastify-plugin": "5"}}',
        "app.js": SCAFFOLD_APP.replace("FOLDER", folder),
        "plugins/sensible.js": SENSIBLE,
        "routes/root.js": SCAFFOLD_ROUTE.replace("ANSWER", "root"),
        "routes/example/index.js": SCAFFOLD_ROUTE.replace("ANSWER", "this is an example"),
        "examples/client.js": EXAMPLE_CLIENT,
    }


def _route_files(report: dict[str, Any]) -> set[str]:
    return {item["file"] for item in report["framework"]["evidence"] if item["kind"] == "routes"}


def test_an_autoloaded_example_route_plugin_is_application_code(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _scaffold("routes"))
    assert layers_of(report)["routes/example/index.js"] == "routes"
    assert _route_files(report) == {"routes/root.js", "routes/example/index.js"}
    assert "examples/client.js" not in layers_of(report)


def test_an_example_folder_nothing_autoloads_stays_documentation(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _scaffold("plugins"))
    assert "routes/example/index.js" not in layers_of(report)
    assert "routes/example/index.js" not in _route_files(report)
    assert layers_of(report)["routes/root.js"] == "routes"  # by its folder, though nothing loads it


# -- `repo` as a file name's layer word ----------------------------------------------------------------------

EXPRESS_APP = """import express from 'express';
import { drizzle } from 'drizzle-orm/node-postgres';

import { createTodosRouter } from './routes/todos.js';

const db = drizzle('postgresql://user:password@postgres:5432/conduit');
const app = express();
app.use('/api/todos', createTodosRouter(db));
app.listen(3000);
"""
TODOS_REPO = """import { eq } from 'drizzle-orm';

import { todos } from './schema.js';

export function createTodosRepo(db) {
  return {
    list: (owner) => db.select().from(todos).where(eq(todos.owner, owner)),
  };
}
"""
TODOS_SCHEMA = """import { pgTable, serial, text } from 'drizzle-orm/pg-core';

export const todos = pgTable('todos', { id: serial('id').primaryKey(), owner: text('owner') });
"""
TODOS_ROUTER = """import { Router } from 'express';

import { createTodosRepo } from '../db/MODULE.js';

export function createTodosRouter(db) {
  const repo = createTodosRepo(db);
  const router = Router();
  router.get('/', async (req, res) => res.json(await repo.list(req.query.owner)));
  return router;
}
"""


def _repo_app(module: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "api", "type": "module", "dependencies": {"express": "5", "drizzle-orm": "0.40", "pg": "8"}}',
        "src/index.ts": EXPRESS_APP,
        f"src/db/{module}.ts": TODOS_REPO,
        "src/db/schema.ts": TODOS_SCHEMA,
        "src/routes/todos.ts": TODOS_ROUTER.replace("MODULE", module),
    }


@pytest.mark.parametrize("module", ["todos-repo", "todos_repo", "todos.repo"])
def test_a_repo_file_is_the_repositories_layer(make_project: MakeProject, module: str) -> None:
    report = inspect_json(make_project, _repo_app(module))
    assert layers_of(report)[f"src/db/{module}.ts"] == "repositories"
    assert ("bypass", "src/routes/todos.ts", f"src/db/{module}.ts") in layer_violations(report)


@pytest.mark.parametrize("module", ["repo-config", "report", "todosrepo"])
def test_a_name_only_starting_with_repo_names_no_layer(make_project: MakeProject, module: str) -> None:
    report = inspect_json(make_project, _repo_app(module))
    assert f"src/db/{module}.ts" not in layers_of(report)
    assert layer_violations(report) == []
