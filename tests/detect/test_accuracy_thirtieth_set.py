"""Patterns of the thirtieth and thirty-first unseen labelled sets' Python halves (issue 18, docs/accuracy.md
"The thirtieth and thirty-first sets' Python disagreements"), each with a violating and a clean project (or
source) written for the test:

- a module the application loads as it starts that evaluates a name nothing defines (a base class or a
  decorator never imported) raises NameError as it is imported: the app cannot start, no engine holds in
  the harness; for Django, the URL modules ROOT_URLCONF reaches are loaded at start-up;
- a statement whose select list ends in a hole (`… AS geom {cols} FROM …`) is complete, and aiopg.sa's
  `conn.scalar(…)` runs SQL, also on an engine taken from an app's state;
- djongo's `models` is Django's ORM.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json, layers_of

from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness
from cdverify.detect.database.undefined_names import undefined_names
from cdverify.model import Template
from cdverify.pipeline import inspect
from cdverify.sql.classify import SqlKind, classify

# -- a name nothing defines, evaluated as a start-up module is imported ----------------------------------------

MANAGE = """import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_conf.settings")
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
"""
SETTINGS = """from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "dev-only"
INSTALLED_APPS = ["django.contrib.admin", "django.contrib.auth", "notes.apps.NotesConfig"]
ROOT_URLCONF = "site_conf.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
"""
ROOT_URLS = """from django.urls import include, path

urlpatterns = [path("", include("notes.urls"))]
"""
NOTE_URLS = """from django.urls import path

from . import views

urlpatterns = [path("", views.NoteList.as_view())]
"""
VIEWS = """from django.views.generic import ListView
{extra}
from .models import Note


class NoteList(ListView):
    model = Note


class Home(TemplateView):
    template_name = "home.html"

    @cached_property
    def title(self):
        return "Notes"
"""
MODELS = """from django.db import models


class Note(models.Model):
    body = models.TextField()
"""
APPS = """from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "notes"
"""
IMPORTS = "from django.utils.functional import cached_property\nfrom django.views.generic import TemplateView"


def _django(extra: str = "", **files: str) -> dict[str, str | bytes]:
    return {
        "manage.py": MANAGE,
        "site_conf/__init__.py": "",
        "site_conf/settings.py": SETTINGS,
        "site_conf/urls.py": ROOT_URLS,
        "notes/__init__.py": "",
        "notes/apps.py": APPS,
        "notes/models.py": MODELS,
        "notes/urls.py": NOTE_URLS,
        "notes/views.py": VIEWS.format(extra=extra),
        **files,
    }


def _harness(make_project: MakeProject, files: dict[str, str | bytes]) -> tuple[list[str], str]:
    database = inspect(make_project(files), use_cache=False).analysis.database
    found = in_harness(database, PAPER_ENVIRONMENT)
    return found.engines, found.stopped[0].describe() if found.stopped else ""


def test_a_django_view_module_with_an_undefined_base_class_stops_the_app(make_project: MakeProject) -> None:
    """Violating on main: the URL module `include("notes.urls")` names imports views.py, whose class base
    `TemplateView` nothing imports; Django's checks import it as `migrate` and `runserver` start, so the app
    cannot start (cdverify said SQLite)."""
    engines, why = _harness(make_project, _django())
    assert engines == []
    assert "notes/views.py:10 raises NameError (name 'TemplateView' is not defined)" in why


def test_a_django_view_module_importing_its_names_runs_on_sqlite(make_project: MakeProject) -> None:
    """Clean: the same app with the two names imported."""
    assert _harness(make_project, _django(IMPORTS)) == (["sqlite"], "")


def test_an_undefined_name_in_a_module_nothing_loads_at_start_up_stops_nothing(
    make_project: MakeProject,
) -> None:
    """Clean: a module no URL configuration, app or start-up module reaches (a stray helper) is not imported
    as the app starts."""
    files = _django(IMPORTS, **{"notes/unused.py": "class Report(BaseReport):\n    pass\n"})
    assert _harness(make_project, files) == (["sqlite"], "")


FLASK_APP = """from flask import Flask

from .routes import bp

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///app.db"
app.register_blueprint(bp)
"""
FLASK_ROUTES = """from flask import Blueprint
{extra}
bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index():
    return "ok"
"""
FLASK_DB = """from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
"""


@pytest.mark.parametrize(
    ("extra", "engines"), [("", []), ("from flask_login import login_required", ["sqlite"])]
)
def test_a_decorator_nothing_imports_in_a_module_the_app_imports(
    make_project: MakeProject, extra: str, engines: list[str]
) -> None:
    """Violating on main (no import): `@login_required` is evaluated as routes.py is imported by the module
    building the Flask app. Clean: imported."""
    files: dict[str, str | bytes] = {
        "app/__init__.py": FLASK_APP,
        "app/routes.py": FLASK_ROUTES.format(extra=extra),
        "app/db.py": FLASK_DB,
    }
    assert _harness(make_project, files)[0] == engines


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("class A(Base):\n    pass\n", [(1, "Base")]),
        ("@route\ndef f():\n    pass\n", [(1, "route")]),
        ("def f(x=DEFAULT):\n    pass\n", [(1, "DEFAULT")]),
        ("class A:\n    size = LIMIT * 2\n", [(2, "LIMIT")]),
        ("class A:\n    class B:\n        @prop\n        def f(self):\n            pass\n", [(3, "prop")]),
        ("handlers = [Handler(x) for x in range(3)]\n", [(1, "Handler")]),
        ("if flag_on:\n    pass\n", [(1, "flag_on")]),
        ("f = lambda x=DEFAULT: x\n", [(1, "DEFAULT")]),
    ],
)
def test_names_evaluated_at_import_that_nothing_defines(source: str, expected: list[tuple[int, str]]) -> None:
    """Violating: each name is read as the module is imported and bound nowhere."""
    assert undefined_names(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "def f():\n    return missing()\n",  # a function body runs when called
        "f = lambda: missing\n",  # so does a lambda's
        "def f(x: Missing) -> Other:\n    pass\n",  # annotations: deferred (PEP 563/649)
        "class A:\n    x: Missing\n",
        "from os import *\nclass A(Base):\n    pass\n",  # a star import may define anything
        "try:\n    class A(Base):\n        pass\nexcept NameError:\n    A = None\n",  # under a try
        "import os\nif os.environ.get('X'):\n    class A(Base):\n        pass\n",  # a branch that may not run
        "class A(Base):\n    pass\nfrom base import Base\n",  # bound further down: not judged
        "try:\n    from fast import Base\nexcept ImportError:\n    from slow import Base\nclass A(Base):\n    pass\n",
        "def setup():\n    global Base\n    Base = object\nsetup()\nclass A(Base):\n    pass\n",  # `global`
        "class A(Exception, metaclass=type):\n    name = __qualname__\n    path = __file__\n",  # builtins, Python's
        "class A:\n    size = 2\n    double = size * 2\n",  # the class body's own name
        "rows = [r for r in range(3) if r]\nsquares = {k: v for k, v in zip(rows, rows)}\n",
        "globals()['Base'] = object\nclass A(Base):\n    pass\n",  # the namespace reached dynamically
        "with open('x') as fh:\n    data = fh.read()\n",
        "if (n := 3):\n    pass\nvalue = n\n",
        "type Alias = Missing\n",  # evaluated lazily (a syntax error before 3.12: not judged)
        "class A(Base:\n",  # does not parse: unparsable.py's
    ],
)
def test_names_defined_or_not_evaluated_at_import(source: str) -> None:
    """Clean: each name is defined, or not evaluated as the module is imported, or the module is not judged."""
    assert undefined_names(source) == []


# -- a select list ending in a hole; aiopg.sa's scalar ----------------------------------------------------------

AIOHTTP_MAIN = """from aiohttp import web

from db import close_pg, init_pg
from routes import setup_routes

app = web.Application()
setup_routes(app)
app.on_startup.append(init_pg)
app.on_cleanup.append(close_pg)
web.run_app(app)
"""
AIOHTTP_DB = """import aiopg.sa


async def init_pg(app):
    engine = await aiopg.sa.create_engine(database="maps", user="maps", host="localhost")
    app["db"] = engine


async def close_pg(app):
    app["db"].close()
    await app["db"].wait_closed()
"""
AIOHTTP_ROUTES = """from views import get_shape


def setup_routes(app):
    app.router.add_get("/shapes/{layer}/{id}", get_shape)
"""
AIOHTTP_VIEWS = """from aiohttp import web

from shape_reader import ShapeReader


async def get_shape(request):
    body = await ShapeReader(request.app).read(**request.match_info)
    return web.Response(body=body)
"""
SHAPE_READER = """class ShapeReader:
    def __init__(self, app):
        self.db = app["db"]

    async def read(self, layer, id, extra_columns=None):
        extra = ", " + ", ".join(extra_columns) if extra_columns else ""
        query = f\"\"\"
            SELECT ST_AsGeoJSON(geometry) AS shape
                {extra}
            FROM {layer}
            WHERE id = {id}
        \"\"\"
        async with self.db.acquire() as conn:
            return await conn.scalar(QUERY)
"""


def _aiohttp(query: str) -> dict[str, str | bytes]:
    return {
        "main.py": AIOHTTP_MAIN,
        "db.py": AIOHTTP_DB,
        "routes.py": AIOHTTP_ROUTES,
        "views.py": AIOHTTP_VIEWS,
        "shape_reader.py": SHAPE_READER.replace("QUERY", query),
    }


def test_a_query_run_with_scalar_on_an_engine_from_the_app_state(make_project: MakeProject) -> None:
    """Violating on main: `conn.scalar(query)` was no sink and the f-string's `{extra}` after `AS shape` made
    the statement a fragment: no raw SQL, no data-access layer for the reader, no bypass from the view."""
    report = inspect_json(make_project, _aiohttp("query"))
    sites = [(site["file"], site["line"]) for site in report["orm"]["raw_sql"]]
    assert sites == [("shape_reader.py", 14)]
    assert layers_of(report)["shape_reader.py"] == "repositories"
    violations = [(v["file"], v["line"], v["kind"]) for v in report["architecture"]["violations"]]
    assert ("views.py", 3, "bypass") in violations


def test_scalar_of_a_string_that_is_no_statement_is_no_sql(make_project: MakeProject) -> None:
    """Clean: `scalar` on an untraced object counts only a complete statement."""
    report = inspect_json(make_project, _aiohttp('"shape of the layer"'))
    assert report["orm"]["raw_sql"] == []


@pytest.mark.parametrize(
    ("head", "tail"),
    [
        ("SELECT ST_AsMVTGeom(geom, 3857) AS geom\n    ", "\n  FROM shapes WHERE id = 1"),
        ("SELECT id, name AS label ", " FROM shapes"),
    ],
)
def test_a_select_list_ending_in_a_hole_is_a_statement(head: str, tail: str) -> None:
    """Violating on main: a hole after an aliased column (`, a, b` joined at run time) made it a fragment."""
    result = classify(Template((head, tail)), at_sink=True)
    assert result.kind is SqlKind.STATEMENT
    assert result.tables == ("shapes",)


@pytest.mark.parametrize(
    ("head", "tail"), [("SELECT id, name AS label ", ""), ("pick a name as label ", " from a list")]
)
def test_a_select_list_hole_without_a_from_stays_a_piece(head: str, tail: str) -> None:
    """Clean: dropping the hole completes only what was a statement already."""
    assert classify(Template((head, tail)), at_sink=True).kind is not SqlKind.STATEMENT


# -- djongo -------------------------------------------------------------------------------------------------------

DJONGO_MODELS = """from djongo import models


class Workout(models.Model):
    _id = models.ObjectIdField()
    name = models.CharField(max_length=100)
"""


def test_djongo_models_are_the_django_orm(make_project: MakeProject) -> None:
    """Violating on main: `from djongo import models` named no known library."""
    files = {
        "tracker/__init__.py": "",
        "tracker/models.py": DJONGO_MODELS,
        "tracker/views.py": "from .models import Workout\n\n\ndef workouts(request):\n    return Workout.objects.all()\n",
    }
    report = inspect_json(make_project, files)
    assert report["orm"]["libraries"] == ["django"]
    assert layers_of(report)["tracker/models.py"] == "models"


def test_djongo_alone_is_no_orm(make_project: MakeProject) -> None:
    """Clean: djongo's other modules (its SQL-to-Mongo compiler) define no model."""
    files = {
        "tracker/__init__.py": "",
        "tracker/mongo.py": "from djongo.sql2mongo import query\n\nQ = query\n",
    }
    assert inspect_json(make_project, files)["orm"]["libraries"] == []
