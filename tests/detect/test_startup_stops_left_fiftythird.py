"""Start-up stops left by the forty-eighth to fifty-third unseen labelled sets (issue 18, docs/accuracy.md
"Start-up stops left by the forty-eighth to fifty-third sets"), each with violating and clean cases, on small
projects written for the tests:

- a schema check of the environment made in a function a started module calls as it loads (`export const env =
  loadEnv()`, with `if (!parsed.success) process.exit(1)` after a zod `safeParse`, or `if (!Value.Check(Schema,
  raw)) process.exit(1)` with a TypeBox schema) stops the app where a variable the schema requires with no default
  is unset, as the same check at module level does;
- a `raise` on an unset variable in a function a Python framework runs as the app starts (aiohttp's
  `app.on_startup.append(init)`, also of a function imported under another name; FastAPI's `on_event("startup")`
  and `on_startup=[…]`), also under `if not (a and b):` or `if not a or not b:` (each variable counts);
- @fastify/mongodb registered without a url in a plugin that a plugin registered at start-up registers, the url
  being a field of another module's config object (`config.MONGODB_URI`) that reads a variable with no fallback.
"""

from __future__ import annotations

import pytest
from reports import MakeProject

from cdverify import inspect
from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness

# -- a schema check in a function called as the module loads ------------------------------------------------------

PACKAGE = """{
  "name": "api",
  "type": "module",
  "scripts": {"start": "node dist/server.js", "dev": "tsx src/server.ts"},
  "dependencies": {"fastify": "5", "pg": "8", "zod": "3", "@sinclair/typebox": "0.34"}
}
"""
SERVER = """import Fastify from 'fastify';
import { env } from './config/env.js';
import { pool } from './db.js';

const app = Fastify();
app.get('/health', async () => (await pool.query('SELECT 1')).rows);
app.listen({ port: env.PORT, host: '0.0.0.0' });
"""
DB = """import pg from 'pg';

export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
"""
ZOD = """import { z } from 'zod';

const schema = z.object({
  PORT: z.coerce.number().default(3000),
  DATABASE_URL: z.string(),
  JWT_SECRET: @SECRET@,
});

function loadEnv() {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    console.error(parsed.error.flatten());
    process.exit(1);
  }
  return parsed.data;
}

@CALL@
"""
TYPEBOX = """import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const EnvSchema = Type.Object({
  PORT: Type.Number({ default: 3000 }),
  DATABASE_URL: Type.String(),
  JWT_SECRET: @SECRET@,
});

export const loadEnv = () => {
  const raw = {
    PORT: process.env.PORT ? Number(process.env.PORT) : 3000,
    DATABASE_URL: process.env.DATABASE_URL,
    JWT_SECRET: @READ@,
  };
  if (!Value.Check(EnvSchema, @CHECKED@)) {
    console.error([...Value.Errors(EnvSchema, raw)]);
    process.exit(1);
  }
  return raw;
};

@CALL@
"""
LOADED = "export const env = loadEnv();"


def _env_stops(make_project: MakeProject, env: str) -> list[str]:
    """The start-up stops that stop the app where $JWT_SECRET alone is unset."""
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "src/server.ts": SERVER,
        "src/db.ts": DB,
        "src/config/env.ts": env,
    }
    database = inspect(make_project(files), use_cache=False).analysis.database
    url = {"DATABASE_URL": "postgres://db/app"}
    return [
        stop.describe()
        for stop in database.stops
        if "JWT_SECRET" in stop.variables
        and stop.stops(url)
        and not stop.stops({**url, "JWT_SECRET": "s" * 32})
    ]


def _zod(secret: str = "z.string().min(32)", call: str = LOADED) -> str:
    return ZOD.replace("@SECRET@", secret).replace("@CALL@", call)


def _typebox(
    secret: str = "Type.String({ minLength: 32 })",
    read: str = "process.env.JWT_SECRET",
    checked: str = "raw",
    call: str = LOADED,
) -> str:
    filled = TYPEBOX.replace("@SECRET@", secret).replace("@READ@", read)
    return filled.replace("@CHECKED@", checked).replace("@CALL@", call)


@pytest.mark.parametrize(
    ("env", "schema"),
    [
        (_zod(), "a zod schema"),
        (_typebox(), "a TypeBox schema"),
        (_typebox(checked="process.env"), "a TypeBox schema"),
    ],
)
def test_a_schema_check_in_a_function_called_as_the_module_loads_stops_the_app(
    make_project: MakeProject, env: str, schema: str
) -> None:
    (stop,) = _env_stops(make_project, env)
    assert f"exits when {schema} finds $DATABASE_URL or $JWT_SECRET unset" in stop
    assert "(in loadEnv(), called at start-up " in stop
    assert "src/config/env.ts" in stop


@pytest.mark.parametrize(
    "env",
    [
        _zod(secret="z.string().default('dev-secret')"),  # the schema fills it
        _zod(secret="z.string().optional()"),
        _zod(call="export function handler() { return loadEnv(); }"),  # not called as the module loads
        _typebox(secret="Type.Optional(Type.String())"),
        _typebox(secret="Type.String({ default: 'dev-secret' })"),
        _typebox(read="process.env.JWT_SECRET || 'dev-secret'"),  # the checked object falls back
        _typebox(checked="loadConfig()"),  # not the environment
    ],
)
def test_a_schema_check_that_passes_unset_or_runs_later_is_no_stop(
    make_project: MakeProject, env: str
) -> None:
    assert _env_stops(make_project, env) == []


# -- a raise in a function a Python framework runs as the app starts ----------------------------------------------

AIOHTTP_SERVER = """from aiohttp import web
from app.db.startup import init_pool as db_init_pool


async def index(request: web.Request) -> web.Response:
    return web.json_response(await request.app["pool"].fetch("SELECT 1"))


app = web.Application()
app.router.add_get("/", index)
@REGISTER@
web.run_app(app, port=8080)
"""
AIOHTTP_STARTUP = """import os
import asyncpg


async def init_pool(app):
    name = os.getenv("PG_NAME")
    host = os.getenv("PG_HOST")
    if @CONDITION@:
        raise RuntimeError("database variables are not set")
    app["pool"] = await asyncpg.create_pool(f"postgresql://postgres@{host or 'db'}/{name or 'app'}")
"""
FASTAPI_MAIN = """import os
from fastapi import FastAPI
from sqlalchemy import create_engine

engine = create_engine("postgresql://postgres:postgres@db:5432/app")


def check_settings():
    secret = os.getenv("SECRET_KEY")
    if not secret or not os.getenv("ADMIN_EMAIL"):
        raise ValueError("SECRET_KEY and ADMIN_EMAIL are required")


@HOOK@
"""


def _python_harness(make_project: MakeProject, files: dict[str, str | bytes]) -> tuple[list[str], str]:
    database = inspect(make_project(files), use_cache=False).analysis.database
    found = in_harness(database, PAPER_ENVIRONMENT)
    return found.engines, found.why_not("postgresql")


def _aiohttp(register: str, condition: str = "not (name and host)") -> dict[str, str | bytes]:
    return {
        "server.py": AIOHTTP_SERVER.replace("@REGISTER@", register),
        "app/__init__.py": "",
        "app/db/__init__.py": "",
        "app/db/startup.py": AIOHTTP_STARTUP.replace("@CONDITION@", condition),
        "requirements.txt": "aiohttp\nasyncpg\n",
    }


def _fastapi(hook: str) -> dict[str, str | bytes]:
    return {
        "main.py": FASTAPI_MAIN.replace("@HOOK@", hook),
        "requirements.txt": "fastapi\nsqlalchemy\npsycopg2\n",
    }


@pytest.mark.parametrize(
    ("files", "variable"),
    [
        (_aiohttp("app.on_startup.append(db_init_pool)"), "$PG_NAME"),
        (_aiohttp("app.on_startup.append(db_init_pool)", "not name or not host"), "$PG_NAME"),
        (
            _fastapi('app = FastAPI()\n\n\n@app.on_event("startup")\ndef startup():\n    check_settings()'),
            "$SECRET_KEY",
        ),
        (_fastapi("app = FastAPI(on_startup=[check_settings])"), "$SECRET_KEY"),
    ],
)
def test_a_raise_in_a_start_up_hook_on_an_unset_variable_stops_the_app(
    make_project: MakeProject, files: dict[str, str | bytes], variable: str
) -> None:
    engines, why = _python_harness(make_project, files)
    assert engines == []
    assert f"stops the application as it starts when {variable} is unset" in why


@pytest.mark.parametrize(
    "files",
    [
        _aiohttp("# no start-up hook"),  # the function is never run
        _aiohttp("app.on_startup.append(db_init_pool)", "not (name or host)"),  # only where both are unset
        _aiohttp("app.on_startup.append(db_init_pool)", "name == 'test'"),
        _fastapi("app = FastAPI()\n\n\n@app.get('/check')\ndef check():\n    check_settings()"),  # a handler
    ],
)
def test_a_raise_no_start_up_hook_runs_or_on_no_unset_variable_is_no_stop(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    engines, _why = _python_harness(make_project, files)
    assert engines == ["postgresql"]


# -- a plugin registered by a registered plugin, its option read off another module's config object ---------------

MONGO_PACKAGE = """{
  "name": "todos",
  "type": "module",
  "scripts": {"start": "node src/index.js"},
  "dependencies": {"fastify": "5", "fastify-plugin": "5", "@fastify/mongodb": "9", "dotenv": "16"}
}
"""
MONGO_INDEX = """import fastify from 'fastify';
import app from './app.js';
import config from './config/config.js';

const server = fastify({ logger: true });
@REGISTER@
server.listen({ port: config.PORT }, (err) => {
  if (err) {
    server.log.error(err);
    process.exit(1);
  }
});
"""
MONGO_APP = """import fp from 'fastify-plugin';
import { mongoPlugin } from './plugins/mongo.js';

const appPlugin = async function (fastify) {
  await fastify.register(mongoPlugin);
  fastify.get('/api/todos', async () => fastify.mongo.db.collection('todos').find().toArray());
};

export default fp(appPlugin);
"""
MONGO_PLUGIN = """import fp from 'fastify-plugin';
import fastifyMongo from '@fastify/mongodb';
import config from '../config/config.js';

export const mongoPlugin = fp(async function (fastify) {
  fastify.register(fastifyMongo, { forceClose: true, url: config.MONGODB_URI });
});
"""
MONGO_CONFIG = """import dotenv from 'dotenv';

dotenv.config();

const config = {
  PORT: process.env.PORT || 5000,
  MONGODB_URI: @URI@,
};

export default config;
"""


def _nested_mongo(
    register: str = "server.register(app);", uri: str = "process.env.MONGODB_URI"
) -> dict[str, str | bytes]:
    return {
        "package.json": MONGO_PACKAGE,
        "src/index.js": MONGO_INDEX.replace("@REGISTER@", register),
        "src/app.js": MONGO_APP,
        "src/plugins/mongo.js": MONGO_PLUGIN,
        "src/config/config.js": MONGO_CONFIG.replace("@URI@", uri),
    }


def _mongo_stops(make_project: MakeProject, files: dict[str, str | bytes]) -> list[str]:
    database = inspect(make_project(files), use_cache=False).analysis.database
    return [stop.describe() for stop in database.stops if stop.stops({})]


def test_a_plugin_registered_by_a_registered_plugin_without_its_url_stops_the_app(
    make_project: MakeProject,
) -> None:
    (stop,) = _mongo_stops(make_project, _nested_mongo())
    assert "@fastify/mongodb fails the start-up" in stop
    assert "when $MONGODB_URI is unset" in stop
    assert "src/plugins/mongo.js:6" in stop


@pytest.mark.parametrize(
    "files",
    [
        _nested_mongo(uri="process.env.MONGODB_URI || 'mongodb://localhost:27017/todos'"),  # a fallback
        _nested_mongo(register="// the app plugin is never registered"),
    ],
)
def test_a_nested_plugin_given_a_url_or_never_registered_is_no_stop(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    assert _mongo_stops(make_project, files) == []
