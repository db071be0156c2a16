"""Layer patterns of the twenty-sixth unseen labelled set (issue 18, docs/accuracy.md "The twenty-sixth
set's other disagreements"), each with a violating and a clean project written for the test:

- a module creating the SQLAlchemy engine (`database/engine.py`) whose one importer hands it to the session
  factory (`sessionmaker(bind=engine)`), or a pg pool module handed to `drizzle({ client: pool })`, is data access: a data client built on the connection is more data
  access, not a bootstrap's start-up option (`bootstrapMicroframework({ loaders: [typeormLoader] })`, which
  stays wiring: tests/detect/test_accuracy_js_round2_layers.py).
- a `port` entry of a database's settings (`db_config = {"host": …, "port": "5432"}`) is that server's port,
  not the web server's: when no listen call gives the app's port, it does not make its module a server
  starter (a composition root, no layer); the module opening the engine is data access.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, evidence_of, inspect_json, layers_of

ENGINE = """from sqlalchemy import create_engine

from app.config import DATABASE_URL

engine = create_engine(DATABASE_URL)
"""
CONFIG = 'DATABASE_URL = "sqlite:///./app.db"\n'
SESSION = """from sqlalchemy.orm import declarative_base, sessionmaker

from app.database.engine import engine

Base = declarative_base()
SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)


def get_session():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
"""
ASYNC_SESSION = SESSION.replace(
    "sqlalchemy.orm import declarative_base, sessionmaker",
    "sqlalchemy.orm import declarative_base\nfrom sqlalchemy.ext.asyncio import async_sessionmaker",
).replace(
    "sessionmaker(autocommit=False, autoflush=False, bind=engine)",
    "async_sessionmaker(bind=engine, expire_on_commit=False)",
)
MAIN = """from fastapi import FastAPI

from app.routes.items import router

app = FastAPI()
app.include_router(router)
"""
ROUTES = """from fastapi import APIRouter

router = APIRouter()


@router.get("/items")
def items():
    return []
"""


@pytest.mark.parametrize("session", [SESSION, ASYNC_SESSION], ids=["sessionmaker", "async_sessionmaker"])
def test_an_engine_handed_to_the_session_factory_is_data_access(
    make_project: MakeProject, session: str
) -> None:
    """Violating on the old reading: `bind=engine` in the session factory's call was taken for a bootstrap
    option, and the engine module for a start-up step (a composition root, no layer)."""
    project: dict[str, str | bytes] = {
        "requirements.txt": "fastapi\nsqlalchemy\n",
        "app/__init__.py": "",
        "app/config.py": CONFIG,
        "app/main.py": MAIN,
        "app/routes/__init__.py": "",
        "app/routes/items.py": ROUTES,
        "app/database/__init__.py": "",
        "app/database/engine.py": ENGINE,
        "app/database/session.py": session,
    }
    report = inspect_json(make_project, project)
    assert layers_of(report)["app/database/engine.py"] == "repositories"
    assert evidence_of(report)["app/database/engine.py"] == "code: queries"


def test_an_engine_module_the_project_connects_through_keeps_its_layer(make_project: MakeProject) -> None:
    """Clean: the importer calls the engine (`engine.connect()`), as before."""
    uses = "from app.database.engine import engine\n\n\ndef ping():\n    with engine.connect() as conn:\n        return conn\n"
    project: dict[str, str | bytes] = {
        "requirements.txt": "fastapi\nsqlalchemy\n",
        "app/__init__.py": "",
        "app/config.py": CONFIG,
        "app/main.py": MAIN,
        "app/routes/__init__.py": "",
        "app/routes/items.py": ROUTES,
        "app/database/__init__.py": "",
        "app/database/engine.py": ENGINE,
        "app/database/health.py": uses,
    }
    report = inspect_json(make_project, project)
    assert layers_of(report)["app/database/engine.py"] == "repositories"


AIOHTTP_APP = """from aiohttp import web

from db.configuration import close_db, connect_db


def create_app():
    app = web.Application()
    app.on_startup.append(connect_db)
    app.on_cleanup.append(close_db)
    return app


if __name__ == "__main__":
    web.run_app(create_app())
"""
AIOPG_DB = """from aiopg.sa import create_engine

SETTINGS


async def connect_db(app):
    app["db"] = await create_engine(ARGS)


async def close_db(app):
    app["db"].close()
    await app["db"].wait_closed()
"""


@pytest.mark.parametrize(
    ("settings", "args"),
    [
        ('db_config = {"database": "shop", "host": "127.0.0.1", "port": "5432"}', "**db_config"),
        ('DATABASE = {"database": "shop", "host": "127.0.0.1", "port": 5432}', "**DATABASE"),
        # clean: a constant whose own name says database, as before
        ('DB_PORT = 5432\nDB = {"database": "shop", "host": "127.0.0.1"}', "**DB, port=DB_PORT"),
    ],
    ids=["db_config-port", "DATABASE-port", "DB_PORT"],
)
def test_a_database_settings_port_is_not_the_servers(
    make_project: MakeProject, settings: str, args: str
) -> None:
    """Violating on the old reading (the first two): the dict entry's `port` was taken for the web server's
    port constant, and `db/configuration.py` for a server starter (a composition root)."""
    project: dict[str, str | bytes] = {
        "requirements.txt": "aiohttp\naiopg\nsqlalchemy\n",
        "app.py": AIOHTTP_APP,
        "db/__init__.py": "",
        "db/configuration.py": AIOPG_DB.replace("SETTINGS", settings).replace("ARGS", args),
    }
    report = inspect_json(make_project, project)
    assert layers_of(report)["db/configuration.py"] == "repositories"
    assert "db/configuration.py" not in report["architecture"]["composition_roots"]


def test_a_pool_handed_to_drizzle_is_data_access(make_project: MakeProject) -> None:
    """Violating on the old reading, Node side: `drizzle({ client: pool })` handing the imported pool in an
    option made the pool module a bootstrap step (a composition root, no layer)."""
    project: dict[str, str | bytes] = {
        "package.json": '{"name": "api", "dependencies": {"express": "4", "pg": "8", "drizzle-orm": "0.30"}}',
        "src/db/pool.ts": 'import { Pool } from "pg";\n\n'
        "export const pool = new Pool({ connectionString: process.env.DATABASE_URL });\n",
        "src/db/index.ts": 'import { drizzle } from "drizzle-orm/node-postgres";\nimport { pool } from "./pool";\n\n'
        "export const db = drizzle({ client: pool });\n",
        "src/app.ts": 'import express from "express";\nimport router from "./routes/items";\n\n'
        "const app = express();\napp.use(router);\napp.listen(3000);\n",
        "src/routes/items.ts": 'import { Router } from "express";\n\nconst router = Router();\n'
        'router.get("/items", (req, res) => res.json([]));\nexport default router;\n',
    }
    report = inspect_json(make_project, project)
    assert layers_of(report)["src/db/pool.ts"] == "repositories"
    assert "src/db/pool.ts" not in report["architecture"]["composition_roots"]
