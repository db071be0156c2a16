"""Raw SQL that is no SQL handed over (docs/accuracy.md, session 2026-12-07 (19)).

A function returning what a query method returns when it runs a statement the function writes itself
(`return await pool.fetchrow("SELECT … WHERE id = $1", item_id)`) returns rows: it stands for no call, and
what its callers hand it (the pool, an id) is no statement. The statement is reported once, at its sink.
A function handing the query method a parameter as the statement (`return await pool.fetchrow(sql, *args)`)
is a helper: its callers' statements are reported at the callers.
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
