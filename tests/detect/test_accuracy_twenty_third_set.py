"""Patterns of the twenty-third unseen labelled set (issue 18, docs/accuracy.md "The twenty-third set's aiohttp
disagreements"), each with a violating and a clean project written for the test:

- a Python statement held in another module's constant (`from app.queries import PURGE_ORDERS`) and run on a
  connection the app's state holds (`async with app["db"].acquire() as conn: await conn.fetch(PURGE_ORDERS)`,
  an untraced receiver) is raw SQL at that call, as the same call with a string or a local constant is; an
  imported name that is no statement (a table name, a command class) is none.
"""

from __future__ import annotations

from reports import MakeProject, inspect_json

REQUIREMENTS = "aiohttp==3.9.0\nasyncpg==0.29.0\n"
QUERIES = """CREATE_ORDERS = '''
    CREATE TABLE IF NOT EXISTS orders (id SERIAL PRIMARY KEY, total INTEGER NOT NULL)
'''
PURGE_ORDERS = "DELETE FROM orders"
ORDERS_TABLE = "orders"
"""
CONNECT = """import asyncpg


async def open_pool(app):
    app["db"] = await asyncpg.create_pool(host="localhost", database="shop", user="shop")
"""
# the pool is the app state's, created in another module: the connection is an untraced receiver here
POOL = """from shop.queries import ORDERS_TABLE, PURGE_ORDERS


async def purge(app):
    async with app["db"].acquire() as conn:
        await conn.fetch(PURGE_ORDERS)


async def describe(app):
    async with app["db"].acquire() as conn:
        return await conn.fetch(ORDERS_TABLE)
"""
SERVER = """from aiohttp import web

from shop.connect import open_pool
from shop.pool import purge


async def wipe(request):
    await purge(request.app)
    return web.Response(text="wiped")


app = web.Application()
app.router.add_post("/wipe", wipe)
app.on_startup.append(open_pool)
web.run_app(app)
"""
QUALIFIED = """import shop.queries as queries


async def purge(app):
    async with app["db"].acquire() as conn:
        await conn.execute(queries.PURGE_ORDERS)


async def describe(app):
    async with app["db"].acquire() as conn:
        return await conn.execute(queries.ORDERS_TABLE)
"""


def _raw(files: dict[str, str], make_project: MakeProject) -> set[tuple[str, int]]:
    report = inspect_json(make_project, files)
    return {(item["file"], item["line"]) for item in report["orm"]["raw_sql"]}


def _app(**extra: str) -> dict[str, str]:
    return {
        "requirements.txt": REQUIREMENTS,
        "shop/__init__.py": "",
        "shop/queries.py": QUERIES,
        "shop/connect.py": CONNECT,
        "shop/pool.py": POOL,
        "shop/server.py": SERVER,
        **extra,
    }


def test_an_imported_statement_run_on_the_app_state_connection_is_raw_sql(make_project: MakeProject) -> None:
    raw = _raw(_app(), make_project)
    assert ("shop/pool.py", 6) in raw  # conn.fetch(PURGE_ORDERS)


def test_a_statement_read_off_an_imported_module_is_raw_sql(make_project: MakeProject) -> None:
    raw = _raw(_app(**{"shop/purging.py": QUALIFIED}), make_project)
    assert ("shop/purging.py", 6) in raw  # conn.execute(queries.PURGE_ORDERS)


def test_an_imported_name_that_is_no_statement_is_no_raw_sql(make_project: MakeProject) -> None:
    raw = _raw(_app(**{"shop/purging.py": QUALIFIED}), make_project)
    assert ("shop/pool.py", 11) not in raw  # conn.fetch(ORDERS_TABLE): a table name
    assert ("shop/purging.py", 11) not in raw  # conn.execute(queries.ORDERS_TABLE)
    assert not any(file == "shop/queries.py" for file, _line in raw)  # constants are run where called
