"""dynaconf settings files found by probing whole paper-task verdicts (issue 18, docs/accuracy.md "Paper-task apps
probed, third round (session 2026-12-06 (12))"): a Flask app makes `settings = Dynaconf(settings_files=[
"settings.toml"], environments=True)` and hands `settings.SQLALCHEMY_DATABASE_URI` to Flask-SQLAlchemy; the URL is
in `settings.toml`'s `[default]` table. The value the settings object gives the attribute is the file's: the
`default`, `global` and `development` environments (and top-level keys) hold where ENV_FOR_DYNACONF is unset, as
in the paper's harness; another environment's value is switched by ENV_FOR_DYNACONF; a test environment's never
holds at run time; and a project that makes no dynaconf object does not read such a file.

The ORM003 fix line names the module used directly and no longer asks for the package to be removed: a
driver used beside the ORM is often the ORM's own (`sqlite+aiosqlite://`).
"""

from __future__ import annotations

import pytest
from reports import MakeProject, check, only

TASK = "python-flask-openapi-postgres-sqlalchemy"
REQUIREMENTS = "flask\nflask-sqlalchemy\npsycopg2-binary\ndynaconf\n"
CONFIG = """from dynaconf import Dynaconf

settings = Dynaconf(envvar_prefix="CONDUIT", settings_files=["settings.toml"], environments=True)
"""
APP = """from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from conduit.config import settings

db = SQLAlchemy()


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(64), unique=True)


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.SQLALCHEMY_DATABASE_URI
    db.init_app(app)

    @app.get("/api/health-check")
    def health():
        return {"status": "ok"}

    with app.app_context():
        db.create_all()
    return app


if __name__ == "__main__":
    create_app().run(host="0.0.0.0", port=8080)
"""
POSTGRES = "postgresql+psycopg2://user:password@postgres:5432/conduit"
SQLITE = "sqlite:///conduit.db"


def _project(settings_toml: str, config: str = CONFIG) -> dict[str, str | bytes]:
    return {
        "requirements.txt": REQUIREMENTS,
        "run.sh": "#!/bin/sh\nexec python -m conduit.app\n",
        "settings.toml": settings_toml,
        "conduit/__init__.py": "",
        "conduit/config.py": config,
        "conduit/app.py": APP,
    }


def _database(report: dict[str, object]) -> tuple[str, list[str]]:
    verdicts = report["verdicts"]
    findings = report["findings"]
    assert isinstance(verdicts, dict) and isinstance(findings, list)
    rules = sorted(f["rule"] for f in findings if f["rule"].startswith("DB") and f["severity"] == "error")
    return verdicts["database"]["status"], rules


@pytest.mark.parametrize(
    "settings_toml",
    [
        f'[default]\nSQLALCHEMY_DATABASE_URI = "{POSTGRES}"\n',
        f'[development]\nsqlalchemy_database_uri = "{POSTGRES}"\n\n[testing]\nSQLALCHEMY_DATABASE_URI = "{SQLITE}"\n',
        f'SQLALCHEMY_DATABASE_URI = "{POSTGRES}"\n',
    ],
    ids=["default-table", "development-table-beside-testing", "top-level"],
)
def test_a_dynaconf_settings_file_gives_the_engine(make_project: MakeProject, settings_toml: str) -> None:
    report = check(make_project, _project(settings_toml), TASK)
    assert _database(report) == ("pass", [])


def test_a_dynaconf_sqlite_default_fails_a_postgres_task(make_project: MakeProject) -> None:
    report = check(make_project, _project(f'[default]\nSQLALCHEMY_DATABASE_URI = "{SQLITE}"\n'), TASK)
    assert _database(report) == ("fail", ["DB001"])
    assert "settings.toml" in only(report, "DB001")["message"]


def test_a_production_only_value_does_not_hold_in_the_harness(make_project: MakeProject) -> None:
    toml = f'[default]\nSQLALCHEMY_DATABASE_URI = "{SQLITE}"\n\n[production]\nSQLALCHEMY_DATABASE_URI = "{POSTGRES}"\n'
    report = check(make_project, _project(toml), TASK)
    assert _database(report) == ("fail", ["DB001"])


def test_a_settings_toml_no_dynaconf_object_loads_is_not_read(make_project: MakeProject) -> None:
    config = "class _Settings:\n    SQLALCHEMY_DATABASE_URI = None\n\n\nsettings = _Settings()\n"
    report = check(
        make_project, _project(f'[default]\nSQLALCHEMY_DATABASE_URI = "{POSTGRES}"\n', config), TASK
    )
    assert report["verdicts"]["database"]["status"] == "fail"


def test_the_orm003_fix_keeps_the_orms_own_driver(make_project: MakeProject) -> None:
    files = {
        "requirements.txt": "aiohttp\nsqlalchemy[asyncio]\naiosqlite\n",
        "app/db.py": (
            "from sqlalchemy.ext.asyncio import create_async_engine\nfrom sqlalchemy.orm import DeclarativeBase, "
            'Mapped, mapped_column\n\nengine = create_async_engine("sqlite+aiosqlite:///app.db")\n\n\n'
            "class Base(DeclarativeBase):\n    pass\n\n\nclass Tag(Base):\n    __tablename__ = 'tags'\n"
            "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        ),
        "app/tags.py": (
            "import aiosqlite\n\n\nasync def names():\n    async with aiosqlite.connect('app.db') as conn:\n"
            "        cursor = await conn.execute('SELECT id FROM tags')\n        return await cursor.fetchall()\n"
        ),
    }
    report = check(make_project, files, "sqlite+sqlalchemy")
    orm003 = only(report, "ORM003")
    assert "aiosqlite" in orm003["message"]
    assert (
        orm003["hint"] == "do this data access through sqlalchemy models and sessions, not aiosqlite directly"
    )


# Fourth round (session 2026-12-06 (13)): `FlaskDynaconf(app)` loads the files into `app.config`, where
# Flask-SQLAlchemy reads the URL with no code naming it; nested tables are read as code reaches them.
FLASK_DYNACONF_APP = """from dynaconf import FlaskDynaconf
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)


def create_app():
    app = Flask(__name__)
    FlaskDynaconf(app, settings_files=["settings.toml"])
    db.init_app(app)

    @app.get("/api/health-check")
    def health():
        return {"status": "ok"}

    return app
"""


def _flask_dynaconf(settings_toml: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": REQUIREMENTS,
        "run.sh": "#!/bin/sh\nexec flask --app conduit.app run --port 8080\n",
        "settings.toml": settings_toml,
        "conduit/__init__.py": "",
        "conduit/app.py": FLASK_DYNACONF_APP,
    }


@pytest.mark.parametrize(
    ("settings_toml", "expected"),
    [
        pytest.param(
            f'[default]\nSQLALCHEMY_DATABASE_URI = "{POSTGRES}"\n', ("pass", []), id="default-postgres"
        ),
        pytest.param(f'SQLALCHEMY_DATABASE_URI = "{POSTGRES}"\n', ("pass", []), id="top-level-postgres"),
        pytest.param(
            f'[default]\nSQLALCHEMY_DATABASE_URI = "{SQLITE}"\n', ("fail", ["DB001"]), id="default-sqlite"
        ),
        pytest.param(
            f'[default]\nSQLALCHEMY_DATABASE_URI = "{SQLITE}"\n\n[production]\nSQLALCHEMY_DATABASE_URI = "{POSTGRES}"\n',
            ("fail", ["DB001"]),
            id="production-only-postgres",
        ),
    ],
)
def test_flask_dynaconf_fills_the_app_config(
    make_project: MakeProject, settings_toml: str, expected: tuple[str, list[str]]
) -> None:
    """The URL `FlaskDynaconf(app)` loads into `app.config` is the engine Flask-SQLAlchemy connects to, where
    ENV_FOR_DYNACONF is unset: a `[production]` value does not hold in the harness."""
    report = check(make_project, _flask_dynaconf(settings_toml), TASK)
    assert _database(report) == expected


NESTED_CONFIG = """from dynaconf import Dynaconf

settings = Dynaconf(settings_files=["settings.toml"], environments=True)
"""
NESTED_APP = APP.replace("settings.SQLALCHEMY_DATABASE_URI", "settings.db.url")


@pytest.mark.parametrize(
    ("settings_toml", "expected"),
    [
        pytest.param(f'[default.db]\nurl = "{POSTGRES}"\n', ("pass", []), id="default-db-table"),
        pytest.param(f'[default]\ndb = {{ url = "{POSTGRES}" }}\n', ("pass", []), id="inline-table"),
        pytest.param(f'[default.db]\nurl = "{SQLITE}"\n', ("fail", ["DB001"]), id="default-db-sqlite"),
        pytest.param(
            f'[default.db]\nurl = "{SQLITE}"\n\n[production.db]\nurl = "{POSTGRES}"\n',
            ("fail", ["DB001"]),
            id="production-db-only",
        ),
        pytest.param(f'[default.cache]\nurl = "{POSTGRES}"\n', ("fail", ["DB001"]), id="another-table"),
    ],
)
def test_nested_dynaconf_values_read_by_their_path(
    make_project: MakeProject, settings_toml: str, expected: tuple[str, list[str]]
) -> None:
    """`settings.db.url` takes `[default.db] url` (the environment that holds in the harness); the same last
    name in another table (`[default.cache] url`) is not it."""
    files = _project(settings_toml, NESTED_CONFIG)
    files["conduit/app.py"] = NESTED_APP
    report = check(make_project, files, TASK)
    assert _database(report) == expected
