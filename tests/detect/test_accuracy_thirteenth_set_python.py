"""Python patterns of the thirteenth unseen labelled set (issue 18, docs/accuracy.md "The thirteenth set's
Python patterns"), each with a violating and a clean project written for the test:

- a URL table — a module- or class-level list of (path, handler) pairs whose handlers another module's
  request handlers are, registered by a loop elsewhere — is the routes layer; a table of other objects is not;
- a FastAPI dependency provider in `api/` that imports only `Depends` of the framework and builds the
  repository and the service is wiring (no layer, its imports no bypass); one raising HTTP errors stays routes;
- a `crud/` package beside `models/` and `api/` is the repository layer (its `__init__.py` too, so a router's
  `from app import crud` is a bypass); a `crud/` beside no models folder names no layer;
- a SQLAlchemy Core statement built into a variable (`query = notes.select().where(…)`) and handed to the
  `databases` package is a query object, no raw SQL; a string in that variable still is.
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, inspect_json

VIEWS = """from aiohttp import web


class BooksView(web.View):
    async def get(self):
        return web.json_response([])


class BookView(web.View):
    async def get(self):
        return web.json_response({"id": self.request.match_info["id"]})
"""
HELPERS = """def books():
    return []


def book():
    return {}
"""
MODULE_TABLE = """from library.catalog.SOURCE import BookView, BooksView

ROUTES = [
    ("/books", BooksView),
    ("/books/{id}", BookView),
]
"""
CLASS_TABLE = """from library.catalog.SOURCE import BookView, BooksView
from library.section import Section


class CatalogSection(Section):
    paths = (
        ("/books", BooksView),
        ("/books/{id}", BookView),
    )
"""
SECTION = """from aiohttp import web


class Section:
    paths = ()

    def __init__(self):
        self.app = web.Application()
        for path, view in self.paths:
            self.app.router.add_view(path, view)
"""
MAIN_MODULE = """from aiohttp import web

from library.catalog.table import ROUTES


def main():
    app = web.Application()
    for path, view in ROUTES:
        app.router.add_view(path, view)
    web.run_app(app)
"""
MAIN_CLASS = """from aiohttp import web

from library.catalog.table import CatalogSection


def main():
    app = web.Application()
    app.add_subapp("/catalog/", CatalogSection().app)
    web.run_app(app)
"""


def _aiohttp(table: str, source: str, main: str) -> dict[str, str | bytes]:
    return {
        "library/__init__.py": "",
        "library/catalog/__init__.py": "",
        "library/catalog/views.py": VIEWS,
        "library/catalog/helpers.py": HELPERS,
        "library/catalog/table.py": table.replace("SOURCE", source),
        "library/section.py": SECTION,
        "library/main.py": main,
        "requirements.txt": "aiohttp\n",
    }


@pytest.mark.parametrize(("table", "main"), [(MODULE_TABLE, MAIN_MODULE), (CLASS_TABLE, MAIN_CLASS)])
def test_a_table_of_paths_and_imported_views_is_the_routes_layer(
    make_project: MakeProject, table: str, main: str
) -> None:
    report = inspect_json(make_project, _aiohttp(table, "views", main))
    files = report["architecture"]["files"]
    assert files["library/catalog/table.py"] == "routes"
    assert report["architecture"]["evidence"]["library/catalog/table.py"] == "code: routes"
    assert files["library/catalog/views.py"] == "routes"


@pytest.mark.parametrize(("table", "main"), [(MODULE_TABLE, MAIN_MODULE), (CLASS_TABLE, MAIN_CLASS)])
def test_a_table_of_paths_and_plain_functions_names_no_layer(
    make_project: MakeProject, table: str, main: str
) -> None:
    files = inspect_json(
        make_project, _aiohttp(table.replace("BookView, BooksView", "book, books"), "helpers", main)
    )["architecture"]["files"]
    assert "library/catalog/table.py" not in files


SESSION = """from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine("sqlite:///./shop.db")
SessionLocal = sessionmaker(bind=engine)


def get_session():
    session = SessionLocal()
    try:
        yield session
    finally:
        session.close()
"""
REPOSITORY = """from sqlalchemy.orm import Session


class OrderRepository:
    def __init__(self, session: Session):
        self.session = session

    def count(self):
        return self.session.execute("SELECT COUNT(*) FROM orders").scalar()
"""
SERVICE = """class OrderService:
    def __init__(self, repository):
        self.repository = repository

    def total(self):
        return self.repository.count()
"""
PROVIDER = """from fastapi import Depends

from shop.db.session import get_session
from shop.repositories.order_repository import OrderRepository
from shop.services.order_service import OrderService


def order_service(session=Depends(get_session)) -> OrderService:
    return OrderService(OrderRepository(session))
"""
CHECKING_PROVIDER = """from fastapi import Depends, HTTPException

from shop.db.session import get_session
from shop.repositories.order_repository import OrderRepository
from shop.services.order_service import OrderService


def order_service(session=Depends(get_session)) -> OrderService:
    service = OrderService(OrderRepository(session))
    if service.total() < 0:
        raise HTTPException(status_code=503, detail="orders unavailable")
    return service
"""
ROUTER = """from fastapi import APIRouter, Depends

from shop.api.providers import order_service
from shop.services.order_service import OrderService

router = APIRouter()


@router.get("/orders/total")
def total(service: OrderService = Depends(order_service)):
    return {"total": service.total()}
"""
APP = """from fastapi import FastAPI

from shop.api import orders

app = FastAPI()
app.include_router(orders.router)
"""


def _fastapi(make_project: MakeProject, provider: str) -> dict[str, Any]:
    files: dict[str, str | bytes] = {
        "shop/__init__.py": "",
        "shop/db/__init__.py": "",
        "shop/db/session.py": SESSION,
        "shop/repositories/__init__.py": "",
        "shop/repositories/order_repository.py": REPOSITORY,
        "shop/services/__init__.py": "",
        "shop/services/order_service.py": SERVICE,
        "shop/api/__init__.py": "",
        "shop/api/providers.py": provider,
        "shop/api/orders.py": ROUTER,
        "shop/main.py": APP,
        "requirements.txt": "fastapi\nsqlalchemy\n",
    }
    architecture: dict[str, Any] = inspect_json(make_project, files)["architecture"]
    return architecture


def test_a_dependency_provider_building_the_service_and_repository_is_wiring(
    make_project: MakeProject,
) -> None:
    architecture = _fastapi(make_project, PROVIDER)
    assert "shop/api/providers.py" not in architecture["files"]
    assert "shop/api/providers.py" in architecture["composition_roots"]
    assert [v for v in architecture["violations"] if v["file"] == "shop/api/providers.py"] == []
    assert architecture["files"]["shop/api/orders.py"] == "routes"


def test_a_dependency_provider_raising_http_errors_stays_routes(make_project: MakeProject) -> None:
    architecture = _fastapi(make_project, CHECKING_PROVIDER)
    assert architecture["files"]["shop/api/providers.py"] == "routes"
    bypasses = {(v["file"], v["target"]) for v in architecture["violations"] if v["kind"] == "bypass"}
    assert ("shop/api/providers.py", "shop/repositories/order_repository.py") in bypasses


DATABASE = """import sqlalchemy
from databases import Database

metadata = sqlalchemy.MetaData()
database = Database("sqlite+aiosqlite:///./notes.db")
"""
TABLE = """import sqlalchemy

from memo.db import metadata

notes = sqlalchemy.Table(
    "notes",
    metadata,
    sqlalchemy.Column("id", sqlalchemy.Integer, primary_key=True),
    sqlalchemy.Column("text", sqlalchemy.String),
)
"""
CORE_QUERIES = """from memo.db import database
from memo.models.note import notes


async def find(note_id: int):
    query = notes.select().where(notes.c.id == note_id)
    row = await database.fetch_one(query)
    return dict(row) if row else None


async def remove(note_id: int):
    query = notes.delete().where(notes.c.id == note_id)
    removed = await database.execute(query)
    return bool(removed)
"""
STRING_QUERIES = """from memo.db import database


async def find(note_id: int):
    query = "SELECT id, text FROM notes WHERE id = :id"
    row = await database.fetch_one(query, values={"id": note_id})
    return dict(row) if row else None


async def remove(note_id: int):
    query = "DELETE FROM notes WHERE id = :id"
    removed = await database.execute(query, values={"id": note_id})
    return bool(removed)
"""
NOTES_ROUTER = """from fastapi import APIRouter, HTTPException

from memo import crud

router = APIRouter()


@router.get("/notes/{note_id}")
async def read(note_id: int):
    note = await crud.queries.find(note_id)
    if note is None:
        raise HTTPException(status_code=404)
    return note
"""
NOTES_APP = """from fastapi import FastAPI

from memo.api import notes

app = FastAPI()
app.include_router(notes.router)
"""


def _notes(make_project: MakeProject, queries: str, models: bool = True) -> dict[str, Any]:
    files: dict[str, str | bytes] = {
        "memo/__init__.py": "",
        "memo/db.py": DATABASE,
        "memo/crud/__init__.py": 'from memo.crud import queries\n\n__all__ = ["queries"]\n',
        "memo/crud/queries.py": queries,
        "memo/api/__init__.py": "",
        "memo/api/notes.py": NOTES_ROUTER,
        "memo/main.py": NOTES_APP,
        "requirements.txt": "fastapi\nsqlalchemy\ndatabases[aiosqlite]\n",
    }
    if models:
        files |= {"memo/models/__init__.py": "", "memo/models/note.py": TABLE}
    return inspect_json(make_project, files)


def test_a_crud_package_beside_models_and_api_is_the_repository_layer(make_project: MakeProject) -> None:
    architecture = _notes(make_project, CORE_QUERIES)["architecture"]
    assert architecture["files"]["memo/crud/__init__.py"] == "repositories"
    assert architecture["files"]["memo/crud/queries.py"] == "repositories"
    bypasses = {(v["file"], v["target"]) for v in architecture["violations"] if v["kind"] == "bypass"}
    assert bypasses == {("memo/api/notes.py", "memo/crud/__init__.py")}


def test_a_crud_folder_beside_no_models_folder_names_no_layer(make_project: MakeProject) -> None:
    architecture = _notes(make_project, STRING_QUERIES, models=False)["architecture"]
    # the folder places nothing; the marker re-exporting the queries module is data access by its code alone
    # (a Python package barrel: tests/detect/test_accuracy_fiftyfifth_set.py), not by `crud/`
    assert architecture["evidence"]["memo/crud/__init__.py"] == "code: queries"
    assert architecture["evidence"]["memo/crud/queries.py"] == "code: queries"


def test_core_statements_built_into_a_variable_are_no_raw_sql(make_project: MakeProject) -> None:
    assert _notes(make_project, CORE_QUERIES)["orm"]["raw_sql"] == []


def test_strings_in_a_variable_handed_to_databases_are_raw_sql(make_project: MakeProject) -> None:
    raw = _notes(make_project, STRING_QUERIES)["orm"]["raw_sql"]
    assert [(r["file"], r["line"], r["kind"]) for r in raw] == [
        ("memo/crud/queries.py", 6, "statement"),
        ("memo/crud/queries.py", 12, "statement"),
    ]
