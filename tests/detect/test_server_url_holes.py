"""A server database URL built from variables read with no default, connected at start-up (issue 18,
docs/accuracy.md "Server URLs with unset holes, connected at start-up"): in the paper's harness each hole holds
`None`, so `postgresql://None:None@None:5432/None` is connected as the application starts and it stops there.
A default, the project's `.env`, the run script, a SQLite URL, a password hole alone, a connection made only in
request handlers or inside a `try` let it start. Small projects written for the tests."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, database_status, database_status_set_and_unset

FASTAPI_TASK = "python-fastapi-openapi-postgres-sqlalchemy"
AIOHTTP_TASK = "python-aiohttp-openapi-postgres-sqlalchemy"
HOLES = "with no default: where one is unset, the URL holds None in its place"

READS = """import os

DB_USER = os.getenv("DB_USER")
DB_PASSWORD = os.getenv("DB_PASSWORD")
DB_HOST = os.getenv("DB_HOST")
DB_NAME = os.getenv("DB_NAME")
"""

SQLALCHEMY = (
    READS
    + """
from sqlalchemy import create_engine
from sqlalchemy.orm import declarative_base, sessionmaker

engine = create_engine(@URL@)
SessionLocal = sessionmaker(bind=engine)
Base = declarative_base()
"""
)

NAMED_URL = 'f"postgresql://{DB_USER}:{DB_PASSWORD}@{DB_HOST}:5432/{DB_NAME}"'

MODULE_LEVEL = """from fastapi import FastAPI

from app.db import Base, engine

Base.metadata.create_all(bind=engine)
app = FastAPI()


@app.get("/api/health")
def health():
    return {"ok": True}
"""

LIFESPAN = """from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.db import Base, engine


@asynccontextmanager
async def lifespan(app):
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield


app = FastAPI(lifespan=lifespan)
"""

IN_HANDLERS = """from fastapi import FastAPI

from app.db import Base, engine

app = FastAPI()


@app.post("/api/setup")
def setup():
    Base.metadata.create_all(bind=engine)
    return {"ok": True}
"""

CAUGHT = """import logging

from fastapi import FastAPI

from app.db import Base, engine

app = FastAPI()

try:
    Base.metadata.create_all(bind=engine)
except Exception:
    logging.exception("no database yet")
"""

DATABASES = """from os import environ

import databases

POSTGRES_USER = environ.get("POSTGRES_USER")
POSTGRES_HOST = environ.get("POSTGRES_HOST")
POSTGRES_DB = environ.get("POSTGRES_DB")
URL = f"postgresql://{POSTGRES_USER}:secret@{POSTGRES_HOST}/{POSTGRES_DB}"
database = databases.Database(URL)
"""

AIOHTTP = """from aiohttp import web

from app.db import database


async def on_startup(app):
    await database.connect()


async def items(request):
    await database.connect()
    return web.json_response([])


def create_app():
    app = web.Application()
    app.router.add_get("/api/items", items)
    HOOK
    return app


app = create_app()
"""


def _db001(report: dict[str, Any]) -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule"] == "DB001"]


def _fastapi(main: str, url: str = NAMED_URL, **extra: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "fastapi\nuvicorn\nsqlalchemy\npsycopg2-binary\n",
        "app/__init__.py": "",
        "app/db.py": SQLALCHEMY.replace("@URL@", url),
        "app/main.py": main,
        **extra,
    }


def _stops(report: dict[str, Any], *variables: str) -> bool:
    return database_status(report) == "fail" and any(
        HOLES in m and all(f"${v}" in m for v in variables) for m in _db001(report)
    )


@pytest.mark.parametrize(
    ("main", "url"),
    [
        (MODULE_LEVEL, NAMED_URL),
        (LIFESPAN, NAMED_URL),
        (  # the reads written in the holes themselves
            MODULE_LEVEL,
            "f\"postgresql://{os.getenv('DB_USER')}:{os.getenv('DB_PASSWORD')}@{os.getenv('DB_HOST')}/app\"",
        ),
    ],
    ids=["module-level", "lifespan", "inline-reads"],
)
def test_a_server_url_with_unset_holes_connected_at_start_up_stops(
    make_project: MakeProject, main: str, url: str
) -> None:
    report = check(make_project, _fastapi(main, url), FASTAPI_TASK)
    assert _stops(report, "DB_USER", "DB_HOST")
    assert not any("$DB_PASSWORD" in m for m in _db001(report))  # a password hole is not what stops it


def test_a_url_from_another_module_stops(make_project: MakeProject) -> None:
    config = READS + f"\nDATABASE_URL = {NAMED_URL}\n"
    db = SQLALCHEMY.replace(READS, "from app.config import DATABASE_URL\n").replace("@URL@", "DATABASE_URL")
    files = _fastapi(MODULE_LEVEL, **{"app/config.py": config})
    files["app/db.py"] = db
    assert _stops(check(make_project, files, FASTAPI_TASK), "DB_HOST", "DB_NAME")


def test_an_unset_port_hole_stops_sqlalchemy_as_the_engine_is_made(make_project: MakeProject) -> None:
    url = "f\"postgresql://app:secret@db:{os.getenv('DB_PORT')}/app\""
    report = check(make_project, _fastapi(IN_HANDLERS, url), FASTAPI_TASK)
    assert database_status(report) == "fail"
    assert any("$DB_PORT" in m and "invalid literal for int()" in m for m in _db001(report))


def test_databases_connected_in_an_aiohttp_startup_hook_stops(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "aiohttp\ndatabases[postgresql]\nsqlalchemy\n",
        "app/__init__.py": "",
        "app/db.py": DATABASES,
        "app/main.py": AIOHTTP.replace("HOOK", "app.on_startup.append(on_startup)"),
    }
    report = check(make_project, files, AIOHTTP_TASK)
    assert _stops(report, "POSTGRES_USER", "POSTGRES_HOST", "POSTGRES_DB")
    assert any("database.connect() at app/main.py:7 connects at start-up" in m for m in _db001(report))


def test_databases_connected_only_in_a_handler_starts(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "aiohttp\ndatabases[postgresql]\nsqlalchemy\n",
        "app/__init__.py": "",
        "app/db.py": DATABASES,
        "app/main.py": AIOHTTP.replace("HOOK", "pass"),
    }
    report = check(make_project, files, AIOHTTP_TASK)
    assert database_status(report) == "pass"
    assert not any(HOLES in m for m in _db001(report))


@pytest.mark.parametrize(
    ("main", "url", "extra"),
    [
        (  # every hole has a default
            MODULE_LEVEL,
            "f\"postgresql://{os.getenv('DB_USER', 'user')}:{DB_PASSWORD}@{os.getenv('DB_HOST', 'postgres')}"
            "/{os.getenv('DB_NAME', 'conduit')}\"",
            {},
        ),
        (
            MODULE_LEVEL,
            'f"postgresql://user:{DB_PASSWORD}@postgres:5432/conduit"',
            {},
        ),  # a password hole only
        (MODULE_LEVEL, 'f"sqlite:///./{DB_NAME}.db"', {}),  # a file, no server
        (IN_HANDLERS, NAMED_URL, {}),  # connected in a request handler only
        (CAUGHT, NAMED_URL, {}),  # the failure is caught
        (  # the project's .env sets them
            MODULE_LEVEL,
            NAMED_URL,
            {".env": "DB_USER=user\nDB_PASSWORD=password\nDB_HOST=postgres\nDB_NAME=conduit\n"},
        ),
        (  # the run script exports them to the server
            MODULE_LEVEL,
            NAMED_URL,
            {
                "run.sh": "#!/bin/sh\nexport DB_USER=user DB_PASSWORD=password DB_HOST=postgres DB_NAME=conduit\n"
                "exec uvicorn app.main:app --host 0.0.0.0 --port 8080\n"
            },
        ),
    ],
    ids=["defaults", "password-only", "sqlite", "handlers-only", "caught", "dotenv", "run-script"],
)
def test_holes_that_are_filled_or_never_connected_at_start_do_not_stop(
    make_project: MakeProject, main: str, url: str, extra: dict[str, str]
) -> None:
    report = check(make_project, _fastapi(main, url, **extra), FASTAPI_TASK)
    assert not any(HOLES in m for m in _db001(report))
    if "sqlite" not in url:
        assert database_status(report) == "pass"


def test_a_declared_environment_setting_the_holes_lets_it_start(make_project: MakeProject) -> None:
    url = "f\"postgresql://user:password@{os.getenv('DB_HOST')}:5432/conduit\""
    root = make_project(_fastapi(MODULE_LEVEL, url))
    assert check(make_project, _fastapi(MODULE_LEVEL, url), FASTAPI_TASK)["verdicts"]["database"][
        "status"
    ] == ("fail")
    assert database_status_set_and_unset(root, FASTAPI_TASK, "DB_HOST", "postgres") == ("pass", "pass")
