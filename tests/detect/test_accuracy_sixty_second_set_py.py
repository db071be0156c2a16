"""Python pattern of the sixty-second unseen labelled set (issue 18, docs/accuracy.md "Sixty-second set, Python
half: disagreements"):

- a module named `logging.py` (the name Python apps give the module setting up the standard library's or
  structlog's logging and handing out `get_logger()`) whose code shows no role writes log lines for every layer:
  it takes no layer from its folder (`infrastructure/logging.py` is no data access), so the views and the services
  logging through it neither bypass the services nor import upwards. A `logging.py` storing its lines with a
  query keeps the layer its path and code give it; a helper of another name keeps its folder's layer.
"""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import evidence_of as _evidence
from reports import layer_violations as _violations
from reports import layers_of as _layers

REQUIREMENTS = "aiohttp\nsqlalchemy\nasyncpg\nstructlog\n"
APP = """from aiohttp import web

from shop.views.items import list_items


def create_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/items", list_items)
    return app


if __name__ == "__main__":
    web.run_app(create_app())
"""
VIEW = """from aiohttp import web

from shop.infrastructure.logging import get_logger
from shop.services.items import count_items

log = get_logger(__name__)


async def list_items(request: web.Request) -> web.Response:
    log.info("listing")
    return web.json_response({"count": await count_items()})
"""
SERVICE = """from shop.infrastructure.logging import get_logger
from shop.repositories.items import item_count

log = get_logger(__name__)


async def count_items() -> int:
    log.info("counting")
    return await item_count()
"""
REPOSITORY = """from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

engine = create_async_engine("postgresql+asyncpg://shop@localhost/shop")


async def item_count() -> int:
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT count(*) FROM items"))
        return rows.scalar_one()
"""
LOGGING = """import logging
import sys

import structlog


def setup_logging(level: int = logging.INFO) -> None:
    logging.basicConfig(format="%(message)s", stream=sys.stdout, level=level)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(level))


def get_logger(name: str | None = None):
    return structlog.get_logger(name)
"""
# a "logging" module that keeps its lines in the database: data access by its code
STORING = """from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

engine = create_async_engine("postgresql+asyncpg://shop@localhost/shop")


class _Log:
    async def info(self, line: str) -> None:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO log_lines (line) VALUES (:line)"), {"line": line})


def get_logger(name: str | None = None) -> _Log:
    return _Log()
"""


def _project(module: str = "shop/infrastructure/logging.py", logging: str = LOGGING) -> dict[str, str]:
    dotted = module.removesuffix(".py").replace("/", ".")
    return {
        "requirements.txt": REQUIREMENTS,
        "shop/__init__.py": "",
        "shop/app.py": APP,
        "shop/views/__init__.py": "",
        "shop/views/items.py": VIEW.replace("shop.infrastructure.logging", dotted),
        "shop/services/__init__.py": "",
        "shop/services/items.py": SERVICE.replace("shop.infrastructure.logging", dotted),
        "shop/repositories/__init__.py": "",
        "shop/repositories/items.py": REPOSITORY,
        "shop/infrastructure/__init__.py": "",
        module: logging,
    }


def test_a_logging_module_in_an_infrastructure_folder_takes_no_layer(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _project())
    assert "shop/infrastructure/logging.py" not in _layers(report)
    assert _evidence(report)["shop/infrastructure/logging.py"] == "logging"
    assert _layers(report)["shop/repositories/items.py"] == "repositories"
    # the view and the service log through it: neither a bypass nor an upward import
    assert _violations(report) == []


def test_a_logging_module_storing_its_lines_with_a_query_keeps_its_layer(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _project(logging=STORING))
    assert _layers(report)["shop/infrastructure/logging.py"] == "repositories"
    assert _evidence(report)["shop/infrastructure/logging.py"] != "logging"
    assert ("bypass", "shop/views/items.py", "shop/infrastructure/logging.py") in _violations(report)


def test_a_helper_of_another_name_keeps_its_folders_layer(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _project(module="shop/infrastructure/tracing.py"))
    assert _layers(report)["shop/infrastructure/tracing.py"] == "repositories"
    assert ("bypass", "shop/views/items.py", "shop/infrastructure/tracing.py") in _violations(report)
