"""A setup function the composition root hands the app to (issue 18, session (20)): the aiohttp layout of
`main.py` making `app = Application()` and calling `setup_app(app=app, config_path=…)` of `app/web/app.py`,
which hands the app on to `setup_routes(app)`, `setup_store(app)` and `setup_middlewares(app)`. That function
wires the app one step in from the root: a composition root, free to import every layer (its import of
`app.store` is no bypass). A routes aggregator the root hands the app to (`setup_routes(app)` calling each
feature's own) sets up one layer only and stays a router."""

from __future__ import annotations

from reports import MakeProject, inspect_json

MAIN = """from aiohttp.web import run_app

from app.web.app import Application, setup_app

if __name__ == "__main__":
    app = Application()
    setup_app(app=app, config_path="config.yml")
    run_app(app)
"""
APP = """from aiohttp.web import Application as AiohttpApplication
from aiohttp.web import View as AiohttpView

from app.store import setup_store
from app.web.middlewares import setup_middlewares
from app.web.routes import setup_routes


class Application(AiohttpApplication):
    store = None


class View(AiohttpView):
    @property
    def store(self):
        return self.request.app.store


def setup_app(app, config_path):
    setup_routes(app)
    setup_store(app)
    setup_middlewares(app)
"""
STORE = """from app.store.users.accessor import UserAccessor


class Store:
    def __init__(self, app):
        self.users = UserAccessor(app)


def setup_store(app):
    app.store = Store(app)
"""
ACCESSOR = """import asyncpg


class UserAccessor:
    def __init__(self, app):
        self.app = app

    async def list_users(self):
        conn = await asyncpg.connect("postgresql://localhost/app")
        return await conn.fetch("SELECT id, name FROM users")
"""
MIDDLEWARES = """from aiohttp import web


@web.middleware
async def error_middleware(request, handler):
    return await handler(request)


def setup_middlewares(app):
    app.middlewares.append(error_middleware)
"""
ROUTES = """from app.users.routes import setup_routes as setup_users
from app.health.routes import setup_routes as setup_health


def setup_routes(app):
    setup_users(app)
    setup_health(app)
"""
USERS_ROUTES = """from app.users.views import UsersView


def setup_routes(app):
    app.router.add_view("/users", UsersView)
"""
HEALTH_ROUTES = """from aiohttp import web


async def health(request):
    return web.json_response({"ok": True})


def setup_routes(app):
    app.router.add_get("/health", health)
"""
VIEWS = """from aiohttp import web

from app.web.app import View


class UsersView(View):
    async def get(self):
        users = await self.store.users.list_users()
        return web.json_response(users)
"""


def _files(main: str = MAIN, app: str = APP) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\nasyncpg\n",
        "main.py": main,
        "app/__init__.py": "",
        "app/web/__init__.py": "",
        "app/web/app.py": app,
        "app/web/middlewares.py": MIDDLEWARES,
        "app/web/routes.py": ROUTES,
        "app/store/__init__.py": STORE,
        "app/store/users/__init__.py": "",
        "app/store/users/accessor.py": ACCESSOR,
        "app/users/__init__.py": "",
        "app/users/routes.py": USERS_ROUTES,
        "app/users/views.py": VIEWS,
        "app/health/__init__.py": "",
        "app/health/routes.py": HEALTH_ROUTES,
    }


def _bypasses(architecture: dict[str, object]) -> list[tuple[str, str]]:
    violations = architecture["violations"]
    assert isinstance(violations, list)
    return [(v["file"], v["target"]) for v in violations if v["kind"] == "bypass"]


def test_a_setup_function_handed_the_app_wires_it(make_project: MakeProject) -> None:
    architecture = inspect_json(make_project, _files())["architecture"]
    assert "app/web/app.py" in architecture["composition_roots"]
    assert "app/web/app.py" not in architecture["files"]
    assert ("app/web/app.py", "app/store/__init__.py") not in _bypasses(architecture)


def test_a_routes_aggregator_handed_the_app_stays_a_router(make_project: MakeProject) -> None:
    main = MAIN.replace(
        "from app.web.app import Application, setup_app",
        "from app.web.app import Application\nfrom app.web.routes import setup_routes",
    ).replace('setup_app(app=app, config_path="config.yml")', "setup_routes(app)")
    architecture = inspect_json(make_project, _files(main=main))["architecture"]
    assert "app/web/routes.py" not in architecture["composition_roots"]
    assert architecture["files"]["app/web/routes.py"] == "routes"


def test_a_setup_function_doing_work_of_its_own_is_no_wiring_step(make_project: MakeProject) -> None:
    app = "import json\n" + APP.replace(
        "    setup_middlewares(app)\n", "    setup_middlewares(app)\n    json.loads(config_path)\n"
    )
    architecture = inspect_json(make_project, _files(app=app))["architecture"]
    assert "app/web/app.py" not in architecture["composition_roots"]
    assert ("app/web/app.py", "app/store/__init__.py") in _bypasses(architecture)


UTILS = """from aiohttp.web import json_response


def ok(data):
    return json_response({"status": "ok", "data": data})
"""


def test_the_folder_of_the_root_without_handlers_is_the_apps_package(make_project: MakeProject) -> None:
    # the app's glue beside the root (`web/utils.py`) takes no layer from `web/`; `web/routes.py` keeps its name's
    files = {**_files(), "app/web/utils.py": UTILS}
    architecture = inspect_json(make_project, files)["architecture"]
    assert "app/web/utils.py" not in architecture["files"]
    assert architecture["files"]["app/web/routes.py"] == "routes"


def test_the_folder_of_the_root_holding_handlers_stays_routes(make_project: MakeProject) -> None:
    files = {**_files(), "app/web/utils.py": UTILS}
    files["app/web/views.py"] = files.pop("app/users/views.py")
    files["app/users/routes.py"] = USERS_ROUTES.replace("app.users.views", "app.web.views")
    architecture = inspect_json(make_project, files)["architecture"]
    assert architecture["files"]["app/web/utils.py"] == "routes"
