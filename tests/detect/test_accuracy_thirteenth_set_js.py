"""JavaScript/TypeScript patterns of the thirteenth unseen labelled set (issue 18, docs/accuracy.md "The thirteenth
set's JavaScript/TypeScript patterns"), each with a violating (or missed) case and a clean one, on small projects
written for the tests:

- a route registration whose handler is made by a project factory called with no argument
  (`app.get("/api/health", createHealthHandler())`) hands the factory's module the request: it is routes, as a
  module whose function is named there would be; a wrapper handed a function (`wrap(list)`) or a factory handed
  what it builds on (`makeHandler(service)`) gives its module nothing;
- a layer folder holding files named after it for two other layers or more (`modules/store/` of
  `store.controller.js`, `store.service.js`, `store.entity.js`) is a feature module whose name is a layer word:
  the file names decide, so the router's import of the controller is no bypass;
- a Fastify app that registers @fastify/jwt (or fastify-jwt) as it starts with a `secret` only an unset
  variable gives cannot start: the plugin fails the registration with "missing secret";
- a package.json whose start scripts (`start`, `dev`) all run Node or tsx with `--env-file=.env` while the
  project ships no `.env` cannot start: Node refuses a missing env file.
"""

from __future__ import annotations

import json

import pytest
from reports import MakeProject, check, database_status, inspect_json, only
from reports import evidence_of as _evidence
from reports import layer_violations as _violations
from reports import layers_of as _layers

# -- a handler a factory makes -------------------------------------------------------------------------------

HONO_PACKAGE = '{"name": "api", "dependencies": {"hono": "4", "@hono/node-server": "1"}}'
HONO_INDEX = """import { serve } from '@hono/node-server';
import { app } from './app';

serve({ fetch: app.fetch, port: 3000 });
"""
HONO_APP = """import { Hono } from 'hono';
import { IMPORTED } from './status';

export const app = new Hono();

app.get('/api/status', HANDLER);
"""
STATUS = """import type { Context } from 'hono';

export function statusHandler(deps = {}) {
  const started = Date.now();
  return (c: Context) => c.json({ up: Date.now() - started, ...deps });
}

export function wrap(handler: (c: Context) => Response) {
  return (c: Context) => handler(c);
}
"""


def _hono(handler: str, imported: str) -> dict[str, str | bytes]:
    app = HONO_APP.replace("IMPORTED", imported).replace("HANDLER", handler)
    return {
        "package.json": HONO_PACKAGE,
        "src/index.ts": HONO_INDEX,
        "src/app.ts": app,
        "src/status.ts": STATUS,
    }


def test_a_handler_a_factory_makes_puts_its_module_in_routes(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _hono("statusHandler()", "statusHandler"))
    assert _layers(report)["src/status.ts"] == "routes"
    assert _evidence(report)["src/status.ts"] == "code: routes"
    assert "src/app.ts" not in _layers(report)  # the app's composition root


@pytest.mark.parametrize(
    ("handler", "imported"),
    [
        ("wrap(async (c) => c.json({}))", "wrap"),  # a wrapper handed the handler
        ("statusHandler({ region: 'eu' })", "statusHandler"),  # a factory handed what it builds on
    ],
)
def test_a_wrapper_or_a_factory_given_arguments_gives_its_module_no_layer(
    make_project: MakeProject, handler: str, imported: str
) -> None:
    assert "src/status.ts" not in _layers(inspect_json(make_project, _hono(handler, imported)))


# -- a feature module named with a layer word -----------------------------------------------------------------

KOA_PACKAGE = (
    '{"name": "shop", "dependencies": {"koa": "2", "koa-router": "12", "sequelize": "6", "mysql2": "3"}}'
)
KOA_APP = """const Koa = require('koa');
const router = require('./src/modules/store/store.router');

const app = new Koa();
app.use(router.routes());
app.listen(3000);
"""
ROUTER = """const Router = require('koa-router');
const StoreController = require('./store.controller');

const router = new Router({ prefix: '/api/store' });
const controller = new StoreController();
router.get('/list', controller.list);

module.exports = router;
"""
CONTROLLER = """const service = require('./store.service');

class StoreController {
  async list(ctx) {
    ctx.body = await service.list();
  }
}

module.exports = StoreController;
"""
SERVICE = """const Store = require('./store.entity');

module.exports = { list: () => Store.findAll({ where: { active: 1 } }) };
"""
ENTITY = """const { DataTypes, Model } = require('sequelize');
const { db } = require('../../db');

class Store extends Model {}
Store.init({ name: DataTypes.STRING, active: DataTypes.INTEGER }, { sequelize: db, tableName: 'stores' });

module.exports = Store;
"""
SEQUELIZE = """const { Sequelize } = require('sequelize');

module.exports = { db: new Sequelize('shop', 'root', 'secret', { dialect: 'mysql', host: '127.0.0.1' }) };
"""


def _koa(folder: str, **more: str) -> dict[str, str | bytes]:
    files = {
        "package.json": KOA_PACKAGE,
        "app.js": KOA_APP.replace("modules/store", f"modules/{folder}"),
        f"src/modules/{folder}/store.router.js": ROUTER,
        f"src/modules/{folder}/store.controller.js": CONTROLLER,
        f"src/modules/{folder}/store.service.js": SERVICE,
        f"src/modules/{folder}/store.entity.js": ENTITY,
        "src/db.js": SEQUELIZE,
        **more,
    }
    return files


def test_a_feature_folder_named_with_a_layer_word_leaves_the_names_to_decide(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _koa("store"))
    layers = _layers(report)
    assert layers["src/modules/store/store.router.js"] == "routes"
    assert layers["src/modules/store/store.controller.js"] == "routes"
    assert layers["src/modules/store/store.service.js"] == "services"
    assert layers["src/modules/store/store.entity.js"] == "models"
    assert _violations(report) == []


def test_a_layer_folder_of_its_own_files_keeps_its_layer(make_project: MakeProject) -> None:
    # `store/` holding only data-access modules (one named after it) is the repositories layer: a controller
    # importing it skips the services
    files = {
        "package.json": KOA_PACKAGE,
        "app.js": KOA_APP.replace("modules/store/store.router", "routes/store.router"),
        "src/routes/store.router.js": ROUTER.replace("./store.controller", "../controllers/store.controller"),
        "src/controllers/store.controller.js": CONTROLLER.replace(
            "./store.service", "../store/store.repository"
        ),
        "src/store/store.repository.js": SERVICE.replace("./store.entity", "../models/store.entity"),
        "src/store/store.js": "module.exports = require('./store.repository');\n",
        "src/models/store.entity.js": ENTITY.replace("../../db", "../db"),
        "src/db.js": SEQUELIZE,
    }
    report = inspect_json(make_project, files)
    assert _layers(report)["src/store/store.js"] == "repositories"
    assert ("bypass", "src/controllers/store.controller.js", "src/store/store.repository.js") in _violations(
        report
    )


# -- @fastify/jwt registered without its secret ---------------------------------------------------------------

PG_TASK = "fastify-openapi-postgres"
PG_URL = "postgresql://user:password@postgres:5432/conduit"
FASTIFY_PACKAGE = '{"name": "api", "dependencies": {"fastify": "4", "PLUGIN": "8", "pg": "8"}}'
SERVER = """import Fastify from 'fastify';
import jwt from 'PLUGIN';
import { Pool } from 'pg';

export const pool = new Pool({ connectionString: process.env.DATABASE_URL || 'PG_URL' });

function buildServer() {
  const server = Fastify();
  server.register(jwt, { secret: SECRET });
  server.get('/api/health', async () => (await pool.query('SELECT 1 AS ok')).rows);
  return server;
}

export default buildServer;
"""
MAIN = """import buildServer from './server';

const server = buildServer();
server.listen({ port: 3000, host: '0.0.0.0' });
"""


def _fastify(plugin: str, secret: str, main: str = MAIN, server: str = SERVER) -> dict[str, str | bytes]:
    server = server.replace("PLUGIN", plugin).replace("PG_URL", PG_URL).replace("SECRET", secret)
    return {
        "package.json": FASTIFY_PACKAGE.replace("PLUGIN", plugin),
        "src/server.ts": server,
        "src/main.ts": main,
    }


NAMED_MAIN = MAIN.replace("import buildServer from", "import { buildServer } from")


@pytest.mark.parametrize(
    ("plugin", "main", "server"),
    [
        ("@fastify/jwt", MAIN, SERVER),
        ("fastify-jwt", MAIN, SERVER),
        # a named export the entry imports by name
        ("@fastify/jwt", NAMED_MAIN, SERVER.replace("function buildServer", "export function buildServer")),
    ],
)
def test_fastify_jwt_registered_at_start_up_without_its_secret_stops_the_app(
    make_project: MakeProject, plugin: str, main: str, server: str
) -> None:
    files = _fastify(plugin, "process.env.JWT_SECRET as string", main, server)
    report = check(make_project, files, PG_TASK)
    db001 = only(report, "DB001")
    assert db001["harness_engines"] == []
    assert (
        "@fastify/jwt fails the start-up with `missing secret` when $JWT_SECRET is unset" in db001["message"]
    )


@pytest.mark.parametrize(
    ("secret", "main"),
    [
        ("process.env.JWT_SECRET || 'dev-secret'", MAIN),  # a fallback in code
        ("'a-literal-secret'", MAIN),  # no variable at all
        # a server no start-up module builds (only the tests would)
        ("process.env.JWT_SECRET as string", "export const port = 3000;\n"),
    ],
)
def test_fastify_jwt_with_a_secret_or_not_registered_at_start_up_lets_the_app_start(
    make_project: MakeProject, secret: str, main: str
) -> None:
    assert database_status(check(make_project, _fastify("@fastify/jwt", secret, main), PG_TASK)) == "pass"


# -- start scripts loading a .env the project does not ship ---------------------------------------------------

EXPRESS_INDEX = f"""const express = require('express');
const {{ Pool }} = require('pg');

const pool = new Pool({{ connectionString: process.env.DATABASE_URL || '{PG_URL}' }});
const app = express();
app.get('/api/health', async (req, res) => res.json((await pool.query('SELECT 1 AS ok')).rows));
app.listen(3000);
"""


def _scripts(scripts: dict[str, str], **more: str) -> dict[str, str | bytes]:
    package = {"name": "api", "scripts": scripts, "dependencies": {"express": "4", "pg": "8"}}
    return {"package.json": json.dumps(package, indent=2), "src/index.js": EXPRESS_INDEX, **more}


@pytest.mark.parametrize(
    "scripts",
    [
        {"start": "node --env-file=.env src/index.js", "dev": "tsx watch --env-file=.env src/index.js"},
        {"start": "node --env-file .env src/index.js", "test": "node --test"},
    ],
)
def test_start_scripts_loading_an_absent_env_file_stop_the_app(
    make_project: MakeProject, scripts: dict[str, str]
) -> None:
    db001 = only(check(make_project, _scripts(scripts), PG_TASK.replace("fastify", "express")), "DB001")
    assert db001["harness_engines"] == []
    assert "exits: Node's --env-file names .env, which the project does not ship" in db001["message"]


@pytest.mark.parametrize(
    ("scripts", "more"),
    [
        ({"start": "node --env-file=.env src/index.js"}, {".env": "PORT=3000\n"}),  # the file is shipped
        # another start script needs no file
        ({"start": "node --env-file=.env src/index.js", "dev": "node src/index.js"}, {}),
        # the flag that tolerates a missing file
        ({"start": "node --env-file-if-exists=.env src/index.js"}, {}),
        # a script writes the file
        ({"start": "node --env-file=.env src/index.js", "prestart": "cp .env.example .env"}, {}),
        # a run.sh starts the app
        ({"start": "node --env-file=.env src/index.js"}, {"run.sh": "#!/bin/sh\nexec node src/index.js\n"}),
    ],
)
def test_start_scripts_that_can_start_leave_the_app_running(
    make_project: MakeProject, scripts: dict[str, str], more: dict[str, str]
) -> None:
    report = check(make_project, _scripts(scripts, **more), PG_TASK.replace("fastify", "express"))
    assert database_status(report) == "pass"
