"""Patterns of the thirty-ninth unseen labelled set's Python half (issue 18, docs/accuracy.md "The thirty-ninth
set's Python disagreements"), each with violating and clean projects written for the test:

- a class extending a project's own class-based view (`class PostView(BaseView)` after `class
  BaseView(web.View)` in another module) answers requests as its base does: in a handlers folder it is the
  routes layer even when its file is named for another layer (`entity.py`, `create_entity.py`).
- a parameter annotated with an aiopg type (`engine: aiopg.sa.Engine`) is that client: the module of query
  functions running `engine.acquire()` on it is data access, and the handlers importing it bypass services.
- `app.config.setdefault("SQLALCHEMY_DATABASE_URI", …)` sets the URL as `app.config[…] = …` does, unless
  the same function set it before.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, evidence_of, inspect_json, layer_violations, layers_of

AIOHTTP_APP = """from aiohttp import web
from aiopg.sa import create_engine

from app.handlers.entity import EntityView
from app.handlers.posts import PostsView


async def database(app):
    app["db"] = await create_engine(dsn="dbname=blog")
    yield
    app["db"].close()


def make_app():
    app = web.Application()
    app.cleanup_ctx.append(database)
    app.router.add_route("GET", "/entity/{id}", EntityView)
    app.router.add_route("GET", "/posts", PostsView)
    return app
"""
BASE_VIEW = """from aiohttp import web


class BaseView(web.View):
    def __init__(self, request):
        super().__init__(request)
        self.db = request.app["db"]
"""
ENTITY_VIEW = """from aiohttp import web

from app.data.queries import get_entity
{base_import}


class EntityView({base}):
    async def get(self):
        entity = await get_entity(self.db, int(self.request.match_info["id"]))
        return web.json_response(entity)
"""
POSTS_VIEW = """from aiohttp import web

from app.data.queries import get_posts
from app.handlers.base import BaseView


class PostsView(BaseView):
    async def get(self):
        return web.json_response(await get_posts(self.db))
"""
TABLES = """import sqlalchemy as sa

posts = sa.Table("posts", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True))
"""
QUERIES = """from aiopg.sa import Engine

from app.models.tables import posts


async def get_posts({param}):
    async with engine.acquire() as conn:
        return [dict(row) async for row in conn.execute(posts.select())]


async def get_entity({param}, entity_id):
    async with engine.acquire() as conn:
        result = await conn.execute(posts.select().where(posts.c.id == entity_id))
        return dict(await result.first())
"""


def _blog(
    base: str = "BaseView",
    base_import: str = "from app.handlers.base import BaseView",
    param: str = "engine: Engine",
    **extra: str,
) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\naiopg\nSQLAlchemy\n",
        "run.py": "from aiohttp import web\n\nfrom app.start import make_app\n\nweb.run_app(make_app())\n",
        "app/__init__.py": "",
        "app/start.py": AIOHTTP_APP,
        "app/handlers/__init__.py": "",
        "app/handlers/base.py": BASE_VIEW,
        "app/handlers/entity.py": ENTITY_VIEW.format(base=base, base_import=base_import),
        "app/handlers/posts.py": POSTS_VIEW,
        "app/data/__init__.py": "",
        "app/data/queries.py": QUERIES.format(param=param),
        "app/models/__init__.py": "",
        "app/models/tables.py": TABLES,
        **extra,
    }


@pytest.mark.parametrize(
    "base_import", ["from app.handlers.base import BaseView", "from .base import BaseView"]
)
def test_a_subclass_of_a_project_view_named_for_a_model_is_routes(
    make_project: MakeProject, base_import: str
) -> None:
    """Violating on main: `entity.py` in the handlers folder took the models layer from its name (a file
    named for another layer inside a routes folder), so its import of the base view was upward."""
    report = inspect_json(make_project, _blog(base_import=base_import))
    assert layers_of(report)["app/handlers/entity.py"] == "routes"
    assert evidence_of(report)["app/handlers/entity.py"] == "code: routes"
    assert not [v for v in layer_violations(report) if v[0] == "upward"]


def test_a_view_two_subclasses_down_is_routes(make_project: MakeProject) -> None:
    """Violating on main: the view extends a project class that extends the project's base view."""
    files = _blog(base="AdminView", base_import="from app.handlers.admin import AdminView")
    files["app/handlers/admin.py"] = (
        "from app.handlers.base import BaseView\n\n\nclass AdminView(BaseView):\n    pass\n"
    )
    report = inspect_json(make_project, files)
    assert layers_of(report)["app/handlers/entity.py"] == "routes"
    assert not [v for v in layer_violations(report) if v[0] == "upward"]


def test_a_model_named_file_of_no_view_keeps_its_name_in_a_handlers_folder(make_project: MakeProject) -> None:
    """Clean: a class extending a project class that is no view (a plain record) shows no request handling,
    so `handlers/entity.py` keeps the layer its name gives it, as before."""
    files = _blog()
    files["app/handlers/record.py"] = "class Record:\n    fields = ()\n"
    files["app/handlers/entity.py"] = (
        "from app.handlers.record import Record\n\n\nclass Entity(Record):\n    fields = ('id', 'title')\n"
    )
    files["app/start.py"] = AIOHTTP_APP.replace("from app.handlers.entity import EntityView\n", "").replace(
        '    app.router.add_route("GET", "/entity/{id}", EntityView)\n', ""
    )
    report = inspect_json(make_project, files)
    assert layers_of(report)["app/handlers/entity.py"] == "models"
    assert evidence_of(report)["app/handlers/entity.py"] == "file name"


def test_query_functions_on_an_annotated_aiopg_engine_are_data_access(make_project: MakeProject) -> None:
    """Violating on main: `engine: Engine` (aiopg.sa) was no client, so the query module in a folder naming
    no layer had none, and the handlers' imports of it were no bypass."""
    report = inspect_json(make_project, _blog())
    assert layers_of(report)["app/data/queries.py"] == "repositories"
    assert evidence_of(report)["app/data/queries.py"] == "code: queries"
    assert ("bypass", "app/handlers/posts.py", "app/data/queries.py") in layer_violations(report)
    assert ("bypass", "app/handlers/entity.py", "app/data/queries.py") in layer_violations(report)


def test_a_function_only_describing_an_aiopg_engine_runs_no_query(make_project: MakeProject) -> None:
    """Clean: a module that takes an annotated engine but calls nothing on it (it reads an attribute) shows
    no data access and takes no layer from the annotation."""
    files = _blog()
    files["app/data/describe.py"] = (
        "from aiopg.sa import Engine\n\n\ndef describe(engine: Engine) -> str:\n    return str(engine.dsn)\n"
    )
    assert "app/data/describe.py" not in layers_of(inspect_json(make_project, files))


FLASK_INIT = """from flask import Flask

from .db import init_db

app = Flask(__name__)
init_db(app)
"""
FLASK_DB = """import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def get_database_uri() -> str:
    return os.getenv("DATABASE_URL", "sqlite:///notes.db")


def init_db(app: Flask) -> None:
{before}    app.config.setdefault("SQLALCHEMY_DATABASE_URI", get_database_uri())
    db.init_app(app)
"""


def _notes(before: str = "") -> dict[str, str | bytes]:
    return {
        "requirements.txt": "Flask\nFlask-SQLAlchemy\n",
        "run.py": "from app import app\n\nif __name__ == '__main__':\n    app.run()\n",
        "app/__init__.py": FLASK_INIT,
        "app/db.py": FLASK_DB.format(before=before),
    }


def test_a_config_setdefault_sets_the_database_url(make_project: MakeProject) -> None:
    """Violating on main: `app.config.setdefault(…)` on the app handed to init_db was no setting, so the
    SQLite default URL was only a URL written in code and no engine was found."""
    database = inspect_json(make_project, _notes())["database"]
    assert database["engines"] == ["sqlite"]
    assert {e["kind"] for e in database["evidence"] if e["engine"] == "sqlite"} == {"config"}


def test_a_config_setdefault_after_the_key_is_set_is_not_taken(make_project: MakeProject) -> None:
    """Clean: the same function set the key before, so the default is never taken: only the URL set
    counts."""
    before = '    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql://db/notes"\n'
    assert inspect_json(make_project, _notes(before))["database"]["engines"] == ["postgresql"]
