"""JavaScript/TypeScript layer patterns of the tenth unseen labelled set (issue 18, docs/accuracy.md "The tenth
set's JavaScript/TypeScript patterns"), each with a violating and a clean project written for the test:

- a module of the project's own SQL statement builders (`buildSelect(table)` writing `SELECT … FROM …` and
  returning `{ text, values }`) whose results a client runs elsewhere (`pool.query(buildSelect(table))`) is data
  access wherever it lives, and a route module importing it reaches data access directly. A module of helpers
  whose results a client runs but that writes no statement (a formatter of values), or one writing SQL text that
  no client call takes, keeps no layer;
- an import whose names are used only as types (`import { TableInfo } from "../db/introspector"`, an interface)
  is erased at run time: its finding is marked `type_only`, where an import of a function is not.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json
from reports import evidence_of as _evidence
from reports import layer_violations as _violations
from reports import layers_of as _layers

PACKAGE = """{"name": "crud", "type": "module", "dependencies": {"fastify": "5", "pg": "8"}}"""
SERVER = """import Fastify from "fastify";
import { Pool } from "pg";
import { registerCrudRoutes } from "./routes/crud.js";

const app = Fastify();
const pool = new Pool({ connectionString: process.env.DATABASE_URL });
registerCrudRoutes(app, pool);
await app.listen({ port: 3000 });
"""
BUILDER = """export interface TableInfo {
  name: string;
  columns: string[];
}

export interface Statement {
  text: string;
  values: unknown[];
}

export function buildSelect(table: TableInfo, limit: number): Statement {
  const sql = `SELECT ${table.columns.join(", ")} FROM ${table.name} LIMIT $1`;
  return { text: sql, values: [limit] };
}

export function buildDelete(table: TableInfo, id: number): Statement {
  const sql = `DELETE FROM ${table.name} WHERE id = $1`;
  return { text: sql, values: [id] };
}
"""
FORMATTER = """export interface TableInfo {
  name: string;
  columns: string[];
}

export function pageOf(table: TableInfo, limit: number): { text: string; values: unknown[] } {
  const label = `${table.name} page`;
  return { text: label, values: [limit] };
}
"""
ROUTES = """import type { FastifyInstance } from "fastify";
import { Pool } from "pg";
import { TableInfo } from "../db/statements.js";
import { buildSelect, buildDelete } from "../db/statements.js";

const users: TableInfo = { name: "users", columns: ["id", "email"] };

export function registerCrudRoutes(app: FastifyInstance, pool: Pool): void {
  app.get("/users", async () => (await pool.query(buildSelect(users, 20))).rows);
  app.delete("/users/:id", async (request) => {
    await pool.query(buildDelete(users, Number((request.params as { id: string }).id)));
    return { deleted: true };
  });
}
"""


def _crud(**more: str) -> dict[str, str]:
    return {
        "package.json": PACKAGE,
        "src/index.ts": SERVER,
        "src/db/statements.ts": BUILDER,
        "src/routes/crud.ts": ROUTES,
        **more,
    }


def test_a_module_writing_the_statements_a_client_runs_is_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _crud())
    assert _layers(report)["src/db/statements.ts"] == "repositories"
    assert _evidence(report)["src/db/statements.ts"] == "code: queries"
    assert _layers(report)["src/routes/crud.ts"] == "routes"
    # the import of the builders is a run-time bypass; the import of the interface alone is erased
    violations = report["architecture"]["violations"]
    assert _violations(report) == [
        ("bypass", "src/routes/crud.ts", "src/db/statements.ts"),
        ("bypass", "src/routes/crud.ts", "src/db/statements.ts"),
    ]
    assert sorted((v["line"], v["type_only"]) for v in violations) == [(3, True), (4, False)]


def test_the_builders_in_any_folder_are_data_access(make_project: MakeProject) -> None:
    files = _crud(
        **{"src/lib/statements.ts": BUILDER, "src/routes/crud.ts": ROUTES.replace("../db/", "../lib/")}
    )
    del files["src/db/statements.ts"]
    report = inspect_json(make_project, files)
    assert _layers(report)["src/lib/statements.ts"] == "repositories"
    assert ("bypass", "src/routes/crud.ts", "src/lib/statements.ts") in _violations(report)


@pytest.mark.parametrize("unused", [True, False], ids=["no-client-runs-it", "writes-no-statement"])
def test_helpers_writing_no_statement_or_run_by_no_client_keep_no_layer(
    make_project: MakeProject, unused: bool
) -> None:
    if unused:  # the statements are written, but the routes only read their text: no client runs them
        routes = ROUTES.replace("pool.query(buildSelect(users, 20))", "buildSelect(users, 20).text")
        routes = routes.replace("await pool.query(buildDelete(", "buildDelete(")
        files = _crud(**{"src/routes/crud.ts": routes, "src/lib/statements.ts": BUILDER})
    else:  # a client runs the helper's result, but the helper writes no SQL
        routes = ROUTES.replace("buildSelect(", "pageOf(").replace("buildDelete(", "pageOf(")
        routes = routes.replace("import { pageOf, pageOf }", "import { pageOf }")
        files = _crud(
            **{"src/routes/crud.ts": routes.replace("../db/", "../lib/"), "src/lib/statements.ts": FORMATTER}
        )
    del files["src/db/statements.ts"]
    files["src/routes/crud.ts"] = files["src/routes/crud.ts"].replace("../db/", "../lib/")
    report = inspect_json(make_project, files)
    assert "src/lib/statements.ts" not in _layers(report)
    assert _layers(report)["src/routes/crud.ts"] == "routes"
    assert _violations(report) == []


# -- an MCP server's tools are a request interface ------------------------------------------------------------

MCP_PACKAGE = """{"name": "notes", "type": "module",
"scripts": {"start": "tsx src/index.ts", "mcp": "tsx src/mcp/index.ts", "fill": "tsx src/db/fill.ts"},
"dependencies": {"fastify": "5", "pg": "8", "@modelcontextprotocol/sdk": "1", "zod": "3"}}"""
MCP_SERVER = """import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Pool } from "pg";
import { z } from "zod";
import { listNotes, removeNote } from "../repositories/notes.js";

export function createMcpServer(pool: Pool): McpServer {
  const server = new McpServer({ name: "notes", version: "1.0.0" });
  registerTools(server, pool);
  return server;
}

function registerTools(server: McpServer, pool: Pool): void {
  server.registerTool("list_notes", { description: "List the notes" }, async () => ({
    content: [{ type: "text", text: JSON.stringify(await listNotes(pool)) }],
  }));
  server.tool("remove_note", { id: z.number() }, async ({ id }) => {
    await removeNote(pool, id);
    return { content: [{ type: "text", text: "removed" }] };
  });
}
"""
MCP_ENTRY = """import { Pool } from "pg";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createMcpServer } from "./server.js";

const pool = new Pool({ connectionString: process.env.DATABASE_URL });
const { rows } = await pool.query("SELECT count(*) AS notes FROM notes");
if (!rows.length) process.exit(1);
await createMcpServer(pool).connect(new StdioServerTransport());
"""
REPOSITORY = """import { Pool } from "pg";

export async function listNotes(pool: Pool) {
  return (await pool.query("SELECT id, title FROM notes")).rows;
}

export async function removeNote(pool: Pool, id: number) {
  await pool.query("DELETE FROM notes WHERE id = $1", [id]);
}
"""
SERVICE = """import { Pool } from "pg";
import { listNotes, removeNote } from "../repositories/notes.js";

export const notes = {
  list: (pool: Pool) => listNotes(pool),
  remove: (pool: Pool, id: number) => removeNote(pool, id),
};
"""
FILL = """import { Pool } from "pg";
import { removeNote } from "../repositories/notes.js";

const pool = new Pool({ connectionString: process.env.DATABASE_URL });
await pool.query("INSERT INTO notes (title) VALUES ('first')");
await removeNote(pool, 0);
process.exit(0);
"""
HTTP_SERVER = """import Fastify from "fastify";

const app = Fastify();
app.get("/health", async () => ({ ok: true }));
await app.listen({ port: 3000 });
"""


def _notes(**more: str) -> dict[str, str]:
    return {
        "package.json": MCP_PACKAGE,
        "src/index.ts": HTTP_SERVER,
        "src/mcp/server.ts": MCP_SERVER,
        "src/mcp/index.ts": MCP_ENTRY,
        "src/repositories/notes.ts": REPOSITORY,
        "src/db/fill.ts": FILL,
        **more,
    }


def test_an_mcp_servers_tools_are_routes_and_reaching_a_repository_is_a_bypass(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _notes())
    layers, evidence = _layers(report), _evidence(report)
    assert layers["src/mcp/server.ts"] == "routes"
    assert evidence["src/mcp/server.ts"] == "code: routes"
    assert _violations(report) == [("bypass", "src/mcp/server.ts", "src/repositories/notes.ts")]
    # the stdio entry a package script runs starts the tools: wiring, not a script, and its SQL is the app's
    assert "src/mcp/index.ts" not in layers
    assert evidence["src/mcp/index.ts"] == "composition root"
    scopes = {(item["file"], item["line"]): item["scope"] for item in report["orm"]["raw_sql"]}
    assert scopes[("src/mcp/index.ts", 6)] == "application"
    # a program the package scripts run, importing only data access, is still a script
    assert evidence["src/db/fill.ts"] == "command-line script"
    assert scopes[("src/db/fill.ts", 5)] == "scripts"


def test_mcp_tools_calling_a_service_break_nothing(make_project: MakeProject) -> None:
    server = MCP_SERVER.replace(
        'import { listNotes, removeNote } from "../repositories/notes.js";',
        'import { notes } from "../services/notes.js";',
    )
    server = server.replace("listNotes(pool)", "notes.list(pool)").replace(
        "removeNote(pool, id)", "notes.remove(pool, id)"
    )
    report = inspect_json(
        make_project, _notes(**{"src/mcp/server.ts": server, "src/services/notes.ts": SERVICE})
    )
    assert _layers(report)["src/mcp/server.ts"] == "routes"
    assert _layers(report)["src/services/notes.ts"] == "services"
    assert _violations(report) == []


PY_TOOLS = """from mcp.server.fastmcp import FastMCP

from app.repositories.notes import list_notes

mcp = FastMCP("notes")


@mcp.tool()
def notes() -> list[str]:
    return list_notes()
"""
PY_REPOSITORY = """import sqlite3


def list_notes() -> list[str]:
    with sqlite3.connect("notes.db") as conn:
        return [row[0] for row in conn.execute("SELECT title FROM notes")]
"""
PY_PLAIN = """from app.repositories.notes import list_notes


def notes() -> list[str]:
    return list_notes()
"""


@pytest.mark.parametrize("tools", [PY_TOOLS, PY_PLAIN], ids=["fastmcp-tool", "plain-function"])
def test_fastmcp_tools_in_python_are_routes(make_project: MakeProject, tools: str) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "notes"\nversion = "0"\ndependencies = ["mcp"]\n',
        "app/__init__.py": "",
        "app/tools.py": tools,
        "app/repositories/__init__.py": "",
        "app/repositories/notes.py": PY_REPOSITORY,
    }
    report = inspect_json(make_project, files)
    if tools is PY_TOOLS:
        assert _layers(report)["app/tools.py"] == "routes"
        assert _violations(report) == [("bypass", "app/tools.py", "app/repositories/notes.py")]
    else:  # a plain function importing a repository says nothing: no layer, no violation
        assert "app/tools.py" not in _layers(report)
        assert _violations(report) == []


# -- a project helper requiring a variable, called as a module loads ----------------------------------------

HELPER_PACKAGE = """{"name": "login", "dependencies": {"fastify": "5", "better-sqlite3": "11"}}"""
ENV_HELPER = """export class EnvHelper {
  static get(key: string): string {
    const value = process.env[key];
    if (!value) {
      throw new Error(`Env variable '${key}' not found`);
    }
    return value;
  }

  static getOptional(key: string): string | undefined {
    return process.env[key];
  }
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`missing ${name}`);
  return value;
}
"""
ENTRY = """import Fastify, { FastifyInstance } from "fastify";
import Database from "better-sqlite3";
import { EnvHelper, requireEnv } from "./helpers/env.helper";

const db = new Database("app.db");

export class Server {
  private static readonly app: FastifyInstance = Fastify();
  private static readonly port: number = Number(EnvHelper.get("NODE_PORT"));

  static async start(): Promise<void> {
    this.app.get("/users", async () => db.prepare("SELECT id FROM users").all());
    await this.app.listen({ port: this.port });
  }
}

void Server.start();
"""


def _harness(make_project: MakeProject, entry: str) -> list[str]:
    from cdverify import inspect
    from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness

    files = {"package.json": HELPER_PACKAGE, "src/helpers/env.helper.ts": ENV_HELPER, "src/server.ts": entry}
    inspected = inspect(make_project(files), use_cache=False)
    assert inspected.to_json()["database"]["engines"] == ["sqlite"]
    return in_harness(inspected.analysis.database, PAPER_ENVIRONMENT).engines


@pytest.mark.parametrize(
    "read",
    ['EnvHelper.get("NODE_PORT")', 'requireEnv("NODE_PORT")'],
    ids=["static-method-in-a-static-field", "function"],
)
def test_a_helper_throwing_on_an_unset_variable_at_load_stops_the_app(
    make_project: MakeProject, read: str
) -> None:
    assert _harness(make_project, ENTRY.replace('EnvHelper.get("NODE_PORT")', read)) == []


@pytest.mark.parametrize(
    "entry",
    [
        ENTRY.replace('EnvHelper.get("NODE_PORT")', 'EnvHelper.getOptional("NODE_PORT") ?? 3000'),
        ENTRY.replace('Number(EnvHelper.get("NODE_PORT"))', "3000").replace(
            'db.prepare("SELECT id FROM users").all()', 'db.prepare(EnvHelper.get("USERS_QUERY")).all()'
        ),
    ],
    ids=["optional-read", "required-read-in-a-handler"],
)
def test_an_optional_read_or_one_in_a_handler_lets_the_app_start(
    make_project: MakeProject, entry: str
) -> None:
    assert _harness(make_project, entry) == ["sqlite"]


# -- a models registry syncing the models' tables -----------------------------------------------------------

KOA_PACKAGE = (
    """{"name": "koa-api", "dependencies": {"koa": "2", "@koa/router": "12", "sequelize": "6", "pg": "8"}}"""
)
DATABASE = """const { Sequelize } = require('sequelize');

const sequelize = new Sequelize(process.env.DATABASE_URL || 'postgres://localhost:5432/app');
const connectDB = async () => {
  await sequelize.authenticate();
};

module.exports = { sequelize, connectDB };
"""
USER_MODEL = """const { DataTypes } = require('sequelize');
const { sequelize } = require('../config/database');

const User = sequelize.define('User', { email: { type: DataTypes.STRING } });

module.exports = User;
"""
MODELS_INDEX = """const { sequelize } = require('../config/database');
const User = require('./User');

const models = { User };

const syncDatabase = async () => {
  await sequelize.sync({ alter: process.env.NODE_ENV === 'development' });
};

module.exports = { ...models, sequelize, syncDatabase };
"""
KOA_APP = """const Koa = require('koa');
const Router = require('@koa/router');
const { connectDB } = require('./config/database');
const { User, syncDatabase } = require('./models');

const app = new Koa();
const router = new Router();
router.get('/users', async (ctx) => { ctx.body = await User.findAll(); });
app.use(router.routes());
connectDB().then(syncDatabase).then(() => app.listen(3000));
"""


@pytest.mark.parametrize(
    ("index", "layer"),
    [
        (MODELS_INDEX, "models"),
        (
            MODELS_INDEX.replace("sequelize.sync({", "sequelize.query('SELECT 1 FROM users', {"),
            "repositories",
        ),
    ],
    ids=["syncing-the-tables", "running-a-query"],
)
def test_a_models_registry_syncing_the_tables_stays_models(
    make_project: MakeProject, index: str, layer: str
) -> None:
    files = {
        "package.json": KOA_PACKAGE,
        "src/index.js": KOA_APP,
        "src/config/database.js": DATABASE,
        "src/models/User.js": USER_MODEL,
        "src/models/index.js": index,
    }
    layers = _layers(inspect_json(make_project, files))
    assert layers["src/models/index.js"] == layer
    assert layers["src/models/User.js"] == "models"
    assert layers["src/config/database.js"] == "repositories"  # `sequelize.authenticate()` still counts
