"""Patterns of the fifty-fourth unseen labelled set (issue 18, docs/accuracy.md "Disagreements of the fifty-fourth
set"), each with a violating case and clean ones, on small projects written for the tests:

- a package.json whose start scripts, `start:dev` and the like included (`start:`, `dev:`, `serve:` names), all
  load an env file the project does not ship — Node's `--env-file=.env`, or env-cmd's `-f .env` (which throws
  "Failed to find .env file at path") — cannot start; env-cmd's `--silent`, a `--` before the flag, or dotenv-cli
  (which runs the command without the file) leave it running;
- a Django settings module choosing PostgreSQL in an `elif` on a variable being set (`if os.getenv("TEST_MODE")
  == "true": … elif os.getenv("DB_HOST"): … postgresql … else: … sqlite3 …`) runs SQLite where the variable is
  unset: the `elif`'s side holds only where it is set, as an `if`'s with its `else` does.
"""

from __future__ import annotations

import json

import pytest
from reports import MakeProject, check, database_status, only

from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness
from cdverify.pipeline import inspect

# -- start scripts loading an env file the project does not ship ---------------------------------------------

EXPRESS_TASK = "express-openapi-postgres"
EXPRESS_INDEX = """const express = require('express');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL || 'postgresql://u:p@postgres:5432/app' });
const app = express();
app.get('/api/health', async (req, res) => res.json((await pool.query('SELECT 1 AS ok')).rows));
app.listen(3000);
"""


def _express(scripts: dict[str, str], **more: str) -> dict[str, str | bytes]:
    package = {
        "name": "api",
        "scripts": scripts,
        "dependencies": {"express": "4", "pg": "8", "env-cmd": "10"},
    }
    return {"package.json": json.dumps(package, indent=2), "src/index.js": EXPRESS_INDEX, **more}


@pytest.mark.parametrize(
    ("scripts", "label"),
    [
        # the only script is a `start:` one
        ({"start:dev": "node --env-file=.env --watch -- src/index.js"}, "Node's --env-file"),
        ({"dev:api": "node --env-file .env.local src/index.js", "build": "tsc"}, "Node's --env-file"),
        ({"start": "env-cmd -f .env node src/index.js"}, "env-cmd's --file"),
        (
            {
                "start": "env-cmd --file=.env -- node src/index.js",
                "serve": "env-cmd -f .env node src/index.js",
            },
            "env-cmd's --file",
        ),
    ],
    ids=["start-dev", "dev-prefixed", "env-cmd", "env-cmd-file"],
)
def test_start_scripts_loading_an_unshipped_env_file_stop_the_app(
    make_project: MakeProject, scripts: dict[str, str], label: str
) -> None:
    db001 = only(check(make_project, _express(scripts), EXPRESS_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert f"exits: {label} names" in db001["message"]


@pytest.mark.parametrize(
    ("scripts", "more"),
    [
        # another start script loads no file
        ({"start:dev": "node --env-file=.env --watch src/index.js", "start:prod": "node src/index.js"}, {}),
        ({"start:dev": "node --env-file=.env src/index.js"}, {".env": "PORT=3000\n"}),  # the file is shipped
        ({"start": "env-cmd --silent -f .env node src/index.js"}, {}),  # env-cmd carries on without it
        ({"start": "env-cmd --fallback -f .env.local node src/index.js"}, {}),  # it may fall back on another
        ({"start": "dotenv -e .env -- node src/index.js"}, {}),  # dotenv-cli runs the command without it
        ({"start": "env-cmd -e dev -- node src/index.js -f .env"}, {}),  # the command's flag, not env-cmd's
    ],
    ids=["other-start", "shipped", "silent", "fallback", "dotenv-cli", "after-dashes"],
)
def test_start_scripts_that_can_start_without_the_file_leave_the_app_running(
    make_project: MakeProject, scripts: dict[str, str], more: dict[str, str]
) -> None:
    assert database_status(check(make_project, _express(scripts, **more), EXPRESS_TASK)) == "pass"


# -- a Django settings `elif` on a variable being set -----------------------------------------------------

DJANGO_TASK = "python-django-openapi-sqlite"
SETTINGS = """import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTALLED_APPS = ["django.contrib.contenttypes", "notes"]
ROOT_URLCONF = "site_conf.urls"

if os.getenv("CI_RUN") == "yes":
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "ci.sqlite3"}}
elif TEST:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "notes",
            "HOST": os.getenv("PG_HOST", ""),
        }
    }
ELSE
"""
SQLITE_ELSE = """else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}"""


def _django(test: str, otherwise: str = SQLITE_ELSE) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "django\npsycopg2-binary\n",
        "run.sh": "#!/bin/sh\nexec python manage.py runserver 0.0.0.0:8080\n",
        "manage.py": "import os\nimport sys\n\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_conf.settings')\n"
        "from django.core.management import execute_from_command_line\n\nexecute_from_command_line(sys.argv)\n",
        "site_conf/__init__.py": "",
        "site_conf/settings.py": SETTINGS.replace("TEST", test).replace("ELSE", otherwise),
        "site_conf/urls.py": "from django.urls import path\n\nfrom notes.views import health\n\n"
        'urlpatterns = [path("api/health-check", health)]\n',
        "notes/__init__.py": "",
        "notes/views.py": "from django.http import JsonResponse\n\n\ndef health(request):\n"
        '    return JsonResponse({"status": "ok"})\n',
    }


def _harness(make_project: MakeProject, files: dict[str, str | bytes]) -> list[str]:
    return in_harness(
        inspect(make_project(files), use_cache=False).analysis.database, PAPER_ENVIRONMENT
    ).engines


@pytest.mark.parametrize(
    "test",
    [
        'os.getenv("PG_HOST")',
        'os.environ.get("PG_HOST") or os.environ.get("PG_NAME")',
        '"PG_HOST" in os.environ',
    ],
)
def test_an_elif_on_a_variable_being_set_does_not_hold_where_it_is_unset(
    make_project: MakeProject, test: str
) -> None:
    assert _harness(make_project, _django(test)) == ["sqlite"]
    assert database_status(check(make_project, _django(test), DJANGO_TASK)) == "pass"


@pytest.mark.parametrize(
    ("test", "otherwise"),
    [
        ('not os.getenv("PG_HOST")', SQLITE_ELSE),  # PostgreSQL where the variable is unset
        ('os.getenv("PG_HOST")', ""),  # no `else`: what runs where it is not taken is not shown
    ],
    ids=["unset-side", "no-else"],
)
def test_an_elif_whose_side_holds_in_the_harness_keeps_postgres(
    make_project: MakeProject, test: str, otherwise: str
) -> None:
    assert _harness(make_project, _django(test, otherwise)) == ["postgresql", "sqlite"]
