"""A module the application loads as it starts that evaluates a name nothing defines (a base class or a
decorator never imported) raises NameError as it is imported: the app cannot start, so no engine holds in
the harness (DB001; cdverify/detect/database/undefined_names.py over the parse fact `FileFacts.unbound`).
For Django, the URL modules ROOT_URLCONF reaches and the installed apps' modules are loaded at start-up.
Each project is written for the test (issue 18; docs/accuracy.md "Undefined names at import")."""

from __future__ import annotations

import pytest
from reports import MakeProject

from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness
from cdverify.pipeline import inspect

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


def test_a_project_module_importing_builtins_may_define_any_name(make_project: MakeProject) -> None:
    """Clean: a module that imports `builtins` may add the name for every module (`builtins.X = …`)."""
    files = _django(**{"site_conf/__init__.py": "import builtins\n"})
    assert _harness(make_project, files) == (["sqlite"], "")
