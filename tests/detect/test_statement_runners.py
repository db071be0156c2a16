"""A module whose path names no layer, handling no request, that builds SQLAlchemy Core statements in its
functions (`sa.select(…)`, `sa.insert(…)`: `[roles.statements]`) on the tables a project models module defines, runs
them on the connection its callers hand in: data access (issue 18, Leonid-T/test_aiohttp `srv/actions/managers.py`;
docs/accuracy.md "The thirty-sixth to thirty-eighth sets' Python disagreements"). A request handler building them
inline, a module importing no models module, and a path naming a layer keep their say."""

from __future__ import annotations

from reports import MakeProject, inspect_json

REQUIREMENTS = "aiohttp\nsqlalchemy\nasyncpg\n"
TABLES = """import sqlalchemy as sa

meta = sa.MetaData()
notes = sa.Table("notes", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("body", sa.Text))
"""
GATEWAY = """import sqlalchemy as sa

from shelf.store import tables


class NoteGateway:
    async def all(self, conn):
        rows = await conn.execute(sa.select(tables.notes))
        return rows.fetchall()

    async def add(self, conn, body):
        return await conn.scalar(sa.insert(tables.notes).values(body=body).returning(tables.notes.c.id))
"""
VIEWS = """from aiohttp import web

routes = web.RouteTableDef()


@routes.get("/notes")
async def notes(request):
    async with request.app["engine"].connect() as conn:
        return web.json_response([dict(r) for r in await request.app["notes"].all(conn)])
"""
APP = """from aiohttp import web
from sqlalchemy.ext.asyncio import create_async_engine

from shelf.handling.gateway import NoteGateway
from shelf.web.views import routes


def make_app():
    app = web.Application()
    app["engine"] = create_async_engine("postgresql+asyncpg://app@postgres/app")
    app["notes"] = NoteGateway()
    app.add_routes(routes)
    return app


web.run_app(make_app())
"""


def _layers(make_project: MakeProject, **more: str) -> dict[str, str]:
    files = {
        "requirements.txt": REQUIREMENTS,
        "shelf/__init__.py": "",
        "shelf/store/__init__.py": "",
        "shelf/store/tables.py": TABLES,
        "shelf/handling/__init__.py": "",
        "shelf/handling/gateway.py": GATEWAY,
        "shelf/web/__init__.py": "",
        "shelf/web/views.py": VIEWS,
        "shelf/main.py": APP,
        **more,
    }
    files = {name: text for name, text in files.items() if text}
    layers: dict[str, str] = inspect_json(make_project, files)["architecture"]["files"]
    return layers


def test_a_gateway_running_core_statements_on_a_handed_connection_is_data_access(
    make_project: MakeProject,
) -> None:
    """Violating on main: the gateway was in no layer."""
    assert _layers(make_project).get("shelf/handling/gateway.py") == "repositories"


def test_statements_on_no_project_tables_show_nothing(make_project: MakeProject) -> None:
    """Clean: the same statements on a table the module makes itself, importing no models module."""
    own = GATEWAY.replace("from shelf.store import tables\n", "").replace("tables.notes", "sa.table('notes')")
    assert "shelf/handling/gateway.py" not in _layers(make_project, **{"shelf/handling/gateway.py": own})


def test_a_handler_building_statements_inline_keeps_its_layer(make_project: MakeProject) -> None:
    """Clean: a view module building the statement itself is routes."""
    inline = VIEWS.replace(
        "from aiohttp import web\n",
        "import sqlalchemy as sa\nfrom aiohttp import web\n\nfrom shelf.store import tables\n",
    )
    inline = inline.replace(
        'await request.app["notes"].all(conn)', "await conn.execute(sa.select(tables.notes))"
    )
    assert _layers(make_project, **{"shelf/web/views.py": inline})["shelf/web/views.py"] == "routes"


ENTITY_STATEMENTS = """import sqlalchemy as sa

from shelf.handling.gateway import NoteGateway
from shelf.store import tables


def entity_notes(body):
    return sa.select(tables.notes).where(tables.notes.c.body == body)
"""


def test_statements_in_a_module_only_its_name_calls_models_are_data_access(make_project: MakeProject) -> None:
    """Violating before: Home Assistant's `logbook/queries/entities.py` builds `select(…)` statements beside
    `common.py`, whose statements made it data access; its file name alone said models, so its import of
    `common.py` was a false upward violation and a cycle. The code's role wins over the name."""
    layers = _layers(make_project, **{"shelf/handling/entities.py": ENTITY_STATEMENTS})
    assert layers["shelf/handling/entities.py"] == "repositories"
    assert layers["shelf/handling/gateway.py"] == "repositories"


def test_a_module_its_name_calls_models_that_defines_tables_stays_models(make_project: MakeProject) -> None:
    """Clean: `entities.py` defining the tables its statements use is models."""
    defines = ENTITY_STATEMENTS.replace(
        "from shelf.store import tables\n",
        "from shelf.store import tables\n\nmeta = sa.MetaData()\n"
        'tags = sa.Table("tags", meta, sa.Column("id", sa.Integer, primary_key=True))\n',
    )
    layers = _layers(make_project, **{"shelf/handling/entities.py": defines})
    assert layers["shelf/handling/entities.py"] == "models"
