"""Patterns of the twenty-seventh unseen labelled set (issue 18, docs/accuracy.md "The twenty-seventh set's
disagreements"), each with a violating and a clean project written for the test:

- a `cli.py` module of Flask/Click commands the app factory imports to register them is a command-line
  script: no layer, and its statements are the scripts' SQL, not the application's;
- a statement ending in (or holding between its clauses) a hole where a clause is built at run time
  (`ORDER BY created_at ASC {limit_clause}`) is a complete statement, even on an untraced connection;
- a module opening the connection that imports `flask` whole only for `flask.current_app` handles no
  request; the pysqlite3 fallback of `import sqlite3` opens a client too: data access;
- peewee-async's `peewee_asyncext` (its PostgreSQL extension databases) names PostgreSQL, even when the
  database class is handed to a factory function rather than called where it is imported;
- a callback written where it is handed reads the variables its enclosing function assigned
  (`db.transaction(() => db.exec(sql))` on a migration file's text is no statement).
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, inspect_json, layers_of

from cdverify.model import Template
from cdverify.sql.classify import SqlKind, classify

FACTORY = """from flask import Flask


def create_app():
    app = Flask(__name__)
    from . import db
    from .views import bp
    app.register_blueprint(bp)
    from . import cli
    cli.register_commands(app)
    return app
"""
DB = """import sqlite3

from flask import current_app


def get_db():
    return sqlite3.connect(current_app.config["DATABASE"])


def execute(query, params=()):
    conn = get_db()
    cursor = conn.execute(query, params)
    conn.commit()
    return cursor
"""
VIEWS = """from flask import Blueprint, jsonify

from .services.notes import list_notes

bp = Blueprint("notes", __name__)


@bp.route("/notes")
def notes():
    return jsonify(list_notes())
"""
SERVICE = """from ..repositories.notes import all_notes


def list_notes():
    return all_notes()
"""
REPOSITORY = """from ..db import execute


def all_notes():
    return execute("SELECT id, body FROM notes").fetchall()
"""
CLI = """import click

from .db import execute


def register_commands(app):
    @app.cli.command("seed")
    @click.option("--count", default=3)
    def seed(count):
        for number in range(count):
            execute("INSERT INTO notes (body) VALUES (?)", (f"note {number}",))
        click.echo("seeded")
"""


def _flask_app(**extra: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "requirements.txt": "flask\nclick\n",
        "app/__init__.py": FACTORY,
        "app/db.py": DB,
        "app/views.py": VIEWS,
        "app/services/__init__.py": "",
        "app/services/notes.py": SERVICE,
        "app/repositories/__init__.py": "",
        "app/repositories/notes.py": REPOSITORY,
    }
    files.update(extra)
    return files


def _sites(report: dict[str, Any], scope: str = "application") -> list[tuple[str, int, str]]:
    return sorted(
        (item["file"], item["line"], item["kind"])
        for item in report["orm"]["raw_sql"]
        if item["scope"] == scope
    )


def test_a_cli_module_the_factory_registers_is_a_script(make_project: MakeProject) -> None:
    """Violating on main: `app/cli.py`, imported by the factory, was application code, repositories by its
    statements, and its INSERT the application's raw SQL."""
    report = inspect_json(make_project, _flask_app(**{"app/cli.py": CLI}))
    assert "app/cli.py" not in layers_of(report)
    assert ("app/cli.py", 11, "statement") not in _sites(report)
    assert ("app/cli.py", 11, "statement") in _sites(report, "scripts")
    assert ("app/repositories/notes.py", 5, "statement") in _sites(report)


def test_commands_beside_the_connection_keep_the_module_in_its_layer(make_project: MakeProject) -> None:
    """Clean: the Flask tutorial's shape — `init_db_command` in `db.py` beside the connection it opens —
    leaves `db.py` application code, data access; the same commands in a module of another name too."""
    db = (
        DB
        + """

@click.command("init-db")
def init_db_command():
    execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
"""
    )
    files = _flask_app(**{"app/db.py": "import click\n" + db, "app/commands_admin.py": CLI})
    files["app/__init__.py"] = FACTORY.replace("from . import cli", "from . import commands_admin as cli")
    report = inspect_json(make_project, files)
    layers = layers_of(report)
    assert layers["app/db.py"] == "repositories"
    assert ("app/commands_admin.py", 11, "statement") in _sites(report)


@pytest.mark.parametrize(
    ("head", "tail"),
    [
        ("SELECT id, body FROM comments c WHERE c.post_id = ? ORDER BY c.created_at ASC\n    ", "\n    "),
        ("SELECT id FROM comments WHERE post_id = ? ", ""),
        ("SELECT id FROM comments WHERE post_id = ? ", " ORDER BY created_at"),
        ("SELECT post_id, COUNT(*) FROM comments GROUP BY post_id ", " LIMIT 5"),
        ("DELETE FROM comments WHERE post_id = ? ", ""),
    ],
)
def test_a_clause_built_at_run_time_leaves_a_complete_statement(head: str, tail: str) -> None:
    """Violating on main: a hole where a clause stands (`{limit_clause}`, `{filters}`) made the statement a
    fragment, which on an untraced connection was no evidence at all."""
    result = classify(Template((head, tail)), at_sink=True)
    assert result.kind is SqlKind.STATEMENT
    assert result.tables == ("comments",)


@pytest.mark.parametrize(
    ("head", "tail"),
    [
        ("WHERE post_id = ? ", ""),  # a clause alone: no statement
        ("AND created_at > ? ", " ORDER BY id"),
        ("select a file ", " from the list"),  # prose
        ("SELECT id, body ", ""),  # a column list with no FROM
    ],
)
def test_pieces_with_a_clause_hole_stay_pieces(head: str, tail: str) -> None:
    """Clean: dropping a clause hole completes only what was a statement already."""
    assert classify(Template((head, tail)), at_sink=True).kind is not SqlKind.STATEMENT


CONTEXT_DB = """import os
from contextlib import contextmanager

import flask
{sqlite}


@contextmanager
def get_db():
    conn = sqlite3.connect(flask.current_app.config.get("DATABASE", "app.db"))
    try:
        yield conn
    finally:
        conn.close()


def execute_query(query, params=None, fetch_all=False):
    with get_db() as conn:
        cursor = conn.execute(query, params or ())
        return cursor.fetchall() if fetch_all else cursor.fetchone()
"""
LIMITED = """from ..db import execute_query


class NoteRepository:
    def recent(self, user_id, limit=None):
        limit_clause = f"LIMIT {limit}" if limit else ""
        query = f\"\"\"
        SELECT id, body FROM notes
        WHERE user_id = ?
        ORDER BY created_at DESC
        {limit_clause}
        \"\"\"
        return execute_query(query, (user_id,), fetch_all=True)
"""
PLAIN = "import sqlite3"
FALLBACK = "try:\n    import sqlite3\nexcept ImportError:\n    import pysqlite3 as sqlite3"


@pytest.mark.parametrize("sqlite", [PLAIN, FALLBACK], ids=["sqlite3", "pysqlite3-fallback"])
def test_the_module_running_statements_through_the_app_context_is_data_access(
    make_project: MakeProject, sqlite: str
) -> None:
    """Violating on main: `import flask` for `flask.current_app` read as a request handler's import, and the
    pysqlite3 fallback's `connect` was no client: `app/db.py` had no layer. The repository's statement with
    its trailing `{limit_clause}` was missed."""
    files = _flask_app(
        **{"app/db.py": CONTEXT_DB.format(sqlite=sqlite), "app/repositories/notes.py": LIMITED}
    )
    files["app/services/notes.py"] = SERVICE.replace(
        "from ..repositories.notes import all_notes", "from ..repositories.notes import NoteRepository"
    ).replace("return all_notes()", "return NoteRepository().recent(1)")
    report = inspect_json(make_project, files)
    assert layers_of(report)["app/db.py"] == "repositories"
    assert ("app/repositories/notes.py", 13, "statement") in _sites(report)


def test_a_module_answering_requests_through_flask_stays_a_handler(make_project: MakeProject) -> None:
    """Clean: `import flask` for `flask.request` and `flask.jsonify` handles requests: its inline query
    gives it no data-access layer."""
    handler = """import sqlite3

import flask


def notes_view():
    conn = sqlite3.connect(flask.current_app.config["DATABASE"])
    rows = conn.execute("SELECT id FROM notes WHERE user_id = ?", (flask.request.args["user"],))
    return flask.jsonify(rows.fetchall())
"""
    report = inspect_json(make_project, _flask_app(**{"app/handlers.py": handler}))
    assert "app/handlers.py" not in layers_of(report)


PEEWEE_CONNECTION = """from peewee_asyncext import PostgresqlExtDatabase

from config import SETTINGS

DATABASE_CLASS = PostgresqlExtDatabase


def create_database(settings, database_class):
    return database_class(settings.name, user=settings.user, host=settings.host, port=settings.port)


database = create_database(SETTINGS, DATABASE_CLASS)
"""
PEEWEE_CONFIG = """import os


class Settings:
    name = os.getenv("DB_NAME")
    user = os.getenv("DB_USER")
    host = os.getenv("DB_HOST")
    port = int(os.getenv("DB_PORT", "5432"))


SETTINGS = Settings()
"""
AIOHTTP_MAIN = """from aiohttp import web

from db.connection import database

app = web.Application()
web.run_app(app)
"""


def test_peewee_async_postgres_extension_names_postgresql(make_project: MakeProject) -> None:
    """Violating on main: `peewee_asyncext` was in no catalogue, and its database class is called through
    a parameter, so nothing but the declared drivers named PostgreSQL: no engine."""
    report = inspect_json(
        make_project,
        {
            "requirements.txt": "aiohttp\npeewee-async\naiopg\n",
            "config.py": PEEWEE_CONFIG,
            "db/__init__.py": "",
            "db/connection.py": PEEWEE_CONNECTION,
            "main.py": AIOHTTP_MAIN,
        },
    )
    assert report["database"]["engines"] == ["postgresql"]


def test_peewee_async_alone_names_no_engine(make_project: MakeProject) -> None:
    """Clean: peewee-async's engine-neutral module (`Manager`) and peewee's own SQLite database name
    SQLite only."""
    connection = """from peewee import SqliteDatabase
from peewee_async import Manager

database = SqliteDatabase("app.db")
objects = Manager(database)
"""
    report = inspect_json(
        make_project,
        {
            "requirements.txt": "aiohttp\npeewee-async\n",
            "db/__init__.py": "",
            "db/connection.py": connection,
            "main.py": AIOHTTP_MAIN,
        },
    )
    assert report["database"]["engines"] == ["sqlite"]
