"""A configuration key set in an application factory (issue 18): `app.config["SQLALCHEMY_DATABASE_URI"] =
…` inside `create_app()` configures the factory's local `app`; the module's `app = create_app()` below it
binds another name and replaces nothing, so the URL is the application's database. A later assignment of
the dict holding a key in the same scope still replaces it (`DATABASES["default"] = dj_database_url…`)."""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json

FACTORY = """from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def create_app():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "dev"
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///school.db"
    db.init_app(app)
    return app
"""


def database(make_project: MakeProject, files: dict[str, str | bytes]) -> dict[str, Any]:
    data: dict[str, Any] = inspect_json(make_project, files)["database"]
    return data


def test_factory_setting_is_kept_when_the_module_binds_the_app(make_project: MakeProject) -> None:
    """Violating on the old reading: the module-level `app = create_app()` was taken for a later
    assignment of the `app` holding `app.config[…]`, and the URL became a mere mention (no engine)."""
    files = {"app.py": FACTORY + "\n\napp = create_app()\n"}
    data = database(make_project, files)
    assert data["engines"] == ["sqlite"]
    assert data["usage"] == {"sqlite": "runtime"}


def test_factory_setting_without_a_module_app(make_project: MakeProject) -> None:
    """Clean: the same factory with no module-level binding (`flask --app app:create_app run`)."""
    data = database(make_project, {"app.py": FACTORY})
    assert data["engines"] == ["sqlite"]
    assert data["usage"] == {"sqlite": "runtime"}


def test_a_later_assignment_in_the_same_scope_still_replaces_the_dict(make_project: MakeProject) -> None:
    """Django settings replacing the default database in the same module: the literal SQLite engine is
    superseded, and only the URL's engine is configured."""
    files = {
        "mysite/settings.py": "import dj_database_url\n\nDATABASES = {\n"
        '    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}\n}\n'
        'DATABASES["default"] = dj_database_url.config(default="postgres://u:p@localhost:5432/app")\n',
        "requirements.txt": "Django\ndj-database-url\npsycopg2-binary\n",
    }
    data = database(make_project, files)
    assert data["engines"] == ["postgresql"]
    assert "sqlite" not in data["usage"]


CONDITIONAL_OVERRIDE = """from pathlib import Path

from decouple import config

BASE_DIR = Path(__file__).resolve().parent.parent

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
    }
}

DATABASE_URL = config("DATABASE_URL", default=None)
if DATABASE_URL is not None:
    import dj_database_url
    DATABASES = {"default": dj_database_url.config(default=DATABASE_URL, conn_max_age=600)}
"""


def test_a_later_assignment_under_an_if_leaves_the_default(make_project: MakeProject) -> None:
    """Violating on the old reading (codingforentrepreneurs/Cursor-Django, the forty-third set): the
    `DATABASES = {…}` made only when $DATABASE_URL is set was taken to replace the SQLite default
    unconditionally, and the application had no engine at all. Where the condition fails the default
    holds: SQLite is the application's database."""
    files = {
        "mysite/settings.py": CONDITIONAL_OVERRIDE,
        "requirements.txt": "Django\ndj-database-url\npython-decouple\n",
    }
    data = database(make_project, files)
    assert data["engines"] == ["sqlite"]
    assert data["usage"] == {"sqlite": "runtime"}


def test_a_later_assignment_under_the_same_if_still_replaces(make_project: MakeProject) -> None:
    """Clean: both assignments under the same condition — the later replaces the earlier there."""
    body = (
        "import os\n\nimport dj_database_url\n\nif os.environ.get('DJANGO_ENV') == 'prod':\n"
        '    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}\n'
        '    DATABASES = {"default": dj_database_url.config(default="postgres://u:p@localhost:5432/app")}\n'
    )
    files = {"mysite/settings.py": body, "requirements.txt": "Django\ndj-database-url\npsycopg2-binary\n"}
    data = database(make_project, files)
    assert "sqlite" not in data["usage"]
