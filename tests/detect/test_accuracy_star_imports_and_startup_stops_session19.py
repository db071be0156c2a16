"""Disagreements of docs/accuracy.md "The hundred-and-twenty-first to hundred-and-twenty-third sets'
disagreements: raw SQL and start-up (session 2026-12-07 (19))":

- a Python star import of a project module (`from app.web.models import *`) binds the names that module
  imports and defines, so `db.status("DROP TABLE …")` after it is GINO's handle of the module that made it
  (`db = Gino()`), raw SQL, as it is after `from app.db import db`;
- a module named like a tool's configuration (`src/configs/env.config.ts`, config scope) that the application
  imports runs as it starts: its `envSchema.parse(process.env)` throws where a required variable is unset,
  and the application never listens;
- a Flask app that loads its configuration with `app.config.from_pyfile(…)` from one settings file is
  configured by that file alone: the same keys in another settings module it never loads (imported for
  another name) are not its configuration;
- a Fastify plugin module of the project that awaits its Prisma client's `$connect()` (`export default
  fp(async (fastify) => { … await prisma.$connect() … })`), registered in `buildServer()` whose result the
  `.then` callback holding `app.listen(…)` is handed, rejects where the schema's `DATABASE_URL` is unset:
  nothing listens.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json

from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness
from cdverify.pipeline import inspect

GINO_HANDLE = """from gino import Gino

db = Gino()
"""
GINO_MODELS = """from app.store.gino import db


class User(db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer(), primary_key=True)
    name = db.Column(db.String())
"""
GINO_DATABASE = """from app.web.models import *


class Database:
    async def regenerate(self):
        await db.status("DROP TABLE IF EXISTS users;")


async def named(name):
    return await User.query.where(User.name == name).gino.all()
"""


def _orm(make_project: MakeProject, files: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = inspect_json(make_project, dict(files))["orm"]
    return data


def _gino_project(database: str) -> dict[str, str]:
    return {
        "requirements.txt": "aiohttp\ngino\n",
        "app/__init__.py": "",
        "app/store/__init__.py": "",
        "app/store/gino.py": GINO_HANDLE,
        "app/web/__init__.py": "",
        "app/web/models.py": GINO_MODELS,
        "app/store/database.py": database,
    }


def test_gino_handle_through_a_star_import_runs_raw_sql(make_project: MakeProject) -> None:
    orm = _orm(make_project, _gino_project(GINO_DATABASE))
    sites = [(item["file"], item["line"]) for item in orm["raw_sql"]]
    assert sites == [("app/store/database.py", 6)], orm["raw_sql"]


def test_gino_query_builder_and_a_bound_name_stay_clean(make_project: MakeProject) -> None:
    """The model query passes no string; a parameter named `db` is no name of the star-imported module, nor is
    a name the file binds itself or a `_private` one a star import does not take."""
    database = """from app.web.models import *


async def named(name):
    return await User.query.where(User.name == name).gino.all()


async def handed(db):
    return await db.status("DROP TABLE IF EXISTS users;")


async def own():
    db = object()
    return await db.status("DROP TABLE IF EXISTS users;")


async def private():
    return await _db.status("DROP TABLE IF EXISTS users;")
"""
    orm = _orm(make_project, _gino_project(database))
    assert orm["raw_sql"] == [], orm["raw_sql"]


KOA_PACKAGE = (
    '{"name": "demo", "dependencies": {"koa": "3", "@prisma/client": "6", "zod": "3", "jsonwebtoken": "9"}}'
)
PRISMA_SCHEMA = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
}
"""
ENV_CONFIG = """import { z } from "zod";

const envSchema = z.object({
  JWT_SECRET: z.string().min(32),
  DATABASE_NAME: z.string(),
});

export const env = envSchema.parse(process.env);
"""
JWT_UTIL = """import jwt from "jsonwebtoken";
import { env } from "../configs/env.config";

export const verifyToken = (token: string) => jwt.verify(token, env.JWT_SECRET);
"""
KOA_APP = """import Koa from "koa";
import { PrismaClient } from "@prisma/client";
import { verifyToken } from "./utils/jwt.util";

const prisma = new PrismaClient();
const app = new Koa();
app.use(async (ctx) => {
  verifyToken(ctx.headers.authorization ?? "");
  ctx.body = await prisma.user.findMany();
});
app.listen(3000);
"""


def _harness(make_project: MakeProject, files: dict[str, str | bytes]) -> list[str]:
    inspected = inspect(make_project(files), use_cache=False)
    return sorted(in_harness(inspected.analysis.database, PAPER_ENVIRONMENT).engines)


def _koa(util: str) -> dict[str, str | bytes]:
    return {
        "package.json": KOA_PACKAGE,
        "prisma/schema.prisma": PRISMA_SCHEMA,
        "src/configs/env.config.ts": ENV_CONFIG,
        "src/utils/jwt.util.ts": util,
        "src/index.ts": KOA_APP,
    }


def test_a_config_named_module_the_app_imports_stops_it_with_its_schema(make_project: MakeProject) -> None:
    assert _harness(make_project, _koa(JWT_UTIL)) == []


def test_a_config_named_module_the_app_never_loads_stops_nothing(make_project: MakeProject) -> None:
    """Imported only inside a function, the schema is parsed where that function runs, not at start-up."""
    util = """import jwt from "jsonwebtoken";

export const verifyToken = async (token: string) => {
  const { env } = await import("../configs/env.config");
  return jwt.verify(token, env.JWT_SECRET);
};
"""
    assert _harness(make_project, _koa(util)) == ["postgresql"]


FLASK_FACTORY = """from flask import Flask
from app.models import db


def create_app(config_filename="config/production/settings.py"):
    app = Flask(__name__)
    app.config.from_pyfile(config_filename)
    db.init_app(app)
    return app
"""
PRODUCTION = """import os

SECRET_KEY = os.environ.get("SECRET_KEY")
SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
"""
DEVELOPMENT = """SECRET_KEY = "dev"
SQLALCHEMY_DATABASE_URI = "postgresql://postgres:admin@localhost:5432/tasks"
SALT = "salt"
"""


def _flask(run: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "flask==2.0.3\nflask-sqlalchemy==2.5.1\npsycopg2==2.8.6\n",
        "run.py": run,
        "app/__init__.py": FLASK_FACTORY,
        "app/models/__init__.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "app/config/__init__.py": "",
        "app/config/production/settings.py": PRODUCTION,
        "app/config/development/settings.py": DEVELOPMENT,
        "app/routes.py": "from app.config.development.settings import SALT\n\n\ndef salted(word):\n    return word + SALT\n",
    }


def test_a_settings_module_the_flask_app_never_loads_configures_nothing(make_project: MakeProject) -> None:
    """`from_pyfile` loads the production settings, whose URI is unset: the development URI is not the app's."""
    files = _flask("from app import create_app\n\napp = create_app()\napp.run()\n")
    assert _harness(make_project, files) == []


def test_the_settings_module_the_flask_app_loads_still_configures_it(make_project: MakeProject) -> None:
    """Handed the development file, the app loads it: its URI is the app's."""
    files = _flask(
        'from app import create_app\n\napp = create_app("config/development/settings.py")\napp.run()\n'
    )
    assert _harness(make_project, files) == ["postgresql"]


FASTIFY_PACKAGE = (
    '{"name": "demo", "dependencies": {"fastify": "5", "fastify-plugin": "5", "@prisma/client": "6"}}'
)
PRISMA_PLUGIN = """import fp from "fastify-plugin";
import { PrismaClient } from "@prisma/client";

export default fp(async (fastify) => {
  const prisma = new PrismaClient();
  CONNECT
  fastify.decorate("prisma", prisma);
});
"""
FASTIFY_INDEX = """import Fastify from "fastify";
import prismaPlugin from "./plugins/prisma";

const buildServer = async () => {
  const app = Fastify({ logger: true });
  await app.register(prismaPlugin);
  return app;
};

buildServer().then((app) => {
  app.listen({ port: 3000 }, (err) => {
    if (err) {
      process.exit(1);
    }
  });
});
"""


def _fastify(connect: str) -> dict[str, str | bytes]:
    return {
        "package.json": FASTIFY_PACKAGE,
        "prisma/schema.prisma": PRISMA_SCHEMA,
        "src/plugins/prisma.ts": PRISMA_PLUGIN.replace("CONNECT", connect),
        "src/index.ts": FASTIFY_INDEX,
    }


def test_a_project_plugin_connecting_prisma_stops_the_server_it_is_registered_in(
    make_project: MakeProject,
) -> None:
    assert _harness(make_project, _fastify("await prisma.$connect();")) == []


def test_a_project_plugin_catching_the_connect_failure_stops_nothing(make_project: MakeProject) -> None:
    connect = "try { await prisma.$connect(); } catch (error) { fastify.log.warn(error); }"
    assert _harness(make_project, _fastify(connect)) == ["postgresql"]
