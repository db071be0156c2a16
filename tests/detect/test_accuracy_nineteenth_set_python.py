"""Patterns of the nineteenth unseen labelled set's Python half (issue 18, docs/accuracy.md "The nineteenth set's
Python disagreements"), each with a violating and a clean project written for the test:

- a module a pyproject.toml console entry point names (`[project.scripts]`, `[project.gui-scripts]`,
  `[tool.poetry.scripts]`: `db-seed = "inventory.db.tools:seed"`) is a command-line script, in no layer, even in a
  data-access folder and querying, as a file a package.json script runs is; the module the app imports, or one
  that builds the app (`serve = "inventory.main:run"`), keeps its layer.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json

from cdverify.package_scripts import entry_point_files

MAIN = """from fastapi import FastAPI

from inventory.api.items import router

app = FastAPI()
app.include_router(router)


def run() -> None:
    import uvicorn

    uvicorn.run(app)
"""
ITEMS_ROUTE = """from fastapi import APIRouter

from inventory.services.items import list_items

router = APIRouter()


@router.get("/items")
async def items() -> list[dict]:
    return await list_items()
"""
ITEMS_SERVICE = """from inventory.db.session import Session
from inventory.db.store import all_items


async def list_items() -> list[dict]:
    async with Session() as session:
        return await all_items(session)
"""
SESSION = """from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

engine = create_async_engine("sqlite+aiosqlite:///inventory.db")
Session = async_sessionmaker(engine)
"""
STORE = """from sqlalchemy import text


async def all_items(session) -> list[dict]:
    rows = await session.execute(text("SELECT id, name FROM item"))
    return [dict(row._mapping) for row in rows]
"""
TOOLS = """import argparse
import asyncio

from sqlalchemy import text

from inventory.db.session import Session


async def _seed(count: int) -> None:
    async with Session() as session:
        for number in range(count):
            await session.execute(text("INSERT INTO item (name) VALUES (:name)"), {"name": f"item {number}"})
        await session.commit()


def seed() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10)
    asyncio.run(_seed(parser.parse_args().count))
"""
PEP621 = """[project]
name = "inventory"
version = "0.1.0"
dependencies = ["fastapi", "sqlalchemy", "aiosqlite", "uvicorn"]

[project.scripts]
inventory-seed = "inventory.db.tools:seed"
inventory-serve = "inventory.main:run"
"""
POETRY = """[tool.poetry]
name = "inventory"
version = "0.1.0"
packages = [{ include = "inventory" }]

[tool.poetry.dependencies]
python = "^3.12"
fastapi = "*"
sqlalchemy = "*"
aiosqlite = "*"

[tool.poetry.scripts]
db-seed = { callable = "inventory.db.tools:seed" }
serve = "inventory.main:run"
"""
NO_SCRIPTS = """[project]
name = "inventory"
version = "0.1.0"
dependencies = ["fastapi", "sqlalchemy", "aiosqlite"]
"""


def _inventory(pyproject: str) -> dict[str, str | bytes]:
    return {
        "pyproject.toml": pyproject,
        "inventory/__init__.py": "",
        "inventory/main.py": MAIN,
        "inventory/api/__init__.py": "",
        "inventory/api/items.py": ITEMS_ROUTE,
        "inventory/services/__init__.py": "",
        "inventory/services/items.py": ITEMS_SERVICE,
        "inventory/db/__init__.py": "",
        "inventory/db/session.py": SESSION,
        "inventory/db/store.py": STORE,
        "inventory/db/tools.py": TOOLS,
    }


@pytest.mark.parametrize("pyproject", [PEP621, POETRY], ids=["project.scripts", "tool.poetry.scripts"])
def test_a_module_a_console_entry_point_names_is_a_script(make_project: MakeProject, pyproject: str) -> None:
    arch = inspect_json(make_project, _inventory(pyproject))["architecture"]
    assert "inventory/db/tools.py" not in arch["files"], arch["files"]
    assert arch["evidence"]["inventory/db/tools.py"] == "command-line script"
    # the data access the app uses keeps its layer; the module building the app that `serve` runs is no script
    assert arch["files"]["inventory/db/store.py"] == "repositories"
    assert arch["files"]["inventory/db/session.py"] == "repositories"
    assert arch["evidence"].get("inventory/main.py") != "command-line script"


def test_without_an_entry_point_the_module_keeps_its_folder(make_project: MakeProject) -> None:
    arch = inspect_json(make_project, _inventory(NO_SCRIPTS))["architecture"]
    assert arch["files"]["inventory/db/tools.py"] == "repositories"


def test_an_entry_point_module_the_app_imports_keeps_its_layer(make_project: MakeProject) -> None:
    files = _inventory(PEP621)
    files["inventory/services/items.py"] = ITEMS_SERVICE.replace(
        "store import all_items", "tools import seed"
    )
    files["inventory/services/items.py"] += "\n\ndef reseed() -> None:\n    seed()\n"
    arch = inspect_json(make_project, files)["architecture"]
    assert arch["files"]["inventory/db/tools.py"] == "repositories"


def test_entry_point_targets_resolve_to_modules_and_packages() -> None:
    paths = {"tool/cli.py", "src/pkg/run/__init__.py", "sub/app/cmd.py"}
    targets = [
        "tool.cli:main",
        {"callable": "pkg.run:go", "extras": ["x"]},
        {"reference": "tool/cli.py", "type": "file"},  # Poetry's file scripts run no module
        "missing.module:main",
        "not a reference",
        7,
    ]
    assert entry_point_files("pyproject.toml", targets, paths.__contains__) == [
        "tool/cli.py",
        "src/pkg/run/__init__.py",
    ]
    assert entry_point_files("sub/pyproject.toml", ["app.cmd:main [extra]"], paths.__contains__) == [
        "sub/app/cmd.py"
    ]
