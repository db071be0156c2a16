"""A Fastify app's database plugin (issue 18): `src/plugins/external/knex.ts` (the app's own registration of
an external plugin, not vendored code) exports `autoConfig`, the options @fastify/autoload hands the plugin
(`fp(async (fastify, opts) => fastify.decorate('knex', knex(opts)))`); its `client` names the engine. The
connection settings read `fastify.config.X`, validated at start-up by @fastify/env's JSON schema: a required
variable without a default stops the app where the harness leaves it unset. Violating and clean cases."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, inspect_json, only

from cdverify.config import build_config
from cdverify.pipeline import verify

POSTGRES_TASK = "fastify-openapi-postgres"
PACKAGE = (
    '{"name": "app", "type": "module", "dependencies": {"fastify": "5", "fastify-plugin": "5",'
    ' "@fastify/autoload": "6", "@fastify/env": "5", "knex": "3", "pg": "8", "mysql2": "3"}}'
)
APP = """import Fastify from 'fastify';
import autoload from '@fastify/autoload';
import path from 'node:path';

const app = Fastify();
app.register(autoload, { dir: path.join(import.meta.dirname, 'plugins/external') });
app.get('/api/health', async () => ({ ok: true }));
app.listen({ port: 3000 });
"""
KNEX = """import fp from 'fastify-plugin';
import { FastifyInstance } from 'fastify';
import knex from 'knex';

export const autoConfig = CONFIG;

export default fp(async (fastify: FastifyInstance, opts) => {
  fastify.decorate('knex', knex(opts));
}, { name: 'knex' });
"""
OBJECT = "{ client: 'CLIENT', connection: { host: 'db', user: 'app', database: 'app' } }"
FACTORY = """(fastify: FastifyInstance) => {
  return {
    client: 'CLIENT',
    connection: { host: fastify.config.PG_HOST, user: fastify.config.PG_USER, database: 'app' },
  };
}"""
ENV = """import env from '@fastify/env';

const schema = {
  type: 'object',
  required: ['PG_HOST', 'PG_USER'],
  properties: {
    PG_HOST: { type: 'string', default: 'localhost' },
    PG_USER: { type: 'string'USER_DEFAULT },
  },
};

export const autoConfig = { confKey: 'config', schema, dotenv: true, data: process.env };

export default env;
"""


def _files(config: str, client: str, user_default: str = "") -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "src/app.ts": APP,
        "src/plugins/external/knex.ts": KNEX.replace("CONFIG", config).replace("CLIENT", client),
        "src/plugins/external/env.ts": ENV.replace("USER_DEFAULT", user_default),
    }


def _engines(report: dict[str, Any]) -> list[str]:
    engines: list[str] = report["database"]["engines"]
    return engines


@pytest.mark.parametrize(("client", "engine"), [("mysql2", "mysql"), ("pg", "postgresql")])
@pytest.mark.parametrize("config", [OBJECT, FACTORY])
def test_the_plugin_options_name_the_engine(
    make_project: MakeProject, config: str, client: str, engine: str
) -> None:
    report = inspect_json(make_project, _files(config, client))
    assert _engines(report) == [engine]
    assert "knex" in report["orm"]["libraries"]  # plugins/external/ is application code, not vendored


def test_a_required_variable_without_default_stops_the_app(make_project: MakeProject) -> None:
    db001 = only(check(make_project, _files(FACTORY, "pg"), POSTGRES_TASK), "DB001")
    assert (
        "needs $PG_USER, which is unset there (@fastify/env's schema at src/plugins/external/env.ts:5 "
        "requires it with no default)" in db001["message"]
    )


def test_a_default_or_the_declared_environment_lets_it_start(make_project: MakeProject) -> None:
    report = check(make_project, _files(FACTORY, "pg", ", default: 'app'"), POSTGRES_TASK)
    assert report["verdicts"]["database"]["status"] == "pass"
    root = make_project(_files(FACTORY, "pg"))
    declared = build_config({"harness_env": {"PG_USER": "app"}})
    assert verify(root, POSTGRES_TASK, declared, use_cache=False).verdicts["database"].status == "pass"
