"""Patterns of the seventieth unseen labelled set (issue 18, docs/accuracy.md "The seventieth set's
disagreements"), with violating and clean projects written for the test:

- A Redis emulator the app falls back to when Redis is down (`fakeredis.aioredis.FakeRedis`, ioredis-mock)
  stands in for Redis, the app's cache or bus: it is the engine `redis`, not an in-process store (`memory`)
  beside the database.
- An environment plugin @fastify/autoload registers from its folder (`export default env` of @fastify/env beside
  `export const autoConfig = { schema }`, the fastify/demo layout), its folder's registration made in the app
  plugin the entry registers (`app.register(fp(serviceApp))`), validates the environment as the app starts: a
  property it requires with no default stops the app where the paper's harness leaves it unset.
"""

from __future__ import annotations

from reports import MakeProject, inspect_json

from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness
from cdverify.pipeline import inspect

_SETTINGS = """from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    DATABASE_URL: str = "postgresql+asyncpg://quiz:quiz@localhost:5432/quiz"
    REDIS_URL: str = "redis://localhost:6379/0"


settings = Settings()
"""

_BUS = """import redis.asyncio as redis

from quiz.settings import settings

_client = None


async def bus():
    global _client
    if _client is None:
        try:
            _client = redis.from_url(settings.REDIS_URL)
            await _client.ping()
        except Exception:
            from fakeredis.aioredis import FakeRedis

            _client = FakeRedis()
    return _client
"""

_DB = """from sqlalchemy.ext.asyncio import create_async_engine

from quiz.settings import settings

engine = create_async_engine(settings.DATABASE_URL)
"""

_MAIN = """from fastapi import FastAPI

from quiz.bus import bus
from quiz.db import engine

app = FastAPI()


@app.get("/ping")
async def ping():
    client = await bus()
    await client.publish("pings", "1")
    return {"ok": engine is not None}
"""


def _quiz(bus: str, extra: str) -> dict[str, str | bytes]:
    return {
        "pyproject.toml": (
            '[project]\nname = "quiz"\nversion = "0"\ndependencies = ["fastapi", "sqlalchemy", "asyncpg", '
            f'"redis", "pydantic-settings"{extra}]\n'
        ),
        "quiz/__init__.py": "",
        "quiz/settings.py": _SETTINGS,
        "quiz/bus.py": bus,
        "quiz/db.py": _DB,
        "quiz/main.py": _MAIN,
    }


def test_a_fakeredis_fallback_is_redis_not_an_in_memory_store(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _quiz(_BUS, ', "fakeredis"'))
    engines = report["database"]["engines"]
    assert "memory" not in engines
    assert set(engines) == {"postgresql", "redis"}
    fallback = [e for e in report["database"]["evidence"] if "fakeredis" in e["text"]]
    assert fallback and {e["engine"] for e in fallback} == {"redis"}


def test_a_tinydb_store_is_still_in_memory(make_project: MakeProject) -> None:
    store = (
        'from tinydb import TinyDB\n\nstore = TinyDB("quiz.json")\n\n\nasync def bus():\n    return store\n'
    )
    report = inspect_json(make_project, _quiz(store, ', "tinydb"'))
    assert "memory" in report["database"]["engines"]


_NODE_CACHE = """const Redis = process.env.NODE_ENV === "test" ? require("ioredis-mock") : require("ioredis");

const cache = new Redis(process.env.REDIS_URL);

module.exports = { cache };
"""

_NODE_APP = """const express = require("express");
const { Pool } = require("pg");
const { cache } = require("./cache");

const pool = new Pool({ connectionString: process.env.DATABASE_URL });
const app = express();

app.get("/items", async (req, res) => {
  const hit = await cache.get("items");
  if (hit) return res.json(JSON.parse(hit));
  const { rows } = await pool.query("SELECT id, name FROM items");
  await cache.set("items", JSON.stringify(rows));
  res.json(rows);
});

app.listen(3000);
"""


def test_ioredis_mock_is_redis(make_project: MakeProject) -> None:
    report = inspect_json(
        make_project,
        {
            "package.json": (
                '{"name": "items", "dependencies": {"express": "4", "pg": "8", "ioredis": "5", "ioredis-mock": "8"}}'
            ),
            "src/cache.js": _NODE_CACHE,
            "src/app.js": _NODE_APP,
        },
    )
    engines = report["database"]["engines"]
    assert "memory" not in engines
    assert "redis" in engines and "postgresql" in engines


_ENV_PLUGIN = """import env from "@fastify/env";

const schema = {
  type: "object",
  required: REQUIRED,
  properties: {
    DATABASE_FILE: { type: "string", default: "notes.db" },
    SESSION_KEY: { type: "string" },
  },
};

export const autoConfig = { schema, dotenv: true };

export default env;
"""

_DB_PLUGIN = """import fp from "fastify-plugin";
import Database from "better-sqlite3";

export default fp(async (fastify) => {
  const db = new Database(fastify.config.DATABASE_FILE);
  fastify.decorate("db", db);
});
"""

_APP = """import autoload from "@fastify/autoload";
import path from "node:path";
import type { FastifyInstance } from "fastify";

export default async function notesApp(fastify: FastifyInstance) {
  await fastify.register(autoload, { dir: path.join(import.meta.dirname, "plugins") });
}
"""

_SERVER = """import Fastify from "fastify";
import fp from "fastify-plugin";
import notesApp from "./app.js";

const app = Fastify();
app.register(fp(notesApp));
await app.ready();
await app.listen({ port: 3000 });
"""


def _notes(required: str) -> dict[str, str | bytes]:
    return {
        "package.json": (
            '{"name": "notes", "type": "module", "scripts": {"start": "node src/server.js"}, "dependencies": '
            '{"fastify": "5", "fastify-plugin": "5", "@fastify/autoload": "6", "@fastify/env": "5", '
            '"better-sqlite3": "12"}}'
        ),
        "src/plugins/env.ts": _ENV_PLUGIN.replace("REQUIRED", required),
        "src/plugins/db.ts": _DB_PLUGIN,
        "src/app.ts": _APP,
        "src/server.ts": _SERVER,
    }


def _harness(make_project: MakeProject, files: dict[str, str | bytes]) -> list[str]:
    return in_harness(
        inspect(make_project(files), use_cache=False).analysis.database, PAPER_ENVIRONMENT
    ).engines


def test_an_autoloaded_env_plugin_requiring_an_unset_variable_stops_the_start(
    make_project: MakeProject,
) -> None:
    assert _harness(make_project, _notes('["SESSION_KEY"]')) == []


def test_an_autoloaded_env_plugin_requiring_only_defaulted_variables_starts(
    make_project: MakeProject,
) -> None:
    assert _harness(make_project, _notes('["DATABASE_FILE"]')) == ["sqlite"]
