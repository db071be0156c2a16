"""Patterns of the fourth unseen labelled set (issue 18, docs/accuracy.md "A fourth unseen set"), each with
a violating and a clean project written for the test:

- a Python package named like a front end (`webapp/`) beside the `static/` and `templates/` it serves is
  server code; the assets stay front end, and a front-end folder that is no Python package stays one;
- a folder named `examples/` that application code imports is application code; snippets that import the
  app stay docs;
- an app file that registers a route or two and hands the app to project code is the composition root;
  an app file with its routes written out is the routes layer;
- a module in `models/` that takes the pool the app's state holds (`app["pool"]`) is data access, and so
  is its subclass; one reading a setting from the state stays a model;
- a services-folder module that creates the client other modules import is data access; a service
  querying inline on an imported pool stays a service;
- a FastAPI dependency taking the session factory from `request.app.state` is data access; a handler
  reading the state stays a handler;
- drizzle's `relations()` defines the models' relations (models).
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json

from cdverify.pipeline import inspect


def _layers(report: dict[str, Any]) -> dict[str, str]:
    files: dict[str, str] = report["architecture"]["files"]
    return files


def _violations(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((v["kind"], v["file"], v["target"]) for v in report["architecture"]["violations"])


# -- a server package beside its static files and templates -------------------------------------------

AIOHTTP_APP = """from aiohttp import web

from webapp.notes.routes import setup_routes


def create_app():
    app = web.Application()
    setup_routes(app)
    return app
"""
NOTES_ROUTES = """from webapp.notes import views


def setup_routes(app):
    app.router.add_get("/notes", views.list_notes)
"""
NOTES_VIEWS = """from aiohttp import web


async def list_notes(request):
    return web.json_response([])
"""


def _webapp(package: bool) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "webapp/app.py": AIOHTTP_APP,
        "webapp/notes/__init__.py": "",
        "webapp/notes/routes.py": NOTES_ROUTES,
        "webapp/notes/views.py": NOTES_VIEWS,
        "webapp/static/js/grid.js": "export function grid() { return 1; }\n",
        "webapp/templates/index.html": "<html></html>\n",
        "run.py": "from aiohttp import web\n\nfrom webapp.app import create_app\n\nweb.run_app(create_app())\n",
        "requirements.txt": "aiohttp\n",
    }
    if package:
        files["webapp/__init__.py"] = ""
    return files


def _inspected(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The JSON report and each file's scope."""
    inspected = inspect(make_project(files), use_cache=False)
    return inspected.to_json(), {path: str(scope) for path, scope in inspected.analysis.scopes.items()}


def test_a_python_package_named_webapp_is_server_code(make_project: MakeProject) -> None:
    report, scopes = _inspected(make_project, _webapp(package=True))
    assert scopes["webapp/notes/views.py"] == "application"
    assert scopes["webapp/app.py"] == "application"
    assert scopes["webapp/static/js/grid.js"] == "frontend"  # the assets keep their own folder's scope
    assert report["framework"]["serving"] == ["aiohttp"]
    assert _layers(report)["webapp/notes/views.py"] == "routes"


def test_a_webapp_folder_that_is_no_package_stays_front_end(make_project: MakeProject) -> None:
    _report, scopes = _inspected(make_project, _webapp(package=False))
    assert scopes["webapp/app.py"] == "frontend"
    assert scopes["webapp/notes/views.py"] == "frontend"  # only the named folder's own `__init__.py` counts
    assert scopes["webapp/static/js/grid.js"] == "frontend"


# -- an examples/ feature the app mounts ---------------------------------------------------------------

EXPRESS_INDEX = """const express = require("express");
const examples = require("./api/examples/example.router");

const app = express();
app.use("/examples", examples);
app.listen(3000);
"""
FEATURE = {
    "router": """const { Router } = require("express");
const service = require("./NAME.service");

const router = Router();
router.get("/", async (req, res) => res.json(await service.list()));
module.exports = router;
""",
    "service": """const repository = require("./NAME.repository");

exports.list = () => repository.all();
""",
    "repository": """const { pool } = require("DB");

exports.all = async () => (await pool.query("SELECT id FROM NAMEs")).rows;
""",
}


def _feature(folder: str, name: str, db: str, router: str = "router") -> dict[str, str | bytes]:
    """A feature's router (or routes), service and repository files, the repository querying `db`'s pool."""
    return {
        f"{folder}/{name}.{router if kind == 'router' else kind}.js": text.replace("NAME", name).replace(
            "DB", db
        )
        for kind, text in FEATURE.items()
    }


DB = """const { Pool } = require("pg");

exports.pool = new Pool({ connectionString: "postgres://app@localhost/app" });
"""


def _express_examples(mounted: bool) -> dict[str, str | bytes]:
    index = (
        EXPRESS_INDEX
        if mounted
        else EXPRESS_INDEX.replace(
            'const examples = require("./api/examples/example.router");\n', ""
        ).replace('app.use("/examples", examples);\n', "")
    )
    return {
        "package.json": '{"name": "shop", "dependencies": {"express": "4", "pg": "8"}}',
        "src/index.js": index,
        "src/db.js": DB,
        **_feature("src/api/examples", "example", "../../db"),
    }


def test_an_examples_feature_the_app_mounts_is_application_code(make_project: MakeProject) -> None:
    report, scopes = _inspected(make_project, _express_examples(mounted=True))
    for name in ("router", "service", "repository"):  # reached one import after another
        assert scopes[f"src/api/examples/example.{name}.js"] == "application"
    layers = _layers(report)
    assert layers["src/api/examples/example.router.js"] == "routes"
    assert layers["src/api/examples/example.service.js"] == "services"
    assert layers["src/api/examples/example.repository.js"] == "repositories"
    raw = {(r["file"], r["sql"]) for r in report["orm"]["raw_sql"]}
    assert ("src/api/examples/example.repository.js", "SELECT id FROM examples") in raw


def test_examples_nothing_in_the_app_imports_stay_docs(make_project: MakeProject) -> None:
    files = _express_examples(mounted=False)
    files["examples/usage.js"] = 'const app = require("../src/index");\n\napp;\n'
    report, scopes = _inspected(make_project, files)
    assert scopes["src/api/examples/example.router.js"] == "docs"
    assert scopes["examples/usage.js"] == "docs"  # it imports the app; nothing imports it
    assert "src/api/examples/example.repository.js" not in _layers(report)


# -- a composition root with a health route --------------------------------------------------------------

ROOT = """const express = require("express");
const { registerUserRoutes } = require("./users/user.registry");
const { connect } = require("./infra/db");

const app = express();
connect();
app.get("/", (req, res) => res.json({ status: "ok" }));
registerUserRoutes(app);
app.listen(3000);
"""
REGISTRY = """const routes = require("./user.routes");

exports.registerUserRoutes = (app) => app.use("/users", routes);
"""
INFRA_DB = """const { Pool } = require("pg");

const pool = new Pool({ connectionString: "postgres://app@localhost/app" });
exports.pool = pool;
exports.connect = () => pool.connect();
"""


def _root(app: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "users", "dependencies": {"express": "4", "pg": "8"}}',
        "src/app.js": app,
        "src/users/user.registry.js": REGISTRY,
        **_feature("src/users", "user", "../infra/db", router="routes"),
        "src/infra/db.js": INFRA_DB,
    }


def test_an_app_file_with_a_health_route_that_hands_the_app_on_is_the_root(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _root(ROOT))
    assert "src/app.js" in report["architecture"]["composition_roots"]
    assert "src/app.js" not in _layers(report)
    assert _violations(report) == []  # wiring the database is no bypass


def test_an_app_file_with_its_routes_written_out_is_routes(make_project: MakeProject) -> None:
    own = "\n".join(f'app.get("/r{n}", (req, res) => res.json({{}}));' for n in range(3))
    report = inspect_json(
        make_project, _root(ROOT.replace('app.get("/", (req, res) => res.json({ status: "ok" }));', own))
    )
    assert "src/app.js" not in report["architecture"]["composition_roots"]
    assert _layers(report)["src/app.js"] == "routes"
    assert ("bypass", "src/app.js", "src/infra/db.js") in _violations(report)


# -- a table gateway in models/ on the app's pool --------------------------------------------------------

GATEWAY_APP = """import asyncpg
from aiohttp import web

from api.routes import setup_routes


async def init_app(config):
    app = web.Application()
    app["pool"] = await asyncpg.create_pool(config["dsn"])
    app["title"] = str(config["title"])
    setup_routes(app)
    return app
"""
BASE_GATEWAY = """class TableGateway:
    tablename = None

    def __init__(self, app):
        self.pool = app["pool"]

    async def select(self, columns):
        query = "SELECT {} FROM {}".format(columns, self.tablename)
        async with self.pool.acquire() as connection:
            return await connection.fetch(query)
"""
NOTES_GATEWAY = """from api.model.base import TableGateway


class NotesTable(TableGateway):
    tablename = "notes"
"""
GATEWAY_ROUTES = """from api.handlers import notes


def setup_routes(app):
    app.router.add_get("/notes", notes.list_notes)
"""
GATEWAY_HANDLER = """from aiohttp import web

from api.model.notes import NotesTable


async def list_notes(request):
    rows = await NotesTable(request.app).select("id, body")
    return web.json_response([dict(row) for row in rows])
"""


def _gateway(base: str = BASE_GATEWAY) -> dict[str, str | bytes]:
    return {
        "api/__init__.py": GATEWAY_APP,
        "api/routes.py": GATEWAY_ROUTES,
        "api/handlers/__init__.py": "",
        "api/handlers/notes.py": GATEWAY_HANDLER,
        "api/model/__init__.py": "",
        "api/model/base.py": base,
        "api/model/notes.py": NOTES_GATEWAY,
        "requirements.txt": "aiohttp\nasyncpg\n",
    }


def test_a_models_module_on_the_apps_pool_is_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _gateway())
    layers = _layers(report)
    assert layers["api/model/base.py"] == "repositories"
    assert layers["api/model/notes.py"] == "repositories"  # a gateway's subclass is a gateway
    assert report["architecture"]["evidence"]["api/model/base.py"] == "code: queries"
    assert ("bypass", "api/handlers/notes.py", "api/model/notes.py") in _violations(report)
    assert not [v for v in _violations(report) if v[0] == "upward"]


def test_a_models_module_reading_a_setting_from_the_state_stays_a_model(make_project: MakeProject) -> None:
    plain = 'class Note:\n    def __init__(self, app, body):\n        self.title = app["title"]\n        self.body = body\n'
    files = _gateway(plain)
    files["api/model/notes.py"] = (
        "from api.model.base import Note\n\n\nclass Pinned(Note):\n    pinned = True\n"
    )
    files["api/handlers/notes.py"] = (
        GATEWAY_HANDLER.replace("NotesTable", "Pinned")
        .replace('(request.app).select("id, body")', '(request.app, "x")')
        .replace("[dict(row) for row in rows]", "rows.body")
    )
    report = inspect_json(make_project, files)
    layers = _layers(report)
    assert layers["api/model/base.py"] == "models"
    assert layers["api/model/notes.py"] == "models"
    assert _violations(report) == []


# -- a services-folder module that owns the pool ---------------------------------------------------------

DATABASE_SERVICE = """import { Pool } from "pg";
import { drizzle } from "drizzle-orm/node-postgres";

export const pool = new Pool({ connectionString: "postgres://app@localhost/app" });
export const db = drizzle(pool);

export async function connectDB(): Promise<void> {
  const client = await pool.connect();
  client.release();
}
"""
OWNER_REPOSITORY = """import { db } from "../services/database.service";
import { users } from "../models/user.model";

export const findUsers = () => db.select().from(users);
"""
OWNER_MODEL = """import { pgTable, serial, text } from "drizzle-orm/pg-core";

export const users = pgTable("users", { id: serial("id").primaryKey(), name: text("name") });
"""
OWNER_SERVICE = """import { findUsers } from "../repositories/user.repository";

export const listUsers = () => findUsers();
"""
OWNER_ROUTES = """import { Router } from "express";
import { listUsers } from "../services/user.service";

export const router = Router();
router.get("/users", async (req, res) => res.json(await listUsers()));
"""
OWNER_APP = """import express from "express";
import { router } from "./routes/user.routes";
import { connectDB } from "./services/database.service";

const app = express();
app.use(router);
connectDB().then(() => app.listen(3000));
"""


def _owner() -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "owner", "dependencies": {"express": "4", "pg": "8", "drizzle-orm": "0.30"}}',
        "src/server.ts": OWNER_APP,
        "src/routes/user.routes.ts": OWNER_ROUTES,
        "src/services/user.service.ts": OWNER_SERVICE,
        "src/services/database.service.ts": DATABASE_SERVICE,
        "src/repositories/user.repository.ts": OWNER_REPOSITORY,
        "src/models/user.model.ts": OWNER_MODEL,
    }


def test_a_service_that_owns_the_pool_others_import_is_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _owner())
    assert _layers(report)["src/services/database.service.ts"] == "repositories"
    assert _violations(report) == []  # the repository's import of the pool is no upward import


def test_a_service_querying_inline_on_an_imported_pool_stays_a_service(make_project: MakeProject) -> None:
    files = _owner()
    files["src/db.ts"] = DATABASE_SERVICE
    files["src/services/database.service.ts"] = (
        'import { pool } from "../db";\n\n'
        'export const countUsers = async () => (await pool.query("SELECT count(*) FROM users")).rows;\n'
    )
    files["src/repositories/user.repository.ts"] = OWNER_REPOSITORY.replace(
        "../services/database.service", "../db"
    )
    report = inspect_json(make_project, files)
    assert _layers(report)["src/services/database.service.ts"] == "services"


# -- a FastAPI dependency on the app's state -------------------------------------------------------------

FASTAPI_MAIN = """from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.api.items import router


@asynccontextmanager
async def lifespan(api: FastAPI):
    engine = create_async_engine("postgresql+asyncpg://app@localhost/app")
    api.state.sessions = async_sessionmaker(engine, expire_on_commit=False)
    yield


app = FastAPI(lifespan=lifespan)
app.include_router(router)
"""
SESSION = """from fastapi import Request


async def get_db(request: Request):
    factory = request.app.state.sessions
    async with factory() as session:
        yield session
"""
ITEMS = """from fastapi import APIRouter, Depends
from sqlalchemy import text

from app.db.session import get_db

router = APIRouter()


@router.get("/items")
async def items(db=Depends(get_db)):
    return (await db.execute(text("SELECT id FROM items"))).all()
"""


def _fastapi(session: str) -> dict[str, str | bytes]:
    return {
        "app/__init__.py": "",
        "app/main.py": FASTAPI_MAIN,
        "app/api/__init__.py": "",
        "app/api/items.py": ITEMS,
        "app/db/__init__.py": "",
        "app/db/session.py": session,
        "requirements.txt": "fastapi\nsqlalchemy\nasyncpg\n",
    }


def test_a_dependency_taking_the_session_from_the_app_state_is_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _fastapi(SESSION))
    assert _layers(report)["app/db/session.py"] == "repositories"
    assert ("bypass", "app/api/items.py", "app/db/session.py") in _violations(report)


def test_a_handler_reading_the_app_state_stays_a_handler(make_project: MakeProject) -> None:
    handler = SESSION.replace(
        "from fastapi import Request", "from fastapi import HTTPException, Request"
    ).replace(
        "        yield session",
        "        if session is None:\n            raise HTTPException(503)\n        yield session",
    )
    report = inspect_json(make_project, _fastapi(handler))
    assert _layers(report).get("app/db/session.py") != "repositories"
    assert not [v for v in _violations(report) if v[0] == "bypass"]


# -- drizzle relations -----------------------------------------------------------------------------------


def test_drizzle_relations_define_models(make_project: MakeProject) -> None:
    files = _owner()
    files["src/schema/index.ts"] = (
        'import { relations } from "drizzle-orm";\nimport { users } from "../models/user.model";\n\n'
        "export const usersRelations = relations(users, () => ({}));\n"
    )
    report = inspect_json(make_project, files)
    assert _layers(report)["src/schema/index.ts"] == "models"
    plain = _owner()
    plain["src/schema/index.ts"] = 'export const names = ["users"];\n'
    assert "src/schema/index.ts" not in _layers(inspect_json(make_project, plain))
