"""Python routers followed across modules: where a Flask blueprint, a FastAPI router, an aiohttp sub-app
or a Flask-RESTX namespace built in one module and mounted in another sits (`FrameworkReport.full_paths`),
on small projects written for each case.

- Flask: a blueprint imported at module top or inside `create_app()`, by an absolute or a relative import;
  `register_blueprint(bp, url_prefix=…)` replacing the blueprint's own prefix; nested blueprints;
- FastAPI: `include_router(items.router, prefix=…)` adding to `APIRouter(prefix=…)`; routers included in a
  router that is itself included (`api_router` of a package);
- aiohttp: `app.add_subapp("/api", api)` of a sub-application of another module, and its `RouteTableDef`;
- Flask-RESTX: `Api(app, prefix=…)`, `add_namespace(ns, path=…)`, a namespace's own `path` and its name,
  an `Api` built on a blueprint or attached with `init_app`;
- lenient: a mount that cannot be traced (a loop, `current_app`, an app of a module not followed) keeps
  routers anywhere;
- TASK007 reads these places: a router mounted without `/api` beside one under it.
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, findings_of

from cdverify.pipeline import inspect


def placed(make_project: MakeProject, files: dict[str, str | bytes]) -> dict[tuple[str, str], list[str]]:
    """(method, path as registered) → every full path the route may be reached at."""
    report = inspect(make_project(files), use_cache=False).analysis.frameworks
    return {(r.method, r.path): sorted(report.full_paths(r)) for r in report.routes}


FLASK_VIEWS = (
    'from flask import Blueprint, jsonify\n\nbp = Blueprint("tasks", __name__)\n\n\n'
    '@bp.get("/health-check")\ndef health():\n    return jsonify(status="ok")\n'
)
FASTAPI_USERS = 'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/me")\ndef me():\n    return {}\n'


MOUNTS: list[Any] = [
    pytest.param(
        {
            "app/__init__.py": "from flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__)\n"
            '    from .views import bp\n\n    app.register_blueprint(bp, url_prefix="/api")\n    return app\n',
            "app/views.py": FLASK_VIEWS,
        },
        {("GET", "/health-check"): ["/api/health-check"]},
        id="flask-blueprint-imported-inside-create-app",
    ),
    pytest.param(
        {
            "app/__init__.py": "from flask import Flask\n\nfrom app.views import bp\n\n\ndef create_app():\n"
            '    app = Flask(__name__)\n    app.register_blueprint(bp, url_prefix="/api")\n    return app\n',
            "app/views.py": FLASK_VIEWS,
        },
        {("GET", "/health-check"): ["/api/health-check"]},
        id="flask-blueprint-imported-at-module-top",
    ),
    pytest.param(
        {
            "app/__init__.py": "from flask import Flask\n\nfrom app import views\n\napp = Flask(__name__)\n"
            'app.register_blueprint(views.bp, url_prefix="/api")\napp.register_blueprint(views.admin)\n',
            "app/views.py": 'from flask import Blueprint\n\nbp = Blueprint("api", __name__, url_prefix="/v0")\n'
            'admin = Blueprint("admin", __name__, url_prefix="/admin")\n\n\n'
            '@bp.get("/tasks")\ndef tasks():\n    return []\n\n\n@admin.get("/stats")\ndef stats():\n    return {}\n',
        },
        {("GET", "/tasks"): ["/api/tasks"], ("GET", "/stats"): ["/admin/stats"]},
        id="flask-register-prefix-replaces-the-blueprint-own-one",
    ),
    pytest.param(
        {
            "app/__init__.py": "from flask import Flask\n\nfrom app.api import api\n\napp = Flask(__name__)\n"
            'app.register_blueprint(api, url_prefix="/api")\n',
            "app/api/__init__.py": "from flask import Blueprint\n\nfrom .users import users\n\n"
            'api = Blueprint("api", __name__)\napi.register_blueprint(users, url_prefix="/users")\n',
            "app/api/users.py": 'from flask import Blueprint\n\nusers = Blueprint("users", __name__)\n\n\n'
            '@users.get("/<int:user_id>")\ndef user(user_id):\n    return {}\n',
        },
        {("GET", "/<int:user_id>"): ["/api/users/<int:user_id>"]},
        id="flask-nested-blueprints-across-modules",
    ),
    pytest.param(
        {
            "app/main.py": "from fastapi import FastAPI\n\nfrom app.api.routes import items\n\napp = FastAPI()\n"
            'app.include_router(items.router, prefix="/api")\n\n\n@app.get("/status")\ndef status():\n    return {}\n',
            "app/api/routes/items.py": 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/items")\n\n\n'
            '@router.get("/{item_id}")\ndef item(item_id: int):\n    return {}\n',
            "app/__init__.py": "",
            "app/api/__init__.py": "",
            "app/api/routes/__init__.py": "",
        },
        {("GET", "/{item_id}"): ["/api/items/{item_id}"], ("GET", "/status"): ["/status"]},
        id="fastapi-include-prefix-adds-to-the-router-prefix",
    ),
    pytest.param(
        {
            "app/main.py": "from fastapi import FastAPI\n\nfrom app.api.main import api_router\n\napp = FastAPI()\n"
            'app.include_router(api_router, prefix="/api/v1")\n',
            "app/api/main.py": "from fastapi import APIRouter\n\nfrom app.api.routes import login, users\n\n"
            'api_router = APIRouter()\napi_router.include_router(users.router, prefix="/users")\n'
            "api_router.include_router(login.router)\n",
            "app/api/routes/users.py": FASTAPI_USERS,
            "app/api/routes/login.py": 'from fastapi import APIRouter\n\nrouter = APIRouter(tags=["login"])\n\n\n'
            '@router.post("/login/access-token")\ndef login():\n    return {}\n',
        },
        {
            ("GET", "/me"): ["/api/v1/users/me"],
            ("POST", "/login/access-token"): ["/api/v1/login/access-token"],
        },
        id="fastapi-nested-routers-across-modules",
    ),
    pytest.param(
        {
            "app/main.py": "from fastapi import FastAPI\n\nfrom app.api import api_router\n\napp = FastAPI()\n"
            'app.include_router(api_router, prefix="/api")\n',
            "app/api/__init__.py": "from .router import api_router\n",
            "app/api/router.py": "from fastapi import APIRouter\n\nfrom . import users\n\n"
            'api_router = APIRouter()\napi_router.include_router(users.router, prefix="/users")\n',
            "app/api/users.py": FASTAPI_USERS,
        },
        {("GET", "/me"): ["/api/users/me"]},
        id="fastapi-router-re-exported-by-its-package",
    ),
    pytest.param(
        {
            "app/main.py": "from fastapi import FastAPI\n\nfrom app.api.routes import users\n\napp = FastAPI()\n"
            'app.include_router(router=users.router, tags=["users"], prefix="/api/user")\n',
            "app/api/routes/users.py": FASTAPI_USERS,
        },
        {("GET", "/me"): ["/api/user/me"]},
        id="fastapi-router-mounted-by-keyword",
    ),
    pytest.param(
        {
            "app/main.py": "from aiohttp import web\n\nfrom app.api import api\n\n\ndef create_app():\n"
            '    app = web.Application()\n    app.router.add_get("/status", status)\n'
            '    app.add_subapp("/api", api)\n    return app\n\n\nasync def status(request):\n'
            "    return web.json_response({})\n",
            "app/api.py": "from aiohttp import web\n\nroutes = web.RouteTableDef()\napi = web.Application()\n\n\n"
            "async def health(request):\n    return web.json_response({})\n\n\n"
            'api.router.add_get("/health-check", health)\n\n\n@routes.get("/tasks")\nasync def tasks(request):\n'
            "    return web.json_response([])\n\n\napi.add_routes(routes)\n",
        },
        {
            ("GET", "/health-check"): ["/api/health-check"],
            ("GET", "/tasks"): ["/api/tasks"],
            ("GET", "/status"): ["/status"],
        },
        id="aiohttp-sub-app-of-another-module",
    ),
    pytest.param(
        {
            "app/__init__.py": "from flask import Flask\nfrom flask_restx import Api\n\n"
            "from app.apis.items import ns as items_ns\nfrom app.apis.users import users_ns\n\n\n"
            'def create_app():\n    app = Flask(__name__)\n    api = Api(app, prefix="/api")\n'
            '    api.add_namespace(users_ns, path="/users")\n    api.add_namespace(items_ns)\n    return app\n',
            "app/apis/users.py": 'from flask_restx import Namespace, Resource\n\nusers_ns = Namespace("accounts")\n\n\n'
            '@users_ns.route("/<int:user_id>")\nclass User(Resource):\n    def get(self, user_id):\n        return {}\n',
            "app/apis/items.py": "from flask_restx import Namespace, Resource\n\n"
            "ns = Namespace('items', path='/things')\n\n\n@ns.route('/')\nclass Items(Resource):\n"
            "    def get(self):\n        return []\n",
            "app/apis/__init__.py": "",
        },
        {("GET", "/<int:user_id>"): ["/api/users/<int:user_id>"], ("GET", "/"): ["/api/things"]},
        id="restx-api-prefix-namespace-paths",
    ),
    pytest.param(
        {
            "app/__init__.py": "from flask import Flask\n\nfrom app.api import blueprint\n\napp = Flask(__name__)\n"
            "app.register_blueprint(blueprint)\n",
            "app/api.py": "from flask import Blueprint\nfrom flask_restx import Api, Namespace, Resource\n\n"
            'blueprint = Blueprint("api", __name__, url_prefix="/api")\napi = Api(blueprint)\n'
            'cats = Namespace("cats")\napi.add_namespace(cats)\n\n\n@cats.route("/<id>")\nclass Cat(Resource):\n'
            "    def get(self, id):\n        return {}\n",
        },
        {("GET", "/<id>"): ["/api/cats/<id>"]},
        id="restx-api-built-on-a-blueprint",
    ),
    pytest.param(
        {
            "app/extensions.py": 'from flask_restx import Api\n\napi = Api(prefix="/api")\n',
            "app/__init__.py": "from flask import Flask\n\nfrom app.extensions import api\nfrom app.todos import todos\n\n\n"
            "def create_app():\n    app = Flask(__name__)\n    api.add_namespace(todos)\n    api.init_app(app)\n"
            "    return app\n",
            "app/todos.py": 'from flask_restx import Namespace, Resource\n\ntodos = Namespace("todos")\n\n\n'
            '@todos.route("")\nclass Todos(Resource):\n    def get(self):\n        return []\n',
        },
        {("GET", ""): ["/api/todos"]},
        id="restx-api-of-an-extensions-module-attached-by-init-app",
    ),
]


@pytest.mark.parametrize(("files", "expected"), MOUNTS)
def test_python_router_followed_across_modules(
    make_project: MakeProject, files: dict[str, str], expected: dict[tuple[str, str], list[str]]
) -> None:
    """A blueprint, router, sub-app or namespace of another module sits exactly where its mounts put it,
    each framework's prefixes composed as the framework composes them."""
    assert placed(make_project, files) == expected


LENIENT: list[Any] = [
    pytest.param(
        {
            "app/main.py": "from fastapi import FastAPI\n\nfrom app.api.routes import items, users\n\napp = FastAPI()\n"
            'for module in (items, users):\n    app.include_router(module.router, prefix="/api")\n',
            "app/api/routes/items.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
            '@router.get("/items")\ndef items():\n    return []\n',
            "app/api/routes/users.py": FASTAPI_USERS,
        },
        {
            ("GET", "/items"): ["/api/api/items", "/api/items", "/items"],
            ("GET", "/me"): ["/api/api/me", "/api/me", "/me"],
        },
        id="fastapi-routers-included-in-a-loop",
    ),
    pytest.param(
        {
            "app/__init__.py": "from flask import Flask, current_app\n\nfrom app.views import bp\n\napp = Flask(__name__)\n\n\n"
            'def install():\n    current_app.register_blueprint(bp, url_prefix="/api")\n',
            "app/views.py": FLASK_VIEWS,
        },
        # under the mount's prefix, wherever the app `current_app` stands for may sit
        {
            ("GET", "/health-check"): [
                "/api/api/api/health-check",
                "/api/api/health-check",
                "/api/health-check",
            ]
        },
        id="flask-blueprint-registered-on-current-app",
    ),
    pytest.param(
        {
            "app/__init__.py": "from flask import Flask\n\nfrom app.routes import get_blueprint\n\napp = Flask(__name__)\n"
            'app.register_blueprint(get_blueprint(), url_prefix="/api")\n',
            "app/routes.py": FLASK_VIEWS + "\n\ndef get_blueprint():\n    return bp\n",
        },
        {("GET", "/health-check"): ["/api/api/health-check", "/api/health-check", "/health-check"]},
        id="flask-blueprint-returned-by-a-function",
    ),
    pytest.param(
        {
            "project/urls.py": 'from django.urls import include, path\n\nurlpatterns = [path("api/", include("blog.urls"))]\n',
            "blog/urls.py": "from django.urls import include, path\nfrom rest_framework.routers import DefaultRouter\n\n"
            "from blog import views\n\nrouter = DefaultRouter()\n"
            'router.register("tags", views.TagViewSet)\n\nurlpatterns = [path("", include(router.urls))]\n',
            "blog/views.py": "from rest_framework import viewsets\n\n\nclass TagViewSet(viewsets.ModelViewSet):\n    pass\n",
        },
        {("*", "tags"): ["/api/api/tags", "/api/tags", "/tags"]},
        id="django-rest-framework-router-included-by-urlconfs",
    ),
]


@pytest.mark.parametrize(("files", "expected"), LENIENT)
def test_untraced_python_mount_keeps_routers_anywhere(
    make_project: MakeProject, files: dict[str, str], expected: dict[tuple[str, str], list[str]]
) -> None:
    """A Python mount that cannot be followed (a loop over modules, a function's result, a Django URLconf
    include) leaves the routers no traced mount reaches under any one or two prefixes, and a mount on an object that cannot be (the
    app's `current_app` proxy) puts its router under its prefix wherever that object may sit: no false
    TASK007."""
    assert placed(make_project, files) == expected


def _task_project(mount: str) -> dict[str, str | bytes]:
    return {
        "app/__init__.py": "from flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__)\n"
        "    from .views import bp\n    from .admin import admin\n\n"
        f'    app.register_blueprint(bp, url_prefix="/api")\n    {mount}\n    return app\n',
        "app/views.py": FLASK_VIEWS,
        "app/admin.py": 'from flask import Blueprint\n\nadmin = Blueprint("admin", __name__)\n\n\n'
        '@admin.get("/stats")\ndef stats():\n    return {}\n',
        "requirements.txt": "flask==3.0.3\n",
        "run.py": "from app import create_app\n\ncreate_app().run(port=8080)\n",
    }


@pytest.mark.parametrize(
    ("mount", "expected"),
    [
        pytest.param("app.register_blueprint(admin)", [("TASK007", "app/admin.py", 6)], id="one-outside-api"),
        pytest.param('app.register_blueprint(admin, url_prefix="/api/admin")', [], id="all-under-api"),
    ],
)
def test_task007_reads_where_python_routers_sit(
    make_project: MakeProject, mount: str, expected: list[tuple[str, str, int]]
) -> None:
    """A blueprint registered without `/api` beside one under it serves outside `/api` (TASK007); once both
    sit under `/api`, no finding."""
    report = check(make_project, _task_project(mount), "flask+task")
    assert findings_of(report, "TASK007") == expected
    assert findings_of(report, "TASK006") == []
