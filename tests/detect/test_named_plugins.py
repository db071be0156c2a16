"""Fastify plugins exported by name (issue 18, the seventy-seventh set): `export async function items(app) {
app.route({ method: "GET", url: "/items", handler }) }` registered with `app.register(items, { prefix })`, or by a
plugin of the same kind on the parameter it was handed (`export async function v1(app) { await app.register(items)
}`). Fastify calls a registered plugin with the instance it is registered on, as `items(app)` would; only default
exports were read as plugins, so such an app served no route and its handlers, querying inline, were taken for data
access."""

from __future__ import annotations

from reports import MakeProject, inspect_json

PACKAGE = """{"name": "plugins", "type": "module", "dependencies": {"fastify": "5", "drizzle-orm": "0.36", "pg": "8"}}"""
SERVER = """import Fastify from "fastify";
import { v1 } from "./routes/index.js";

const fastify = Fastify({ logger: true });
export const app = fastify.withTypeProvider();
await app.register(v1, { prefix: "/v1" });
await fastify.listen({ port: 3000 });
"""
INDEX = """import { items } from "./items.js";
import { meta } from "./meta.js";

export async function v1(app) {
  await app.register(items);
  await app.register(meta);
}
"""
ITEMS = """import { eq } from "drizzle-orm";
import { db } from "../db/index.js";
import { items as table } from "../db/schema.js";

export async function items(app) {
  app.route({
    method: "GET",
    url: "/items/:id",
    handler: async (req) => db.query.items.findFirst({ where: eq(table.id, req.params.id) }),
  });
  app.post("/items", async (req) => db.insert(table).values(req.body).returning());
}
"""
META = """export async function meta(app) {
  app.get("/meta", async () => ({ ok: true }));
}
"""
DB = """import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "./schema.js";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
export const db = drizzle(pool, { schema });
"""
SCHEMA = """import { pgTable, serial, text } from "drizzle-orm/pg-core";

export const items = pgTable("items", { id: serial("id").primaryKey(), name: text("name") });
"""


def _report(make_project: MakeProject, **changed: str) -> dict:  # type: ignore[type-arg]
    files = {
        "package.json": PACKAGE,
        "src/server.js": SERVER,
        "src/routes/index.js": INDEX,
        "src/routes/items.js": ITEMS,
        "src/routes/meta.js": META,
        "src/db/index.js": DB,
        "src/db/schema.js": SCHEMA,
    }
    files.update({path.replace("__", "/").replace("_js", ".js"): text for path, text in changed.items()})
    return inspect_json(make_project, files)


def _routes(report: dict) -> list[tuple[str, str, str]]:  # type: ignore[type-arg]
    return sorted((r["file"], r["method"], r["path"]) for r in report["framework"]["routes"])


def test_plugins_registered_by_name_serve_their_routes(make_project: MakeProject) -> None:
    report = _report(make_project)
    assert _routes(report) == [
        ("src/routes/items.js", "GET", "/items/:id"),
        ("src/routes/items.js", "POST", "/items"),
        ("src/routes/meta.js", "GET", "/meta"),
    ]
    files = report["architecture"]["files"]
    assert files["src/routes/items.js"] == "routes"  # it queries inline, and answers the requests
    bypasses = {
        (v["file"], v["target"]) for v in report["architecture"]["violations"] if v["kind"] == "bypass"
    }
    assert ("src/routes/items.js", "src/db/index.js") in bypasses


def test_a_named_plugin_registered_directly_on_the_app_serves_too(make_project: MakeProject) -> None:
    server = SERVER.replace(
        'import { v1 } from "./routes/index.js";', 'import { meta } from "./routes/meta.js";'
    )
    report = _report(make_project, src__server_js=server.replace("register(v1,", "register(meta,"))
    assert _routes(report) == [("src/routes/meta.js", "GET", "/meta")]


def test_a_named_function_never_registered_serves_nothing(make_project: MakeProject) -> None:
    server = SERVER.replace('await app.register(v1, { prefix: "/v1" });\n', "")
    report = _report(make_project, src__server_js=server)
    assert _routes(report) == []


def test_a_function_handed_to_another_objects_register_serves_nothing(make_project: MakeProject) -> None:
    server = SERVER.replace(
        'await app.register(v1, { prefix: "/v1" });',
        "const registry = new Map();\nregistry.register?.(v1);\nconst hooks = { register: (f) => f };\nhooks.register(v1);",
    )
    report = _report(make_project, src__server_js=server)
    assert _routes(report) == []
