"""Patterns of the fifty-eighth and fifty-ninth unseen labelled sets' Python halves (issue 18, docs/accuracy.md
"Fifty-eighth and fifty-ninth sets, Python halves: disagreements"), each with violating and clean projects
written for the test:

- a `models/` folder of table gateways: a base class keeping on `self` the object a querying module makes
  and opens the pool for (`self.db = db` after `from store import db`, `db = Store()`), the classes of the
  folder extending it. No mapped model lives there: they are data access, the request handlers importing
  them bypass the services. Mapped classes with query methods (Active Record) and dataclass schemas stay
  models.
- a module of request handlers the route table names, in a routes folder, named for another layer
  (`handlers/service.py` answering `/api/service/…`): its code and its folder agree against its name.
- a data-access module calling a helper of a route module with the request it was handed (`path = await
  routes.upload_dir(request)`): it takes a value, it wires no app (no composition root).
- an app package in a docs-named folder (`demo/`) reached from a root entry point more than four imports
  deep: its deepest modules are application code too.
"""

from __future__ import annotations

from reports import MakeProject, evidence_of, inspect_json, layer_violations, layers_of

_STORE = """import asyncpg


class Store:
    def __init__(self):
        self.pool = None

    async def run(self, statement):
        if self.pool is None:
            self.pool = await asyncpg.create_pool(dsn="postgresql://localhost/board")
        async with self.pool.acquire() as connection:
            return await connection.fetch(statement)


store = Store()
"""

_BASE = """from store import store


class Gateway:
    def __init__(self):
        self.store = store
"""

_NOTES = """from models.base import Gateway


class NoteGateway(Gateway):
    def all_notes(self):
        statement = "SELECT id, body FROM notes"
        return self.store.run(statement)


note_gateway = NoteGateway()
"""

_HANDLERS = """from aiohttp import web
from models.notes import note_gateway


async def list_notes(request: web.Request):
    rows = await note_gateway.all_notes()
    return web.json_response([dict(row) for row in rows])
"""

_APP = """from aiohttp import web
from handlers.notes import list_notes

app = web.Application()
app.router.add_route("GET", "/notes", list_notes)

if __name__ == "__main__":
    web.run_app(app)
"""


def _board(base: str = _BASE, store: str = _STORE) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\nasyncpg\n",
        "app.py": _APP,
        "store.py": store,
        "handlers/notes.py": _HANDLERS,
        "models/base.py": base,
        "models/notes.py": _NOTES,
    }


def test_a_models_folder_of_gateways_on_the_pool_owner_is_data_access(make_project: MakeProject) -> None:
    """Violating on main: the folder named models, so the gateways were models and the handler's import a
    plain routes → models edge (no bypass); the base's import of the pool owner was a false upward one."""
    report = inspect_json(make_project, _board())
    layers = layers_of(report)
    assert layers["models/base.py"] == "repositories"
    assert layers["models/notes.py"] == "repositories"
    assert evidence_of(report)["models/notes.py"] == "code: queries"
    assert layer_violations(report) == [("bypass", "handlers/notes.py", "models/notes.py")]


def test_an_object_of_a_module_opening_no_client_keeps_the_folder(make_project: MakeProject) -> None:
    """Clean: the object kept is of a module that runs no query and opens no client (a cache), so the
    folder's say stands."""
    cache = "class Cache:\n    def __init__(self):\n        self.items = {}\n\n\nstore = Cache()\n"
    report = inspect_json(make_project, _board(store=cache))
    assert layers_of(report)["models/base.py"] == "models"
    assert layers_of(report)["models/notes.py"] == "models"
    assert layer_violations(report) == []


_ACTIVE_RECORD = """from sqlalchemy import Column, Integer, String, select
from sqlalchemy.orm import declarative_base

from store import store

Base = declarative_base()


class Note(Base):
    __tablename__ = "notes"
    id = Column(Integer, primary_key=True)
    body = Column(String)

    def __init__(self):
        self.store = store

    def everything(self):
        return self.store.run(select(Note))
"""

_SCHEMAS = """from dataclasses import dataclass


@dataclass
class NoteOut:
    id: int
    body: str

    def __post_init__(self):
        self.body = self.body.strip()
"""


def test_mapped_models_with_query_methods_stay_models(make_project: MakeProject) -> None:
    """Clean: a mapped class keeping the store to run its own queries is Active Record, models."""
    files = {**_board(), "models/note.py": _ACTIVE_RECORD, "models/base.py": "", "models/notes.py": ""}
    files["handlers/notes.py"] = _HANDLERS.replace(
        "models.notes import note_gateway", "models.note import Note"
    )
    files["requirements.txt"] = "aiohttp\nasyncpg\nSQLAlchemy\n"
    report = inspect_json(make_project, files)
    assert layers_of(report)["models/note.py"] == "models"


def test_dataclass_schemas_beside_the_gateways_stay_models(make_project: MakeProject) -> None:
    """Clean: a dataclass schema module in the same `models/` folder keeps nothing of the store: the folder's
    say stands for it while the gateways beside it are data access."""
    files = {**_board(), "models/schemas.py": _SCHEMAS}
    report = inspect_json(make_project, files)
    assert layers_of(report)["models/schemas.py"] == "models"
    assert layers_of(report)["models/notes.py"] == "repositories"


_STATUS_HANDLERS = """from aiohttp import web
from models.notes import note_gateway


async def status(request: web.Request):
    rows = await note_gateway.all_notes()
    return web.json_response({"notes": len(rows)})
"""


def test_a_handler_module_named_service_in_a_routes_folder_is_routes(make_project: MakeProject) -> None:
    """Violating on main: `handlers/service.py`, whose function the route table registers and which reads
    the request, was the services layer by its name (a false upward import into the handlers' helpers)."""
    files = _board()
    files["handlers/service.py"] = _STATUS_HANDLERS
    files["app.py"] = _APP.replace(
        "from handlers.notes import list_notes\n",
        "from handlers.notes import list_notes\nfrom handlers.service import status\n",
    ).replace("list_notes)\n", 'list_notes)\napp.router.add_route("GET", "/service/status", status)\n', 1)
    report = inspect_json(make_project, files)
    assert layers_of(report)["handlers/service.py"] == "routes"
    assert evidence_of(report)["handlers/service.py"] == "code: routes"


def test_a_service_module_beside_the_handlers_it_is_not_registered_keeps_its_name(
    make_project: MakeProject,
) -> None:
    """Clean: a `handlers/service.py` no route names and reading no request keeps its name's say."""
    files = _board()
    files["handlers/service.py"] = "def summary(rows):\n    return {'notes': len(rows)}\n"
    files["handlers/notes.py"] = _HANDLERS.replace(
        "from models.notes import note_gateway\n",
        "from models.notes import note_gateway\nfrom handlers import service\n",
    )
    report = inspect_json(make_project, files)
    assert layers_of(report)["handlers/service.py"] == "services"


_SITE_APP = """from aiohttp import web

from .routes import setup_routes


async def create_app():
    app = web.Application()
    setup_routes(app)
    return app
"""

_SITE_ROUTES = """from .views import pages


def setup_routes(app):
    app.router.add_route("GET", "/", pages.index)


async def upload_dir(request):
    return request.app["config"]["uploads"]
"""

_SITE_VIEWS = """from aiohttp import web

from ..gateways.posts import Post


async def index(request):
    post = await Post.load(request, 1)
    return web.json_response({"id": post.id})
"""

_SITE_GATEWAY = """from sqlalchemy import select

from .. import routes, tables


class Post:
    @classmethod
    async def load(cls, request, post_id):
        self = cls()
        self.db = request.app["db"]
        async with self.db.acquire() as conn:
            self.row = await conn.fetchrow(select([tables.posts]).where(tables.posts.c.id == post_id))
        self.id = post_id
        return self

    async def save_picture(self, request, data):
        where = await routes.upload_dir(request)
        return where + data
"""

_SITE_STARTUP = """import asyncpgsa

from .app import create_app


async def init_db(app):
    app["db"] = await asyncpgsa.create_pool(dsn="postgresql://localhost/site")
"""


def _site(gateway: str = _SITE_GATEWAY) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\nasyncpgsa\nSQLAlchemy\n",
        "entry.py": "from aiohttp import web\n\nfrom demo import start\n\nweb.run_app(start.build())\n",
        "demo/__init__.py": "",
        "demo/start.py": _SITE_STARTUP + "\n\ndef build():\n    app = create_app()\n    return app\n",
        "demo/app.py": _SITE_APP,
        "demo/routes.py": _SITE_ROUTES,
        "demo/tables.py": (
            "import sqlalchemy as sa\n\nmeta = sa.MetaData()\n"
            'posts = sa.Table("posts", meta, sa.Column("id", sa.Integer, primary_key=True))\n'
        ),
        "demo/views/__init__.py": "",
        "demo/views/pages.py": _SITE_VIEWS,
        "demo/gateways/__init__.py": "",
        "demo/gateways/posts.py": gateway,
    }


def test_a_gateway_asking_a_route_module_for_a_path_wires_nothing(make_project: MakeProject) -> None:
    """Violating on main: the gateway, five imports below the entry point in a `demo/` folder, was left in
    the docs scope (no layer); and a data-access module importing a route module was taken for wiring (a
    composition root). It only asks the routes module where uploads go, with the request it was handed."""
    report = inspect_json(make_project, _site())
    assert layers_of(report)["demo/gateways/posts.py"] == "repositories"
    assert "demo/gateways/posts.py" not in report["architecture"]["composition_roots"]
    assert ("upward", "demo/gateways/posts.py", "demo/routes.py") in layer_violations(report)
    assert ("bypass", "demo/views/pages.py", "demo/gateways/posts.py") in layer_violations(report)


def test_a_data_module_registering_routes_still_wires_the_app(make_project: MakeProject) -> None:
    """Clean: a querying module that hands the app it makes to the routes module builds the app: it is a
    composition root, its imports unchecked."""
    wiring = _SITE_GATEWAY + (
        "\n\nasync def make():\n    from aiohttp import web\n\n    app = web.Application()\n"
        "    routes.setup_routes(app)\n    return app\n"
    )
    report = inspect_json(make_project, _site(gateway=wiring))
    assert "demo/gateways/posts.py" in report["architecture"]["composition_roots"]


_PING = """from aiohttp import web


async def ping(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})
"""


def test_the_package_markers_above_an_imported_module_join_the_app(make_project: MakeProject) -> None:
    """Python runs `demo/views/__init__.py` on the way to `demo.views.pages`: in a docs-named folder it joins
    the app with the module (kolamor/aiohttp_site's `views/__init__.py`, `models/__init__.py`); a package
    whose modules the app does not import stays out."""
    files = _site()
    files["demo/views/__init__.py"] = _PING
    files["demo/unused/__init__.py"] = _PING
    files["demo/unused/pages.py"] = _SITE_VIEWS
    report = inspect_json(make_project, files)
    assert layers_of(report)["demo/views/__init__.py"] == "routes"
    assert "demo/unused/__init__.py" not in layers_of(report)
