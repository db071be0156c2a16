"""Patterns of the thirtieth and thirty-first unseen labelled sets' Python halves (issue 18, docs/accuracy.md
"The thirtieth and thirty-first sets' Python disagreements"), each with a violating and a clean project (or
source) written for the test:

- a statement whose select list ends in a hole (`… AS geom {cols} FROM …`) is complete, and aiopg.sa's
  `conn.scalar(…)` runs SQL, also on an engine taken from an app's state;
- djongo's `models` is Django's ORM.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json, layers_of

from cdverify.model import Template
from cdverify.sql.classify import SqlKind, classify

# -- a select list ending in a hole; aiopg.sa's scalar ----------------------------------------------------------

AIOHTTP_MAIN = """from aiohttp import web

from db import close_pg, init_pg
from routes import setup_routes

app = web.Application()
setup_routes(app)
app.on_startup.append(init_pg)
app.on_cleanup.append(close_pg)
web.run_app(app)
"""
AIOHTTP_DB = """import aiopg.sa


async def init_pg(app):
    engine = await aiopg.sa.create_engine(database="maps", user="maps", host="localhost")
    app["db"] = engine


async def close_pg(app):
    app["db"].close()
    await app["db"].wait_closed()
"""
AIOHTTP_ROUTES = """from views import get_shape


def setup_routes(app):
    app.router.add_get("/shapes/{layer}/{id}", get_shape)
"""
AIOHTTP_VIEWS = """from aiohttp import web

from shape_reader import ShapeReader


async def get_shape(request):
    body = await ShapeReader(request.app).read(**request.match_info)
    return web.Response(body=body)
"""
SHAPE_READER = """class ShapeReader:
    def __init__(self, app):
        self.db = app["db"]

    async def read(self, layer, id, extra_columns=None):
        extra = ", " + ", ".join(extra_columns) if extra_columns else ""
        query = f\"\"\"
            SELECT ST_AsGeoJSON(geometry) AS shape
                {extra}
            FROM {layer}
            WHERE id = {id}
        \"\"\"
        async with self.db.acquire() as conn:
            return await conn.scalar(QUERY)
"""


def _aiohttp(query: str) -> dict[str, str | bytes]:
    return {
        "main.py": AIOHTTP_MAIN,
        "db.py": AIOHTTP_DB,
        "routes.py": AIOHTTP_ROUTES,
        "views.py": AIOHTTP_VIEWS,
        "shape_reader.py": SHAPE_READER.replace("QUERY", query),
    }


def test_a_query_run_with_scalar_on_an_engine_from_the_app_state(make_project: MakeProject) -> None:
    """Violating on main: `conn.scalar(query)` was no sink and the f-string's `{extra}` after `AS shape` made
    the statement a fragment: no raw SQL, no data-access layer for the reader, no bypass from the view."""
    report = inspect_json(make_project, _aiohttp("query"))
    sites = [(site["file"], site["line"]) for site in report["orm"]["raw_sql"]]
    assert sites == [("shape_reader.py", 14)]
    assert layers_of(report)["shape_reader.py"] == "repositories"
    violations = [(v["file"], v["line"], v["kind"]) for v in report["architecture"]["violations"]]
    assert ("views.py", 3, "bypass") in violations


def test_scalar_of_a_string_that_is_no_statement_is_no_sql(make_project: MakeProject) -> None:
    """Clean: `scalar` on an untraced object counts only a complete statement."""
    report = inspect_json(make_project, _aiohttp('"shape of the layer"'))
    assert report["orm"]["raw_sql"] == []


@pytest.mark.parametrize(
    ("head", "tail"),
    [
        ("SELECT ST_AsMVTGeom(geom, 3857) AS geom\n    ", "\n  FROM shapes WHERE id = 1"),
        ("SELECT id, name AS label ", " FROM shapes"),
    ],
)
def test_a_select_list_ending_in_a_hole_is_a_statement(head: str, tail: str) -> None:
    """Violating on main: a hole after an aliased column (`, a, b` joined at run time) made it a fragment."""
    result = classify(Template((head, tail)), at_sink=True)
    assert result.kind is SqlKind.STATEMENT
    assert result.tables == ("shapes",)


@pytest.mark.parametrize(
    ("head", "tail"), [("SELECT id, name AS label ", ""), ("pick a name as label ", " from a list")]
)
def test_a_select_list_hole_without_a_from_stays_a_piece(head: str, tail: str) -> None:
    """Clean: dropping the hole completes only what was a statement already."""
    assert classify(Template((head, tail)), at_sink=True).kind is not SqlKind.STATEMENT


# -- djongo -------------------------------------------------------------------------------------------------------

DJONGO_MODELS = """from djongo import models


class Workout(models.Model):
    _id = models.ObjectIdField()
    name = models.CharField(max_length=100)
"""


def test_djongo_models_are_the_django_orm(make_project: MakeProject) -> None:
    """Violating on main: `from djongo import models` named no known library."""
    files = {
        "tracker/__init__.py": "",
        "tracker/models.py": DJONGO_MODELS,
        "tracker/views.py": "from .models import Workout\n\n\ndef workouts(request):\n    return Workout.objects.all()\n",
    }
    report = inspect_json(make_project, files)
    assert report["orm"]["libraries"] == ["django"]
    assert layers_of(report)["tracker/models.py"] == "models"


def test_djongo_alone_is_no_orm(make_project: MakeProject) -> None:
    """Clean: djongo's other modules (its SQL-to-Mongo compiler) define no model."""
    files = {
        "tracker/__init__.py": "",
        "tracker/mongo.py": "from djongo.sql2mongo import query\n\nQ = query\n",
    }
    assert inspect_json(make_project, files)["orm"]["libraries"] == []
