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
