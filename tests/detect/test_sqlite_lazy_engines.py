"""A SQLite file in a folder the project lacks, behind an engine that opens its file lazily (issue 18,
docs/accuracy.md "SQLite files in a missing folder behind a lazy engine"): SQLAlchemy's `create_engine` /
`create_async_engine`, SQLModel's, peewee's `SqliteDatabase` connect at their first use. Connected at
start-up — at module level, in FastAPI's `on_event("startup")` or `lifespan`, in aiohttp's `on_startup`, in a
Flask app factory the module runs — the application stops; connected only in request handlers, it starts.
Small projects written for the tests."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, database_status

FASTAPI_TASK = "python-fastapi-openapi-sqlite-sqlalchemy"
FLASK_TASK = "python-flask-openapi-sqlite-sqlalchemy"
MISSING = "whose folder data/ the project does not have and no code creates"

DB = """from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import declarative_base

DATABASE_URL = "@URL@"
engine = create_async_engine(DATABASE_URL)
Base = declarative_base()
"""

ON_EVENT = """from fastapi import FastAPI

from app.db import Base, engine

app = FastAPI()


@app.on_event("startup")
async def startup():
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)


@app.get("/api/health")
async def health():
    return {"ok": True}
"""

LIFESPAN = """from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.db import Base, engine


@asynccontextmanager
async def lifespan(app):
    await create_tables()
    yield


async def create_tables():
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)


app = FastAPI(lifespan=lifespan)
"""

HANDLERS_ONLY = """from fastapi import FastAPI
from sqlalchemy import text

from app.db import engine

app = FastAPI()


@app.get("/api/items")
async def items():
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT 1"))
        return {"rows": len(rows.all())}
"""

FLASK_DB = """from sqlalchemy import create_engine
from sqlalchemy.orm import declarative_base

engine = create_engine("sqlite:///data/notes.db")
Base = declarative_base()
"""

FLASK_FACTORY = """from flask import Flask

from app.db import Base, engine


def create_app():
    app = Flask(__name__)
    init_db()
    return app


def init_db():
    Base.metadata.create_all(bind=engine)


app = create_app()
"""

AIOHTTP = """from aiohttp import web
from sqlmodel import SQLModel, create_engine

engine = create_engine("sqlite:///./data/shop.db")


async def on_startup(app):
    SQLModel.metadata.create_all(engine)


app = web.Application()
app.on_startup.append(on_startup)
"""


def _db001(report: dict[str, Any]) -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule"] == "DB001"]


def _fastapi(
    main: str, url: str = "sqlite+aiosqlite:///./data/app.db", **extra: str
) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "fastapi\nsqlalchemy\naiosqlite\nuvicorn\n",
        "app/__init__.py": "",
        "app/db.py": DB.replace("@URL@", url),
        "app/main.py": main,
        **extra,
    }


def _stops(report: dict[str, Any]) -> bool:
    messages = _db001(report)
    return database_status(report) == "fail" and any(
        MISSING in m and "unable to open database file" in m for m in messages
    )


@pytest.mark.parametrize("main", [ON_EVENT, LIFESPAN], ids=["on_event", "lifespan"])
def test_an_engine_connected_at_start_up_into_a_missing_folder_stops(
    make_project: MakeProject, main: str
) -> None:
    report = check(make_project, _fastapi(main), FASTAPI_TASK)
    assert _stops(report)
    assert any("the engine create_async_engine(DATABASE_URL) at app/db.py:5" in m for m in _db001(report))


def test_a_flask_factory_creating_the_tables_at_start_stops(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "flask\nsqlalchemy\n",
        "app/__init__.py": "",
        "app/db.py": FLASK_DB,
        "app/main.py": FLASK_FACTORY,
    }
    assert _stops(check(make_project, files, FLASK_TASK))


def test_aiohttp_on_startup_with_a_sqlmodel_engine_stops(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {"requirements.txt": "aiohttp\nsqlmodel\n", "app.py": AIOHTTP}
    assert _stops(check(make_project, files, FASTAPI_TASK.replace("fastapi", "aiohttp")))


@pytest.mark.parametrize(
    ("main", "url", "extra"),
    [
        (ON_EVENT, "sqlite+aiosqlite:///./data/app.db", {"data/.gitkeep": ""}),  # the folder is shipped
        (  # the folder is made in code
            'import os\n\nos.makedirs("data", exist_ok=True)\n' + ON_EVENT,
            "sqlite+aiosqlite:///./data/app.db",
            {},
        ),
        (HANDLERS_ONLY, "sqlite+aiosqlite:///./data/app.db", {}),  # connected in a handler only
        (ON_EVENT, "sqlite+aiosqlite:////var/lib/app/data/app.db", {}),  # four slashes: absolute
        (ON_EVENT, "sqlite+aiosqlite:///:memory:", {}),
        (ON_EVENT, "sqlite+aiosqlite://", {}),  # in memory
        (ON_EVENT, "sqlite+aiosqlite:///./app.db", {}),  # at the root
    ],
    ids=["shipped", "makedirs", "handlers-only", "absolute", "memory", "empty-path", "root"],
)
def test_an_engine_whose_folder_is_there_or_never_connected_at_start_starts(
    make_project: MakeProject, main: str, url: str, extra: dict[str, str]
) -> None:
    report = check(make_project, _fastapi(main, url, **extra), FASTAPI_TASK)
    assert database_status(report) == "pass"
    assert not any(MISSING in m for m in _db001(report))


def test_a_flask_app_connecting_only_in_views_starts(make_project: MakeProject) -> None:
    views = """from flask import Flask, jsonify

from app.db import Base, engine

app = Flask(__name__)


@app.get("/api/notes")
def notes():
    Base.metadata.create_all(bind=engine)
    return jsonify([])
"""
    files: dict[str, str | bytes] = {
        "requirements.txt": "flask\nsqlalchemy\n",
        "app/__init__.py": "",
        "app/db.py": FLASK_DB,
        "app/main.py": views,
    }
    report = check(make_project, files, FLASK_TASK)
    assert database_status(report) == "pass"
    assert not any(MISSING in m for m in _db001(report))


PEEWEE = """from flask import Flask
from peewee import CharField, Model, SqliteDatabase

db = SqliteDatabase("data/notes.db")


class Note(Model):
    text = CharField()

    class Meta:
        database = db


CREATE
app = Flask(__name__)
"""


@pytest.mark.parametrize(
    ("create", "stops"), [("db.create_tables([Note])", True), ("", False)], ids=["at-start", "never"]
)
def test_a_peewee_database_connected_at_import(make_project: MakeProject, create: str, stops: bool) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "flask\npeewee\n",
        "app.py": PEEWEE.replace("CREATE", create),
    }
    report = check(make_project, files, "python-flask-openapi-sqlite")
    assert any(MISSING in m and "peewee connects" in m for m in _db001(report)) == stops


def test_sqlite3_connect_in_a_startup_event_stops(make_project: MakeProject) -> None:
    main = """import sqlite3

from fastapi import FastAPI

app = FastAPI()


@app.on_event("startup")
def open_database():
    app.state.db = sqlite3.connect("data/app.db")
"""
    files: dict[str, str | bytes] = {"requirements.txt": "fastapi\n", "main.py": main}
    report = check(make_project, files, FASTAPI_TASK)
    assert _stops(report)
