"""A module calling its own environment helper as it loads (issue 18, seoyoungsz/mysql-knex's pattern):
`function getEnv(key, fallback?)` that throws when the variable is unset, and `jwtSecret: getEnv('JWT_SECRET')`
in the same module's exported settings. Calls of an imported helper were start-up stops already; the
module's own calls were read as environment reads only, so the app was taken to start in the paper's
harness."""

from __future__ import annotations

import pytest
from reports import MakeProject

PACKAGE = """{"name": "board", "dependencies": {"fastify": "5", "better-sqlite3": "11"}}"""
ENV = """import { config } from 'dotenv';

config();

function getEnv(key: string, fallback?: string): string {
  const value = process.env[key] ?? fallback;
  if (!value) {
    throw new Error(`Missing environment variable: ${key}`);
  }
  return value;
}

export const env = {
  host: getEnv('APP_HOST', '0.0.0.0'),
  jwtSecret: getEnv('JWT_SECRET'),
};
"""
SERVER = """import Fastify from 'fastify';
import Database from 'better-sqlite3';
import { env } from './config/env';

const db = new Database('app.db');
const app = Fastify();
app.get('/users', async () => db.prepare('SELECT id FROM users').all());
app.listen({ host: env.host, port: 3000 });
"""


def _inspect(make_project: MakeProject, env: str):  # type: ignore[no-untyped-def]
    from cdverify import inspect

    files = {"package.json": PACKAGE, "src/config/env.ts": env, "src/server.ts": SERVER}
    inspected = inspect(make_project(files), use_cache=False)
    assert inspected.to_json()["database"]["engines"] == ["sqlite"]
    return inspected


def _harness(make_project: MakeProject, env: str) -> list[str]:
    from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness

    return in_harness(_inspect(make_project, env).analysis.database, PAPER_ENVIRONMENT).engines


def test_the_modules_own_required_helper_called_as_it_loads_stops_the_app(make_project: MakeProject) -> None:
    inspected = _inspect(make_project, ENV)
    stops = [(stop.file, stop.line, stop.variables) for stop in inspected.analysis.database.stops]
    assert stops == [("src/config/env.ts", 15, ("JWT_SECRET",))]
    assert _harness(make_project, ENV) == []


@pytest.mark.parametrize(
    "env",
    [
        ENV.replace("getEnv('JWT_SECRET')", "getEnv('JWT_SECRET', 'dev-secret')"),
        ENV.replace("  jwtSecret: getEnv('JWT_SECRET'),\n", "").replace(
            "export const env", "export const secret = () => getEnv('JWT_SECRET');\nexport const env"
        ),
        ENV.replace(
            "  if (!value) {\n    throw new Error(`Missing environment variable: ${key}`);\n  }\n", ""
        ),
    ],
    ids=["fallback-given", "called-later-in-a-function", "helper-that-does-not-throw"],
)
def test_a_fallback_a_later_call_or_a_lenient_helper_lets_the_app_start(
    make_project: MakeProject, env: str
) -> None:
    assert _harness(make_project, env) == ["sqlite"]
