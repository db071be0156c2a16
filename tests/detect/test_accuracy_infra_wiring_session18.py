"""Infrastructure wiring, configuration and column helpers (docs/accuracy.md "Infrastructure wiring,
configuration and column helpers (session 2026-12-07 (18))"):

- a Node module that hands what it imports from the project to a dependency-injection container's
  registrations (awilix's `asValue(db)`, `asFunction(makeUsersRepository)`) and otherwise only calls the
  factories it imports fills the container the app resolves its parts from: a composition root, not the
  data-access layer its `infrastructure/` folder names. One that also uses what it builds keeps its layer;
- a settings module (`infrastructure/config/index.ts`, a folder's index named `config`) whose code shows no
  role and that imports only types of the project holds the configuration every layer reads: no layer. So is
  a logging module kept as a `logger/` folder's index. A `config` module importing project code keeps its layer;
- a module of ORM column builders (Drizzle's `timestamp()` of `drizzle-orm/pg-core`) that a table module
  imports holds the column sets the tables spread in: models, whatever its folder. One calling anything else
  keeps its folder's layer.
"""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import evidence_of as _evidence
from reports import layer_violations as _violations
from reports import layers_of as _layers

PACKAGE = """{"name": "shelf", "dependencies": {"fastify": "5", "drizzle-orm": "0.36", "pg": "8", "awilix": "12",
"pino": "9", "zod": "3"}}"""
SERVER = """import Fastify from "fastify";
import { makeDependencies } from "./infrastructure/di";
import booksRoutes from "./routes/books";

const app = Fastify();
const deps = makeDependencies();
app.register(booksRoutes, { deps });
app.listen({ port: 3000 });
"""
ROUTES = """import { listBooks } from "../application/list-books";

export default async function booksRoutes(fastify, opts) {
  fastify.get("/books", async () => listBooks(opts.deps));
}
"""
USE_CASE = """import type { BooksRepository } from "./ports";

export async function listBooks(deps: { booksRepository: BooksRepository }) {
  return deps.booksRepository.all();
}
"""
PORTS = """export interface BooksRepository { all(): Promise<unknown[]>; }
export interface Settings { port: number; level: string; }
"""
DB = """import { Pool } from "pg";
import { drizzle } from "drizzle-orm/node-postgres";

export const db = drizzle(new Pool({ connectionString: process.env.DATABASE_URL }));
"""
REPOSITORY = """import { db } from "../db";
import { books } from "../db/schemas/books";

export function makeBooksRepository() {
  return { all: () => db.select().from(books) };
}
"""
TABLE = """import { pgTable, serial, varchar } from "drizzle-orm/pg-core";
import { timestamps } from "../columns";

export const books = pgTable("books", { id: serial().primaryKey(), title: varchar({ length: 80 }), ...timestamps });
"""
COLUMNS = """import { timestamp } from "drizzle-orm/pg-core";

export const timestamps = {
  created_at: timestamp().defaultNow().notNull(),
  updated_at: timestamp(),
};
"""
# a helper beside the tables that also makes ids of its own: not only column builders
COLUMNS_AND_MORE = (
    """import { randomUUID } from "node:crypto";
"""
    + COLUMNS
    + """
export const newId = () => randomUUID();
"""
)
CONFIG = """import { z } from "zod";
import type { Settings } from "../../application/ports";

export function makeConfig(): Settings {
  const env = z.object({ PORT: z.string(), LOG_LEVEL: z.string() }).parse(process.env);
  return { port: Number(env.PORT), level: env.LOG_LEVEL };
}
"""
# a "config" module that builds the repositories: project code, not settings
CONFIG_BUILDING = """import { makeBooksRepository } from "../repositories/books";

export const repositories = { books: makeBooksRepository() };
"""
LOGGER = """import pino from "pino";
import type { Settings } from "../../application/ports";

export function makeLogger(settings: Settings) {
  return pino({ level: settings.level });
}
"""
DI = """import { asFunction, asValue } from "awilix";
import { makeConfig } from "./config";
import { db } from "./db";
import { makeLogger } from "./logger";
import { makeBooksRepository } from "./repositories/books";

export function makeDependencies() {
  const config = makeConfig();
  return {
    config: asValue(config),
    db: asValue(db),
    logger: asValue(makeLogger(config)),
    booksRepository: asFunction(makeBooksRepository).singleton(),
  };
}
"""
# the same registrations, but the module also runs a query on what it imports: data access by its code too
DI_QUERYING = DI.replace(
    "export function makeDependencies() {",
    'export async function warmUp() {\n  return db.execute("select 1");\n}\n\nexport function makeDependencies() {',
)


def _project() -> dict[str, str]:
    return {
        "package.json": PACKAGE,
        "src/server.ts": SERVER,
        "src/routes/books.ts": ROUTES,
        "src/application/list-books.ts": USE_CASE,
        "src/application/ports.ts": PORTS,
        "src/infrastructure/db/index.ts": DB,
        "src/infrastructure/db/columns.ts": COLUMNS,
        "src/infrastructure/db/schemas/books.ts": TABLE,
        "src/infrastructure/repositories/books.ts": REPOSITORY,
        "src/infrastructure/config/index.ts": CONFIG,
        "src/infrastructure/logger/index.ts": LOGGER,
        "src/infrastructure/di.ts": DI,
    }


def test_a_container_registration_module_is_a_composition_root(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _project())
    assert "src/infrastructure/di.ts" not in _layers(report)
    assert _evidence(report)["src/infrastructure/di.ts"] == "composition root"
    assert _layers(report)["src/infrastructure/repositories/books.ts"] == "repositories"


def test_a_registration_module_querying_what_it_imports_keeps_its_layer(make_project: MakeProject) -> None:
    files = _project()
    files["src/infrastructure/di.ts"] = DI_QUERYING
    report = inspect_json(make_project, files)
    assert _layers(report)["src/infrastructure/di.ts"] == "repositories"


def test_settings_and_logger_indexes_take_no_layer_from_infrastructure(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _project())
    layers, evidence = _layers(report), _evidence(report)
    assert "src/infrastructure/config/index.ts" not in layers
    assert evidence["src/infrastructure/config/index.ts"] == "settings"
    assert "src/infrastructure/logger/index.ts" not in layers
    assert evidence["src/infrastructure/logger/index.ts"] == "logging"
    assert _violations(report) == []  # their type imports of the application's ports are no upward imports


def test_a_config_module_building_project_parts_keeps_its_layer(make_project: MakeProject) -> None:
    files = _project()
    files["src/infrastructure/config/index.ts"] = CONFIG_BUILDING
    report = inspect_json(make_project, files)
    assert _layers(report)["src/infrastructure/config/index.ts"] == "repositories"
    assert _evidence(report)["src/infrastructure/config/index.ts"] != "settings"


def test_column_sets_a_table_spreads_in_are_models(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _project())
    assert _layers(report)["src/infrastructure/db/columns.ts"] == "models"
    assert _layers(report)["src/infrastructure/db/schemas/books.ts"] == "models"
    assert _violations(report) == []  # the table's import of its columns is no upward import


def test_a_helper_calling_more_than_column_builders_keeps_its_folders_layer(
    make_project: MakeProject,
) -> None:
    files = _project()
    files["src/infrastructure/db/columns.ts"] = COLUMNS_AND_MORE
    report = inspect_json(make_project, files)
    assert _layers(report)["src/infrastructure/db/columns.ts"] == "repositories"
