"""Node apps that cannot start in the paper's harness (no app variables set), from the twenty-third held-out
set (issue 18, session 2026-12-06 (10)): @fastify/env registered with a JSON-literal schema another module
exports, dotenv-safe checking `.env` against its example file as the app loads, and a `.env.example` URL of
another engine than the Prisma schema's provider (no engine of the app: Prisma refuses it). Each pattern has
clean variants. The projects are small synthetic ones written for these tests."""

from __future__ import annotations

import pytest
from reports import MakeProject, check, database_status, database_status_set_and_unset, only

from cdverify.pipeline import inspect

PG_TASK = "fastify-openapi-postgres"
PG_URL = "postgresql://user:password@postgres:5432/notes"

# -- @fastify/env given a JSON literal exported by another module -----------------------------------------------

ENV_PACKAGE = (
    '{"name": "api", "type": "module", "dependencies": {"fastify": "5", "@fastify/env": "5", "pg": "8"}}'
)
ENV_CONFIG = """export const settingsSchema = {
  type: 'object',
  required: [REQUIRED],
  properties: {
    SESSION_KEY: { type: 'string'DEFAULT },
    PORT: { type: 'number', default: 8080 },
  },
} as const;
"""
ENV_APP = """import Fastify from 'fastify';
import envPlugin from '@fastify/env';
import { settingsSchema } from './settings.js';
import { pool } from './pool.js';

export async function makeApp() {
  const app = Fastify();
  await app.register(envPlugin, { schema: settingsSchema, dotenv: true });
  app.get('/ping', async () => (await pool.query('SELECT 1 AS up')).rows);
  return app;
}
"""
ENV_SERVER = """import { makeApp } from './app.js';

async function run() {
  const app = await makeApp();
  await app.listen({ port: 8080 });
}

run().catch(() => process.exit(1));
"""
ENV_POOL = f"""import pg from 'pg';

export const pool = new pg.Pool({{ connectionString: process.env.DATABASE_URL ?? '{PG_URL}' }});
"""


def _fastify_env(required: str = "'SESSION_KEY'", default: str = "", **extra: str) -> dict[str, str | bytes]:
    return {
        "package.json": ENV_PACKAGE,
        "src/settings.ts": ENV_CONFIG.replace("REQUIRED", required).replace("DEFAULT", default),
        "src/app.ts": ENV_APP,
        "src/server.ts": ENV_SERVER,
        "src/pool.ts": ENV_POOL,
        **extra,
    }


def test_fastify_env_with_an_imported_json_literal_schema_stops_the_app(make_project: MakeProject) -> None:
    files = _fastify_env()
    db001 = only(check(make_project, files, PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "at src/app.ts:8 throws when @fastify/env's schema finds $SESSION_KEY unset" in db001["message"]
    assert "$PORT" not in db001["message"]  # it has a default
    root = make_project(files)
    assert database_status_set_and_unset(root, PG_TASK, "SESSION_KEY", "s3cret") == ("pass", "pass")


@pytest.mark.parametrize(
    ("required", "default", "extra"),
    [
        ("", "", {}),  # nothing required
        ("'SESSION_KEY'", ", default: 'dev'", {}),  # required, with a default
        ("'SESSION_KEY'", "", {"src/.env": "SESSION_KEY=s3cret\n"}),  # set by the `.env` it ships
    ],
)
def test_fastify_env_with_an_imported_json_literal_the_harness_passes(
    make_project: MakeProject, required: str, default: str, extra: dict[str, str]
) -> None:
    files = _fastify_env(required, default, **extra)
    assert database_status(check(make_project, files, PG_TASK)) == "pass"


def test_fastify_env_registered_by_an_app_factory_nobody_runs(make_project: MakeProject) -> None:
    files = _fastify_env(**{"src/server.ts": "export { makeApp } from './app.js';\n"})
    assert database_status(check(make_project, files, PG_TASK)) == "pass"


# -- dotenv-safe at start-up -----------------------------------------------------------------------------------

SAFE_PACKAGE = '{"name": "api", "dependencies": {"koa": "2", "dotenv-safe": "9", "pg": "8"}}'
SAFE_CONFIG = """const dotenvSafe = require('dotenv-safe');

LOAD
module.exports = { token: process.env.API_TOKEN };
"""
SAFE_INDEX = f"""const Koa = require('koa');
const {{ Pool }} = require('pg');
const config = require('./config');

const pool = new Pool({{ connectionString: process.env.DATABASE_URL || '{PG_URL}' }});
const app = new Koa();
app.use(async (ctx) => {{ ctx.body = (await pool.query('SELECT 1 AS up')).rows; }});
app.listen(3000);
"""
SAFE_EXAMPLE = "API_TOKEN=change-me\n"


def _dotenv_safe(load: str, **extra: str) -> dict[str, str | bytes]:
    return {
        "package.json": SAFE_PACKAGE,
        "src/config.js": SAFE_CONFIG.replace("LOAD", load),
        "src/index.js": SAFE_INDEX,
        ".env.example": SAFE_EXAMPLE,
        **extra,
    }


@pytest.mark.parametrize(
    "load",
    [
        "dotenvSafe.config();",
        "dotenvSafe.config({ allowEmptyValues: true });",
        "dotenvSafe.config({ example: '.env.example' });",
        "dotenvSafe.config({ sample: path.join(process.cwd(), '.env.example') });",
    ],
)
def test_dotenv_safe_at_start_up_stops_the_app(make_project: MakeProject, load: str) -> None:
    files = _dotenv_safe(load)
    db001 = only(check(make_project, files, PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "at src/config.js:3 throws when dotenv-safe finds $API_TOKEN unset" in db001["message"]
    root = make_project(files)
    assert database_status_set_and_unset(root, PG_TASK, "API_TOKEN", "t0ken") == ("pass", "pass")


@pytest.mark.parametrize(
    ("load", "extra"),
    [
        ("dotenvSafe.config();", {".env": "API_TOKEN=t0ken\n"}),  # the `.env` it loads sets it
        ("function load() {\n  dotenvSafe.config();\n}", {}),  # in a function nobody calls
        ("if (process.env.CHECK) dotenvSafe.config();", {}),  # under an `if`
        ("try {\n  dotenvSafe.config();\n} catch (e) {}", {}),  # its failure handled
        ("dotenvSafe.config({ example: '.env.template' });", {}),  # an example file not in the project
        # `example` takes precedence over `sample`
        ("dotenvSafe.config({ sample: '.env.example', example: '.env.template' });", {}),
    ],
)
def test_dotenv_safe_that_does_not_stop_the_app(
    make_project: MakeProject, load: str, extra: dict[str, str]
) -> None:
    assert database_status(check(make_project, _dotenv_safe(load, **extra), PG_TASK)) == "pass"


# -- an example URL that the Prisma schema's provider refuses ---------------------------------------------------

PRISMA_SCHEMA = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
}
"""
PRISMA_INDEX = """const express = require('express');
const { PrismaClient } = require('@prisma/client');

const prisma = new PrismaClient();
const app = express();
app.get('/notes', async (req, res) => res.json(await prisma.note.findMany()));
app.listen(3000);
"""


def _prisma(example: str, index: str = PRISMA_INDEX) -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "api", "dependencies": {"express": "4", "@prisma/client": "5"}}',
        "prisma/schema.prisma": PRISMA_SCHEMA,
        "src/index.js": index,
        ".env.example": example,
    }


def test_an_example_url_of_another_engine_than_prismas_provider_is_no_engine(
    make_project: MakeProject,
) -> None:
    database = inspect(make_project(_prisma("DATABASE_URL=mysql://u:p@db:3306/notes\n")), use_cache=False)
    assert database.to_json()["database"]["engines"] == ["postgresql"]


def test_an_example_url_that_code_reads_too_stays_an_engine(make_project: MakeProject) -> None:
    index = PRISMA_INDEX.replace(
        "const app = express();",
        "const mysql = require('mysql2');\nconst side = mysql.createPool(process.env.DATABASE_URL);\n"
        "const app = express();",
    )
    files = _prisma("DATABASE_URL=mysql://u:p@db:3306/notes\n", index)
    assert "mysql" in inspect(make_project(files), use_cache=False).to_json()["database"]["engines"]


def test_an_example_url_of_prismas_engine_stays_evidence(make_project: MakeProject) -> None:
    report = inspect(make_project(_prisma(f"DATABASE_URL={PG_URL}\n")), use_cache=False).to_json()["database"]
    assert report["engines"] == ["postgresql"]
    assert any(e["file"] == ".env.example" and e["kind"] == "config" for e in report["evidence"])


# -- a check in the body of a Fastify plugin registered at start-up --------------------------------------------

PLUGIN_PACKAGE = (
    '{"name": "api", "type": "module", "dependencies": {"fastify": "5", "fastify-plugin": "5", "pg": "8"}}'
)
PLUGIN_STORE = """import fp from 'fastify-plugin';
import pg from 'pg';

const storePlugin = async (app) => {
  const url = process.env.STORE_URL;
  CHECK
  app.decorate('store', new pg.Pool({ connectionString: url }));
};

export default fp(storePlugin);
"""
PLUGIN_APP = """import Fastify from 'fastify';
import storePlugin from './store.js';

export async function createServer() {
  const app = Fastify();
  await app.register(storePlugin);
  app.get('/ping', async () => (await app.store.query('SELECT 1 AS up')).rows);
  return app;
}
"""
PLUGIN_MAIN = """import { createServer } from './server.js';

const boot = async () => {
  const app = await createServer();
  await app.listen({ port: 3000 });
};

boot();
"""
THROWS = "if (!url) {\n    throw new Error('STORE_URL is required');\n  }"


def _plugin(check: str = THROWS, **extra: str) -> dict[str, str | bytes]:
    return {
        "package.json": PLUGIN_PACKAGE,
        "src/store.ts": PLUGIN_STORE.replace("CHECK", check),
        "src/server.ts": PLUGIN_APP,
        "src/main.ts": PLUGIN_MAIN,
        **extra,
    }


INLINE_STORE = """import fp from 'fastify-plugin';
import pg from 'pg';

export default fp(async (app) => {
  if (!process.env.STORE_URL) throw new Error('STORE_URL is required');
  app.decorate('store', new pg.Pool({ connectionString: process.env.STORE_URL }));
});
"""
NAMED_STORE = """import pg from 'pg';

export async function storePlugin(app) {
  const url = process.env.STORE_URL;
  if (url === undefined) throw new Error('STORE_URL is required');
  app.decorate('store', new pg.Pool({ connectionString: url }));
}
"""


@pytest.mark.parametrize(
    ("store", "app", "line"),
    [
        (None, None, 7),  # `export default fp(storePlugin)` of a function checking a local read
        (INLINE_STORE, None, 5),  # an inline function handed to the wrapper
        (
            NAMED_STORE,
            PLUGIN_APP.replace("import storePlugin from", "import { storePlugin } from"),
            5,
        ),  # a named export
    ],
)
def test_a_check_in_a_plugin_registered_at_start_up_stops_the_app(
    make_project: MakeProject, store: str | None, app: str | None, line: int
) -> None:
    extra = {"src/store.ts": store} if store else {}
    files = _plugin(**extra, **({"src/server.ts": app} if app else {}))
    db001 = only(check(make_project, files, PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert (
        f"at src/store.ts:{line} throws when $STORE_URL is unset (in a plugin registered at start-up at "
        in (db001["message"])
    )
    root = make_project(files)
    assert database_status_set_and_unset(root, PG_TASK, "STORE_URL", PG_URL) == ("pass", "pass")


@pytest.mark.parametrize(
    ("check_code", "extra"),
    [
        ("try {\n    if (!url) throw new Error('no url');\n  } catch (e) {}", {}),  # its failure handled
        ("if (url && url.startsWith('mysql')) throw new Error('not MySQL');", {}),  # no unset test
        (  # in a route handler the plugin defines: runs when a request comes
            "app.get('/check', async () => {\n    if (!url) throw new Error('no url');\n  });",
            {},
        ),
        (THROWS, {"src/main.ts": "export { createServer } from './server.js';\n"}),  # never started
        (THROWS, {"src/.env": f"STORE_URL={PG_URL}\n"}),  # set by the `.env` it ships
    ],
)
def test_a_plugin_check_that_does_not_stop_the_app(
    make_project: MakeProject, check_code: str, extra: dict[str, str]
) -> None:
    assert database_status(check(make_project, _plugin(check_code, **extra), PG_TASK)) == "pass"
