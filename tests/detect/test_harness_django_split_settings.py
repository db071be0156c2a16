"""A split-settings Django project starts with the settings module of the entry point that runs (issue 18,
the forty-fourth set): manage.py names `site.settings.dev` (SQLite, a literal SECRET_KEY) and wsgi.py names
`site.settings.prod`, which reads `os.environ["SECRET_KEY"]` at import. Started with `manage.py runserver`
(the run script's command, or Django's documented start where there is no run script), prod.py is never
imported, so its read stops nothing. Started through wsgi.py, or where the started module imports the
raising one, the application still cannot start. The projects are small synthetic ones written for these
tests (detect/database/django_settings.py)."""

from __future__ import annotations

from reports import MakeProject, check, database_status, only

TASK = "python-django-openapi-sqlite"


def _manage(settings: str) -> str:
    return f"""import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{settings}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
"""


WSGI = """import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_app.settings.prod")

application = get_wsgi_application()
"""
BASE = """from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]
ROOT_URLCONF = "site_app.urls"
WSGI_APPLICATION = "site_app.wsgi.application"
"""
DEV = """from .base import *

SECRET_KEY = "dev-only"
DEBUG = True
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
"""
PROD = """import os

from .base import *

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db" / "db.sqlite3"}}
"""
URLS = """from django.urls import path

from site_app import views

urlpatterns = [path("api/health-check", views.health)]
"""
VIEWS = """from django.http import JsonResponse


def health(request):
    return JsonResponse({"status": "ok"})
"""


def _files(manage: str = "site_app.settings.dev", **extra: str) -> dict[str, str | bytes]:
    return {
        "manage.py": _manage(manage),
        "site_app/__init__.py": "",
        "site_app/wsgi.py": WSGI,
        "site_app/urls.py": URLS,
        "site_app/views.py": VIEWS,
        "site_app/settings/__init__.py": "",
        "site_app/settings/base.py": BASE,
        "site_app/settings/dev.py": DEV,
        "site_app/settings/prod.py": PROD,
        "requirements.txt": "django\n",
        **extra,
    }


def test_manage_py_starts_with_its_own_settings_without_a_run_script(make_project: MakeProject) -> None:
    report = check(make_project, _files(), TASK)
    assert database_status(report) == "pass"
    assert not [f for f in report["findings"] if f["rule"] == "DB001"]


def test_a_run_script_running_manage_py_starts_with_its_settings(make_project: MakeProject) -> None:
    run = "#!/bin/sh\npip install -r requirements.txt\npython manage.py runserver 0.0.0.0:8080\n"
    assert database_status(check(make_project, _files(**{"run.sh": run}), TASK)) == "pass"


def test_a_run_script_serving_the_wsgi_module_loads_the_raising_settings(make_project: MakeProject) -> None:
    run = "#!/bin/sh\ngunicorn site_app.wsgi:application --bind 0.0.0.0:8080\n"
    db001 = only(check(make_project, _files(**{"run.sh": run}), TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "site_app/settings/prod.py:5" in db001["message"]


def test_manage_py_naming_the_raising_settings_stops(make_project: MakeProject) -> None:
    db001 = only(check(make_project, _files("site_app.settings.prod"), TASK), "DB001")
    assert db001["harness_engines"] == []


def test_a_started_settings_module_importing_the_raising_one_stops(make_project: MakeProject) -> None:
    dev = DEV.replace("from .base import *", "from .prod import *")
    db001 = only(check(make_project, _files(**{"site_app/settings/dev.py": dev}), TASK), "DB001")
    assert db001["harness_engines"] == []


def test_a_run_script_setting_the_settings_module_is_not_narrowed(make_project: MakeProject) -> None:
    run = (
        "#!/bin/sh\nexport DJANGO_SETTINGS_MODULE=site_app.settings.prod\n"
        "python manage.py runserver 0.0.0.0:8080\n"
    )
    db001 = only(check(make_project, _files(**{"run.sh": run}), TASK), "DB001")
    assert db001["harness_engines"] == []
