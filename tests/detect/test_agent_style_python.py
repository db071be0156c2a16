"""Patterns of agent-style Python apps probed for the paper's tasks (issue 18, docs/accuracy.md "Agent-style Python
apps probed (session 2026-12-06 (10))"), each with a violating and a clean project written for the test:

- an app built by a factory of another module and started there (`app = create_app()` then
  `app.run(port=8080)` in `run.py`): the call is on the factory's app, so its port is read (no TASK009);
- a mapped ORM models module named so in a data-access folder (`infrastructure/models.py`) of a project whose
  models layer has its own folder (`domain/`) is the persistence ring's mapping, no ARCH005; with no models
  folder elsewhere it still is;
- query modules in a folder of their own (`adapters/db/`) inside a folder of another layer (`adapters/` of route
  modules) locate the data-access layer there (no ARCH004); a query module loose in `adapters/` does not;
- a service importing Django's modules that handle no HTTP (`django.db.transaction`, `django.utils.text`,
  `from django.utils import timezone`) is no ARCH003; `django.shortcuts`, `django.http` still are.
"""

from __future__ import annotations

from reports import MakeProject, check, findings_of, inspect_json

FLASK_FACTORY = """from flask import Flask

from shop.routes.items import items


def create_app() -> Flask:
    app = Flask(__name__)
    app.register_blueprint(items, url_prefix="/api")
    return app
"""
FLASK_ROUTES = """from flask import Blueprint, jsonify

from shop.services.items import all_items

items = Blueprint("items", __name__)


@items.get("/health-check")
def health():
    return jsonify(ok=True)


@items.get("/items")
def list_items():
    return jsonify(items=all_items())
"""
FLASK_SERVICE = """from shop.repositories.items import fetch_items


def all_items() -> list[dict]:
    return fetch_items()
"""
FLASK_REPO = """from shop.models.item import Item


def fetch_items() -> list[dict]:
    return [Item(1, "pen").__dict__]
"""
FLASK_MODEL = """from dataclasses import dataclass


@dataclass
class Item:
    id: int
    name: str
"""


def _shop(run: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "flask\n",
        "run.sh": "#!/bin/sh\npython run.py\n",
        "run.py": run,
        "shop/__init__.py": FLASK_FACTORY,
        "shop/routes/__init__.py": "",
        "shop/routes/items.py": FLASK_ROUTES,
        "shop/services/__init__.py": "",
        "shop/services/items.py": FLASK_SERVICE,
        "shop/repositories/__init__.py": "",
        "shop/repositories/items.py": FLASK_REPO,
        "shop/models/__init__.py": "",
        "shop/models/item.py": FLASK_MODEL,
    }


def _port_findings(report: dict) -> list[tuple[str, str]]:
    return [
        (rule, file) for rule, file, _line in findings_of(report, "TASK00") if rule in ("TASK008", "TASK009")
    ]


FACTORY_RUN = """from shop import create_app

app = create_app()

if __name__ == "__main__":
    app.run(host="0.0.0.0", port={port})
"""


def test_the_port_of_an_app_another_module_builds_is_read(make_project: MakeProject) -> None:
    report = check(make_project, _shop(FACTORY_RUN.format(port=5000)), "flask-openapi-clean_architecture")
    assert _port_findings(report) == [("TASK008", "run.py")]
    clean = check(make_project, _shop(FACTORY_RUN.format(port=8080)), "flask-openapi-clean_architecture")
    assert _port_findings(clean) == []


def test_an_untraced_object_still_gives_no_port(make_project: MakeProject) -> None:
    run = "from shop import create_app\n\nserver = make_server()\nserver.run(port=8080)\n"
    report = check(make_project, _shop(run), "flask-openapi-clean_architecture")
    assert _port_findings(report) == [("TASK009", ".")]


ONION_MODELS = """from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class NoteRow(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id"))
"""
ONION_SESSION = """from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

engine = create_async_engine("sqlite+aiosqlite:///notes.db")
Session = async_sessionmaker(engine)
"""
ONION_REPO = """from sqlalchemy import select

from notes.domain.note import Note
from notes.infrastructure.db.models import NoteRow
from notes.infrastructure.db.session import Session


async def notes() -> list[Note]:
    async with Session() as session:
        rows = await session.scalars(select(NoteRow))
        return [Note(r.id, r.text) for r in rows]
"""
ONION_ENTITY = """from dataclasses import dataclass


@dataclass(frozen=True)
class Note:
    id: int
    text: str
"""
ONION_USE_CASE = """from notes.infrastructure.repositories.notes import notes


async def list_notes():
    return await notes()
"""
ONION_API = """from fastapi import APIRouter

from notes.application.list_notes import list_notes

router = APIRouter()


@router.get("/api/notes")
async def all_notes():
    return {"notes": [n.__dict__ for n in await list_notes()]}
"""
ONION_MAIN = """from fastapi import FastAPI

from notes.presentation.api import router

app = FastAPI()
app.include_router(router)
"""


def _notes(with_domain: bool) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "requirements.txt": "fastapi\nsqlalchemy\naiosqlite\n",
        "notes/__init__.py": "",
        "notes/main.py": ONION_MAIN,
        "notes/presentation/__init__.py": "",
        "notes/presentation/api.py": ONION_API,
        "notes/application/__init__.py": "",
        "notes/application/list_notes.py": ONION_USE_CASE,
        "notes/infrastructure/__init__.py": "",
        "notes/infrastructure/db/__init__.py": "",
        "notes/infrastructure/db/models.py": ONION_MODELS,
        "notes/infrastructure/db/session.py": ONION_SESSION,
        "notes/infrastructure/repositories/__init__.py": "",
        "notes/infrastructure/repositories/notes.py": ONION_REPO,
    }
    if with_domain:
        files["notes/domain/__init__.py"] = ""
        files["notes/domain/note.py"] = ONION_ENTITY
    else:
        files["notes/infrastructure/repositories/notes.py"] = ONION_REPO.replace(
            "from notes.domain.note import Note\n", ""
        ).replace("[Note(r.id, r.text) for r in rows]", "[(r.id, r.text) for r in rows]")
    return files


def test_mapped_models_in_a_data_access_folder_beside_a_domain_folder(make_project: MakeProject) -> None:
    report = check(make_project, _notes(with_domain=True), "fastapi-openapi-clean_architecture")
    assert findings_of(report, "ARCH00") == []
    arch = inspect_json(make_project, _notes(with_domain=True))["architecture"]
    assert arch["files"]["notes/infrastructure/db/models.py"] == "models"
    assert arch["evidence"]["notes/infrastructure/db/models.py"] == "code: models"
    assert arch["layers"]["models"] == ["notes/domain"]


def test_mapped_models_with_no_models_folder_elsewhere_are_still_by_name(make_project: MakeProject) -> None:
    report = check(make_project, _notes(with_domain=False), "fastapi-openapi-clean_architecture")
    assert findings_of(report, "ARCH00") == [("ARCH005", "notes/infrastructure/db/models.py", 0)]


ADAPTER_CONNECTION = """import aiosqlite


async def open_db() -> aiosqlite.Connection:
    return await aiosqlite.connect("todo.db")
"""
ADAPTER_STORE = """from todo.entities.task import Task


class TaskStore:
    def __init__(self, db):
        self.db = db

    async def all(self) -> list[Task]:
        async with self.db.execute("SELECT id, title FROM tasks") as cursor:
            return [Task(*row) for row in await cursor.fetchall()]
"""
ADAPTER_HTTP = """from aiohttp import web

from todo.use_cases.tasks import ListTasks


async def tasks(request: web.Request) -> web.Response:
    found = await ListTasks(request.app["store"])()
    return web.json_response({"tasks": [t.__dict__ for t in found]})


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/api/tasks", tasks)
"""
ADAPTER_USE_CASE = """class ListTasks:
    def __init__(self, store):
        self.store = store

    async def __call__(self):
        return await self.store.all()
"""
ADAPTER_ENTITY = """from dataclasses import dataclass


@dataclass
class Task:
    id: int
    title: str
"""
ADAPTER_MAIN = """from aiohttp import web

from {db}.connection import open_db
from {db}.task_store import TaskStore
from todo.adapters.http.tasks import setup_routes


async def on_startup(app: web.Application) -> None:
    app["store"] = TaskStore(await open_db())


app = web.Application()
app.on_startup.append(on_startup)
setup_routes(app)
web.run_app(app, port=8080)
"""


def _todo(db_folder: str) -> dict[str, str | bytes]:
    module = db_folder.replace("/", ".")
    files: dict[str, str | bytes] = {
        "requirements.txt": "aiohttp\naiosqlite\n",
        "main.py": ADAPTER_MAIN.format(db=module),
        "todo/__init__.py": "",
        "todo/adapters/__init__.py": "",
        "todo/adapters/http/__init__.py": "",
        "todo/adapters/http/tasks.py": ADAPTER_HTTP,
        "todo/use_cases/__init__.py": "",
        "todo/use_cases/tasks.py": ADAPTER_USE_CASE,
        "todo/entities/__init__.py": "",
        "todo/entities/task.py": ADAPTER_ENTITY,
        f"{db_folder}/connection.py": ADAPTER_CONNECTION,
        f"{db_folder}/task_store.py": ADAPTER_STORE.replace("todo.entities", "todo.entities"),
    }
    if db_folder != "todo/adapters":
        files[f"{db_folder}/__init__.py"] = ""
    return files


def test_query_modules_in_their_own_folder_inside_adapters(make_project: MakeProject) -> None:
    report = check(make_project, _todo("todo/adapters/db"), "aiohttp-openapi-clean_architecture")
    assert findings_of(report, "ARCH00") == []
    arch = inspect_json(make_project, _todo("todo/adapters/db"))["architecture"]
    assert arch["layers"]["repositories"] == ["todo/adapters/db"]


def test_query_modules_loose_in_adapters_locate_no_layer(make_project: MakeProject) -> None:
    report = check(make_project, _todo("todo/adapters"), "aiohttp-openapi-clean_architecture")
    assert ("ARCH004", ".", 0) in findings_of(report, "ARCH00")


DJANGO_SERVICE = """{imports}
from blog.repositories.posts import PostRepository


class PostService:
    def __init__(self, posts: PostRepository | None = None):
        self.posts = posts or PostRepository()

    def publish(self, title: str) -> dict:
        return self.posts.create(title=title)
"""
DJANGO_REPO = """from blog.models.post import Post


class PostRepository:
    def create(self, **fields) -> dict:
        post = Post.objects.create(**fields)
        return {"id": post.id, "title": post.title}
"""
DJANGO_MODEL = """from django.db import models


class Post(models.Model):
    title = models.CharField(max_length=200)
"""
DJANGO_VIEW = """from django.http import JsonResponse

from blog.services.posts import PostService


def publish(request):
    return JsonResponse(PostService().publish(request.POST["title"]), status=201)
"""
DJANGO_URLS = """from django.urls import path

from blog.views.posts import publish

urlpatterns = [path("api/posts", publish)]
"""


def _blog(imports: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "django\n",
        "manage.py": "from django.core.management import execute_from_command_line\n\nexecute_from_command_line()\n",
        "blog/__init__.py": "",
        "blog/urls.py": DJANGO_URLS,
        "blog/views/__init__.py": "",
        "blog/views/posts.py": DJANGO_VIEW,
        "blog/services/__init__.py": "",
        "blog/services/posts.py": DJANGO_SERVICE.format(imports=imports),
        "blog/repositories/__init__.py": "",
        "blog/repositories/posts.py": DJANGO_REPO,
        "blog/models/__init__.py": "",
        "blog/models/post.py": DJANGO_MODEL,
    }


def test_a_service_using_django_modules_that_handle_no_http(make_project: MakeProject) -> None:
    imports = (
        "from django.db import transaction\nfrom django.utils import timezone\n"
        "from django.utils.text import slugify\nimport django.core.exceptions\n"
    )
    report = check(make_project, _blog(imports), "django-openapi-clean_architecture")
    assert findings_of(report, "ARCH003") == []


def test_a_service_using_djangos_web_modules(make_project: MakeProject) -> None:
    imports = "from django.shortcuts import get_object_or_404\nfrom django.utils import timezone, http\n"
    report = check(make_project, _blog(imports), "django-openapi-clean_architecture")
    assert findings_of(report, "ARCH003") == [
        ("ARCH003", "blog/services/posts.py", 1),
        ("ARCH003", "blog/services/posts.py", 2),
    ]


SETTINGS_CLASS = """from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    {field}: str = "sqlite:///./local.db"
    APP_NAME: str = "ledger"


settings = Settings()
"""
CONFIG_CLASS = """class Config:
    {field} = "sqlite:///./local.db"
    APP_NAME = "ledger"


settings = Config()
"""
LEDGER_DB = """from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from ledger.config import settings

engine = create_engine(settings.{field})
Session = sessionmaker(engine)
"""
LEDGER_MAIN = """from fastapi import FastAPI

from ledger.db import engine

app = FastAPI()


@app.get("/api/health-check")
def health():
    return {"ok": engine is not None}
"""


def _ledger(config: str, field: str, env: bool) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "requirements.txt": "fastapi\nsqlalchemy\npsycopg2-binary\npydantic-settings\n",
        "ledger/__init__.py": "",
        "ledger/config.py": config.format(field=field),
        "ledger/db.py": LEDGER_DB.format(field=field),
        "ledger/main.py": LEDGER_MAIN,
    }
    if env:
        files[".env"] = f"{field.upper()}=postgresql://user:password@postgres:5432/conduit\n"
    return files


DB_TASK = "fastapi-openapi-postgres-sqlalchemy"
SQLITE_TASK = "fastapi-openapi-sqlite-sqlalchemy"


def _database(report: dict) -> list[str]:
    """The database errors (DB004, the switch to SQLite when the variable is unset, is an info)."""
    return [rule for rule, _file, _line in findings_of(report, "DB00") if rule in ("DB001", "DB002")]


def test_an_upper_case_settings_field_default_is_switched_by_its_variable(make_project: MakeProject) -> None:
    # the `.env` the settings class reads sets the variable: PostgreSQL in the harness, SQLite only a fallback
    report = check(make_project, _ledger(SETTINGS_CLASS, "DATABASE_URL", env=True), DB_TASK)
    assert _database(report) == []
    assert report["verdicts"]["database"]["status"] == "pass"


def test_a_settings_field_default_with_no_variable_set_is_db001_only(make_project: MakeProject) -> None:
    for field in ("DATABASE_URL", "database_url"):
        report = check(make_project, _ledger(SETTINGS_CLASS, field, env=False), DB_TASK)
        assert _database(report) == ["DB001"], (field, report["findings"])


def test_a_plain_config_class_attribute_stays_hard_wired(make_project: MakeProject) -> None:
    files = _ledger(CONFIG_CLASS, "SQLALCHEMY_DATABASE_URI", env=True)
    files["ledger/pg.py"] = 'import psycopg2\n\nconn = psycopg2.connect("host=postgres dbname=conduit")\n'
    files["ledger/main.py"] = LEDGER_MAIN.replace(
        "from ledger.db", "import ledger.pg  # noqa: F401\nfrom ledger.db"
    )
    report = check(make_project, files, DB_TASK)
    assert "DB002" in _database(report)


CONTAINER = """from dependency_injector import containers, providers
from sqlalchemy import create_engine

from ledger.repository import EntryRepository


class Container(containers.DeclarativeContainer):
    engine = providers.{provider}({made}, "{url}")
    entries = providers.Factory(EntryRepository, engine=engine)
"""
REPOSITORY = """class EntryRepository:
    def __init__(self, engine):
        self.engine = engine
"""


def _container(provider: str, made: str, url: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "fastapi\nsqlalchemy\ndependency-injector\n",
        "ledger/__init__.py": "",
        "ledger/repository.py": REPOSITORY,
        "ledger/containers.py": CONTAINER.format(provider=provider, made=made, url=url),
        "ledger/main.py": LEDGER_MAIN.replace(
            "from ledger.db import engine", "from ledger.containers import Container"
        ).replace("engine is not None", "Container.engine is not None"),
    }


def test_a_connection_a_dependency_injector_provider_makes(make_project: MakeProject) -> None:
    report = check(make_project, _container("Singleton", "create_engine", "sqlite:///ledger.db"), SQLITE_TASK)
    assert _database(report) == []
    other = check(
        make_project,
        _container("Singleton", "create_engine", "postgresql://u:p@postgres/conduit"),
        SQLITE_TASK,
    )
    assert _database(other) == ["DB001"]


def test_a_provider_of_something_else_connects_nothing(make_project: MakeProject) -> None:
    report = check(make_project, _container("Factory", "dict", "sqlite:///ledger.db"), SQLITE_TASK)
    assert _database(report) == ["DB001"]
