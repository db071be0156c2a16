"""Fastify apps that cannot start in the paper's harness because their environment fails a JSON schema
validated at start-up (issue 18, session 2026-12-05 (6), round 2): @fastify/env registered with a TypeBox
schema imported through a barrel, and env-schema given a fluent-json-schema builder inside an async
`getConfig()` that the entry's `main()` awaits. Each has clean variants: a property with a default or marked
optional, a validation nobody runs at start-up, a `.env` the project ships. The projects are small synthetic
ones written for these tests. Also: a `require` of a path built from `__dirname` (sequelize-cli's
`require(__dirname + '/../config/config.json')`) is an import, so a gitignored config stops the app too."""

from __future__ import annotations

import pytest
from reports import MakeProject, check, database_status, database_status_set_and_unset, only

from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness
from cdverify.model import ImportKind, Language
from cdverify.parse import parse_source
from cdverify.pipeline import inspect

PG_TASK = "fastify-openapi-postgres"
PG_URL = "postgresql://user:password@postgres:5432/conduit"

# -- @fastify/env with a TypeBox schema ----------------------------------------------------------------------

TYPEBOX_PACKAGE = (
    '{"name": "api", "dependencies": {"fastify": "5", "@fastify/env": "5", "@sinclair/typebox": "0.34",'
    ' "pg": "8"}}'
)
TYPEBOX_APP = """import fastify from "fastify";
import fastifyEnv from "@fastify/env";
import { EnvironmentSchema } from "./schemas";
import { pool } from "./db";

const app = fastify();
app.register(fastifyEnv, { dotenv: true, schema: EnvironmentSchema });
app.get("/health", async () => (await pool.query("SELECT 1 AS ok")).rows);

export default app;
"""
TYPEBOX_INDEX = """import app from "./app";

app.listen({ port: 3000, host: "0.0.0.0" });
"""
TYPEBOX_DB = f"""import {{ Pool }} from "pg";

export const pool = new Pool({{ connectionString: process.env.DATABASE_URL || "{PG_URL}" }});
"""
TYPEBOX_SCHEMA = """import { Type } from "@sinclair/typebox";

export const EnvironmentSchema = Type.Object({
  PORT: Type.Number({ default: 3000 }),
  JWT_SECRET: FIELD,
});
"""


def _typebox(field: str, **extra: str) -> dict[str, str | bytes]:
    return {
        "package.json": TYPEBOX_PACKAGE,
        "src/index.ts": TYPEBOX_INDEX,
        "src/app.ts": TYPEBOX_APP,
        "src/db.ts": TYPEBOX_DB,
        "src/schemas/index.ts": 'export * from "./environment.schema";\n',
        "src/schemas/environment.schema.ts": TYPEBOX_SCHEMA.replace("FIELD", field),
        **extra,
    }


def test_fastify_env_with_a_typebox_schema_requiring_a_secret_stops_the_app(
    make_project: MakeProject,
) -> None:
    files = _typebox("Type.String()")
    db001 = only(check(make_project, files, PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "at src/app.ts:7 throws when @fastify/env's schema finds $JWT_SECRET unset" in db001["message"]
    root = make_project(files)
    assert database_status_set_and_unset(root, PG_TASK, "JWT_SECRET", "s3cret") == ("pass", "pass")


@pytest.mark.parametrize(
    "field",
    ["Type.Optional(Type.String())", 'Type.String({ default: "dev" })'],
)
def test_fastify_env_with_a_schema_the_harness_passes(make_project: MakeProject, field: str) -> None:
    assert database_status(check(make_project, _typebox(field), PG_TASK)) == "pass"


def test_a_typebox_object_that_no_env_plugin_is_given(make_project: MakeProject) -> None:
    """A TypeBox object used for a route's body is no start-up check."""
    app = TYPEBOX_APP.replace(
        "app.register(fastifyEnv, { dotenv: true, schema: EnvironmentSchema });\n",
        'app.post("/echo", { schema: { body: EnvironmentSchema } }, async (req) => req.body);\n',
    )
    files = _typebox("Type.String()", **{"src/app.ts": app})
    assert database_status(check(make_project, files, PG_TASK)) == "pass"


def test_fastify_env_registered_in_a_function_nobody_calls(make_project: MakeProject) -> None:
    app = TYPEBOX_APP.replace(
        "app.register(fastifyEnv, { dotenv: true, schema: EnvironmentSchema });\n",
        "export function withEnv(instance) {\n"
        "  instance.register(fastifyEnv, { dotenv: true, schema: EnvironmentSchema });\n}\n",
    )
    files = _typebox("Type.String()", **{"src/app.ts": app})
    assert database_status(check(make_project, files, PG_TASK)) == "pass"


# -- env-schema with fluent-json-schema, in a function the entry awaits ---------------------------------------

FLUENT_PACKAGE = '{"name": "api", "dependencies": {"fastify": "4", "env-schema": "5", "fluent-json-schema": "4", "pg": "8"}}'
FLUENT_INDEX = """const getConfig = require('./lib/config')
const buildServer = require('./lib/server')

const main = async () => {
  const config = await getConfig()
  const server = require('fastify')({ logger: true })
  server.register(buildServer, config)
  await server.listen({ port: config.port })
}

START
"""
FLUENT_CONFIG = """const envSchema = require('env-schema')
const S = require('fluent-json-schema')

async function getConfig () {
  const env = envSchema({
    dotenv: true,
    schema: S.object()
      .prop('API_PORT', S.number().default(3000))
      .prop('JWT_SECRET', S.string()FIELD)
  })
  return { port: env.API_PORT, secret: env.JWT_SECRET }
}

module.exports = getConfig
"""
FLUENT_SERVER = f"""const {{ Pool }} = require('pg')

const pool = new Pool({{ connectionString: process.env.DATABASE_URL || '{PG_URL}' }})

module.exports = async function (server) {{
  server.get('/health', async () => (await pool.query('SELECT 1 AS ok')).rows)
}}
"""


def _fluent(field: str, start: str = "main()") -> dict[str, str | bytes]:
    return {
        "package.json": FLUENT_PACKAGE,
        "index.js": FLUENT_INDEX.replace("START", start),
        "lib/config.js": FLUENT_CONFIG.replace("FIELD", field),
        "lib/server.js": FLUENT_SERVER,
    }


@pytest.mark.parametrize("start", ["main()", "main().catch((err) => {\n  console.error(err)\n})"])
def test_env_schema_in_a_function_main_awaits_stops_the_app(make_project: MakeProject, start: str) -> None:
    files = _fluent(".required()", start)
    db001 = only(check(make_project, files, PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "at lib/config.js:5 throws when env-schema's schema finds $JWT_SECRET unset" in db001["message"]
    assert "$API_PORT" not in db001["message"]  # it has a default
    root = make_project(files)
    assert database_status_set_and_unset(root, PG_TASK, "JWT_SECRET", "s3cret") == ("pass", "pass")


@pytest.mark.parametrize(
    ("field", "start"),
    [
        ("", "main()"),  # not required
        (".required().default('dev')", "main()"),  # a default
        (".required()", "module.exports = main"),  # main is never run as the entry loads
    ],
)
def test_env_schema_that_does_not_stop_the_app(make_project: MakeProject, field: str, start: str) -> None:
    assert database_status(check(make_project, _fluent(field, start), PG_TASK)) == "pass"


# -- a module path built from `__dirname` ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "specifier"),
    [
        ("require(__dirname + '/../config/config.json')", "../config/config.json"),
        ("require(__dirname + '/db')", "./db"),
        ("require(path.join(__dirname, '..', 'config', 'config.json'))", "../config/config.json"),
        ("require(path.resolve(__dirname, './db'))", "./db"),
    ],
)
def test_a_require_of_a_path_built_from_dirname_is_an_import(written: str, specifier: str) -> None:
    facts = parse_source("src/models/index.js", Language.JAVASCRIPT, f"const m = {written};\n".encode())
    assert [(f.specifier, f.kind, f.line) for f in facts.imports] == [(specifier, ImportKind.REQUIRE, 1)]


@pytest.mark.parametrize(
    "written",
    [
        "require(__dirname + '/routes/' + file)",  # a computed part
        "require(__dirname + 'db')",  # not a path below the folder
        "require(path.join(__dirname, file))",
        "require(path.join(root, 'db'))",  # not from the file's folder
        "require(path.join(__dirname, '/etc/db'))",  # an absolute part
        "require(path.join(__dirname))",
    ],
)
def test_computed_module_paths_are_not_imports(written: str) -> None:
    assert parse_source("src/index.js", Language.JAVASCRIPT, f"const m = {written};\n".encode()).imports == ()


def test_the_names_a_module_calls_by_themselves_at_module_level() -> None:
    code = (
        b"const a = require('a')\nasync function main () { helper() }\nmain()\nstart().then(a.ok).catch(a.log)\n"
        b"a.run()\nvoid boot()\nif (require.main === module) {\n  serve()\n}\nfunction f () { never() }\n"
    )
    assert parse_source("index.js", Language.JAVASCRIPT, code).runs == ("boot", "main", "serve", "start")


SEQUELIZE_PACKAGE = '{"name": "api", "dependencies": {"express": "4", "sequelize": "6", "mysql2": "3"}}'
SEQUELIZE_INDEX = """const express = require('express')
const db = require('./models')

const app = express()
app.get('/health', async (req, res) => res.json(await db.sequelize.query('SELECT 1 AS ok')))
app.listen(3000)
"""
SEQUELIZE_MODELS = """const Sequelize = require('sequelize')
const env = process.env.NODE_ENV || 'development'
const config = require(__dirname + '/../config/config.json')[env]

const sequelize = new Sequelize(config.database, config.username, config.password, config)
module.exports = { sequelize }
"""
SEQUELIZE_CONFIG = (
    '{"development": {"username": "root", "password": "pw", "database": "app", "host": "mysql",'
    ' "dialect": "mysql"}}'
)


def test_a_sequelize_config_required_from_dirname_that_is_not_there_stops_the_app(
    make_project: MakeProject,
) -> None:
    files: dict[str, str | bytes] = {
        "package.json": SEQUELIZE_PACKAGE,
        "src/index.js": SEQUELIZE_INDEX,
        "src/models/index.js": SEQUELIZE_MODELS,
        ".gitignore": "src/config/config.json\n",
    }
    found = in_harness(inspect(make_project(files), use_cache=False).analysis.database, PAPER_ENVIRONMENT)
    assert found.engines == []
    assert [s.describe() for s in found.stopped] == [
        "require(__dirname + '/../config/config.json') at src/models/index.js:3 throws MODULE_NOT_FOUND: "
        "../config/config.json is not in the project"
    ]


def test_a_sequelize_config_required_from_dirname_that_is_there(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "package.json": SEQUELIZE_PACKAGE,
        "src/index.js": SEQUELIZE_INDEX,
        "src/models/index.js": SEQUELIZE_MODELS,
        "src/config/config.json": SEQUELIZE_CONFIG,
    }
    inspected = inspect(make_project(files), use_cache=False)
    assert in_harness(inspected.analysis.database, PAPER_ENVIRONMENT).engines == ["mysql"]
    assert not [f for f in inspected.to_json()["findings"] if f["rule"].startswith("RES")]
