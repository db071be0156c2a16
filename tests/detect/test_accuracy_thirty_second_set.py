"""Patterns of the thirty-second held-out set (docs/accuracy.md, issue 18).

- Node's built-in SQLite (`new DatabaseSync(path)` from `node:sqlite`) opens a client: the module doing so
  is data access, and a route module importing it bypasses the services.
- A module exporting, unchanged, the connection getter of the module that opens the connection
  (`module.exports = { getDbConnection, initializeDb }` in `database/index.js`) hands the connection on: data
  access too. A models registry exporting the ORM instance with its models stays models.
- An app file's route registrations of handlers another project module defines
  (`app.router.add_get("/x", users_api.list_users)`) count for that module, not as the app file's own
  handlers: an app file wiring many imported handlers beside a few of its own pages is the composition root.
"""

from __future__ import annotations

from reports import MakeProject, evidence_of, inspect_json, layer_violations, layers_of

# -- node:sqlite ---------------------------------------------------------------------------------------

FASTIFY = '{"name": "notes", "type": "module", "dependencies": {"fastify": "5"}}'
SQLITE_DB = """import { DatabaseSync } from "node:sqlite";

const db = new DatabaseSync(process.env.SQLITE_PATH || "data/app.db");
db.exec("PRAGMA foreign_keys = ON;");

export default db;
"""
SERVER = """import Fastify from "fastify";
import notes from "./routes/notes.js";

const app = Fastify();
app.register(notes, { prefix: "/api" });
app.listen({ port: 3000 });
"""


def test_a_route_plugin_importing_the_node_sqlite_module_is_a_bypass(make_project: MakeProject) -> None:
    plugin = """import db from "../db.js";

export default async function notes(app) {
  app.get("/notes", async () => db.prepare("SELECT id, body FROM notes").all());
}
"""
    report = inspect_json(
        make_project,
        {
            "package.json": FASTIFY,
            "src/server.js": SERVER,
            "src/db.js": SQLITE_DB,
            "src/routes/notes.js": plugin,
        },
    )
    assert layers_of(report)["src/db.js"] == "repositories"
    assert evidence_of(report)["src/db.js"] == "code: queries"
    assert layer_violations(report) == [("bypass", "src/routes/notes.js", "src/db.js")]


def test_a_route_plugin_calling_a_service_over_the_node_sqlite_module_is_clean(
    make_project: MakeProject,
) -> None:
    service = """import db from "../db.js";

export const listNotes = () => db.prepare("SELECT id, body FROM notes").all();
"""
    plugin = """import { listNotes } from "../services/notes.js";

export default async function notes(app) {
  app.get("/notes", async () => listNotes());
}
"""
    report = inspect_json(
        make_project,
        {
            "package.json": FASTIFY,
            "src/server.js": SERVER,
            "src/db.js": SQLITE_DB,
            "src/services/notes.js": service,
            "src/routes/notes.js": plugin,
        },
    )
    assert layers_of(report)["src/db.js"] == "repositories"
    assert layer_violations(report) == []


# -- a module re-exporting the connection getter -------------------------------------------------------

EXPRESS = '{"name": "recipes", "dependencies": {"express": "5", "sqlite": "5", "sqlite3": "5"}}'
CONNECTION = """const sqlite3 = require("sqlite3");
const { open } = require("sqlite");

async function getConnection() {
  return open({ filename: "./recipes.sqlite", driver: sqlite3.Database });
}

module.exports = { getConnection };
"""
SCHEMA = """async function createTables(db) {
  await db.exec("CREATE TABLE IF NOT EXISTS recipes (id INTEGER PRIMARY KEY, title TEXT)");
}

module.exports = { createTables };
"""
DATABASE_INDEX = """const { getConnection } = require("./connection");
const { createTables } = require("./schema");

async function setUp() {
  const db = await getConnection();
  await createTables(db);
}

module.exports = { getConnection, setUp };
"""
INDEX = """const express = require("express");
const { setUp } = require("./src/database");
const routes = require("./src/routes");

const app = express();
setUp().catch(console.error);
app.use("/", routes);
app.listen(3000);
"""


def _recipes(routes: str, extra: dict[str, str | bytes] | None = None) -> dict[str, str | bytes]:
    return {
        "package.json": EXPRESS,
        "index.js": INDEX,
        "src/database/connection.js": CONNECTION,
        "src/database/schema.js": SCHEMA,
        "src/database/index.js": DATABASE_INDEX,
        "src/routes.js": routes,
        **(extra or {}),
    }


def test_a_module_re_exporting_the_connection_getter_is_data_access(make_project: MakeProject) -> None:
    routes = """const express = require("express");
const { getConnection } = require("./database");

const router = express.Router();
router.get("/recipes", async (req, res) => {
  const db = await getConnection();
  res.json(await db.all("SELECT id, title FROM recipes"));
});
module.exports = router;
"""
    report = inspect_json(make_project, _recipes(routes))
    assert layers_of(report)["src/database/index.js"] == "repositories"
    assert layer_violations(report) == [("bypass", "src/routes.js", "src/database/index.js")]


def test_a_router_calling_a_service_over_the_re_exporting_module_is_clean(make_project: MakeProject) -> None:
    service = """const { getConnection } = require("../database");

async function listRecipes() {
  const db = await getConnection();
  return db.all("SELECT id, title FROM recipes");
}

module.exports = { listRecipes };
"""
    routes = """const express = require("express");
const { listRecipes } = require("./services/recipes");

const router = express.Router();
router.get("/recipes", async (req, res) => res.json(await listRecipes()));
module.exports = router;
"""
    report = inspect_json(make_project, _recipes(routes, {"src/services/recipes.js": service}))
    assert layers_of(report)["src/database/index.js"] == "repositories"
    assert layer_violations(report) == []


def test_a_models_registry_exporting_the_orm_instance_with_its_models_stays_models(
    make_project: MakeProject,
) -> None:
    package = '{"name": "shop", "dependencies": {"express": "5", "sequelize": "6", "sqlite3": "5"}}'
    database = """const { Sequelize } = require("sequelize");

const sequelize = new Sequelize({ dialect: "sqlite", storage: "shop.sqlite" });

module.exports = { sequelize };
"""
    user = """const { DataTypes } = require("sequelize");
const { sequelize } = require("../config/database");

const User = sequelize.define("User", { name: DataTypes.STRING });

module.exports = User;
"""
    registry = """const { sequelize } = require("../config/database");
const User = require("./User");

const syncDatabase = async () => sequelize.sync();

module.exports = { User, sequelize, syncDatabase };
"""
    app = """const express = require("express");
const { User } = require("./models");

const app = express();
app.get("/users", async (req, res) => res.json(await User.findAll()));
app.listen(3000);
"""
    report = inspect_json(
        make_project,
        {
            "package.json": package,
            "src/app.js": app,
            "src/config/database.js": database,
            "src/models/User.js": user,
            "src/models/index.js": registry,
        },
    )
    assert layers_of(report)["src/models/index.js"] == "models"


# -- an app file wiring imported handlers beside a few pages of its own ----------------------------------

AIOHTTP = "aiohttp\n"
DB = """import aiosqlite

_conn = None


async def init_db(path):
    global _conn
    _conn = await aiosqlite.connect(path)


async def fetchall(sql, params=()):
    cursor = await _conn.execute(sql, params)
    return await cursor.fetchall()
"""
USERS_API = """from aiohttp import web

from {pkg} import services


async def {name}(request):
    return web.json_response(await services.everything())
"""
SERVICES = """from shop import db


async def everything():
    return await db.fetchall("SELECT id FROM users")
"""
PAGE = """

async def page_{n}(request):
    theme = await db.fetchall("SELECT value FROM prefs WHERE key = 'theme'")
    return web.Response(text=str(theme))
"""


def _shop(imported: int, pages: int) -> dict[str, str | bytes]:
    """An aiohttp app file registering `imported` handlers of the api package and `pages` of its own."""
    files: dict[str, str | bytes] = {"requirements.txt": AIOHTTP, "shop/__init__.py": "", "shop/db.py": DB}
    files["shop/services.py"] = SERVICES
    files["shop/api/__init__.py"] = ""
    lines = [
        "from aiohttp import web",
        "",
        "from shop import db",
        "from shop.api import users as users_api",
        "",
    ]
    handlers = [USERS_API.format(pkg="shop", name=f"list_{n}") for n in range(1)]
    files["shop/api/users.py"] = handlers[0] + "".join(
        f"\n\nasync def list_{n}(request):\n    return await list_0(request)\n" for n in range(1, imported)
    )
    body = ["", "", "def create_app():", "    app = web.Application()"]
    body += [f'    app.router.add_get("/api/users/{n}", users_api.list_{n})' for n in range(imported)]
    body += [f'    app.router.add_get("/page/{n}", page_{n})' for n in range(pages)]
    body += ["    return app", "", "", "web.run_app(create_app())"]
    files["shop/app.py"] = (
        "\n".join(lines) + "".join(PAGE.format(n=n) for n in range(pages)) + "\n".join(body) + "\n"
    )
    return files


def test_an_app_file_wiring_many_imported_handlers_beside_its_pages_is_the_composition_root(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _shop(imported=20, pages=9))
    assert "shop/app.py" in report["architecture"]["composition_roots"]
    assert "shop/app.py" not in layers_of(report)
    assert layer_violations(report) == []  # its `from shop import db` (the pages' theme) is wiring


def test_an_app_file_mostly_answering_requests_itself_stays_the_routes_layer(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _shop(imported=2, pages=9))
    assert layers_of(report)["shop/app.py"] == "routes"
    assert ("bypass", "shop/app.py", "shop/db.py") in layer_violations(report)
