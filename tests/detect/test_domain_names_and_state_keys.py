"""Two readings of the aiohttp DDD layout (issue 18, session (20), sergeyklay/cityhive):

- in a folder of the models layer (`domain/hive/`, an aggregate's folder), a file whose lower-case name names a
  middle layer is in that layer (`domain/hive/service.py`: services, `domain/hive/repository.py`: data access),
  as a file named for another layer is inside a routes folder; an entity's class file named like a layer word
  (`domain/Route.ts`, `models/AppointmentService.ts`) stays in the models;
- a module whose every call makes a typed key of aiohttp's app state (`web.AppKey("db", async_sessionmaker)`)
  and that defines no class holds the keys every layer reads: no layer, so a view importing it bypasses
  nothing, and the keys' import of the services is no upward import."""

from __future__ import annotations

from reports import MakeProject, inspect_json

MODELS = """from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Hive(Base):
    __tablename__ = "hives"
    id: Mapped[int] = mapped_column(primary_key=True)
"""
REPOSITORY = """from sqlalchemy import select

from app.domain.models import Hive


class HiveRepository:
    def __init__(self, session):
        self.session = session

    async def all(self):
        return (await self.session.execute(select(Hive))).scalars().all()
"""
SERVICE = """from app.domain.hive.repository import HiveRepository


class HiveService:
    def __init__(self, session):
        self.repository = HiveRepository(session)

    async def list_hives(self):
        return await self.repository.all()
"""
KEYS = """from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker

from app.domain.hive.service import HiveService

db_key = web.AppKey("db", async_sessionmaker)
hive_service_key = web.AppKey("hive_service", HiveService)
"""
VIEWS = """from aiohttp import web

from app.infrastructure.typedefs import hive_service_key


async def list_hives(request):
    hives = await request.app[hive_service_key].list_hives()
    return web.json_response([h.id for h in hives])
"""
MAIN = """from aiohttp import web

from app.views import list_hives

app = web.Application()
app.router.add_get("/hives", list_hives)
web.run_app(app)
"""


def _files(keys: str = KEYS) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\nsqlalchemy\n",
        "app/__init__.py": "",
        "app/main.py": MAIN,
        "app/views.py": VIEWS,
        "app/domain/__init__.py": "",
        "app/domain/models.py": MODELS,
        "app/domain/hive/__init__.py": "",
        "app/domain/hive/repository.py": REPOSITORY,
        "app/domain/hive/service.py": SERVICE,
        "app/infrastructure/__init__.py": "",
        "app/infrastructure/typedefs.py": keys,
    }


def test_files_of_an_aggregate_folder_take_their_names_layers(make_project: MakeProject) -> None:
    files = inspect_json(make_project, _files())["architecture"]["files"]
    assert files["app/domain/hive/service.py"] == "services"
    assert files["app/domain/hive/repository.py"] == "repositories"
    assert files["app/domain/models.py"] == "models"


def test_an_entity_named_like_a_layer_word_stays_a_model(make_project: MakeProject) -> None:
    entity = "export class Route {\n  constructor(public id: string, public distance: number) {}\n}\n"
    service = "export class AppointmentService {\n  constructor(public name: string, public minutes: number) {}\n}\n"
    project = {
        "package.json": '{"dependencies": {"express": "^4"}}',
        "src/domain/Route.ts": entity,
        "src/domain/AppointmentService.ts": service,
        "src/domain/user_service.ts": "export const greet = (name: string) => `hello ${name}`;\n",
        "src/server.ts": "import express from 'express';\nconst app = express();\napp.listen(3000);\n",
    }
    files = inspect_json(make_project, project)["architecture"]["files"]
    assert files["src/domain/Route.ts"] == "models"
    assert files["src/domain/AppointmentService.ts"] == "models"
    assert files["src/domain/user_service.ts"] == "services"


def test_a_module_of_app_state_keys_is_in_no_layer(make_project: MakeProject) -> None:
    architecture = inspect_json(make_project, _files())["architecture"]
    assert "app/infrastructure/typedefs.py" not in architecture["files"]
    assert architecture["violations"] == []


def test_keys_beside_code_of_its_own_keep_the_folder(make_project: MakeProject) -> None:
    keys = KEYS + "\n\nclass Registry:\n    pass\n"
    files = inspect_json(make_project, _files(keys))["architecture"]["files"]
    assert files["app/infrastructure/typedefs.py"] == "repositories"
