"""A pool or engine that connects as it is made (`await aiopg.sa.create_engine(dsn=…)`, `await
asyncpg.create_pool(dsn)`), made in an aiohttp `on_startup` hook, to a URL whose host a variable with no default
fills (docs/accuracy.md "The seventy-sixth and seventy-seventh sets' disagreements", iliadmitriev/aiohttp-sandbox):
in the paper's harness the host is `None` and the app cannot start. The URL may be written from a mapping of
settings (`f'{conf["engine"]}://{conf["user"]}@{conf["host"]}/…'`, `conf = {"host": env.get("POSTGRES_HOST"),
"engine": env.get("ENGINE", "postgresql")}`), its scheme the default of a variable. A host with a default, a call
in a `try` or one made only in a request handler lets it start. Small projects written for the tests."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, database_status

AIOHTTP_TASK = "python-aiohttp-openapi-postgres-sqlalchemy"
HOLES = "with no default: where one is unset, the URL holds None in its place"

SETTINGS = """from os import environ as env

conf = {
    "engine": env.get("ENGINE", "postgresql"),
    "user": env.get("PGUSER_NAME", "app"),
    "password": env.get("PGPASS"),
    "host": env.get("PGHOST_NAME"@HOST_DEFAULT@),
    "port": env.get("PGPORT_NUMBER", 5432),
}

dsn = f'{conf["engine"]}://{conf["user"]}:{conf["password"]}@{conf["host"]}:{conf["port"]}/shop'
"""

DB = """import aiopg.sa


async def open_engine(app):
    @OPEN@
    app["engine"] = engine


def setup_db(app, dsn):
    app["dsn"] = dsn
    app.on_startup.append(open_engine)
"""

OPEN = "engine = await aiopg.sa.create_engine(dsn=app['dsn'])"
CAUGHT = """try:
        engine = await aiopg.sa.create_engine(dsn=app['dsn'])
    except OSError:
        engine = None"""

MAIN = """from aiohttp import web

from db import setup_db
from settings import dsn


async def items(request):
    return web.json_response([])


def make_app():
    app = web.Application()
    app.router.add_get("/api/items", items)
    setup_db(app, dsn=dsn)
    return app


if __name__ == "__main__":
    web.run_app(make_app(), port=8080)
"""


def _files(host_default: str = "", opening: str = OPEN) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\naiopg[sa]\nsqlalchemy\n",
        "settings.py": SETTINGS.replace("@HOST_DEFAULT@", host_default),
        "db.py": DB.replace("@OPEN@", opening),
        "main.py": MAIN,
    }


def _db001(report: dict[str, Any]) -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule"] == "DB001"]


def test_an_engine_opened_in_a_startup_hook_to_an_unset_host_stops(make_project: MakeProject) -> None:
    report = check(make_project, _files(), AIOHTTP_TASK)
    assert database_status(report) == "fail"
    assert any(HOLES in m and "$PGHOST_NAME" in m for m in _db001(report))


def test_an_asyncpg_pool_made_at_module_level_stops_too(make_project: MakeProject) -> None:
    files = _files()
    files["db.py"] = (
        "import asyncio\nimport os\n\nimport asyncpg\n\n"
        "pool = asyncio.run(asyncpg.create_pool(f\"postgresql://app@{os.getenv('PGHOST_NAME')}/shop\"))\n"
    )
    files["main.py"] = MAIN.replace("from db import setup_db\n", "import db\n").replace(
        "    setup_db(app, dsn=dsn)\n", ""
    )
    report = check(make_project, files, AIOHTTP_TASK)
    assert database_status(report) == "fail"
    assert any(HOLES in m and "$PGHOST_NAME" in m for m in _db001(report))


@pytest.mark.parametrize(
    ("host_default", "opening"),
    [
        (', "localhost"', OPEN),  # a default host: the harness's network decides, not claimed
        ("", CAUGHT),  # the failure is caught
    ],
    ids=["host-default", "caught"],
)
def test_a_host_default_or_a_caught_failure_is_no_stop(
    make_project: MakeProject, host_default: str, opening: str
) -> None:
    report = check(make_project, _files(host_default, opening), AIOHTTP_TASK)
    assert not any(HOLES in m for m in _db001(report))


def test_an_engine_opened_only_in_a_handler_is_no_stop(make_project: MakeProject) -> None:
    files = _files()
    files["db.py"] = DB.replace("@OPEN@", OPEN).replace("    app.on_startup.append(open_engine)\n", "")
    report = check(make_project, files, AIOHTTP_TASK)
    assert not any(HOLES in m for m in _db001(report))
