"""Patterns of the session (20) unseen set (docs/accuracy.md, the set of session 2026-12-07 (20)), each with a
violating and a clean project written for the test:

- a services-folder module that makes the MongoDB client in a function and fills a module-level object it
  exports with the client's collections (`collections.users = db.collection("users")`), which other
  modules import to query through, owns the connection: data access; a service filling such an object
  with rows it read, or a parameter's object with handles, stays a service;
- a Drizzle column-set module writing a column's default with drizzle-orm's `sql` tag (`.default(sql`NULL`)`)
  and handing a project function to a builder by reference (`$defaultFn(newId)`) is still a column set:
  models. A module of `sql` fragments alone calls no column builder and keeps its folder's layer;
- a Fastify module plugin whose path names no layer and that autoloads its folder of route plugins
  (`app.register(autoload, { dir: join(__dirname, "routes") })`) mounts them: routes. The server plugin
  autoloading the app's plugin folders stays the composition root, and a module plugin also registering
  other plugins (CORS) sets the app up: not made routes;
- a Hono entry taking its app from the factory an app file exports (`const app = honoApp()`), registering a
  hello route and Swagger UI on it and mounting the API router, that nothing imports, is the app file: the
  composition root. A router module calling the same factory, which the entry imports, stays routes.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json


def _layers(report: dict[str, Any]) -> dict[str, str]:
    files: dict[str, str] = report["architecture"]["files"]
    return files


def _violations(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((v["kind"], v["file"], v["target"]) for v in report["architecture"]["violations"])


# -- a module-level holder filled with the client's handles ----------------------------------------------

HOLDER = """import * as mongo from "mongodb";

export const stores: { books?: mongo.Collection } = {};

export async function openStores() {
  const client = new mongo.MongoClient(process.env.MONGO_URL as string);
  await client.connect();
  const db = client.db("library");
  stores.books = db.collection("books");
}
"""
HOLDER_CONTROLLER = """import { stores } from "../services/store.service";
import { countBooks } from "../services/book.service";

export const listBooks = async (ctx: any) => {
  ctx.body = await stores.books!.find({}).toArray();
};
export const count = async (ctx: any) => {
  ctx.body = await countBooks();
};
"""
HOLDER_SERVICE = """import { stores } from "./store.service";

export const countBooks = () => stores.books!.countDocuments();
"""
HOLDER_ROUTES = """import Router from "koa-router";
import { listBooks, count } from "../controllers/book.controller";

const router = new Router();
router.get("/books", listBooks);
router.get("/books/count", count);
export default router;
"""
HOLDER_APP = """import Koa from "koa";
import router from "./routes/book.routes";
import { openStores } from "./services/store.service";

const app = new Koa();
app.use(router.routes());
openStores().then(() => app.listen(3000));
"""


def _holder(store: str = HOLDER) -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "holder", "dependencies": {"koa": "2", "koa-router": "12", "mongodb": "6"}}',
        "src/app.ts": HOLDER_APP,
        "src/routes/book.routes.ts": HOLDER_ROUTES,
        "src/controllers/book.controller.ts": HOLDER_CONTROLLER,
        "src/services/book.service.ts": HOLDER_SERVICE,
        "src/services/store.service.ts": store,
    }


def test_a_service_filling_an_exported_holder_with_collections_owns_the_connection(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _holder())
    layers = _layers(report)
    assert layers["src/services/store.service.ts"] == "repositories"
    assert layers["src/services/book.service.ts"] == "services"
    assert ("bypass", "src/controllers/book.controller.ts", "src/services/store.service.ts") in [
        (kind, file, target) for kind, file, target in _violations(report)
    ]


def test_a_holder_filled_with_rows_or_a_parameter_filled_with_handles_stays_a_service(
    make_project: MakeProject,
) -> None:
    rows = HOLDER.replace(
        'stores.books = db.collection("books");',
        'stores.books = await db.collection("books").find({}).toArray();',
    )
    handed = HOLDER.replace("openStores()", "openStores(ctx: any)").replace("stores.books =", "ctx.books =")
    for store in (rows, handed):
        report = inspect_json(make_project, _holder(store))
        assert _layers(report)["src/services/store.service.ts"] == "services", store


# -- a Drizzle column set with an SQL default and a project id function ------------------------------------

COLUMN_PACKAGE = """{"name": "shelf", "dependencies": {"express": "4", "drizzle-orm": "0.36", "pg": "8"}}"""
COLUMN_SERVER = """import express from "express";
import { router } from "./routes/books";

const app = express();
app.use(router);
app.listen(3000);
"""
COLUMN_ROUTES = """import { Router } from "express";
import { allBooks } from "../infrastructure/repositories/books";

export const router = Router();
router.get("/books", async (_req, res) => res.json(await allBooks()));
"""
COLUMN_DB = """import { Pool } from "pg";
import { drizzle } from "drizzle-orm/node-postgres";

export const db = drizzle(new Pool({ connectionString: process.env.DATABASE_URL }));
"""
COLUMN_REPOSITORY = """import { db } from "../db";
import { books } from "../db/schema";

export const allBooks = () => db.select().from(books);
"""
COLUMN_TABLE = """import { pgTable, varchar } from "drizzle-orm/pg-core";
import { id, stamps } from "./columns";

export const books = pgTable("books", { id: id(), title: varchar({ length: 80 }), ...stamps });
"""
COLUMN_IDS = """import { randomUUID } from "node:crypto";

export const newId = () => randomUUID();
"""
COLUMN_SET = """import { sql } from "drizzle-orm";
import { text, timestamp } from "drizzle-orm/pg-core";
import { newId } from "../../util/ids";

export const stamps = {
  createdAt: timestamp({ withTimezone: true }).defaultNow(),
  removedAt: timestamp({ withTimezone: true }).default(sql`NULL`),
};

export const id = () => text().primaryKey().$defaultFn(newId);
"""
# fragments of SQL the tables use, no column builder among its calls
SQL_FRAGMENTS = """import { sql } from "drizzle-orm";

export const now = sql`now()`;
export const nothing = sql`NULL`;
export const id = () => now;
export const stamps = { at: nothing };
"""


def _columns(column_set: str = COLUMN_SET) -> dict[str, str | bytes]:
    return {
        "package.json": COLUMN_PACKAGE,
        "src/server.ts": COLUMN_SERVER,
        "src/routes/books.ts": COLUMN_ROUTES,
        "src/util/ids.ts": COLUMN_IDS,
        "src/infrastructure/db/index.ts": COLUMN_DB,
        "src/infrastructure/db/schema.ts": COLUMN_TABLE,
        "src/infrastructure/db/columns.ts": column_set,
        "src/infrastructure/repositories/books.ts": COLUMN_REPOSITORY,
    }


def test_a_column_set_with_an_sql_default_and_a_project_id_function_is_models(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _columns())
    assert _layers(report)["src/infrastructure/db/columns.ts"] == "models"
    assert _layers(report)["src/infrastructure/db/schema.ts"] == "models"


def test_a_module_of_sql_fragments_alone_keeps_its_folders_layer(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _columns(SQL_FRAGMENTS))
    assert _layers(report)["src/infrastructure/db/columns.ts"] == "repositories"


# -- a Fastify module plugin autoloading its route plugins -------------------------------------------------

AUTOLOAD_PACKAGE = """{"name": "trips", "dependencies": {"fastify": "5", "@fastify/autoload": "6",
"@fastify/cors": "10", "better-sqlite3": "11"}}"""
AUTOLOAD_INDEX = """import Fastify from "fastify";
import server from "./server";

const fastify = Fastify();
server(fastify).then(() => fastify.listen({ port: 3000 }));
"""
AUTOLOAD_SERVER = """import autoload from "@fastify/autoload";
import { join } from "node:path";

export default async function server(fastify) {
  await fastify.register(autoload, { dir: join(__dirname, "plugins") });
  await fastify.register(autoload, { dir: join(__dirname, "modules"), maxDepth: 1 });
}
"""
AUTOLOAD_DB = """import fp from "fastify-plugin";
import Database from "better-sqlite3";

export default fp(async function db(fastify) {
  fastify.decorate("db", new Database("trips.db"));
});
"""
AUTOLOAD_MODULE = """import autoload from "@fastify/autoload";
import { join } from "node:path";

export default async function trips(app, opts) {
  app.register(autoload, { dir: join(__dirname, "routes"), options: { prefix: opts.prefix } });
}
"""
AUTOLOAD_ROUTE = """export default async function (fastify) {
  fastify.get("/trips", async () => fastify.db.prepare("SELECT * FROM trips").all());
}
"""
AUTOLOAD_HELPER = """export const label = (trip) => `${trip.origin}-${trip.destination}`;
"""


def _autoload(module_path: str = "src/modules/trips/trips.ts") -> dict[str, str | bytes]:
    return {
        "package.json": AUTOLOAD_PACKAGE,
        "src/index.ts": AUTOLOAD_INDEX,
        "src/server.ts": AUTOLOAD_SERVER,
        "src/plugins/db.ts": AUTOLOAD_DB,
        module_path: AUTOLOAD_MODULE,
        "src/modules/trips/routes/list.ts": AUTOLOAD_ROUTE,
        "src/modules/trips/helpers/label.ts": AUTOLOAD_HELPER,
    }


def test_a_module_plugin_autoloading_its_route_plugins_is_routes(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _autoload())
    layers = _layers(report)
    assert layers["src/modules/trips/trips.ts"] == "routes"
    assert layers["src/modules/trips/routes/list.ts"] == "routes"
    assert "src/server.ts" not in layers


def test_a_plugin_autoloading_helpers_setting_the_app_up_or_in_a_layer_folder_is_not_made_routes(
    make_project: MakeProject,
) -> None:
    helpers = _autoload()
    helpers["src/modules/trips/trips.ts"] = AUTOLOAD_MODULE.replace('"routes"', '"helpers"')
    assert "src/modules/trips/trips.ts" not in _layers(inspect_json(make_project, helpers))
    setting_up = _autoload()  # it also registers CORS: it sets the app up, no router
    setting_up["src/modules/trips/trips.ts"] = AUTOLOAD_MODULE.replace(
        "  app.register(autoload", "  app.register(cors, { origin: false });\n  app.register(autoload"
    ).replace(
        'import autoload from "@fastify/autoload";',
        'import autoload from "@fastify/autoload";\nimport cors from "@fastify/cors";',
    )
    assert "src/modules/trips/trips.ts" not in _layers(inspect_json(make_project, setting_up))
    services = _autoload("src/services/trips.ts")
    services["src/services/trips.ts"] = AUTOLOAD_MODULE.replace(
        'join(__dirname, "routes")', 'join(__dirname, "../modules/trips/routes")'
    )
    assert _layers(inspect_json(make_project, services)).get("src/services/trips.ts") == "services"


# -- a Hono entry building its app from an app file's factory ----------------------------------------------

HONO_PACKAGE = """{"name": "entry", "dependencies": {"hono": "4", "@hono/zod-openapi": "0.18", "@hono/swagger-ui": "0.5"}}"""
HONO_FACTORY = """import { OpenAPIHono } from "@hono/zod-openapi";

export const makeApp = () => new OpenAPIHono({ strict: false });
"""
HONO_ENTRY = """import { swaggerUI } from "@hono/swagger-ui";
import { makeApp } from "./config/app";
import { api } from "./api";

const app = makeApp();
app.route("/api/v1", api);
app.doc("/doc", { openapi: "3.0.0", info: { version: "1.0.0", title: "Notes" } });
app.get("/", (c) => c.text("hello"));
app.get("/ui", swaggerUI({ url: "/doc" }));

export default app;
"""
HONO_API = """import { makeApp } from "./config/app";
import { notes } from "./controllers/notes";

export const api = makeApp();
api.route("/notes", notes);
"""
HONO_NOTES = """import { makeApp } from "../config/app";
import { listNotes } from "../services/notes";

export const notes = makeApp();
notes.get("/", async (c) => c.json(await listNotes()));
notes.get("/:id", async (c) => c.json((await listNotes())[0]));
notes.post("/", async (c) => c.json({}));
"""
HONO_SERVICE = """export const listNotes = async () => [{ id: 1, body: "first" }];
"""


def _hono() -> dict[str, str | bytes]:
    return {
        "package.json": HONO_PACKAGE,
        "src/index.ts": HONO_ENTRY,
        "src/api.ts": HONO_API,
        "src/config/app.ts": HONO_FACTORY,
        "src/controllers/notes.ts": HONO_NOTES,
        "src/services/notes.ts": HONO_SERVICE,
    }


def test_an_entry_building_its_app_from_an_app_files_factory_is_the_composition_root(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _hono())
    assert "src/index.ts" not in _layers(report)
    assert _layers(report)["src/controllers/notes.ts"] == "routes"


def test_an_imported_module_calling_the_factory_stays_routes(make_project: MakeProject) -> None:
    files = _hono()
    files["src/api.ts"] = HONO_API + 'api.get("/health", (c) => c.text("ok"));\n'
    report = inspect_json(make_project, files)
    assert _layers(report)["src/api.ts"] == "routes"  # the entry imports and mounts it: a router
