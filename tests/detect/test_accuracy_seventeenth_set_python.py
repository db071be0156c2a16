"""Python patterns of the seventeenth unseen labelled set (issue 18, docs/accuracy.md "The seventeenth set's
Python patterns"), each with a violating and a clean project written for the test:

- a Django app's `admin.py` (admin registrations, or only the `startapp` import) and `apps.py` (its
  `AppConfig`) configure the app for Django: no layer, though their folder names one (`api/`);
- a class extending a ready-made auth view of a DRF auth package (`SocialLoginView`) answers requests,
  even in a module named `models.py`;
- a data-access library only a hand-run script imports (`import sqlite3` in a loader beside an SQLAlchemy
  app) is the script's, not the application's;
- an unconditional module-level import, at start-up, of a module the repository keeps out of itself
  (`from config import Config` with `config.py` in `.gitignore` or a `config.example.py` beside it) stops the
  app: no engine holds in the harness.
"""

from __future__ import annotations

import json

import pytest
from reports import MakeProject, check, evidence_of, inspect_json, layers_of, only

SETTINGS = """INSTALLED_APPS = ["django.contrib.admin", "django.contrib.contenttypes", "api"]
ROOT_URLCONF = "site_conf.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
"""
ROOT_URLS = """from django.urls import include, path

urlpatterns = [path("api/", include("api.urls"))]
"""
API_URLS = """from django.urls import path

from api import views

urlpatterns = [path("boards/", views.boards)]
"""
API_VIEWS = """from django.http import JsonResponse

from api.models import Board


def boards(request):
    return JsonResponse({"boards": [b.title for b in Board.objects.all()]})
"""
API_MODELS = """from django.db import models


class Board(models.Model):
    title = models.CharField(max_length=80)
"""
APPS = """from django.apps import AppConfig


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
"""
ADMIN_REGISTERING = """from django.contrib import admin

from api.models import Board


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ("title",)
"""
ADMIN_STARTAPP = "from django.contrib import admin\n\n# Register your models here.\n"


def _django(**extra: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "django==4.2\n",
        "manage.py": "import sys\n\nfrom django.core.management import execute_from_command_line\n\n"
        "execute_from_command_line(sys.argv)\n",
        "site_conf/__init__.py": "",
        "site_conf/settings.py": SETTINGS,
        "site_conf/urls.py": ROOT_URLS,
        "api/__init__.py": "",
        "api/urls.py": API_URLS,
        "api/views.py": API_VIEWS,
        "api/models.py": API_MODELS,
        "api/apps.py": APPS,
        **extra,
    }


@pytest.mark.parametrize("admin", [ADMIN_REGISTERING, ADMIN_STARTAPP], ids=["registrations", "startapp"])
def test_a_django_apps_configuration_modules_take_no_layer_from_its_folder(
    make_project: MakeProject, admin: str
) -> None:
    report = inspect_json(make_project, _django(**{"api/admin.py": admin}))
    layers = layers_of(report)
    assert "api/apps.py" not in layers
    assert "api/admin.py" not in layers
    evidence = evidence_of(report)
    assert evidence["api/apps.py"] == evidence["api/admin.py"] == "framework configuration"
    # the app's other modules keep their layers
    assert layers["api/views.py"] == layers["api/urls.py"] == "routes"
    assert layers["api/models.py"] == "models"


@pytest.mark.parametrize(
    ("path", "module"),
    [
        # an admin module that also answers a request keeps its folder's layer
        (
            "api/admin.py",
            ADMIN_STARTAPP
            + 'from django.http import HttpResponse\n\n\ndef ping(request):\n    return HttpResponse("ok")\n',
        ),
        # an AppConfig in a module Django does not read configuration from: its folder decides
        ("api/app_config.py", APPS),
    ],
    ids=["admin-with-a-view", "config-elsewhere"],
)
def test_a_module_doing_more_than_configure_keeps_its_layer(
    make_project: MakeProject, path: str, module: str
) -> None:
    report = inspect_json(make_project, _django(**{path: module}))
    assert layers_of(report)[path] == "routes"
    assert evidence_of(report)[path] != "framework configuration"


def test_a_user_glob_places_a_configuration_module_anyway(make_project: MakeProject) -> None:
    files = _django(**{"cdverify.toml": '[layers.routes]\npaths = ["api/apps.py"]\n'})
    assert layers_of(inspect_json(make_project, files))["api/apps.py"] == "routes"


SOCIAL_LOGIN = """from django.db import models

from allauth.socialaccount.providers.github.views import GitHubOAuth2Adapter
from dj_rest_auth.registration.views import SocialLoginView


class GitHubLogin(SocialLoginView):
    adapter_class = GitHubOAuth2Adapter
"""


def test_a_subclass_of_a_ready_made_auth_view_answers_requests_in_a_models_module(
    make_project: MakeProject,
) -> None:
    files = _django(**{"accounts/__init__.py": "", "accounts/models.py": SOCIAL_LOGIN})
    report = inspect_json(make_project, files)
    assert layers_of(report)["accounts/models.py"] == "routes"
    assert evidence_of(report)["accounts/models.py"] == "code: routes"
    # the clean case: a models module of models stays models
    files["accounts/models.py"] = API_MODELS.replace("Board", "Profile")
    report = inspect_json(make_project, files)
    assert layers_of(report)["accounts/models.py"] == "models"


WOOD_APP = """from fastapi import FastAPI
from sqlalchemy import create_engine, text

engine = create_engine("sqlite:///./trees.db")
app = FastAPI()


@app.get("/trees")
def trees() -> list[str]:
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(text("SELECT name FROM trees"))]
"""
LOADER = """import csv
import sqlite3


def load(path: str) -> None:
    connection = sqlite3.connect("trees.db")
    with open(path) as handle:
        for row in csv.reader(handle):
            connection.execute("INSERT INTO trees (name) VALUES (?)", (row[0],))
    connection.commit()


if __name__ == "__main__":
    load("trees.csv")
"""


def _forest(**extra: str) -> dict[str, str | bytes]:
    return {"requirements.txt": "fastapi\nsqlalchemy\n", "app.py": WOOD_APP, "load_trees.py": LOADER, **extra}


def test_a_library_only_a_hand_run_script_imports_is_not_the_apps(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _forest())
    assert report["orm"]["libraries"] == ["sqlalchemy"]
    assert {item["scope"] for item in report["orm"]["raw_sql"] if item["file"] == "load_trees.py"} == {
        "scripts"
    }


def test_a_library_the_app_imports_too_stays_the_apps(make_project: MakeProject) -> None:
    store = (
        'import sqlite3\n\n\ndef connect() -> sqlite3.Connection:\n    return sqlite3.connect("trees.db")\n'
    )
    app = WOOD_APP.replace("from fastapi import FastAPI\n", "from fastapi import FastAPI\n\nimport store\n")
    report = inspect_json(make_project, _forest(**{"store.py": store, "app.py": app}))
    assert report["orm"]["libraries"] == ["sqlalchemy", "sqlite3"]


FLASK_APP = """import sqlite3

from flask import Flask, jsonify

from config import Config

app = Flask(__name__)


@app.route("/games")
def games():
    connection = sqlite3.connect("games.db")
    return jsonify([row[0] for row in connection.execute("SELECT name FROM games")])


if __name__ == "__main__":
    app.run(port=Config.PORT)
"""
CONFIG = "class Config:\n    PORT = 5000\n"


def _arcade(app: str = FLASK_APP, **extra: str) -> dict[str, str | bytes]:
    return {"requirements.txt": "flask\n", "app.py": app, **extra}


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ({".gitignore": "venv/\nconfig.py\n"}, ".gitignore ignores config.py"),
        ({".gitignore": "*.pyc\n/config.py\n"}, ".gitignore ignores config.py"),
        ({"config.example.py": CONFIG}, "config.example.py is its example"),
        ({"config.py.sample": CONFIG}, "config.py.sample is its example"),
    ],
    ids=["ignored", "ignored-anchored", "example", "sample"],
)
def test_a_module_the_repository_leaves_out_stops_the_app_at_start_up(
    make_project: MakeProject, extra: dict[str, str], why: str
) -> None:
    report = check(make_project, _arcade(**extra), "flask-openapi-sqlite")
    db001 = only(report, "DB001")
    message = (
        "from config import Config at app.py:5 raises ModuleNotFoundError: config is not in the project "
        f"({why})"
    )
    assert message in db001["message"]
    assert db001["harness_engines"] == []
    assert report["database"]["engines"] == ["sqlite"]  # the engine it is written for stays


def test_a_module_imported_by_a_module_run_at_start_up_stops_it_too(make_project: MakeProject) -> None:
    app = FLASK_APP.replace("from config import Config\n", "from settings import PORT\n").replace(
        "Config.PORT", "PORT"
    )
    settings = "import config\n\nPORT = config.PORT\n"
    files = _arcade(app, **{"settings.py": settings, ".gitignore": "config.py\n"})
    message = "import config at settings.py:1 raises ModuleNotFoundError: config is not in the project"
    assert message in only(check(make_project, files, "flask-openapi-sqlite"), "DB001")["message"]


@pytest.mark.parametrize(
    ("app", "extra"),
    [
        # nothing says the module is the repository's: an undeclared third-party package, maybe
        (FLASK_APP, {}),
        (FLASK_APP, {".gitignore": "venv/\n*.pyc\n"}),
        # the module is there (a working copy holding the ignored file)
        (FLASK_APP, {".gitignore": "config.py\n", "config.py": CONFIG}),
        (FLASK_APP, {".gitignore": "config/\n", "config/__init__.py": CONFIG}),
        # guarded: `try: … except ImportError:` at module level
        (
            FLASK_APP.replace(
                "from config import Config\n",
                "try:\n    from config import Config\nexcept ImportError:\n    Config = None\n",
            ),
            {".gitignore": "config.py\n"},
        ),
        # imported inside a function: only when it runs
        (
            FLASK_APP.replace("from config import Config\n", "").replace(
                "    app.run(port=Config.PORT)",
                "    from config import Config\n\n    app.run(port=Config.PORT)",
            ),
            {".gitignore": "config.py\n"},
        ),
    ],
    ids=["no-pointer", "other-ignores", "present", "present-package", "guarded", "in-function"],
)
def test_an_import_the_repository_does_not_leave_out_does_not_stop_it(
    make_project: MakeProject, app: str, extra: dict[str, str]
) -> None:
    report = check(make_project, _arcade(app, **extra), "flask-openapi-sqlite")
    assert "ModuleNotFoundError" not in json.dumps(report["findings"])


def test_a_declared_distribution_of_that_name_is_not_a_missing_module(make_project: MakeProject) -> None:
    files = _arcade(**{".gitignore": "config.py\n", "requirements.txt": "flask\nconfig==0.5\n"})
    report = check(make_project, files, "flask-openapi-sqlite")
    assert "ModuleNotFoundError" not in json.dumps(report["findings"])
