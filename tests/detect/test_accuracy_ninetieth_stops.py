"""Start-up stops of the ninetieth to ninety-seventh sets (docs/accuracy.md "Start-up stops of the ninetieth
to ninety-seventh sets"), each with a violating case and a near miss, on small projects written for the tests:

- better-sqlite3 opened at start-up with `{ fileMustExist: true }` on a file the project does not ship throws
  "unable to open database file": the application cannot start;
- a logging file handler configured at start-up (Django's LOGGING) whose file lies in a folder the project
  does not have and no code creates: `logging.config.dictConfig` raises, nothing starts;
- a throwing parse of an environment schema (`schema.parse(process.env)`) in a function reached from the
  entry's `start()` through the imported functions it calls (the app's default-exported builder, then a
  dependency factory): it throws before the server listens where a required variable is unset;
- a Flask app factory binding SQLALCHEMY_DATABASE_URI to a server URL whose host a variable with no default
  fills (`f"mysql+pymysql://…@{db_host}/shop"`, also in the `else` of a mode test judged for its variable
  unset) and running `db.create_all()` as the app starts: the host is None and the start fails.
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, database_status

from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness
from cdverify.pipeline import inspect

SQLITE_TASK = "express-openapi-sqlite"


def _db001(report: dict[str, Any]) -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule"] == "DB001"]


# -- better-sqlite3's fileMustExist on a file the project does not ship -----------------------------------

PACKAGE = (
    '{"name": "notes", "scripts": {"start": "START", "migrate": "knex migrate:latest"},'
    ' "dependencies": {"express": "4", "better-sqlite3": "11", "knex": "3"}}'
)
SERVER = """import express from 'express';
import { db } from './db';

const app = express();
app.get('/notes', (req, res) => res.json(db.prepare('SELECT * FROM notes').all()));
app.listen(3000);
"""
DB = """import * as sqlite from 'better-sqlite3';

export const db = new sqlite('notes.sqlite3'OPTIONS);
db.pragma('journal_mode = WAL');
"""
UNSHIPPED = "a file the project does not ship and nothing creates"


def _must_exist(
    options: str = ", { fileMustExist: true }",
    start: str = "tsx src/index.ts",
    extra: dict[str, str | bytes] | None = None,
) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE.replace("START", start),
        ".gitignore": "node_modules\nnotes.sqlite3\n",
        "src/index.ts": SERVER,
        "src/db.ts": DB.replace("OPTIONS", options),
        **(extra or {}),
    }


def test_a_database_file_that_must_exist_and_is_not_shipped_stops_the_app(make_project: MakeProject) -> None:
    report = check(make_project, _must_exist(), SQLITE_TASK)
    assert database_status(report) == "fail"
    assert any(UNSHIPPED in message and "fileMustExist" in message for message in _db001(report))


@pytest.mark.parametrize(
    ("options", "start", "extra"),
    [
        ("", "tsx src/index.ts", None),  # no option: better-sqlite3 creates the file
        (", { fileMustExist: false }", "tsx src/index.ts", None),
        (
            ", { fileMustExist: true }",
            "tsx src/index.ts",
            {"notes.sqlite3": b"SQLite format 3\x00"},
        ),  # shipped
        (", { fileMustExist: true }", "sqlite3 notes.sqlite3 < schema.sql && tsx src/index.ts", None),  # made
    ],
    ids=["no-option", "false", "shipped", "made-by-start"],
)
def test_a_database_file_created_or_shipped_is_no_stop(
    make_project: MakeProject, options: str, start: str, extra: dict[str, str | bytes] | None
) -> None:
    report = check(make_project, _must_exist(options, start, extra), SQLITE_TASK)
    assert database_status(report) == "pass"
    assert not any(UNSHIPPED in message for message in _db001(report))


# -- a log file handler made at start-up in a folder the project lacks ----------------------------------------

DJANGO_TASK = "python-django-openapi-sqlite"
FLASK_TASK = "python-flask-openapi-sqlite-sqlalchemy"
NO_FOLDER = "a folder the project does not have and no code creates"
SETTINGS = """from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "dev"
DEBUG = True
INSTALLED_APPS = ["django.contrib.contenttypes", "notes"]
ROOT_URLCONF = "site_conf.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
MAKE
LOGGING = {
    "version": 1,
    "handlers": {
        "file": {"level": "INFO", "class": "logging.FileHandler", "filename": FILENAMEDELAY},
        "console": {"class": "logging.StreamHandler"},
    },
    "loggers": {"notes": {"handlers": ["file", "console"], "level": "INFO"}},
}
"""


def _django(
    filename: str = 'BASE_DIR / "logs" / "notes.log"',
    make: str = "",
    delay: str = "",
    extra: dict[str, str | bytes] | None = None,
) -> dict[str, str | bytes]:
    settings = SETTINGS.replace("FILENAME", filename).replace("DELAY", delay).replace("MAKE", make)
    return {
        "requirements.txt": "django\n",
        ".gitignore": "*.log\nlogs/\n",
        "manage.py": "import os\nimport sys\n\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_conf.settings')\n"
        "from django.core.management import execute_from_command_line\n\nexecute_from_command_line(sys.argv)\n",
        "site_conf/__init__.py": "",
        "site_conf/settings.py": settings,
        "site_conf/urls.py": "from django.urls import path\n\nfrom notes.views import health\n\n"
        'urlpatterns = [path("api/health-check", health)]\n',
        "notes/__init__.py": "",
        "notes/views.py": "from django.http import JsonResponse\n\n\ndef health(request):\n"
        '    return JsonResponse({"ok": True})\n',
        **(extra or {}),
    }


@pytest.mark.parametrize(
    "filename",
    ['BASE_DIR / "logs" / "notes.log"', 'os.path.join(BASE_DIR, "logs", "notes.log")', '"logs/notes.log"'],
    ids=["path-division", "os-path-join", "relative"],
)
def test_a_django_log_file_in_a_missing_folder_stops_the_app(
    make_project: MakeProject, filename: str
) -> None:
    files = _django(filename)
    files["site_conf/settings.py"] = "import os\n" + str(files["site_conf/settings.py"])
    report = check(make_project, files, DJANGO_TASK)
    assert database_status(report) == "fail"
    assert any(NO_FOLDER in message and "logs/" in message for message in _db001(report))


@pytest.mark.parametrize(
    ("filename", "make", "delay", "extra"),
    [
        ('BASE_DIR / "logs" / "notes.log"', "", "", {"logs/.gitkeep": ""}),  # the folder is shipped
        # git-ignored, but made by the settings before logging is configured
        ('BASE_DIR / "logs" / "notes.log"', '(BASE_DIR / "logs").mkdir(exist_ok=True)', "", None),
        ('BASE_DIR / "logs" / "notes.log"', "", ', "delay": True', None),  # opened at the first record
        ('BASE_DIR / "notes.log"', "", "", None),  # the project's root
        ('"/var/log/notes/notes.log"', "", "", None),  # absolute: the host's folder
    ],
    ids=["shipped", "made", "delayed", "root", "absolute"],
)
def test_a_django_log_file_whose_folder_is_there_or_made_starts(
    make_project: MakeProject, filename: str, make: str, delay: str, extra: dict[str, str | bytes] | None
) -> None:
    report = check(make_project, _django(filename, make, delay, extra), DJANGO_TASK)
    assert database_status(report) == "pass"
    assert not any(NO_FOLDER in message for message in _db001(report))


FLASK_APP = """import logging

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

CONFIGURE

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///notes.db"
db = SQLAlchemy(app)


@app.get("/api/notes")
def notes():
    return {"notes": []}
"""


@pytest.mark.parametrize(
    ("configure", "stops"),
    [
        ('logging.basicConfig(filename="logs/app.log", level=logging.INFO)', True),
        ('handler = logging.FileHandler("logs/app.log")', True),
        ('handler = logging.FileHandler("logs/app.log", delay=True)', False),  # opened at the first record
        ('def setup():\n    logging.basicConfig(filename="logs/app.log")', False),  # never called at start-up
        (
            'try:\n    handler = logging.FileHandler("logs/app.log")\nexcept OSError:\n    handler = None',
            False,
        ),
    ],
    ids=["basicConfig", "FileHandler", "delayed", "in-a-function", "caught"],
)
def test_a_module_level_log_file_handler_in_a_missing_folder(
    make_project: MakeProject, configure: str, stops: bool
) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "flask\nflask-sqlalchemy\n",
        "app.py": FLASK_APP.replace("CONFIGURE", configure),
    }
    report = check(make_project, files, FLASK_TASK)
    assert database_status(report) == ("fail" if stops else "pass")
    assert any(NO_FOLDER in message for message in _db001(report)) is stops


# -- an environment schema parsed in a function the start runs, through imported functions -------------------

FASTIFY_PACKAGE = (
    '{"name": "api", "scripts": {"dev": "tsx watch src/server.ts"}, "dependencies": {"fastify": "5",'
    ' "zod": "3", "pg": "8", "drizzle-orm": "0.36"}}'
)
FASTIFY_SERVER = """import Fastify from 'fastify';
import buildApp from './app';

async function start() {
  const fastify = Fastify({ logger: true });
  await buildApp(fastify);
  await fastify.listen({ port: 3000, host: '0.0.0.0' });
}

start();
"""
FASTIFY_APP = """import { FastifyInstance } from 'fastify';
import { makeDependencies } from './deps';

export default async function buildApp(fastify: FastifyInstance) {
  fastify.decorate('deps', {
    ...makeDependencies(),
  });
  fastify.get('/health', async () => ({ ok: true }));
  return fastify;
}
"""
FASTIFY_DEPS = """import { loadConfig } from './config';
import { db } from './db';

export function makeDependencies() {
  const config = loadConfig();
  return { config, db };
}
"""
FASTIFY_CONFIG = """import { z } from 'zod';

export function loadConfig() {
  const schema = z.object({
    DATABASE_URL: z.string()DEFAULT,
    PORT: z.string()DEFAULT,
  });
  return schema.parse(process.env);
}
"""
FASTIFY_DB = """import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';

export const db = drizzle(new Pool({ connectionString: process.env.DATABASE_URL || 'postgres://u:p@localhost/app' }));
"""


def _fastify(default: str = "", deps: str = FASTIFY_DEPS) -> dict[str, str | bytes]:
    return {
        "package.json": FASTIFY_PACKAGE,
        "src/server.ts": FASTIFY_SERVER,
        "src/app.ts": FASTIFY_APP,
        "src/deps.ts": deps,
        "src/config.ts": FASTIFY_CONFIG.replace("DEFAULT", default),
        "src/db.ts": FASTIFY_DB,
    }


def _paper(make_project: MakeProject, files: dict[str, str | bytes]) -> tuple[list[str], str]:
    found = in_harness(inspect(make_project(files), use_cache=False).analysis.database, PAPER_ENVIRONMENT)
    return found.engines, found.why_not("postgresql")


def test_a_schema_parsed_in_a_function_the_start_reaches_stops_the_app(make_project: MakeProject) -> None:
    engines, why = _paper(make_project, _fastify())
    assert engines == []
    assert "zod schema finds" in why and "$PORT" in why


@pytest.mark.parametrize(
    ("default", "deps"),
    [
        (".default('3000')", FASTIFY_DEPS),  # every field has a default: the parse passes
        # the config is loaded only in a handler the dependency factory returns: not as the app starts
        (
            "",
            FASTIFY_DEPS.replace(
                "  const config = loadConfig();\n  return { config, db };",
                "  return { db, config: async () => loadConfig() };",
            ),
        ),
    ],
    ids=["defaults", "lazy"],
)
def test_a_schema_that_passes_or_is_parsed_later_is_no_stop(
    make_project: MakeProject, default: str, deps: str
) -> None:
    engines, _why = _paper(make_project, _fastify(default, deps))
    assert engines == ["postgresql"]


# -- a Flask extension's holed URL connected by a schema step in the app factory -------------------------------

FLASK_FACTORY = """import os

from flask import Flask

from app.models import db


def create_app():
    app = Flask(__name__)
CONFIGURE
    db.init_app(app)

    with app.app_context():
STEP

    @app.get("/api/tracks")
    def tracks():
        return {"tracks": []}

    return app
"""
HOLED = """    db_host = os.environ.get("DB_HOST"HOST_DEFAULT)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"mysql+pymysql://music:secret@{db_host}/music_db"
"""
BY_MODE = """    dev_mode = os.environ.get("DEV_MODE")
    if dev_mode == "True":
        app.config["SQLALCHEMY_DATABASE_URI"] = "mysql+pymysql://music:secret@localhost/music_db"
    else:
        db_host = os.environ.get("DB_HOST")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"mysql+pymysql://music:secret@{db_host}/music_db"
"""
CREATE = "        db.drop_all()\n        db.create_all()"


def _flask_factory(
    configure: str = HOLED, step: str = CREATE, host_default: str = "", env: str = ""
) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "requirements.txt": "flask\nflask-sqlalchemy\npymysql\n",
        "run.py": 'from app import create_app\n\nif __name__ == "__main__":\n    app = create_app()\n'
        "    app.run()\nelse:\n    gunicorn_app = create_app()\n",
        "app/__init__.py": FLASK_FACTORY.replace(
            "CONFIGURE", configure.replace("HOST_DEFAULT", host_default)
        ).replace("STEP", step),
        "app/models.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n\n"
        "class Track(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n",
    }
    if env:
        files[".env"] = env
    return files


def _flask_paper(make_project: MakeProject, files: dict[str, str | bytes]) -> tuple[list[str], str]:
    found = in_harness(inspect(make_project(files), use_cache=False).analysis.database, PAPER_ENVIRONMENT)
    return found.engines, found.why_not("mysql")


@pytest.mark.parametrize("configure", [HOLED, BY_MODE], ids=["holed", "else-of-a-mode-test"])
def test_a_schema_step_on_a_holed_url_in_the_app_factory_stops_the_app(
    make_project: MakeProject, configure: str
) -> None:
    engines, why = _flask_paper(make_project, _flask_factory(configure))
    assert engines == []
    assert "host from $DB_HOST" in why


@pytest.mark.parametrize(
    ("configure", "step", "host_default", "env"),
    [
        (HOLED, CREATE, ', "localhost"', ""),  # a default host: the harness's network decides
        (HOLED, "        pass", "", ""),  # no schema step: nothing connects as the app starts
        (HOLED, '        if os.environ.get("INIT_DB"):\n            db.create_all()', "", ""),  # under an if
        (BY_MODE, CREATE, "", "DEV_MODE=True\n"),  # the project's .env picks the local branch
    ],
    ids=["host-default", "no-step", "guarded-step", "mode-set-in-env-file"],
)
def test_a_url_with_a_default_host_or_no_start_up_step_is_no_stop(
    make_project: MakeProject, configure: str, step: str, host_default: str, env: str
) -> None:
    engines, _why = _flask_paper(make_project, _flask_factory(configure, step, host_default, env))
    assert engines == ["mysql"]
