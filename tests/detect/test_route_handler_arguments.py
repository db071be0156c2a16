"""Which argument of a Node route call is its handler (issue 18, the eighty-first set): a Fastify app file whose
fifteen inline handlers each take a request schema from `schemas.ts` (`app.post("/ingest", { schema: ingestSchema },
async (req) => …)`) answers those requests itself; the schema, an option beside the handler, was taken for a handler
of `schemas.ts`, so the routes counted for that module and the app file, answering three, for a composition root.
In Node the handler is the last argument (what comes before is middleware: `router.get("/a", auth, ctl.list)`) or
the options' `handler` (`app.route({ method, url, schema, handler })`)."""

from __future__ import annotations

from reports import MakeProject, inspect_json

PACKAGE = """{"name": "h", "type": "module", "dependencies": {"fastify": "5", "pg": "8"}}"""
INDEX = """import { buildApp } from "./server.js";

const app = buildApp();
await app.listen({ port: 3000 });
"""
SCHEMAS = """export const itemSchema = { body: { type: "object" } };
export const querySchema = { querystring: { type: "object" } };
"""
SERVICE = """export async function listItems() { return []; }
export async function addItem(values) { return values; }
"""
DB = """import pg from "pg";

export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
"""


def _server(routes: str) -> str:
    return (
        'import Fastify from "fastify";\n'
        'import { itemSchema, querySchema } from "./schemas.js";\n'
        'import { listItems, addItem } from "./services/items.js";\n'
        'import { pool } from "./db.js";\n\n'
        "export function buildApp() {\n"
        "  const app = Fastify();\n"
        f"{routes}"
        "  return app;\n"
        "}\n"
    )


INLINE = (
    "".join(
        f'  app.get("/items/{n}", {{ schema: querySchema }}, async () => listItems());\n'
        f'  app.post("/items/{n}", {{ schema: itemSchema }}, async (req) => addItem(req.body));\n'
        for n in range(5)
    )
    + '  app.get("/count", async () => (await pool.query("SELECT count(*) FROM items")).rows);\n'
)


def _report(make_project: MakeProject, routes: str) -> dict:  # type: ignore[type-arg]
    files = {
        "package.json": PACKAGE,
        "src/index.js": INDEX,
        "src/server.js": _server(routes),
        "src/schemas.js": SCHEMAS,
        "src/services/items.js": SERVICE,
        "src/db.js": DB,
    }
    return inspect_json(make_project, files)


def test_an_app_file_answering_its_routes_with_imported_schemas_is_routes(make_project: MakeProject) -> None:
    architecture = _report(make_project, INLINE)["architecture"]
    assert architecture["files"]["src/server.js"] == "routes"
    assert architecture["composition_roots"] == ["src/index.js"]
    bypasses = {(v["file"], v["target"]) for v in architecture["violations"] if v["kind"] == "bypass"}
    assert ("src/server.js", "src/db.js") in bypasses


def test_an_app_file_registering_imported_handlers_stays_the_wiring(make_project: MakeProject) -> None:
    routes = "".join(
        f'  app.get("/items/{n}", {{ schema: querySchema }}, items.list{n});\n' for n in range(9)
    )
    project = {
        "package.json": PACKAGE,
        "src/index.js": INDEX,
        "src/server.js": _server(routes).replace(
            'import { listItems, addItem } from "./services/items.js";',
            'import * as items from "./controllers/items.js";',
        ),
        "src/schemas.js": SCHEMAS,
        "src/controllers/items.js": "".join(
            f"export async function list{n}(req, reply) {{ return []; }}\n" for n in range(9)
        ),
        "src/db.js": DB,
    }
    architecture = inspect_json(make_project, project)["architecture"]
    assert "src/server.js" in architecture["composition_roots"]
    assert architecture["files"]["src/controllers/items.js"] == "routes"
