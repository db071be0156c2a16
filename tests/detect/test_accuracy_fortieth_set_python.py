"""Patterns of the fortieth unseen labelled set's Python half (issue 18, docs/accuracy.md "The fortieth set's
Python disagreements"), each with a violating and a clean project or string written for the test:

- a statement whose clauses are built at run time, one hole each in a row (`FROM {table} {where_sql}
  {order_sql} {page_sql}`), is a complete statement, even on an untraced connection;
- a data-access class that raises the framework's HTTP errors (`from aiohttp.web import HTTPNotFound`),
  importing nothing else of it, reads no request: its queries make it data access.
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, inspect_json, layer_violations, layers_of

from cdverify.model import Template
from cdverify.sql.classify import SqlKind, classify

# -- clause holes in a row ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pieces",
    [
        ("SELECT * FROM ", "\n    ", "\n    ", "\n    ", "\n"),  # table, WHERE, ORDER BY, LIMIT: all computed
        ("SELECT id, title FROM books ", " ", " ", ""),
        ("SELECT COUNT(*) FROM books ", "\n", "\n", "\n"),
    ],
)
def test_clauses_built_at_run_time_in_a_row_leave_a_complete_statement(pieces: tuple[str, ...]) -> None:
    """Violating on main: only the last hole of a run was read as a clause, the others made the string a
    fragment, which on an untraced connection (`conn.execute(f"…")`) was no evidence at all."""
    assert classify(Template(pieces), at_sink=True).kind is SqlKind.STATEMENT


@pytest.mark.parametrize(
    "pieces",
    [
        ("WHERE id = ? ", " ", ""),  # clauses alone: no statement
        ("SELECT id, title ", " ", " ", ""),  # no FROM
        ("AND done = ? ", " ", " ORDER BY id"),
        ("select a file ", " ", " from the list"),  # prose
    ],
)
def test_pieces_with_clause_holes_in_a_row_stay_pieces(pieces: tuple[str, ...]) -> None:
    """Clean: dropping the run completes only what was a statement already."""
    assert classify(Template(pieces), at_sink=True).kind is not SqlKind.STATEMENT


# -- a data-access class raising the framework's HTTP errors ---------------------------------------------

AIOHTTP_MAIN = """from aiohttp import web

from views import NoteView


def make_app():
    app = web.Application()
    app.router.add_view("/notes/{note_id}", NoteView)
    return app


if __name__ == "__main__":
    web.run_app(make_app())
"""
AIOHTTP_VIEWS = """from aiohttp import web

from store import NoteStore


class NoteView(web.View):
    async def get(self):
        note = await NoteStore(self.request["session"]).fetch(int(self.request.match_info["note_id"]))
        return web.json_response({"id": note.id, "body": note.body})
"""
AIOHTTP_STORE = """from sqlalchemy.ext.asyncio import AsyncSession
{errors}

from tables import Note


class NoteStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def fetch(self, note_id):
        note = await self.session.get(Note, note_id)
        if note is None:
            raise {raised}(text="note not found")
        return note

    async def remove(self, note_id):
        note = await self.fetch(note_id)
        await self.session.delete(note)
        await self.session.commit()
"""
AIOHTTP_TABLES = """from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Note(Base):
    __tablename__ = "notes"
    id = Column(Integer, primary_key=True)
    body = Column(String)
"""


def _aiohttp_app(errors: str, raised: str) -> dict[str, str | bytes]:
    return {
        "main.py": AIOHTTP_MAIN,
        "views.py": AIOHTTP_VIEWS,
        "store.py": AIOHTTP_STORE.format(errors=errors, raised=raised),
        "tables.py": AIOHTTP_TABLES,
        "requirements.txt": "aiohttp\nsqlalchemy\nasyncpg\n",
    }


@pytest.mark.parametrize(
    ("errors", "raised"),
    [
        ("from aiohttp.web import HTTPForbidden, HTTPNotFound", "HTTPNotFound"),
        ("from aiohttp.web_exceptions import HTTPNotFound", "HTTPNotFound"),
    ],
)
def test_a_data_access_class_raising_http_errors_is_data_access(
    make_project: MakeProject, errors: str, raised: str
) -> None:
    """Violating on main: the import of aiohttp's HTTP error classes read as a request handler's, so the
    class running the session's queries had no layer and the views' import of it was no bypass."""
    report = inspect_json(make_project, _aiohttp_app(errors, raised))
    assert layers_of(report)["store.py"] == "repositories"
    assert ("bypass", "views.py", "store.py") in layer_violations(report)


def test_a_class_reading_the_request_stays_out_of_data_access(make_project: MakeProject) -> None:
    """Clean: a class that also takes the request API (`web.Request`, `json_response`) handles requests; its
    inline queries give it no data-access layer."""
    errors = "from aiohttp.web import HTTPNotFound, Request, json_response"
    report = inspect_json(make_project, _aiohttp_app(errors, "HTTPNotFound"))
    assert layers_of(report).get("store.py") != "repositories"
    assert not [v for v in layer_violations(report) if v[0] == "bypass"]


FASTAPI_MAIN = """from fastapi import FastAPI

from routes import router

app = FastAPI()
app.include_router(router)
"""
FASTAPI_ROUTES = """from fastapi import APIRouter

from lookup import find_note

router = APIRouter()


@router.get("/notes/{note_id}")
def read_note(note_id: int):
    return find_note(note_id)
"""
FASTAPI_LOOKUP = """import sqlite3

{errors}


def find_note(note_id):
    conn = sqlite3.connect("notes.db")
    row = conn.execute("SELECT id, body FROM notes WHERE id = ?", (note_id,)).fetchone()
    if row is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND)
    return {{"id": row[0], "body": row[1]}}
"""


def _fastapi_app(errors: str) -> dict[str, str | bytes]:
    return {
        "main.py": FASTAPI_MAIN,
        "routes.py": FASTAPI_ROUTES,
        "lookup.py": FASTAPI_LOOKUP.format(errors=errors),
        "requirements.txt": "fastapi\nuvicorn\n",
    }


def test_a_query_function_raising_httpexception_is_data_access(make_project: MakeProject) -> None:
    """Violating on main: `from fastapi import HTTPException, status` alone made the query module a
    request handler (no layer)."""
    report = inspect_json(make_project, _fastapi_app("from fastapi import HTTPException, status"))
    assert layers_of(report)["lookup.py"] == "repositories"


def test_a_query_function_taking_the_request_stays_a_handler(make_project: MakeProject) -> None:
    """Clean: with `Request` (or `Depends`) beside the errors it reads the request: no data-access layer."""
    errors = "from fastapi import HTTPException, Request, status"
    report: dict[str, Any] = inspect_json(make_project, _fastapi_app(errors))
    assert layers_of(report).get("lookup.py") != "repositories"


# -- an `api/` folder that is the app's own package -------------------------------------------------------

PACKAGE_MAIN = """from fastapi import FastAPI

from .routers import items

app = FastAPI()
app.include_router(items.router)


@app.get("/")
def health():
    return {"status": "ok"}
"""
PACKAGE_ROUTER = """from fastapi import APIRouter, Depends

from ..repositories import ItemRepository, get_repository
from ..utils import envelope

router = APIRouter(prefix="/items")


@router.get("")
def list_items(repo: ItemRepository = Depends(get_repository)):
    rows = repo.all()
    return envelope(rows, len(rows))
"""
PACKAGE_REPOSITORIES = """import sqlite3

from .models import Item
from .settings import get_settings


class ItemRepository:
    def __init__(self, path):
        self.conn = sqlite3.connect(path)

    def all(self):
        rows = self.conn.execute("SELECT id, name FROM items ORDER BY id").fetchall()
        return [Item(id=row[0], name=row[1]) for row in rows]


def get_repository():
    return ItemRepository(get_settings().database_path)
"""
PACKAGE_MODELS = """from dataclasses import dataclass


@dataclass
class Item:
    id: int
    name: str
"""
PACKAGE_SETTINGS = """import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    database_path: str


def get_settings():
    return Settings(database_path=os.getenv("DATABASE_PATH", "items.db"))
"""
PACKAGE_UTILS = """def envelope(items, total):
    return {"items": list(items), "total": total}
"""


def _package(api: str = "src/api") -> dict[str, str | bytes]:
    return {
        f"{api}/__init__.py": "",
        f"{api}/main.py": PACKAGE_MAIN,
        f"{api}/routers/__init__.py": "",
        f"{api}/routers/items.py": PACKAGE_ROUTER,
        f"{api}/repositories.py": PACKAGE_REPOSITORIES,
        f"{api}/models.py": PACKAGE_MODELS,
        f"{api}/settings.py": PACKAGE_SETTINGS,
        f"{api}/utils.py": PACKAGE_UTILS,
        "requirements.txt": "fastapi\nuvicorn\n",
    }


def test_an_api_folder_building_the_app_is_no_routes_folder(make_project: MakeProject) -> None:
    """Violating on main: `src/api/` (the app, its `routers/`, its repositories and models) named the routes
    layer for every file directly in it, so the settings and the pagination helper were routes and the
    repository's import of the settings an upward violation."""
    report = inspect_json(make_project, _package())
    layers = layers_of(report)
    assert "src/api/settings.py" not in layers
    assert "src/api/utils.py" not in layers
    assert layers["src/api/repositories.py"] == "repositories"
    assert layers["src/api/routers/items.py"] == "routes"
    assert layer_violations(report) == [("bypass", "src/api/routers/items.py", "src/api/repositories.py")]


def test_an_api_folder_of_handlers_beside_the_app_stays_routes(make_project: MakeProject) -> None:
    """Clean: the app built outside `api/` (`app/main.py`), the folder holding routers and their helpers,
    stays the routes layer for the files directly in it."""
    files = {
        path.replace("src/api/", "app/api/"): text
        for path, text in _package().items()
        if not path.endswith(("main.py", "repositories.py", "models.py"))
    }
    files["app/__init__.py"] = ""
    files["app/main.py"] = PACKAGE_MAIN.replace(".routers", ".api.routers")
    files["app/repositories.py"] = PACKAGE_REPOSITORIES.replace(".settings", ".api.settings")
    files["app/models.py"] = PACKAGE_MODELS
    files["app/api/routers/items.py"] = PACKAGE_ROUTER.replace("..repositories", "...repositories")
    report = inspect_json(make_project, files)
    assert layers_of(report)["app/api/utils.py"] == "routes"


def test_an_api_folder_registering_routes_itself_stays_routes(make_project: MakeProject) -> None:
    """Clean: a file directly in `api/` other than the app's registers routes: the folder is a routes
    folder, whose helpers stay in it."""
    files = _package()
    files["src/api/health.py"] = (
        'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/ping")\ndef ping():\n'
        '    return {"pong": True}\n'
    )
    report = inspect_json(make_project, files)
    assert layers_of(report)["src/api/utils.py"] == "routes"
