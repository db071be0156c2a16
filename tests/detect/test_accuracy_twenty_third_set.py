"""Patterns of the twenty-third unseen labelled set (issue 18, docs/accuracy.md "The twenty-third set's aiohttp
disagreements"), each with a violating and a clean project written for the test:

- a Python statement held in another module's constant (`from app.queries import PURGE_ORDERS`) and run on a
  connection the app's state holds (`async with app["db"].acquire() as conn: await conn.fetch(PURGE_ORDERS)`,
  an untraced receiver) is raw SQL at that call, as the same call with a string or a local constant is; an
  imported name that is no statement (a table name, a command class) is none;
- a config file whose path is a variable read with no default, opened at import (`yaml.safe_load(open(
  os.getenv("APP_CONFIG")))`), raises TypeError where the variable is unset (`open(None)`), as `int(None)` does:
  the app cannot start in the paper's harness.
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
    only,
)

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


# -- a config file named by a variable, opened at import ------------------------------------------------------


@pytest.mark.parametrize(
    ("check_code", "stops"),
    [
        ('SETTINGS = yaml.safe_load(open(os.getenv("APP_CONFIG")))', True),
        ('SETTINGS = yaml.safe_load(open(os.environ.get("APP_CONFIG"), encoding="utf-8"))', True),
        # a default path, a guard, a read inside a function: nothing raises as the module loads
        ('SETTINGS = yaml.safe_load(open(os.getenv("APP_CONFIG", "config.yaml")))', False),
        (
            'SETTINGS = yaml.safe_load(open(os.getenv("APP_CONFIG"))) if os.getenv("APP_CONFIG") else {}',
            False,
        ),
        ('def settings():\n    return yaml.safe_load(open(os.getenv("APP_CONFIG")))', False),
    ],
)
def test_a_config_file_named_by_an_unset_variable_opened_at_import(
    make_project: MakeProject, check_code: str, stops: bool
) -> None:
    files = flask_postgres_app("import yaml\n" + check_code)
    report = check(make_project, {**files, "config.yaml": "page_size: 20\n"}, FLASK_POSTGRES_TASK)
    assert database_status(report) == ("fail" if stops else "pass")
    if stops:
        assert "raises TypeError at import (handed None)" in only(report, "DB001")["message"]
