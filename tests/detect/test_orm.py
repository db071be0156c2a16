"""The ORM-adherence verifier (ORM001-ORM004) on small projects written for each case.

Table-driven, and driven by the catalogues themselves so that a new entry is tested the day it is added:

- every sink of rules/orm/sinks.toml: each `calls` entry called the way real code imports it, each
  `receivers` entry reached the way real code obtains it (a connection, a cursor, a pool, a client),
  then every `methods` name called on it with a SQL string literal; untraced receivers; fragments;
- every library of rules/orm/libraries.toml imported by application code (its kind), and every `models`
  signature used to define a model;
- the traps: `.execute()` / `.query()` on objects that are no database, SQL-looking prose outside a sink,
  ORM queries, parameterised tagged templates (still raw), SQL built with f-strings, `%`, `.format`,
  `+` and template literals, SQL from a variable (dynamic);
- scopes (tests, migrations, scripts: information), start-up bootstrap and health checks;
- a violating and a clean case for every rule, and the verdicts of the four ORM constraints;
- sqlglot is imported only when a candidate string needs it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pytest
from reports import MakeProject, check, inspect_json

from cdverify.pipeline import verify

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules" / "orm"
CORPUS = REPO / "corpus"
SINKS: dict[str, list[dict[str, Any]]] = tomllib.loads((RULES / "sinks.toml").read_text())
LIBRARIES: dict[str, dict[str, Any]] = tomllib.loads((RULES / "libraries.toml").read_text())["libraries"]


SELECT_USERS = "SELECT id, email FROM users WHERE active = 1"


# -- helpers -----------------------------------------------------------------------------------------


def src(text: str) -> str:
    """A source file written as an indented triple-quoted string."""
    return textwrap.dedent(text).lstrip("\n")


def orm(make_project: MakeProject, files: dict[str, str | bytes]) -> dict[str, Any]:
    """The `orm` object of `cdverify inspect --format json` for a project made of `files`."""
    data: dict[str, Any] = inspect_json(make_project, files)["orm"]
    return data


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the only line of `text` that contains `needle`."""
    lines = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) == 1, (needle, text)
    return lines[0]


def one_raw(data: dict[str, Any]) -> dict[str, Any]:
    assert data["fragments"] == [], data
    assert len(data["raw_sql"]) == 1, data["raw_sql"]
    item: dict[str, Any] = data["raw_sql"][0]
    return item


def one_fragment(data: dict[str, Any]) -> dict[str, Any]:
    assert data["raw_sql"] == [], data
    assert len(data["fragments"]) == 1, data["fragments"]
    item: dict[str, Any] = data["fragments"][0]
    return item


def orm_findings(report: dict[str, Any]) -> list[tuple[str, str, str, int]]:
    """(rule, severity, file, line) of every ORM finding."""
    return sorted(
        (f["rule"], f["severity"], f["file"], f["line"])
        for f in report["findings"]
        if f["rule"].startswith("ORM")
    )


def orm_rules(report: dict[str, Any]) -> list[str]:
    return sorted(f["rule"] for f in report["findings"] if f["rule"].startswith("ORM"))


def finding(report: dict[str, Any], rule: str) -> dict[str, Any]:
    matches = [f for f in report["findings"] if f["rule"] == rule]
    assert len(matches) == 1, (rule, report["findings"])
    return matches[0]


def assert_statement(
    item: dict[str, Any], file: str, line: int, api: str, tables: list[str], statement: str = "SELECT"
) -> None:
    assert (item["file"], item["line"], item["api"]) == (file, line, api), item
    assert item["kind"] == "statement", item
    assert item["statement"] == statement, item
    assert item["tables"] == tables, item
    assert item["scope"] == "application", item
    assert "purpose" not in item, item


def sink_entry(family: str, name: str) -> dict[str, Any]:
    return next(entry for entry in SINKS[family] if entry["name"] == name)


def receiver_params(family: str) -> list[Any]:
    """(sink name, receiver, method) for every method of every receiver of every traced entry."""
    return [
        pytest.param(entry["name"], receiver, method, id=f"{receiver}:{method}")
        for entry in SINKS[family]
        if not entry.get("untraced")
        for receiver in entry.get("receivers", [])
        for method in entry.get("methods", [])
    ]


def call_params(family: str) -> list[Any]:
    return [
        pytest.param(entry["name"], call, id=call)
        for entry in SINKS[family]
        for call in entry.get("calls", [])
    ]


# -- Python sinks: every `calls` entry ------------------------------------------------------------------

# The SQL each callable is written with in real code (DDL() takes DDL, execute_values a VALUES %s).
PY_CALL_SQL = {
    "sqlalchemy.DDL": ("CREATE INDEX ix_users_email ON users (email)", "CREATE INDEX"),
    "sqlalchemy.schema.DDL": ("CREATE INDEX ix_users_email ON users (email)", "CREATE INDEX"),
    "psycopg2.extras.execute_values": ("INSERT INTO users (email, active) VALUES %s", "INSERT"),
    "psycopg2.extras.execute_batch": ("INSERT INTO users (email, active) VALUES (%s, %s)", "INSERT"),
}
# Arguments before the SQL, as the library expects them.
PY_LEADING_ARGS = {
    "psycopg2.extras.execute_values": "cur, ",
    "psycopg2.extras.execute_batch": "cur, ",
}
PY_TRAILING_ARGS = {
    "pandas.read_sql": ", engine",
    "pandas.read_sql_query": ", engine",
    "psycopg2.extras.execute_values": ", rows",
    "psycopg2.extras.execute_batch": ", rows",
    "django.db.models.expressions.RawSQL": ", ()",
    "django.db.models.RawSQL": ", ()",
}


def test_python_calls_with_a_later_sql_argument_have_their_leading_arguments() -> None:
    for entry in SINKS["python"]:
        for call in entry.get("calls", []):
            assert PY_LEADING_ARGS.get(call, "").count(",") == entry.get("arg", 0), call


# Callables that real code does not import by their own name, nor call in application code:
# callee -> (path, source with `SINK("<sql>")`, scope)
PY_CALL_SNIPPETS: dict[str, tuple[str, str, str]] = {
    "alembic.op.execute": (
        "migrations/versions/0002_backfill_users.py",
        """
        from alembic import op

        revision = "0002"
        down_revision = "0001"


        def upgrade() -> None:
            op.SINK


        def downgrade() -> None:
            pass
        """,
        "migrations",
    ),
    "flask_sqlalchemy.SQLAlchemy().text": (
        "app/repositories/users.py",
        """
        from flask_sqlalchemy import SQLAlchemy

        db = SQLAlchemy()


        def run():
            return db.session.execute(db.SINK)
        """,
        "application",
    ),
}

# GINO's handle re-exports sqlalchemy's names (`db.text(…)`), in the library and its framework extensions
_GINO_TEXT = """
    from MODULE import Gino

    db = Gino()


    async def run():
        return await db.status(db.SINK)
    """
PY_CALL_SNIPPETS.update(
    {
        f"{module}.Gino().text": (
            "app/repositories/users.py",
            _GINO_TEXT.replace("MODULE", module),
            "application",
        )
        for module in ("gino", "gino.ext.starlette", "gino.ext.aiohttp", "gino_starlette", "gino_aiohttp")
    }
)


def python_call_source(callee: str, call: str) -> tuple[str, str, str]:
    """(path, source, scope) of a module making `call` (the callable's last name and its arguments)."""
    if callee in PY_CALL_SNIPPETS:
        path, text, scope = PY_CALL_SNIPPETS[callee]
        return path, src(text).replace("SINK", call), scope
    module, name = callee.rsplit(".", 1)
    source = src(
        f"""
        from {module} import {name}


        def run(session, cur, engine, rows):
            return session.execute({call})
        """
    )
    return "app/repositories/users.py", source, "application"


@pytest.mark.parametrize(("sink", "callee"), call_params("python"))
def test_every_python_sink_call(make_project: MakeProject, sink: str, callee: str) -> None:
    """`from sqlalchemy import text` … `text("SELECT …")`: each callable, imported by its own name."""
    name = callee.rsplit(".", 1)[1]
    sql, statement = PY_CALL_SQL.get(callee, (SELECT_USERS, "SELECT"))
    call = f'{name}({PY_LEADING_ARGS.get(callee, "")}"{sql}"{PY_TRAILING_ARGS.get(callee, "")})'
    path, source, scope = python_call_source(callee, call)
    item = one_raw(orm(make_project, {path: source}))
    assert (item["file"], item["line"], item["api"], item["kind"]) == (
        path,
        line_of(source, f"{name}("),
        sink,
        "statement",
    )
    assert (item["statement"], item["tables"], item["scope"]) == (statement, ["users"], scope)


def _keyword_params() -> list[Any]:
    return [
        pytest.param(entry["name"], key, id=f"{entry['name']}:{key}")
        for entry in SINKS["python"]
        if not entry.get("untraced")
        for key in entry.get("keys", [])
    ]


@pytest.mark.parametrize(("sink", "key"), _keyword_params())
def test_every_python_sql_keyword(make_project: MakeProject, sink: str, key: str) -> None:
    """The SQL passed by keyword (`cursor.execute(operation=…)`, `text(text=…)`, `op.execute(sqltext=…)`)."""
    entry = sink_entry("python", sink)
    if entry.get("calls"):
        callee = entry["calls"][0]
        name = callee.rsplit(".", 1)[1]
        path, source, scope = python_call_source(callee, f'{name}({key}="{SELECT_USERS}")')
    else:
        name = entry["methods"][0]
        source = src(PY_RECEIVERS[entry["receivers"][0]]).replace("SINK", f'{name}({key}="{SELECT_USERS}")')
        path, scope = "app/repositories/users.py", "application"
    item = one_raw(orm(make_project, {path: source}))
    assert (item["file"], item["line"], item["api"], item["kind"], item["tables"], item["scope"]) == (
        path,
        line_of(source, f"{name}("),
        sink,
        "statement",
        ["users"],
        scope,
    )


# name -> (path, source, sink, tables, text on the line of the sink)
PY_CALL_SPELLINGS: dict[str, tuple[str, str, str, list[str], str]] = {
    "sqlalchemy as sa": (
        "app/repositories/users.py",
        """
        import sqlalchemy as sa


        def active_users(session):
            return session.execute(sa.text("SELECT id, email FROM users WHERE active = :active"), {"active": True}).all()
        """,
        "sqlalchemy.text",
        ["users"],
        "sa.text(",
    ),
    "text keyword": (
        "app/repositories/users.py",
        """
        from sqlalchemy import text


        def active_users(connection):
            return connection.execute(text(text="SELECT id, email FROM users WHERE active = 1")).all()
        """,
        "sqlalchemy.text",
        ["users"],
        "text(",
    ),
    "text in a constant first": (
        "app/repositories/users.py",
        """
        from sqlalchemy import text

        ACTIVE_USERS = text("SELECT id, email FROM users WHERE active = 1")


        def active_users(session):
            return session.execute(ACTIVE_USERS).all()
        """,
        "sqlalchemy.text",
        ["users"],
        "= text(",
    ),
    "sqlmodel text": (
        "app/repositories/users.py",
        """
        from sqlmodel import Session, text


        def active_users(session: Session):
            return session.exec(text("SELECT id, email FROM users WHERE active = 1")).all()
        """,
        "sqlalchemy.text",
        ["users"],
        "text(",
    ),
    "pandas as pd": (
        "app/reports/users.py",
        """
        import pandas as pd

        from app.db import engine


        def users_frame():
            return pd.read_sql("SELECT id, email FROM users WHERE active = 1", engine)
        """,
        "pandas read_sql",
        ["users"],
        "read_sql(",
    ),
    "psycopg2.extras module": (
        "app/repositories/users.py",
        """
        import psycopg2.extras


        def insert_users(conn, rows):
            with conn.cursor() as cur:
                psycopg2.extras.execute_values(cur, "INSERT INTO users (email) VALUES %s", rows)
        """,
        "psycopg2.extras batch",
        ["users"],
        "execute_values(",
    ),
    "Django RawSQL annotate": (
        "app/repositories/articles.py",
        """
        from django.db.models.expressions import RawSQL

        from app.models import Article


        def with_comment_count():
            return Article.objects.annotate(
                comments=RawSQL("SELECT count(*) FROM comments WHERE comments.article_id = %s", (1,))
            )
        """,
        "Django RawSQL / raw",
        ["comments"],
        "RawSQL(",
    ),
    "alembic op.execute sqltext keyword": (
        "migrations/versions/0003_deactivate.py",
        """
        from alembic import op


        def upgrade() -> None:
            op.execute(sqltext="UPDATE users SET active = 0 WHERE last_login IS NULL")
        """,
        "alembic op.execute",
        ["users"],
        "op.execute(",
    ),
}


@pytest.mark.parametrize("spelling", list(PY_CALL_SPELLINGS))
def test_python_sink_call_spellings(make_project: MakeProject, spelling: str) -> None:
    path, text, sink, tables, needle = PY_CALL_SPELLINGS[spelling]
    source = src(text)
    item = one_raw(orm(make_project, {path: source}))
    assert (item["file"], item["line"], item["api"], item["kind"], item["tables"]) == (
        path,
        line_of(source, needle),
        sink,
        "statement",
        tables,
    )


# -- Python sinks: every receiver, reached the way real code reaches it, and every method ---------------

# `SINK` is where `<method>("<sql>")` goes; each receiver of sinks.toml needs one (checked below).
PY_RECEIVERS: dict[str, str] = {
    # sqlalchemy exec_driver_sql
    "sqlalchemy.": """
        from sqlalchemy import create_engine

        engine = create_engine("sqlite:///app.db")


        def active_users():
            with engine.connect() as conn:
                return conn.SINK.all()
        """,
    "flask_sqlalchemy.": """
        from flask_sqlalchemy import SQLAlchemy

        db = SQLAlchemy()


        def active_users():
            with db.engine.connect() as conn:
                return conn.SINK.all()
        """,
    "sqlmodel.": """
        from sqlmodel import Session, create_engine

        engine = create_engine("sqlite:///app.db")


        def active_users():
            with Session(engine) as session:
                return session.connection().SINK.all()
        """,
    # a SQLAlchemy / SQLModel session or connection handed in (rules/parse.toml `[python.annotated]`)
    "sqlalchemy.orm.Session()": """
        from sqlalchemy.orm import Session


        def active_users(session: Session):
            return session.SINK.all()
        """,
    "sqlalchemy.orm.scoped_session()": """
        from sqlalchemy.orm import scoped_session


        def active_users(session: scoped_session):
            return session.SINK.all()
        """,
    "sqlalchemy.ext.asyncio.AsyncSession()": """
        from typing import Optional

        from sqlalchemy.ext.asyncio import AsyncSession


        class UserReader:
            def __init__(self, session: Optional[AsyncSession]) -> None:
                self._session = session

            async def active_users(self):
                return (await self._session.SINK).all()
        """,
    "sqlalchemy.engine.Connection()": """
        from sqlalchemy.engine import Connection


        def active_users(conn: Connection):
            return conn.SINK.all()
        """,
    "sqlalchemy.ext.asyncio.AsyncConnection()": """
        from sqlalchemy.ext.asyncio import AsyncConnection


        async def active_users(conn: "AsyncConnection"):
            return (await conn.SINK).all()
        """,
    "sqlmodel.Session()": """
        from sqlmodel import Session


        class UserReader:
            session: Session

            def active_users(self):
                return self.session.SINK.all()
        """,
    "sqlmodel.ext.asyncio.session.AsyncSession()": """
        from sqlmodel.ext.asyncio.session import AsyncSession


        async def active_users(session: AsyncSession | None = None):
            return (await session.SINK).all()
        """,
    # the connections an engine opens and the sessions a session factory makes
    "sqlalchemy.create_engine()": """
        from sqlalchemy import create_engine

        engine = create_engine("sqlite:///app.db")


        def active_users():
            with engine.connect() as conn:
                return conn.SINK.all()
        """,
    "sqlalchemy.engine.create_engine()": """
        from sqlalchemy.engine import create_engine

        engine = create_engine("sqlite:///app.db")


        def active_users():
            with engine.begin() as conn:
                return conn.SINK.all()
        """,
    "sqlalchemy.ext.asyncio.create_async_engine()": """
        from sqlalchemy.ext.asyncio import create_async_engine

        engine = create_async_engine("sqlite+aiosqlite:///app.db")


        async def active_users():
            async with engine.connect() as conn:
                return (await conn.SINK).all()
        """,
    "sqlmodel.create_engine()": """
        from sqlmodel import create_engine

        engine = create_engine("sqlite:///app.db")


        def active_users():
            with engine.connect() as conn:
                return conn.SINK.all()
        """,
    "sqlalchemy.orm.sessionmaker()()": """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        SessionLocal = sessionmaker(bind=create_engine("sqlite:///app.db"))


        def active_users():
            with SessionLocal() as session:
                return session.SINK.all()
        """,
    "sqlalchemy.ext.asyncio.async_sessionmaker()()": """
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        session_maker = async_sessionmaker(create_async_engine("sqlite+aiosqlite:///app.db"))


        async def active_users():
            async with session_maker() as session:
                return (await session.SINK).all()
        """,
    "flask_sqlalchemy.SQLAlchemy().session": """
        from flask_sqlalchemy import SQLAlchemy

        db = SQLAlchemy()


        def active_users():
            return db.session.SINK.all()
        """,
    "flask_sqlalchemy.SQLAlchemy().engine": """
        from flask_sqlalchemy import SQLAlchemy

        db = SQLAlchemy()


        def active_users():
            with db.engine.connect() as conn:
                return conn.SINK.all()
        """,
    # DB-API
    "sqlite3.connect()": """
        import sqlite3


        def active_users():
            conn = sqlite3.connect("app.db")
            cur = conn.cursor()
            cur.SINK
            rows = cur.fetchall()
            conn.close()
            return rows
        """,
    "aiosqlite.connect()": """
        import aiosqlite


        async def active_users():
            async with aiosqlite.connect("app.db") as db:
                return await db.SINK
        """,
    "psycopg2.connect()": """
        import os

        import psycopg2


        def active_users():
            conn = psycopg2.connect(os.environ["DATABASE_URL"])
            with conn.cursor() as cur:
                cur.SINK
                return cur.fetchall()
        """,
    "psycopg.connect()": """
        import os

        import psycopg


        def active_users():
            with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
                return conn.SINK.fetchall()
        """,
    "psycopg.AsyncConnection.connect()": """
        from psycopg import AsyncConnection


        async def active_users(dsn):
            aconn = await AsyncConnection.connect(dsn)
            async with aconn.cursor() as acur:
                await acur.SINK
                return await acur.fetchall()
        """,
    "psycopg_pool.": """
        import os

        from psycopg_pool import ConnectionPool

        pool = ConnectionPool(os.environ["DATABASE_URL"])


        def active_users():
            with pool.connection() as conn:
                return conn.SINK.fetchall()
        """,
    "pymysql.connect()": """
        import pymysql

        connection = pymysql.connect(host="localhost", user="user", password="password", database="conduit")


        def active_users():
            with connection.cursor() as cursor:
                cursor.SINK
                return cursor.fetchall()
        """,
    "MySQLdb.connect()": """
        import MySQLdb


        def active_users():
            db = MySQLdb.connect(host="localhost", user="user", passwd="password", db="conduit")
            c = db.cursor()
            c.SINK
            return c.fetchall()
        """,
    "mysql.connector.connect()": """
        import mysql.connector


        def active_users():
            cnx = mysql.connector.connect(user="user", password="password", database="conduit")
            cursor = cnx.cursor()
            cursor.SINK
            return list(cursor)
        """,
    "psycopg2.pool.": """
        import os

        from psycopg2.pool import SimpleConnectionPool

        pool = SimpleConnectionPool(1, 4, os.environ["DATABASE_URL"])


        def active_users():
            conn = pool.getconn()
            try:
                cur = conn.cursor()
                cur.SINK
                return cur.fetchall()
            finally:
                pool.putconn(conn)
        """,
    "mysql.connector.pooling.": """
        from mysql.connector import pooling

        pool = pooling.MySQLConnectionPool(pool_name="conduit", pool_size=4, user="user", database="conduit")


        def active_users():
            cnx = pool.get_connection()
            cursor = cnx.cursor()
            cursor.SINK
            return list(cursor)
        """,
    "aiomysql.": """
        import aiomysql


        async def active_users():
            pool = await aiomysql.create_pool(host="127.0.0.1", user="user", password="password", db="conduit")
            async with pool.acquire() as conn:
                async with conn.cursor() as cur:
                    await cur.SINK
                    return await cur.fetchall()
        """,
    "asyncmy.": """
        import asyncmy


        async def active_users():
            conn = await asyncmy.connect(host="127.0.0.1", user="user", password="password", database="conduit")
            async with conn.cursor() as cursor:
                await cursor.SINK
                return await cursor.fetchall()
        """,
    "pg8000.": """
        import pg8000.native


        def active_users():
            con = pg8000.native.Connection("user", password="password", database="conduit")
            return con.SINK
        """,
    # aiopg.sa: the SQLAlchemy-flavoured engine's connections (a string literal is SQL there)
    "aiopg.sa.": """
        from aiopg.sa import create_engine

        DSN = "dbname=conduit user=user password=password host=127.0.0.1"


        async def active_users():
            engine = await create_engine(DSN)
            async with engine.acquire() as conn:
                return await conn.SINK
        """,
    "aiopg.": """
        import aiopg

        DSN = "dbname=conduit user=user password=password host=127.0.0.1"


        async def active_users():
            pool = await aiopg.create_pool(DSN)
            async with pool.acquire() as conn:
                async with conn.cursor() as cur:
                    await cur.SINK
                    return await cur.fetchall()
        """,
    "pyodbc.connect()": """
        import pyodbc

        CONNECTION_STRING = "DRIVER={ODBC Driver 18 for SQL Server};SERVER=localhost;DATABASE=conduit"


        def active_users():
            cnxn = pyodbc.connect(CONNECTION_STRING)
            cursor = cnxn.cursor()
            cursor.SINK
            return cursor.fetchall()
        """,
    "pymssql.connect()": """
        import pymssql


        def active_users():
            conn = pymssql.connect("localhost", "sa", "password", "conduit")
            cursor = conn.cursor(as_dict=True)
            cursor.SINK
            return cursor.fetchall()
        """,
    "oracledb.": """
        import oracledb


        def active_users():
            connection = oracledb.connect(user="system", password="password", dsn="localhost/xepdb1")
            with connection.cursor() as cursor:
                cursor.SINK
                return cursor.fetchall()
        """,
    # cx_Oracle, python-oracledb's name before its rename
    "cx_Oracle.": """
        import cx_Oracle


        def active_users():
            connection = cx_Oracle.connect(user="system", password="password", dsn="localhost/xepdb1")
            cursor = connection.cursor()
            cursor.SINK
            return cursor.fetchall()
        """,
    "duckdb.connect()": """
        import duckdb


        def active_users():
            con = duckdb.connect("analytics.duckdb")
            return con.SINK.fetchall()
        """,
    # asyncpg
    "asyncpg.": """
        import os

        import asyncpg


        async def active_users():
            conn = await asyncpg.connect(os.environ["DATABASE_URL"])
            try:
                return await conn.SINK
            finally:
                await conn.close()
        """,
    "asyncpgsa.": """
        import os

        from asyncpgsa import PG

        pg = PG()


        async def active_users():
            await pg.init(os.environ["DATABASE_URL"])
            return await pg.SINK
        """,
    # Django
    "django.db.connection": """
        from django.db import connection


        def active_users():
            with connection.cursor() as cursor:
                cursor.SINK
                return cursor.fetchall()
        """,
    "django.db.models.Model.objects": """
        from django.db import models


        class User(models.Model):
            email = models.EmailField()


        def active_users():
            return list(User.objects.SINK)
        """,
    "djongo.models.Model.objects": """
        from djongo import models


        class User(models.Model):
            email = models.EmailField()


        def active_users():
            return list(User.objects.SINK)
        """,
    "django.db.connections": """
        from django.db import connections


        def active_users():
            with connections["default"].cursor() as cursor:
                cursor.SINK
                return cursor.fetchall()
        """,
    # peewee / tortoise / databases
    "peewee.": """
        from peewee import SqliteDatabase

        db = SqliteDatabase("app.db")


        def active_users():
            return db.SINK
        """,
    "playhouse.": """
        import os

        from playhouse.db_url import connect

        db = connect(os.environ.get("DATABASE_URL", "sqlite:///app.db"))


        def active_users():
            return db.SINK
        """,
    "tortoise.": """
        from tortoise import connections


        async def active_users():
            conn = connections.get("default")
            return await conn.SINK
        """,
    "databases.Database()": """
        import os

        from databases import Database

        database = Database(os.environ["DATABASE_URL"])


        async def active_users():
            return await database.SINK
        """,
}

# GINO's handle, in the library and its framework extensions (`gino_starlette` …): `await db.status("…")`
_GINO_HANDLE = """
    from MODULE import Gino

    db = Gino()


    async def active_users():
        return await db.SINK
    """
PY_RECEIVERS.update(
    {
        f"{module}.": _GINO_HANDLE.replace("MODULE", module)
        for module in ("gino", "gino_starlette", "gino_aiohttp", "gino_sanic", "gino_quart", "gino_tornado")
    }
)


def test_every_python_receiver_has_a_snippet() -> None:
    receivers = {r for entry in SINKS["python"] for r in entry.get("receivers", [])}
    assert receivers == set(PY_RECEIVERS)


@pytest.mark.parametrize(("sink", "receiver", "method"), receiver_params("python"))
def test_every_python_receiver_method(
    make_project: MakeProject, sink: str, receiver: str, method: str
) -> None:
    source = src(PY_RECEIVERS[receiver]).replace("SINK", f'{method}("{SELECT_USERS}")')
    data = orm(make_project, {"app/repositories/users.py": source})
    assert_statement(
        one_raw(data), "app/repositories/users.py", line_of(source, f".{method}("), sink, ["users"]
    )


PY_RECEIVER_SPELLINGS = {
    "sqlite3 with block": (
        """
        import sqlite3


        def user_count() -> int:
            with sqlite3.connect("app.db") as conn:
                return conn.execute("SELECT count(*) FROM users").fetchone()[0]
        """,
        "DB-API cursor / connection",
    ),
    "sqlite3 aliased connect": (
        """
        from sqlite3 import connect as open_db


        def user_count() -> int:
            db = open_db("app.db")
            return db.cursor().execute("SELECT count(*) FROM users").fetchone()[0]
        """,
        "DB-API cursor / connection",
    ),
    "cursor kept on self": (
        """
        import psycopg2


        class UserRepository:
            def __init__(self, dsn: str) -> None:
                self.conn = psycopg2.connect(dsn)

            def find(self, user_id: int):
                cur = self.conn.cursor()
                cur.execute("SELECT id, email FROM users WHERE id = %s", (user_id,))
                return cur.fetchone()
        """,
        "DB-API cursor / connection",
    ),
    "pymysql query keyword": (
        """
        import pymysql

        connection = pymysql.connect(host="localhost", user="user", password="password", database="conduit")


        def find(user_id: int):
            with connection.cursor() as cursor:
                cursor.execute(query="SELECT id, email FROM users WHERE id = %s", args=(user_id,))
                return cursor.fetchone()
        """,
        "DB-API cursor / connection",
    ),
    "asyncpg pool acquire": (
        """
        import asyncpg


        async def find(dsn: str, user_id: int):
            pool = await asyncpg.create_pool(dsn)
            async with pool.acquire() as connection:
                return await connection.fetchrow("SELECT id, email FROM users WHERE id = $1", user_id)
        """,
        "asyncpg",
    ),
    "peewee Model.raw": (
        """
        from peewee import CharField, Model, SqliteDatabase

        db = SqliteDatabase("app.db")


        class User(Model):
            email = CharField()

            class Meta:
                database = db


        def active_users():
            return list(User.raw("SELECT id, email FROM users WHERE active = 1"))
        """,
        "peewee / tortoise / databases raw",
    ),
    "tortoise Tortoise.get_connection": (
        """
        from tortoise import Tortoise


        async def active_users():
            conn = Tortoise.get_connection("default")
            return await conn.execute_query_dict("SELECT id, email FROM users WHERE active = 1")
        """,
        "peewee / tortoise / databases raw",
    ),
    "databases query keyword": (
        """
        import os

        from databases import Database

        database = Database(os.environ["DATABASE_URL"])


        async def active_users():
            return await database.fetch_all(query="SELECT id, email FROM users WHERE active = :active", values={"active": True})
        """,
        "peewee / tortoise / databases raw",
    ),
    "django connection.cursor() chained": (
        """
        from django.db import connection


        def user_count() -> int:
            cursor = connection.cursor()
            cursor.execute("SELECT count(*) FROM users")
            return cursor.fetchone()[0]
        """,
        "Django raw SQL",
    ),
}


@pytest.mark.parametrize("spelling", list(PY_RECEIVER_SPELLINGS))
def test_python_receiver_spellings(make_project: MakeProject, spelling: str) -> None:
    text, sink = PY_RECEIVER_SPELLINGS[spelling]
    source = src(text)
    data = orm(make_project, {"app/repositories/users.py": source})
    item = one_raw(data)
    assert (item["file"], item["api"], item["kind"], item["tables"]) == (
        "app/repositories/users.py",
        sink,
        "statement",
        ["users"],
    )
    assert item["line"] == line_of(source, "FROM users")


@pytest.mark.parametrize("method", sink_entry("python", "execute on an untraced object")["methods"])
def test_python_untraced_receiver_complete_statement(make_project: MakeProject, method: str) -> None:
    """A cursor handed in as a parameter: the call counts only because its string is a statement."""
    source = src(
        f"""
        class UserRepository:
            def __init__(self, session) -> None:
                self._session = session

            def active_users(self):
                return self._session.connection().{method}("{SELECT_USERS}").all()
        """
    )
    data = orm(make_project, {"app/repositories/users.py": source})
    assert_statement(
        one_raw(data), "app/repositories/users.py", 6, "execute on an untraced object", ["users"]
    )


@pytest.mark.parametrize("method", sink_entry("python", "execute on an untraced object")["methods"])
@pytest.mark.parametrize(
    "argument",
    ['"users"', '"update available"', '"select a file from the list"', '"id = :id"', "query", "select(User)"],
)
def test_python_untraced_receiver_without_statement(
    make_project: MakeProject, method: str, argument: str
) -> None:
    source = src(
        f"""
        from sqlalchemy import select

        from app.models import User


        def run(runner, query):
            return runner.{method}({argument})
        """
    )
    data = orm(make_project, {"app/services/jobs.py": source})
    assert data["raw_sql"] == []
    assert data["fragments"] == []


def test_django_manager_raw(make_project: MakeProject) -> None:
    """`Model.objects.raw(…)`, the raw query of Django's own ORM, is raw SQL."""
    models = src(
        """
        from django.db import models


        class User(models.Model):
            email = models.EmailField(unique=True)
            active = models.BooleanField(default=True)
        """
    )
    source = src(
        """
        from app.models import User


        def active_users():
            return list(User.objects.raw("SELECT id, email FROM users WHERE active = 1"))
        """
    )
    data = orm(make_project, {"app/models.py": models, "app/repositories/users.py": source})
    item = one_raw(data)
    assert (item["file"], item["line"], item["kind"], item["tables"]) == (
        "app/repositories/users.py",
        5,
        "statement",
        ["users"],
    )


# -- Node sinks: every `calls` entry (all of them fragments) ----------------------------------------------

# callee -> (path, source, the fragment as reported); `lit(` marks the line of the sink
NODE_CALLS: dict[str, tuple[str, str, str]] = {
    "sequelize.literal": (
        "src/repositories/articles.js",
        """
        const { literal } = require("sequelize");
        const { Article } = require("../models");

        async function popular() {
          return Article.findAll({ order: [[literal("favorites_count DESC")]] });
        }

        module.exports = { popular };
        """,
        "favorites_count DESC",
    ),
    "sequelize.Sequelize.literal": (
        "src/repositories/articles.js",
        """
        const { Sequelize } = require("sequelize");
        const { Article } = require("../models");

        async function popular() {
          return Article.findAll({ order: [[Sequelize.literal("favorites_count DESC")]] });
        }

        module.exports = { popular };
        """,
        "favorites_count DESC",
    ),
    "sequelize.Sequelize().literal": (
        "src/repositories/articles.js",
        """
        const { Sequelize } = require("sequelize");

        const sequelize = new Sequelize(process.env.DATABASE_URL);
        const Article = sequelize.models.Article;

        async function popular() {
          return Article.findAll({ order: [[sequelize.literal("favorites_count DESC")]] });
        }

        module.exports = { popular };
        """,
        "favorites_count DESC",
    ),
    "drizzle-orm.sql": (
        "src/repositories/users.ts",
        """
        import { sql } from "drizzle-orm";

        import { db } from "../db";
        import { users } from "../db/schema";

        export async function byEmail(email: string) {
          return db.select().from(users).where(sql`lower(${users.email}) = ${email}`);
        }
        """,
        "lower({…}) = {…}",
    ),
    "drizzle-orm.sql.raw": (
        "src/repositories/users.ts",
        """
        import { sql } from "drizzle-orm";

        import { db } from "../db";
        import { users } from "../db/schema";

        export async function newestFirst() {
          return db.select().from(users).orderBy(sql.raw("created_at DESC"));
        }
        """,
        "created_at DESC",
    ),
    "kysely.sql": (
        "src/repositories/users.ts",
        """
        import { sql } from "kysely";

        import { db } from "../db";

        export async function byEmail(email: string) {
          return db.selectFrom("users").selectAll().where(sql`lower(email)`, "=", email).execute();
        }
        """,
        "lower(email)",
    ),
    "kysely.sql.raw": (
        "src/repositories/users.ts",
        """
        import { sql } from "kysely";

        import { db } from "../db";

        export async function newestFirst() {
          return db.selectFrom("users").selectAll().orderBy(sql.raw("created_at desc")).execute();
        }
        """,
        "created_at desc",
    ),
    "slonik.sql": (
        "src/repositories/users.ts",
        """
        import { sql } from "slonik";

        export function emailIs(email: string) {
          return sql`lower(email) = ${email}`;
        }
        """,
        "lower(email) = {…}",
    ),
    "slonik.sql.unsafe": (
        "src/repositories/users.ts",
        """
        import { sql } from "slonik";

        export function emailIs(email: string) {
          return sql.unsafe`lower(email) = ${email}`;
        }
        """,
        "lower(email) = {…}",
    ),
    "@prisma/client.Prisma.sql": (
        "src/repositories/users.ts",
        """
        import { Prisma } from "@prisma/client";

        export function emailIs(email: string) {
          return Prisma.sql`lower(email) = ${email}`;
        }
        """,
        "lower(email) = {…}",
    ),
    "@prisma/client.Prisma.raw": (
        "src/repositories/users.ts",
        """
        import { Prisma } from "@prisma/client";

        export const NEWEST_FIRST = Prisma.raw("ORDER BY created_at DESC");
        """,
        "ORDER BY created_at DESC",
    ),
}


def test_every_node_call_has_a_snippet() -> None:
    calls = {call for entry in SINKS["node"] for call in entry.get("calls", [])}
    assert calls == set(NODE_CALLS) | set(NODE_STATEMENT_CALLS)


def _node_piece_calls() -> list[Any]:
    return [p for p in call_params("node") if p.values[1] not in NODE_STATEMENT_CALLS]


# postgres.js: the tag itself runs the query, so a whole statement is raw SQL (ORM001)
NODE_STATEMENT_CALLS: dict[str, str] = {
    "postgres()": """
        import postgres from "postgres";

        const sql = postgres(process.env.DATABASE_URL);

        export async function byEmail(email) {
          return sql`SELECT * FROM users WHERE email = ${email}`;
        }
        """,
    "postgres.default()": """
        import * as pg from "postgres";

        const sql = pg.default(process.env.DATABASE_URL);

        export async function byEmail(email) {
          return sql`SELECT * FROM users WHERE email = ${email}`;
        }
        """,
    "postgres().begin()": """
        import postgres from "postgres";

        const db = postgres(process.env.DATABASE_URL);

        export async function renameAll(email) {
          await db.begin(async (sql) => {
            await sql`SELECT * FROM users WHERE email = ${email}`;
          });
        }
        """,
    "postgres.default().begin()": """
        import * as pg from "postgres";

        const db = pg.default(process.env.DATABASE_URL);

        export async function renameAll(email) {
          await db.begin(async (sql) => {
            await sql`SELECT * FROM users WHERE email = ${email}`;
          });
        }
        """,
    # a parameter typed with the client's type (TypeScript: the snippet's file is users.ts)
    "postgres.Sql()": """
        import type { Sql } from "postgres";

        export async function byEmail(sql: Sql, email: string) {
          return sql`SELECT * FROM users WHERE email = ${email}`;
        }
        """,
    "postgres.TransactionSql()": """
        import type { TransactionSql } from "postgres";

        export async function byEmail(sql: TransactionSql, email: string) {
          return sql`SELECT * FROM users WHERE email = ${email}`;
        }
        """,
    # Vercel Postgres's `sql` tag
    "@vercel/postgres.sql": """
        import { sql } from "@vercel/postgres";

        export async function byEmail(email) {
          return sql`SELECT * FROM users WHERE email = ${email}`;
        }
        """,
}


@pytest.mark.parametrize(
    ("sink", "callee"), [p for p in call_params("node") if p.values[1] in NODE_STATEMENT_CALLS]
)
def test_every_node_statement_call(make_project: MakeProject, sink: str, callee: str) -> None:
    source = src(NODE_STATEMENT_CALLS[callee])
    path = "src/repositories/users.ts" if "import type" in source else "src/repositories/users.mjs"
    data = orm(make_project, {path: source})
    assert_statement(one_raw(data), path, line_of(source, "sql`"), sink, ["users"])


@pytest.mark.parametrize(("sink", "callee"), _node_piece_calls())
def test_every_node_sink_call(make_project: MakeProject, sink: str, callee: str) -> None:
    """Every callable of the Node catalogue (all of them take a piece of SQL): one fragment, ORM004."""
    path, text, shown = NODE_CALLS[callee]
    source = src(text)
    data = orm(make_project, {path: source})
    entry = sink_entry("node", sink)
    # `sql` tags hold a piece of SQL here; a whole statement in them is raw SQL (test_sql_tag_statement…)
    assert entry.get("fragment") is True or entry.get("statement_or_fragment") is True
    item = one_fragment(data)
    name = callee.rsplit(".", 1)[-1].removesuffix("()")
    line = line_of(source, f"{name}`" if f"{name}`" in source else f"{name}(")
    assert (item["file"], item["line"], item["api"], item["kind"], item["sql"], item["scope"]) == (
        path,
        line,
        sink,
        "fragment",
        shown,
        "application",
    )


@pytest.mark.parametrize(
    ("path", "text", "tables"),
    [
        pytest.param(
            "src/repositories/users.ts",
            """
            import { Prisma, PrismaClient } from "@prisma/client";

            const prisma = new PrismaClient();

            export async function byEmail(email: string) {
              return prisma.$queryRaw(Prisma.sql`SELECT * FROM users WHERE email = ${email}`);
            }
            """,
            ["users"],
            id="Prisma.sql-queryRaw",
        ),
        pytest.param(
            "src/repositories/users.ts",
            """
            import { sql } from "drizzle-orm";

            import { db } from "../db";

            export async function byEmail(email: string) {
              return db.execute(sql`SELECT * FROM users WHERE email = ${email}`);
            }
            """,
            ["users"],
            id="drizzle-db.execute",
        ),
        pytest.param(
            "src/repositories/users.ts",
            """
            import { sql } from "kysely";

            import { db } from "../db";

            export async function byEmail(email: string) {
              const result = await sql`SELECT * FROM users WHERE email = ${email}`.execute(db);
              return result.rows;
            }
            """,
            ["users"],
            id="kysely-sql.execute",
        ),
        pytest.param(
            "src/repositories/users.ts",
            """
            import { createPool, sql } from "slonik";

            const pool = await createPool(process.env.DATABASE_URL);

            export async function byEmail(email: string) {
              return pool.any(sql.unsafe`SELECT * FROM users WHERE email = ${email}`);
            }
            """,
            ["users"],
            id="slonik-sql.unsafe",
        ),
    ],
)
def test_complete_statement_in_a_sql_tag_is_raw_sql(
    make_project: MakeProject, path: str, text: str, tables: list[str]
) -> None:
    """A whole statement written in a `sql` tag and executed is a raw statement (ORM001), not a piece."""
    source = src(text)
    data = orm(make_project, {path: source})
    item = one_raw(data)
    assert (item["file"], item["line"], item["kind"], item["statement"], item["tables"]) == (
        path,
        line_of(source, "SELECT"),
        "statement",
        "SELECT",
        tables,
    )


# -- Node sinks: every receiver and method ---------------------------------------------------------------

NODE_RECEIVERS: dict[str, tuple[str, str]] = {
    # sequelize.query
    "sequelize.Sequelize()": (
        "src/repositories/users.js",
        """
        const { Sequelize, QueryTypes } = require("sequelize");

        const sequelize = new Sequelize(process.env.DATABASE_URL, { dialect: "postgres" });

        async function activeUsers() {
          return sequelize.SINK;
        }

        module.exports = { activeUsers };
        """,
    ),
    "sequelize()": (
        "src/repositories/users.js",
        """
        const Sequelize = require("sequelize");

        const sequelize = new Sequelize(process.env.DATABASE_URL);

        async function activeUsers() {
          const [rows] = await sequelize.SINK;
          return rows;
        }

        module.exports = { activeUsers };
        """,
    ),
    "@sequelize/core.Sequelize()": (
        "src/repositories/users.ts",
        """
        import { Sequelize } from "@sequelize/core";
        import { SqliteDialect } from "@sequelize/sqlite3";

        const sequelize = new Sequelize({ dialect: SqliteDialect, storage: "app.sqlite" });

        export async function activeUsers() {
          return sequelize.SINK;
        }
        """,
    ),
    "sequelize-typescript.Sequelize()": (
        "src/repositories/users.ts",
        """
        import { Sequelize } from "sequelize-typescript";

        import { User } from "../models/user";

        const sequelize = new Sequelize({ dialect: "sqlite", storage: "app.sqlite", models: [User] });

        export async function activeUsers() {
          return sequelize.SINK;
        }
        """,
    ),
    # pg
    "pg.Pool()": (
        "src/repositories/users.js",
        """
        const { Pool } = require("pg");

        const pool = new Pool({ connectionString: process.env.DATABASE_URL });

        async function activeUsers() {
          const { rows } = await pool.SINK;
          return rows;
        }

        module.exports = { activeUsers };
        """,
    ),
    "pg.Client()": (
        "src/repositories/users.mjs",
        """
        import pg from "pg";

        const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await client.connect();

        export async function activeUsers() {
          const result = await client.SINK;
          return result.rows;
        }
        """,
    ),
    "pg.default.Pool()": (
        "src/repositories/users.ts",
        """
        import * as pg from "pg";

        const pool = new pg.default.Pool({ connectionString: process.env.DATABASE_URL });

        export async function activeUsers() {
          const { rows } = await pool.SINK;
          return rows;
        }
        """,
    ),
    "pg.default.Client()": (
        "src/repositories/users.ts",
        """
        import * as pg from "pg";

        const client = new pg.default.Client({ connectionString: process.env.DATABASE_URL });

        export async function activeUsers() {
          const { rows } = await client.SINK;
          return rows;
        }
        """,
    ),
    "pg-pool()": (
        "src/repositories/users.js",
        """
        const Pool = require("pg-pool");

        const pool = new Pool({ database: "conduit", user: "user", password: "password" });

        async function activeUsers() {
          const { rows } = await pool.SINK;
          return rows;
        }

        module.exports = { activeUsers };
        """,
    ),
    "@neondatabase/serverless.": (
        "src/repositories/users.ts",
        """
        import { Pool } from "@neondatabase/serverless";

        const pool = new Pool({ connectionString: process.env.DATABASE_URL });

        export async function activeUsers() {
          const { rows } = await pool.SINK;
          return rows;
        }
        """,
    ),
    # Vercel Postgres: `sql.query(…)` on its `sql` object, `db.query(…)`, a pool it makes
    "@vercel/postgres.": (
        "src/repositories/users.ts",
        """
        import { sql } from "@vercel/postgres";

        export async function activeUsers() {
          const { rows } = await sql.SINK;
          return rows;
        }
        """,
    ),
    # libSQL / Turso
    "@libsql/client.createClient()": (
        "src/repositories/users.ts",
        """
        import { createClient } from "@libsql/client";

        const client = createClient({ url: process.env.TURSO_DATABASE_URL ?? "file:local.db" });

        export async function activeUsers() {
          const result = await client.SINK;
          return result.rows;
        }
        """,
    ),
    "@libsql/client/web.createClient()": (
        "src/repositories/users.ts",
        """
        import { createClient } from "@libsql/client/web";

        const db = createClient({ url: "libsql://example.turso.io", authToken: process.env.TURSO_AUTH_TOKEN });

        export async function activeUsers() {
          return (await db.SINK).rows;
        }
        """,
    ),
    # SQL Server
    "mssql.": (
        "src/repositories/users.js",
        """
        const sql = require("mssql");

        async function activeUsers() {
          const pool = await sql.connect(process.env.MSSQL_URL);
          const result = await pool.request().SINK;
          return result.recordset;
        }

        module.exports = { activeUsers };
        """,
    ),
    # PlanetScale's HTTP driver
    "@planetscale/database.connect()": (
        "src/repositories/users.ts",
        """
        import { connect } from "@planetscale/database";

        const conn = connect({ url: process.env.DATABASE_URL });

        export async function activeUsers() {
          const { rows } = await conn.SINK;
          return rows;
        }
        """,
    ),
    "@planetscale/database.Client()": (
        "src/repositories/users.ts",
        """
        import { Client } from "@planetscale/database";

        const client = new Client({ url: process.env.DATABASE_URL });

        export async function activeUsers() {
          const { rows } = await client.SINK;
          return rows;
        }
        """,
    ),
    # Bun's built-in SQLite
    "bun:sqlite.Database()": (
        "src/repositories/users.ts",
        """
        import { Database } from "bun:sqlite";

        const db = new Database("app.sqlite");

        export function activeUsers() {
          return db.SINK;
        }
        """,
    ),
    # PGlite, PostgreSQL in-process
    "@electric-sql/pglite.PGlite()": (
        "src/repositories/users.ts",
        """
        import { PGlite } from "@electric-sql/pglite";

        const pg = new PGlite("./pgdata");

        export async function activeUsers() {
          const { rows } = await pg.SINK;
          return rows;
        }
        """,
    ),
    "@electric-sql/pglite.PGlite.create()": (
        "src/repositories/users.ts",
        """
        import { PGlite } from "@electric-sql/pglite";

        export async function activeUsers() {
          const pg = await PGlite.create();
          const { rows } = await pg.SINK;
          return rows;
        }
        """,
    ),
    # pg-promise / postgres.js
    "pg-promise()()": (
        "src/repositories/users.js",
        """
        const pgp = require("pg-promise")();

        const db = pgp(process.env.DATABASE_URL);

        async function activeUsers() {
          return db.SINK;
        }

        module.exports = { activeUsers };
        """,
    ),
    "postgres()": (
        "src/repositories/users.js",
        """
        import postgres from "postgres";

        const sql = postgres(process.env.DATABASE_URL);

        export async function activeUsers() {
          return sql.SINK;
        }
        """,
    ),
    "postgres.Sql()": (
        "src/repositories/users.ts",
        """
        import type { Sql } from "postgres";

        export async function activeUsers(sql: Sql) {
          return sql.SINK;
        }
        """,
    ),
    "postgres.TransactionSql()": (
        "src/repositories/users.ts",
        """
        import type { TransactionSql } from "postgres";

        export async function activeUsers(sql: TransactionSql) {
          return sql.SINK;
        }
        """,
    ),
    # mysql / mysql2 / mariadb
    "mysql.": (
        "src/repositories/users.js",
        """
        const mysql = require("mysql");

        const connection = mysql.createConnection({ host: "localhost", user: "user", database: "conduit" });

        function activeUsers(callback) {
          connection.SINK;
        }

        module.exports = { activeUsers };
        """,
    ),
    "mysql2.": (
        "src/repositories/users.js",
        """
        const mysql = require("mysql2");

        const pool = mysql.createPool({ host: "localhost", user: "user", database: "conduit" }).promise();

        async function activeUsers() {
          const [rows] = await pool.SINK;
          return rows;
        }

        module.exports = { activeUsers };
        """,
    ),
    "mysql2/promise.": (
        "src/repositories/users.ts",
        """
        import mysql from "mysql2/promise";

        export async function activeUsers() {
          const connection = await mysql.createConnection({ host: "localhost", user: "user", database: "conduit" });
          const [rows] = await connection.SINK;
          return rows;
        }
        """,
    ),
    "mariadb.": (
        "src/repositories/users.js",
        """
        const mariadb = require("mariadb");

        const pool = mariadb.createPool({ host: "localhost", user: "user", database: "conduit" });

        async function activeUsers() {
          const conn = await pool.getConnection();
          try {
            return await conn.SINK;
          } finally {
            conn.release();
          }
        }

        module.exports = { activeUsers };
        """,
    ),
    # sqlite3 / better-sqlite3
    "sqlite3.Database()": (
        "src/repositories/users.mjs",
        """
        import sqlite3 from "sqlite3";

        const db = new sqlite3.Database("app.db");

        export function activeUsers(callback) {
          db.SINK;
        }
        """,
    ),
    "sqlite3.verbose().Database()": (
        "src/repositories/users.js",
        """
        const sqlite3 = require("sqlite3").verbose();

        const db = new sqlite3.Database("./app.db");

        function activeUsers(callback) {
          db.SINK;
        }

        module.exports = { activeUsers };
        """,
    ),
    "better-sqlite3()": (
        "src/repositories/users.js",
        """
        const Database = require("better-sqlite3");

        const db = new Database("app.db");
        db.pragma("journal_mode = WAL");

        function activeUsers() {
          return db.SINK;
        }

        module.exports = { activeUsers };
        """,
    ),
    # the pool @fastify/postgres decorates a Fastify instance with
    "@fastify/postgres.PostgresDb()": (
        "src/repositories/users.ts",
        """
        import { PostgresDb } from "@fastify/postgres";

        export class UserRepository {
          constructor(private readonly pg: PostgresDb) {}

          async active() {
            return this.pg.SINK;
          }
        }
        """,
    ),
    "fastify-postgres.PostgresDb()": (
        "src/repositories/users.ts",
        """
        import type { PostgresDb } from "fastify-postgres";

        export async function activeUsers(db: PostgresDb) {
          return db.pool.SINK;
        }
        """,
    ),
    "fastify().pg.": (
        "src/plugins/users.js",
        """
        module.exports = async function users(fastify) {
          fastify.register(require("@fastify/postgres"), { connectionString: process.env.DATABASE_URL });
          fastify.decorate("activeUsers", async () => fastify.pg.SINK);
        };
        """,
    ),
    # a parameter typed with the driver's class: `import type { Database } from "better-sqlite3"`
    "better-sqlite3.Database()": (
        "src/repositories/users.ts",
        """
        import type { Database } from "better-sqlite3";

        export function activeUsers(db: Database) {
          return db.SINK;
        }
        """,
    ),
    # Cloudflare D1: a parameter typed with the Workers runtime's global type (no import)
    "D1Database()": (
        "src/repositories/users.ts",
        """
        export function activeUsers(db: D1Database) {
          return db.SINK;
        }
        """,
    ),
    "sqlite.open()": (
        "src/repositories/users.mjs",
        """
        import sqlite3 from "sqlite3";
        import { open } from "sqlite";

        const db = await open({ filename: "app.db", driver: sqlite3.Database });

        export async function activeUsers() {
          return db.SINK;
        }
        """,
    ),
    "node:sqlite.DatabaseSync()": (
        "src/repositories/users.mjs",
        """
        import { DatabaseSync } from "node:sqlite";

        const db = new DatabaseSync("app.db");

        export function activeUsers() {
          return db.SINK;
        }
        """,
    ),
    "sql.js().Database()": (
        "src/repositories/users.js",
        """
        const initSqlJs = require("sql.js");

        async function activeUsers() {
          const SQL = await initSqlJs();
          const db = new SQL.Database();
          return db.SINK;
        }

        module.exports = { activeUsers };
        """,
    ),
    "sql.js/dist/sql-wasm.js().Database()": (
        "src/repositories/users.mjs",
        """
        import initSqlJs from "sql.js/dist/sql-wasm.js";

        const SQL = await initSqlJs();
        const db = new SQL.Database();

        export function activeUsers() {
          return db.SINK;
        }
        """,
    ),
    "sql.js/dist/sql-asm.js().Database()": (
        "src/repositories/users.js",
        """
        const initSqlJs = require("sql.js/dist/sql-asm.js");

        async function activeUsers() {
          const SQL = await initSqlJs();
          const db = new SQL.Database();
          return db.SINK;
        }

        module.exports = { activeUsers };
        """,
    ),
    # knex
    "knex()": (
        "src/repositories/users.js",
        """
        const knex = require("knex")({ client: "sqlite3", connection: { filename: "./app.db" }, useNullAsDefault: true });

        async function activeUsers() {
          return knex("users").SINK;
        }

        module.exports = { activeUsers };
        """,
    ),
    "knex.knex()": (
        "src/repositories/users.ts",
        """
        import { knex } from "knex";

        const db = knex({ client: "pg", connection: process.env.DATABASE_URL });

        export async function activeUsers() {
          return db("users").SINK;
        }
        """,
    ),
    "knex.Knex()": (
        "src/users/users.service.ts",
        """
        import { Injectable } from "@nestjs/common";
        import { InjectConnection } from "nest-knexjs";
        import { Knex } from "knex";

        @Injectable()
        export class UsersService {
          constructor(@InjectConnection() private readonly knex: Knex) {}

          async activeUsers() {
            return this.knex.SINK;
          }
        }
        """,
    ),
    "knex": (
        "src/repositories/users.js",
        """
        const knex = require("knex");

        async function activeUsers(db) {
          return db.select("*").from(knex.SINK);
        }

        module.exports = { activeUsers };
        """,
    ),
    # TypeORM
    "typeorm.DataSource()": (
        "src/repositories/users.ts",
        """
        import { DataSource } from "typeorm";

        export const AppDataSource = new DataSource({ type: "sqlite", database: "app.db", entities: [] });

        export async function activeUsers() {
          return AppDataSource.SINK;
        }
        """,
    ),
    "typeorm.getManager()": (
        "src/repositories/users.ts",
        """
        import { getManager } from "typeorm";

        export async function activeUsers() {
          const manager = getManager();
          return manager.SINK;
        }
        """,
    ),
    "typeorm.getConnection()": (
        "src/repositories/users.ts",
        """
        import { getConnection } from "typeorm";

        export async function activeUsers() {
          return getConnection().SINK;
        }
        """,
    ),
    "typeorm.createConnection()": (
        "src/repositories/users.ts",
        """
        import { createConnection } from "typeorm";

        export async function activeUsers() {
          const connection = await createConnection();
          return connection.SINK;
        }
        """,
    ),
    "typeorm.getRepository()": (
        "src/repositories/users.ts",
        """
        import { getRepository } from "typeorm";
        import { User } from "../entities/user";

        export async function activeUsers() {
          return getRepository(User).SINK;
        }
        """,
    ),
    "typeorm.Repository()": (
        "src/users/users.service.ts",
        """
        import { Injectable } from "@nestjs/common";
        import { InjectRepository } from "@nestjs/typeorm";
        import { Repository } from "typeorm";
        import { User } from "./user.entity";

        @Injectable()
        export class UsersService {
          constructor(
            @InjectRepository(User)
            private readonly users: Repository<User>,
          ) {}

          async activeUsers() {
            return this.users.SINK;
          }
        }
        """,
    ),
    "typeorm.EntityManager()": (
        "src/users/users.service.ts",
        """
        import { Injectable } from "@nestjs/common";
        import { EntityManager } from "typeorm";

        @Injectable()
        export class UsersService {
          constructor(private readonly manager: EntityManager) {}

          async activeUsers() {
            return this.manager.SINK;
          }
        }
        """,
    ),
    "typeorm.AbstractRepository()": (
        "src/repositories/users.ts",
        """
        import { AbstractRepository, EntityRepository } from "typeorm";
        import { User } from "../entities/user";

        @EntityRepository(User)
        export class UserRepository extends AbstractRepository<User> {
          activeUsers() {
            return this.manager.SINK;
          }
        }
        """,
    ),
    # a TypeORM SelectQueryBuilder, whatever it is made from
    "typeorm.": (
        "src/repositories/users.ts",
        """
        import { getRepository } from "typeorm";
        import { User } from "../entities/user";

        export async function activeUsers() {
          return getRepository(User).createQueryBuilder("user").SINK.getMany();
        }
        """,
    ),
    # Prisma
    "@prisma/client.PrismaClient()": (
        "src/repositories/users.ts",
        """
        import { PrismaClient } from "@prisma/client";

        const prisma = new PrismaClient();

        export async function activeUsers() {
          return prisma.SINK;
        }
        """,
    ),
}

# How each method takes its SQL: a tagged template for Prisma's safe raw queries, a string otherwise.
TAGGED_METHODS = {"$queryRaw", "$executeRaw"}
NODE_FRAGMENT_SQL = "active = ? AND email LIKE ?"


def test_every_node_receiver_has_a_snippet() -> None:
    receivers = {r for entry in SINKS["node"] for r in entry.get("receivers", [])}
    assert receivers == set(NODE_RECEIVERS)


def _node_sink(method: str, sql: str, arg: int = 0) -> str:
    """The call with its SQL at position `arg`, after placeholder arguments (a join's relation and alias)."""
    if method in TAGGED_METHODS:
        return f"{method}`{sql}`"
    leading = "".join(f'"arg{n}", ' for n in range(arg))
    return f'{method}({leading}"{sql}")'


@pytest.mark.parametrize(("sink", "receiver", "method"), receiver_params("node"))
def test_every_node_receiver_method(make_project: MakeProject, sink: str, receiver: str, method: str) -> None:
    path, text = NODE_RECEIVERS[receiver]
    entry = sink_entry("node", sink)
    fragment = bool(entry.get("fragment"))
    sql = NODE_FRAGMENT_SQL if fragment else SELECT_USERS
    source = src(text).replace("SINK", _node_sink(method, sql, int(entry.get("arg", 0))))
    data = orm(make_project, {path: source})
    line = line_of(source, f".{method}")
    if fragment:
        item = one_fragment(data)
        assert (item["file"], item["line"], item["api"], item["kind"], item["sql"]) == (
            path,
            line,
            sink,
            "fragment",
            NODE_FRAGMENT_SQL,
        )
    else:
        assert_statement(one_raw(data), path, line, sink, ["users"])


def _suffix_params() -> list[Any]:
    return [
        pytest.param(entry["name"], suffix, method, id=f"{suffix}:{method}")
        for entry in SINKS["node"]
        for suffix in entry.get("receiver_suffixes", [])
        for method in entry.get("methods", [])
    ]


@pytest.mark.parametrize(("sink", "suffix", "method"), _suffix_params())
def test_every_node_receiver_suffix(make_project: MakeProject, sink: str, suffix: str, method: str) -> None:
    """`db.sequelize.query(…)` on the object the sequelize-cli `models/index.js` exports."""
    source = src(
        f"""
        const db = require("../models");

        async function activeUsers() {{
          const [rows] = await db{suffix}.{method}("{SELECT_USERS}");
          return rows;
        }}

        module.exports = {{ activeUsers }};
        """
    )
    data = orm(make_project, {"src/repositories/users.js": source})
    assert_statement(one_raw(data), "src/repositories/users.js", 4, sink, ["users"])


NODE_RECEIVER_SPELLINGS = {
    "Model.sequelize.query": (
        """
        const { Model, DataTypes, QueryTypes } = require("sequelize");

        class Tag extends Model {}

        async function popularTags() {
          return Tag.sequelize.query("SELECT name FROM tags ORDER BY name", { type: QueryTypes.SELECT });
        }

        module.exports = { Tag, popularTags };
        """,
        "sequelize.query",
        ["tags"],
    ),
    "db.sequelize.query (models/index.js)": (
        """
        const db = require("../models");

        async function popularTags() {
          const [rows] = await db.sequelize.query("SELECT name FROM tags ORDER BY name");
          return rows;
        }

        module.exports = { popularTags };
        """,
        "sequelize.query",
        ["tags"],
    ),
    "sequelize.query with replacements": (
        """
        import { QueryTypes, Sequelize } from "sequelize";

        const sequelize = new Sequelize("sqlite::memory:");

        export async function findByEmail(email) {
          return sequelize.query("SELECT * FROM users WHERE email = :email", {
            replacements: { email },
            type: QueryTypes.SELECT,
          });
        }
        """,
        "sequelize.query",
        ["users"],
    ),
    "pg Pool from an ESM default import": (
        """
        import pg from "pg";

        const { Pool } = pg;
        const pool = new Pool();

        export async function findByEmail(email) {
          const { rows } = await pool.query("SELECT * FROM users WHERE email = $1", [email]);
          return rows[0];
        }
        """,
        "pg query",
        ["users"],
    ),
    "pg pool.connect() client": (
        """
        const { Pool } = require("pg");

        const pool = new Pool();

        async function findByEmail(email) {
          const client = await pool.connect();
          try {
            const { rows } = await client.query("SELECT * FROM users WHERE email = $1", [email]);
            return rows[0];
          } finally {
            client.release();
          }
        }

        module.exports = { findByEmail };
        """,
        "pg query",
        ["users"],
    ),
    "better-sqlite3 prepare().get()": (
        """
        import Database from "better-sqlite3";

        const db = new Database("app.db");

        export function findByEmail(email) {
          return db.prepare("SELECT * FROM users WHERE email = ?").get(email);
        }
        """,
        "sqlite3 / better-sqlite3",
        ["users"],
    ),
    "TypeORM DataSource.manager.query": (
        """
        import { DataSource } from "typeorm";

        export const AppDataSource = new DataSource({ type: "postgres", url: process.env.DATABASE_URL });

        export async function findByEmail(email: string) {
          return AppDataSource.manager.query("SELECT * FROM users WHERE email = $1", [email]);
        }
        """,
        "TypeORM query",
        ["users"],
    ),
    "Prisma $queryRaw with interpolations": (
        """
        import { PrismaClient } from "@prisma/client";

        const prisma = new PrismaClient();

        export async function findByEmail(email: string) {
          return prisma.$queryRaw`SELECT * FROM users WHERE email = ${email}`;
        }
        """,
        "Prisma raw",
        ["users"],
    ),
    "knex.raw with bindings": (
        """
        const knex = require("knex")(require("../knexfile"));

        async function findByEmail(email) {
          const result = await knex.raw("SELECT * FROM users WHERE email = ?", [email]);
          return result.rows[0];
        }

        module.exports = { findByEmail };
        """,
        "knex raw",
        ["users"],
    ),
    "mysql2 pool.execute": (
        """
        const mysql = require("mysql2/promise");

        const pool = mysql.createPool(process.env.DATABASE_URL);

        async function findByEmail(email) {
          const [rows] = await pool.execute("SELECT * FROM users WHERE email = ?", [email]);
          return rows[0];
        }

        module.exports = { findByEmail };
        """,
        "mysql / mysql2 / mariadb",
        ["users"],
    ),
    "pg Pool in a class field": (
        """
        import { Pool } from "pg";

        export class UserRepository {
          private readonly pool = new Pool();
          static cache = new Map();

          async findByEmail(email: string) {
            const { rows } = await this.pool.query("SELECT * FROM users WHERE email = $1", [email]);
            return rows[0];
          }
        }
        """,
        "pg query",
        ["users"],
    ),
}


@pytest.mark.parametrize("spelling", list(NODE_RECEIVER_SPELLINGS))
def test_node_receiver_spellings(make_project: MakeProject, spelling: str) -> None:
    text, sink, tables = NODE_RECEIVER_SPELLINGS[spelling]
    source = src(text)
    path = "src/repositories/queries.ts" if "string)" in source else "src/repositories/queries.js"
    data = orm(make_project, {path: source})
    assert_statement(one_raw(data), path, line_of(source, " FROM "), sink, tables)


@pytest.mark.parametrize("method", sink_entry("node", "query on an untraced object")["methods"])
def test_node_untraced_receiver_complete_statement(make_project: MakeProject, method: str) -> None:
    source = src(
        f"""
        class UserRepository {{
          constructor(db) {{
            this.db = db;
          }}

          async activeUsers() {{
            return this.db.{method}("{SELECT_USERS}");
          }}
        }}

        module.exports = {{ UserRepository }};
        """
    )
    data = orm(make_project, {"src/repositories/users.js": source})
    assert_statement(one_raw(data), "src/repositories/users.js", 7, "query on an untraced object", ["users"])


@pytest.mark.parametrize("method", sink_entry("node", "query on an untraced object")["methods"])
@pytest.mark.parametrize(
    "argument",
    ['"users"', '"update available"', '"id = ?"', "sql", "{ query: GET_USERS }", "`nightly ${job}`"],
)
def test_node_untraced_receiver_without_statement(
    make_project: MakeProject, method: str, argument: str
) -> None:
    source = src(
        f"""
        async function run(runner, sql, job) {{
          return runner.{method}({argument});
        }}

        module.exports = {{ run }};
        """
    )
    data = orm(make_project, {"src/services/jobs.js": source})
    assert data["raw_sql"] == []
    assert data["fragments"] == []


def test_postgres_js_tagged_template(make_project: MakeProject) -> None:
    """postgres.js runs its queries as tagged templates: `sql\\`SELECT …\\``, parameterised but raw."""
    source = src(
        """
        import postgres from "postgres";

        const sql = postgres(process.env.DATABASE_URL);

        export async function findByEmail(email) {
          const [user] = await sql`SELECT * FROM users WHERE email = ${email}`;
          return user;
        }
        """
    )
    data = orm(make_project, {"src/repositories/users.mjs": source})
    assert_statement(one_raw(data), "src/repositories/users.mjs", 6, "postgres.js tagged template", ["users"])


@pytest.mark.parametrize(
    ("spelling", "text"),
    [
        pytest.param(
            "pg",
            """
            const { Pool } = require("pg");

            const pool = new Pool();

            async function findByEmail(email) {
              const { rows } = await pool.query({ text: "SELECT * FROM users WHERE email = $1", values: [email] });
              return rows[0];
            }

            module.exports = { findByEmail };
            """,
            id="pg query config",
        ),
        pytest.param(
            "mysql / mysql2 / mariadb",
            """
            const mysql = require("mysql2/promise");

            const pool = mysql.createPool(process.env.DATABASE_URL);

            async function findByEmail(email) {
              const [rows] = await pool.query({ sql: "SELECT * FROM users WHERE email = ?", values: [email] });
              return rows[0];
            }

            module.exports = { findByEmail };
            """,
            id="mysql2 query options",
        ),
    ],
)
def test_node_query_config_object(make_project: MakeProject, spelling: str, text: str) -> None:
    """pg's `query({ text, values })` and mysql2's `query({ sql, values })` hold the SQL in the object."""
    source = src(text)
    data = orm(make_project, {"src/repositories/users.js": source})
    item = one_raw(data)
    assert (item["line"], item["kind"], item["statement"], item["tables"]) == (
        6,
        "statement",
        "SELECT",
        ["users"],
    )


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            """
            const Database = require("better-sqlite3");

            const db = new Database("app.db");
            const insertUser = db.prepare("INSERT INTO users (email, username) VALUES (?, ?)");

            function createUser(email, username) {
              return insertUser.run(email, username);
            }

            module.exports = { createUser };
            """,
            id="better-sqlite3",
        ),
        pytest.param(
            """
            const sqlite3 = require("sqlite3").verbose();

            const db = new sqlite3.Database("app.db");
            const insertUser = db.prepare("INSERT INTO users (email, username) VALUES (?, ?)");

            function createUser(email, username, done) {
              insertUser.run(email, username, done);
            }

            module.exports = { createUser };
            """,
            id="sqlite3",
        ),
    ],
)
def test_node_prepared_statement_runs_once(make_project: MakeProject, text: str) -> None:
    """`stmt = db.prepare(sql)` is the sink; `stmt.run(a, b)` binds parameters, it passes no SQL."""
    source = src(text)
    data = orm(make_project, {"src/repositories/users.js": source})
    assert_statement(
        one_raw(data), "src/repositories/users.js", 4, "sqlite3 / better-sqlite3", ["users"], "INSERT"
    )


def test_asyncpg_prepared_statement_runs_once(make_project: MakeProject) -> None:
    """`stmt = await conn.prepare(sql)` is the sink; `stmt.fetch(limit)` passes no SQL."""
    source = src(
        """
        import asyncpg


        async def recent_articles(dsn: str, limit: int):
            conn = await asyncpg.connect(dsn)
            stmt = await conn.prepare("SELECT slug, title FROM articles ORDER BY created_at DESC LIMIT $1")
            return await stmt.fetch(limit)
        """
    )
    data = orm(make_project, {"app/repositories/articles.py": source})
    assert_statement(one_raw(data), "app/repositories/articles.py", 6, "asyncpg", ["articles"])


# -- every library of libraries.toml, imported by application code ------------------------------------


def _library_params(field: str) -> list[Any]:
    return [
        pytest.param(name, module, id=f"{name}-{module}")
        for name, entry in LIBRARIES.items()
        for module in entry.get(field, [])
    ]


@pytest.mark.parametrize(("library", "module"), _library_params("python"))
def test_every_python_library_import(make_project: MakeProject, library: str, module: str) -> None:
    data = orm(make_project, {"app/repositories/data.py": f"import {module}\n\nBACKEND = {module}\n"})
    assert data["libraries"] == [library]
    assert data["kinds"] == {library: LIBRARIES[library]["kind"]}


@pytest.mark.parametrize(("library", "module"), _library_params("python"))
def test_every_python_library_from_import(make_project: MakeProject, library: str, module: str) -> None:
    """`from django.db import models`, `from pony import orm`: the module named in the import list."""
    package, _, name = module.rpartition(".")
    statement = f"from {package} import {name}" if package else f"from {module} import *"
    data = orm(make_project, {"app/repositories/data.py": f"{statement}\n"})
    assert data["libraries"] == [library]


@pytest.mark.parametrize(("library", "package"), _library_params("npm"))
def test_every_npm_library_require(make_project: MakeProject, library: str, package: str) -> None:
    data = orm(make_project, {"src/db.js": f'const lib = require("{package}");\n\nmodule.exports = lib;\n'})
    assert data["libraries"] == [library]
    assert data["kinds"] == {library: LIBRARIES[library]["kind"]}


@pytest.mark.parametrize(("library", "package"), _library_params("npm"))
def test_every_npm_library_esm_import(make_project: MakeProject, library: str, package: str) -> None:
    data = orm(make_project, {"src/db.ts": f'import * as lib from "{package}";\n\nexport default lib;\n'})
    assert data["libraries"] == [library]


def test_npm_subpath_import_is_the_library(make_project: MakeProject) -> None:
    files = {
        "src/schema.ts": 'import { sqliteTable, text } from "drizzle-orm/sqlite-core";\n\nexport const t = { sqliteTable, text };\n',
        "src/db.ts": 'import mysql from "mysql2/promise";\n\nexport default mysql;\n',
    }
    data = orm(make_project, files)
    assert data["kinds"] == {"drizzle": "orm", "mysql": "driver"}
    assert data["libraries"] == ["drizzle", "mysql"]


def test_libraries_are_listed_orms_first(make_project: MakeProject) -> None:
    files = {
        "app/a.py": "import sqlite3\nimport sqlalchemy\nimport pymongo\n",
        "src/b.js": 'const knex = require("knex");\nconst mongoose = require("mongoose");\n',
    }
    data = orm(make_project, files)
    assert data["libraries"] == ["sqlalchemy", "mongoose", "knex", "mongodb-driver", "sqlite3"]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        pytest.param("tests/test_users.py", "import sqlite3\n", id="python-tests"),
        pytest.param("app/tests.py", "import psycopg2\n", id="django-tests-module"),
        pytest.param("migrations/versions/0001_init.py", "import psycopg2\n", id="python-migrations"),
        pytest.param("scripts/seed.py", "import pymysql\n", id="python-scripts"),
        pytest.param(
            "app/types.py",
            "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import sqlite3\n",
            id="python-type-checking",
        ),
        pytest.param("src/__tests__/users.test.js", 'const pg = require("pg");\n', id="node-tests"),
        pytest.param("seeders/20240101-users.js", 'const mysql = require("mysql2");\n', id="node-seeders"),
        pytest.param(
            "src/types.ts",
            'import type { Knex } from "knex";\n\nexport type Db = Knex;\n',
            id="node-import-type",
        ),
        pytest.param(
            "src/repo.ts",
            'import { type Pool } from "pg";\n\nexport type P = Pool;\n',
            id="node-inline-type-only",
        ),
    ],
)
def test_library_imports_that_do_not_count(make_project: MakeProject, path: str, text: str) -> None:
    data = orm(make_project, {path: text})
    assert data["libraries"] == []
    assert data["kinds"] == {}


# -- every `models` signature of libraries.toml ---------------------------------------------------------

# (library, signature) -> (path, source, expected model: a class name, or how the defining call begins)
MODEL_SNIPPETS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("sqlalchemy", "sqlalchemy.orm.DeclarativeBase"): (
        "app/models/user.py",
        """
        from sqlalchemy import String
        from sqlalchemy.orm import DeclarativeBase


        class Base(DeclarativeBase):
            pass


        class User(Base):
            __tablename__ = "users"
        """,
        "User",
    ),
    ("sqlalchemy", "sqlalchemy.orm.declarative_base"): (
        "app/models/user.py",
        """
        from sqlalchemy import Column, Integer, String
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()


        class User(Base):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
            email = Column(String, unique=True)
        """,
        "declarative_base(",
    ),
    ("sqlalchemy", "sqlalchemy.ext.declarative.declarative_base"): (
        "app/models/user.py",
        """
        from sqlalchemy import Column, Integer, String
        from sqlalchemy.ext.declarative import declarative_base

        Base = declarative_base()


        class User(Base):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
        """,
        "declarative_base(",
    ),
    ("sqlalchemy", "sqlalchemy.orm.registry"): (
        "app/models/user.py",
        """
        from sqlalchemy import Column, Integer, String
        from sqlalchemy.orm import registry

        mapper_registry = registry()


        @mapper_registry.mapped
        class User:
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
        """,
        "registry(",
    ),
    ("sqlalchemy", "sqlalchemy.orm.as_declarative"): (
        "app/models/base.py",
        """
        from sqlalchemy import Column, Integer
        from sqlalchemy.orm import as_declarative, declared_attr


        @as_declarative()
        class Base:
            id = Column(Integer, primary_key=True)

            @declared_attr
            def __tablename__(cls) -> str:
                return cls.__name__.lower()
        """,
        "as_declarative(",
    ),
    ("sqlalchemy", "flask_sqlalchemy.SQLAlchemy().Model"): (
        "app/models.py",
        """
        from flask_sqlalchemy import SQLAlchemy

        db = SQLAlchemy()


        class User(db.Model):
            __tablename__ = "users"
            id = db.Column(db.Integer, primary_key=True)
            email = db.Column(db.String(255), unique=True, nullable=False)
        """,
        "User",
    ),
    ("sqlalchemy", "sqlmodel.SQLModel"): (
        "app/models.py",
        """
        from sqlmodel import Field, SQLModel


        class Hero(SQLModel, table=True):
            id: int | None = Field(default=None, primary_key=True)
            name: str
        """,
        "Hero",
    ),
    ("sequelize", "sequelize.Sequelize().define"): (
        "src/models/user.js",
        """
        const { Sequelize, DataTypes } = require("sequelize");

        const sequelize = new Sequelize("sqlite::memory:");

        const User = sequelize.define("User", { email: DataTypes.STRING });

        module.exports = User;
        """,
        'sequelize.define("User"',
    ),
    ("sequelize", "sequelize().define"): (
        "src/models/user.js",
        """
        const Sequelize = require("sequelize");

        const sequelize = new Sequelize(process.env.DATABASE_URL);

        module.exports = sequelize.define("User", { email: Sequelize.STRING });
        """,
        'sequelize.define("User"',
    ),
    ("sequelize", "sequelize.Model.init"): (
        "src/models/user.js",
        """
        const { DataTypes, Model } = require("sequelize");

        module.exports = (sequelize) => {
          class User extends Model {}
          User.init({ email: DataTypes.STRING }, { sequelize, modelName: "User" });
          return User;
        };
        """,
        "User.init(",
    ),
    ("sequelize", "sequelize.Model"): (
        "src/models/user.js",
        """
        const { Model } = require("sequelize");

        class User extends Model {}

        module.exports = User;
        """,
        "User",
    ),
    ("sequelize", "@sequelize/core.Model"): (
        "src/models/user.ts",
        """
        import { DataTypes, Model } from "@sequelize/core";
        import { Attribute } from "@sequelize/core/decorators-legacy";

        export class User extends Model {
          @Attribute(DataTypes.STRING)
          declare email: string;
        }
        """,
        "User",
    ),
    ("sequelize", "sequelize-typescript.Model"): (
        "src/models/user.ts",
        """
        import { Column, Model } from "sequelize-typescript";

        export class User extends Model {
          @Column
          email!: string;
        }
        """,
        "User",
    ),
    ("sequelize", "sequelize-typescript.Table"): (
        "src/models/user.ts",
        """
        import { Column, Table } from "sequelize-typescript";

        import { BaseModel } from "./base";

        @Table({ tableName: "users" })
        export class User extends BaseModel {
          @Column
          email!: string;
        }
        """,
        "Table(",
    ),
    ("django", "django.db.models.Model"): (
        "app/models.py",
        """
        from django.db import models


        class Article(models.Model):
            title = models.CharField(max_length=200)
        """,
        "Article",
    ),
    ("django", "djongo.models.Model"): (
        "app/models.py",
        """
        from djongo import models


        class Workout(models.Model):
            _id = models.ObjectIdField()
            name = models.CharField(max_length=100)
        """,
        "Workout",
    ),
    ("django", "django.contrib.auth.models.AbstractUser"): (
        "users/models.py",
        """
        from django.contrib.auth.models import AbstractUser


        class User(AbstractUser):
            pass
        """,
        "User",
    ),
    ("django", "django.contrib.auth.models.AbstractBaseUser"): (
        "users/models.py",
        """
        from django.contrib.auth.models import AbstractBaseUser


        class User(AbstractBaseUser):
            pass
        """,
        "User",
    ),
    ("django", "django.contrib.auth.base_user.AbstractBaseUser"): (
        "users/models.py",
        """
        from django.contrib.auth.base_user import AbstractBaseUser


        class User(AbstractBaseUser):
            pass
        """,
        "User",
    ),
    ("django", "django.contrib.auth.models.PermissionsMixin"): (
        "users/models.py",
        """
        from django.contrib.auth.models import PermissionsMixin


        class User(PermissionsMixin):
            pass
        """,
        "User",
    ),
    ("tortoise", "tortoise.models.Model"): (
        "app/models.py",
        """
        from tortoise import fields
        from tortoise.models import Model


        class User(Model):
            id = fields.IntField(pk=True)
        """,
        "User",
    ),
    ("tortoise", "tortoise.Model"): (
        "app/models.py",
        """
        from tortoise import Model, fields


        class User(Model):
            id = fields.IntField(pk=True)
        """,
        "User",
    ),
    ("peewee", "peewee.Model"): (
        "app/models.py",
        """
        import peewee

        db = peewee.SqliteDatabase("app.db")


        class User(peewee.Model):
            email = peewee.CharField(unique=True)
        """,
        "User",
    ),
    ("prisma", "@prisma/client.PrismaClient"): (
        "src/db.ts",
        """
        import { PrismaClient } from "@prisma/client";

        export const prisma = new PrismaClient();
        """,
        "new PrismaClient(",
    ),
    ("typeorm", "typeorm.Entity"): (
        "src/entity/User.ts",
        """
        import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

        @Entity()
        export class User {
          @PrimaryGeneratedColumn()
          id: number;

          @Column()
          email: string;
        }
        """,
        "Entity(",
    ),
    ("typeorm", "typeorm.EntitySchema"): (
        "src/entity/user.js",
        """
        const { EntitySchema } = require("typeorm");

        module.exports = new EntitySchema({
          name: "User",
          tableName: "users",
          columns: { id: { primary: true, type: "int", generated: true }, email: { type: "varchar" } },
        });
        """,
        "new EntitySchema(",
    ),
    ("mikro-orm", "@mikro-orm/core.Entity"): (
        "src/entities/User.ts",
        """
        import { Entity, PrimaryKey, Property } from "@mikro-orm/core";

        @Entity()
        export class User {
          @PrimaryKey()
          id!: number;

          @Property()
          email!: string;
        }
        """,
        "Entity(",
    ),
    ("objection", "objection.Model"): (
        "src/models/user.js",
        """
        const { Model } = require("objection");

        class User extends Model {
          static get tableName() {
            return "users";
          }
        }

        module.exports = User;
        """,
        "User",
    ),
    ("drizzle", "drizzle-orm/pg-core.pgTable"): (
        "src/db/schema.ts",
        """
        import { pgTable, serial, text } from "drizzle-orm/pg-core";

        export const users = pgTable("users", { id: serial("id").primaryKey(), email: text("email") });
        """,
        'pgTable("users"',
    ),
    ("drizzle", "drizzle-orm/sqlite-core.sqliteTable"): (
        "src/db/schema.ts",
        """
        import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

        export const users = sqliteTable("users", { id: integer("id").primaryKey(), email: text("email") });
        """,
        'sqliteTable("users"',
    ),
    ("drizzle", "drizzle-orm/mysql-core.mysqlTable"): (
        "src/db/schema.ts",
        """
        import { int, mysqlTable, varchar } from "drizzle-orm/mysql-core";

        export const users = mysqlTable("users", { id: int("id").primaryKey(), email: varchar("email", { length: 255 }) });
        """,
        'mysqlTable("users"',
    ),
    ("drizzle", "drizzle-orm/pg-core.pgSchema().table"): (
        "src/db/schema.ts",
        """
        import { pgSchema, serial, text } from "drizzle-orm/pg-core";

        const shop = pgSchema("shop");
        export const users = shop.table("users", { id: serial("id").primaryKey(), email: text("email") });
        """,
        'shop.table("users"',
    ),
    ("drizzle", "drizzle-orm/mysql-core.mysqlSchema().table"): (
        "src/db/schema.ts",
        """
        import { int, mysqlSchema, varchar } from "drizzle-orm/mysql-core";

        export const users = mysqlSchema("shop").table("users", { id: int("id").primaryKey(), email: varchar("email", { length: 255 }) });
        """,
        'mysqlSchema("shop").table("users"',
    ),
    ("mongoose", "mongoose.model"): (
        "src/models/user.js",
        """
        const mongoose = require("mongoose");

        const userSchema = { email: String };

        module.exports = mongoose.model("User", userSchema);
        """,
        'mongoose.model("User"',
    ),
    ("mongoose", "mongoose.Schema"): (
        "src/models/user.js",
        """
        const { Schema } = require("mongoose");

        const userSchema = new Schema({ email: { type: String, required: true } });

        module.exports = userSchema;
        """,
        "new Schema(",
    ),
    ("mongoose", "mongoose.default.model"): (
        "src/models/user.ts",
        """
        import * as mongoose from "mongoose";

        export const User = mongoose.default.model("User", new mongoose.default.Schema({ email: String }));
        """,
        'mongoose.default.model("User"',
    ),
}

# GINO: a model on the `Gino()` handle's `Model`, of the library or of one of its framework extensions
_GINO_MODEL = """
    from MODULE import Gino

    db = Gino()


    class User(db.Model):
        __tablename__ = "users"
        id = db.Column(db.Integer(), primary_key=True)
    """
MODEL_SNIPPETS.update(
    {
        ("gino", f"{module}.Gino().Model"): ("app/models.py", _GINO_MODEL.replace("MODULE", module), "User")
        for module in (
            "gino",
            "gino.api",
            "gino.ext.starlette",
            "gino.ext.aiohttp",
            "gino.ext.sanic",
            "gino.ext.quart",
            "gino.ext.tornado",
            "gino_starlette",
            "gino_aiohttp",
            "gino_sanic",
            "gino_quart",
            "gino_tornado",
        )
    }
)
MODEL_SNIPPETS[("gino", "gino.declarative.declarative_base")] = (
    "app/models.py",
    """
    from gino import Gino
    from gino.declarative import declarative_base

    db = Gino()
    Base = declarative_base(db)


    class User(Base):
        __tablename__ = "users"
    """,
    "User",
)


def test_every_models_signature_has_a_snippet() -> None:
    signatures = {(name, s) for name, entry in LIBRARIES.items() for s in entry.get("models", [])}
    assert signatures == set(MODEL_SNIPPETS)


@pytest.mark.parametrize(("library", "signature"), list(MODEL_SNIPPETS))
def test_every_models_signature(make_project: MakeProject, library: str, signature: str) -> None:
    path, text, model = MODEL_SNIPPETS[(library, signature)]
    source = src(text)
    data = orm(make_project, {path: source})
    assert library in data["libraries"]
    found = data["models"].get(library, [])
    assert any(m["file"] == path and m["model"].startswith(model) for m in found), found
    if model[0].isupper() and model.isidentifier():  # a class: listed at its `class` line
        line = line_of(source, f"class {model}")
        assert {"file": path, "line": line, "model": model} in found


@pytest.mark.parametrize(
    ("library", "path", "text"),
    [
        pytest.param(
            "sqlalchemy",
            "app/db.py",
            "from sqlalchemy import create_engine\n\nengine = create_engine('sqlite:///app.db')\n",
            id="sqlalchemy-engine-only",
        ),
        pytest.param(
            "sequelize",
            "src/db.js",
            'const { Sequelize } = require("sequelize");\n\nmodule.exports = new Sequelize("sqlite::memory:");\n',
            id="sequelize-connection-only",
        ),
        pytest.param(
            "peewee",
            "app/db.py",
            "import peewee\n\ndb = peewee.SqliteDatabase('app.db')\n",
            id="peewee-database-only",
        ),
    ],
)
def test_library_without_models(make_project: MakeProject, library: str, path: str, text: str) -> None:
    data = orm(make_project, {path: text})
    assert data["libraries"] == [library]
    assert data["models"] == {}


def test_models_in_tests_do_not_count(make_project: MakeProject) -> None:
    files = {
        "app/db.py": "from sqlalchemy import create_engine\n\nengine = create_engine('sqlite:///app.db')\n",
        "tests/test_models.py": src(
            """
            from sqlalchemy.orm import DeclarativeBase


            class Base(DeclarativeBase):
                pass


            class Widget(Base):
                __tablename__ = "widgets"
            """
        ),
    }
    data = orm(make_project, files)
    assert data["libraries"] == ["sqlalchemy"]
    assert data["models"] == {}


# -- not raw SQL: other `.execute()` / `.query()`, prose, ORM queries ------------------------------------

NOT_RAW_PYTHON = {
    "executor.execute(task)": """
        from app.tasks import TaskExecutor

        executor = TaskExecutor(workers=4)


        def schedule(task):
            return executor.execute(task)
        """,
    "gql client.execute": """
        from gql import Client, gql
        from gql.transport.requests import RequestsHTTPTransport

        client = Client(transport=RequestsHTTPTransport(url="https://api.example.com/graphql"))


        def users():
            return client.execute(gql("query { users { id email } }"))
        """,
    "HTTP clients": """
        import httpx
        import requests


        def search(term):
            requests.get("https://api.example.com/search", params={"select": "id", "from": "users"})
            with httpx.Client() as client:
                return client.post("https://api.example.com/query", json={"query": "SELECT id FROM users"})
        """,
    "SQL-looking prose in logs and errors": """
        import logging

        logger = logging.getLogger(__name__)


        def delete_user(user_id):
            logger.info("DELETE FROM users WHERE id = %s requested", user_id)
            logger.warning("SELECT * FROM users took too long")
            if user_id is None:
                raise ValueError("UPDATE users SET email = ? needs an id")
            print("INSERT INTO users (email) VALUES (?)")
        """,
    "SQL in a constant never executed": """
        HELP = "Run SELECT id, email FROM users WHERE active = 1 in the console to list active users."
        EXAMPLE_QUERY = "SELECT id, email FROM users"
        """,
    "SQLAlchemy ORM queries": """
        from sqlalchemy import delete, func, select, update
        from sqlalchemy.orm import Session

        from app.models import User


        def queries(session: Session, email: str):
            session.execute(select(User).where(User.email == email)).scalar_one_or_none()
            session.scalars(select(User).order_by(User.id)).all()
            session.execute(update(User).where(User.id == 1).values(email=email))
            session.execute(delete(User).where(User.id == 1))
            session.scalar(select(func.count()).select_from(User))
            session.query(User).filter_by(email=email).first()
        """,
    "Django ORM queries": """
        from django.db.models import Count

        from app.models import Article


        def popular():
            return Article.objects.filter(published=True).annotate(n=Count("comments")).order_by("-n")
        """,
    "subprocess running psql": """
        import subprocess


        def backup():
            subprocess.run(["psql", "-c", "SELECT count(*) FROM users"], check=True)
        """,
}

NOT_RAW_NODE = {
    "Apollo client.query": """
        import { ApolloClient, InMemoryCache, gql } from "@apollo/client";

        const client = new ApolloClient({ uri: "https://api.example.com/graphql", cache: new InMemoryCache() });

        export async function users() {
          const { data } = await client.query({ query: gql`query GetUsers { users { id email } }` });
          return data.users;
        }
        """,
    "Apollo client passed in": """
        import { gql } from "@apollo/client";

        const GET_USERS = gql`
          query GetUsers {
            users { id email }
          }
        `;

        export async function users(client) {
          const { data } = await client.query({ query: GET_USERS });
          return data.users;
        }
        """,
    "HTTP clients": """
        const axios = require("axios");
        const request = require("superagent");

        async function search(term) {
          await axios.get("/api/search", { params: { select: "id", from: "users" } });
          await request.get("/api/users").query({ select: "id", from: "users" });
          return fetch("/api/query", { method: "POST", body: JSON.stringify({ q: "SELECT id FROM users" }) });
        }

        module.exports = { search };
        """,
    "SQL-looking prose in logs and errors": """
        const logger = require("pino")();

        function deleteUser(id) {
          logger.info("DELETE FROM users WHERE id = ? requested");
          console.log("SELECT * FROM users took too long");
          if (!id) {
            throw new Error("UPDATE users SET email = ? needs an id");
          }
        }

        module.exports = { deleteUser };
        """,
    "Sequelize ORM queries": """
        const { Op } = require("sequelize");
        const { User, Article } = require("../models");

        async function queries(email) {
          await User.findAll({ where: { email } });
          await User.findOne({ where: { email: { [Op.like]: "%@example.com" } } });
          await Article.findAndCountAll({ order: [["createdAt", "DESC"]], limit: 20 });
          await User.update({ bio: "" }, { where: { email } });
          return User.destroy({ where: { email } });
        }

        module.exports = { queries };
        """,
    "knex query builder": """
        const knex = require("knex")({ client: "pg", connection: process.env.DATABASE_URL });

        async function activeUsers() {
          return knex("users").select("id", "email").where({ active: true }).orderBy("id");
        }

        module.exports = { activeUsers };
        """,
    "child_process running psql": """
        const { execFile } = require("child_process");

        function backup() {
          execFile("psql", ["-c", "SELECT count(*) FROM users"]);
        }

        module.exports = { backup };
        """,
    "Redis and Mongo": """
        const { createClient } = require("redis");
        const { MongoClient } = require("mongodb");

        async function run() {
          const redis = createClient();
          await redis.multi().set("select", "from").exec();
          const mongo = new MongoClient(process.env.MONGO_URL);
          return mongo.db("app").collection("users").find({ active: true }).toArray();
        }

        module.exports = { run };
        """,
    "where objects of Sequelize, knex and Mongoose": """
        const { Sequelize, Op } = require("sequelize");
        const knex = require("knex")({ client: "pg", connection: process.env.DATABASE_URL });
        const mongoose = require("mongoose");

        const sequelize = new Sequelize(process.env.DATABASE_URL);
        const User = mongoose.model("User", new mongoose.Schema({ age: Number }));

        async function run(email) {
          await sequelize.models.User.findAll({ where: { email, age: { [Op.gt]: 18 } } });
          await knex("users").where({ email }).where("age", ">", 18).orderBy("id", "desc").select("id", "email");
          return User.find().where("age").gte(18).select("name").sort("name");
        }

        module.exports = { run };
        """,
    "TypeORM QueryBuilder without SQL strings": """
        const { getRepository, Brackets } = require("typeorm");

        async function run(email, conditions) {
          return getRepository("User")
            .createQueryBuilder("user")
            .select(["user.id", "user.email"])
            .addSelect("user.createdAt")
            .leftJoinAndSelect("user.profile", "profile")
            .where({ email })
            .andWhere(new Brackets((qb) => qb.where({ active: true })))
            .orWhere(conditions)
            .orderBy("user.createdAt", "DESC")
            .addOrderBy("user.id")
            .groupBy("user.id")
            .getMany();
        }

        module.exports = { run };
        """,
    "TypeORM repository find options": """
        const { getRepository } = require("typeorm");

        async function run(tag) {
          return getRepository("Tag").findOne({ where: tag, order: { name: "ASC" }, select: ["id"] });
        }

        module.exports = { run };
        """,
    "a where method on something that is no TypeORM builder": """
        const _ = require("lodash");
        const { createQueryBuilder } = require("./querying");

        function run(items) {
          return createQueryBuilder(items).where("age > 18").andWhere("name = :name").orderBy("LOWER(name)");
        }

        module.exports = { run, filtered: _.chain([]).where("x = 1") };
        """,
}


@pytest.mark.parametrize("case", list(NOT_RAW_PYTHON))
def test_python_calls_that_are_not_raw_sql(make_project: MakeProject, case: str) -> None:
    data = orm(make_project, {"app/services/work.py": src(NOT_RAW_PYTHON[case])})
    assert data["raw_sql"] == []
    assert data["fragments"] == []


@pytest.mark.parametrize("case", list(NOT_RAW_NODE))
def test_node_calls_that_are_not_raw_sql(make_project: MakeProject, case: str) -> None:
    data = orm(make_project, {"src/services/work.js": src(NOT_RAW_NODE[case])})
    assert data["raw_sql"] == []
    assert data["fragments"] == []


def test_text_passed_to_execute_is_one_statement(make_project: MakeProject) -> None:
    """`session.execute(text(…))`: the sink is `text`; the execute of its result adds nothing."""
    source = src(
        """
        from sqlalchemy import text


        def user_count(session):
            return session.execute(text("SELECT count(*) FROM users")).scalar_one()
        """
    )
    data = orm(make_project, {"app/repositories/users.py": source})
    assert_statement(one_raw(data), "app/repositories/users.py", 5, "sqlalchemy.text", ["users"])


# -- SQL built at run time -----------------------------------------------------------------------------

BUILT_PYTHON = {
    "f-string": (
        'cur.execute(f"SELECT id, email FROM users WHERE id = {user_id}")',
        "SELECT id, email FROM users WHERE id = {…}",
        ["users"],
    ),
    "f-string table": (
        'cur.execute(f"SELECT * FROM {table} WHERE id = {user_id}")',
        "SELECT * FROM {…} WHERE id = {…}",
        [],
    ),
    "percent": (
        "cur.execute(\"SELECT id, email FROM users WHERE email = '%s'\" % email)",
        "SELECT id, email FROM users WHERE email = '%s'",
        ["users"],
    ),
    "format": (
        'cur.execute("SELECT id, email FROM users WHERE id = {}".format(user_id))',
        None,
        ["users"],
    ),
    "plus": (
        'cur.execute("SELECT id, email FROM users WHERE id = " + str(user_id))',
        "SELECT id, email FROM users WHERE id = {…}",
        ["users"],
    ),
    "implicit concatenation": (
        'cur.execute("SELECT id, email " "FROM users " "WHERE active = 1")',
        "SELECT id, email FROM users WHERE active = 1",
        ["users"],
    ),
    "triple-quoted": (
        'cur.execute("""\n        SELECT u.id, u.email\n        FROM users AS u\n        JOIN follows AS f ON f.followed_id = u.id\n        WHERE f.follower_id = ?\n    """, (user_id,))',
        None,
        ["users", "follows"],
    ),
    "triple-quoted with comments": (
        'cur.execute("""\n        -- the followed authors\' ids; newest first\n        SELECT u.id  -- the id only\n        FROM users AS u\n        /* the join */\n        JOIN follows AS f ON f.followed_id = u.id\n    """)',
        None,
        ["users", "follows"],
    ),
}


@pytest.mark.parametrize("case", list(BUILT_PYTHON))
def test_python_sql_built_at_run_time_is_still_a_statement(make_project: MakeProject, case: str) -> None:
    call, shown, tables = BUILT_PYTHON[case]
    source = (
        "import sqlite3\n\n"
        'conn = sqlite3.connect("app.db")\n\n\n'
        "def find(user_id, email, table):\n"
        "    cur = conn.cursor()\n"
        f"    {call}\n"
        "    return cur.fetchall()\n"
    )
    data = orm(make_project, {"app/repositories/users.py": source})
    item = one_raw(data)
    assert_statement(item, "app/repositories/users.py", 8, "DB-API cursor / connection", tables)
    if shown is not None:
        assert item["sql"] == shown


BUILT_NODE = {
    "template literal": (
        "pool.query(`SELECT id, email FROM users WHERE id = ${id}`)",
        "SELECT id, email FROM users WHERE id = {…}",
        ["users"],
    ),
    "template literal table": (
        "pool.query(`SELECT * FROM ${table} WHERE id = ${id}`)",
        "SELECT * FROM {…} WHERE id = {…}",
        [],
    ),
    "plus": (
        'pool.query("SELECT id, email FROM users WHERE id = " + id)',
        "SELECT id, email FROM users WHERE id = {…}",
        ["users"],
    ),
    "multi-line template": (
        "pool.query(`\n    SELECT a.slug, a.title\n    FROM articles a\n    JOIN users u ON u.id = a.author_id\n    WHERE u.username = $1\n  `, [id])",
        None,
        ["articles", "users"],
    ),
    "template literal set list": (
        "pool.query(`UPDATE users SET ${table} WHERE id = $1`, [id])",
        "UPDATE users SET {…} WHERE id = $1",
        ["users"],
    ),
}


@pytest.mark.parametrize("case", list(BUILT_NODE))
def test_node_sql_built_at_run_time_is_still_a_statement(make_project: MakeProject, case: str) -> None:
    call, shown, tables = BUILT_NODE[case]
    source = (
        'const { Pool } = require("pg");\n\n'
        "const pool = new Pool();\n\n"
        "async function find(id, table) {\n"
        f"  return {call};\n"
        "}\n\n"
        "module.exports = { find };\n"
    )
    data = orm(make_project, {"src/repositories/users.js": source})
    item = one_raw(data)
    statement = "UPDATE" if "UPDATE" in call else "SELECT"
    assert_statement(item, "src/repositories/users.js", 6, "pg query", tables, statement)
    if shown is not None:
        assert item["sql"] == shown


def test_statement_completed_by_its_holes_is_dynamic_at_a_statement_sink(make_project: MakeProject) -> None:
    """`pool.query(`INSERT INTO ${table} ${values}`)`: the classifier reads a piece (the holes finish it),
    but a statement sink runs it whole: dynamic SQL with the rebuilt text, ORM001, never a fragment. A
    `sql` tag, which takes pieces as often as statements, keeps it a fragment."""
    source = src(
        """
        const { Pool } = require("pg");
        const { sql } = require("drizzle-orm");

        const pool = new Pool();

        async function save(table, values) {
          await pool.query(`INSERT INTO ${table} ${values}`);
          return sql`INSERT INTO ${table} ${values}`;
        }

        module.exports = { save };
        """
    )
    data = orm(make_project, {"src/repositories/rows.js": source})
    assert [(i["line"], i["kind"], i["statement"], i["tables"], i["sql"]) for i in data["raw_sql"]] == [
        (7, "dynamic", "INSERT", [], "INSERT INTO {…} {…}")
    ]
    assert [(i["line"], i["kind"]) for i in data["fragments"]] == [(8, "fragment")]
    report = check(make_project, {"src/repositories/rows.js": source}, "postgres+sequelize")
    assert finding(report, "ORM001")["message"] == "dynamic SQL through pg query: INSERT INTO {…} {…}"


def test_statement_written_over_several_lines_is_shown_on_one_line(make_project: MakeProject) -> None:
    source = (
        "import sqlite3\n\n"
        'conn = sqlite3.connect("app.db")\n\n\n'
        "def weekly():\n"
        '    return conn.execute("""\n'
        "        -- per day\n"
        "        SELECT day, COUNT(*)\n"
        "        FROM occurrence\n"
        "        GROUP BY day\n"
        '    """).fetchall()\n'
    )
    report = check(make_project, {"app/repositories/stats.py": source}, "sqlite+sqlalchemy")
    orm001 = finding(report, "ORM001")
    assert orm001["message"] == (
        "raw SQL SELECT on occurrence through DB-API cursor / connection: "
        "-- per day SELECT day, COUNT(*) FROM occurrence GROUP BY day"
    )
    assert orm001["sql"].startswith("\n        -- per day\n")  # the data keeps the string as written


def test_fragment_holes_are_shown(make_project: MakeProject) -> None:
    source = src(
        """
        const { Sequelize } = require("sequelize");

        function byScore(column) {
          return [[Sequelize.literal(`${column} DESC`)]];
        }

        module.exports = { byScore };
        """
    )
    item = one_fragment(orm(make_project, {"src/repositories/order.js": source}))
    assert item["sql"] == "{…} DESC"


@pytest.mark.parametrize(
    ("path", "source", "sink", "shown", "line"),
    [
        pytest.param(
            "app/repositories/users.py",
            src(
                """
                import sqlite3

                conn = sqlite3.connect("app.db")


                def run(query, params):
                    return conn.execute(query, params).fetchall()
                """
            ),
            "DB-API cursor / connection",
            "query",
            7,
            id="python-cursor-variable",
        ),
        pytest.param(
            "app/repositories/users.py",
            src(
                """
                from sqlalchemy import text


                def run(session, sql):
                    return session.execute(text(sql)).all()
                """
            ),
            "sqlalchemy.text",
            "sql",
            5,
            id="python-text-variable",
        ),
        pytest.param(
            "src/repositories/users.js",
            src(
                """
                const { Pool } = require("pg");

                const pool = new Pool();

                async function run(sql, params) {
                  const { rows } = await pool.query(sql, params);
                  return rows;
                }

                module.exports = { run };
                """
            ),
            "pg query",
            "sql",
            6,
            id="node-pool-variable",
        ),
        pytest.param(
            "src/repositories/users.js",
            src(
                """
                const { Sequelize } = require("sequelize");

                const sequelize = new Sequelize(process.env.DATABASE_URL);

                async function run(statement) {
                  return sequelize.query(statement);
                }

                module.exports = { run };
                """
            ),
            "sequelize.query",
            "statement",
            6,
            id="node-sequelize-variable",
        ),
    ],
)
def test_sql_from_a_variable_at_a_traced_sink_is_dynamic(
    make_project: MakeProject, path: str, source: str, sink: str, shown: str, line: int
) -> None:
    item = one_raw(orm(make_project, {path: source}))
    assert (item["file"], item["line"], item["api"], item["kind"], item["sql"], item["tables"]) == (
        path,
        line,
        sink,
        "dynamic",
        shown,
        [],
    )
    report = check(
        make_project, {path: source}, "sqlite+sqlalchemy" if path.endswith(".py") else "sqlite+sequelize"
    )
    orm001 = finding(report, "ORM001")
    assert orm001["severity"] == "error"
    assert orm001["message"].startswith("dynamic SQL through ")


# -- scopes: the same raw SQL in tests, migrations, scripts and configuration is information -------------

RAW_PYTHON = src(
    """
    import sqlite3


    def reset():
        conn = sqlite3.connect("app.db")
        conn.execute("DELETE FROM users WHERE email LIKE '%@example.com'")
        conn.commit()
    """
)
RAW_NODE = src(
    """
    const { Pool } = require("pg");

    const pool = new Pool();

    async function reset() {
      await pool.query("DELETE FROM users WHERE email LIKE '%@example.com'");
    }

    module.exports = { reset };
    """
)


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        pytest.param("app/repositories/users.py", "application", id="python-application"),
        pytest.param("tests/test_users.py", "tests", id="python-tests"),
        pytest.param("app/tests/conftest.py", "tests", id="python-conftest"),
        pytest.param("migrations/versions/0002_cleanup.py", "migrations", id="python-migrations"),
        pytest.param("alembic/versions/0002_cleanup.py", "migrations", id="python-alembic"),
        pytest.param("scripts/reset_db.py", "scripts", id="python-scripts"),
        pytest.param("seed_users.py", "scripts", id="python-seed-file"),
        pytest.param("tasks.py", "config", id="python-config"),
        pytest.param("src/repositories/users.js", "application", id="node-application"),
        pytest.param("src/__tests__/users.test.js", "tests", id="node-tests"),
        pytest.param("test/users.spec.js", "tests", id="node-spec"),
        pytest.param("src/migrations/20240101-cleanup.js", "migrations", id="node-migrations"),
        pytest.param("seeders/20240101-users.js", "scripts", id="node-seeders"),
        pytest.param("scripts/reset-db.js", "scripts", id="node-scripts"),
    ],
)
def test_raw_sql_scope_and_severity(make_project: MakeProject, path: str, scope: str) -> None:
    python = path.endswith(".py")
    source = RAW_PYTHON if python else RAW_NODE
    report = check(make_project, {path: source}, "sqlite+sqlalchemy" if python else "sqlite+sequelize")
    item = one_raw(report["orm"])
    assert (item["file"], item["line"], item["scope"], item["statement"], item["tables"]) == (
        path,
        6,
        scope,
        "DELETE",
        ["users"],
    )
    orm001 = finding(report, "ORM001")
    assert (orm001["file"], orm001["line"], orm001["scope"]) == (path, 6, scope)
    if scope == "application":
        assert orm001["severity"] == "error"
        assert " in " not in orm001["message"].split(":")[0]
    else:
        assert orm001["severity"] == "info"
        assert f" in {scope}:" in orm001["message"]


def test_raw_sql_outside_application_does_not_fail_the_constraint(make_project: MakeProject) -> None:
    files = {
        **SQLALCHEMY_APP,
        "tests/test_users.py": RAW_PYTHON,
        "migrations/versions/0002_cleanup.py": RAW_PYTHON,
        "scripts/reset_db.py": RAW_PYTHON,
    }
    report = check(make_project, files, "sqlite+sqlalchemy")
    assert orm_findings(report) == [
        ("ORM001", "info", "migrations/versions/0002_cleanup.py", 6),
        ("ORM001", "info", "scripts/reset_db.py", 6),
        ("ORM001", "info", "tests/test_users.py", 6),
    ]
    assert report["verdicts"]["orm"]["status"] == "pass"


ALEMBIC_MIGRATION = src(
    """
    import sqlalchemy as sa
    from alembic import op

    revision = "0002"
    down_revision = "0001"


    def upgrade() -> None:
        op.add_column("users", sa.Column("active", sa.Boolean(), server_default=sa.true()))
        op.execute("UPDATE users SET active = 0 WHERE last_login IS NULL")


    def downgrade() -> None:
        op.drop_column("users", "active")
    """
)
DJANGO_MIGRATION = src(
    """
    from django.db import migrations


    class Migration(migrations.Migration):
        dependencies = [("blog", "0001_initial")]

        operations = [
            migrations.RunSQL(
                "CREATE INDEX blog_article_title_trgm ON blog_article USING gin (title gin_trgm_ops)",
                reverse_sql="DROP INDEX blog_article_title_trgm",
            ),
        ]
    """
)


def test_alembic_op_execute_in_a_migration_is_information(make_project: MakeProject) -> None:
    path = "migrations/versions/0002_add_active.py"
    report = check(make_project, {**SQLALCHEMY_APP, path: ALEMBIC_MIGRATION}, "sqlite+sqlalchemy")
    item = one_raw(report["orm"])
    assert (item["file"], item["line"], item["api"], item["statement"], item["scope"]) == (
        path,
        10,
        "alembic op.execute",
        "UPDATE",
        "migrations",
    )
    assert orm_findings(report) == [("ORM001", "info", path, 10)]
    assert report["verdicts"]["orm"]["status"] == "pass"


def test_django_runsql_migration_never_fails_the_constraint(make_project: MakeProject) -> None:
    """`migrations.RunSQL(…)` is no sink of the catalogue; whatever is reported of it is information."""
    path = "blog/migrations/0002_article_title_trgm.py"
    report = check(make_project, {**SQLALCHEMY_APP, path: DJANGO_MIGRATION}, "sqlite+sqlalchemy")
    assert all(severity == "info" for _, severity, file, _ in orm_findings(report) if file == path)
    assert report["verdicts"]["orm"]["status"] == "pass"


# -- start-up bootstrap and health checks --------------------------------------------------------------

BOOTSTRAP_PYTHON = {
    "PRAGMA foreign_keys=ON": ("PRAGMA", "bootstrap"),
    "PRAGMA journal_mode=WAL": ("PRAGMA", "bootstrap"),
    'CREATE EXTENSION IF NOT EXISTS "uuid-ossp"': ("CREATE EXTENSION", "bootstrap"),
    "CREATE EXTENSION IF NOT EXISTS pg_trgm": ("CREATE EXTENSION", "bootstrap"),
    "SET search_path TO app, public": ("SET", "bootstrap"),
    "SET statement_timeout = 5000": ("SET", "bootstrap"),
    "SELECT 1": ("SELECT", "health check"),
}


@pytest.mark.parametrize("sql", list(BOOTSTRAP_PYTHON))
def test_python_bootstrap_and_health_check_are_information(make_project: MakeProject, sql: str) -> None:
    statement, purpose = BOOTSTRAP_PYTHON[sql]
    source = src(
        f"""
        from sqlalchemy import text

        from app.db import engine


        def on_startup() -> None:
            with engine.begin() as conn:
                conn.execute(text({sql!r}))
        """
    )
    path = "app/startup.py"
    report = check(make_project, {**SQLALCHEMY_APP, path: source}, "sqlite+sqlalchemy")
    item = one_raw(report["orm"])
    assert (item["file"], item["line"], item["api"], item["scope"]) == (
        path,
        8,
        "sqlalchemy.text",
        "application",
    )
    assert (item["statement"], item.get("purpose")) == (statement, purpose)
    assert item["tables"] == []
    assert orm_findings(report) == [("ORM001", "info", path, 8)]
    assert f"({purpose}):" in finding(report, "ORM001")["message"]
    assert report["verdicts"]["orm"]["status"] == "pass"


@pytest.mark.parametrize(
    ("sql", "purpose"),
    [
        ("SELECT 1", "health check"),
        ("PRAGMA foreign_keys = ON", "bootstrap"),
        ("select 1 as ok", "health check"),
    ],
)
def test_node_bootstrap_and_health_check_are_information(
    make_project: MakeProject, sql: str, purpose: str
) -> None:
    source = src(
        f"""
        const express = require("express");
        const {{ sequelize }} = require("../models");

        const router = express.Router();

        router.get("/health-check", async (req, res) => {{
          await sequelize.query("{sql}");
          res.json({{ status: "ok" }});
        }});

        module.exports = router;
        """
    )
    files = {**SEQUELIZE_APP, "src/routes/health.js": source}
    report = check(make_project, files, "sqlite+sequelize")
    item = one_raw(report["orm"])
    assert (item["file"], item["line"], item["api"], item.get("purpose")) == (
        "src/routes/health.js",
        7,
        "sequelize.query",
        purpose,
    )
    assert orm_findings(report) == [("ORM001", "info", "src/routes/health.js", 7)]
    assert report["verdicts"]["orm"]["status"] == "pass"


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1 FROM users LIMIT 1",
        "CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, email TEXT)",
        "SELECT count(*) FROM users",
    ],
)
def test_startup_statements_on_tables_are_not_bootstrap(make_project: MakeProject, sql: str) -> None:
    """Queries on tables at start-up, and schema statements outside a start-up function (see
    test_orm_reach.py for `CREATE TABLE` in `init_db`), are application SQL."""
    source = src(
        f"""
        from sqlalchemy import text

        from app.db import engine


        def warm_cache() -> None:
            with engine.begin() as conn:
                conn.execute(text({sql!r}))
        """
    )
    report = check(make_project, {**SQLALCHEMY_APP, "app/startup.py": source}, "sqlite+sqlalchemy")
    assert orm_findings(report) == [("ORM001", "error", "app/startup.py", 8)]
    assert "purpose" not in one_raw(report["orm"])


def test_sqlalchemy_pragma_event_listener_never_fails_the_constraint(make_project: MakeProject) -> None:
    """SQLAlchemy's own recipe: the PRAGMA runs on a DB-API cursor that cannot be traced."""
    source = src(
        """
        from sqlalchemy import create_engine, event
        from sqlalchemy.engine import Engine

        engine = create_engine("sqlite:///app.db")


        @event.listens_for(Engine, "connect")
        def set_sqlite_pragma(dbapi_connection, connection_record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
        """
    )
    report = check(make_project, {**SQLALCHEMY_APP, "app/db.py": source}, "sqlite+sqlalchemy")
    assert [f for f in orm_findings(report) if f[1] != "info"] == []
    assert report["verdicts"]["orm"]["status"] == "pass"


# -- the rules and the verdicts of the four ORM constraints ---------------------------------------------

URLS = {"sqlite": "sqlite:///conduit.db", "postgres": "postgresql://user:password@localhost:5432/conduit"}
PY_DRIVERS = {"sqlite": "", "postgres": "psycopg2-binary==2.9.9\n"}
NODE_DRIVERS = {"sqlite": '"sqlite3": "5.1.7"', "postgres": '"pg": "8.12.0", "pg-hstore": "2.3.4"'}
SEQUELIZE_OPTIONS = {
    "sqlite": '{ dialect: "sqlite", storage: "conduit.sqlite", logging: false }',
    "postgres": '"postgres://user:password@localhost:5432/conduit", { dialect: "postgres", logging: false }',
}


def sqlalchemy_app(database: str = "sqlite") -> dict[str, str | bytes]:
    """A small layered SQLAlchemy 2.0 app: engine, a mapped model, a repository using the session."""
    return {
        "requirements.txt": f"flask==3.0.3\nsqlalchemy==2.0.31\n{PY_DRIVERS[database]}",
        "app/db.py": src(
            f"""
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            engine = create_engine("{URLS[database]}")
            SessionLocal = sessionmaker(bind=engine)
            """
        ),
        "app/models/user.py": src(
            """
            from sqlalchemy import String
            from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


            class Base(DeclarativeBase):
                pass


            class User(Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
                email: Mapped[str] = mapped_column(String(255), unique=True)
                active: Mapped[bool] = mapped_column(default=True)
            """
        ),
        "app/repositories/users.py": src(
            """
            from sqlalchemy import select
            from sqlalchemy.orm import Session

            from app.models.user import User


            class UserRepository:
                def __init__(self, session: Session) -> None:
                    self.session = session

                def active(self) -> list[User]:
                    return list(self.session.scalars(select(User).where(User.active.is_(True))))

                def add(self, email: str) -> User:
                    user = User(email=email)
                    self.session.add(user)
                    self.session.commit()
                    return user
            """
        ),
    }


def sequelize_app(database: str = "sqlite") -> dict[str, str | bytes]:
    """A small layered Sequelize app: the connection, a model, a repository using the model."""
    return {
        "package.json": '{\n  "name": "conduit",\n  "dependencies": {\n    "express": "4.19.2",\n'
        f'    "sequelize": "6.37.3",\n    {NODE_DRIVERS[database]}\n  }}\n}}\n',
        "src/db.js": src(
            f"""
            const {{ Sequelize }} = require("sequelize");

            const sequelize = new Sequelize({SEQUELIZE_OPTIONS[database]});

            module.exports = {{ sequelize }};
            """
        ),
        "src/models/user.js": src(
            """
            const { DataTypes, Model } = require("sequelize");
            const { sequelize } = require("../db");

            class User extends Model {}

            User.init(
              { email: { type: DataTypes.STRING, unique: true }, active: DataTypes.BOOLEAN },
              { sequelize, modelName: "User", tableName: "users" },
            );

            module.exports = { User };
            """
        ),
        "src/repositories/users.js": src(
            """
            const { User } = require("../models/user");

            async function active() {
              return User.findAll({ where: { active: true }, order: [["email", "ASC"]] });
            }

            async function add(email) {
              return User.create({ email });
            }

            module.exports = { active, add };
            """
        ),
    }


SQLALCHEMY_APP = sqlalchemy_app()
SEQUELIZE_APP = sequelize_app()

SQLALCHEMY_RAW_FALLBACK = src(
    """
    from sqlalchemy import text
    from sqlalchemy.orm import Session


    def user_count(session: Session) -> int:
        return session.execute(text("SELECT count(*) FROM users WHERE active = 1")).scalar_one()
    """
)
SQLALCHEMY_CORE_ONLY = {
    "app/db.py": src(
        """
        from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, create_engine, select

        engine = create_engine("DATABASE_URL")
        metadata = MetaData()
        users = Table(
            "users",
            metadata,
            Column("id", Integer, primary_key=True),
            Column("email", String(255)),
            Column("active", Boolean),
        )


        def active_users():
            with engine.connect() as conn:
                return conn.execute(select(users).where(users.c.active.is_(True))).all()
        """
    ),
}
SQLALCHEMY_DRIVER_BESIDE = src(
    """
    import sqlite3


    def backup(path: str) -> None:
        with sqlite3.connect("conduit.db") as source, sqlite3.connect(path) as target:
            source.backup(target)
    """
)
SEQUELIZE_RAW_FALLBACK = src(
    """
    const { sequelize } = require("../db");

    async function userCount() {
      const [rows] = await sequelize.query("SELECT count(*) AS n FROM users WHERE active = 1");
      return rows[0].n;
    }

    module.exports = { userCount };
    """
)
SEQUELIZE_DRIVER_BESIDE = {
    "sqlite": src(
        """
        const Database = require("better-sqlite3");

        function backup(path) {
          return new Database("conduit.sqlite").backup(path);
        }

        module.exports = { backup };
        """
    ),
    "postgres": src(
        """
        const { Client } = require("pg");

        async function listen(onEvent) {
          const client = new Client({ connectionString: process.env.DATABASE_URL });
          await client.connect();
          client.on("notification", onEvent);
        }

        module.exports = { listen };
        """
    ),
}
SEQUELIZE_FRAGMENT = src(
    """
    const { Sequelize } = require("sequelize");
    const { User } = require("../models/user");

    async function byEmailDomain() {
      return User.findAll({ order: [[Sequelize.literal("substr(email, instr(email, '@'))"), "ASC"]] });
    }

    module.exports = { byEmailDomain };
    """
)

ORM_CONSTRAINTS = ["sqlite+sqlalchemy", "postgres+sqlalchemy", "sqlite+sequelize", "postgres+sequelize"]


def app_for(constraint: str) -> dict[str, str | bytes]:
    database, required = constraint.split("+")
    return sqlalchemy_app(database) if required == "sqlalchemy" else sequelize_app(database)


@pytest.mark.parametrize("constraint", ORM_CONSTRAINTS)
def test_clean_orm_app_passes(make_project: MakeProject, constraint: str) -> None:
    report = check(make_project, app_for(constraint), constraint)
    required = constraint.split("+")[1]
    assert orm_findings(report) == []
    assert report["verdicts"]["orm"] == {"required": required, "status": "pass", "errors": 0, "reason": ""}
    assert report["verdicts"]["database"]["status"] == "pass", report["findings"]
    assert report["passed"] is True
    assert report["orm"]["libraries"] == [required]
    assert report["orm"]["raw_sql"] == report["orm"]["fragments"] == []
    assert report["orm"]["models"][required]


@pytest.mark.parametrize("constraint", ORM_CONSTRAINTS)
def test_raw_sql_fallback_fails_orm001(make_project: MakeProject, constraint: str) -> None:
    python = constraint.endswith("sqlalchemy")
    path = "app/repositories/stats.py" if python else "src/repositories/stats.js"
    files = {**app_for(constraint), path: SQLALCHEMY_RAW_FALLBACK if python else SEQUELIZE_RAW_FALLBACK}
    report = check(make_project, files, constraint)
    line = 6 if python else 4
    assert orm_findings(report) == [("ORM001", "error", path, line)]
    orm001 = finding(report, "ORM001")
    assert orm001["api"] == ("sqlalchemy.text" if python else "sequelize.query")
    assert orm001["tables"] == ["users"]
    assert orm001["scope"] == "application"
    assert orm001["hint"].startswith("use the ORM: ")
    assert ("select(User)" if python else "User.findAll") in orm001["hint"]
    assert report["verdicts"]["orm"]["status"] == "fail"
    assert report["verdicts"]["orm"]["errors"] == 1
    assert report["passed"] is False


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_sqlalchemy_core_only_fails_orm002(make_project: MakeProject, database: str) -> None:
    files = {
        "requirements.txt": f"sqlalchemy==2.0.31\n{PY_DRIVERS[database]}",
        "app/db.py": SQLALCHEMY_CORE_ONLY["app/db.py"].replace("DATABASE_URL", URLS[database]),
    }
    report = check(make_project, files, f"{database}+sqlalchemy")
    assert orm_findings(report) == [("ORM002", "error", "app/db.py", 1)]
    orm002 = finding(report, "ORM002")
    assert "SQLAlchemy Core is not the ORM" in orm002["message"]
    assert orm002["reason"] == "no-models"
    assert report["verdicts"]["orm"]["status"] == "fail"
    assert report["orm"]["libraries"] == ["sqlalchemy"]
    assert report["orm"]["models"] == {}


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_sequelize_without_models_fails_orm002(make_project: MakeProject, database: str) -> None:
    files = {
        key: value
        for key, value in sequelize_app(database).items()
        if "models" not in key and "repositories" not in key
    }
    report = check(make_project, files, f"{database}+sequelize")
    assert orm_findings(report) == [("ORM002", "error", "src/db.js", 1)]
    assert finding(report, "ORM002")["reason"] == "no-models"
    assert report["verdicts"]["orm"]["status"] == "fail"


@pytest.mark.parametrize("constraint", ORM_CONSTRAINTS)
def test_required_orm_missing_fails_orm002(make_project: MakeProject, constraint: str) -> None:
    """The app does its data access with the other constraint's ORM: ORM002 at the project, ORM003."""
    database, required = constraint.split("+")
    other = "sequelize" if required == "sqlalchemy" else "sqlalchemy"
    report = check(make_project, app_for(f"{database}+{other}"), constraint)
    orm002 = finding(report, "ORM002")
    assert (orm002["file"], orm002["line"], orm002["severity"]) == (".", 0, "error")
    assert orm002["required"] == required
    assert orm002["libraries"] == [other]
    orm003 = finding(report, "ORM003")
    assert (orm003["library"], orm003["kind"]) == (other, "orm")
    assert report["verdicts"]["orm"]["status"] == "fail"


@pytest.mark.parametrize("constraint", ORM_CONSTRAINTS)
def test_driver_beside_the_orm_fails_orm003(make_project: MakeProject, constraint: str) -> None:
    database, required = constraint.split("+")
    if required == "sqlalchemy":
        path, source = "app/services/backup.py", SQLALCHEMY_DRIVER_BESIDE
        library = "sqlite3"
    else:
        path, source = "src/services/backup.js", SEQUELIZE_DRIVER_BESIDE[database]
        library = "sqlite3" if database == "sqlite" else "pg"
    report = check(make_project, {**app_for(constraint), path: source}, constraint)
    assert orm_findings(report) == [("ORM003", "error", path, 1)]
    orm003 = finding(report, "ORM003")
    assert (orm003["library"], orm003["kind"], orm003["required"]) == (library, "driver", required)
    assert "raw database driver" in orm003["message"]
    # the module used directly, not asked to be removed: the ORM may need the package as its driver
    module = "better-sqlite3" if path.endswith(".js") and database == "sqlite" else library
    assert orm003["hint"].endswith(f"not {module} directly")
    assert report["verdicts"]["orm"]["status"] == "fail"
    assert report["orm"]["kinds"] == {required: "orm", library: "driver"}
    assert report["orm"]["libraries"] == [required, library]


@pytest.mark.parametrize(
    ("constraint", "path", "source", "library", "kind"),
    [
        pytest.param(
            "sqlite+sqlalchemy",
            "app/repositories/posts.py",
            "from pymongo import MongoClient\n\nclient = MongoClient()\n",
            "mongodb-driver",
            "driver",
            id="pymongo",
        ),
        pytest.param(
            "sqlite+sqlalchemy",
            "app/models/legacy.py",
            "import peewee\n\n\nclass Legacy(peewee.Model):\n    pass\n",
            "peewee",
            "orm",
            id="peewee",
        ),
        pytest.param(
            "sqlite+sqlalchemy",
            "app/queries.py",
            "from pypika import Query, Table\n\nusers = Table('users')\n",
            "pypika",
            "core",
            id="pypika",
        ),
        pytest.param(
            "sqlite+sequelize",
            "src/repositories/report.js",
            'const knex = require("knex")({ client: "sqlite3" });\n\nmodule.exports = knex;\n',
            "knex",
            "core",
            id="knex",
        ),
        pytest.param(
            "sqlite+sequelize",
            "src/repositories/cache.js",
            'const mongoose = require("mongoose");\n\nmodule.exports = mongoose.model("Cache", new mongoose.Schema({}));\n',
            "mongoose",
            "odm",
            id="mongoose",
        ),
        pytest.param(
            "sqlite+sequelize",
            "src/repositories/prisma.ts",
            'import { PrismaClient } from "@prisma/client";\n\nexport const prisma = new PrismaClient();\n',
            "prisma",
            "orm",
            id="prisma",
        ),
    ],
)
def test_other_data_access_library_fails_orm003(
    make_project: MakeProject, constraint: str, path: str, source: str, library: str, kind: str
) -> None:
    report = check(make_project, {**app_for(constraint), path: source}, constraint)
    assert orm_findings(report) == [("ORM003", "error", path, 1)]
    orm003 = finding(report, "ORM003")
    assert (orm003["library"], orm003["kind"], orm003["required"]) == (
        library,
        kind,
        constraint.split("+")[1],
    )
    assert f", beside {constraint.split('+')[1]}" in orm003["message"]
    assert report["verdicts"]["orm"]["status"] == "fail"


@pytest.mark.parametrize("constraint", ORM_CONSTRAINTS)
def test_driver_in_tests_and_type_only_imports_pass_orm003(
    make_project: MakeProject, constraint: str
) -> None:
    if constraint.endswith("sqlalchemy"):
        extra = {
            "tests/test_backup.py": "import sqlite3\n\n\ndef test_backup():\n    assert sqlite3.sqlite_version\n",
            "app/types.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import psycopg2\n",
        }
    else:
        extra = {
            "test/backup.test.js": 'const Database = require("better-sqlite3");\n\ntest("db", () => new Database(":memory:"));\n',
            "src/types.ts": 'import type { PoolClient } from "pg";\n\nexport type Client = PoolClient;\n',
        }
    report = check(make_project, {**app_for(constraint), **extra}, constraint)
    assert orm_findings(report) == []
    assert report["verdicts"]["orm"]["status"] == "pass"


@pytest.mark.parametrize("constraint", ["sqlite+sequelize", "postgres+sequelize"])
def test_fragment_passes_with_orm004_warning(make_project: MakeProject, constraint: str) -> None:
    path = "src/repositories/ordering.js"
    report = check(make_project, {**app_for(constraint), path: SEQUELIZE_FRAGMENT}, constraint)
    assert orm_findings(report) == [("ORM004", "warning", path, 5)]
    orm004 = finding(report, "ORM004")
    assert orm004["api"] == "Sequelize.literal"
    assert orm004["sql"] == "substr(email, instr(email, '@'))"
    assert orm004["scope"] == "application"
    assert report["verdicts"]["orm"] == {"required": "sequelize", "status": "pass", "errors": 0, "reason": ""}
    assert report["passed"] is True
    assert report["orm"]["raw_sql"] == []
    assert [f["file"] for f in report["orm"]["fragments"]] == [path]


@pytest.mark.parametrize("method", sink_entry("node", "knex *Raw builders")["methods"])
def test_knex_raw_builder_is_orm004(make_project: MakeProject, method: str) -> None:
    source = src(
        f"""
        const knex = require("knex")({{ client: "sqlite3", connection: {{ filename: "conduit.sqlite" }} }});

        async function search(term) {{
          return knex("articles").select("slug").{method}("lower(title) LIKE ?", [`%${{term}}%`]);
        }}

        module.exports = {{ search }};
        """
    )
    report = check(make_project, {"src/repositories/search.js": source}, "sqlite+sequelize")
    orm004 = finding(report, "ORM004")
    assert (orm004["severity"], orm004["file"], orm004["line"], orm004["api"]) == (
        "warning",
        "src/repositories/search.js",
        4,
        "knex *Raw builders",
    )
    assert orm004["sql"] == "lower(title) LIKE ?"
    assert orm_rules(report) == ["ORM002", "ORM003", "ORM004"]


def test_orm_findings_only_with_an_orm_constraint(make_project: MakeProject) -> None:
    files = {**SQLALCHEMY_APP, "app/repositories/stats.py": SQLALCHEMY_RAW_FALLBACK}
    report = check(make_project, files, "sqlite")
    assert orm_rules(report) == []
    assert "orm" not in report["verdicts"]
    assert len(report["orm"]["raw_sql"]) == 1  # listed whatever the constraints


# -- corpus: the clean reference apps, and sqlglot imported only when a string needs it ------------------


@pytest.mark.parametrize(
    ("app", "constraint", "library"),
    [
        ("conduit-flask-clean", "sqlite+sqlalchemy", "sqlalchemy"),
        ("conduit-express-clean", "sqlite+sequelize", "sequelize"),
    ],
)
def test_clean_reference_apps_pass(app: str, constraint: str, library: str) -> None:
    report = verify(CORPUS / app, constraint, use_cache=False).to_json()
    assert orm_rules(report) == []
    assert report["verdicts"]["orm"]["status"] == "pass"
    assert report["orm"]["libraries"] == [library]
    assert report["orm"]["raw_sql"] == report["orm"]["fragments"] == []


_SQLGLOT_PROBE = """
import json, sys
from cdverify.pipeline import verify
report = verify(sys.argv[1], sys.argv[2], use_cache=False)
print(json.dumps({"sqlglot": "sqlglot" in sys.modules, "raw": len(report.analysis.orm.raw_sql)}))
"""


def _probe_sqlglot(root: Path, constraint: str, tmp_path: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", _SQLGLOT_PROBE, str(root), constraint],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        env={"CDVERIFY_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def test_clean_orm_app_never_imports_sqlglot(tmp_path: Path) -> None:
    assert _probe_sqlglot(CORPUS / "conduit-flask-clean", "sqlite+sqlalchemy", tmp_path) == {
        "sqlglot": False,
        "raw": 0,
    }
    assert _probe_sqlglot(CORPUS / "conduit-express-clean", "sqlite+sequelize", tmp_path) == {
        "sqlglot": False,
        "raw": 0,
    }


def test_raw_statement_imports_sqlglot(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project({**SQLALCHEMY_APP, "app/repositories/stats.py": SQLALCHEMY_RAW_FALLBACK})
    assert _probe_sqlglot(root, "sqlite+sqlalchemy", tmp_path) == {"sqlglot": True, "raw": 1}


# -- names traced through assignments and other modules -------------------------------------------------


@pytest.mark.parametrize(
    ("path", "source", "line", "sink"),
    [
        pytest.param(
            "app/repositories/users.py",
            src(
                """
                import sqlite3

                ACTIVE_USERS_SQL = "SELECT id, email FROM users WHERE active = 1"


                def active_users():
                    with sqlite3.connect("app.db") as conn:
                        return conn.execute(ACTIVE_USERS_SQL).fetchall()
                """
            ),
            8,
            "DB-API cursor / connection",
            id="python-constant",
        ),
        pytest.param(
            "app/repositories/users.py",
            src(
                """
                from sqlalchemy import text


                def active_users(session):
                    query = "SELECT id, email FROM users WHERE active = 1"
                    return session.execute(text(query)).all()
                """
            ),
            6,
            "sqlalchemy.text",
            id="python-local",
        ),
        pytest.param(
            "src/repositories/users.js",
            src(
                """
                const { Pool } = require("pg");

                const pool = new Pool();
                const ACTIVE_USERS = `
                  SELECT id, email
                  FROM users
                  WHERE active = true
                `;

                async function activeUsers() {
                  const { rows } = await pool.query(ACTIVE_USERS);
                  return rows;
                }

                module.exports = { activeUsers };
                """
            ),
            11,
            "pg query",
            id="node-constant",
        ),
    ],
)
def test_sql_assigned_to_a_name_in_the_file(
    make_project: MakeProject, path: str, source: str, line: int, sink: str
) -> None:
    item = one_raw(orm(make_project, {path: source}))
    assert_statement(item, path, line, sink, ["users"])


def test_flask_sqlalchemy_models_through_the_extensions_module(make_project: MakeProject) -> None:
    """The usual Flask layout: `db = SQLAlchemy()` in one module, `class User(db.Model)` in others."""
    files = {
        "app/extensions.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "app/models/user.py": src(
            """
            from app.extensions import db


            class User(db.Model):
                __tablename__ = "users"
                id = db.Column(db.Integer, primary_key=True)
            """
        ),
        "app/models/article.py": src(
            """
            from ..extensions import db


            class Article(db.Model):
                id = db.Column(db.Integer, primary_key=True)
            """
        ),
    }
    data = orm(make_project, files)
    assert data["libraries"] == ["sqlalchemy"]
    models = {(m["file"], m["line"], m["model"]) for m in data["models"]["sqlalchemy"]}
    assert ("app/models/user.py", 4, "User") in models
    assert ("app/models/article.py", 4, "Article") in models


def test_flask_sqlalchemy_app_passes(make_project: MakeProject) -> None:
    files = {
        "requirements.txt": "flask==3.0.3\nflask-sqlalchemy==3.1.1\n",
        "app/__init__.py": src(
            """
            from flask import Flask
            from flask_sqlalchemy import SQLAlchemy

            app = Flask(__name__)
            app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///conduit.db"
            db = SQLAlchemy(app)


            class User(db.Model):
                id = db.Column(db.Integer, primary_key=True)
                email = db.Column(db.String(255), unique=True)


            @app.get("/api/users")
            def users():
                return [u.email for u in db.session.scalars(db.select(User))]
            """
        ),
    }
    report = check(make_project, files, "sqlite+sqlalchemy")
    assert orm_findings(report) == []
    assert report["verdicts"]["orm"]["status"] == "pass"
    assert {"file": "app/__init__.py", "line": 9, "model": "User"} in report["orm"]["models"]["sqlalchemy"]


@pytest.mark.parametrize(
    ("files", "path", "line", "sink"),
    [
        pytest.param(
            {
                "app/db.py": 'from sqlalchemy import create_engine\n\nengine = create_engine("sqlite:///app.db")\n',
                "app/repositories/users.py": src(
                    """
                    from app.db import engine


                    def active_users():
                        with engine.connect() as conn:
                            return conn.exec_driver_sql("SELECT id, email FROM users WHERE active = 1").all()
                    """
                ),
            },
            "app/repositories/users.py",
            6,
            "sqlalchemy exec_driver_sql / raw connection",
            id="python-engine-from-db-module",
        ),
        pytest.param(
            {
                "src/db.js": 'const { Sequelize } = require("sequelize");\n\nconst sequelize = new Sequelize(process.env.DATABASE_URL);\n\nmodule.exports = { sequelize };\n',
                "src/repositories/users.js": src(
                    """
                    const { sequelize } = require("../db");

                    async function activeUsers() {
                      const [rows] = await sequelize.query("SELECT id, email FROM users WHERE active = true");
                      return rows;
                    }

                    module.exports = { activeUsers };
                    """
                ),
            },
            "src/repositories/users.js",
            4,
            "sequelize.query",
            id="node-sequelize-from-db-module",
        ),
        pytest.param(
            {
                "src/db.js": 'const { Pool } = require("pg");\n\nmodule.exports = new Pool({ connectionString: process.env.DATABASE_URL });\n',
                "src/repositories/users.js": src(
                    """
                    const pool = require("../db");

                    async function activeUsers() {
                      const { rows } = await pool.query("SELECT id, email FROM users WHERE active = true");
                      return rows;
                    }

                    module.exports = { activeUsers };
                    """
                ),
            },
            "src/repositories/users.js",
            4,
            "pg query",
            id="node-pool-default-export",
        ),
    ],
)
def test_sink_reached_through_another_module(
    make_project: MakeProject, files: dict[str, str | bytes], path: str, line: int, sink: str
) -> None:
    assert_statement(one_raw(orm(make_project, files)), path, line, sink, ["users"])


def test_sequelize_cli_model_factory_defines_a_model(make_project: MakeProject) -> None:
    source = src(
        """
        "use strict";

        module.exports = (sequelize, DataTypes) => {
          const User = sequelize.define("User", { email: DataTypes.STRING }, { tableName: "users" });
          return User;
        };
        """
    )
    files = {
        "src/models/user.js": source,
        "src/models/index.js": 'const Sequelize = require("sequelize");\n\nmodule.exports = { Sequelize };\n',
    }
    data = orm(make_project, files)
    assert data["libraries"] == ["sequelize"]
    assert any(m["file"] == "src/models/user.js" and m["line"] == 4 for m in data["models"]["sequelize"])


def test_orm_only_in_migrations_is_missing(make_project: MakeProject) -> None:
    """SQLAlchemy imported by the Alembic migrations only; the app itself runs raw SQL through sqlite3."""
    files = {
        "migrations/env.py": "from sqlalchemy import engine_from_config\n\nconfig = None\n",
        "migrations/versions/0001_init.py": "import sqlalchemy as sa\nfrom alembic import op\n\n\ndef upgrade():\n    op.create_table('users', sa.Column('id', sa.Integer, primary_key=True))\n",
        "app/repositories/stats.py": src(
            """
            import sqlite3


            def user_count() -> int:
                with sqlite3.connect("conduit.db") as conn:
                    return conn.execute("SELECT count(*) FROM users").fetchone()[0]
            """
        ),
    }
    report = check(make_project, files, "sqlite+sqlalchemy")
    assert orm_findings(report) == [
        ("ORM001", "error", "app/repositories/stats.py", 6),
        ("ORM002", "error", ".", 0),
        ("ORM003", "error", "app/repositories/stats.py", 1),
    ]
    assert report["orm"]["libraries"] == ["sqlite3"]


def test_orm_json_keys(make_project: MakeProject) -> None:
    data = orm(make_project, {**SQLALCHEMY_APP, "app/repositories/stats.py": SQLALCHEMY_RAW_FALLBACK})
    assert list(data) == ["libraries", "kinds", "models", "raw_sql", "fragments"]
    item = one_raw(data)
    assert set(item) == {"file", "line", "api", "sql", "kind", "statement", "tables", "scope"}
    assert item["sql"] == "SELECT count(*) FROM users WHERE active = 1"


def test_assigned_sql_is_looked_up_in_its_own_function(make_project: MakeProject) -> None:
    """`query` assigned in one function is not the `query` parameter of another: that one is dynamic."""
    source = src(
        """
        import sqlite3

        conn = sqlite3.connect("app.db")


        def ping():
            query = "SELECT 1"
            return conn.execute(query).fetchone()


        def run(query, params):
            return conn.execute(query, params).fetchall()
        """
    )
    data = orm(make_project, {"app/repositories/users.py": source})
    items = {item["line"]: item for item in data["raw_sql"]}
    assert sorted(items) == [8, 12]
    assert (items[8]["kind"], items[8].get("purpose")) == ("trivial", "health check")
    assert (items[12]["kind"], items[12]["sql"], items[12].get("purpose")) == ("dynamic", "query", None)


# -- hand-written .sql files run by aiosql ----------------------------------------------------------------

AIOSQL_APP = {
    "app/db/queries.py": 'import aiosql\n\nqueries = aiosql.from_path("app/db/sql", "asyncpg")\n',
    "app/db/sql/users.sql": (
        "-- name: get-user-by-email^\n"
        "SELECT id, username\n"
        "FROM users\n"
        "WHERE email = :email;\n"
        "\n"
        "-- name: create-user<!\n"
        "INSERT INTO users (username, email) VALUES (:username, :email) RETURNING id;\n"
    ),
    "migrations/0001.sql": "CREATE TABLE users (id serial primary key);\n",
}


def test_aiosql_files_are_raw_sql(make_project: MakeProject) -> None:
    data = orm(make_project, AIOSQL_APP)
    assert "aiosql" in data["libraries"]
    rows = [
        (r["file"], r["line"], r["api"], r["statement"], r["tables"], r["scope"]) for r in data["raw_sql"]
    ]
    assert rows == [
        ("app/db/sql/users.sql", 2, "aiosql query get-user-by-email^", "SELECT", ["users"], "application"),
        ("app/db/sql/users.sql", 7, "aiosql query create-user<!", "INSERT", ["users"], "application"),
    ]


def test_sql_files_are_not_raw_sql_without_a_loader(make_project: MakeProject) -> None:
    """A schema.sql shipped for documentation or docker-entrypoint is not the application's data access."""
    files = {**AIOSQL_APP, "app/db/queries.py": "QUERIES = 'app/db/sql'\n"}
    assert orm(make_project, files)["raw_sql"] == []


# -- table names keep their case ----------------------------------------------------------------------


def test_quoted_table_names_keep_their_case(make_project: MakeProject) -> None:
    """Sequelize names the table of a `User` model `"Users"`: the finding names `Users`, not `users`."""
    source = src(
        """
        const { Sequelize } = require("sequelize");

        const sequelize = new Sequelize(process.env.DATABASE_URL);

        async function recent() {
          return sequelize.query('SELECT "u"."id" FROM "Users" AS "u" JOIN "ArticleTags" ON true');
        }

        module.exports = { recent };
        """
    )
    item = one_raw(orm(make_project, {"src/repositories/users.js": source}))
    assert_statement(item, "src/repositories/users.js", 6, "sequelize.query", ["Users", "ArticleTags"])


# -- SQL handed to a project helper that runs it --------------------------------------------------------

KILL_YOUR_SELFIE_DATABASE = src(
    """
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy import text as sql_txt

    db = SQLAlchemy()


    def get_sql_data(query):
        \"\"\"get data from raw SQL query\"\"\"
        return db.session.execute(sql_txt(query)).fetchall()
    """
)


def _rows(data: dict[str, Any], key: str = "raw_sql") -> list[tuple[Any, ...]]:
    return [
        (i["file"], i["line"], i["kind"], i["statement"], i["tables"], i["api"], i.get("via", ""))
        for i in data[key]
    ]


def test_python_helper_across_modules_is_reported_at_each_caller(make_project: MakeProject) -> None:
    """kill-your-selfie: `stats.py` hands literal statements to `database.get_sql_data`, which runs them
    with `text()`: each caller is a statement on its tables, and the helper's own dynamic SQL is gone."""
    stats = src(
        '''
        from . import database


        def weekly():
            return database.get_sql_data(
                """SELECT DATE_TRUNC('day', time)::date AS day, COUNT(time) AS amount
                FROM occurrence GROUP BY 1"""
            )


        def locations():
            return database.get_sql_data('SELECT l.label FROM "location" l JOIN "Occurrence" o ON o.id = l.id')
        '''
    )
    files = {"app/__init__.py": "", "app/database.py": KILL_YOUR_SELFIE_DATABASE, "app/stats.py": stats}
    data = orm(make_project, files)
    via = "get_sql_data (app/database.py:9)"
    assert _rows(data) == [
        ("app/stats.py", 5, "statement", "SELECT", ["occurrence"], "sqlalchemy.text", via),
        ("app/stats.py", 12, "statement", "SELECT", ["location", "Occurrence"], "sqlalchemy.text", via),
    ]
    assert data["fragments"] == []
    report = check(make_project, files, "sqlite+sqlalchemy")
    assert [f["line"] for f in report["findings"] if f["rule"] == "ORM001"] == [5, 12]
    orm001 = next(f for f in report["findings"] if f["rule"] == "ORM001")
    assert orm001["via"] == via
    assert f"through sqlalchemy.text via {via}" in orm001["message"]


@pytest.mark.parametrize(
    "spelling",
    ["from app import database", "from app.database import get_sql_data", "import app.database as database"],
)
def test_python_helper_import_spellings(make_project: MakeProject, spelling: str) -> None:
    call = "get_sql_data" if "import get_sql_data" in spelling else "database.get_sql_data"
    stats = f'{spelling}\n\n\ndef weekly():\n    return {call}("SELECT * FROM occurrence")\n'
    files = {"app/__init__.py": "", "app/database.py": KILL_YOUR_SELFIE_DATABASE, "app/stats.py": stats}
    assert_statement(
        one_raw(orm(make_project, files)) | {"via": ""}, "app/stats.py", 5, "sqlalchemy.text", ["occurrence"]
    )


def test_python_helper_in_the_same_module(make_project: MakeProject) -> None:
    """A helper called in its own module, positionally and by keyword; its SQL parameter need not be the
    first; a helper of a helper is followed; a function whose parameter reaches no sink is no helper."""
    source = src(
        """
        import sqlite3

        conn = sqlite3.connect("app.db")


        def query(params, sql, one=False):
            cur = conn.execute(sql, params)
            return cur.fetchone() if one else cur.fetchall()


        def fetch_all(statement):
            return query((), statement)


        def log(sql):
            print(sql)


        def users():
            log("SELECT * FROM audit")
            query((1,), "SELECT * FROM users WHERE id = ?", one=True)
            query((), sql="DELETE FROM sessions")
            return fetch_all("SELECT * FROM articles")
        """
    )
    data = orm(make_project, {"app/repositories/users.py": source})
    path = "app/repositories/users.py"
    assert _rows(data) == [
        (path, 21, "statement", "SELECT", ["users"], "DB-API cursor / connection", f"query ({path}:7)"),
        (path, 22, "statement", "DELETE", ["sessions"], "DB-API cursor / connection", f"query ({path}:7)"),
        (
            path,
            23,
            "statement",
            "SELECT",
            ["articles"],
            "DB-API cursor / connection",
            f"fetch_all ({path}:12) → query ({path}:7)",
        ),
    ]


def test_python_helper_returning_the_cursor_takes_its_sql_from_the_right_argument(
    make_project: MakeProject,
) -> None:
    """`run` returns `conn.execute(…)`, so its calls also trace as `execute` calls; the statement is its
    second argument, not the parameters tuple in front."""
    source = src(
        """
        import sqlite3

        conn = sqlite3.connect("app.db")


        def run(params, sql):
            return conn.execute(sql, params)


        def user(user_id):
            return run((user_id,), "SELECT * FROM users WHERE id = ?").fetchone()
        """
    )
    item = one_raw(orm(make_project, {"app/repositories/users.py": source}))
    assert_statement(
        item | {"via": ""}, "app/repositories/users.py", 11, "DB-API cursor / connection", ["users"]
    )
    assert item["via"] == "run (app/repositories/users.py:7)"


def test_statement_built_from_a_parameter_is_no_helper(make_project: MakeProject) -> None:
    """`sql` is assigned here; the parameter only fills a hole: the statement is reported where it is."""
    source = src(
        """
        import sqlite3

        conn = sqlite3.connect("app.db")


        def count(table):
            sql = "SELECT count(*) FROM {}"
            return conn.execute(sql.format(table)).fetchone()


        def users():
            return count("users")
        """
    )
    item = one_raw(orm(make_project, {"app/repositories/stats.py": source}))
    assert (item["line"], item["sql"], "via" in item) == (8, "SELECT count(*) FROM {}", False)


def test_python_helper_method_called_on_self(make_project: MakeProject) -> None:
    source = src(
        """
        import sqlite3


        class UserRepository:
            def __init__(self):
                self.conn = sqlite3.connect("app.db")

            def _run(self, sql, *params):
                return self.conn.execute(sql, params).fetchall()

            def active(self):
                return self._run("SELECT id FROM users WHERE active = 1")
        """
    )
    item = one_raw(orm(make_project, {"app/repositories/users.py": source}))
    assert_statement(
        item | {"via": ""}, "app/repositories/users.py", 12, "DB-API cursor / connection", ["users"]
    )
    assert item["via"] == "_run (app/repositories/users.py:9)"


def test_helper_with_unknown_callers_is_dynamic_at_those_callers(make_project: MakeProject) -> None:
    """A caller handing over SQL cdverify cannot read is dynamic SQL at that caller (as a direct call of
    the sink would be); the helper's own finding is not reported besides."""
    stats = src(
        """
        from app import database
        from app.reports import REPORT_SQL


        def weekly():
            return database.get_sql_data("SELECT * FROM occurrence")


        def report():
            return database.get_sql_data(REPORT_SQL)
        """
    )
    files = {"app/__init__.py": "", "app/database.py": KILL_YOUR_SELFIE_DATABASE, "app/stats.py": stats}
    rows = [(i["file"], i["line"], i["kind"], i["sql"]) for i in orm(make_project, files)["raw_sql"]]
    assert rows == [
        ("app/stats.py", 6, "statement", "SELECT * FROM occurrence"),
        ("app/stats.py", 10, "dynamic", "REPORT_SQL"),
    ]


def test_helper_without_callers_keeps_its_dynamic_finding(make_project: MakeProject) -> None:
    """wxhou/bookmanage: `def raw_sql(_sql): return db.engine.execute(text(_sql))`, never called."""
    files = {"app/__init__.py": "", "app/database.py": KILL_YOUR_SELFIE_DATABASE}
    item = one_raw(orm(make_project, files))
    assert (item["file"], item["line"], item["kind"], item["sql"]) == (
        "app/database.py",
        9,
        "dynamic",
        "query",
    )
    assert "via" not in item


NODE_PG_HELPER = src(
    """
    const { Pool } = require("pg");

    const pool = new Pool({ connectionString: process.env.DATABASE_URL });

    module.exports = {
      query: (text, params) => pool.query(text, params),
    };
    """
)


@pytest.mark.parametrize(
    ("helper", "caller"),
    [
        pytest.param(
            NODE_PG_HELPER,
            'const db = require("../db");\n\nasync function find(id) {\n  return db.query("SELECT * FROM users WHERE id = $1", [id]);\n}\n\nmodule.exports = { find };\n',
            id="require-object-literal",
        ),
        pytest.param(
            'import pg from "pg";\n\nconst pool = new pg.Pool();\n\nexport async function query(text: string, params?: unknown[]) {\n  const result = await pool.query(text, params);\n  return result.rows;\n}\n',
            'import { query } from "../db";\n\nexport async function find(id: number) {\n  return query("SELECT * FROM users WHERE id = $1", [id]);\n}\n',
            id="esm-named-function",
        ),
        pytest.param(
            'const { Pool } = require("pg");\n\nconst pool = new Pool();\n\nexports.query = function (text, params) {\n  return pool.query(text, params);\n};\n',
            'const { query } = require("../db");\n\nasync function find(id) {\n  return query("SELECT * FROM users WHERE id = $1", [id]);\n}\n\nmodule.exports = { find };\n',
            id="exports-property",
        ),
        pytest.param(
            'const { Pool } = require("pg");\n\nconst pool = new Pool();\n\nmodule.exports = async (sql, params) => {\n  return (await pool.query(sql, params)).rows;\n};\n',
            'const run = require("../db");\n\nasync function find(id) {\n  return run("SELECT * FROM users WHERE id = $1", [id]);\n}\n\nmodule.exports = { find };\n',
            id="default-export",
        ),
    ],
)
def test_node_helper_across_modules(make_project: MakeProject, helper: str, caller: str) -> None:
    ext = "ts" if "import " in caller else "js"
    data = orm(make_project, {f"src/db.{ext}": helper, f"src/repositories/users.{ext}": caller})
    item = one_raw(data)
    assert_statement(item | {"via": ""}, f"src/repositories/users.{ext}", 4, "pg query", ["users"])
    assert item["via"].startswith(("query (src/db.", "default (src/db."))


def test_node_helper_in_the_same_module_and_class(make_project: MakeProject) -> None:
    source = src(
        """
        const mysql = require("mysql2/promise");

        const pool = mysql.createPool(process.env.DATABASE_URL);

        async function run(sql, values) {
          const [rows] = await pool.query(sql, values);
          return rows;
        }

        class Users {
          exec(sql) {
            return run(sql, []);
          }

          active() {
            return this.exec("SELECT * FROM users WHERE active = 1");
          }
        }

        const tags = () => run("SELECT name FROM tags");

        module.exports = { Users, tags };
        """
    )
    path = "src/repositories/users.js"
    data = orm(make_project, {path: source})
    sink = "mysql / mysql2 / mariadb"
    assert _rows(data) == [
        (path, 16, "statement", "SELECT", ["users"], sink, f"exec ({path}:12) → run ({path}:6)"),
        (path, 20, "statement", "SELECT", ["tags"], sink, f"run ({path}:6)"),
    ]


def test_helper_of_a_query_builder_piece_is_a_fragment(make_project: MakeProject) -> None:
    db = 'const knex = require("knex");\n\nmodule.exports = knex({ client: "pg", connection: process.env.DATABASE_URL });\n'
    source = src(
        """
        const db = require("../db");

        function matching(condition, values) {
          return db("articles").whereRaw(condition, values);
        }

        module.exports = { byTitle: (t) => matching("lower(title) = lower(?)", [t]) };
        """
    )
    data = orm(make_project, {"src/db.js": db, "src/repositories/articles.js": source})
    assert _rows(data, "fragments") == [
        (
            "src/repositories/articles.js",
            7,
            "fragment",
            "",
            [],
            "knex *Raw builders",
            "matching (src/repositories/articles.js:4)",
        )
    ]
    assert data["raw_sql"] == []


# -- helper methods called on an instance (or the class) from another module -----------------------------

PY_DATABASE_CLASS = src(
    """
    import sqlite3


    class Database:
        def __init__(self, path="app.db"):
            self.conn = sqlite3.connect(path)

        def query(self, sql, params=()):
            return self.conn.execute(sql, params).fetchall()

        @staticmethod
        def script(sql):
            return sqlite3.connect("app.db").executescript(sql)

        def get(self, key):
            return self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()


    db = Database()
    """
)


def test_python_helper_method_on_an_instance_from_another_module(make_project: MakeProject) -> None:
    """`db = Database()` (or the module's own `db`, or `self.db = Database()`), then `db.query("SELECT …")`:
    each caller's statement is reported at the caller with `via`, and the method's own dynamic finding
    is gone. A static method is called on the class. Prose handed to the helper is no SQL."""
    source = src(
        """
        from app import db as database
        from app.db import Database, db


        class UserRepository:
            def __init__(self):
                self.db = Database()

            def active(self):
                return self.db.query("SELECT id FROM users WHERE active = 1")

            def count(self):
                return db.query("SELECT count(*) FROM users")

            def purge(self):
                return database.db.query("DELETE FROM sessions WHERE expired = 1")

            def articles(self):
                local = Database("other.db")
                return local.query("SELECT * FROM articles WHERE id = ?", (1,))

            def schema(self):
                return Database.script("CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT)")

            def greeting(self):
                return db.query("hello world")
        """
    )
    files = {
        "app/__init__.py": "",
        "app/db.py": PY_DATABASE_CLASS,
        "app/repositories/__init__.py": "",
        "app/repositories/users.py": source,
    }
    data = orm(make_project, files)
    path, api = "app/repositories/users.py", "DB-API cursor / connection"
    query, script = "query (app/db.py:9)", "script (app/db.py:13)"
    assert _rows(data) == [
        ("app/db.py", 16, "statement", "SELECT", ["settings"], api, ""),
        (path, 10, "statement", "SELECT", ["users"], api, query),
        (path, 13, "statement", "SELECT", ["users"], api, query),
        (path, 16, "statement", "DELETE", ["sessions"], api, query),
        (path, 20, "statement", "SELECT", ["articles"], api, query),
        (path, 23, "statement", "CREATE TABLE", ["tags"], api, script),
    ]
    assert data["fragments"] == []
    report = check(make_project, files, "sqlite+sqlalchemy")
    orm001 = [f for f in report["findings"] if f["rule"] == "ORM001" and f["file"] == path]
    assert [(f["line"], f["via"]) for f in orm001] == [
        (10, query),
        (13, query),
        (16, query),
        (20, query),
        (23, script),
    ]


def test_python_helper_method_on_an_instance_of_its_own_module(make_project: MakeProject) -> None:
    """The module that defines the class makes the instance and calls it with a statement
    (`db.query("SELECT …")`)."""
    source = PY_DATABASE_CLASS + src(
        """
        def active_users():
            return db.query("SELECT id FROM users WHERE active = 1")
        """
    )
    data = orm(make_project, {"app/__init__.py": "", "app/db.py": source})
    api = "DB-API cursor / connection"
    assert _rows(data) == [
        ("app/db.py", 13, "dynamic", "", [], api, ""),  # `script`, never called
        ("app/db.py", 16, "statement", "SELECT", ["settings"], api, ""),
        ("app/db.py", 21, "statement", "SELECT", ["users"], api, "query (app/db.py:9)"),
    ]


def test_python_method_of_a_class_that_runs_no_sql_is_no_helper(make_project: MakeProject) -> None:
    """A method of the same name on another class (`Cache.query`) is no helper: its callers hand over
    no SQL; a helper method never called keeps its own dynamic finding."""
    cache = src(
        """
        class Cache:
            def __init__(self):
                self.store = {}

            def query(self, key):
                return self.store.get(key)


        cache = Cache()
        """
    )
    source = src(
        """
        from app.cache import cache


        def cached_users():
            return cache.query("SELECT id FROM users")
        """
    )
    files = {
        "app/__init__.py": "",
        "app/cache.py": cache,
        "app/db.py": PY_DATABASE_CLASS,
        "app/users.py": source,
    }
    data = orm(make_project, files)
    api = "DB-API cursor / connection"
    assert _rows(data) == [
        ("app/db.py", 9, "dynamic", "", [], api, ""),
        ("app/db.py", 13, "dynamic", "", [], api, ""),
        ("app/db.py", 16, "statement", "SELECT", ["settings"], api, ""),
    ]


NODE_DB_CLASS = src(
    """
    const { Pool } = require("pg");

    class Db {
      constructor() {
        this.pool = new Pool({ connectionString: process.env.DATABASE_URL });
      }

      query(sql, params) {
        return this.pool.query(sql, params);
      }
    }

    module.exports = new Db();
    """
)
TS_DB_CLASS = src(
    """
    import { Pool } from "pg";

    const pool = new Pool();

    export class Db {
      async query(text: string, values: unknown[] = []) {
        const { rows } = await pool.query(text, values);
        return rows;
      }

      static async one(text: string) {
        return (await pool.query(text)).rows[0];
      }
    }

    EXPORT
    """
)


@pytest.mark.parametrize(
    ("helper", "caller", "via"),
    [
        pytest.param(
            NODE_DB_CLASS,
            'const db = require("../db");\n\nasync function find(id) {\n  return db.query("SELECT * FROM users WHERE id = $1", [id]);\n}\n\nmodule.exports = { find };\n',
            "query (src/db.js:9)",
            id="module-exports-new",
        ),
        pytest.param(
            TS_DB_CLASS.replace("EXPORT", "export const db = new Db();"),
            'import { db } from "../db";\n\nexport async function find(id: number) {\n  return db.query("SELECT * FROM users WHERE id = $1", [id]);\n}\n',
            "query (src/db.ts:7)",
            id="export-const-new",
        ),
        pytest.param(
            TS_DB_CLASS.replace("EXPORT", "export default new Db();"),
            'import db from "../db";\n\nexport async function find(id: number) {\n  return db.query("SELECT * FROM users WHERE id = $1", [id]);\n}\n',
            "query (src/db.ts:7)",
            id="export-default-new",
        ),
        pytest.param(
            TS_DB_CLASS.replace("EXPORT", "const db = new Db();\n\nexport default db;"),
            'import db from "../db";\n\nexport async function find(id: number) {\n  return db.query("SELECT * FROM users WHERE id = $1", [id]);\n}\n',
            "query (src/db.ts:7)",
            id="export-default-name",
        ),
        pytest.param(
            TS_DB_CLASS.replace("EXPORT", ""),
            'import { Db } from "../db";\n\nconst db = new Db();\nexport async function find(id: number) {\n  return db.query("SELECT * FROM users WHERE id = $1", [id]);\n}\n',
            "query (src/db.ts:7)",
            id="named-class",
        ),
        pytest.param(
            TS_DB_CLASS.replace("export class Db", "export default class Db").replace("EXPORT", ""),
            'import Db from "../db";\n\nexport class Users {\n  constructor() {\n    this.db = new Db();\n  }\n  find(id: number) {\n    return this.db.query("SELECT * FROM users WHERE id = $1", [id]);\n  }\n}\n',
            "query (src/db.ts:7)",
            id="default-class-this-property",
        ),
        pytest.param(
            TS_DB_CLASS.replace("EXPORT", ""),
            'import { Db } from "../db";\n\nexport async function find(id: number) {\n  return Db.one("SELECT * FROM users WHERE id = $1");\n}\n',
            "one (src/db.ts:12)",
            id="static-method",
        ),
        pytest.param(
            'import { Pool } from "pg";\n\nexport class Db {\n  private readonly pool = new Pool();\n\n  query(text: string) {\n    return this.pool.query(text);\n  }\n}\n\nexport default new Db();\n',
            'import db from "../db";\n\nexport async function find(id: number) {\n  return db.query("SELECT * FROM users WHERE id = 1");\n}\n',
            "query (src/db.ts:7)",
            id="class-field",
        ),
        pytest.param(
            'import { Injectable } from "@nestjs/common";\nimport { Pool } from "pg";\n\n@Injectable()\nexport class Db {\n  private readonly pool = new Pool();\n\n  query(text: string, params: unknown[] = []) {\n    return this.pool.query(text, params);\n  }\n}\n',
            'import { Injectable } from "@nestjs/common";\nimport { Db } from "../db";\n\n@Injectable()\nexport class UsersService {\n  constructor(private readonly db: Db) {}\n\n  find(id: number) {\n    return this.db.query("SELECT * FROM users WHERE id = $1", [id]);\n  }\n}\n',
            "query (src/db.ts:9)",
            id="nest-injected-service",
        ),
    ],
)
def test_node_helper_method_on_an_instance_from_another_module(
    make_project: MakeProject, helper: str, caller: str, via: str
) -> None:
    ext = "ts" if "import " in caller else "js"
    data = orm(make_project, {f"src/db.{ext}": helper, f"src/repositories/users.{ext}": caller})
    mine = [i for i in data["raw_sql"] if i["file"] == f"src/repositories/users.{ext}"]
    assert len(mine) == 1, data["raw_sql"]
    line = line_of(caller, "SELECT")
    assert_statement(mine[0] | {"via": ""}, f"src/repositories/users.{ext}", line, "pg query", ["users"])
    assert mine[0]["via"] == via
    # the method called keeps no finding of its own; one never called (`one`, `query`) does
    own = [(i["line"], i["kind"]) for i in data["raw_sql"] if i["file"] == f"src/db.{ext}"]
    assert all(kind == "dynamic" for _, kind in own), own
    assert int(via.rsplit(":", 1)[1].rstrip(")")) not in [line for line, _ in own]


def test_node_method_that_runs_no_sql_is_no_helper(make_project: MakeProject) -> None:
    """`cache.get("SELECT …")` on an instance whose `get` runs nothing: no SQL is reported."""
    cache = "class Cache {\n  get(key) {\n    return this.map.get(key);\n  }\n}\n\nmodule.exports = new Cache();\n"
    caller = (
        'const cache = require("../cache");\n\nmodule.exports = () => cache.get("SELECT * FROM users");\n'
    )
    data = orm(
        make_project, {"src/cache.js": cache, "src/db.js": NODE_DB_CLASS, "src/repositories/users.js": caller}
    )
    assert [(i["file"], i["line"], i["kind"]) for i in data["raw_sql"]] == [("src/db.js", 9, "dynamic")]


# -- TypeORM QueryBuilder strings ----------------------------------------------------------------------

TYPEORM_DATA_SOURCE = src(
    """
    import { DataSource } from "typeorm";
    import { User } from "./entities/user";

    export const AppDataSource = new DataSource({ type: "postgres", url: process.env.DATABASE_URL, entities: [User] });
    """
)


def test_typeorm_query_builder_strings_are_fragments(make_project: MakeProject) -> None:
    """lujakob/nestjs-realworld-example-app: `.where("user.username = :username", { username })` on
    `getRepository(X).createQueryBuilder(…)`, kept in a variable, reported at the `.where` line."""
    source = src(
        """
        import { getRepository } from "typeorm";
        import { AppDataSource } from "../data-source";
        import { User } from "../entities/user";

        export async function search(username: string, tag?: string) {
          const qb = await getRepository(User)
            .createQueryBuilder("user")
            .leftJoinAndSelect("user.articles", "article", "article.published = :published", { published: true })
            .where("user.username = :username", { username })
            .orWhere("1 = 1");
          if (tag) {
            qb.andWhere("article.tagList LIKE :tag", { tag: `%${tag}%` });
          }
          qb.orderBy("LOWER(user.username)", "ASC").addOrderBy("user.id");
          const counts = await AppDataSource.createQueryBuilder()
            .select("user.id")
            .addSelect("COUNT(article.id)", "articles")
            .from(User, "user")
            .groupBy("user.id")
            .having("COUNT(article.id) > :n", { n: 1 })
            .getRawMany();
          const repo = AppDataSource.getRepository(User);
          await repo.createQueryBuilder("u").update().set({ bio: "" }).where(`u.id IN (${counts.length})`).execute();
          return qb.getMany();
        }
        """
    )
    data = orm(
        make_project,
        {"src/data-source.ts": TYPEORM_DATA_SOURCE, "src/repositories/users.ts": source},
    )
    assert data["raw_sql"] == []
    rows = [(i["line"], i["api"].removeprefix("TypeORM QueryBuilder "), i["sql"]) for i in data["fragments"]]
    assert rows == [
        (8, "join condition", "article.published = :published"),
        (9, "condition", "user.username = :username"),
        (10, "condition", "1 = 1"),
        (12, "condition", "article.tagList LIKE :tag"),
        (14, "expression", "LOWER(user.username)"),
        (17, "expression", "COUNT(article.id)"),
        (20, "condition", "COUNT(article.id) > :n"),
        (23, "condition", "u.id IN ({…})"),
    ]


def test_typeorm_query_builder_of_an_injected_repository(make_project: MakeProject) -> None:
    """NestJS: `@InjectRepository(User) private readonly users: Repository<User>`, then
    `this.users.createQueryBuilder("user").where(…)`; a constructor parameter that is no property
    (no `private` / `readonly`) is not `this.<name>`."""
    source = src(
        """
        import { Injectable } from "@nestjs/common";
        import { InjectRepository } from "@nestjs/typeorm";
        import { Repository } from "typeorm";
        import { User } from "./user.entity";

        @Injectable()
        export class UsersService {
          constructor(
            @InjectRepository(User) private readonly users: Repository<User>,
            other: Repository<User>,
          ) {}

          byName(name: string) {
            this.other.createQueryBuilder("u").where("u.name = :name", { name });
            return this.users.createQueryBuilder("user").where("user.name = :name", { name }).getOne();
          }
        }
        """
    )
    item = one_fragment(orm(make_project, {"src/users/users.service.ts": source}))
    assert (item["line"], item["api"], item["sql"]) == (
        15,
        "TypeORM QueryBuilder condition",
        "user.name = :name",
    )


def test_typeorm_custom_repository_this_is_the_repository(make_project: MakeProject) -> None:
    """`@EntityRepository(User) class UserRepository extends Repository<User>` (also `AbstractRepository`,
    an Active Record `BaseEntity` in a static method) and `getRepository(User).extend({ … })`: `this` is
    the repository, so its QueryBuilder strings are fragments and `this.query("SELECT …")` is raw SQL. An
    arrow function keeps that `this`; a `function` inside a method, a class extending nothing of
    TypeORM and an object literal that extends nothing do not."""
    source = src(
        """
        import { AbstractRepository, BaseEntity, EntityRepository, Repository } from "typeorm";
        import { EventEmitter } from "events";
        import { AppDataSource } from "../data-source";
        import { User } from "../entities/user";

        @EntityRepository(User)
        export class UserRepository extends Repository<User> {
          findByName(name: string) {
            return this.createQueryBuilder("user").where("user.name = :name", { name }).getMany();
          }

          countActive() {
            return this.query("SELECT count(*) FROM users WHERE active = true");
          }

          older(age: number) {
            const build = () => this.createQueryBuilder("u").andWhere("u.age > :age", { age });
            return build().getMany();
          }

          callbacks() {
            return [1].map(function () {
              return this.createQueryBuilder("x").where("x.id = 1");
            });
          }
        }

        @EntityRepository(User)
        export class UserReader extends AbstractRepository<User> {
          sorted() {
            return this.createQueryBuilder("user").orderBy("LOWER(user.name)").getMany();
          }

          purge() {
            return this.manager.query("DELETE FROM sessions WHERE expired = true");
          }
        }

        export const ExtendedUsers = AppDataSource.getRepository(User).extend({
          findByFirstName(firstName: string) {
            return this.createQueryBuilder("user").where("user.firstName = :firstName", { firstName }).getMany();
          },
          total: function () {
            return this.query("SELECT count(*) FROM users");
          },
        });

        export class Photo extends BaseEntity {
          static recent() {
            return this.createQueryBuilder("photo").where("photo.created > now() - interval '1 day'").getMany();
          }
        }

        export class Events extends EventEmitter {
          filtered() {
            return this.createQueryBuilder("e").where("e.kind = 1");
          }
        }

        export const plain = {
          list() {
            return this.createQueryBuilder("p").where("p.kind = 1");
          },
        };
        """
    )
    data = orm(make_project, {"src/data-source.ts": TYPEORM_DATA_SOURCE, "src/repositories/users.ts": source})
    assert [(i["line"], i["api"], i["statement"], i["tables"]) for i in data["raw_sql"]] == [
        (13, "TypeORM query", "SELECT", ["users"]),
        (35, "TypeORM query", "DELETE", ["sessions"]),
        (44, "TypeORM query", "SELECT", ["users"]),
    ]
    assert [
        (i["line"], i["api"].removeprefix("TypeORM QueryBuilder "), i["sql"]) for i in data["fragments"]
    ] == [
        (9, "condition", "user.name = :name"),
        (17, "condition", "u.age > :age"),
        (31, "expression", "LOWER(user.name)"),
        (41, "condition", "user.firstName = :firstName"),
        (50, "condition", "photo.created > now() - interval '1 day'"),
    ]


def test_typeorm_query_builder_column_path_with_a_computed_alias(make_project: MakeProject) -> None:
    """`orderBy(`${this.alias}.createdAt`, "DESC")` names a column (the hole is the alias): no SQL piece;
    a condition built the same way is one."""
    source = src(
        """
        import { EntityRepository, Repository } from "typeorm";
        import { User } from "../entities/user";

        @EntityRepository(User)
        export class UserRepository extends Repository<User> {
          alias = "user";

          recent(id: number) {
            return this.createQueryBuilder(this.alias)
              .orderBy(`${this.alias}.createdAt`, "DESC")
              .where(`${this.alias}.id = :id`, { id });
          }
        }
        """
    )
    item = one_fragment(orm(make_project, {"src/repositories/users.ts": source}))
    assert (item["line"], item["api"], item["sql"]) == (11, "TypeORM QueryBuilder condition", "{…}.id = :id")


def test_typeorm_injected_custom_repository(make_project: MakeProject) -> None:
    """Mel0nHead/languages-vocab-app: a custom repository of the project (`class UserRepository extends
    Repository<User>`) injected as `private readonly userRepository: UserRepository`; its QueryBuilder
    strings are fragments where they are written, in the repository and in the service using it."""
    repository = src(
        """
        import { EntityRepository, Repository } from "typeorm";
        import { User } from "./user.entity";

        @EntityRepository(User)
        export class UserRepository extends Repository<User> {
          withWords(id: number) {
            return this.createQueryBuilder("user").leftJoinAndSelect("user.words", "words").where("user.id = :id", { id }).getOne();
          }
        }
        """
    )
    resolver = src(
        """
        import { Service } from "typedi";
        import { InjectRepository } from "typeorm-typedi-extensions";
        import { UserRepository } from "./user.repository";
        import { Greeter } from "./greeter";

        @Service()
        export class UserResolver {
          constructor(
            @InjectRepository() private readonly userRepository: UserRepository,
            private readonly greeter: Greeter,
          ) {}

          async tests(id: number) {
            this.greeter.where("user.id = 1");
            return this.userRepository.createQueryBuilder("user").where("user.id = :id", { id }).getOne();
          }
        }
        """
    )
    greeter = "export class Greeter {\n  where(text: string) {\n    return text;\n  }\n}\n"
    files = {
        "src/user/user.repository.ts": repository,
        "src/user/user.resolver.ts": resolver,
        "src/user/greeter.ts": greeter,
    }
    data = orm(make_project, files)
    assert data["raw_sql"] == []
    assert [(i["file"], i["line"], i["sql"]) for i in data["fragments"]] == [
        ("src/user/user.repository.ts", 7, "user.id = :id"),
        ("src/user/user.resolver.ts", 15, "user.id = :id"),
    ]


def test_typeorm_where_is_orm004(make_project: MakeProject) -> None:
    source = src(
        """
        import { getRepository } from "typeorm";
        import { User } from "../entities/user";

        export async function byEmail(email: string) {
          return getRepository(User).createQueryBuilder("user").where("user.email = :email", { email }).getOne();
        }
        """
    )
    report = check(make_project, {"src/repositories/users.ts": source}, "postgres")
    assert orm_rules(report) == []
    orm004 = [
        f
        for f in verify(
            make_project({"src/repositories/users.ts": source}), "sqlite+sequelize", use_cache=False
        ).to_json()["findings"]
        if f["rule"] == "ORM004"
    ]
    assert [(f["severity"], f["line"], f["api"], f["sql"]) for f in orm004] == [
        ("warning", 5, "TypeORM QueryBuilder condition", "user.email = :email")
    ]


# -- knex through another module, a parameter and a transaction -----------------------------------------

KNEX_DB = src(
    """
    const knex = require("knex");

    module.exports = knex({ client: "pg", connection: process.env.DATABASE_URL });
    """
)


def test_knex_raw_piece_is_a_fragment_and_a_statement_is_raw_sql(make_project: MakeProject) -> None:
    source = src(
        """
        const knex = require("knex")({ client: "sqlite3", connection: { filename: "app.sqlite" } });

        async function tags() {
          await knex.raw("PRAGMA foreign_keys = ON");
          return knex("tags").select(knex.raw("group_concat(distinct name) as names"));
        }

        module.exports = { tags };
        """
    )
    data = orm(make_project, {"src/repositories/tags.js": source})
    assert [(i["line"], i["kind"], i.get("purpose")) for i in data["raw_sql"]] == [
        (4, "trivial", "bootstrap")
    ]
    item = one_fragment(data | {"raw_sql": []})
    assert (item["line"], item["api"], item["sql"]) == (5, "knex raw", "group_concat(distinct name) as names")


def test_knex_raw_binding_alone_is_no_fragment(make_project: MakeProject) -> None:
    """kenyipp/realworld-nodejs-example-app: `knex.raw("?", [userId])` in a join condition binds a value
    (and `knex.raw("??", ["name"])` an identifier): no SQL is written; a real piece still is one."""
    source = src(
        """
        const knex = require("knex")({ client: "pg" });

        function feed(userId) {
          return knex("articles")
            .select({ following: knex.raw("(CASE WHEN follow_id IS NULL THEN FALSE ELSE TRUE END)") })
            .leftJoin("follows", function () {
              this.on("follows.follower_id", "=", knex.raw("?", [userId]));
              this.on(knex.raw("??", ["follows.article_id"]), "=", "articles.id");
            });
        }

        module.exports = { feed };
        """
    )
    item = one_fragment(orm(make_project, {"src/repositories/feed.js": source}))
    assert (item["line"], item["sql"]) == (5, "(CASE WHEN follow_id IS NULL THEN FALSE ELSE TRUE END)")


def test_knex_instance_from_another_module(make_project: MakeProject) -> None:
    """avanelli/fastify-realworld-example-app style: the knex instance comes from another module, is
    called (`db("users")`), handed to a transaction callback, or reached through a barrel."""
    source = src(
        """
        const db = require("../db");
        const { knex } = require("../database");

        async function feed(userId) {
          await db.raw("select * from users where id = ?", [userId]);
          await db.schema.raw("CREATE INDEX IF NOT EXISTS idx_articles_slug ON articles (slug)");
          await db("articles")
            .select(db.raw("count(*) as n"))
            .whereRaw("author_id = ?", [userId]);
          await db.transaction(async (trx) => {
            await trx.raw("DELETE FROM sessions WHERE user_id = ?", [userId]);
            await trx("follows").whereRaw("follower_id = ?", [userId]).del();
          });
          return knex("tags").orderByRaw("lower(name)");
        }

        module.exports = { feed };
        """
    )
    files = {
        "src/db.js": KNEX_DB,
        "src/database/index.js": 'export * from "./knex";\n',
        "src/database/knex.js": 'import Knex from "knex";\n\nexport const knex = Knex({ client: "pg" });\n',
        "src/repositories/feed.js": source,
    }
    data = orm(make_project, files)
    assert [(i["line"], i["statement"], i["tables"]) for i in data["raw_sql"]] == [
        (5, "SELECT", ["users"]),
        (6, "CREATE INDEX", ["articles"]),
        (11, "DELETE", ["sessions"]),
    ]
    assert [(i["line"], i["api"], i["sql"]) for i in data["fragments"]] == [
        (8, "knex raw", "count(*) as n"),
        (9, "knex *Raw builders", "author_id = ?"),
        (12, "knex *Raw builders", "follower_id = ?"),
        (14, "knex *Raw builders", "lower(name)"),
    ]


@pytest.mark.parametrize(
    ("path", "signature"),
    [
        ("lib/models/articles.js", "module.exports = function (knex) {"),
        (
            "src/models/articles.ts",
            'import type { Knex } from "knex";\n\nexport default function (db: Knex) {',
        ),
    ],
)
def test_knex_handed_in_as_a_parameter(make_project: MakeProject, path: str, signature: str) -> None:
    """A model factory given the knex instance (`require("../models/articles")(server.knex)`)."""
    name = "db" if "db: Knex" in signature else "knex"
    source = (
        f"{signature}\n  return {{\n    all: () => {name}('articles')"
        f".select({name}.raw('group_concat(distinct tags.name) as tagList')),\n  }};\n}}\n"
    )
    data = orm(make_project, {path: source})
    item = one_fragment(data)
    assert (item["file"], item["api"], item["sql"]) == (
        path,
        "knex raw",
        "group_concat(distinct tags.name) as tagList",
    )


def test_untraced_parameter_raw_piece_is_not_reported(make_project: MakeProject) -> None:
    """`db.raw(…)` on a parameter of no known kind: only a complete statement would count."""
    source = src(
        """
        module.exports = function (db) {
          return { all: () => db.select(db.raw("count(*) as n")).from("articles") };
        };
        """
    )
    data = orm(make_project, {"lib/models/articles.js": source})
    assert (data["raw_sql"], data["fragments"]) == ([], [])


# -- objects of other project modules, sequelize-cli migrations ---------------------------------------------


def test_complete_statement_on_an_object_of_another_module(make_project: MakeProject) -> None:
    """tgiardina: `connection = await initConnection()` (a project function) then
    `connection.manager.query("INSERT …")`: as on an untraced object, a complete statement counts."""
    helper = 'import { getConnection } from "typeorm";\n\nexport async function initConnection() {\n  return getConnection();\n}\n'
    source = src(
        """
        import { initConnection } from "../utils/init-connection";

        describe("articles", () => {
          let connection;
          before(async () => {
            connection = await initConnection();
            await connection.manager.query(`INSERT INTO tag VALUES(DEFAULT, "${"x"}", DEFAULT)`);
            await connection.manager.query("name = 1");
          });
        });
        """
    )
    data = orm(
        make_project, {"specs/utils/init-connection.ts": helper, "specs/tests/articles.test.ts": source}
    )
    item = one_raw(data)
    assert (item["file"], item["line"], item["statement"], item["tables"], item["scope"]) == (
        "specs/tests/articles.test.ts",
        7,
        "INSERT",
        ["tag"],
        "tests",
    )


def test_sequelize_cli_migration_query(make_project: MakeProject) -> None:
    """CovertIII/realworld-express-sequelize: `up: (queryInterface) => queryInterface.sequelize.query(q)`."""
    source = src(
        """
        module.exports = {
          up: (queryInterface) => {
            const query = `CREATE VIEW "favorite_counts" AS SELECT "articleId", COUNT(*) count FROM favorites GROUP BY "articleId"`;
            return queryInterface.sequelize.query(query);
          },
          down: () => {},
        };
        """
    )
    item = one_raw(orm(make_project, {"api/migrations/0007-favorite-count.js": source}))
    assert (item["line"], item["api"], item["statement"], item["tables"], item["scope"]) == (
        4,
        "sequelize.query",
        "CREATE VIEW",
        ["favorite_counts", "favorites"],
        "migrations",
    )


@pytest.mark.parametrize(
    ("path", "header"),
    [
        pytest.param("migrations/20240101000000-create-users.js", "module.exports = {", id="cjs"),
        pytest.param(
            "src/infra/sequelize/migrations/20190625131808-initial-migration.ts",
            "export default {",
            id="esm-ts",
        ),
    ],
)
def test_sequelize_cli_migration_literal_is_a_fragment_in_migrations(
    make_project: MakeProject, path: str, header: str
) -> None:
    """stemmlerjs/white-label: `up: (queryInterface, Sequelize) => … defaultValue:
    Sequelize.literal('CURRENT_TIMESTAMP')`: the second parameter is the Sequelize class, so the literal
    is a fragment, information in a migration; a column type is none."""
    source = header + src(
        """

          up: async (queryInterface, Sequelize) => {
            await queryInterface.createTable("users", {
              id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true },
              created_at: {
                type: Sequelize.DATE,
                defaultValue: Sequelize.literal("CURRENT_TIMESTAMP"),
              },
            });
          },
          down: (queryInterface) => queryInterface.dropTable("users"),
        };
        """
    )
    files = {**app_for("sqlite+sequelize"), path: source}
    data = orm(make_project, files)
    item = one_fragment(data)
    assert (item["file"], item["line"], item["api"], item["sql"], item["scope"]) == (
        path,
        line_of(source, "literal"),
        "Sequelize.literal",
        "CURRENT_TIMESTAMP",
        "migrations",
    )
    report = check(make_project, files, "sqlite+sequelize")
    assert orm_findings(report) == [("ORM004", "info", path, line_of(source, "literal"))]
    assert finding(report, "ORM004")["message"].startswith(
        "raw SQL inside the query builder (Sequelize.literal) in migrations: "
    )
    assert report["verdicts"]["orm"]["status"] == "pass"


def test_sequelize_cli_migration_without_literal_has_no_fragment(make_project: MakeProject) -> None:
    source = src(
        """
        module.exports = {
          up: (queryInterface, Sequelize) =>
            queryInterface.addColumn("users", "age", { type: Sequelize.INTEGER, defaultValue: Sequelize.NOW }),
          down: (queryInterface) => queryInterface.removeColumn("users", "age"),
        };
        """
    )
    data = orm(make_project, {"migrations/20240101000000-add-age.js": source})
    assert (data["raw_sql"], data["fragments"]) == ([], [])


# -- the facts these checks read -------------------------------------------------------------------------


def test_function_facts_local_calls_and_chain_positions() -> None:
    """Only functions handing a parameter on to a traced call (or to another such function of the file)
    are described, with the file's calls of them; a call is placed at its called name."""
    from cdverify.model import FunctionFact, Language
    from cdverify.parse import parse_source

    python = parse_source(
        "app/db.py",
        Language.PYTHON,
        b"import sqlite3\nconn = sqlite3.connect('x')\n\n"
        b"def query(sql, params=(), *, one=False):\n    return conn.execute(sql, params)\n\n"
        b"def unrelated(a, b):\n    return a + b\n\n"
        b"class Repo:\n    def run(self, s, /, *args):\n        return query(s)\n"
        b"    def active(self):\n        return self.run('SELECT 1'), unrelated(1, 2)\n",
    )
    assert python.functions == (
        FunctionFact("query@4", "query", ("sql", "params", "*", "one")),
        FunctionFact("run@11", "run", ("self", "s", "*"), "Repo"),
    )
    assert [(c.callee, c.line, c.scope) for c in python.local_calls] == [
        ("query", 12, "run@11"),
        ("self.run", 14, "active@13"),
    ]
    node = parse_source(
        "src/db.js",
        Language.JAVASCRIPT,
        b"const knex = require('knex')();\nconst run = async (sql, ...rest) => knex.raw(sql);\n"
        b"module.exports = { query: (text, { values }) => run(text), one(sql) { return 1; } };\n"
        b"knex('a')\n  .where('a', 1)\n  .whereRaw('b = 1');\n",
    )
    assert [(f.scope, f.name, f.params) for f in node.functions] == [
        ("function@3", "query", ("text", "")),  # named by the property it is bound to
        ("run@2", "run", ("sql", "*")),  # an arrow function is named by its variable
    ]
    assert [(c.callee, c.line) for c in node.local_calls] == [("run", 3)]
    where_raw = next(c for c in node.calls if c.callee.endswith(".whereRaw"))
    assert (where_raw.line, where_raw.at) == (4, (6, 4))
    raw = next(c for c in node.calls if c.callee.endswith(".raw"))
    assert raw.at is None  # the called name is on the call's own line


def test_objects_facts_name_module_level_instances_of_helper_classes() -> None:
    """`objects`: module-level instances of the file's classes that have helper methods, by the name
    other modules import them under; a class exported itself as `Name()`; nothing for other classes."""
    from cdverify.model import Language
    from cdverify.parse import parse_source

    python = parse_source(
        "app/db.py",
        Language.PYTHON,
        b"import sqlite3\n\nclass Database:\n    def query(self, sql):\n        return sqlite3.connect('x').execute(sql)\n\n"
        b"class Plain:\n    def get(self, key):\n        return key\n\n"
        b"db = Database()\nplain = Plain()\nalias = Database\n\ndef make():\n    inner = Database()\n",
    )
    assert python.objects == (("db", "Database"),)
    node = parse_source(
        "src/db.ts",
        Language.TYPESCRIPT,
        b'import { Pool } from "pg";\nconst pool = new Pool();\n'
        b"class Db {\n  query(sql: string) { return pool.query(sql); }\n}\n"
        b"class Plain {\n  get(key: string) { return key; }\n}\n"
        b"export const db = new Db();\nconst second = new Db();\nexport { second as replica, Db as Database };\n"
        b"export const plain = new Plain();\nexport default new Db();\nexports.other = new Db();\n"
        b"function make() { const inner = new Db(); return inner; }\n",
    )
    assert node.objects == (
        ("Database()", "Db"),
        ("db", "Db"),
        ("default", "Db"),
        ("other", "Db"),
        ("replica", "Db"),
        ("second", "Db"),
    )
    default_class = parse_source(
        "src/db.js",
        Language.JAVASCRIPT,
        b'const { Pool } = require("pg");\nconst pool = new Pool();\n'
        b"export default class Db {\n  query(sql) { return pool.query(sql); }\n}\n",
    )
    assert default_class.objects == (("default()", "Db"),)
