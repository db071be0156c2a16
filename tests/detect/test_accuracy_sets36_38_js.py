"""Layer patterns of the thirty-sixth to thirty-eighth unseen labelled sets' JavaScript halves (issue 18,
docs/accuracy.md "The thirty-sixth to thirty-eighth sets' JavaScript layer disagreements"), each with
violating and clean projects written for the test:

- a file in a services folder named for the database itself (`services/database.ts`, `services/migrator.ts`:
  `[roles] data_file_names`) whose code runs queries is data access; one named for a use case stays a service.
- a compound folder whose first word names the database (`services/db-stores/`: `[roles]
  data_folder_prefixes`) names the layer of the rest of its name; other compound names name none.
- the ES-module / CommonJS interop shim (`typeof mod.default === "function" ? mod.default : mod`,
  `mod.default ?? mod`) is the module: the client it then makes is traced.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, evidence_of, inspect_json, layer_violations, layers_of

EXPRESS_PACKAGE = (
    '{"name": "memes", "type": "module", "dependencies": {"express": "^4.21.0", "kysely": "^0.27.0",'
    ' "better-sqlite3": "^11.0.0"}}'
)
EXPRESS_INDEX = """import express from "express";
import { %(cls)s } from "./services/%(module)s";

const app = express();
const store = new %(cls)s(process.env.DB_PATH || "./data/cards.sqlite3");

app.get("/api/cards", async (_req, res) => {
  res.json(await store.listCards());
});

app.get("/api/cards/:id", async (req, res) => {
  res.json(await store.getCard(Number(req.params.id)));
});

app.listen(3000);
"""
SQLITE_CLASS = """import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
%(migrator_import)s
export class %(cls)s {
  private db: Kysely<any>;
  private path: string;

  constructor(path: string) {
    this.path = path;
    this.db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(path) }) });
  }
%(init)s
  async listCards() {
    return this.db.selectFrom("card").selectAll().execute();
  }

  async getCard(id: number) {
    return this.db.selectFrom("card").selectAll().where("id", "=", id).executeTakeFirst();
  }
}
"""
MIGRATOR = """import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";

export async function migrateToLatest(path: string): Promise<void> {
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(path) }) });
  await db.schema.createTable("card").ifNotExists().addColumn("id", "integer", (c) => c.primaryKey()).execute();
  await db.destroy();
}
"""
INIT = """
  async init(): Promise<void> {
    await migrateToLatest(this.path);
  }
"""


def _express(module: str, cls: str, migrator: bool = False) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": EXPRESS_PACKAGE,
        "src/index.ts": EXPRESS_INDEX % {"cls": cls, "module": module},
        f"src/services/{module}.ts": SQLITE_CLASS
        % {
            "cls": cls,
            "migrator_import": 'import { migrateToLatest } from "./migrator";\n' if migrator else "",
            "init": INIT if migrator else "",
        },
    }
    if migrator:
        files["src/services/migrator.ts"] = MIGRATOR
    return files


def test_a_database_named_query_class_in_a_services_folder_is_data_access(make_project: MakeProject) -> None:
    """Violating on main: `services/database.ts`, whose class opens the SQLite file and runs every query,
    and the `services/migrator.ts` it runs the migrations with stayed services by their folder, so the
    routes file's import of the database class was no bypass."""
    report = inspect_json(make_project, _express("database", "DatabaseService", migrator=True))
    layers = layers_of(report)
    assert layers["src/services/database.ts"] == "repositories"
    assert evidence_of(report)["src/services/database.ts"] == "code: queries"
    assert layers["src/services/migrator.ts"] == "repositories"
    violations = layer_violations(report)
    assert ("bypass", "src/index.ts", "src/services/database.ts") in violations
    # the database class running the migrator is no upward import: both are data access
    assert not [v for v in violations if v[1] == "src/services/database.ts"]


@pytest.mark.parametrize(("module", "cls"), [("cards", "CardService"), ("catalogue", "Catalogue")])
def test_a_use_case_named_query_class_in_a_services_folder_stays_a_service(
    make_project: MakeProject, module: str, cls: str
) -> None:
    """Clean: the same class in a file named for what it serves keeps its folder's layer, and the routes
    file calling it is allowed."""
    report = inspect_json(make_project, _express(module, cls))
    assert layers_of(report)[f"src/services/{module}.ts"] == "services"
    assert not [v for v in layer_violations(report) if v[1] == "src/index.ts"]


def test_a_database_name_alone_places_no_file(make_project: MakeProject) -> None:
    """Clean: where the code runs no query (`services/db.ts` of settings only), the name moves no file."""
    files = _express("cards", "CardService")
    files["src/services/db.ts"] = 'export const DB_PATH = process.env.DB_PATH || "./data/cards.sqlite3";\n'
    assert layers_of(inspect_json(make_project, files))["src/services/db.ts"] == "services"


KOA_PACKAGE = (
    '{"name": "fair", "dependencies": {"koa": "^2.14.0", "@koa/router": "^12.0.0", "knex": "^2.5.0",'
    ' "pg": "^8.11.0"}}'
)
KOA_INDEX = """import Koa from "koa";
import router from "./routes/projects";

const app = new Koa();
app.use(router.routes());
app.listen(3000);
"""
KOA_ROUTES = """import Router from "@koa/router";
import %(store)s from "../services/%(folder)s/projectStore";
import { describeProject } from "../services/project-services/describe";

const router = new Router();
router.get("/projects/:id", async (ctx) => {
  ctx.body = await %(store)s.getProject(Number(ctx.params.id));
});
router.get("/projects/:id/summary", async (ctx) => {
  ctx.body = await describeProject(Number(ctx.params.id));
});
export default router;
"""
KNEX_MODULE = """import knex from "knex";

export default knex({ client: "pg", connection: process.env.DATABASE_URL });
"""
STORE = """import knex from "../../infrastructure/database";
import { Store } from "./storeInterface";

class ProjectStore implements Store {
  getProject = async (id: number) => knex("project").where("id", id).first();
}

export default new ProjectStore();
"""
STORE_INTERFACE = """export interface Store {
  getProject: (id: number) => Promise<unknown>;
}
"""
DESCRIBE = """import projectStore from "../%s/projectStore";

export async function describeProject(id: number): Promise<string> {
  const project = await projectStore.getProject(id);
  return project ? `project ${id}` : "unknown";
}
"""


def _koa(folder: str) -> dict[str, str | bytes]:
    return {
        "package.json": KOA_PACKAGE,
        "src/index.ts": KOA_INDEX,
        "src/routes/projects.ts": KOA_ROUTES % {"store": "projectStore", "folder": folder},
        "src/infrastructure/database/index.ts": KNEX_MODULE,
        f"src/services/{folder}/projectStore.ts": STORE,
        f"src/services/{folder}/storeInterface.ts": STORE_INTERFACE,
        "src/services/project-services/describe.ts": DESCRIBE % folder,
    }


def test_a_database_stores_folder_inside_services_is_data_access(make_project: MakeProject) -> None:
    """Violating on main: `services/db-stores/` (the database's stores) named no layer, so the Knex store
    and its interface stayed services by the outer folder, and the route's import of the store was no
    bypass."""
    report = inspect_json(make_project, _koa("db-stores"))
    layers = layers_of(report)
    assert layers["src/services/db-stores/projectStore.ts"] == "repositories"
    assert layers["src/services/db-stores/storeInterface.ts"] == "repositories"
    assert evidence_of(report)["src/services/db-stores/storeInterface.ts"] == "folder"
    assert layers["src/services/project-services/describe.ts"] == "services"
    violations = layer_violations(report)
    assert ("bypass", "src/routes/projects.ts", "src/services/db-stores/projectStore.ts") in violations
    assert not [v for v in violations if v[1].startswith("src/services/")]


def test_another_compound_folder_inside_services_names_no_layer(make_project: MakeProject) -> None:
    """Clean: `services/project-stores/` (a compound name not led by a database word) names no layer of its
    own: its files keep the services folder's layer, and the route calling them is allowed."""
    report = inspect_json(make_project, _koa("project-stores"))
    layers = layers_of(report)
    assert layers["src/services/project-stores/projectStore.ts"] == "services"
    assert layers["src/services/project-stores/storeInterface.ts"] == "services"
    assert not [v for v in layer_violations(report) if v[1] == "src/routes/projects.ts"]


EXPRESS_KNEX_PACKAGE = '{"name": "flows", "type": "module", "dependencies": {"express": "^4.21.0", "knex": "^2.5.0", "pg": "^8.11.0"}}'
EXPRESS_KNEX_INDEX = """import express from "express";
import projects from "./routes/projects.js";

const app = express();
app.use("/api/projects", projects);
app.listen(3000);
"""
EXPRESS_KNEX_ROUTES = """import { Router } from "express";
import { listProjects } from "../services/projectService.js";

const router = Router();
router.get("/", async (_req, res) => {
  res.json(await listProjects());
});
export default router;
"""
EXPRESS_KNEX_SERVICE = """import db from "../db.js";

export async function listProjects() {
  return db("projects").select("id", "name");
}
"""
SHIMMED_DB = """import knexModule from "knex";

const knex = %s;

const db = knex({ client: "pg", connection: process.env.DATABASE_URL });

export default db;
"""


def _shimmed(shim: str) -> dict[str, str | bytes]:
    return {
        "package.json": EXPRESS_KNEX_PACKAGE,
        "src/index.ts": EXPRESS_KNEX_INDEX,
        "src/routes/projects.ts": EXPRESS_KNEX_ROUTES,
        "src/services/projectService.ts": EXPRESS_KNEX_SERVICE,
        "src/db.ts": SHIMMED_DB % shim,
    }


@pytest.mark.parametrize(
    "shim",
    [
        "typeof (knexModule as any).default === 'function' ? (knexModule as any).default : (knexModule as any)",
        "(knexModule as any).default ?? knexModule",
        "knexModule.default || knexModule",
    ],
)
def test_a_client_made_through_the_interop_shim_is_data_access(make_project: MakeProject, shim: str) -> None:
    """Violating on main: `const knex = mod.default ?? mod` hid the library, so `knex({…})` opened no
    traced client and `src/db.ts`, whose path names no layer, had none."""
    report = inspect_json(make_project, _shimmed(shim))
    assert layers_of(report)["src/db.ts"] == "repositories"
    assert evidence_of(report)["src/db.ts"] == "code: queries"
    assert layers_of(report)["src/services/projectService.ts"] == "services"
    assert not layer_violations(report)


def test_two_different_modules_in_a_conditional_are_neither(make_project: MakeProject) -> None:
    """Clean: a choice between a module's default and another value (`knexModule.default ?? fallback`, the
    fallback a local function) is not the shim: the client stays untraced, as before."""
    files = _shimmed("(knexModule as any).default ?? fallback")
    files["src/db.ts"] = "function fallback(options: unknown) { return options; }\n" + str(files["src/db.ts"])
    assert "src/db.ts" not in layers_of(inspect_json(make_project, files))
