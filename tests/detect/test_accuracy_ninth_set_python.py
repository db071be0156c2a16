"""Python patterns of issue 18 met in the ninth unseen set (docs/accuracy.md "The ninth set's Python patterns
(session 2026-12-05 (7))"), each with a violating (or missed) case and a clean one, on small projects written for
the tests:

- Connections a pool hands out: `ThreadedConnectionPool(…).getconn()` (psycopg2.pool) and
  `MySQLConnectionPool(…).get_connection()` (mysql.connector.pooling), the pool made at module level inside a
  `try` after a `None` placeholder, handed out by a project function (`get_conn()`); the cursors of those
  connections run raw SQL wherever the function is called.
- A module that makes the pool and hands its connections out (`def get_conn(): return pool.getconn()`) owns the
  connection, whatever its folder (`services/connection.py`): data access, and a route importing it bypasses the
  services; a service running its SQL inline on those connections stays a service, and so does a service
  module whose functions run queries on a connection it opens itself.
- A statement extended from a variable holding its start (`query = base + " ORDER BY …"`) is that statement.
- A start-up validation function the settings module calls at import (`validate_settings()`), raising when a
  variable it requires is unset — tested alone (`if not API_TOKEN:`) or for each value of its dict of required
  settings (`for name, value in required.items(): if not value:`) — stops the app in a harness leaving it unset.
"""

from __future__ import annotations

import pytest
from reports import (
    FLASK_POSTGRES_TASK,
    MakeProject,
    check,
    database_status,
    flask_postgres_app,
    inspect_json,
    layer_violations,
    layers_of,
    only,
)

APP = """from flask import Flask

from routes.books import books

app = Flask(__name__)
app.register_blueprint(books)
"""
PSYCOPG_POOL = """import logging

import psycopg2
from psycopg2 import pool

from settings import DSN

log = logging.getLogger(__name__)

connections = None

try:
    connections = psycopg2.pool.ThreadedConnectionPool(minconn=1, maxconn=4, dsn=DSN)
except psycopg2.Error:
    log.exception("no pool")
    raise


def get_conn():
    conn = connections.getconn()
    return conn


def put_conn(conn):
    connections.putconn(conn)
"""
MYSQL_POOL = """from mysql.connector import pooling

from settings import DSN

connections = None

try:
    connections = pooling.MySQLConnectionPool(pool_name="books", pool_size=4, host=DSN)
except Exception:
    raise


def get_conn():
    return connections.get_connection()


def put_conn(conn):
    conn.close()
"""
SETTINGS = """import os

DSN = os.getenv("DSN", "postgresql://books:books@localhost:5432/books")
"""
ROUTE_INLINE = """from flask import Blueprint, jsonify

from services.catalog import add_book
from services.connection import get_conn, put_conn

books = Blueprint("books", __name__)


@books.get("/books/<int:book_id>")
def show(book_id):
    conn = get_conn()
    try:
        cur = conn.cursor()
        cur.execute("SELECT id, title FROM books WHERE id = %s", (book_id,))
        return jsonify(cur.fetchone())
    finally:
        put_conn(conn)


@books.post("/books")
def create():
    return jsonify(add_book("Dune"))
"""
ROUTE_THROUGH_SERVICE = """from flask import Blueprint, jsonify

from services.catalog import add_book, list_books

books = Blueprint("books", __name__)


@books.get("/books")
def index():
    return jsonify(list_books(tag=None))


@books.post("/books")
def create():
    return jsonify(add_book("Dune"))
"""
CATALOG = """from services.connection import get_conn, put_conn


def add_book(title):
    conn = get_conn()
    try:
        cur = conn.cursor()
        cur.execute("INSERT INTO books (title) VALUES (%s)", (title,))
        conn.commit()
        return title.strip()
    finally:
        put_conn(conn)


def list_books(tag):
    conn = get_conn()
    cur = conn.cursor()
    base_query = "SELECT id, title FROM books WHERE deleted = false"
    params = []
    if tag:
        query = base_query + " AND tag = %s ORDER BY title"
        params.append(tag)
    else:
        query = base_query + " ORDER BY title"
    cur.execute(query, params)
    rows = cur.fetchall()
    put_conn(conn)
    return rows
"""


def _library(pool: str, route: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "flask\npsycopg2-binary\nmysql-connector-python\n",
        "app.py": APP,
        "settings.py": SETTINGS,
        "routes/__init__.py": "",
        "routes/books.py": route,
        "services/__init__.py": "",
        "services/connection.py": pool,
        "services/catalog.py": CATALOG,
    }


def _sql(report: dict[str, object]) -> list[tuple[str, int, str, str]]:
    orm = report["orm"]
    assert isinstance(orm, dict)
    return sorted((r["file"], r["line"], r["kind"], r["statement"]) for r in orm["raw_sql"])


@pytest.mark.parametrize("pool", [PSYCOPG_POOL, MYSQL_POOL], ids=["psycopg2-pool", "mysql-pooling"])
def test_cursors_of_pooled_connections_run_raw_sql_and_a_route_taking_one_bypasses(
    make_project: MakeProject, pool: str
) -> None:
    report = inspect_json(make_project, _library(pool, ROUTE_INLINE))
    assert _sql(report) == [
        ("routes/books.py", 14, "statement", "SELECT"),
        ("services/catalog.py", 8, "statement", "INSERT"),
        ("services/catalog.py", 25, "statement", "SELECT"),  # `base_query + " ORDER BY title"`
    ]
    layers = layers_of(report)
    assert layers["services/connection.py"] == "repositories"  # makes the pool, hands connections out
    assert layers["services/catalog.py"] == "services"  # a use case running its SQL inline
    assert layers["routes/books.py"] == "routes"
    assert layer_violations(report) == [("bypass", "routes/books.py", "services/connection.py")]


@pytest.mark.parametrize("pool", [PSYCOPG_POOL, MYSQL_POOL], ids=["psycopg2-pool", "mysql-pooling"])
def test_routes_reaching_pooled_connections_through_a_service_are_clean(
    make_project: MakeProject, pool: str
) -> None:
    report = inspect_json(make_project, _library(pool, ROUTE_THROUGH_SERVICE))
    assert [site[:2] for site in _sql(report)] == [("services/catalog.py", 8), ("services/catalog.py", 25)]
    assert layers_of(report)["services/connection.py"] == "repositories"
    assert layer_violations(report) == []


def test_a_service_querying_on_its_own_connection_stays_a_service(make_project: MakeProject) -> None:
    """Its functions return rows (`cur.fetchall()`), not a connection: imported for its use cases."""
    service = """import psycopg2

from settings import DSN

conn = psycopg2.connect(DSN)


def list_books(tag):
    cur = conn.cursor()
    cur.execute("SELECT id, title FROM books ORDER BY title")
    return cur.fetchall()


def add_book(title):
    cur = conn.cursor()
    cur.execute("INSERT INTO books (title) VALUES (%s)", (title,))
    conn.commit()
    return title
"""
    files = _library(PSYCOPG_POOL, ROUTE_THROUGH_SERVICE)
    files["services/catalog.py"] = service
    del files["services/connection.py"]
    report = inspect_json(make_project, files)
    assert layers_of(report)["services/catalog.py"] == "services"
    assert layer_violations(report) == []


def test_a_string_extended_from_a_base_that_is_no_sql_is_not_raw_sql(make_project: MakeProject) -> None:
    catalog = CATALOG.replace(
        '"SELECT id, title FROM books WHERE deleted = false"', '"books without a deleted mark"'
    )
    files = _library(PSYCOPG_POOL, ROUTE_THROUGH_SERVICE)
    files["services/catalog.py"] = catalog
    assert [site[:2] for site in _sql(inspect_json(make_project, files))] == [("services/catalog.py", 8)]


# -- a start-up validation function ----------------------------------------------------------------------

EACH_VALUE = """def validate_settings():
    required = {"API_TOKEN": API_TOKEN, "DATABASE_URL": DATABASE_URL}
    for name, value in required.items():
        if not value:
            raise RuntimeError(f"{name} must be set")
"""
ONE_VALUE = """def validate_settings():
    if not API_TOKEN:
        raise RuntimeError("API_TOKEN must be set")
"""


@pytest.mark.parametrize("validation", [EACH_VALUE, ONE_VALUE], ids=["each-value", "one-value"])
def test_a_validation_run_at_import_stops_the_app_on_an_unset_variable(
    make_project: MakeProject, validation: str
) -> None:
    report = check(
        make_project, flask_postgres_app(validation + "\n\nvalidate_settings()\n"), FLASK_POSTGRES_TASK
    )
    db001 = only(report, "DB001")
    assert db001["harness_engines"] == []
    assert "config.py" in db001["message"] and "$API_TOKEN" in db001["message"]


@pytest.mark.parametrize(
    "check_code",
    [
        EACH_VALUE,  # defined, never called
        EACH_VALUE + '\n\nif __name__ == "__main__":\n    validate_settings()\n',  # run as a program only
        EACH_VALUE.replace('"API_TOKEN": API_TOKEN', '"LOG_LEVEL": LOG_LEVEL')
        + "\n\nvalidate_settings()\n",  # every value tested has a default
        ONE_VALUE.replace("not API_TOKEN", 'API_TOKEN == "none"')
        + "\n\nvalidate_settings()\n",  # a comparison
    ],
    ids=["never-called", "main-only", "defaults", "comparison"],
)
def test_a_validation_that_cannot_stop_the_app_in_the_harness(
    make_project: MakeProject, check_code: str
) -> None:
    assert database_status(check(make_project, flask_postgres_app(check_code), FLASK_POSTGRES_TASK)) == "pass"
