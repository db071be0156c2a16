"""Engines named where the application neither connects nor is configured (docs/accuracy.md "The
hundred-and-tenth to hundred-and-fourteenth sets' database disagreements (session 2026-12-07 (19))"):

- a database URL in the object a Koa handler answers with (`ctx.body = { envExample: { DATABASE_URL:
  "postgresql://…" } }`) is data sent to the client, not a setting: at most a mention, as the same URL in
  `res.json({ … })` already was;
- drizzle-kit's `defineConfig` is read by the migration CLI, never by the running application: its dialect
  names no run-time engine where the application's own code connects to another engine and never names that
  one (a Replit template's `dialect: "postgresql"` beside the better-sqlite3 database the app opens).
"""

from __future__ import annotations

from reports import MakeProject, inspect_json

from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness
from cdverify.pipeline import inspect

KOA_PACKAGE = (
    '{"name": "demo", "dependencies": {"koa": "2", "@koa/router": "12", "sequelize": "6", "sqlite3": "5"}}'
)
KOA_MODELS = """import { Sequelize } from "sequelize";

export const sequelize = new Sequelize({ dialect: "sqlite", storage: ":memory:" });
"""
KOA_APP = """import Koa from "koa";
import { sequelize } from "./models";
import router from "./routes";

const app = new Koa();
app.use(router.routes());
sequelize.sync().then(() => app.listen(3000));
"""
KOA_ROUTES = """import Router from "@koa/router";

const router = new Router();

router.get("/leak", async (ctx) => {
  ctx.body = {
    success: true,
    envExample: { DATABASE_URL: "postgresql://user:secret@localhost:5432/app" },
  };
});

export default router;
"""
# the same URL bound to a module's settings object, which the app could connect with
KOA_SETTINGS = """export const settings = {
  DATABASE_URL: "postgresql://user:secret@localhost:5432/app",
};
"""


def _koa(routes: str) -> dict[str, str | bytes]:
    return {
        "package.json": KOA_PACKAGE,
        "src/app.ts": KOA_APP,
        "src/models.ts": KOA_MODELS,
        "src/routes.ts": routes,
    }


def _engines(make_project: MakeProject, files: dict[str, str | bytes]) -> tuple[list[str], list[str]]:
    """The run-time engines of a project, and those it runs on in the paper's harness."""
    inspected = inspect(make_project(files), use_cache=False)
    engines = sorted(inspected.to_json()["database"]["engines"])
    return engines, sorted(in_harness(inspected.analysis.database, PAPER_ENVIRONMENT).engines)


def test_a_url_in_what_a_koa_handler_answers_is_no_setting(make_project: MakeProject) -> None:
    assert _engines(make_project, _koa(KOA_ROUTES)) == (["sqlite"], ["sqlite"])
    evidence = inspect_json(make_project, _koa(KOA_ROUTES))["database"]["evidence"]
    assert [e["kind"] for e in evidence if e["engine"] == "postgresql"] == ["mention"]


def test_a_url_in_a_settings_object_is_still_a_setting(make_project: MakeProject) -> None:
    files = _koa(KOA_ROUTES.replace("ctx.body = {", "const body = {"))
    files["src/settings.ts"] = KOA_SETTINGS
    engines, _harness = _engines(make_project, files)
    assert engines == ["postgresql", "sqlite"]


REPLIT_PACKAGE = """{"name": "notes", "dependencies": {"express": "4", "drizzle-orm": "0.39",
 "better-sqlite3": "11", "@neondatabase/serverless": "0.10"}, "devDependencies": {"drizzle-kit": "0.30"}}"""
DRIZZLE_CONFIG = """import { defineConfig } from "drizzle-kit";

export default defineConfig({
  out: "./migrations",
  schema: "./shared/schema.ts",
  dialect: "postgresql",
  dbCredentials: { url: process.env.DATABASE_URL },
});
"""
SQLITE_DB = """import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";

const sqlite = new Database("data/app.db");
export const db = drizzle(sqlite);
"""
# the app's own code naming PostgreSQL too: the drizzle-kit config's engine is one the app also reaches
NEON_DB = """import { neon } from "@neondatabase/serverless";

export const sql = neon(process.env.DATABASE_URL);
"""
SERVER = """import express from "express";
import { db } from "./db";

const app = express();
app.get("/notes", (req, res) => res.json([]));
app.listen(5000);
"""


def _replit(db: str = SQLITE_DB) -> dict[str, str | bytes]:
    return {
        "package.json": REPLIT_PACKAGE,
        "drizzle.config.ts": DRIZZLE_CONFIG,
        "server/index.ts": SERVER,
        "server/db.ts": db,
        "data/.gitkeep": "",
    }


def test_a_drizzle_kit_dialect_the_app_never_connects_to_is_no_run_time_engine(
    make_project: MakeProject,
) -> None:
    engines, harness = _engines(make_project, _replit())
    assert engines == ["sqlite"]
    assert harness == ["sqlite"]


def test_a_drizzle_kit_dialect_stays_where_the_app_names_no_other_engine_or_the_same(
    make_project: MakeProject,
) -> None:
    alone = _replit()
    del alone["server/db.ts"]
    alone["server/index.ts"] = SERVER.replace('import { db } from "./db";\n', "")
    assert _engines(make_project, alone)[0] == ["postgresql"]
    both = _replit()
    both["server/neon.ts"] = NEON_DB
    both["server/index.ts"] = SERVER.replace(
        'import { db } from "./db";', 'import { db } from "./db";\nimport { sql } from "./neon";'
    )
    assert _engines(make_project, both)[0] == ["postgresql", "sqlite"]


HONO_PACKAGE = (
    '{"name": "api", "type": "module", "dependencies": {"hono": "4", "drizzle-orm": "0.38", "postgres": "3"}}'
)
HONO_ENV = """const env = {
  NODE_ENV: process.env.NODE_ENV || 'development',
  DATABASE_URL: process.env.DATABASE_URL || 'postgres://user:password@localhost:5432/app',
  JWT_SECRET: process.env.JWT_SECRET || 'dev-secret',
  isProd: () => env.NODE_ENV === 'production',
};

if (CHECKED) {
  const required = ['DATABASE_URL', 'JWT_SECRET'];
  const missing = required.filter((key) => !process.env[key]);
  if (missing.length > 0) {
    throw new Error(`Missing: ${missing.join(', ')}`);
  }
}

export default env;
"""
HONO_DB = """import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import env from './env.js';

const client = postgres(env.DATABASE_URL, { max: 10 });
export const db = drizzle(client);
"""
HONO_INDEX = """import { Hono } from 'hono';
import { db } from './db.js';

const app = new Hono();
app.get('/health', (c) => c.json({ ok: true }));
export default app;
"""


def _hono(checked: str) -> dict[str, str | bytes]:
    return {
        "package.json": HONO_PACKAGE,
        "src/env.js": HONO_ENV.replace("CHECKED", checked),
        "src/db.js": HONO_DB,
        "src/index.js": HONO_INDEX,
    }


def test_a_check_only_the_production_mode_runs_is_no_stop_where_the_mode_is_unset(
    make_project: MakeProject,
) -> None:
    for checked in ("env.isProd()", "process.env.NODE_ENV === 'production'", "env.NODE_ENV === 'production'"):
        assert _engines(make_project, _hono(checked)) == (["postgresql"], ["postgresql"]), checked


def test_a_check_the_unset_mode_runs_still_stops_the_app(make_project: MakeProject) -> None:
    # the unset mode is 'development' (not 'production'), and an unset FEATURE is not 'off'
    for checked in (
        "!env.isProd()",
        "env.NODE_ENV === 'development'",
        "process.env.FEATURE !== 'off'",
        "true",
    ):
        assert _engines(make_project, _hono(checked)) == (["postgresql"], []), checked


TURSO_PACKAGE = """{"name": "blog", "type": "module", "dependencies": {"fastify": "5", "drizzle-orm": "0.44",
 "@libsql/client": "0.15"}, "devDependencies": {"drizzle-kit": "0.31"}}"""
TURSO_CONFIG = """import type { Config } from 'drizzle-kit'

export default {
  schema: './src/db/schema.ts',
  dialect: 'turso',
  dbCredentials: { url: process.env.TURSO_DATABASE_URL!, authToken: process.env.TURSO_AUTH_TOKEN! },
} satisfies Config
"""
TURSO_DB = """import { drizzle } from 'drizzle-orm/libsql'
import { createClient } from '@libsql/client'

const client = createClient({ url: URL, authToken: process.env.TURSO_AUTH_TOKEN })
export const db = drizzle(client)
"""
TURSO_SERVER = """import Fastify from 'fastify'
import { db } from './db/index.js'

const app = Fastify()
app.get('/posts', async () => [])
app.listen({ port: 3000 })
"""


def _turso(url: str) -> dict[str, str | bytes]:
    return {
        "package.json": TURSO_PACKAGE,
        "drizzle.config.ts": TURSO_CONFIG,
        "src/db/index.ts": TURSO_DB.replace("URL,", f"{url},"),
        "src/server.ts": TURSO_SERVER,
    }


def test_a_libsql_client_without_its_url_stops_the_app_through_its_drizzle_wrapper(
    make_project: MakeProject,
) -> None:
    assert _engines(make_project, _turso("process.env.TURSO_DATABASE_URL!")) == (["sqlite"], [])


def test_a_libsql_client_with_a_fallback_url_connects(make_project: MakeProject) -> None:
    fallback = "process.env.TURSO_DATABASE_URL || 'file:local.db'"
    assert _engines(make_project, _turso(fallback)) == (["sqlite"], ["sqlite"])
