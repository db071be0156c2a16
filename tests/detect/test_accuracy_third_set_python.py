"""Python patterns of the third unseen labelled set (issue 18, docs/accuracy.md "A third unseen set"), each
with a violating and a clean project written for the test:

- a settings module that reads `os.environ["SECRET_KEY"]` at module level cannot be imported where the
  harness leaves the variable unset, so the application cannot start there (DB001, any engine);
- a synchronous SQLAlchemy engine loads no asyncio-only driver: a pinned `aiosqlite` adds no engine;
- asyncpgsa (a wrapper of asyncpg): its pool is data access, SQL run on it is raw SQL;
- a table-less `SELECT` on an untraced object (`request.app["pg"]`, a connection parameter) is raw SQL;
- Django's `management/commands/` are command-line scripts, not CQRS commands;
- Django's auth base classes (`AbstractUser`, …) define models;
- alembic's scripts in the folder alembic.ini's `script_location` names are migrations;
- a declarative mixin (`created_on = db.Column(…)` on a plain class) is model code.
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, inspect_json, only

from cdverify.config import build_config
from cdverify.pipeline import verify

# -- an application that cannot start: a required read beside the database settings ----------------------

FACTORY = """from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def create_app():
    app = Flask(__name__)
    app.config.from_object("config.settings")
    db.init_app(app)
    return app
"""
SETTINGS = """import os

SECRET_KEY = READ
SQLALCHEMY_DATABASE_URI = os.getenv("DATABASE_URL", "URL")
"""
URLS = {
    "flask-openapi-postgres": "postgresql://user:secret@postgres:5432/app",
    "flask-openapi-sqlite": "sqlite:///app.db",
}
REQUIREMENTS = "flask\nflask-sqlalchemy\n"


def _flask(
    read: str, extra: dict[str, str | bytes] | None = None, task: str = "flask-openapi-sqlite"
) -> dict[str, str | bytes]:
    return {
        "app/__init__.py": FACTORY,
        "config/__init__.py": "",
        "config/settings.py": SETTINGS.replace("READ", read).replace("URL", URLS[task]),
        "requirements.txt": REQUIREMENTS + ("psycopg2-binary\n" if "postgres" in task else ""),
        **(extra or {}),
    }


def _rules(report: dict[str, Any]) -> list[str]:
    """The database findings' rules."""
    return sorted(f["rule"] for f in report["findings"] if f["rule"].startswith("DB"))


def _status(report: dict[str, Any]) -> str:
    status: str = report["verdicts"]["database"]["status"]
    return status


@pytest.mark.parametrize("task", ["flask-openapi-postgres", "flask-openapi-sqlite"])
@pytest.mark.parametrize("read", ['os.environ["SECRET_KEY"]', "os.environ['SECRET_KEY']"])
def test_a_settings_module_that_raises_at_import_cannot_start(
    make_project: MakeProject, task: str, read: str
) -> None:
    db001 = only(check(make_project, _flask(read, task=task), task), "DB001")
    assert "has no database to start with" in db001["message"]
    assert "needs $SECRET_KEY, which is unset there" in db001["message"]
    assert "config/settings.py:3 raises KeyError at import" in db001["message"]
    assert db001["harness_engines"] == []


@pytest.mark.parametrize(
    "read",
    [
        'os.environ.get("SECRET_KEY", "dev")',
        'os.getenv("SECRET_KEY", "dev")',
        '"dev"\nAPI_KEY = os.environ["HOME"] if False else "x"\nAPI_KEY = "y"',  # assigned twice: a fallback
    ],
)
def test_a_read_with_a_default_starts(make_project: MakeProject, read: str) -> None:
    assert _status(check(make_project, _flask(read), "flask-openapi-sqlite")) == "pass"


def test_a_read_inside_a_function_is_not_at_start_up(make_project: MakeProject) -> None:
    lazy = '"dev"\n\n\ndef signing_key():\n    return os.environ["SIGNING_KEY"]\n'
    assert _status(check(make_project, _flask(lazy), "flask-openapi-sqlite")) == "pass"


MAIL = 'import os\n\nMAIL_TOKEN = os.environ["MAIL_TOKEN"]\n'


@pytest.mark.parametrize(
    ("factory", "status"),
    [
        (
            FACTORY.replace("from flask import Flask", "from flask import Flask\n\nfrom app import mail"),
            "fail",
        ),
        (
            FACTORY.replace(
                "    app = Flask(__name__)", "    from app import mail\n\n    app = Flask(__name__)"
            ),
            "pass",
        ),
        (FACTORY, "pass"),  # nothing imports it
    ],
    ids=["imported-at-start", "imported-in-the-factory-body", "not-imported"],
)
def test_a_read_in_a_module_the_app_imports_at_start_blocks(
    make_project: MakeProject, factory: str, status: str
) -> None:
    files = _flask('"dev"', {"app/__init__.py": factory, "app/mail.py": MAIL})
    report = check(make_project, files, "flask-openapi-sqlite")
    assert _status(report) == status
    if status == "fail":
        assert "needs $MAIL_TOKEN, which is unset there" in only(report, "DB001")["message"]


def test_a_read_in_the_app_factory_blocks(make_project: MakeProject) -> None:
    factory = FACTORY.replace(
        "    app = Flask(__name__)", '    app = Flask(__name__)\n    API_KEY = os.environ["API_KEY"]'
    ).replace("from flask import Flask", "import os\n\nfrom flask import Flask")
    report = check(make_project, _flask('"dev"', {"app/__init__.py": factory}), "flask-openapi-sqlite")
    assert "needs $API_KEY, which is unset there" in only(report, "DB001")["message"]


@pytest.mark.parametrize(
    ("read", "status"),
    [
        ('make_key(os.environ["SECRET_KEY"])', "fail"),  # an argument: read whenever the line runs
        ('str(os.environ["SECRET_KEY"]).strip()', "fail"),
        ("\"os.environ['SECRET_KEY']\"", "pass"),  # text that looks like a read
        ('make_key(lambda: os.environ["SECRET_KEY"])', "pass"),  # read when the lambda is called
        ('os.environ["SECRET_KEY"] if "SECRET_KEY" in os.environ else "dev"', "pass"),
        ('os.getenv("DEBUG") and os.environ["SECRET_KEY"]', "pass"),
    ],
    ids=["call-argument", "nested", "in-a-string", "in-a-lambda", "conditional", "after-and"],
)
def test_a_read_nested_in_the_value_blocks_only_where_it_always_runs(
    make_project: MakeProject, read: str, status: str
) -> None:
    settings = "def make_key(value):\n    return value\n\n\nSECRET_KEY = " + read
    report = check(make_project, _flask(settings.replace("SECRET_KEY = ", "KEY = ")), "flask-openapi-sqlite")
    assert _status(report) == status
    if status == "fail":
        assert "needs $SECRET_KEY, which is unset there" in only(report, "DB001")["message"]


def test_a_read_handed_to_a_call_in_the_app_factory_blocks(make_project: MakeProject) -> None:
    """`tokens = TokenService(os.environ["JWT_SECRET"])` in the function that builds the app raises KeyError
    as the app starts, where the harness leaves the variable unset."""
    factory = FACTORY.replace(
        "    app = Flask(__name__)",
        '    app = Flask(__name__)\n    tokens = make_tokens(os.environ["JWT_SECRET"])',
    ).replace(
        "from flask import Flask",
        "import os\n\nfrom flask import Flask\n\nfrom app.tokens import make_tokens",
    )
    files = _flask(
        '"dev"', {"app/__init__.py": factory, "app/tokens.py": "def make_tokens(key):\n    return key\n"}
    )
    report = check(make_project, files, "flask-openapi-sqlite")
    db001 = only(report, "DB001")
    assert "needs $JWT_SECRET, which is unset there" in db001["message"]
    # the fix is the variable that stops it: with it set, the app runs on SQLite, the engine asked for
    assert db001["hint"].startswith("give $JWT_SECRET a default in code, or set it in a `.env` file")
    assert "DATABASE_URL" not in db001["hint"]
    assert _status(check(make_project, {**files, ".env": "JWT_SECRET=x\n"}, "flask-openapi-sqlite")) == "pass"


# (settings read, whether it stops the app): a stop under a condition testing the variable alone blocks
STOPS = {
    "raise-after-getenv": (
        'os.getenv("SECRET_KEY")\nif not SECRET_KEY:\n    raise ValueError("unset")',
        True,
    ),
    "raise-on-getenv": (
        '"dev"\nif not os.getenv("SECRET_KEY"):\n    raise RuntimeError("set SECRET_KEY")',
        True,
    ),
    "raise-not-in-environ": (
        '"dev"\nif "SECRET_KEY" not in os.environ:\n    raise RuntimeError("set it")',
        True,
    ),
    "raise-in-else": (
        'os.getenv("SECRET_KEY")\nif SECRET_KEY:\n    pass\nelse:\n    raise ValueError("unset")',
        True,
    ),
    "sys-exit": ('os.getenv("SECRET_KEY")\nif not SECRET_KEY:\n    sys.exit("SECRET_KEY is unset")', True),
    "compared-to-a-value": (
        '"dev"\nif os.getenv("ENV") == "production":\n    raise RuntimeError("no prod")',
        False,
    ),
    "with-a-default": (
        'os.getenv("SECRET_KEY", "dev")\nif not SECRET_KEY:\n    raise ValueError("empty")',
        False,
    ),
    "two-variables": (
        'os.getenv("SECRET_KEY")\nDEBUG = os.getenv("DEBUG")\nif not SECRET_KEY and not DEBUG:\n    raise ValueError("x")',
        False,
    ),
    "in-a-function": (
        '"dev"\n\n\ndef check():\n    if not os.getenv("SECRET_KEY"):\n        raise ValueError("x")',
        False,
    ),
}


@pytest.mark.parametrize(("read", "stops"), list(STOPS.values()), ids=list(STOPS))
def test_a_stop_when_a_variable_is_unset_blocks(make_project: MakeProject, read: str, stops: bool) -> None:
    files = _flask(read)
    files["config/settings.py"] = "import sys\n" + str(files["config/settings.py"])
    report = check(make_project, files, "flask-openapi-sqlite")
    if not stops:
        assert _status(report) == "pass"
        return
    db001 = only(report, "DB001")
    assert "needs $SECRET_KEY, which is unset there" in db001["message"]
    assert "stops the application at import" in db001["message"]


def test_the_env_file_or_the_declared_environment_sets_it(make_project: MakeProject) -> None:
    root = make_project(_flask('os.environ["SECRET_KEY"]'))
    declared = build_config({"harness_env": {"SECRET_KEY": "s3cret"}})
    assert (
        verify(root, "flask-openapi-sqlite", declared, use_cache=False).verdicts["database"].status == "pass"
    )
    (root / ".env").write_text("SECRET_KEY=s3cret\n", encoding="utf-8")
    status = (
        verify(root, "flask-openapi-sqlite", build_config({}), use_cache=False).verdicts["database"].status
    )
    assert status == "pass"


# -- the engine a settings switch's default selects ------------------------------------------------------

SWITCHED = """import os

from fastapi import FastAPI
from pydantic_settings import BaseSettings
from sqlalchemy.ext.asyncio import create_async_engine


class Settings(BaseSettings):
    DB_ENGINE: str = SWITCH
    DB_NAME: str = "app"

    @property
    def DATABASE_URL(self) -> str:
        if self.DB_ENGINE == "postgres":
            return f"postgresql+asyncpg://user:password@postgres:5432/{self.DB_NAME}"
        return f"sqlite+aiosqlite:///./{self.DB_NAME}.db"


settings = Settings()
engine = create_async_engine(settings.DATABASE_URL)
app = FastAPI()
"""
SWITCH_REQUIREMENTS = "fastapi\npydantic-settings\nsqlalchemy\naiosqlite\nasyncpg\n"


@pytest.mark.parametrize("switch", ['"sqlite"', 'os.getenv("DB_ENGINE", "sqlite")'])
def test_the_default_of_an_engine_switch_decides_the_harness(make_project: MakeProject, switch: str) -> None:
    files = {"main.py": SWITCHED.replace("SWITCH", switch), "requirements.txt": SWITCH_REQUIREMENTS}
    report = check(make_project, files, "fastapi-openapi-postgres")
    db001 = only(report, "DB001")
    assert db001["harness_engines"] == ["sqlite"]
    assert "the application runs on SQLite" in db001["message"]
    assert _rules(check(make_project, files, "fastapi-openapi-sqlite")) == [
        "DB002"
    ]  # PostgreSQL is there too


@pytest.mark.parametrize("switch", ['"postgres"', 'os.getenv("DB_ENGINE", "postgres")'])
def test_a_switch_defaulting_to_the_required_engine_passes(make_project: MakeProject, switch: str) -> None:
    files = {"main.py": SWITCHED.replace("SWITCH", switch), "requirements.txt": SWITCH_REQUIREMENTS}
    assert _rules(check(make_project, files, "fastapi-openapi-postgres")) == ["DB002"]  # SQLite is there too


def test_a_switch_set_by_the_env_file_decides_instead(make_project: MakeProject) -> None:
    files = {
        "main.py": SWITCHED.replace("SWITCH", 'os.getenv("DB_ENGINE", "sqlite")'),
        "requirements.txt": SWITCH_REQUIREMENTS,
        ".env": "DB_ENGINE=postgres\n",
    }
    assert _rules(check(make_project, files, "fastapi-openapi-postgres")) == ["DB002"]


# -- declared drivers the connection cannot load ------------------------------------------------------

ENGINE = """from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import create_async_engine


def engine(url):
    return CALL(url)
"""


@pytest.mark.parametrize(
    ("call", "engines"),
    [("create_engine", ["mysql", "postgresql"]), ("create_async_engine", ["postgresql", "sqlite"])],
)
def test_declared_drivers_the_engine_cannot_load_add_no_engine(
    make_project: MakeProject, call: str, engines: list[str]
) -> None:
    files = {
        "app/db.py": ENGINE.replace("CALL", call),
        "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "requirements.txt": "fastapi\nsqlalchemy\naiosqlite==0.17.0\npsycopg2-binary\nasyncpg\nPyMySQL\n",
    }
    assert sorted(inspect_json(make_project, files)["database"]["engines"]) == engines


# -- asyncpgsa, and table-less statements on an untraced pool --------------------------------------------

PG_MODULE = """from aiohttp.web_app import Application
from asyncpgsa import PG


async def setup_pg(app: Application):
    app["pg"] = PG()
    await app["pg"].init("postgresql://user:secret@localhost/app")
    await app["pg"].fetchval("SELECT 1")
    yield
    await app["pg"].pool.close()


def limit():
    return 100
"""
HANDLER = """from aiohttp import web

from app.pg import limit


class ItemsView(web.View):
    async def get(self):
        async with self.request.app["pg"].transaction() as conn:
            await self.lock(conn)
        return web.json_response({"limit": limit()})

    @staticmethod
    async def lock(conn):
        await conn.execute(STATEMENT, 1)
"""
MAIN = """from aiohttp import web

from app.handlers.items import ItemsView
from app.pg import setup_pg


def create_app():
    app = web.Application()
    app.cleanup_ctx.append(setup_pg)
    app.router.add_view("/items", ItemsView)
    return app
"""


def _aiohttp(statement: str) -> dict[str, str | bytes]:
    return {
        "app/__init__.py": "",
        "app/pg.py": PG_MODULE,
        "app/handlers/__init__.py": "",
        "app/handlers/items.py": HANDLER.replace("STATEMENT", statement),
        "app/main.py": MAIN,
        "requirements.txt": "aiohttp\nasyncpgsa\n",
    }


def test_an_asyncpgsa_pool_is_data_access_and_its_sql_raw(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _aiohttp("'SELECT pg_advisory_xact_lock($1)'"))
    assert report["architecture"]["files"]["app/pg.py"] == "repositories"
    assert report["architecture"]["files"]["app/handlers/items.py"] == "routes"
    bypasses = [v for v in report["architecture"]["violations"] if v["kind"] == "bypass"]
    assert [(v["file"], v["target"]) for v in bypasses] == [("app/handlers/items.py", "app/pg.py")]
    assert report["orm"]["libraries"] == ["psycopg"]
    assert report["database"]["engines"] == ["postgresql"]
    raw = {(r["file"], r["sql"]) for r in report["orm"]["raw_sql"]}
    assert raw == {("app/pg.py", "SELECT 1"), ("app/handlers/items.py", "SELECT pg_advisory_xact_lock($1)")}


def test_a_module_that_handles_requests_stays_a_handler(make_project: MakeProject) -> None:
    # beyond the app class, it imports the framework's request API: its data access is inline
    files = _aiohttp("'SELECT 1'")
    files["app/pg.py"] = str(files["app/pg.py"]).replace(
        "from aiohttp.web_app import Application",
        "from aiohttp import web\nfrom aiohttp.web_app import Application",
    )
    report = inspect_json(make_project, files)
    assert report["architecture"]["files"].get("app/pg.py") != "repositories"
    assert [v for v in report["architecture"]["violations"] if v["kind"] == "bypass"] == []


@pytest.mark.parametrize("statement", ["'BEGIN'", "'SET search_path TO app'", "'select'", "'Select a plan'"])
def test_other_short_strings_on_an_untraced_object_are_not_raw_sql(
    make_project: MakeProject, statement: str
) -> None:
    report = inspect_json(make_project, _aiohttp(statement))
    assert [r["file"] for r in report["orm"]["raw_sql"]] == ["app/pg.py"]


# -- Django: management commands, auth models -------------------------------------------------------------

WAIT_FOR_DB = """import time

from django.core.management.base import BaseCommand
from psycopg2 import OperationalError


class Command(BaseCommand):
    def handle(self, *args, **options):
        time.sleep(1)
"""
USER_MODEL = """from django.contrib.auth.models import BASE


class User(BASE):
    pass
"""
DJANGO_BASE = {
    "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n",
    "site/__init__.py": "",
    "site/urls.py": "from django.urls import path\n\nurlpatterns = []\n",
    "requirements.txt": "django\npsycopg2-binary\n",
}


def test_django_management_commands_are_scripts(make_project: MakeProject) -> None:
    files = {
        **DJANGO_BASE,
        "site/management/__init__.py": "",
        "site/management/commands/__init__.py": "",
        "site/management/commands/wait_for_db.py": WAIT_FOR_DB,
        "orders/commands/place_order.py": "def place_order(order):\n    return order\n",
    }
    report = inspect_json(make_project, files)
    layers = report["architecture"]["files"]
    assert "site/management/commands/wait_for_db.py" not in layers
    assert layers["orders/commands/place_order.py"] == "services"  # CQRS commands stay services
    assert report["orm"]["libraries"] == []  # psycopg2 imported by a script only


@pytest.mark.parametrize("base", ["AbstractUser", "AbstractBaseUser", "PermissionsMixin"])
def test_django_auth_base_classes_define_models(make_project: MakeProject, base: str) -> None:
    files = {**DJANGO_BASE, "users/models.py": USER_MODEL.replace("BASE", base)}
    report = inspect_json(make_project, files)
    assert report["orm"]["libraries"] == ["django"]
    assert [m["model"] for m in report["orm"]["models"]["django"]] == ["User"]


def test_importing_the_user_model_defines_none(make_project: MakeProject) -> None:
    view = "from django.contrib.auth.models import User\n\n\ndef count():\n    return User\n"
    report = inspect_json(make_project, {**DJANGO_BASE, "users/views.py": view})
    assert report["orm"]["libraries"] == []
    assert report["orm"]["models"] == {}


# -- alembic in a folder alembic.ini names ------------------------------------------------------------------

REVISION = """import sqlalchemy as sa
from alembic import op

revision = "a1"


def upgrade():
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE posts SET slug = lower(title) WHERE slug IS NULL"))
"""
ENV = "from alembic import context\n\ncontext.configure(url='sqlite:///app.db')\n"


@pytest.mark.parametrize("location", ["db", "db/", "%(here)s/db", "./db"])
def test_alembic_scripts_where_alembic_ini_says_are_migrations(
    make_project: MakeProject, location: str
) -> None:
    files = {
        "alembic.ini": f"[alembic]\nscript_location = {location}\n",
        "db/env.py": ENV,
        "db/versions/a1_slug.py": REVISION,
        "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
    }
    report = inspect_json(make_project, files)
    assert report["project"]["by_scope"]["migration"] == 2
    assert [(r["file"], r["scope"]) for r in report["orm"]["raw_sql"]] == [
        ("db/versions/a1_slug.py", "migrations")
    ]
    assert "db/versions/a1_slug.py" not in report["architecture"]["files"]


@pytest.mark.parametrize(
    "ini",
    [
        None,
        "[alembic]\nscript_location = myapp:migrations\n",
        "[other]\nx = db\n",
        "[alembic]\nscript_location = ../db\n",
        "[alembic]\nscript_location = .\n",
        b"\xff\xfe[alembic\x00",  # unreadable as INI: ignored here, the manifest reader reports it
    ],
)
def test_without_a_script_location_naming_it_the_folder_is_application(
    make_project: MakeProject, ini: str | bytes | None
) -> None:
    files: dict[str, str | bytes] = {
        "db/env.py": ENV,
        "db/versions/a1_slug.py": REVISION,
        "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
    }
    if ini is not None:
        files["alembic.ini"] = ini
    report = inspect_json(make_project, files)
    assert report["project"]["by_scope"].get("migration", 0) == 0
    assert [(r["file"], r["scope"]) for r in report["orm"]["raw_sql"]] == [
        ("db/versions/a1_slug.py", "application")
    ]


# -- a declarative mixin ------------------------------------------------------------------------------------

MIXIN = """from sqlalchemy import DateTime

from app.extensions import db


class TimestampMixin:
    created_on = COLUMN

    def save(self):
        db.session.add(self)
        db.session.commit()
        return self
"""
FLASK_APP = {
    "app/__init__.py": "",
    "app/extensions.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
    "app/main.py": "from flask import Flask\n\napp = Flask(__name__)\n",
}


@pytest.mark.parametrize("column", ["db.Column(DateTime)", "sa.Column(DateTime)", "mapped_column(DateTime)"])
def test_a_declarative_mixin_is_model_code(make_project: MakeProject, column: str) -> None:
    mixin = MIXIN.replace("COLUMN", column).replace(
        "from sqlalchemy import DateTime",
        "import sqlalchemy as sa\nfrom sqlalchemy import DateTime\nfrom sqlalchemy.orm import mapped_column",
    )
    report = inspect_json(make_project, {**FLASK_APP, "lib/mixins.py": mixin})
    assert report["architecture"]["files"]["lib/mixins.py"] == "models"


def test_a_column_made_in_a_function_is_not(make_project: MakeProject) -> None:
    helper = "import sqlalchemy as sa\n\n\ndef created_column():\n    return sa.Column(sa.DateTime)\n"
    report = inspect_json(make_project, {**FLASK_APP, "lib/columns.py": helper})
    assert "lib/columns.py" not in report["architecture"]["files"]
