"""Patterns of the fifty-fifth unseen labelled set (issue 18, docs/accuracy.md "Disagreements of the fifty-fifth
set"), each with a violating case and clean ones, on small projects written for the tests:

- a Django project package, the folder holding the settings module an entry point names through
  DJANGO_SETTINGS_MODULE beside the URL configuration or WSGI/ASGI module `startproject` writes there, is named for
  the project: a layer word as its name (`service/`, `api/`) names no layer for its files, whose own names and code
  decide;
- a Python package's `__init__.py` that only imports names from its modules and lists them in `__all__`
  (`from .connection import engine, get_session`) hands them on, as a JavaScript barrel does: it is in the layer
  of the modules it re-exports when they all show one role by their code.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json, layers_of

# -- a Django project package named with a layer word --------------------------------------------------------

MANAGE = """import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{settings}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
"""
SETTINGS = """from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "not-a-secret"
DEBUG = True
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "notes"]
ROOT_URLCONF = "{package}.urls"
WSGI_APPLICATION = "{package}.wsgi.application"
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}}}
"""
URLS = """from django.urls import include, path

urlpatterns = [path("notes/", include("notes.urls"))]
"""
WSGI = """import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{settings}")
application = get_wsgi_application()
"""
NOTE_MODELS = """from django.db import models


class Note(models.Model):
    title = models.CharField(max_length=100)
"""
NOTE_VIEWS = """from django.http import JsonResponse

from .models import Note


def index(request):
    return JsonResponse({"notes": list(Note.objects.values("id", "title"))})
"""
NOTE_URLS = """from django.urls import path

from . import views

urlpatterns = [path("", views.index)]
"""
HELPERS = """def slug(text):
    return "-".join(text.lower().split())
"""


def _django(package: str, settings: str = "settings.py", named: str | None = None) -> dict[str, str | bytes]:
    module = f"{package}.{settings.removesuffix('.py').replace('/', '.')}".removesuffix(".__init__")
    dotted = module if named is None else named
    return {
        "manage.py": MANAGE.format(settings=dotted),
        "requirements.txt": "django\n",
        f"{package}/__init__.py": "",
        f"{package}/{settings}": SETTINGS.format(package=package),
        f"{package}/urls.py": URLS,
        f"{package}/wsgi.py": WSGI.format(settings=dotted),
        f"{package}/helpers.py": HELPERS,
        "notes/__init__.py": "",
        "notes/models.py": NOTE_MODELS,
        "notes/views.py": NOTE_VIEWS,
        "notes/urls.py": NOTE_URLS,
    }


@pytest.mark.parametrize(
    ("package", "settings"),
    [("service", "settings.py"), ("api", "settings.py"), ("services", "settings/__init__.py")],
)
def test_a_django_project_package_names_no_layer(
    make_project: MakeProject, package: str, settings: str
) -> None:
    """Violating on main: `service/` (the project `startproject service` writes) named the services layer, so its
    settings module, package marker and helpers were services (`api/`'s were routes)."""
    layers = layers_of(inspect_json(make_project, _django(package, settings)))
    assert f"{package}/{settings}" not in layers
    assert f"{package}/__init__.py" not in layers
    assert f"{package}/helpers.py" not in layers
    assert layers[f"{package}/urls.py"] == "routes"  # its code registers routes
    assert layers["notes/views.py"] == "routes"
    assert layers["notes/models.py"] == "models"


def test_a_layer_folder_beside_the_project_package_keeps_its_layer(make_project: MakeProject) -> None:
    """Clean: a `services/` folder of use cases beside the project package `config/` stays the services layer."""
    files = _django("config")
    files["services/__init__.py"] = ""
    files["services/notes.py"] = (
        "from notes.models import Note\n\n\ndef titles():\n    return [n.title for n in Note.objects.all()]\n"
    )
    layers = layers_of(inspect_json(make_project, files))
    assert layers["services/notes.py"] == "services"
    assert "config/settings.py" not in layers


def test_a_layer_folder_no_entry_point_names_as_settings_keeps_its_layer(make_project: MakeProject) -> None:
    """Clean: where the settings module manage.py names lies elsewhere, `service/` holding a `settings.py`
    and a `urls.py` is no project package: it stays the services layer."""
    files = _django("service", named="config.settings")
    files["config/__init__.py"] = ""
    files["config/settings.py"] = SETTINGS.format(package="config")
    layers = layers_of(inspect_json(make_project, files))
    assert layers["service/helpers.py"] == "services"


# -- a Python package marker re-exporting its data-access module ---------------------------------------------

CONNECTION = """import os

from sqlmodel import Session, create_engine

engine = create_engine(os.getenv("DATABASE_URL", "sqlite:///app.db"))


def get_session():
    with Session(engine) as session:
        yield session
"""
TABLES = """from sqlmodel import Field, SQLModel


class Task(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str
"""
FORMAT = """def title_case(text):
    return text.title()
"""
MAIN = """from fastapi import FastAPI

from .routes import tasks

app = FastAPI()
app.include_router(tasks.router)
"""
TASKS = """from fastapi import APIRouter, Depends
from sqlmodel import Session, select

from ..storage.connection import get_session
from ..tables import Task

router = APIRouter(prefix="/tasks")


@router.get("")
def list_tasks(session: Session = Depends(get_session)):
    return session.exec(select(Task)).all()
"""


def _fastapi(marker: str, **more: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "fastapi\nsqlmodel\n",
        "app/__init__.py": "",
        "app/main.py": MAIN,
        "app/tables.py": TABLES,
        "app/routes/__init__.py": "",
        "app/routes/tasks.py": TASKS,
        "app/storage/__init__.py": marker,
        "app/storage/connection.py": CONNECTION,
        **more,
    }


@pytest.mark.parametrize(
    "marker",
    [
        '# Storage package\nfrom .connection import engine, get_session\n\n__all__ = ["get_session", "engine"]\n',
        "from app.storage.connection import get_session\n",
    ],
    ids=["relative-with-all", "absolute"],
)
def test_a_package_marker_re_exporting_data_access_is_data_access(
    make_project: MakeProject, marker: str
) -> None:
    """Violating on main: `storage/` names no layer and the marker's code is no query of its own, so the package
    handing the engine and the session on had no layer."""
    layers = layers_of(inspect_json(make_project, _fastapi(marker)))
    assert layers["app/storage/connection.py"] == "repositories"
    assert layers["app/storage/__init__.py"] == "repositories"


@pytest.mark.parametrize(
    ("marker", "more"),
    [
        # it re-exports a helper of no layer too
        (
            "from .connection import get_session\nfrom .format import title_case\n",
            {"app/storage/format.py": FORMAT},
        ),
        # it binds a value of its own
        ("from .connection import get_session\n\nPAGE_SIZE = 20\n", {}),
        # it defines a function
        ("from .connection import get_session\n\n\ndef session():\n    return get_session()\n", {}),
        ("", {}),  # an empty marker in a folder that names no layer
    ],
    ids=["with-a-helper", "own-value", "own-function", "empty"],
)
def test_a_package_marker_doing_more_than_re_exporting_data_access_has_no_layer(
    make_project: MakeProject, marker: str, more: dict[str, str]
) -> None:
    """Clean: a marker that also re-exports a module of no layer, binds a value or defines a function of its own,
    or holds nothing, is no barrel of the data-access module: it stays in no layer."""
    layers = layers_of(inspect_json(make_project, _fastapi(marker, **more)))
    assert layers["app/storage/connection.py"] == "repositories"
    assert "app/storage/__init__.py" not in layers
