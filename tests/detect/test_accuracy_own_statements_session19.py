"""Raw SQL that is no SQL handed over (docs/accuracy.md, session 2026-12-07 (19)).

A function returning what a query method returns when it runs a statement the function writes itself
(`return await pool.fetchrow("SELECT … WHERE id = $1", item_id)`) returns rows: it stands for no call, and
what its callers hand it (the pool, an id) is no statement. The statement is reported once, at its sink.
A function handing the query method a parameter as the statement (`return await pool.fetchrow(sql, *args)`)
is a helper: its callers' statements are reported at the callers.

aiopg.sa's connections run SQLAlchemy Core queries: only a string literal handed to them is SQL, so a helper
running what it is handed (`async def execute(self, query): … await conn.execute(query)`) called with
`table.insert().values(**data)` or `select([…]).select_from(…)` reports nothing; one called with a string still
does, and a plain aiopg cursor handed a variable is dynamic SQL as before.
"""

from __future__ import annotations

import textwrap
from typing import Any

from reports import MakeProject, inspect_json


def _src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def _raw(make_project: MakeProject, files: dict[str, str]) -> list[tuple[str, int, str, str]]:
    data: dict[str, Any] = inspect_json(make_project, files)
    return sorted((i["file"], i["line"], i["kind"], i["sql"]) for i in data["orm"]["raw_sql"])


_HANDLERS = _src(
    """
    from aiohttp import web

    from .services import get_item, list_items


    async def one(request: web.Request) -> web.Response:
        row = await get_item(request.app["pool"], int(request.match_info["id"]))
        return web.json_response(dict(row))


    async def many(request: web.Request) -> web.Response:
        rows = await list_items(request.app["pool"])
        return web.json_response([dict(r) for r in rows])
    """
)


def test_a_function_running_its_own_statement_is_no_helper(make_project: MakeProject) -> None:
    services = _src(
        """
        import asyncpg


        async def get_item(pool: asyncpg.Pool, item_id: int):
            return await pool.fetchrow("SELECT id, title FROM items WHERE id = $1", item_id)


        async def list_items(pool: asyncpg.Pool):
            return await pool.fetch("SELECT id, title FROM items")
        """
    )
    files = {
        "requirements.txt": "aiohttp\nasyncpg\n",
        "logic/__init__.py": "",
        "logic/services.py": services,
        "logic/handlers.py": _HANDLERS,
    }
    assert _raw(make_project, files) == [
        ("logic/services.py", 5, "statement", "SELECT id, title FROM items WHERE id = $1"),
        ("logic/services.py", 9, "statement", "SELECT id, title FROM items"),
    ]


def test_a_function_running_a_handed_statement_stays_a_helper(make_project: MakeProject) -> None:
    services = _src(
        """
        import asyncpg


        async def fetch_one(pool: asyncpg.Pool, sql: str, *args):
            return await pool.fetchrow(sql, *args)
        """
    )
    handlers = _src(
        """
        from aiohttp import web

        from .services import fetch_one


        async def one(request: web.Request) -> web.Response:
            row = await fetch_one(request.app["pool"], "SELECT id, title FROM items WHERE id = $1", 1)
            return web.json_response(dict(row))


        async def ordered(request: web.Request) -> web.Response:
            row = await fetch_one(request.app["pool"], request.app["order_query"])
            return web.json_response(dict(row))
        """
    )
    files = {
        "requirements.txt": "aiohttp\nasyncpg\n",
        "logic/__init__.py": "",
        "logic/services.py": services,
        "logic/handlers.py": handlers,
    }
    raw = _raw(make_project, files)
    assert raw[0] == ("logic/handlers.py", 7, "statement", "SELECT id, title FROM items WHERE id = $1")
    assert [item[:3] for item in raw[1:]] == [("logic/handlers.py", 12, "dynamic")]


_TABLES = _src(
    """
    import sqlalchemy as sa

    meta = sa.MetaData()
    item = sa.Table("items", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String))
    tag = sa.Table("tags", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("item_id", sa.Integer))
    """
)

_STORE = _src(
    """
    from aiopg.sa import Engine
    from sqlalchemy import Table


    class Store:
        def __init__(self, engine: Engine, table: Table):
            self.engine = engine
            self.table = table

        async def create(self, data: dict):
            query = self.table.insert().values(**data)
            return await self.execute(query)

        async def one(self, where=None):
            return await self.execute(self.table.select(whereclause=where, limit=1))

        async def execute(self, query):
            async with self.engine.acquire() as conn:
                return await conn.execute(query)

        async def count(self):
            async with self.engine.acquire() as conn:
                return await conn.scalar("SELECT count(*) FROM items")
    """
)


_ITEMS = _src(
    """
    from aiopg.sa import Engine
    from sqlalchemy import select

    from app import db
    from app.services.store import Store


    class Items:
        def __init__(self, engine: Engine):
            self.store = Store(engine, db.item)

        async def rename(self, item_id: int, name: str):
            query = db.item.update(db.item.c.id == item_id).values(name=name)
            await self.store.execute(query)

        async def tagged(self):
            query = select([db.item, db.tag]).select_from(db.item.join(db.tag))
            return await self.store.execute(query)
    """
)

# the near miss: a string handed to the same helper, and a plain aiopg cursor handed a variable
_PURGE = _src(
    """
    import aiopg

    from app.services.store import Store


    async def purge(store: Store):
        await store.execute("DELETE FROM items WHERE name IS NULL")


    async def run(dsn: str, sql: str):
        async with aiopg.connect(dsn) as conn:
            async with conn.cursor() as cur:
                await cur.execute(sql)
    """
)


def _aiopg_files(**more: str) -> dict[str, str]:
    return {
        "requirements.txt": "aiohttp\naiopg\nsqlalchemy\n",
        "app/__init__.py": "",
        "app/db.py": _TABLES,
        "app/services/__init__.py": "",
        "app/services/store.py": _STORE,
        "app/services/items.py": _ITEMS,
        **{f"app/services/{name}.py": text for name, text in more.items()},
    }


def test_core_queries_handed_to_an_aiopg_sa_helper_are_no_raw_sql(make_project: MakeProject) -> None:
    assert _raw(make_project, _aiopg_files()) == [
        ("app/services/store.py", 23, "statement", "SELECT count(*) FROM items"),
    ]


def test_a_string_handed_to_an_aiopg_sa_helper_stays_raw_sql(make_project: MakeProject) -> None:
    raw = _raw(make_project, _aiopg_files(purge=_PURGE))
    assert ("app/services/purge.py", 7, "statement", "DELETE FROM items WHERE name IS NULL") in raw
    assert ("app/services/purge.py", 13, "dynamic", "sql") in raw
