"""A pool that connects as it is made (`asyncpg.create_pool(dsn)`) in an aiohttp `cleanup_ctx` or `on_startup`
hook, to a URL read with no default (`os.environ["SHOP_DSN"]`): where the variable is unset the read raises
KeyError as the application starts, so the paper's harness runs no engine (docs/accuracy.md "The
hundred-and-thirteenth and hundred-and-fourteenth sets' Python disagreements", mkhnuser/mapply). The same read in a request handler, or with a default,
stops nothing. Small projects written for the tests."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, database_status

AIOHTTP_TASK = "python-aiohttp-openapi-postgres-sqlalchemy"
KEY_ERROR = "raises KeyError as the application starts when $SHOP_DSN is unset"

APP = """import os

import asyncpg
from aiohttp import web


async def pool_context(app):
    async with asyncpg.create_pool(@DSN@) as pool:
        app["pool"] = pool
        yield


async def items(request):
    return web.json_response([])


def make_app():
    app = web.Application()
    app.router.add_get("/api/items", items)
    app.cleanup_ctx.append(pool_context)
    return app


if __name__ == "__main__":
    web.run_app(make_app(), port=8080)
"""

HANDLER = """import os

import asyncpg
from aiohttp import web


async def items(request):
    pool = await asyncpg.create_pool(os.environ["SHOP_DSN"])
    return web.json_response([])


def make_app():
    app = web.Application()
    app.router.add_get("/api/items", items)
    return app


if __name__ == "__main__":
    web.run_app(make_app(), port=8080)
"""


def _files(app: str) -> dict[str, str | bytes]:
    return {"requirements.txt": "aiohttp\nasyncpg\n", "app.py": app}


def _db001(report: dict[str, Any]) -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule"] == "DB001"]


def test_a_pool_opened_in_a_startup_hook_on_a_required_read_stops(make_project: MakeProject) -> None:
    report = check(make_project, _files(APP.replace("@DSN@", 'os.environ["SHOP_DSN"]')), AIOHTTP_TASK)
    assert database_status(report) == "fail"
    assert any(KEY_ERROR in m for m in _db001(report))


@pytest.mark.parametrize(
    "app",
    [
        APP.replace("@DSN@", 'os.environ.get("SHOP_DSN", "postgresql://localhost/shop")'),
        HANDLER,
    ],
    ids=["default", "handler"],
)
def test_a_default_or_a_handler_read_is_no_such_stop(make_project: MakeProject, app: str) -> None:
    report = check(make_project, _files(app), AIOHTTP_TASK)
    assert not any(KEY_ERROR in m for m in _db001(report))
