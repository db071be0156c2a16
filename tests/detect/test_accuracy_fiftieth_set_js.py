"""Patterns of the fiftieth and fifty-first held-out sets' JavaScript/TypeScript half (issue 18, docs/accuracy.md
"Disagreements of the fiftieth and fifty-first sets, JavaScript/TypeScript half"), each with violating and clean
projects written for the test:

- a statement written as a template literal whose leading substitution is a module constant holding its start
  (`` db.prepare(`${SELECT_BOOK} WHERE id = ?`) `` after `` const SELECT_BOOK = `SELECT … FROM books` ``) is that
  statement at the sink, as `base_query + " ORDER BY …"` already was (raw_sql.py `_on_base`);
- a constructor parameter property typed with a catalogued global type of the runtime, which no import binds
  (`constructor(private db: D1Database)`, rules/parse.toml `[node.injected]`), is that client on `this.db`;
- chanfana's `fromHono(new Hono())` is a Hono app whose route methods register routes (rules/frameworks.toml);
- an import through a tsconfig `paths` alias into the folder a Prisma generator writes (`@/generated/prisma/
  client`, git-ignored: no file is there) is an import of `@prisma/client`, as the relative import already was.

The projects are small synthetic ones written for these tests.
"""

from __future__ import annotations

import json

from reports import MakeProject, evidence_of, inspect_json, layers_of

SQLITE_PACKAGE = '{"name": "books", "type": "module", "dependencies": {"fastify": "5"}}'
BOOK_STORE = """import type { DatabaseSync } from "node:sqlite";
import { pickSelection } from "./selections";

const SELECT_BOOK = `
  SELECT id, title, author
  FROM books
`;

export class BookStore {
  constructor(private readonly database: DatabaseSync) {}

  find(id: string) {
    return this.database.prepare(`${SELECT_BOOK} WHERE id = ?`).get(id);
  }

  byAuthor(author: string) {
    return this.database.prepare(`
      ${SELECT_BOOK}
      WHERE author = ? ORDER BY title
    `).all(author);
  }

  list(author: string | null) {
    const sql = `${SELECT_BOOK}${author ? " WHERE author = ?" : ""} ORDER BY title`;
    return this.database.prepare(sql).all();
  }

  archived(kind: string) {
    const selection = pickSelection(kind);
    return this.database.prepare(`${selection} WHERE archived = 0`).all();
  }
}
"""


def _raw_sql(report: dict[str, object]) -> dict[int, dict[str, object]]:
    orm = report["orm"]
    assert isinstance(orm, dict)
    return {item["line"]: item for item in orm["raw_sql"]}


def test_a_template_led_by_a_module_constant_is_its_statement(make_project: MakeProject) -> None:
    files = {"package.json": SQLITE_PACKAGE, "src/repositories/book-store.ts": BOOK_STORE}
    sites = _raw_sql(inspect_json(make_project, files))
    for line in (13, 17, 25):
        assert sites[line]["kind"] == "statement", sites[line]
        assert sites[line]["statement"] == "SELECT"
        assert sites[line]["tables"] == ["books"]
    assert "FROM books" in str(sites[13]["sql"]) and "WHERE id = ?" in str(sites[13]["sql"])


def test_a_template_led_by_a_call_result_is_not_filled_in(make_project: MakeProject) -> None:
    files = {"package.json": SQLITE_PACKAGE, "src/repositories/book-store.ts": BOOK_STORE}
    sites = _raw_sql(inspect_json(make_project, files))
    assert 30 not in sites  # `${selection}` of `pickSelection(kind)`: a query built elsewhere, no text here
    assert all(site["statement"] == "SELECT" for site in sites.values())


# -- a parameter property typed with a global type of the runtime ------------------------------------------

WORKER_PACKAGE = '{"name": "plants", "type": "module", "dependencies": {"hono": "4"}}'
SEARCH_STORE = """export class SearchStore {
  constructor(private db: TYPE) {}

  async cached(query: string) {
    return this.db.prepare("SELECT id, name FROM search_cache WHERE query = ?").bind(query).first();
  }
}
"""


def test_a_d1_parameter_property_is_the_d1_client(make_project: MakeProject) -> None:
    files = {
        "package.json": WORKER_PACKAGE,
        "src/services/search/store.ts": SEARCH_STORE.replace("TYPE", "D1Database"),
    }
    site = _raw_sql(inspect_json(make_project, files))[5]
    assert site["api"] == "Cloudflare D1"


def test_a_parameter_property_of_an_uncatalogued_global_type_stays_untraced(
    make_project: MakeProject,
) -> None:
    files = {
        "package.json": WORKER_PACKAGE,
        "src/services/search/store.ts": SEARCH_STORE.replace("TYPE", "Storage"),
    }
    site = _raw_sql(inspect_json(make_project, files))[5]
    assert site["api"] == "query on an untraced object"


# -- chanfana's fromHono ------------------------------------------------------------------------------------

CHANFANA_PACKAGE = '{"name": "plants", "type": "module", "dependencies": {"hono": "4", "chanfana": "2"}}'
CHANFANA_INDEX = """import { fromHono } from "chanfana";
import { Hono } from "hono";
import { plantRouter } from "./endpoints/router";

const app = new Hono();
const openapi = fromHono(app, { docs_url: "/" });
openapi.route("/", plantRouter);

export default app;
"""
CHANFANA_ROUTER = """import { Hono } from "hono";
import { fromHono } from "chanfana";
import { ListPlants, CreatePlant, GetPlant } from "./plants";

export const plantRouter = fromHono(new Hono());

plantRouter.get("/v1/plants", ListPlants);
plantRouter.post("/v1/plants", CreatePlant);
plantRouter.get("/v1/plants/:id", GetPlant);
"""
CHANFANA_ENDPOINTS = """import { OpenAPIRoute } from "chanfana";

export class ListPlants extends OpenAPIRoute {
  async handle(c) { return c.json([]); }
}
export class CreatePlant extends OpenAPIRoute {
  async handle(c) { return c.json({}, 201); }
}
export class GetPlant extends OpenAPIRoute {
  async handle(c) { return c.json({}); }
}
"""


def _chanfana_app() -> dict[str, str | bytes]:
    return {
        "package.json": CHANFANA_PACKAGE,
        "src/index.ts": CHANFANA_INDEX,
        "src/endpoints/router.ts": CHANFANA_ROUTER,
        "src/endpoints/plants.ts": CHANFANA_ENDPOINTS,
    }


def test_routes_on_a_chanfana_router_are_routes(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _chanfana_app())
    routes = {(r["method"], r["path"], r["file"]) for r in report["framework"]["routes"]}
    assert ("POST", "/v1/plants", "src/endpoints/router.ts") in routes
    assert ("GET", "/v1/plants/:id", "src/endpoints/router.ts") in routes
    assert layers_of(report)["src/endpoints/router.ts"] == "routes"


def test_the_entry_wrapping_its_app_stays_the_composition_root(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _chanfana_app())
    assert evidence_of(report)["src/index.ts"] == "composition root"
    assert "src/index.ts" not in layers_of(report)


# -- a generated Prisma client imported through a tsconfig paths alias --------------------------------------

PRISMA_PACKAGE = json.dumps(
    {"name": "todos", "type": "module", "dependencies": {"hono": "4", "@prisma/client": "7", "prisma": "7"}}
)
PRISMA_SCHEMA = """generator client {
  provider = "prisma-client"
  output   = "../src/generated/prisma"
}

datasource db {
  provider = "postgresql"
}

model Todo {
  id    String @id @default(cuid())
  title String
}
"""
TSCONFIG = json.dumps({"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["./src/*"]}}})
PRISMA_MODULE = """import { PrismaClient } from "@/FOLDER/client";

export const prisma = new PrismaClient();
"""
TODO_REPOSITORY = """import { prisma } from "../lib/prisma";

export function listTodos() {
  return prisma.todo.findMany();
}
"""


def _prisma_app(folder: str) -> dict[str, str | bytes]:
    return {
        "package.json": PRISMA_PACKAGE,
        "tsconfig.json": TSCONFIG,
        "prisma/schema.prisma": PRISMA_SCHEMA,
        "src/lib/prisma.ts": PRISMA_MODULE.replace("FOLDER", folder),
        "src/repositories/todo.repository.ts": TODO_REPOSITORY,
    }


def test_an_aliased_import_of_the_generated_client_is_prisma(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _prisma_app("generated/prisma"))
    assert report["orm"]["libraries"] == ["prisma"]
    assert layers_of(report)["src/lib/prisma.ts"] == "repositories"


def test_an_aliased_import_of_another_missing_folder_is_no_client(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _prisma_app("generated/other"))
    assert report["orm"]["libraries"] == []
    assert "src/lib/prisma.ts" not in layers_of(report)
