"""Layer patterns of the thirty-fourth unseen labelled set (issue 18, docs/accuracy.md "The thirty-fourth
set's disagreements"), each with violating and clean projects written for the test:

- a file in a services folder whose own name names a data layer (`Services/CourseModel.ts`, a PascalCase
  word of `[roles] data_class_suffixes`; `services/course_repository.py`) and whose code runs queries is
  data access: its name and its code agree against the folder. One named a service, or named for no layer,
  that queries stays a service.
- `from aiohttp import web` (the framework module holding the app class) in a module that only types the
  app with it (`def __init__(self, app: web.Application)`) handles no request, as `import aiohttp.web`
  already did not: the module opening the session factory is data access. One calling `web.json_response`
  handles requests.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, evidence_of, inspect_json, layer_violations, layers_of

PACKAGE = '{"name": "school", "dependencies": {"koa": "^2.13.0", "@koa/router": "^10.1.0", "pg": "^8.7.0"}}'
SERVER = """import Koa from "koa";
import { router } from "./Router/Router";

const app = new Koa();
app.use(router.routes());
app.listen(3000);
"""
ROUTER = """import Router from "@koa/router";
import { listCourses } from "../Controller/CourseController";

export const router = new Router();
router.get("/courses", listCourses);
"""
CONTROLLER = """import * as koa from "koa";
import * as courses from "../Services/%s";

export const listCourses = async (ctx: koa.Context) => {
    ctx.body = await courses.getCourses();
};
"""
CLIENT = """import { Pool } from "pg";

export const client = new Pool({ host: process.env.DBHOST, database: process.env.DATABASE });
"""
QUERIES = """import { client } from "../Database/Client";

export const getCourses = async () => {
    return (await client.query("SELECT * FROM course ORDER BY id")).rows;
};
"""
RULES = """import { client } from "../Database/Client";

export const getCourses = async () => {
    const rows = (await client.query("SELECT * FROM course ORDER BY id")).rows;
    return rows.filter((row: { open: boolean }) => row.open);
};
"""


def _koa(module: str, body: str) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "src/server.ts": SERVER,
        "src/Router/Router.ts": ROUTER,
        "src/Controller/CourseController.ts": CONTROLLER % module,
        "src/Database/Client.ts": CLIENT,
        f"src/Services/{module}.ts": body,
    }


def test_a_model_named_query_module_in_a_services_folder_is_data_access(make_project: MakeProject) -> None:
    """Violating on main: the `Services/` folder kept the query module a service (a file in a services
    folder that also queries stays one), so the controller's import of it was no bypass."""
    report = inspect_json(make_project, _koa("CourseModel", QUERIES))
    assert layers_of(report)["src/Services/CourseModel.ts"] == "repositories"
    assert evidence_of(report)["src/Services/CourseModel.ts"] == "code: queries"
    assert (
        "bypass",
        "src/Controller/CourseController.ts",
        "src/Services/CourseModel.ts",
    ) in layer_violations(report)


@pytest.mark.parametrize("module", ["CourseService", "Courses"])
def test_a_service_or_unnamed_module_querying_in_a_services_folder_stays_a_service(
    make_project: MakeProject, module: str
) -> None:
    """Clean: named a service, or for no layer, the querying module keeps its folder's layer, and the
    controller calling it is allowed."""
    report = inspect_json(make_project, _koa(module, RULES))
    assert layers_of(report)[f"src/Services/{module}.ts"] == "services"
    assert not [v for v in layer_violations(report) if v[1] == "src/Controller/CourseController.ts"]


def test_a_model_word_alone_places_no_file(make_project: MakeProject) -> None:
    """Clean: where the code says nothing (a `LanguageModel.ts` of constants), the word `Model` moves no
    file: in a services folder it stays a service, elsewhere it takes no layer."""
    files = _koa("CourseModel", QUERIES)
    files["src/Services/LanguageModel.ts"] = 'export const LANGUAGES = ["en", "fr"];\n'
    files["src/lib/LanguageModel.ts"] = 'export const LANGUAGES = ["en", "fr"];\n'
    layers = layers_of(inspect_json(make_project, files))
    assert layers["src/Services/LanguageModel.ts"] == "services"
    assert "src/lib/LanguageModel.ts" not in layers


PY_REPOSITORY = """from app.db import pool


def get_course(course_id):
    with pool.connection() as conn:
        return conn.execute("SELECT * FROM course WHERE id = %s", (course_id,)).fetchone()
"""
PY_DB = """from psycopg_pool import ConnectionPool

pool = ConnectionPool("dbname=school")
"""
PY_ROUTES = """from flask import Blueprint, jsonify

from app.services.%s import get_course

bp = Blueprint("courses", __name__)


@bp.route("/courses/<int:course_id>")
def course(course_id):
    return jsonify(get_course(course_id))
"""
PY_APP = """from flask import Flask

from app.routes.courses import bp

app = Flask(__name__)
app.register_blueprint(bp)
"""


def _flask(module: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "flask\npsycopg[pool]\n",
        "app/__init__.py": "",
        "app/main.py": PY_APP,
        "app/db.py": PY_DB,
        "app/routes/__init__.py": "",
        "app/routes/courses.py": PY_ROUTES % module,
        "app/services/__init__.py": "",
        f"app/services/{module}.py": PY_REPOSITORY,
    }


def test_a_repository_named_module_in_a_services_folder_is_data_access(make_project: MakeProject) -> None:
    """Violating on main: `services/course_repository.py` running SQL stayed a service by its folder."""
    report = inspect_json(make_project, _flask("course_repository"))
    assert layers_of(report)["app/services/course_repository.py"] == "repositories"
    assert ("bypass", "app/routes/courses.py", "app/services/course_repository.py") in layer_violations(
        report
    )


def test_a_service_named_module_in_a_services_folder_stays_a_service(make_project: MakeProject) -> None:
    """Clean: `services/course_service.py` running the same SQL stays a service."""
    report = inspect_json(make_project, _flask("course_service"))
    assert layers_of(report)["app/services/course_service.py"] == "services"
    assert not [v for v in layer_violations(report) if v[1] == "app/routes/courses.py"]


AIOHTTP_MAIN = """from aiohttp import web

from database.connect import Database
from app.routes import setup_routes

app = web.Application()
app["db"] = Database(app)
setup_routes(app)

if __name__ == "__main__":
    web.run_app(app)
"""
AIOHTTP_ROUTES = """from aiohttp import web

from app import views


def setup_routes(application: web.Application):
    application.router.add_get("/notes", views.notes)
"""
AIOHTTP_VIEWS = """from aiohttp import web
from sqlalchemy import text

from database.connect import Database


async def notes(request: web.Request):
    db: Database = request.app["db"]
    async with db.session() as session:
        rows = (await session.execute(text("SELECT id FROM note"))).all()
    return web.json_response([row.id for row in rows])
"""
AIOHTTP_CONNECT = """from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine


class Database:
    def __init__(self, application: web.Application):
        self.url = application["config"]["database_url"]

    def session(self):
        return async_sessionmaker(bind=create_async_engine(self.url))()
%s"""
HEALTH = """

async def health(request):
    return web.json_response({"ok": True})
"""


def _aiohttp(connect: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\nsqlalchemy\nasyncpg\n",
        "main.py": AIOHTTP_MAIN,
        "app/__init__.py": "",
        "app/routes.py": AIOHTTP_ROUTES,
        "app/views.py": AIOHTTP_VIEWS,
        "database/__init__.py": "",
        "database/connect.py": connect,
    }


def test_a_module_typing_the_app_with_from_aiohttp_import_web_is_data_access(
    make_project: MakeProject,
) -> None:
    """Violating on main: `from aiohttp import web` counted as handling requests although the module only
    annotates the app with it, so the session factory's module took no layer and the view's import of it
    was no bypass."""
    report = inspect_json(make_project, _aiohttp(AIOHTTP_CONNECT % ""))
    assert layers_of(report)["database/connect.py"] == "repositories"
    assert ("bypass", "app/views.py", "database/connect.py") in layer_violations(report)


def test_a_module_answering_with_web_handles_requests(make_project: MakeProject) -> None:
    """Clean: the same module also answering a request (`web.json_response`) handles requests: its data
    access is inline and its path (naming no layer) gives it none."""
    report = inspect_json(make_project, _aiohttp(AIOHTTP_CONNECT % HEALTH))
    assert layers_of(report).get("database/connect.py") != "repositories"
    assert not [v for v in layer_violations(report) if v[2] == "database/connect.py"]


VALIDATOR = """from aiohttp import web

from app.views import notes


class RequestValidator:
    def __init__(self, schema: dict) -> None:
        self.schema = schema

    def __call__(self, method):
        async def wrapper(view, request: web.Request, *args):
            data = await request.json()
            return await method(view, request, data, *args)

        return wrapper
"""


def test_a_request_wrapper_typed_with_from_aiohttp_import_web_is_no_use_case(
    make_project: MakeProject,
) -> None:
    """Clean (a regression caught on Home Assistant's http/data_validator.py): a class with `__call__` in a
    routes folder whose only framework import, `from aiohttp import web`, types the requests it wraps is no
    use case — the from-import that names the app's type for a data-access module does not make a request
    wrapper framework-free — so it keeps its folder's layer and no ARCH003 says a service imports aiohttp."""
    files = {
        **_aiohttp(AIOHTTP_CONNECT % ""),
        "app/http/__init__.py": "",
        "app/http/validators.py": VALIDATOR,
    }
    report = inspect_json(make_project, files)
    assert layers_of(report)["app/http/validators.py"] == "routes"
    assert not [v for v in layer_violations(report) if v[1] == "app/http/validators.py"]
