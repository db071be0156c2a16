"""Fixes from the accuracy benchmark (docs/accuracy.md, "The hundred-and-eighteenth to hundred-and-twentieth sets'
disagreements, JavaScript/TypeScript (session 2026-12-07 (19))"), with violating and clean projects written for the
test:

- Replit's newer storage template makes its collections in class field initializers (`private users: Map<string,
  User> = new Map()`), not in the constructor: the storage module is still an in-memory store, the persistence
  layer, and a route importing it bypasses the services. A cache class built the same way is not a store.
- sqlite3's node-style API on the connection a query function is handed (`function getAllUsers(db)`): `db.all(sql,
  [], (err, rows) => …)` runs the statement, and so does `db.run(sql, …)` inside the `new Promise((resolve, reject)
  => …)` callback that reads the `const sql` of the function around it. The same `all` without a callback, or
  handed no statement, runs nothing.
- a file in an `enum/` folder named for a layer (`enum/routes.ts` of an `enum AuthRoutes` of paths) holds that
  layer's names, not its code: no layer by its name. One registering routes there is still routes.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json
from reports import layer_violations as _violations
from reports import layers_of as _layers

from cdverify.model import Language
from cdverify.parse import parse_source

REPLIT_PACKAGE = '{"name": "forum", "dependencies": {"express": "^4.21.0"}}'
REPLIT_ENTRY = """import express from "express";
import { registerRoutes } from "./routes";

const app = express();
app.use(express.json());
registerRoutes(app);
app.listen(5000);
"""
REPLIT_ROUTES = """import type { Express } from "express";
import { storage } from "./storage";

export function registerRoutes(app: Express) {
  app.get("/api/threads", async (_req, res) => {
    res.json(await storage.getThreads());
  });
}
"""


def _storage(name: str) -> str:
    return f"""export interface Thread {{ id: string; title: string }}

export interface IStorage {{
  getThreads(): Promise<Thread[]>;
}}

class {name} implements IStorage {{
  private threads: Map<string, Thread> = new Map();
  private votes: Map<string, number> = new Map();

  constructor() {{
    this.seed();
  }}

  private seed() {{
    this.threads.set("1", {{ id: "1", title: "Hello" }});
  }}

  async getThreads(): Promise<Thread[]> {{
    return Array.from(this.threads.values());
  }}
}}

export const storage = new {name}();
"""


def _replit(storage: str) -> dict[str, str]:
    return {
        "package.json": REPLIT_PACKAGE,
        "server/index.ts": REPLIT_ENTRY,
        "server/routes.ts": REPLIT_ROUTES,
        "server/storage.ts": storage,
    }


def test_a_memory_store_making_its_maps_in_field_initializers_is_the_persistence_layer(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _replit(_storage("MemStorage")))
    assert _layers(report)["server/storage.ts"] == "repositories"
    assert ("bypass", "server/routes.ts", "server/storage.ts") in _violations(report)


def test_a_cache_class_making_its_maps_in_field_initializers_keeps_no_records(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _replit(_storage("ThreadCache")))
    assert "server/storage.ts" not in _layers(report)
    assert ("bypass", "server/routes.ts", "server/storage.ts") not in _violations(report)


def test_instance_field_initializers_are_steps_of_the_class_static_ones_are_not() -> None:
    source = b"""class MemStorage {
  private users: Map<string, string> = new Map();
  static shared = new Set();
  label = "store";
}
export const storage = new MemStorage();
"""
    facts = parse_source("server/storage.ts", Language.TYPESCRIPT, source)
    assert ("MemStorage", "Map") in facts.steps
    assert ("MemStorage", "Set") not in facts.steps


KOA_PACKAGE = '{"name": "wq", "type": "module", "dependencies": {"koa": "^2.15.0", "sqlite3": "^5.1.7"}}'
KOA_APP = """import Koa from "koa";
import router from "./routes/router.js";
import { openDatabase } from "./sqlite/index.js";

const db = await openDatabase("data/app.db");
const app = new Koa();
app.use(async (ctx, next) => {
  ctx.db = db;
  await next();
});
app.use(router.routes());
app.listen(3000);
"""
KOA_DB = """import sqlite3 from "sqlite3";

export function openDatabase(path) {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path, (err) => (err ? reject(err) : resolve(db)));
  });
}
"""
KOA_ROUTER = """import Router from "koa-router";
import { listNotes, saveNote } from "../sqlite/queries/noteQuery.js";

const router = new Router();
router.get("/notes", async (ctx) => {
  ctx.body = await listNotes(ctx.db);
});
router.post("/notes", async (ctx) => {
  ctx.body = await saveNote(ctx.db, ctx.request.body.text);
});
export default router;
"""
CALLBACK_QUERIES = """function listNotes(db) {
  const selectSQL = `SELECT * FROM notes`;
  return new Promise((resolve, reject) => {
    db.all(selectSQL, [], (err, rows) => {
      if (err) reject(err);
      else resolve(rows);
    });
  });
}

function saveNote(db, text) {
  const insertSQL = `
    INSERT INTO notes (text)
    VALUES (?)
  `;
  return new Promise((resolve, reject) => {
    db.run(insertSQL, [text], function (err) {
      if (err) reject(err);
      else resolve(this.lastID);
    });
  });
}

export { listNotes, saveNote };
"""
UNCALLED_QUERIES = """function listNotes(db) {
  return db.all(`SELECT * FROM notes`);
}

function saveNote(cache, text) {
  return new Promise((resolve) => {
    cache.all(text, [], (err, rows) => resolve(rows));
  });
}

export { listNotes, saveNote };
"""


def _koa(queries: str) -> dict[str, str]:
    return {
        "package.json": KOA_PACKAGE,
        "src/app.js": KOA_APP,
        "src/sqlite/index.js": KOA_DB,
        "src/routes/router.js": KOA_ROUTER,
        "src/sqlite/queries/noteQuery.js": queries,
    }


def _raw(report: dict[str, Any]) -> list[tuple[str, int, str]]:
    return sorted((i["file"], i["line"], i["statement"]) for i in report["orm"]["raw_sql"])


def test_sqlite3_callbacks_on_a_handed_connection_run_their_statements(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _koa(CALLBACK_QUERIES))
    assert _raw(report) == [
        ("src/sqlite/queries/noteQuery.js", 4, "SELECT"),
        ("src/sqlite/queries/noteQuery.js", 17, "INSERT"),
    ]
    assert _layers(report)["src/sqlite/queries/noteQuery.js"] == "repositories"
    assert ("bypass", "src/routes/router.js", "src/sqlite/queries/noteQuery.js") in _violations(report)


def test_a_read_method_without_a_callback_or_a_statement_runs_nothing(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _koa(UNCALLED_QUERIES))
    assert not [site for site in _raw(report) if site[0] == "src/sqlite/queries/noteQuery.js"]


EXPRESS_PACKAGE = '{"name": "api", "dependencies": {"express": "^4.21.0"}}'
EXPRESS_APP = """import express from "express";
import authRouter from "./routes/auth.routes";

const app = express();
app.use(authRouter);
app.listen(3000);
"""
AUTH_ROUTES = """import { Router } from "express";
import { AuthRoutes } from "../enum/routes";

const router = Router();
router.post(AuthRoutes.LOGIN, (_req, res) => {
  res.json({ ok: true });
});
export default router;
"""
ENUM_ROUTES = """export const API_PREFIX = "/api/v1";

export enum AuthRoutes {
  LOGIN = `${API_PREFIX}/auth/login`,
  LOGOUT = `${API_PREFIX}/auth/logout`,
}
"""
ENUM_ROUTER = """import { Router } from "express";

export const API_PREFIX = "/api/v1";

export enum AuthRoutes {
  LOGIN = "/api/v1/auth/login",
}

const router = Router();
router.get("/api/v1/health", (_req, res) => {
  res.json({ ok: true });
});
export default router;
"""


def test_an_enum_of_route_paths_in_an_enum_folder_takes_no_layer_by_its_name(
    make_project: MakeProject,
) -> None:
    files = {
        "package.json": EXPRESS_PACKAGE,
        "src/app.ts": EXPRESS_APP,
        "src/routes/auth.routes.ts": AUTH_ROUTES,
        "src/enum/routes.ts": ENUM_ROUTES,
    }
    layers = _layers(inspect_json(make_project, files))
    assert "src/enum/routes.ts" not in layers
    assert layers["src/routes/auth.routes.ts"] == "routes"


def test_a_router_in_an_enum_folder_is_still_routes(make_project: MakeProject) -> None:
    files = {
        "package.json": EXPRESS_PACKAGE,
        "src/app.ts": EXPRESS_APP.replace("./routes/auth.routes", "./enum/routes"),
        "src/enum/routes.ts": ENUM_ROUTER,
    }
    assert _layers(inspect_json(make_project, files))["src/enum/routes.ts"] == "routes"
