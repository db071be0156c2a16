"""An import that the Python server the run script starts cannot satisfy from the `sys.path` that start gives
it stops the application as it starts (ModuleNotFoundError, or ImportError for a relative import in a module
run with no parent package), so no engine holds in the harness (DB001; cdverify/detect/database/
start_paths.py). `uvicorn app.main:app` and `python -m` put the working directory on the path, `python
app/main.py` the script's folder; `manage.py runserver` also loads the module WSGI_APPLICATION names. Each
project is written for the test (issue 18; docs/accuracy.md "Python start-up modules the repository lacks")."""

from __future__ import annotations

import pytest
from reports import MakeProject

from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness
from cdverify.pipeline import inspect

MAIN = """from fastapi import FastAPI
from sqlalchemy import create_engine
{imports}

engine = create_engine("sqlite:///./shop.db")
app = FastAPI()
app.include_router(items.router)
"""
ITEMS = """from fastapi import APIRouter

router = APIRouter()


@router.get("/items")
def list_items():
    return []
"""
UVICORN = "#!/bin/bash\npip install -r requirements.txt\nuvicorn app.main:app --host 0.0.0.0 --port 8000\n"


def _fastapi(imports: str, run: str = UVICORN, **files: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "fastapi\nuvicorn\nsqlalchemy\n",
        "run.sh": run,
        "app/main.py": MAIN.format(imports=imports),
        "app/routers/items.py": ITEMS,
        **files,
    }


def _harness(make_project: MakeProject, files: dict[str, str | bytes]) -> tuple[list[str], str]:
    database = inspect(make_project(files), use_cache=False).analysis.database
    found = in_harness(database, PAPER_ENVIRONMENT)
    return found.engines, found.stopped[0].describe() if found.stopped else ""


def test_a_sibling_folder_the_working_directory_does_not_reach_stops_the_app(
    make_project: MakeProject,
) -> None:
    """Violating on main: `uvicorn app.main:app` from the root puts the root on sys.path; `routers` is
    app/routers/, reachable only as `app.routers`, so `from routers import items` raises ModuleNotFoundError
    (cdverify said SQLite)."""
    engines, why = _harness(make_project, _fastapi("from routers import items"))
    assert engines == []
    assert (
        "from routers import items at app/main.py:3 raises ModuleNotFoundError (No module named 'routers')"
        in why
    )
    assert "does not reach the project's app/routers" in why


@pytest.mark.parametrize(
    ("run", "imports", "files", "expected"),
    [
        # `python app/main.py` puts app/ on sys.path, not the root: `app.routers` is not found
        (
            "#!/bin/bash\npython app/main.py\n",
            "from app.routers import items",
            {"app/__init__.py": ""},
            "No module named 'app'",
        ),
        # a module run as a script has no parent package
        (
            "#!/bin/bash\npython3 -u app/main.py\n",
            "from .routers import items",
            {"app/__init__.py": ""},
            "ImportError (attempted relative import with no known parent package)",
        ),
        # the package is on the path but the submodule is not in it
        (
            UVICORN,
            "from app.routers.orders import router as orders\nfrom app.routers import items",
            {"app/__init__.py": ""},
            "app/routers/ has no orders",
        ),
        # an import of a module the app imports at start-up
        (
            UVICORN,
            "from app.routers import items",
            {"app/__init__.py": "", "app/routers/items.py": "from schemas import Item\n" + ITEMS},
            "items.py:1 raises ModuleNotFoundError (No module named 'schemas')",
        ),
    ],
    ids=["script-folder", "relative-in-script", "missing-submodule", "imported-module"],
)
def test_imports_the_start_cannot_satisfy_stop_the_app(
    make_project: MakeProject, run: str, imports: str, files: dict[str, str], expected: str
) -> None:
    """Violating on main (each said SQLite)."""
    files = dict(files)
    if "schemas" in expected:
        files["app/models/schemas.py"] = "class Item:\n    pass\n"
    engines, why = _harness(make_project, _fastapi(imports, run, **files))
    assert engines == []
    assert expected in why


@pytest.mark.parametrize(
    ("run", "imports", "files"),
    [
        # the server started from app/ (a literal `cd`, or uvicorn's --app-dir) reaches app/routers
        ("#!/bin/bash\ncd app\nuvicorn main:app --port 8000\n", "from routers import items", {}),
        ("#!/bin/bash\nuvicorn main:app --app-dir app --port 8000\n", "from routers import items", {}),
        ("#!/bin/bash\npython -m uvicorn main:app --app-dir=app\n", "from routers import items", {}),
        # `python -m` puts the working directory on the path
        ("#!/bin/bash\npython -m app.main\n", "from app.routers import items", {}),
        # a relative import in a module imported as part of its package
        (UVICORN, "from .routers import items", {"app/__init__.py": ""}),
        # what moves the path or installs the project is not followed: not judged
        ("#!/bin/bash\nPYTHONPATH=. python app/main.py\n", "from app.routers import items", {}),
        ("#!/bin/bash\npip install -e .\npython app/main.py\n", "from app.routers import items", {}),
        ("#!/bin/bash\npoetry install\npython app/main.py\n", "from app.routers import items", {}),
        ('#!/bin/bash\ncd "$(dirname "$0")/app"\nuvicorn main:app\n', "from app.routers import items", {}),
        (
            "#!/bin/bash\npython app/main.py\n",
            "import os\nimport sys\n\nsys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))\n"
            "from app.routers import items",
            {},
        ),
        (
            "#!/bin/bash\npython app/main.py\n",
            "from app.routers import items",
            {"requirements.txt": "-e .\n"},
        ),
        ("#!/bin/bash\ngunicorn -c conf.py app.main:app\n", "from routers import items", {}),
        # guarded at module level
        (
            UVICORN,
            "try:\n    from routers import items\nexcept ImportError:\n    from app.routers import items",
            {},
        ),
        # a name no project module has: maybe a package installed by hand; and a declared distribution
        (UVICORN, "import orjson\nfrom app.routers import items", {}),
        (
            UVICORN,
            "from routers import items",
            {"requirements.txt": "fastapi\nuvicorn\nsqlalchemy\nrouters\n"},
        ),
    ],
    ids=[
        "cd",
        "app-dir",
        "app-dir-equals",
        "python-m",
        "relative-in-package",
        "pythonpath",
        "editable-install",
        "poetry",
        "computed-cd",
        "sys-path-insert",
        "requirements-editable",
        "gunicorn-config",
        "guarded",
        "no-project-module",
        "declared",
    ],
)
def test_a_start_that_reaches_its_modules_or_cannot_be_followed_runs_on_sqlite(
    make_project: MakeProject, run: str, imports: str, files: dict[str, str]
) -> None:
    """Clean: the imports resolve on the start's path, or the start cannot be followed with certainty."""
    assert _harness(make_project, _fastapi(imports, run, **files)) == (["sqlite"], "")


MANAGE = """import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopsite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""
SETTINGS = """SECRET_KEY = "dev-only"
INSTALLED_APPS = [{apps}"django.contrib.auth", "django.contrib.contenttypes", "catalog"]
ROOT_URLCONF = "{urlconf}"
WSGI_APPLICATION = "shopsite.wsgi.application"
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}}}
"""
WSGI = """import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopsite.settings")
application = get_wsgi_application()
"""


def _django(apps: str = "", urlconf: str = "shopsite.urls", **files: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "django\n",
        "run.sh": "#!/bin/bash\npip install -r requirements.txt\npython manage.py migrate\npython manage.py runserver\n",
        "manage.py": MANAGE,
        "shopsite/settings.py": SETTINGS.format(apps=apps, urlconf=urlconf),
        "shopsite/urls.py": "urlpatterns = []\n",
        "catalog/models.py": "from django.db import models\n\n\nclass Item(models.Model):\n    name = models.TextField()\n",
        **files,
    }


@pytest.mark.parametrize(
    ("apps", "urlconf", "expected"),
    [
        ("", "shopsite.urls", "WSGI_APPLICATION names shopsite.wsgi: shopsite/ has no wsgi"),
        ("", "shopsite.routes", "ROOT_URLCONF names shopsite.routes: shopsite/ has no routes"),
        (
            '"catalog.apps.CatalogConfig", ',
            "shopsite.urls",
            "INSTALLED_APPS names catalog.apps.CatalogConfig",
        ),
    ],
    ids=["wsgi", "urlconf", "app-config"],
)
def test_a_django_setting_naming_a_module_the_project_lacks_stops_runserver(
    make_project: MakeProject, apps: str, urlconf: str, expected: str
) -> None:
    """Violating on main: `manage.py runserver` loads the module WSGI_APPLICATION names before it serves, the
    system checks import ROOT_URLCONF, django.setup() each installed app (here `catalog.apps` is missing)."""
    files = _django(apps, urlconf)
    if "wsgi" not in expected:
        files["shopsite/wsgi.py"] = WSGI
    engines, why = _harness(make_project, files)
    assert engines == []
    assert expected in why


@pytest.mark.parametrize("apps", ["", '"daphne", '], ids=["wsgi-present", "daphne-runserver"])
def test_a_django_site_whose_settings_name_its_modules_runs_on_sqlite(
    make_project: MakeProject, apps: str
) -> None:
    """Clean: wsgi.py is there; or daphne's runserver, which serves ASGI_APPLICATION, replaces Django's."""
    files = _django(apps)
    if not apps:
        files["shopsite/wsgi.py"] = WSGI
    assert _harness(make_project, files) == (["sqlite"], "")
