"""JavaScript/TypeScript layer patterns of the hundred-and-ninth to hundred-and-fourteenth sets (docs/accuracy.md
"The hundred-and-ninth to hundred-and-fourteenth sets' disagreements, JavaScript/TypeScript layers (session
2026-12-07 (19))"), with violating and clean projects written for the test:

- Replit's storage module once given a database: it keeps `interface IStorage` and `class MemStorage` (its
  constructor makes `Map`s) but exports the instance of the `DatabaseStorage` it imports (`export const
  storage = new DatabaseStorage()`, or a choice between the two on `process.env.DATABASE_URL`): the
  persistence layer, so a route importing it bypasses the services. A module making at load an instance of
  an imported class named otherwise (a mailer) beside such a class is not.
- a Hono router module building `routes = new Hono()` (a welcome route, a health check probing the
  database) and `v1 = new Hono()` that mounts the feature routers and is mounted on `routes`, which the app
  file mounts: `v1` is a sub-app of a mounted router, so the module builds no app; it is the routes layer,
  and its import of the database module is a bypass. The same module serving itself (`export default
  routes` handed to `Bun.serve` by no other app) still builds the app: a composition root.
- a module handing TypeORM's `dataSource.getRepository(FeedTable)` straight to the project's repository
  factory (`newFeedRepository(…)`) runs no query itself: not data access by its code. One calling the
  repository it gets (`dataSource.getRepository(FeedTable).find()`) is.
"""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import layer_violations as _violations
from reports import layers_of as _layers

REPLIT_PACKAGE = (
    '{"name": "desk", "dependencies": {"express": "^4.21.0", "drizzle-orm": "^0.39.0", "pg": "^8.13.0"}}'
)
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
  app.get("/api/tickets", async (_req, res) => {
    res.json(await storage.listTickets());
  });
}
"""
REPLIT_DB = """import { Pool } from "pg";
import { drizzle } from "drizzle-orm/node-postgres";
import { pgTable, serial, text } from "drizzle-orm/pg-core";

export const tickets = pgTable("tickets", { id: serial("id").primaryKey(), title: text("title") });
export const db = drizzle(new Pool({ connectionString: process.env.DATABASE_URL }));
"""
REPLIT_DATABASE_STORAGE = """import { db, tickets } from "./db";
import type { IStorage } from "./storage";

export class DatabaseStorage implements IStorage {
  async listTickets() {
    return db.select().from(tickets);
  }
}
"""


def _storage(export: str, imported: str = 'import { DatabaseStorage } from "./database-storage";') -> str:
    return f"""{imported}

type Ticket = {{ id: number; title: string }};

export interface IStorage {{
  listTickets(): Promise<Ticket[]>;
}}

export class MemStorage implements IStorage {{
  private tickets: Map<number, Ticket>;

  constructor() {{
    this.tickets = new Map();
  }}

  async listTickets(): Promise<Ticket[]> {{
    return Array.from(this.tickets.values());
  }}
}}

{export}
"""


def _replit(storage: str, **more: str) -> dict[str, str]:
    files = {
        "package.json": REPLIT_PACKAGE,
        "server/index.ts": REPLIT_ENTRY,
        "server/routes.ts": REPLIT_ROUTES,
        "server/db.ts": REPLIT_DB,
        "server/database-storage.ts": REPLIT_DATABASE_STORAGE,
        "server/storage.ts": storage,
    }
    files.update(more)
    return files


def test_a_storage_module_exporting_the_imported_database_storage_is_the_persistence_layer(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _replit(_storage("export const storage = new DatabaseStorage();")))
    assert _layers(report)["server/storage.ts"] == "repositories"
    assert ("bypass", "server/routes.ts", "server/storage.ts") in _violations(report)


def test_so_is_one_choosing_it_or_the_memory_store_on_the_environment(make_project: MakeProject) -> None:
    choice = "export const storage = process.env.DATABASE_URL ? new DatabaseStorage() : new MemStorage();"
    report = inspect_json(make_project, _replit(_storage(choice)))
    assert _layers(report)["server/storage.ts"] == "repositories"
    assert ("bypass", "server/routes.ts", "server/storage.ts") in _violations(report)


def test_an_imported_instance_of_another_name_beside_a_memory_class_makes_no_store(
    make_project: MakeProject,
) -> None:
    mailer = """export class Mailer {
  async send(to: string) {
    return to;
  }
}
"""
    storage = _storage("export const mailer = new Mailer();", 'import { Mailer } from "./mailer";')
    report = inspect_json(make_project, _replit(storage, **{"server/mailer.ts": mailer}))
    assert "server/storage.ts" not in _layers(report)
    assert ("bypass", "server/routes.ts", "server/storage.ts") not in _violations(report)


HONO_PACKAGE = (
    '{"name": "api", "dependencies": {"hono": "^4.6.0", "drizzle-orm": "^0.39.0", "postgres": "^3.4.0"}}'
)
HONO_APP = """import { Hono } from "hono";
import routes from "./routes/index.js";

const app = new Hono();
app.route("/", routes);

export default app;
"""
HONO_INDEX = """import app from "./app.js";

Bun.serve({ fetch: app.fetch, port: 3000 });
"""
HONO_ROUTES = """import { Hono } from "hono";
import userRoutes from "../modules/user/user.routes.js";
import { checkDbHealth } from "../db/index.js";

const routes = new Hono();

routes.get("/", (c) => c.json({ message: "welcome" }));
routes.get("/health", async (c) => c.json({ ok: await checkDbHealth() }));

const v1 = new Hono();
v1.route("/users", userRoutes);
routes.route("/api/v1", v1);

export default routes;
"""
HONO_USER_ROUTES = """import { Hono } from "hono";
import { listUsers } from "./user.service.js";

const users = new Hono();
users.get("/", async (c) => c.json(await listUsers()));

export default users;
"""
HONO_USER_SERVICE = """import { findUsers } from "./user.repository.js";

export async function listUsers() {
  return findUsers();
}
"""
HONO_USER_REPOSITORY = """import { db } from "../../db/index.js";
import { users } from "../../db/schema.js";

export async function findUsers() {
  return db.select().from(users);
}
"""
HONO_DB = """import { drizzle } from "drizzle-orm/postgres-js";
import { users } from "./schema.js";
import postgres from "postgres";

const client = postgres(process.env.DATABASE_URL);
export const db = drizzle(client);

export async function checkDbHealth() {
  await db.select().from(users);
  return true;
}
"""
HONO_SCHEMA = """import { pgTable, serial, text } from "drizzle-orm/pg-core";

export const users = pgTable("users", { id: serial("id").primaryKey(), name: text("name") });
"""


def _hono(**more: str) -> dict[str, str]:
    files = {
        "package.json": HONO_PACKAGE,
        "src/index.js": HONO_INDEX,
        "src/app.js": HONO_APP,
        "src/routes/index.js": HONO_ROUTES,
        "src/modules/user/user.routes.js": HONO_USER_ROUTES,
        "src/modules/user/user.service.js": HONO_USER_SERVICE,
        "src/modules/user/user.repository.js": HONO_USER_REPOSITORY,
        "src/db/index.js": HONO_DB,
        "src/db/schema.js": HONO_SCHEMA,
    }
    files.update(more)
    return files


def test_a_hono_router_mounting_a_sub_app_of_its_own_is_the_routes_layer(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _hono())
    assert "src/routes/index.js" not in report["architecture"]["composition_roots"]
    assert _layers(report)["src/routes/index.js"] == "routes"
    assert ("bypass", "src/routes/index.js", "src/db/index.js") in _violations(report)


def test_the_same_router_serving_as_the_app_wires_it(make_project: MakeProject) -> None:
    index = """import routes from "./routes/index.js";

Bun.serve({ fetch: routes.fetch, port: 3000 });
"""
    files = _hono(**{"src/index.js": index})
    del files["src/app.js"]
    report = inspect_json(make_project, files)
    assert "src/routes/index.js" in report["architecture"]["composition_roots"]
    assert ("bypass", "src/routes/index.js", "src/db/index.js") not in _violations(report)


TYPEORM_PACKAGE = (
    '{"name": "feeds", "dependencies": {"koa": "^2.15.0", "typeorm": "^0.3.20", "pg": "^8.13.0"}}'
)
TYPEORM_INDEX = """import Koa from "koa";
import { DataSource } from "typeorm";
import { FeedTable } from "./infra/feedRepository";
import { newRouter } from "./router";

const dataSource = new DataSource({ type: "postgres", url: process.env.DATABASE_URL, entities: [FeedTable] });

const start = async () => {
  await dataSource.initialize();
  const app = new Koa();
  app.use(newRouter(dataSource).routes());
  app.listen(3000);
};
start();
"""
TYPEORM_ROUTER = """import Router from "koa-router";
import { DataSource } from "typeorm";
import { newFeedPlugin } from "./plugin/feed";

export const newRouter = (dataSource: DataSource) => {
  const plugin = newFeedPlugin(dataSource);
  const router = new Router();
  router.get("/feeds", async (ctx) => {
    ctx.body = await plugin.listFeeds();
  });
  return router;
};
"""
TYPEORM_REPOSITORY = """import { Column, Entity, PrimaryColumn, Repository } from "typeorm";

@Entity()
export class FeedTable {
  @PrimaryColumn()
  id: string;

  @Column()
  url: string;
}

export const newFeedRepository = (repo: Repository<FeedTable>) => ({
  findAll: async () => repo.find(),
});
"""
TYPEORM_PLUGIN = """import { DataSource } from "typeorm";
import { FeedTable, newFeedRepository } from "../infra/feedRepository";

export const newFeedPlugin = (dataSource: DataSource) => {
  const feeds = newFeedRepository(dataSource.getRepository(FeedTable));
  return {
    listFeeds: async () => (await feeds.findAll()).filter((feed) => feed.url.startsWith("https:")),
  };
};
"""


def _typeorm(plugin: str) -> dict[str, str]:
    return {
        "package.json": TYPEORM_PACKAGE,
        "src/index.ts": TYPEORM_INDEX,
        "src/router.ts": TYPEORM_ROUTER,
        "src/infra/feedRepository.ts": TYPEORM_REPOSITORY,
        "src/plugin/feed.ts": plugin,
    }


def test_a_repository_handed_to_the_projects_factory_is_no_query(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _typeorm(TYPEORM_PLUGIN))
    assert _layers(report).get("src/plugin/feed.ts") != "repositories"
    assert ("bypass", "src/router.ts", "src/plugin/feed.ts") not in _violations(report)


def test_a_repository_the_module_queries_itself_is_data_access(make_project: MakeProject) -> None:
    plugin = """import { DataSource } from "typeorm";
import { FeedTable } from "../infra/feedRepository";

export const newFeedPlugin = (dataSource: DataSource) => ({
  listFeeds: async () => dataSource.getRepository(FeedTable).find(),
});
"""
    report = inspect_json(make_project, _typeorm(plugin))
    assert _layers(report)["src/plugin/feed.ts"] == "repositories"
    assert ("bypass", "src/router.ts", "src/plugin/feed.ts") in _violations(report)
