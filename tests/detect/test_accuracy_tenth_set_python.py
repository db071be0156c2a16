"""Python patterns of issue 18 met in the tenth unseen set (docs/accuracy.md "The tenth set's Python patterns
(session 2026-12-05 (7))"), each with a violating (or missed) case and a clean one, on small projects written for
the tests:

- An `assert` on a setting read from the environment, run as the settings module is imported (`assert
  DATABASE_URI, "…"`), stops the app where the variable is unset, as a `raise` under `if not …:` does.
- A start-up check over a list of names — `for name in REQUIRED: if not os.getenv(name): raise …`, `missing =
  [n for n in REQUIRED if not os.environ.get(n)]` then `if missing: raise …`, the unset names appended in such a
  loop, or `assert os.getenv(name)` in it — requires every name of the list.
- A statement assigned to a local name and run on a connection no import explains (`query = "select …"` then
  `await connection.fetchrow(query, id)`, the connection from a project wrapper of an asyncpg pool) is raw SQL.
- Settings made on both sides of an `if` on variables being set (`if os.environ.get("DATABASE_URL") or
  os.environ.get("USE_POSTGRES"): … else: …`) hold only on the side the harness's variables take.
- A Gino engine handed in (`engine: gino.GinoEngine`) is a client: the class querying through it is data
  access; a module that opens the engine only to build that class with it (`TaskProvider(engine)`) wires the
  app and is in no layer.
"""

from __future__ import annotations

import pytest
from reports import (
    FLASK_POSTGRES_TASK,
    MakeProject,
    check,
    database_status,
    evidence_of,
    flask_postgres_app,
    inspect_json,
    layers_of,
    only,
)


def _stops_on_api_token(make_project: MakeProject, check_code: str) -> None:
    report = check(make_project, flask_postgres_app(check_code), FLASK_POSTGRES_TASK)
    db001 = only(report, "DB001")
    assert db001["harness_engines"] == []
    assert "config.py" in db001["message"] and "$API_TOKEN" in db001["message"]


# -- an assert at import ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "check_code",
    [
        'assert API_TOKEN, "API_TOKEN must be set"',
        "assert API_TOKEN is not None",
        'def validate():\n    assert API_TOKEN, "unset"\n\n\nvalidate()\n',
    ],
    ids=["module-level", "is-not-none", "in-a-function-run-at-import"],
)
def test_an_assert_at_import_stops_the_app_on_an_unset_variable(
    make_project: MakeProject, check_code: str
) -> None:
    _stops_on_api_token(make_project, check_code)


@pytest.mark.parametrize(
    "check_code",
    [
        "assert LOG_LEVEL",  # has a default
        'def validate():\n    assert API_TOKEN, "unset"\n',  # never called
        'if __name__ == "__main__":\n    assert API_TOKEN\n',  # run as a program only
        'assert API_TOKEN == "x" or True',  # no test of the variable alone
    ],
    ids=["default", "never-called", "main-only", "expression"],
)
def test_an_assert_that_cannot_stop_the_app_in_the_harness(
    make_project: MakeProject, check_code: str
) -> None:
    assert database_status(check(make_project, flask_postgres_app(check_code), FLASK_POSTGRES_TASK)) == "pass"


# -- a check over a list of names ---------------------------------------------------------------------

LOOP = """REQUIRED = ["API_TOKEN", "LOG_LEVEL"]
for name in REQUIRED:
    if not os.getenv(name):
        raise RuntimeError(f"{name} must be set")
"""
COMPREHENSION = """REQUIRED_VARS = ("API_TOKEN", "LOG_LEVEL")
missing = [name for name in REQUIRED_VARS if not os.environ.get(name)]
if missing:
    raise RuntimeError(f"missing: {', '.join(missing)}")
"""
APPENDED = """def check_environment():
    missing = []
    for name in {"API_TOKEN": "the API's token"}:
        if name not in os.environ:
            missing.append(name)
    if len(missing) > 0:
        raise EnvironmentError(missing)


check_environment()
"""
ASSERTED = """for name in ("API_TOKEN",):
    assert os.getenv(name), f"{name} must be set"
"""


@pytest.mark.parametrize(
    "check_code",
    [LOOP, COMPREHENSION, APPENDED, ASSERTED],
    ids=["loop", "comprehension", "appended", "asserted"],
)
def test_a_check_over_a_list_of_names_requires_each(make_project: MakeProject, check_code: str) -> None:
    _stops_on_api_token(make_project, check_code)


@pytest.mark.parametrize(
    "check_code",
    [
        LOOP.replace("os.getenv(name)", 'os.getenv(name, "set")'),  # a default the test passes
        LOOP.replace("not os.getenv(name)", 'os.getenv(name) == "prod"'),  # a comparison
        # names the code does not show (the helper defined: an undefined name would stop the app at import)
        "def load_names():\n    return NAMES\n\n\nNAMES = []\n"
        + LOOP.replace('["API_TOKEN", "LOG_LEVEL"]', "load_names()"),
        "def check():\n    " + COMPREHENSION.replace("\n", "\n    "),  # never called
        COMPREHENSION.replace("if missing:", "if not missing:"),  # raises when all are set
        # another list (defined: an undefined name would stop the app at import)
        "from string import ascii_letters as other\n"
        + LOOP.replace("REQUIRED = [", "OPTIONAL = [").replace("in REQUIRED", "in other"),
    ],
    ids=["default", "comparison", "computed", "never-called", "inverted", "unknown-list"],
)
def test_a_check_over_a_list_that_cannot_stop_the_app(make_project: MakeProject, check_code: str) -> None:
    assert database_status(check(make_project, flask_postgres_app(check_code), FLASK_POSTGRES_TASK)) == "pass"


# -- a statement in a local name on an untraced connection --------------------------------------------

WRAPPER = """from contextlib import asynccontextmanager

import asyncpg


class Postgres:
    def __init__(self):
        self._pool = None

    async def connect(self, url):
        self._pool = await asyncpg.create_pool(url)

    @asynccontextmanager
    async def get_connection(self):
        async with self._pool.acquire() as connection:
            yield connection


postgres = Postgres()
"""
REPOSITORY = """from app.database import Postgres


class Repository:
    def __init__(self, postgres: Postgres):
        self.postgres = postgres

    async def select_operation(self, operation_id: int):
        query = \"\"\"
            select id, description
            from operation
            where id = $1
        \"\"\"
        async with self.postgres.get_connection() as connection:
            return await connection.fetchrow(query, operation_id)

    async def insert_operation(self, description: str) -> None:
        query = "insert into operation (description) values ($1)"
        async with self.postgres.get_connection() as connection:
            await connection.execute(query, description)
"""
ROUTER = """from fastapi import APIRouter, FastAPI

from app.repository import Repository
from app.database import postgres

app = FastAPI()
router = APIRouter()


@router.get("/operations/{operation_id}")
async def get_operation(operation_id: int):
    return await Repository(postgres).select_operation(operation_id)


app.include_router(router)
"""


def _operations(repository: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "fastapi\nasyncpg\n",
        "app/__init__.py": "",
        "app/database.py": WRAPPER,
        "app/repository.py": repository,
        "app/main.py": ROUTER,
    }


def _sql(report: dict[str, object]) -> list[tuple[str, int, str]]:
    orm = report["orm"]
    assert isinstance(orm, dict)
    return sorted((r["file"], r["line"], r["statement"]) for r in orm["raw_sql"])


def test_a_statement_in_a_local_name_run_on_an_untraced_connection_is_raw_sql(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _operations(REPOSITORY))
    assert _sql(report) == [("app/repository.py", 15, "SELECT"), ("app/repository.py", 20, "INSERT")]


@pytest.mark.parametrize(
    "replace",
    [
        ("insert into operation (description) values ($1)", "operation stored"),  # a message, no SQL
        ('"insert into operation (description) values ($1)"', "build_statement()"),  # not a literal
    ],
    ids=["no-sql", "computed"],
)
def test_a_local_name_holding_no_statement_is_no_raw_sql(
    make_project: MakeProject, replace: tuple[str, str]
) -> None:
    report = inspect_json(make_project, _operations(REPOSITORY.replace(*replace)))
    assert _sql(report) == [("app/repository.py", 15, "SELECT")]


# -- settings on both sides of an `if` on variables being set -----------------------------------------

BRANCHES = """import os

if os.environ.get("DATABASE_URL") or os.environ.get("USE_POSTGRES"):
    SQLALCHEMY_DATABASE_URI = "postgresql://user:password@postgres:5432/conduit"
else:
    SQLALCHEMY_DATABASE_URI = "sqlite:///conduit.db"
"""
IN_ENVIRON = '"USE_PG" in os.environ'
REVERSED = """import os

if os.getenv("USE_SQLITE"):
    SQLALCHEMY_DATABASE_URI = "sqlite:///conduit.db"
else:
    SQLALCHEMY_DATABASE_URI = "postgresql://user:password@postgres:5432/conduit"
"""
FLASK_APP = """from flask import Flask
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config.from_object("settings")
db = SQLAlchemy(app)
"""


def _flask(settings: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "flask\nflask-sqlalchemy\npsycopg2-binary\n",
        "app.py": FLASK_APP,
        "settings.py": settings,
    }


@pytest.mark.parametrize(
    "settings",
    [
        BRANCHES,
        BRANCHES.replace('os.environ.get("DATABASE_URL") or os.environ.get("USE_POSTGRES")', IN_ENVIRON),
    ],
    ids=["or", "in-environ"],
)
def test_settings_on_the_side_of_variables_set_do_not_hold_in_the_harness(
    make_project: MakeProject, settings: str
) -> None:
    db001 = only(check(make_project, _flask(settings), FLASK_POSTGRES_TASK), "DB001")
    assert db001["harness_engines"] == ["sqlite"]


@pytest.mark.parametrize(
    "settings",
    [
        REVERSED,  # PostgreSQL unless a variable asks for SQLite
        # one side only: what runs where it is not taken is the earlier setting
        'import os\n\nSQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "postgresql://u:p@pg/app")\n'
        'if os.environ.get("CI"):\n    SQLALCHEMY_DATABASE_URI = "postgresql://ci:ci@localhost/ci"\n',
    ],
    ids=["postgres-by-default", "one-side"],
)
def test_settings_whose_harness_side_is_postgres_pass(make_project: MakeProject, settings: str) -> None:
    assert database_status(check(make_project, _flask(settings), FLASK_POSTGRES_TASK)) == "pass"


# -- Gino: an engine handed in, and a module opening it to build the provider ------------------------

PROVIDER = """import gino

from . import entities


class TaskProvider:
    def __init__(self, engine: gino.GinoEngine):
        self._engine: gino.GinoEngine = engine

    async def get(self, identifier):
        query = entities.Task.query.where(entities.Task.id == identifier)
        async with self._engine.acquire() as conn:
            return await conn.first(query)
"""
CONTEXT = """import gino

import configs
from database.task_provider import TaskProvider

task_provider = None


async def initialize():
    global task_provider
    engine = await gino.create_engine(configs.DATABASE_URI)
    task_provider = TaskProvider(engine)
"""


def _tasks(context: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\ngino\nasyncpg\n",
        "configs.py": 'import os\n\nDATABASE_URI = os.environ.get("DATABASE_URI", "postgresql://u:p@db/tasks")\n',
        "database/__init__.py": "",
        "database/entities.py": "import gino\n\ndb = gino.Gino()\n\n\nclass Task(db.Model):\n    __tablename__ = 'tasks'\n",
        "database/task_provider.py": PROVIDER,
        "worker/__init__.py": "",
        "worker/context.py": context,
        "worker/main.py": "import asyncio\n\nfrom worker import context\n\nasyncio.run(context.initialize())\n",
    }


def test_a_module_opening_an_engine_only_to_build_the_provider_wires_the_app(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _tasks(CONTEXT))
    layers = layers_of(report)
    assert layers["database/task_provider.py"] == "repositories"  # queries through the engine handed in
    assert "worker/context.py" not in layers
    assert evidence_of(report)["worker/context.py"] == "composition root"


def test_a_module_using_the_engine_it_opens_is_data_access(make_project: MakeProject) -> None:
    using = CONTEXT + "\n\nasync def ping():\n    engine = await gino.create_engine(configs.DATABASE_URI)\n"
    using += "    async with engine.acquire() as conn:\n        return await conn.scalar('SELECT 1 + 1')\n"
    assert layers_of(inspect_json(make_project, _tasks(using)))["worker/context.py"] == "repositories"


REST_CONTEXT = """import aiohttp.web
import gino

import configs
from database.task_provider import TaskProvider

task_provider = None


async def initialize(app: aiohttp.web.Application):
    global task_provider
    engine = await gino.create_engine(configs.DATABASE_URI)
    task_provider = TaskProvider(engine)
"""
REST_APP = """from aiohttp import web

from rest import context

app = web.Application()
app.on_startup.append(context.initialize)
routes = web.RouteTableDef()


@routes.get("/tasks/{id}")
async def get_task(request):
    return web.json_response(await context.task_provider.get(request.match_info["id"]))


app.add_routes(routes)
"""


def _rest(context: str) -> dict[str, str | bytes]:
    files = _tasks(CONTEXT)
    files.update({"rest/__init__.py": "", "rest/context.py": context, "rest/app.py": REST_APP})
    return files


def test_a_container_typing_the_app_with_a_whole_module_import_is_no_request_handler(
    make_project: MakeProject,
) -> None:
    """`import aiohttp.web` only to annotate the start-up hook's app: the module's code decides, not `rest/`."""
    report = inspect_json(make_project, _rest(REST_CONTEXT))
    assert "rest/context.py" not in layers_of(report)
    assert evidence_of(report)["rest/context.py"] == "composition root"


def test_a_module_calling_the_framework_module_handles_requests(make_project: MakeProject) -> None:
    answering = REST_CONTEXT + "\n\nasync def health(request):\n    return aiohttp.web.json_response({})\n"
    assert layers_of(inspect_json(make_project, _rest(answering)))["rest/context.py"] == "routes"
