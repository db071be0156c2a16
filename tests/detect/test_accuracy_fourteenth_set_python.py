"""Python patterns of the fourteenth unseen labelled set (issue 18, docs/accuracy.md "The fourteenth set's
Python patterns"), each with a violating and a clean project written for the test:

- a Flask-RESTPlus / Flask-RESTX namespace kept as a class attribute (`class UserDto: api = Namespace(…)`)
  and reached through the class (`api = UserDto.api`) registers routes; a module that builds an `Api` and
  mounts route modules' namespaces on it (`api.add_namespace(ns, path="/users")`) is the routes layer, one
  mounting a namespace no route module holds is not;
- GINO is a data-access library: `db = Gino()`, models on `db.Model`, `db.set_bind(url)` a connection, a
  string run by `db.status(…)` raw SQL, a model query none;
- an import that brings only a driver's exceptions (`from asyncpg import UniqueViolationError`, `from
  psycopg2.errors import UniqueViolation`) is no use of the driver; a connection through it still is.
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, findings_of, inspect_json

DTO = """from PACKAGE import Namespace, fields


class UserDto:
    api = Namespace("user", description="user operations")
    user = api.model("user", {"email": fields.String(required=True)})


class NoteDto:
    api = Namespace("note", description="note operations")
"""
USER_CONTROLLER = """from flask import request
from PACKAGE import Resource

from notes.main.util.dto import UserDto

api = UserDto.api


@api.route("/")
class UserList(Resource):
    def get(self):
        return []

    def post(self):
        return request.json, 201
"""
NOTE_CONTROLLER = """from PACKAGE import Resource

from notes.main.util.dto import NoteDto

api = NoteDto.api


@api.route("/<int:note_id>")
class Note(Resource):
    def get(self, note_id):
        return {"id": note_id}
"""
HUB = """from flask import Blueprint
from PACKAGE import Api

from notes.main.controller.user_controller import api as user_ns
from notes.main.controller.note_controller import api as note_ns

blueprint = Blueprint("api", __name__)
api = Api(blueprint, title="Notes")

api.add_namespace(user_ns, path="/user")
api.add_namespace(note_ns, path="/note")
"""
# the namespaces are built here, in a module of no routes: nothing of a route module is mounted
PLAIN_HUB = """from flask import Blueprint
from PACKAGE import Api

from notes.main.util.dto import NoteDto, UserDto

blueprint = Blueprint("api", __name__)
api = Api(blueprint, title="Notes")

api.add_namespace(UserDto.api, path="/user")
api.add_namespace(NoteDto.api, path="/note")
"""
FACTORY = """from flask import Flask


def create_app():
    return Flask(__name__)
"""
MANAGE = """from notes import blueprint
from notes.main import create_app

app = create_app()
app.register_blueprint(blueprint)

if __name__ == "__main__":
    app.run()
"""


def _restful(package: str, hub: str) -> dict[str, str | bytes]:
    files = {
        "notes/__init__.py": hub,
        "notes/main/__init__.py": FACTORY,
        "notes/main/controller/__init__.py": "",
        "notes/main/controller/user_controller.py": USER_CONTROLLER,
        "notes/main/controller/note_controller.py": NOTE_CONTROLLER,
        "notes/main/util/__init__.py": "",
        "notes/main/util/dto.py": DTO,
        "manage.py": MANAGE,
        "requirements.txt": f"flask\n{package.replace('_', '-')}\n",
    }
    return {
        path: text.replace("PACKAGE", package) if isinstance(text, str) else text
        for path, text in files.items()
    }


@pytest.mark.parametrize("package", ["flask_restplus", "flask_restx"])
def test_a_namespace_held_by_a_class_registers_routes(make_project: MakeProject, package: str) -> None:
    report = inspect_json(make_project, _restful(package, HUB))
    routes = {(r["file"], r["path"]) for r in report["framework"]["routes"]}
    assert ("notes/main/controller/user_controller.py", "/") in routes
    assert ("notes/main/controller/note_controller.py", "/<int:note_id>") in routes
    assert report["framework"]["serving"] == ["flask"]


@pytest.mark.parametrize("package", ["flask_restplus", "flask_restx"])
def test_an_api_mounting_route_modules_namespaces_is_the_routes_layer(
    make_project: MakeProject, package: str
) -> None:
    report = inspect_json(make_project, _restful(package, HUB))
    assert report["architecture"]["files"]["notes/__init__.py"] == "routes"
    assert report["architecture"]["evidence"]["notes/__init__.py"] == "code: routes"


@pytest.mark.parametrize("package", ["flask_restplus", "flask_restx"])
def test_an_api_mounting_namespaces_of_no_route_module_names_no_layer(
    make_project: MakeProject, package: str
) -> None:
    report = inspect_json(make_project, _restful(package, PLAIN_HUB))
    assert "notes/__init__.py" not in report["architecture"]["files"]


GINO_MODELS = """from gino import Gino

db = Gino()


async def bind(app):
    await db.set_bind("postgresql://board:board@localhost:5432/board")


class User(db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer(), primary_key=True)
    nickname = db.Column(db.Unicode(), default="noname")
"""
GINO_VIEWS = """from aiohttp import web

from board.models import User, db

routes = web.RouteTableDef()


@routes.get("/users")
async def users(request):
    found = await User.query.where(User.nickname != "").gino.all()
    return web.json_response([u.nickname for u in found])


@routes.post("/users/purge")
async def purge(request):
    QUERY
    return web.json_response({})
"""
GINO_MAIN = """from aiohttp import web

from board.models import bind
from board.views import routes

app = web.Application()
app.add_routes(routes)
app.on_startup.append(bind)

if __name__ == "__main__":
    web.run_app(app)
"""


def _gino(query: str) -> dict[str, str | bytes]:
    return {
        "board/__init__.py": "",
        "board/models.py": GINO_MODELS,
        "board/views.py": GINO_VIEWS.replace("QUERY", query),
        "board/main.py": GINO_MAIN,
        "requirements.txt": "aiohttp\ngino\nasyncpg\n",
    }


def test_gino_is_a_data_access_library_with_models_and_a_connection(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _gino("await User.delete.where(User.id > 0).gino.status()"))
    assert report["orm"]["libraries"] == ["gino"]
    assert report["orm"]["kinds"] == {"gino": "orm"}
    assert [m["model"] for m in report["orm"]["models"]["gino"]] == ["User"]
    assert report["orm"]["raw_sql"] == []
    connections = [e for e in report["database"]["evidence"] if e["kind"] == "connection"]
    assert [(e["engine"], e["file"]) for e in connections] == [("postgresql", "board/models.py")]


@pytest.mark.parametrize(
    "query", ['await db.status("DELETE FROM users")', 'await db.status(db.text("DELETE FROM users"))']
)
def test_a_string_run_through_gino_is_raw_sql(make_project: MakeProject, query: str) -> None:
    report = inspect_json(make_project, _gino(query))
    assert [(r["file"], r["statement"]) for r in report["orm"]["raw_sql"]] == [("board/views.py", "DELETE")]


ENGINE = """from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

engine = create_engine("postgresql+psycopg2://shop:shop@localhost/shop")


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
"""
SERVICE = """from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

IMPORT
from shop.db import Item, engine


def add(name: str) -> bool:
    with Session(engine) as session:
        session.add(Item(name=name))
        try:
            session.commit()
        except IntegrityError as error:
            return not isinstance(error.orig, UniqueViolation)
    return True
"""


def _shop(import_line: str) -> dict[str, Any]:
    return {
        "shop/__init__.py": "",
        "shop/db.py": ENGINE,
        "shop/items.py": SERVICE.replace("IMPORT", import_line),
        "requirements.txt": "sqlalchemy\npsycopg2-binary\n",
    }


@pytest.mark.parametrize(
    "import_line",
    [
        "from psycopg2.errors import UniqueViolation",
        "from psycopg2 import errors\nUniqueViolation = errors.UniqueViolation",
        "from asyncpg import UniqueViolationError as UniqueViolation",
    ],
)
def test_a_driver_imported_for_its_exceptions_is_no_data_access(
    make_project: MakeProject, import_line: str
) -> None:
    assert inspect_json(make_project, _shop(import_line))["orm"]["libraries"] == ["sqlalchemy"]


def test_an_exceptions_import_beside_the_required_orm_is_no_other_data_access(
    make_project: MakeProject,
) -> None:
    report = check(make_project, _shop("from psycopg2.errors import UniqueViolation"), "postgres+sqlalchemy")
    assert findings_of(report, "ORM003") == []


def test_a_driver_imported_for_more_than_its_exceptions_is_used(make_project: MakeProject) -> None:
    line = "import psycopg2\nUniqueViolation = psycopg2.errors.UniqueViolation\nRAW = psycopg2.connect('dbname=shop')"
    assert inspect_json(make_project, _shop(line))["orm"]["libraries"] == ["sqlalchemy", "psycopg"]
