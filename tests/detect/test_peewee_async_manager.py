"""peewee-async's query manager (issue 18, the eighty-first set): `objects = peewee_async.Manager(database)` in
`db_settings.py` runs every query the views make (`await objects.get(User, …)`), so the module is data access and the
views importing it bypass the services; the module making only the database object stays the ORM's handle."""

from __future__ import annotations

from reports import MakeProject, inspect_json

REQUIREMENTS = "aiohttp==3.9.5\npeewee==3.17.0\npeewee-async==0.10.0\naiopg==1.4.0\n"
APP = """from aiohttp import web
from src.views import list_users

app = web.Application()
app.router.add_get("/users", list_users)

if __name__ == "__main__":
    web.run_app(app, port=8080)
"""
DB_DATA = """import peewee_async

database = peewee_async.PostgresqlDatabase("chat", user="chat", host="db")
"""
DB_SETTINGS = """import peewee_async
from src.db_data import database

objects = peewee_async.Manager(database)
"""
VIEWS = """from aiohttp import web
from src.db_settings import objects
from src.models import User


async def list_users(request):
    users = await objects.execute(User.select())
    return web.json_response([u.name for u in users])
"""
MODELS = """import peewee
from src.db_data import database


class User(peewee.Model):
    name = peewee.CharField()

    class Meta:
        database = database
"""


def _report(make_project: MakeProject, settings: str = DB_SETTINGS) -> dict:  # type: ignore[type-arg]
    files = {
        "requirements.txt": REQUIREMENTS,
        "app.py": APP,
        "src/__init__.py": "",
        "src/db_data.py": DB_DATA,
        "src/db_settings.py": settings,
        "src/views.py": VIEWS,
        "src/models.py": MODELS,
    }
    return inspect_json(make_project, files)


def test_the_query_manager_module_is_data_access(make_project: MakeProject) -> None:
    architecture = _report(make_project)["architecture"]
    assert architecture["files"]["src/db_settings.py"] == "repositories"
    bypasses = {(v["file"], v["target"]) for v in architecture["violations"] if v["kind"] == "bypass"}
    assert ("src/views.py", "src/db_settings.py") in bypasses


def test_the_database_object_alone_is_no_data_access(make_project: MakeProject) -> None:
    architecture = _report(make_project)["architecture"]
    assert architecture["files"].get("src/db_data.py", "none") != "repositories"
