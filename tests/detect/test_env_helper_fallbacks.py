"""A project's env helper that takes a fallback (`readVar(name, fallback?)` returning `process.env[name] ??
fallback`, throwing when the result is empty) stops the app at start-up only where a module-level call gives it
no fallback: `readVar("PORT", "3000")` starts wherever $PORT is unset, `readVar("SESSION_SECRET")` does not
(stops.py `_required_at_start`; issue 18, the thirteenth set)."""

from __future__ import annotations

import pytest
from reports import MakeProject

PACKAGE = """{"name": "envs", "dependencies": {"fastify": "5", "knex": "3", "mysql2": "3"}}"""
HELPER = """export function readVar(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  if (!value) {
    throw new Error(`Missing ${name}`);
  }
  return value;
}
"""
SETTINGS = """import { readVar } from "./vars";

export const settings = {
  port: readVar("PORT", "3000"),
  dbHost: readVar("DB_HOST", "localhost"),
  EXTRA
};
"""
SERVER = """import Fastify from "fastify";
import knex from "knex";
import { settings } from "./config/settings";

const db = knex({ client: "mysql2", connection: { host: settings.dbHost } });
const app = Fastify();
app.get("/items", async () => db("items").select());
app.listen({ port: Number(settings.port) });
"""


def _harness(make_project: MakeProject, extra: str) -> tuple[list[str], list[str]]:
    from cdverify import inspect
    from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness

    files = {
        "package.json": PACKAGE,
        "src/config/vars.ts": HELPER,
        "src/config/settings.ts": SETTINGS.replace("EXTRA", extra),
        "src/server.ts": SERVER,
    }
    inspected = inspect(make_project(files), use_cache=False)
    assert inspected.to_json()["database"]["engines"] == ["mysql"]
    harness = in_harness(inspected.analysis.database, PAPER_ENVIRONMENT)
    return harness.engines, [stop.reason for stop in harness.stopped]


def test_calls_given_a_fallback_stop_nothing(make_project: MakeProject) -> None:
    # before: each call was read as requiring its variable ("throws when $PORT is unset")
    assert _harness(make_project, 'mode: readVar("MODE", "dev"),') == (["mysql"], [])


@pytest.mark.parametrize("call", ['readVar("SESSION_SECRET")', 'readVar("SESSION_SECRET", "")'])
def test_a_call_without_a_fallback_stops_the_app(make_project: MakeProject, call: str) -> None:
    engines, reasons = _harness(make_project, f"secret: {call},")
    assert engines == []
    assert reasons == ["throws when $SESSION_SECRET is unset (the helper readVar requires it)"]
