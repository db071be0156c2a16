"""A failed environment schema checked inside a Fastify plugin stops the start-up (docs/accuracy.md "The
hundred-and-twenty-fifth set's disagreements (session 2026-12-07 (19))"): an env plugin `fp(async (app) => {
const parsed = EnvSchema.safeParse(process.env); if (!parsed.success) throw new Error(…) })`, registered by the
`build()` the entry runs before it listens, throws where a variable the zod schema requires with no default is
unset, as the same check at module level or in a function a module calls as it loads does: the harness sets
none, so the app never listens. Clean: a schema whose every variable has a default, and the same check made
only in a route handler, stop nothing. Small projects written for the tests."""

from __future__ import annotations

from typing import Any

from reports import MakeProject, check, database_status

PG_TASK = "fastify-openapi-postgres"
PACKAGE = (
    '{"name": "api", "scripts": {"start": "tsx src/server.ts"}, "dependencies": {"fastify": "5",'
    ' "fastify-plugin": "5", "zod": "3", "pg": "8", "tsx": "4"}}'
)
SERVER = """import Fastify from 'fastify';
import envPlugin from './plugins/env';
import dbPlugin from './plugins/db';

export async function build() {
  const app = Fastify();
  await app.register(envPlugin);
  await app.register(dbPlugin);
  app.get('/api/notes', async () => (await app.pg.query('SELECT id, body FROM notes')).rows);
  return app;
}

build()
  .then((app) => app.listen({ host: '0.0.0.0', port: 3000 }))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
"""
ENV = """import fp from 'fastify-plugin';
import { z } from 'zod';

const EnvSchema = z.object({
  PORT: z.coerce.number().default(3000),
  SESSION_SECRET: z.string()VARIABLE,
});

export default fp(async (app) => {
  CHECK
});
"""
CHECK = """const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error('ENV_VALIDATION_FAILED');
  }
  app.decorate('config', parsed.data);"""
DB = """import fp from 'fastify-plugin';
import { Pool } from 'pg';

export default fp(async (app) => {
  app.decorate('pg', new Pool({ connectionString: 'postgres://user:password@postgres:5432/notes' }));
});
"""


def _report(make_project: MakeProject, variable: str = "", check_body: str = CHECK) -> dict[str, Any]:
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "src/server.ts": SERVER,
        "src/plugins/env.ts": ENV.replace("VARIABLE", variable).replace("CHECK", check_body),
        "src/plugins/db.ts": DB,
    }
    return check(make_project, files, PG_TASK)


def _db001(report: dict[str, Any]) -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule"] == "DB001"]


def test_a_failed_schema_in_a_registered_env_plugin_stops_the_start_up(make_project: MakeProject) -> None:
    report = _report(make_project)
    assert database_status(report) == "fail"
    assert any(
        "$SESSION_SECRET unset (in a plugin registered at start-up at src/server.ts:7)" in message
        for message in _db001(report)
    )


def test_a_schema_with_defaults_or_a_check_in_a_handler_stops_nothing(make_project: MakeProject) -> None:
    defaulted = _report(make_project, variable=".default('local')")
    assert database_status(defaulted) == "pass"
    in_handler = CHECK.replace("const parsed", "app.get('/api/env', async () => {\n  const parsed").replace(
        "app.decorate('config', parsed.data);", "return parsed.data;\n  });"
    )
    assert database_status(_report(make_project, check_body=in_handler)) == "pass"
