"""Disagreements of docs/accuracy.md "The hundred-and-twenty-fourth set's disagreements (session 2026-12-07
(19))":

- a Python star import of a project module (`from app.web.models import *`) binds the names that module
  imports and defines, so `db.status("DROP TABLE …")` after it is GINO's handle of the module that made it
  (`db = Gino()`), raw SQL, as it is after `from app.db import db`;
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json

GINO_HANDLE = """from gino import Gino

db = Gino()
"""
GINO_MODELS = """from app.store.gino import db


class User(db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer(), primary_key=True)
    name = db.Column(db.String())
"""
GINO_DATABASE = """from app.web.models import *


class Database:
    async def regenerate(self):
        await db.status("DROP TABLE IF EXISTS users;")


async def named(name):
    return await User.query.where(User.name == name).gino.all()
"""


def _orm(make_project: MakeProject, files: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = inspect_json(make_project, dict(files))["orm"]
    return data


def _gino_project(database: str) -> dict[str, str]:
    return {
        "requirements.txt": "aiohttp\ngino\n",
        "app/__init__.py": "",
        "app/store/__init__.py": "",
        "app/store/gino.py": GINO_HANDLE,
        "app/web/__init__.py": "",
        "app/web/models.py": GINO_MODELS,
        "app/store/database.py": database,
    }


def test_gino_handle_through_a_star_import_runs_raw_sql(make_project: MakeProject) -> None:
    orm = _orm(make_project, _gino_project(GINO_DATABASE))
    sites = [(item["file"], item["line"]) for item in orm["raw_sql"]]
    assert sites == [("app/store/database.py", 6)], orm["raw_sql"]


def test_gino_query_builder_and_a_bound_name_stay_clean(make_project: MakeProject) -> None:
    """The model query passes no string; a parameter named `db` is no name of the star-imported module, nor is
    a name the file binds itself or a `_private` one a star import does not take."""
    database = """from app.web.models import *


async def named(name):
    return await User.query.where(User.name == name).gino.all()


async def handed(db):
    return await db.status("DROP TABLE IF EXISTS users;")


async def own():
    db = object()
    return await db.status("DROP TABLE IF EXISTS users;")


async def private():
    return await _db.status("DROP TABLE IF EXISTS users;")
"""
    orm = _orm(make_project, _gino_project(database))
    assert orm["raw_sql"] == [], orm["raw_sql"]
