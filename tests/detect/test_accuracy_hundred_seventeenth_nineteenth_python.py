"""Patterns of the hundred-and-seventeenth and hundred-and-nineteenth unseen sets' Python halves
(docs/accuracy.md "The hundred-and-seventeenth and hundred-and-nineteenth sets' Python disagreements"), each with
violating and clean projects written for the test:

- a `bl/` (`bll/`, `business_logic/`) folder is the business-logic layer: services.
- a `db/` folder inside a services folder is that folder's data-access part: its modules whose code runs
  queries are repositories, and the handlers importing them bypass the services.
- a plain class keeping its record's fields (set in `__init__` from its parameters) and running the SQL that
  stores them with those fields is Active Record (models), not a table gateway (repositories).
"""

from __future__ import annotations

import pytest
from reports import MakeProject, evidence_of, inspect_json, layer_violations, layers_of

AIOHTTP_MAIN = """from aiohttp import web

from app.services.db.connect import pg_engine
from app.views.points import get_point, nearest


def make_app():
    app = web.Application()
    app.cleanup_ctx.append(pg_engine)
    app.router.add_get("/points/{id}", get_point)
    app.router.add_get("/points/{id}/nearest", nearest)
    return app
"""
CONNECT = """from aiopg.sa import create_engine


async def pg_engine(app):
    engine = await create_engine(dsn="dbname=points")
    app["engine"] = engine
    yield
    engine.close()
"""
TABLES = """import sqlalchemy as sa

points = sa.Table(
    "points",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("x", sa.Float),
)
"""
QUERIES = """import aiopg.sa.connection as aiopg_conn
import sqlalchemy as sa

from app.services.db.tables import points


async def get_point_query(conn: aiopg_conn.SAConnection, point_id: int):
    result = await conn.execute(sa.select(points).where(points.c.id == point_id))
    return await result.fetchone()


async def all_points_query(conn: aiopg_conn.SAConnection):
    result = await conn.execute(sa.select(points))
    return await result.fetchall()
"""
BL = """from app.services.db.queries import all_points_query


async def nearest_points(conn, x: float, k: int):
    rows = await all_points_query(conn)
    return sorted(rows, key=lambda row: abs(row["x"] - x))[:k]
"""
VIEWS = """from aiohttp import web

from app.{bl}.nearest import nearest_points
from app.services.db.queries import get_point_query


async def get_point(request):
    async with request.app["engine"].acquire() as conn:
        row = await get_point_query(conn, int(request.match_info["id"]))
    return web.json_response(dict(row))


async def nearest(request):
    async with request.app["engine"].acquire() as conn:
        rows = await nearest_points(conn, float(request.query["x"]), 3)
    return web.json_response([dict(row) for row in rows])
"""


def _points(bl: str = "bl", db: str = "db", **extra: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "requirements.txt": "aiohttp\naiopg\nSQLAlchemy\n",
        "run.py": "from aiohttp import web\n\nfrom app.main import make_app\n\nweb.run_app(make_app())\n",
        "app/__init__.py": "",
        "app/main.py": AIOHTTP_MAIN,
        "app/views/__init__.py": "",
        "app/views/points.py": VIEWS.format(bl=bl),
        f"app/{bl}/__init__.py": "",
        f"app/{bl}/nearest.py": BL,
        "app/services/__init__.py": "",
        "app/services/db/__init__.py": "",
        "app/services/db/connect.py": CONNECT,
        "app/services/db/tables.py": TABLES,
        "app/services/db/queries.py": QUERIES,
        **extra,
    }
    if db != "db":  # the same modules in a services folder's subfolder of another name
        files = {path.replace("services/db/", f"services/{db}/"): text for path, text in files.items()}
        files = {
            path: text.replace("services.db.", f"services.{db}.") if isinstance(text, str) else text
            for path, text in files.items()
        }
    return files


@pytest.mark.parametrize("bl", ["bl", "bll", "business_logic"])
def test_a_business_logic_folder_is_services(make_project: MakeProject, bl: str) -> None:
    """Violating on main: `bl/` named no layer, so the business-logic module had none."""
    layers = layers_of(inspect_json(make_project, _points(bl=bl)))
    assert layers[f"app/{bl}/nearest.py"] == "services"


def test_a_logic_folder_still_names_no_layer(make_project: MakeProject) -> None:
    """Clean: `logic/` (as often generic helpers) is still no layer folder."""
    layers = layers_of(inspect_json(make_project, _points(bl="logic")))
    assert "app/logic/nearest.py" not in layers


@pytest.mark.parametrize("db", ["db", "database"])
def test_a_db_folder_inside_services_is_data_access(make_project: MakeProject, db: str) -> None:
    """Violating on main: the query functions and the engine's start-up hook in `services/db/` stayed
    services (a services folder querying stays a service), so the handler's import of the queries was no
    bypass."""
    report = inspect_json(make_project, _points(db=db))
    layers = layers_of(report)
    assert layers[f"app/services/{db}/queries.py"] == "repositories"
    assert evidence_of(report)[f"app/services/{db}/queries.py"] == "code: queries"
    assert layers[f"app/services/{db}/connect.py"] == "repositories"
    assert layers[f"app/services/{db}/tables.py"] == "models"
    assert ("bypass", "app/views/points.py", f"app/services/{db}/queries.py") in layer_violations(report)


def test_a_services_subfolder_of_another_name_stays_services(make_project: MakeProject) -> None:
    """Clean: the same query functions in `services/points/` stay services (two roles: the folder wins)."""
    report = inspect_json(make_project, _points(db="points"))
    assert layers_of(report)["app/services/points/queries.py"] == "services"
    assert not [v for v in layer_violations(report) if v[0] == "bypass"]


def test_a_code_silent_module_in_a_services_db_folder_stays_services(make_project: MakeProject) -> None:
    """Clean: the folder's word counts only where the code runs queries: a row formatter there stays services."""
    files = _points()
    files["app/services/db/format.py"] = "def as_dict(row):\n    return dict(row)\n"
    assert layers_of(inspect_json(make_project, files))["app/services/db/format.py"] == "services"


FLASK_APP = """from flask import Flask

from app.routes.chores import chores

app = Flask(__name__)
app.register_blueprint(chores)
"""
DATABASE = """import sqlite3


class Database:
    def __init__(self, path="chores.db"):
        self.path = path

    def connect(self):
        return sqlite3.connect(self.path)
"""
CHORE = """from app.records.database import Database


class Chore:
    def __init__(self, title, owner, chore_id=None):
        self.title = title
        self.owner = owner
        self.chore_id = chore_id
        self.database = Database()

    def save(self):
        with self.database.connect() as conn:
            cursor = conn.execute(
                "INSERT INTO chores (title, owner) VALUES (?, ?)", (self.title, self.owner)
            )
            self.chore_id = cursor.lastrowid

    def due(self):
        return self.title.startswith("!")
"""
GATEWAY = """from app.records.database import Database


class ChoreGateway:
    def __init__(self, database, table):
        self.database = database
        self.table = table

    def insert(self, title, owner):
        with self.database.connect() as conn:
            conn.execute("INSERT INTO chores (title, owner) VALUES (?, ?)", (title, owner))


gateway = ChoreGateway(Database(), "chores")
"""
ROUTES = """from flask import Blueprint, request

from app.records.{module} import {name}

chores = Blueprint("chores", __name__)


@chores.post("/chores")
def add():
    {call}
    return "", 201
"""


def _chores(module: str, name: str, call: str, text: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "Flask\n",
        "run.py": "from app import app\n\nif __name__ == '__main__':\n    app.run()\n",
        "app/__init__.py": FLASK_APP,
        "app/routes/__init__.py": "",
        "app/routes/chores.py": ROUTES.format(module=module, name=name, call=call),
        "app/records/__init__.py": "",
        "app/records/database.py": DATABASE,
        f"app/records/{module}.py": text,
    }


def test_a_plain_active_record_class_is_models(make_project: MakeProject) -> None:
    """Violating on main: the class running its INSERT with its own fields was data access (repositories),
    so the blueprint's import of it was a bypass, and its import of the connection module no upward one."""
    files = _chores("chore", "Chore", 'Chore(request.form["title"], request.form["owner"]).save()', CHORE)
    report = inspect_json(make_project, files)
    assert layers_of(report)["app/records/chore.py"] == "models"
    assert evidence_of(report)["app/records/chore.py"] == "code: models"
    violations = layer_violations(report)
    assert not [v for v in violations if v[0] == "bypass"]
    assert ("upward", "app/records/chore.py", "app/records/database.py") in violations


def test_a_table_gateway_keeping_only_handles_stays_repositories(make_project: MakeProject) -> None:
    """Clean: a class keeping the connection and the table name it is handed, running statements with the
    values its methods are handed, is a table gateway: repositories, and the blueprint's import a bypass."""
    call = 'gateway.insert(request.form["title"], request.form["owner"])'
    report = inspect_json(make_project, _chores("gateway", "gateway", call, GATEWAY))
    assert layers_of(report)["app/records/gateway.py"] == "repositories"
    assert ("bypass", "app/routes/chores.py", "app/records/gateway.py") in layer_violations(report)
