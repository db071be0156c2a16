"""Python layer patterns the labelled repositories still showed after the fifth and sixth sets (issue 18,
docs/accuracy.md "Python layer patterns, session 2026-12-05 (6)"), each with a violating (or missed) case
and a clean one, on small projects written for the tests:

- a module keeping the connection in Flask's app context (`g.db = sqlite3.connect(current_app.config[…])`)
  handles no request: it is data access, and a Blueprint importing it bypasses the services;
- the frameworks' class-based views (a DRF `APIView` in `apis.py`, registered by `urls.py`) are routes
  wherever they live;
- a `tasks.py` inside a package (a model module, Celery tasks) is application code; invoke's at the
  project's top stays configuration.
"""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import evidence_of as _evidence
from reports import layer_violations as _violations
from reports import layers_of as _layers

from cdverify.discover import classify_scope
from cdverify.model import Scope

# -- a connection kept in Flask's `g` -------------------------------------------------------------------

FLASK_INIT = """from flask import Flask


def create_app():
    app = Flask(__name__)
    app.config.from_mapping(DATABASE="notes.sqlite")

    from . import db
    db.init_app(app)

    from . import notes
    app.register_blueprint(notes.bp)
    return app
"""
FLASK_DB = """import sqlite3

from flask import current_app, g


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db


def close_db(e=None):
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_app(app):
    app.teardown_appcontext(close_db)
"""
FLASK_NOTES = """from flask import Blueprint, jsonify

from .db import get_db

bp = Blueprint("notes", __name__, url_prefix="/notes")


@bp.get("/")
def index():
    rows = get_db().execute("SELECT id, body FROM notes").fetchall()
    return jsonify([dict(row) for row in rows])
"""
FLASK_NOTES_CLEAN = """from flask import Blueprint, jsonify

from .services import notes

bp = Blueprint("notes", __name__, url_prefix="/notes")


@bp.get("/")
def index():
    return jsonify(notes.all_notes())
"""
FLASK_SERVICE = """from ..db import get_db


def all_notes():
    return [dict(row) for row in get_db().execute("SELECT id, body FROM notes").fetchall()]
"""
FLASK_REQUEST_HELPER = """import sqlite3

from flask import abort, current_app, g, request


def note_or_404():
    db = sqlite3.connect(current_app.config["DATABASE"])
    row = db.execute("SELECT id FROM notes WHERE id = ?", (request.args["id"],)).fetchone()
    if row is None:
        abort(404)
    g.note = row
"""


def _flask(notes: str, **more: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "flask\n",
        "flaskr/__init__.py": FLASK_INIT,
        "flaskr/db.py": FLASK_DB,
        "flaskr/notes.py": notes,
        **more,
    }


def test_a_connection_kept_in_flask_g_is_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _flask(FLASK_NOTES))
    assert _layers(report)["flaskr/db.py"] == "repositories"
    assert _evidence(report)["flaskr/db.py"] == "code: queries"
    assert _layers(report)["flaskr/notes.py"] == "routes"
    assert _violations(report) == [("bypass", "flaskr/notes.py", "flaskr/db.py")]


def test_a_blueprint_going_through_a_service_breaks_nothing(make_project: MakeProject) -> None:
    files = _flask(
        FLASK_NOTES_CLEAN, **{"flaskr/services/__init__.py": "", "flaskr/services/notes.py": FLASK_SERVICE}
    )
    report = inspect_json(make_project, files)
    assert _layers(report)["flaskr/db.py"] == "repositories"
    assert _layers(report)["flaskr/services/notes.py"] == "services"
    assert _violations(report) == []


def test_a_module_reading_the_request_is_no_data_access(make_project: MakeProject) -> None:
    # `request` and `abort` of Flask: it handles requests, so its inline query does not make it a repository
    report = inspect_json(
        make_project, _flask(FLASK_NOTES_CLEAN, **{"flaskr/checks.py": FLASK_REQUEST_HELPER})
    )
    assert "flaskr/checks.py" not in _layers(report)


# -- class-based views in apis.py ------------------------------------------------------------------------

DJANGO_MANAGE = """import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""
DJANGO_SETTINGS = """INSTALLED_APPS = ["rest_framework", "shop.users"]
ROOT_URLCONF = "config.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "shop"}}
"""
DJANGO_ROOT_URLS = """from django.urls import include, path

urlpatterns = [path("api/users/", include("shop.users.urls"))]
"""
DJANGO_URLS = """from django.urls import path

from shop.users.apis import UserDetailApi, UserListApi

urlpatterns = [
    path("", UserListApi.as_view(), name="list"),
    path("<int:user_id>/", UserDetailApi.as_view(), name="detail"),
]
"""
DJANGO_MODELS = """from django.db import models


class User(models.Model):
    email = models.EmailField(unique=True)
"""
DJANGO_REPOSITORY = """from shop.users.models import User


def user_list():
    return User.objects.all()


def user_get(user_id):
    return User.objects.filter(id=user_id).first()
"""
DJANGO_SERVICE = """from shop.users.repositories import user_get, user_list


def users():
    return list(user_list())


def user(user_id):
    return user_get(user_id)
"""
DJANGO_APIS = """from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.users.{source} import {list_name}, {get_name}


class UserListApi(APIView):
    def get(self, request):
        return Response([{{"email": u.email}} for u in {list_name}()])


class UserDetailApi(generics.GenericAPIView):
    def get(self, request, user_id):
        return Response({{"email": {get_name}(user_id).email}})
"""


def _django(source: str, list_name: str, get_name: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "django\ndjangorestframework\npsycopg2\n",
        "manage.py": DJANGO_MANAGE,
        "config/__init__.py": "",
        "config/settings.py": DJANGO_SETTINGS,
        "config/urls.py": DJANGO_ROOT_URLS,
        "shop/__init__.py": "",
        "shop/users/__init__.py": "",
        "shop/users/urls.py": DJANGO_URLS,
        "shop/users/models.py": DJANGO_MODELS,
        "shop/users/repositories.py": DJANGO_REPOSITORY,
        "shop/users/services.py": DJANGO_SERVICE,
        "shop/users/apis.py": DJANGO_APIS.format(source=source, list_name=list_name, get_name=get_name),
    }


def test_class_based_views_in_apis_py_are_routes(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _django("repositories", "user_list", "user_get"))
    assert _layers(report)["shop/users/apis.py"] == "routes"
    assert _evidence(report)["shop/users/apis.py"] == "code: routes"
    assert _violations(report) == [("bypass", "shop/users/apis.py", "shop/users/repositories.py")]


def test_class_based_views_calling_services_break_nothing(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _django("services", "users", "user"))
    assert _layers(report)["shop/users/apis.py"] == "routes"
    assert _violations(report) == []


def test_a_plain_class_in_apis_py_is_no_route(make_project: MakeProject) -> None:
    files = _django("services", "users", "user")
    files["shop/users/apis.py"] = "class Client:\n    def fetch(self):\n        return []\n"
    assert "shop/users/apis.py" not in _layers(inspect_json(make_project, files))


# -- tasks.py ---------------------------------------------------------------------------------------------

TASKS_MODEL = """from backend import db


class Task(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(80))
"""
INVOKE_TASKS = """from invoke import task


@task
def test(c):
    c.run("pytest")
"""


def test_a_tasks_py_in_a_package_is_application_code(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "flask\nflask-sqlalchemy\ninvoke\n",
        "backend/__init__.py": "from flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n\n"
        "app = Flask(__name__)\ndb = SQLAlchemy(app)\n",
        "backend/models/__init__.py": "",
        "backend/models/tasks.py": TASKS_MODEL,
        "tasks.py": INVOKE_TASKS,
    }
    report = inspect_json(make_project, files)
    assert _layers(report)["backend/models/tasks.py"] == "models"
    assert "tasks.py" not in _layers(report)


def test_only_the_top_tasks_py_is_configuration() -> None:
    assert classify_scope("tasks.py") == Scope.CONFIG  # invoke's
    assert classify_scope("backend/models/tasks.py") == Scope.APPLICATION
    assert classify_scope("shop/orders/tasks.py") == Scope.APPLICATION  # Celery tasks
    assert classify_scope("tests/tasks.py") == Scope.TEST
    assert classify_scope("app/noxfile.py") == Scope.CONFIG  # the other task files keep their scope anywhere


# -- entrypoints/ and a read model typed on the unit of work ----------------------------------------------

UOW = """from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

DEFAULT_SESSION_FACTORY = sessionmaker(bind=create_engine("postgresql://shop@localhost/shop"))


class SqlAlchemyUnitOfWork:
    def __init__(self, session_factory=DEFAULT_SESSION_FACTORY):
        self.session_factory = session_factory

    def __enter__(self):
        self.session = self.session_factory()
        return self

    def __exit__(self, *args):
        self.session.close()
"""
READ_MODEL = """from shop.service_layer import unit_of_work


def allocations(orderid: str, uow: unit_of_work.SqlAlchemyUnitOfWork):
    with uow:
        results = uow.session.execute(
            "SELECT sku, batchref FROM allocations_view WHERE orderid = :orderid",
            dict(orderid=orderid),
        )
    return [dict(r) for r in results]
"""
HANDLERS = """from shop import views
from shop.service_layer import unit_of_work


def allocations_for(orderid):
    return views.allocations(orderid, unit_of_work.SqlAlchemyUnitOfWork())
"""
ENTRYPOINT = """from flask import Flask, jsonify

from shop.{module} import {function}
from shop.service_layer import unit_of_work

app = Flask(__name__)


@app.route("/allocations/<orderid>")
def allocations_view_endpoint(orderid):
    return jsonify({function}(orderid{uow}))
"""
CONSUMER = """import json

import redis

from shop.service_layer import handlers

r = redis.Redis()


def main():
    for message in r.pubsub().listen():
        handlers.allocations_for(json.loads(message["data"])["orderid"])


if __name__ == "__main__":
    main()
"""
WIRING = """from sqlalchemy import create_engine

from shop.service_layer.handlers import Allocations

engine = create_engine("postgresql://shop@localhost/shop")
allocations = Allocations(engine)
"""


def _cosmic(module: str, function: str, uow: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "flask\nsqlalchemy\npsycopg2\nredis\n",
        "shop/__init__.py": "",
        "shop/views.py": READ_MODEL,
        "shop/service_layer/__init__.py": "",
        "shop/service_layer/unit_of_work.py": UOW,
        "shop/service_layer/handlers.py": HANDLERS,
        "shop/entrypoints/__init__.py": "",
        "shop/entrypoints/flask_app.py": ENTRYPOINT.format(module=module, function=function, uow=uow),
        "shop/entrypoints/redis_eventconsumer.py": CONSUMER,
    }


def test_an_entrypoint_reading_the_read_model_bypasses_the_services(make_project: MakeProject) -> None:
    report = inspect_json(
        make_project, _cosmic("views", "allocations", ", unit_of_work.SqlAlchemyUnitOfWork()")
    )
    layers = _layers(report)
    # a read model typed on the unit of work builds nothing with it: data access, no composition root
    assert layers["shop/views.py"] == "repositories"
    assert "shop/views.py" not in report["architecture"]["composition_roots"]
    assert layers["shop/entrypoints/redis_eventconsumer.py"] == "routes"  # `entrypoints/`: primary adapters
    assert layers["shop/entrypoints/__init__.py"] == "routes"
    assert ("bypass", "shop/entrypoints/flask_app.py", "shop/views.py") in _violations(report)


def test_an_entrypoint_going_through_the_handlers_breaks_no_layer(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _cosmic("service_layer.handlers", "allocations_for", ""))
    assert _layers(report)["shop/entrypoints/flask_app.py"] == "routes"
    assert [v for v in _violations(report) if v[0] == "bypass"] == []


def test_a_module_building_a_service_on_its_engine_still_wires_the_app(make_project: MakeProject) -> None:
    files = _cosmic("service_layer.handlers", "allocations_for", "")
    files["shop/service_layer/handlers.py"] = (
        "class Allocations:\n    def __init__(self, engine):\n        self.engine = engine\n"
    )
    files["shop/wiring.py"] = WIRING
    report = inspect_json(make_project, files)
    assert "shop/wiring.py" in report["architecture"]["composition_roots"]
    assert "shop/wiring.py" not in _layers(report)


# -- start-up scripts inside the app package --------------------------------------------------------------

CORE_DB = """from sqlmodel import Session, create_engine

engine = create_engine("postgresql+psycopg://app@localhost/app")


def init_db(session: Session) -> None:
    session.exec("SELECT 1")
"""
INITIAL_DATA = """from sqlmodel import Session

from app.core.db import engine, init_db


def init() -> None:
    with Session(engine) as session:
        init_db(session)


if __name__ == "__main__":
    init()
"""
FASTAPI_MAIN = """from fastapi import FastAPI

from app.api.routes import router

app = FastAPI()
app.include_router(router)
"""
FASTAPI_ROUTES = """from fastapi import APIRouter

router = APIRouter()


@router.get("/health")
def health():
    return {"ok": True}
"""


def _fastapi(**more: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "fastapi\nsqlmodel\npsycopg\n",
        "app/__init__.py": "",
        "app/main.py": FASTAPI_MAIN,
        "app/api/__init__.py": "",
        "app/api/routes.py": FASTAPI_ROUTES,
        "app/core/__init__.py": "",
        "app/core/db.py": CORE_DB,
        **more,
    }


def test_a_start_up_program_in_the_app_package_is_a_script(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _fastapi(**{"app/initial_data.py": INITIAL_DATA}))
    assert "app/initial_data.py" not in _layers(report)
    assert _evidence(report)["app/initial_data.py"] == "command-line script"
    assert _layers(report)["app/core/db.py"] == "repositories"


def test_a_program_in_a_layer_folder_or_imported_keeps_its_layer(make_project: MakeProject) -> None:
    imported = "from app.initial_data import init\n"
    files = _fastapi(
        **{
            "app/initial_data.py": INITIAL_DATA,  # imported by the module below: no script
            "app/seeding.py": imported,
            "app/repositories/__init__.py": "",
            "app/repositories/worker.py": INITIAL_DATA,  # a program in a layer folder keeps its folder's layer
        }
    )
    layers = _layers(inspect_json(make_project, files))
    assert layers["app/initial_data.py"] == "repositories"
    assert layers["app/repositories/worker.py"] == "repositories"


# -- a hexagonal application layer in app/ ----------------------------------------------------------------

HEX_DOMAIN = """from dataclasses import dataclass


@dataclass
class User:
    id: int
    name: str
"""
HEX_DTO = """from dataclasses import dataclass


@dataclass
class UserFilter:
    name: str | None = None
"""
HEX_APP = """from internal.app.users.dto import UserFilter
from internal.domain.user import User


class UserApp:
    def __init__(self, repo):
        self.repo = repo

    async def users(self, name: str) -> list[User]:
        return await self.repo.users(UserFilter(name=name))
"""
HEX_REPOSITORY = """from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from {filter_module} import UserFilter
from internal.domain.user import User


class UserRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def users(self, filters: UserFilter) -> list[User]:
        return list(await self.session.scalars(select(User)))
"""
HEX_HANDLER = """from aiohttp import web

from internal.app.users.app import UserApp


async def list_users(request: web.Request) -> web.Response:
    app: UserApp = request.app["users"]
    return web.json_response([u.name for u in await app.users(request.query.get("name"))])
"""
HEX_MAIN = """from aiohttp import web

from internal.adapters.http.users import list_users

app = web.Application()
app.router.add_get("/users", list_users)
web.run_app(app)
"""


def _hexagonal(filter_module: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\nsqlalchemy\nasyncpg\n",
        "main.py": HEX_MAIN,
        "internal/__init__.py": "",
        "internal/domain/__init__.py": "",
        "internal/domain/user.py": HEX_DOMAIN,
        "internal/app/__init__.py": "",
        "internal/app/users/__init__.py": "",
        "internal/app/users/dto.py": HEX_DTO,
        "internal/app/users/app.py": HEX_APP,
        "internal/adapters/__init__.py": "",
        "internal/adapters/http/__init__.py": "",
        "internal/adapters/http/users.py": HEX_HANDLER,
        "internal/adapters/repository/__init__.py": "",
        "internal/adapters/repository/users.py": HEX_REPOSITORY.format(filter_module=filter_module),
        "internal/adapters/repository/filters.py": HEX_DTO,
    }


def test_a_hexagonal_app_folder_is_the_application_layer(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _hexagonal("internal.app.users.dto"))
    layers = _layers(report)
    assert layers["internal/app/users/app.py"] == "services"
    assert layers["internal/app/users/dto.py"] == "services"
    assert layers["internal/domain/user.py"] == "models"
    assert _violations(report) == [
        ("upward", "internal/adapters/repository/users.py", "internal/app/users/dto.py")
    ]


def test_a_hexagonal_repository_with_its_own_filter_breaks_nothing(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _hexagonal("internal.adapters.repository.filters"))
    assert _layers(report)["internal/app/users/app.py"] == "services"
    assert _violations(report) == []


def test_an_app_package_holding_the_layers_is_no_layer(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "fastapi\n",
        "app/__init__.py": "",
        "app/config.py": "DEBUG = True\n",
        "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "app/models/__init__.py": "",
        "app/models/user.py": HEX_DOMAIN,
        "app/services/__init__.py": "",
        "app/services/users.py": "from app.models.user import User\n\n\ndef users() -> list[User]:\n    return []\n",
        "app/api/__init__.py": "",
        "app/api/users.py": "from app.services.users import users\n",
        "tests/__init__.py": "",
    }
    layers = _layers(inspect_json(make_project, files))
    assert "app/config.py" not in layers
    assert layers["app/services/users.py"] == "services"
    assert layers["app/models/user.py"] == "models"


# -- inbound/ and outbound/adapters/ ----------------------------------------------------------------------

CLOCK = """from datetime import datetime, timezone


class SystemUtcTimer:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)
"""
STAMP_SERVICE = """from app.{adapters}.clock import SystemUtcTimer


def stamp() -> str:
    return SystemUtcTimer().now().isoformat()
"""
INBOUND_ROUTER = """from fastapi import APIRouter

from app.services.stamps import stamp

router = APIRouter()


@router.get("/stamp")
def get_stamp():
    return {"at": stamp()}
"""


def _ports_and_adapters(adapters: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "fastapi\n",
        "app/__init__.py": "",
        "app/inbound/__init__.py": "",
        "app/inbound/http/__init__.py": "",
        "app/inbound/http/stamps.py": INBOUND_ROUTER,
        "app/services/__init__.py": "",
        "app/services/stamps.py": STAMP_SERVICE.format(adapters=adapters.replace("/", ".")),
        f"app/{adapters}/__init__.py": "",
        f"app/{adapters}/clock.py": CLOCK,
    }


def test_driven_adapters_in_outbound_are_no_routes(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _ports_and_adapters("outbound/adapters"))
    layers = _layers(report)
    assert "app/outbound/adapters/clock.py" not in layers
    assert "app/outbound/adapters/__init__.py" not in layers
    assert layers["app/inbound/__init__.py"] == "routes"  # `inbound/`: the driving side
    assert _violations(report) == []  # a service using a clock adapter climbs no layer


def test_adapters_elsewhere_stay_the_routes_layer(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _ports_and_adapters("adapters"))
    assert _layers(report)["app/adapters/clock.py"] == "routes"
    assert ("upward", "app/services/stamps.py", "app/adapters/clock.py") in _violations(report)


def test_an_app_package_beside_api_and_services_is_no_layer(make_project: MakeProject) -> None:
    # a Django project package (`app/settings.py`) beside `api/` and `services/`: no domain, no hexagon
    files: dict[str, str | bytes] = {
        "requirements.txt": "django\n",
        "app/__init__.py": "",
        "app/settings.py": "INSTALLED_APPS = []\n",
        "api/__init__.py": "",
        "api/views.py": "from services.users import users\n",
        "services/__init__.py": "",
        "services/users.py": "def users():\n    return []\n",
        "repositories/__init__.py": "",
    }
    layers = _layers(inspect_json(make_project, files))
    assert "app/settings.py" not in layers
    assert layers["services/users.py"] == "services"


# -- an engine handed in, aiosql queries ------------------------------------------------------------------

UNIT_OF_WORK = """from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine


class UnitOfWork:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @asynccontextmanager
    async def begin(self):
        async with self._engine.begin() as connection:
            yield connection
"""
AIOSQL_QUERIES = """import pathlib

import aiosql

queries = aiosql.from_path(pathlib.Path(__file__).parent / "sql", "asyncpg")
"""
DATA_ROUTES = """from fastapi import APIRouter

from shop.{module} import {name}

router = APIRouter()


@router.get("/tags")
async def tags():
    return {{"tags": [], "source": str({name})}}
"""
TAG_SERVICE = """from shop.db.queries import queries
from shop.impl.unit_of_work import UnitOfWork


async def all_tags(uow: UnitOfWork):
    async with uow.begin() as connection:
        return await queries.get_all_tags(connection)
"""


def _data_access(module: str, name: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "fastapi\nsqlalchemy\nasyncpg\naiosql\n",
        "shop/__init__.py": "",
        "shop/impl/__init__.py": "",
        "shop/impl/unit_of_work.py": UNIT_OF_WORK,
        "shop/db/__init__.py": "",
        "shop/db/queries.py": AIOSQL_QUERIES,
        "shop/services/__init__.py": "",
        "shop/services/tags.py": TAG_SERVICE,
        "shop/api/__init__.py": "",
        "shop/api/tags.py": DATA_ROUTES.format(module=module, name=name),
    }


def test_an_engine_handed_in_and_aiosql_queries_are_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _data_access("impl.unit_of_work", "UnitOfWork"))
    layers = _layers(report)
    assert layers["shop/impl/unit_of_work.py"] == "repositories"  # `engine: AsyncEngine`, then `.begin()`
    assert layers["shop/db/queries.py"] == "repositories"  # `aiosql.from_path(…)` loads the queries
    assert _violations(report) == [("bypass", "shop/api/tags.py", "shop/impl/unit_of_work.py")]
    report = inspect_json(make_project, _data_access("db.queries", "queries"))
    assert _violations(report) == [("bypass", "shop/api/tags.py", "shop/db/queries.py")]


def test_routes_reaching_the_queries_through_a_service_break_nothing(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _data_access("services.tags", "all_tags"))
    assert _layers(report)["shop/services/tags.py"] == "services"
    assert _violations(report) == []


# -- CQRS: queries/ beside commands/ --------------------------------------------------------------------

LIST_USERS = """from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shop.models.user import User


class ListUsers:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def __call__(self):
        return list(await self.session.scalars(select(User)))
"""
CREATE_USER = """from shop.models.user import User


class CreateUser:
    def __init__(self, users):
        self.users = users

    async def __call__(self, name: str):
        await self.users.add(User(name=name))
"""
USER_MODEL = """from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
"""
USERS_ROUTER = """from fastapi import APIRouter

from shop.{folder}.list_users import ListUsers

router = APIRouter()


@router.get("/users")
async def users(list_users: ListUsers):
    return await list_users()
"""


def _cqrs(folder: str, commands: bool) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "requirements.txt": "fastapi\nsqlalchemy\nasyncpg\n",
        "shop/__init__.py": "",
        "shop/models/__init__.py": "",
        "shop/models/user.py": USER_MODEL,
        f"shop/{folder}/__init__.py": "",
        f"shop/{folder}/list_users.py": LIST_USERS,
        "shop/api/__init__.py": "",
        "shop/api/users.py": USERS_ROUTER.format(folder=folder.replace("/", ".")),
    }
    if commands:
        parent = folder.rpartition("/")[0]
        files[f"shop/{parent}/commands/__init__.py" if parent else "shop/commands/__init__.py"] = ""
        files[f"shop/{parent}/commands/create_user.py" if parent else "shop/commands/create_user.py"] = (
            CREATE_USER
        )
    return files


def test_query_handlers_beside_command_handlers_are_services(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _cqrs("core/queries", commands=True))
    layers = _layers(report)
    assert layers["shop/core/queries/list_users.py"] == "services"  # it queries inline, as a use case may
    assert layers["shop/core/commands/create_user.py"] == "services"
    assert _violations(report) == []  # the router calls a use case: no bypass


def test_a_queries_folder_without_commands_keeps_its_code_layer(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _cqrs("db/queries", commands=False))
    assert _layers(report)["shop/db/queries/list_users.py"] == "repositories"
    assert _violations(report) == [("bypass", "shop/api/users.py", "shop/db/queries/list_users.py")]


# -- Django selectors: queries through a model's manager ----------------------------------------------------

SELECTORS = """from django.db.models.query import QuerySet

from shop.users.models import User


def user_list() -> QuerySet[User]:
    return User.objects.all()


def user_get(user_id):
    return User.objects.filter(id=user_id).first()
"""
SHORTCUTS = """from django.http import Http404

from shop.users.models import User


def user_or_404(user_id):
    user = User.objects.filter(id=user_id).first()
    if user is None:
        raise Http404
    return user
"""


def test_a_selector_querying_a_model_manager_is_data_access(make_project: MakeProject) -> None:
    files = _django("selectors", "user_list", "user_get")
    files["shop/users/selectors.py"] = SELECTORS
    report = inspect_json(make_project, files)
    assert _layers(report)["shop/users/selectors.py"] == "repositories"
    assert _evidence(report)["shop/users/selectors.py"] == "code: queries"
    assert ("bypass", "shop/users/apis.py", "shop/users/selectors.py") in _violations(report)


def test_a_helper_raising_http_errors_is_no_selector(make_project: MakeProject) -> None:
    # it imports `django.http`: a request helper querying inline, no data-access module
    files = _django("services", "users", "user")
    files["shop/users/shortcuts.py"] = SHORTCUTS
    files["shop/users/selectors.py"] = SELECTORS
    report = inspect_json(make_project, files)
    assert "shop/users/shortcuts.py" not in _layers(report)
    assert _layers(report)["shop/users/selectors.py"] == "repositories"
    assert _violations(report) == []  # the views go through the services


SELECTORS_WITH_CONTRIB = """from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import QuerySet

from shop.users.models import User

Account = get_user_model()


def user_list() -> QuerySet:
    return User.objects.all()


def user_get(query):
    return User.objects.filter(name__search=SearchQuery(query)).first()
"""


def test_a_selector_using_the_user_model_lookup_and_postgres_search_is_data_access(
    make_project: MakeProject,
) -> None:
    """The eighty-sixth set's IssuePilot: `get_user_model()` and `django.contrib.postgres.search` are the ORM's,
    not the request's (rules/frameworks.toml `no_request`): the selector stays data access."""
    files = _django("selectors", "user_list", "user_get")
    files["shop/users/selectors.py"] = SELECTORS_WITH_CONTRIB
    report = inspect_json(make_project, files)
    assert _layers(report)["shop/users/selectors.py"] == "repositories"
    assert ("bypass", "shop/users/apis.py", "shop/users/selectors.py") in _violations(report)


def test_a_selector_raising_http_errors_beside_the_user_model_is_no_selector(
    make_project: MakeProject,
) -> None:
    files = _django("services", "users", "user")
    files["shop/users/shortcuts.py"] = "from django.contrib.auth import get_user_model\n" + SHORTCUTS
    files["shop/users/selectors.py"] = SELECTORS
    report = inspect_json(make_project, files)
    assert "shop/users/shortcuts.py" not in _layers(report)


# -- a model importing the declarative base from the session module -----------------------------------------

DATABASE = """from sqlalchemy import create_engine
from sqlalchemy.orm import declarative_base, sessionmaker

engine = create_engine("sqlite:///app.db", connect_args={"check_same_thread": False})
SessionLocal = sessionmaker(bind=engine)
Base = declarative_base()


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
"""
MODELS = """from sqlalchemy import Column, Integer, String

from .database import {names}


class Tweet(Base):
    __tablename__ = "tweets"
    id = Column(Integer, primary_key=True)
    body = Column(String)
"""


def _base_project(names: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "fastapi\nsqlalchemy\n",
        "app/__init__.py": "",
        "app/models/__init__.py": "",
        "app/models/database.py": DATABASE,
        "app/models/models.py": MODELS.format(names=names),
    }


def test_a_model_importing_only_the_declarative_base_climbs_no_layer(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _base_project("Base"))
    assert _layers(report)["app/models/database.py"] == "repositories"  # engine, sessions, get_db
    assert _layers(report)["app/models/models.py"] == "models"
    assert _violations(report) == []


def test_a_model_importing_the_session_too_is_an_upward_import(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _base_project("Base, SessionLocal"))
    assert ("upward", "app/models/models.py", "app/models/database.py") in _violations(report)
