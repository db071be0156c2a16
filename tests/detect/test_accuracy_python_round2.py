"""Python patterns of issue 18 left on the labelled repositories after session (6)'s first round (docs/accuracy.md
"Python patterns, round 2 (session 2026-12-05 (6))"), each with a violating (or missed) case and a clean one, on
small projects written for the tests:

- a module opening the connection itself in a helper (`def connect(): return psycopg2.connect(…)`) that hands
  rows back as Flask responses (`jsonify(rows)`) reads no request: it is data access, and a route importing it
  bypasses the services; a module that also reads the request still handles requests;
- a package marker (a code-silent `__init__.py`) goes with its package's modules where their code overrules its
  folder's layer (a `handlers/` folder of use cases); elsewhere it follows its folder.
"""

from __future__ import annotations

from reports import MakeProject, evidence_of, inspect_json, layer_violations, layers_of

# -- a connection helper answering with jsonify ------------------------------------------------------------

APP = """from flask import Flask

from web.notes import bp

app = Flask(__name__)
app.register_blueprint(bp)
"""
CONNECTION_MODULE = """import psycopg2
from flask import jsonify


def connect_sql():
    return psycopg2.connect(host="db.example.org", dbname="notes", user="notes", password="notes")


def select(query):
    conn = connect_sql()
    cur = conn.cursor()
    cur.execute(query)
    rows = cur.fetchall()
    conn.close()
    return jsonify(rows), 200
"""
ROUTES_TO_DB = """from flask import Blueprint

from database import db

bp = Blueprint("notes", __name__)


@bp.get("/notes")
def notes():
    return db.select("SELECT id, body FROM notes")
"""
ROUTES_TO_SERVICE = """from flask import Blueprint

from services import notes as service

bp = Blueprint("notes", __name__)


@bp.get("/notes")
def notes():
    return service.all_notes()
"""
SERVICE = """from database import db


def all_notes():
    return db.select("SELECT id, body FROM notes")
"""
READS_THE_REQUEST = """import psycopg2
from flask import jsonify, request


def note():
    conn = psycopg2.connect(host="db.example.org", dbname="notes")
    cur = conn.cursor()
    cur.execute("SELECT body FROM notes WHERE id = %s", (request.args["id"],))
    return jsonify(cur.fetchone())
"""
RESPONSES_ONLY = """from flask import jsonify


def ok(payload):
    return jsonify({"ok": True, "data": payload}), 200
"""


def _notes(routes: str, **more: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "flask\npsycopg2-binary\n",
        "app.py": APP,
        "web/__init__.py": "",
        "web/notes.py": routes,
        "database/__init__.py": "",
        "database/db.py": CONNECTION_MODULE,
        **more,
    }


def test_a_connection_helper_answering_with_jsonify_is_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _notes(ROUTES_TO_DB))
    assert layers_of(report)["database/db.py"] == "repositories"
    assert evidence_of(report)["database/db.py"] == "code: queries"
    assert layers_of(report)["web/notes.py"] == "routes"
    assert layer_violations(report) == [("bypass", "web/notes.py", "database/db.py")]


def test_routes_reaching_the_connection_module_through_a_service_break_nothing(
    make_project: MakeProject,
) -> None:
    files = _notes(ROUTES_TO_SERVICE, **{"services/__init__.py": "", "services/notes.py": SERVICE})
    report = inspect_json(make_project, files)
    assert layers_of(report)["database/db.py"] == "repositories"
    assert layers_of(report)["services/notes.py"] == "services"
    assert layer_violations(report) == []


def test_a_module_reading_the_request_or_only_answering_is_no_data_access(make_project: MakeProject) -> None:
    # `request` beside `jsonify`: it handles requests, its inline query does not make it a repository; a
    # module of response helpers opens no connection
    files = _notes(
        ROUTES_TO_DB, **{"database/lookup.py": READS_THE_REQUEST, "database/answers.py": RESPONSES_ONLY}
    )
    layers = layers_of(inspect_json(make_project, files))
    assert "database/lookup.py" not in layers
    assert "database/answers.py" not in layers
    assert layers["database/db.py"] == "repositories"


# -- package markers of a folder its modules overrule -------------------------------------------------------

USER_REPOSITORY = """from sqlalchemy.ext.asyncio import AsyncSession


class UserRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, user):
        self.session.add(user)
"""
USE_CASE = """from shop.repositories.users import UserRepository


class {name}:
    def __init__(self, users: UserRepository):
        self.users = users

    async def execute(self, name: str):
        return await self.users.add(name)
"""
ROUTER = """from fastapi import APIRouter

from shop.auth.handlers.log_in import LogIn

router = APIRouter()


@router.post("/login")
async def login(name: str, log_in: LogIn):
    return await log_in.execute(name)
"""


def _auth(**more: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "fastapi\nsqlalchemy\nasyncpg\n",
        "shop/__init__.py": "",
        "shop/repositories/__init__.py": "",
        "shop/repositories/users.py": USER_REPOSITORY,
        "shop/auth/__init__.py": "",
        "shop/auth/handlers/__init__.py": "",
        "shop/auth/handlers/log_in.py": USE_CASE.format(name="LogIn"),
        "shop/auth/handlers/sign_up.py": USE_CASE.format(name="SignUp"),
        **more,
    }


def test_a_marker_goes_with_use_cases_overruling_their_folder(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _auth())
    layers = layers_of(report)
    assert layers["shop/auth/handlers/log_in.py"] == "services"
    assert layers["shop/auth/handlers/sign_up.py"] == "services"
    assert layers["shop/auth/handlers/__init__.py"] == "services"
    assert evidence_of(report)["shop/auth/handlers/__init__.py"] == "package"
    assert layer_violations(report) == []
    assert "shop/auth/handlers/__init__.py" not in str(report["architecture"]["layers"])  # it locates nothing


def test_a_marker_of_a_package_its_folder_still_names_keeps_the_folder(make_project: MakeProject) -> None:
    # a route module in the package: the folder's layer holds for one module, so the marker follows the folder
    report = inspect_json(make_project, _auth(**{"shop/auth/handlers/http.py": ROUTER}))
    layers = layers_of(report)
    assert layers["shop/auth/handlers/http.py"] == "routes"
    assert layers["shop/auth/handlers/__init__.py"] == "routes"
    assert evidence_of(report)["shop/auth/handlers/__init__.py"] == "folder"


def test_a_marker_in_a_folder_naming_no_layer_stays_in_none(make_project: MakeProject) -> None:
    files = _auth(**{"shop/db/__init__.py": "", "shop/db/user_repository.py": USER_REPOSITORY})
    layers = layers_of(inspect_json(make_project, files))
    assert layers["shop/db/user_repository.py"] == "repositories"
    assert "shop/db/__init__.py" not in layers


# -- selectors: the Django styleguide's read-side data access ------------------------------------------------

SELECTOR = """from django.db.models import Q, QuerySet

from shop.models import Course


def courses_between(school, start, end) -> QuerySet[Course]:
    return school.courses.filter(Q(start__gte=start) & Q(end__lte=end))  # a related manager, not `objects`
"""
COURSE_MODEL = """from django.db import models


class Course(models.Model):
    start = models.DateField()
    end = models.DateField()
"""
ENROL_SERVICE = """from shop.selectors.courses import courses_between


def open_courses(school, start, end):
    return [course.pk for course in courses_between(school, start, end)]
"""
COURSES_ROUTER = """from fastapi import APIRouter

from shop.{module} import {function}

router = APIRouter()


@router.get("/courses")
def courses(start: str, end: str):
    return list({function}(None, start, end))
"""


def _courses(module: str, function: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "django\nfastapi\n",
        "shop/__init__.py": "",
        "shop/models.py": COURSE_MODEL,
        "shop/selectors/__init__.py": "",
        "shop/selectors/courses.py": SELECTOR,
        "shop/services/__init__.py": "",
        "shop/services/enrol.py": ENROL_SERVICE,
        "shop/api/__init__.py": "",
        "shop/api/courses.py": COURSES_ROUTER.format(module=module, function=function),
    }


def test_a_route_importing_a_selectors_folder_bypasses_the_services(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _courses("selectors.courses", "courses_between"))
    layers = layers_of(report)
    assert layers["shop/selectors/courses.py"] == "repositories"
    assert layers["shop/selectors/__init__.py"] == "repositories"
    assert layer_violations(report) == [("bypass", "shop/api/courses.py", "shop/selectors/courses.py")]


def test_a_route_going_through_a_service_to_the_selectors_breaks_nothing(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _courses("services.enrol", "open_courses"))
    assert layers_of(report)["shop/services/enrol.py"] == "services"
    assert layer_violations(report) == []


# -- imperative mappings run by a module of their own ---------------------------------------------------------

REGISTRY = """from sqlalchemy.orm import registry

mapper_registry = registry()
"""
USER_MAPPING = """from sqlalchemy import Column, Integer, String, Table

from shop.entities.user import User
from shop.sqla.registry import mapper_registry

users_table = Table(
    "users",
    mapper_registry.metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(50)),
)


def map_users_table():
    mapper_registry.map_imperatively(User, users_table)
"""
ALL_MAPPINGS = """from shop.sqla.mappings.user import map_users_table
from shop.sqla.registry import mapper_registry


def map_tables():
    if mapper_registry.mappers:
        return
    map_users_table()
"""
TAG_MODEL = """from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
    name = Column(String(30))


class Guest:  # no base: a class all the same
    pass
"""
GUEST_FACTORY = """from shop.sqla.tags import Guest


def guest():
    return Guest()
"""
TAG_FACTORY = """from shop.sqla.tags import Tag


def new_tag(name):
    return Tag(name=name)
"""


def _mappings(**more: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "sqlalchemy\n",
        "shop/__init__.py": "",
        "shop/entities/__init__.py": "",
        "shop/entities/user.py": "from dataclasses import dataclass\n\n\n@dataclass\nclass User:\n    id: int\n    name: str\n",
        "shop/sqla/__init__.py": "",
        "shop/sqla/registry.py": REGISTRY,
        "shop/sqla/mappings/__init__.py": "",
        "shop/sqla/mappings/user.py": USER_MAPPING,
        "shop/sqla/mappings/all.py": ALL_MAPPINGS,
        **more,
    }


def test_a_module_running_the_imperative_mappings_is_models(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _mappings())
    layers = layers_of(report)
    assert layers["shop/sqla/mappings/user.py"] == "models"
    assert layers["shop/sqla/mappings/all.py"] == "models"
    assert evidence_of(report)["shop/sqla/mappings/all.py"] == "code: models"
    assert layer_violations(report) == []


def test_a_factory_building_a_model_is_no_models_module(make_project: MakeProject) -> None:
    files = _mappings(
        **{
            "shop/sqla/tags.py": TAG_MODEL,
            "shop/sqla/make.py": TAG_FACTORY,
            "shop/sqla/guests.py": GUEST_FACTORY,
        }
    )
    layers = layers_of(inspect_json(make_project, files))
    assert layers["shop/sqla/tags.py"] == "models"
    assert "shop/sqla/make.py" not in layers
    assert "shop/sqla/guests.py" not in layers
