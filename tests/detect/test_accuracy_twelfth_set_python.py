"""Python patterns of the twelfth unseen labelled set (issue 18, docs/accuracy.md "The twelfth set's Python
patterns"), each with a violating and a clean project written for the test:

- a table-less `SELECT` of several values the server computes — `SELECT version() AS version, NOW()`,
  `select current_user, current_setting('search_path')`, a PostGIS call nesting another — handed to a SQL
  sink is a raw statement (a health or identity probe), on an untraced pool as under SQLAlchemy's `text()`;
- a list of bare names (`SELECT name, email`) or prose with a call in it stays no SQL.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json

from cdverify.model import Template
from cdverify.sql.classify import SqlKind, classify

DATABASE = """import asyncpg


class DatabaseService:
    def __init__(self) -> None:
        self._pool = None

    async def initialize(self) -> None:
        self._pool = await asyncpg.create_pool(host="db", database="app", user="app", password="secret")

    @property
    def pool(self):
        return self._pool

    async def health_check(self):
        return await self.pool.fetchrow(STATEMENT)

    async def fetchval(self, query, *args):
        return await self.pool.fetchval(query, *args)
"""
ROUTER = """from fastapi import APIRouter, Request

router = APIRouter()


@router.get("/distance")
async def distance(request: Request, a: float, b: float):
    db = request.app.state.db
    return {"d": await db.fetchval(STATEMENT, a, b)}
"""
MAIN = """from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.database import DatabaseService
from app.routers import points


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.db = DatabaseService()
    await app.state.db.initialize()
    yield


app = FastAPI(lifespan=lifespan)
app.include_router(points.router)
"""


def _fastapi(probe: str, query: str) -> dict[str, str | bytes]:
    return {
        "app/__init__.py": "",
        "app/database.py": DATABASE.replace("STATEMENT", probe),
        "app/routers/__init__.py": "",
        "app/routers/points.py": ROUTER.replace("STATEMENT", query),
        "app/main.py": MAIN,
        "requirements.txt": "fastapi\nasyncpg\n",
    }


def test_table_less_selects_of_computed_values_on_an_untraced_pool_are_raw_sql(
    make_project: MakeProject,
) -> None:
    query = '"SELECT ST_Distance(ST_MakePoint($1, $2)::geography, ST_MakePoint($2, $1)::geography)"'
    report = inspect_json(
        make_project, _fastapi('"SELECT version() AS version, NOW() AS server_time"', query)
    )
    raw = {(r["file"], r["sql"]) for r in report["orm"]["raw_sql"]}
    assert raw == {
        ("app/database.py", "SELECT version() AS version, NOW() AS server_time"),
        ("app/routers/points.py", query.strip('"')),
    }


@pytest.mark.parametrize("statement", ['"SELECT name, email"', '"Select the plan (monthly), then pay"'])
def test_names_alone_or_prose_on_an_untraced_pool_are_not_raw_sql(
    make_project: MakeProject, statement: str
) -> None:
    report = inspect_json(make_project, _fastapi(statement, statement))
    assert report["orm"]["raw_sql"] == []


FLASK = """from flask import Flask
from sqlalchemy import create_engine, text

engine = create_engine("postgresql+psycopg2://app:secret@db/app")


def create_app():
    app = Flask(__name__)
    with engine.connect() as conn:
        conn.execute(text(STATEMENT)).one()
    return app
"""


@pytest.mark.parametrize(
    ("statement", "found"),
    [
        ("\"select current_user, current_database(), current_setting('search_path')\"", True),
        ('"select current_user, current_schema"', False),
    ],
)
def test_an_identity_probe_under_text_is_raw_sql(
    make_project: MakeProject, statement: str, found: bool
) -> None:
    files: dict[str, str | bytes] = {
        "app/__init__.py": FLASK.replace("STATEMENT", statement),
        "requirements.txt": "flask\nsqlalchemy\npsycopg2-binary\n",
    }
    report = inspect_json(make_project, files)
    sites = [(r["file"], r["kind"], r.get("purpose")) for r in report["orm"]["raw_sql"]]
    assert sites == ([("app/__init__.py", "trivial", "health check")] if found else [])


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("SELECT version() AS version, NOW() AS server_time", SqlKind.TRIVIAL),
        ("select current_user, current_setting('search_path');", SqlKind.TRIVIAL),
        ("SELECT a, b", SqlKind.NOT_SQL),
        ("select the best option (fast)", SqlKind.NOT_SQL),
        ("SELECT count(*) FROM users", SqlKind.STATEMENT),
    ],
)
def test_classifying_table_less_selects(text: str, kind: SqlKind) -> None:
    assert classify(text, at_sink=True).kind is kind
    assert classify(text).kind is (SqlKind.STATEMENT if kind is SqlKind.STATEMENT else SqlKind.NOT_SQL)


# -- a clause built at run time after an aliased table ------------------------------------------------------

LISTING = """from fastapi import APIRouter, Request

router = APIRouter()


@router.get("/points")
async def points(request: Request, sort: str, order: str, sport: str | None = None):
    db = request.app.state.db
    where = "WHERE a.sport = $1" if sport else ""
    query = (
        f"SELECT a.id, a.sport FROM public.activities a {where} "
        f"ORDER BY a.{sort} {order} LIMIT 10"
    )
    return await db.fetch(QUERY)
"""


@pytest.mark.parametrize(("query", "found"), [("query", True), ('f"the activities a {where}"', False)])
def test_a_clause_hole_after_an_aliased_table_leaves_a_statement(
    make_project: MakeProject, query: str, found: bool
) -> None:
    files = _fastapi('"SELECT 1"', '"SELECT 1"')
    files["app/routers/points.py"] = LISTING.replace("QUERY", query)
    report = inspect_json(make_project, files)
    sites = [(r["file"], r["line"]) for r in report["orm"]["raw_sql"] if r["file"] == "app/routers/points.py"]
    assert sites == ([("app/routers/points.py", 14)] if found else [])


@pytest.mark.parametrize(
    ("pieces", "kind"),
    [
        (("SELECT a.x FROM t a ", " ORDER BY a.x"), SqlKind.STATEMENT),
        (("SELECT a.x FROM t AS a ", ""), SqlKind.STATEMENT),
        (("SELECT a.x FROM t a ", " a.y"), SqlKind.FRAGMENT),  # a hole inside the select list's tail
        (("SELECT a.x FROM t a ", " (1)"), SqlKind.FRAGMENT),
    ],
)
def test_classifying_a_clause_hole_after_an_alias(pieces: tuple[str, ...], kind: SqlKind) -> None:
    assert classify(Template(pieces), at_sink=True).kind is kind


# -- peewee-async's database classes -------------------------------------------------------------------------

PEEWEE_ASYNC = """import peewee
import peewee_async

database = peewee_async.CLASS("app", user="app", password="secret", host="db")


class Device(peewee.Model):
    name = peewee.CharField()

    class Meta:
        database = database


objects = peewee_async.Manager(database)
"""


@pytest.mark.parametrize(
    ("cls", "engines"),
    [
        ("PooledPostgresqlDatabase", ["postgresql"]),
        ("PsycopgDatabase", ["postgresql"]),
        ("PooledMySQLDatabase", ["mysql"]),
        ("AioModel", []),  # not a database class: no engine from it
    ],
)
def test_peewee_async_database_classes_name_their_engine(
    make_project: MakeProject, cls: str, engines: list[str]
) -> None:
    files: dict[str, str | bytes] = {
        "db.py": PEEWEE_ASYNC.replace("CLASS", cls),
        "requirements.txt": "aiohttp\npeewee\npeewee-async\n",
    }
    assert inspect_json(make_project, files)["database"]["engines"] == engines


# -- an application whose app module Python cannot parse ----------------------------------------------------

BROKEN_MAIN = """import sqlite3

from fastapi import FastAPI
from pydantic import BaseModel, validator

app = FastAPI()
conn = sqlite3.connect("trips.db", check_same_thread=False)


class Trip(BaseModel):
    destination: str

    @validator("destination")
INDENT
def valid(cls, value):
        return value


@app.get("/trips")
def trips():
    return conn.execute("SELECT * FROM trips").fetchall()
"""

BROKEN = BROKEN_MAIN.replace("INDENT\n", "")  # `def valid` dedented inside the class: IndentationError
VALID = BROKEN.replace("\ndef valid", "\n    def valid")


def _harness(make_project: MakeProject, files: dict[str, str | bytes]) -> list[str]:
    import cdverify
    from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness

    inspected = cdverify.inspect(make_project({**files, "requirements.txt": "fastapi\n"}), use_cache=False)
    assert inspected.to_json()["database"]["engines"] == ["sqlite"]
    return sorted(in_harness(inspected.analysis.database, PAPER_ENVIRONMENT).holding)


@pytest.mark.parametrize(
    ("files", "engines"),
    [
        ({"main.py": BROKEN}, []),  # the app module raises IndentationError as uvicorn imports it
        ({"main.py": "import helpers\n" + VALID, "helpers.py": "x = (\n"}, []),  # a module it imports
        # a broken script the app never imports, or a valid app: it starts, on SQLite
        ({"main.py": VALID, "script.py": "x = (\n"}, ["sqlite"]),
        ({"main.py": VALID}, ["sqlite"]),
    ],
)
def test_an_app_module_python_cannot_parse_does_not_start(
    make_project: MakeProject, files: dict[str, str | bytes], engines: list[str]
) -> None:
    assert _harness(make_project, files) == engines
