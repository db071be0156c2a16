"""A folder named with a database word before a routes word (issue 18, the sixty-eighth set): an aiohttp app
whose handlers call the modules of a `db_handlers/` folder, which run SQLAlchemy's `session.query(Model)` on the
session factory the handlers pass in. The compound name read as the routes layer's (`db_` names the database's
part of the layer after it), so the handlers' imports of the query modules were no bypass. The database word
says the folder is the database's code; where its code agrees (no module handles a request, the modules showing
a role run queries) the folder is the data-access layer's, code-silent helpers included. Where a module of it
handles requests, or none shows a query, it stays routes. The projects are small synthetic ones written for
these tests."""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json, layer_violations, layers_of

SERVER = """from aiohttp import web
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from warehouse.http.views import routes


async def open_database(app):
    engine = create_engine("sqlite:///stock.db")
    app["sessions"] = sessionmaker(bind=engine)


def build():
    app = web.Application()
    app.add_routes(routes)
    app.on_startup.append(open_database)
    return app


if __name__ == "__main__":
    web.run_app(build(), port=8080)
"""
TABLES = """from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Crate(Base):
    __tablename__ = "crates"
    id = Column(Integer, primary_key=True)
    label = Column(String(80))
    shelf = Column(Integer)
"""
VIEWS = """from aiohttp import web

from warehouse.http.FOLDER.crates import crates_on_shelf, store_crate

routes = web.RouteTableDef()


@routes.get("/shelves/{shelf}")
async def shelf(request):
    found = await crates_on_shelf(request.app["sessions"], int(request.match_info["shelf"]))
    return web.json_response(found)


@routes.post("/crates")
async def add(request):
    body = await request.json()
    await store_crate(request.app["sessions"], body["label"], body["shelf"])
    return web.json_response({"stored": True})
"""
CRATES = """from warehouse.http.FOLDER.shaping import as_rows
from warehouse.tables import Crate


async def crates_on_shelf(sessions, shelf):
    with sessions() as session:
        crates = session.query(Crate).filter(Crate.shelf == shelf).order_by(Crate.label).all()
        return as_rows(crates)


async def store_crate(sessions, label, shelf):
    with sessions() as session:
        session.add(Crate(label=label, shelf=shelf))
        session.commit()
"""
SHAPING = """def as_rows(crates):
    return [{"id": crate.id, "label": crate.label, "shelf": crate.shelf} for crate in crates]
"""


def _files(folder: str = "db_handlers", **extra: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "requirements.txt": "aiohttp\nsqlalchemy\n",
        "warehouse/__init__.py": "",
        "warehouse/server.py": SERVER,
        "warehouse/tables.py": TABLES,
        "warehouse/http/__init__.py": "",
        "warehouse/http/views.py": VIEWS.replace("FOLDER", folder),
        f"warehouse/http/{folder}/__init__.py": "",
        f"warehouse/http/{folder}/crates.py": CRATES.replace("FOLDER", folder),
        f"warehouse/http/{folder}/shaping.py": SHAPING,
    }
    files.update({path.replace("FOLDER", folder): text for path, text in extra.items()})
    return files


@pytest.mark.parametrize("folder", ["db_handlers", "database_controllers"])
def test_a_database_folder_of_session_queries_is_data_access(make_project: MakeProject, folder: str) -> None:
    report = inspect_json(make_project, _files(folder))
    layers = layers_of(report)
    for name in ("__init__", "crates", "shaping"):
        assert layers[f"warehouse/http/{folder}/{name}.py"] == "repositories", name
    assert layers["warehouse/http/views.py"] == "routes"
    target = f"warehouse/http/{folder}/crates.py"
    assert layer_violations(report) == [("bypass", "warehouse/http/views.py", target)]


def test_a_database_folder_handling_requests_stays_routes(make_project: MakeProject) -> None:
    # a module of the folder answers a request itself: the folder holds handlers
    answering = """from aiohttp import web

from warehouse.tables import Crate


async def count(request):
    with request.app["sessions"]() as session:
        return web.json_response({"crates": session.query(Crate).count()})
"""
    report = inspect_json(make_project, _files(**{"warehouse/http/FOLDER/counting.py": answering}))
    layers = layers_of(report)
    assert layers["warehouse/http/db_handlers/shaping.py"] == "routes"
    assert layers["warehouse/http/db_handlers/__init__.py"] == "routes"
    assert (
        "bypass",
        "warehouse/http/views.py",
        "warehouse/http/db_handlers/crates.py",
    ) not in layer_violations(report)


def test_a_database_folder_showing_no_query_stays_routes(make_project: MakeProject) -> None:
    # the modules only shape values: the name alone moves nothing
    silent = """from warehouse.http.db_handlers.shaping import as_rows


async def crates_on_shelf(sessions, shelf):
    return as_rows([])


async def store_crate(sessions, label, shelf):
    return None
"""
    report = inspect_json(make_project, _files(**{"warehouse/http/FOLDER/crates.py": silent}))
    layers = layers_of(report)
    for name in ("__init__", "crates", "shaping"):
        assert layers[f"warehouse/http/db_handlers/{name}.py"] == "routes", name
    assert layer_violations(report) == []
