"""A Flask app whose SQLALCHEMY_DATABASE_URI is read from a variable with no default
(`os.environ.get("DATABASE_URL")`) and set up at start-up (`db.init_app(app)`, `SQLAlchemy(app)`): where the
variable is unset the key holds None and Flask-SQLAlchemy 3.x raises "Either 'SQLALCHEMY_DATABASE_URI' or
'SQLALCHEMY_BINDS' must be set", so the app cannot start and no engine holds in the harness (DB001;
cdverify/detect/database/unset_config.py, rules/python/startup.toml `unset_configs`). Each project is written
for the test (issue 18; docs/accuracy.md "The sixty-seventh set's disagreements, Python half")."""

from __future__ import annotations

import pytest
from reports import MakeProject

from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness
from cdverify.pipeline import inspect

APP = """import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.dialects.postgresql import JSONB

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = {uri}
{setup}


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    tags = db.Column(JSONB)


@app.route("/notes")
def notes():
    return {{"count": Note.query.count()}}
"""
INIT = "db = SQLAlchemy()\ndb.init_app(app)"
READ = 'os.environ.get("DATABASE_URL")'


def _project(
    uri: str = READ,
    setup: str = INIT,
    requirements: str | None = "flask\nflask-sqlalchemy\npsycopg2-binary\n",
    **files: str,
) -> dict[str, str]:
    project = {"app.py": APP.format(uri=uri, setup=setup), **files}
    if requirements is not None:
        project["requirements.txt"] = requirements
    return project


def _harness(make_project: MakeProject, files: dict[str, str]) -> tuple[list[str], str]:
    database = inspect(make_project(dict(files)), use_cache=False).analysis.database
    found = in_harness(database, PAPER_ENVIRONMENT)
    return found.engines, found.stopped[0].describe() if found.stopped else ""


@pytest.mark.parametrize(
    ("setup", "line", "text"),
    [
        (INIT, 10, "db.init_app(app)"),
        ("db = SQLAlchemy(app)", 9, "SQLAlchemy(app)"),
        ("db = SQLAlchemy(app=app)", 9, "SQLAlchemy(app=app)"),
    ],
)
def test_an_unset_database_uri_stops_flask_sqlalchemy_3(
    make_project: MakeProject, setup: str, line: int, text: str
) -> None:
    """Violating on main: the URI is None where DATABASE_URL is unset, and the unpinned Flask-SQLAlchemy (3.1)
    raises in the set-up as app.py is imported (cdverify said PostgreSQL, from the JSONB column)."""
    engines, why = _harness(make_project, _project(setup=setup))
    assert engines == []
    assert why == (
        f"{text} at app.py:{line} raises as the app is set up where $DATABASE_URL is unset: "
        'SQLALCHEMY_DATABASE_URI holds None (app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get('
        '"DATABASE_URL") at app.py:8) and Flask-SQLAlchemy 3.x then raises RuntimeError: Either '
        "'SQLALCHEMY_DATABASE_URI' or 'SQLALCHEMY_BINDS' must be set"
    )


@pytest.mark.parametrize(
    "requirements", ["flask\nFlask-SQLAlchemy>=3.0\n", "flask\n", None, "flask\nflask_sqlalchemy==3.1.1\n"]
)
def test_a_requirement_admitting_3x_or_none_is_read_as_3x(
    make_project: MakeProject, requirements: str | None
) -> None:
    """Violating on main: pip installs the newest release a requirement admits (3.x), and an app declaring
    none runs on whatever is installed, the newest by default."""
    assert _harness(make_project, _project(requirements=requirements))[0] == []


@pytest.mark.parametrize(
    ("changes", "files"),
    [
        ({"requirements": "flask\nFlask-SQLAlchemy==2.5.1\n"}, {}),  # 2.x fails only at the first query
        ({"requirements": "flask\nflask-sqlalchemy<3\n"}, {}),
        ({"uri": 'os.environ.get("DATABASE_URL", "postgresql://app@localhost/app")'}, {}),
        ({"uri": 'os.environ.get("DATABASE_URL") or "postgresql://app@localhost/app"'}, {}),
        ({}, {".env": "DATABASE_URL=postgresql://app@localhost/app\n"}),  # set where the app runs
        ({"setup": 'db = SQLAlchemy()\napp.config.from_object("settings")\ndb.init_app(app)'}, {}),
        ({"setup": 'app.config["SQLALCHEMY_BINDS"] = {"x": "postgresql://a@b/c"}\ndb = SQLAlchemy(app)'}, {}),
        ({"setup": "db = SQLAlchemy()\ntry:\n    db.init_app(app)\nexcept RuntimeError:\n    pass"}, {}),
        ({"setup": "db = SQLAlchemy()\nif app.config['SQLALCHEMY_DATABASE_URI']:\n    db.init_app(app)"}, {}),
        ({"setup": "db = SQLAlchemy()"}, {}),  # never set up at start-up
    ],
)
def test_a_uri_with_a_value_or_a_2x_release_is_not_claimed(
    make_project: MakeProject, changes: dict[str, str], files: dict[str, str]
) -> None:
    """Clean: a default, a `.env` setting the variable, configuration loaded otherwise, binds, a set-up
    under a `try` or an `if`, and a requirement admitting only 2.x leave the app its PostgreSQL."""
    assert _harness(make_project, _project(**changes, **files))[0] == ["postgresql"]


def test_a_lock_of_a_2x_release_is_not_claimed(make_project: MakeProject) -> None:
    """Clean: a uv.lock naming Flask-SQLAlchemy 2.5.1 says the 2.x release is installed."""
    lock = 'version = 1\n\n[[package]]\nname = "flask-sqlalchemy"\nversion = "2.5.1"\n'
    files = _project(requirements=None, **{"pyproject.toml": _PYPROJECT, "uv.lock": lock})
    assert _harness(make_project, files)[0] == ["postgresql"]
    files["uv.lock"] = lock.replace("2.5.1", "3.1.1")
    assert _harness(make_project, files)[0] == []


_PYPROJECT = '[project]\nname = "notes"\nversion = "0.1.0"\ndependencies = ["flask", "flask-sqlalchemy"]\n'
