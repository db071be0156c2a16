"""Routes registered on an app handed in to a function: a parameter annotated with a Python framework's app
class (rules/frameworks.toml `apps`: `def register_routes(app: Flask)`), or an un-annotated one that the
project's calls hand an app (`register_routes(app)` after `app = Flask(__name__)`, in the same file or
another), stands for the app, so the routes and mounts an app-factory helper registers on it are found,
each at its own file and line; error handlers and hooks it installs are wiring (no routes evidence).

- violating (found only through the rule): Flask `add_url_rule` / `register_blueprint(url_prefix=…)`,
  FastAPI `include_router` and `@app.get` inside the helper, aiohttp `app.router.add_get` in
  `setup_routes(app: web.Application)`, un-annotated `init_routes(app)` / `register_routes(app)`;
- clean: a helper that only configures the app, or only installs exception handlers on it (a `core/`
  module the repositories import), registers no route and keeps its layer; a parameter annotated with
  another class, or un-annotated and handed something else, stands for nothing; a lifespan handed the app
  keeps the serving decision; app constructors that are functions (`get_wsgi_application`) are no
  annotation.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json

from cdverify.parse.libraries import app_classes, python_libraries


def framework(make_project: MakeProject, files: dict[str, str | bytes]) -> dict[str, Any]:
    data: dict[str, Any] = inspect_json(make_project, files)["framework"]
    return data


def placed(data: dict[str, Any]) -> list[tuple[str, str, str, int]]:
    return sorted((r["method"], r["path"], r["file"], r["line"]) for r in data["routes"])


FLASK_FACTORY = (
    "from flask import Flask\n\nfrom routes import register_routes\n\n\ndef create_app():\n"
    "    app = Flask(__name__)\n    register_routes(app)\n    return app\n"
)


def test_flask_routes_and_blueprints_on_an_annotated_app_its_error_handlers_wiring(
    make_project: MakeProject,
) -> None:
    data = framework(
        make_project,
        {
            "requirements.txt": "flask\n",
            "app.py": FLASK_FACTORY,
            "routes/__init__.py": "from flask import Flask, jsonify\n\nfrom .users import bp\n\n\n"
            "def register_routes(app: Flask) -> None:\n"
            '    app.register_blueprint(bp, url_prefix="/api")\n'
            '    app.add_url_rule("/health", view_func=lambda: jsonify(ok=True))\n'
            '    app.add_url_rule("/login", endpoint="login", view_func=None, methods=["GET", "POST"])\n'
            "    app.register_error_handler(404, lambda e: ({}, 404))\n",
            "routes/users.py": 'from flask import Blueprint\n\nbp = Blueprint("users", __name__)\n\n\n'
            '@bp.get("/users")\ndef users():\n    return []\n',
        },
    )
    assert data["serving"] == ["flask"]
    assert placed(data) == [
        ("GET", "/health", "routes/__init__.py", 8),
        ("GET", "/users", "routes/users.py", 6),
        ("GET,POST", "/login", "routes/__init__.py", 9),
    ]
    assert "/api" in data["prefixes"]  # the blueprint mounted on the handed app
    evidence = [(e["kind"], e["file"], e["line"]) for e in data["evidence"]]
    assert ("routes", "routes/__init__.py", 10) not in evidence  # an error handler installed there: wiring
    assert len(evidence) == len(set(evidence)), evidence  # every line once


def test_fastapi_routers_and_routes_on_an_annotated_app(make_project: MakeProject) -> None:
    data = framework(
        make_project,
        {
            "requirements.txt": "fastapi\n",
            "main.py": "from fastapi import FastAPI\n\nfrom routes import include_routers\n\n"
            "app = FastAPI()\ninclude_routers(app)\n",
            "routes/__init__.py": "from fastapi import APIRouter, FastAPI\n\nrouter = APIRouter()\n\n\n"
            '@router.get("/items")\ndef items():\n    return []\n\n\n'
            "def include_routers(app: FastAPI) -> None:\n"
            '    app.include_router(router, prefix="/api")\n\n'
            '    @app.get("/health")\n    def health():\n        return {"ok": True}\n',
        },
    )
    assert data["serving"] == ["fastapi"]
    assert placed(data) == [
        ("GET", "/health", "routes/__init__.py", 14),
        ("GET", "/items", "routes/__init__.py", 6),
    ]
    assert "/api" in data["prefixes"]


def test_aiohttp_setup_routes_on_an_annotated_application(make_project: MakeProject) -> None:
    data = framework(
        make_project,
        {
            "requirements.txt": "aiohttp\n",
            "main.py": "from aiohttp import web\n\nfrom routes import setup_routes\n\n"
            "app = web.Application()\nsetup_routes(app)\nweb.run_app(app, port=8080)\n",
            "routes.py": "from aiohttp import web\n\n\nasync def users(request):\n"
            "    return web.json_response([])\n\n\n"
            "def setup_routes(app: web.Application) -> None:\n"
            '    app.router.add_get("/api/users", users)\n    app.router.add_post("/api/users", users)\n',
        },
    )
    assert data["serving"] == ["aiohttp"]
    assert placed(data) == [("GET", "/api/users", "routes.py", 9), ("POST", "/api/users", "routes.py", 10)]


def test_a_helper_that_only_configures_the_app_registers_nothing(make_project: MakeProject) -> None:
    data = framework(
        make_project,
        {
            "requirements.txt": "flask\n",
            "app.py": "from flask import Flask\n\nfrom settings import configure\n\n"
            'app = Flask(__name__)\nconfigure(app)\n\n\n@app.get("/ping")\ndef ping():\n    return "ok"\n',
            "settings.py": "from flask import Flask\n\n\ndef configure(app: Flask) -> None:\n"
            '    app.config["JSON_SORT_KEYS"] = False\n    app.config.from_prefixed_env()\n',
        },
    )
    assert placed(data) == [("GET", "/ping", "app.py", 9)]
    assert [e["file"] for e in data["evidence"] if e["kind"] == "routes"] == ["app.py"]


def test_a_parameter_of_another_class_stands_for_no_app(make_project: MakeProject) -> None:
    data = framework(
        make_project,
        {
            "requirements.txt": "flask\n",
            "app.py": 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get("/ping")\ndef ping():\n'
            '    return "ok"\n',
            "plugins.py": "from registry import Registry\n\n\ndef install(app: Registry, other) -> None:\n"
            '    app.route("/not-a-route")\n    other.add_url_rule("/neither")\n',
        },
    )
    assert placed(data) == [("GET", "/ping", "app.py", 6)]


def test_a_lifespan_handed_the_app_keeps_the_serving_decision(make_project: MakeProject) -> None:
    data = framework(
        make_project,
        {
            "requirements.txt": "fastapi\n",
            "main.py": "from contextlib import asynccontextmanager\n\nfrom fastapi import FastAPI\n\n\n"
            "@asynccontextmanager\nasync def lifespan(app: FastAPI):\n    app.state.ready = True\n    yield\n\n\n"
            'app = FastAPI(lifespan=lifespan)\n\n\n@app.get("/health")\ndef health():\n    return {}\n',
        },
    )
    assert data["serving"] == ["fastapi"]
    assert placed(data) == [("GET", "/health", "main.py", 15)]


def test_only_app_classes_are_annotations() -> None:
    classes = app_classes()
    assert classes["flask.Flask"] == "flask.Flask()"
    assert classes["aiohttp.web.Application"] == "aiohttp.web.Application()"
    assert "django.core.wsgi.get_wsgi_application" not in classes
    # the parse catalogue's own data clients are kept beside them
    assert python_libraries().annotated["sqlalchemy.orm.Session"] == "sqlalchemy.orm.Session()"
    assert python_libraries().annotated["fastapi.FastAPI"] == "fastapi.FastAPI()"


def test_un_annotated_app_parameters_handed_the_app_here_and_from_another_file(
    make_project: MakeProject,
) -> None:
    data = framework(
        make_project,
        {
            "requirements.txt": "flask\n",
            "app.py": "from flask import Flask\n\nfrom routes import register_routes\n\n\n"
            'def init_routes(app):\n    @app.route("/here")\n    def here():\n        return "here"\n\n\n'
            "def create_app():\n    app = Flask(__name__)\n    init_routes(app)\n    register_routes(app)\n"
            "    return app\n",
            "routes/__init__.py": "from .users import bp\n\n\ndef register_routes(app):\n"
            '    app.register_blueprint(bp, url_prefix="/api")\n'
            '    app.add_url_rule("/health", view_func=lambda: "ok")\n'
            "    app.config.from_object(None)\n",
            "routes/users.py": 'from flask import Blueprint\n\nbp = Blueprint("users", __name__)\n\n\n'
            '@bp.get("/users")\ndef users():\n    return []\n',
        },
    )
    assert data["serving"] == ["flask"]
    assert placed(data) == [
        ("GET", "/health", "routes/__init__.py", 6),
        ("GET", "/here", "app.py", 7),
        ("GET", "/users", "routes/users.py", 6),
    ]
    assert "/api" in data["prefixes"]


def test_an_un_annotated_parameter_handed_something_else_stands_for_nothing(
    make_project: MakeProject,
) -> None:
    data = framework(
        make_project,
        {
            "requirements.txt": "flask\n",
            "app.py": "from flask import Flask\n\nfrom tables import fill\n\n"
            'app = Flask(__name__)\nfill({})\n\n\n@app.get("/ping")\ndef ping():\n    return "ok"\n',
            "tables.py": 'def fill(table):\n    table.get("/not-a-route")\n    table.route("/neither")\n\n\n'
            'def unused(app):\n    app.add_url_rule("/never")\n',
        },
    )
    assert placed(data) == [("GET", "/ping", "app.py", 9)]


def test_exception_handlers_installed_on_a_handed_app_keep_a_core_module_out_of_routes(
    make_project: MakeProject,
) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "fastapi\nsqlalchemy\n",
        "conduit/__init__.py": "",
        "conduit/main.py": "from fastapi import FastAPI\n\nfrom conduit.api.routes import router\n"
        "from conduit.core.exceptions import add_exception_handlers\n\n"
        'app = FastAPI()\napp.include_router(router, prefix="/api")\nadd_exception_handlers(app)\n',
        "conduit/api/__init__.py": "",
        "conduit/api/routes.py": "from fastapi import APIRouter\n\nfrom conduit.services.users import find\n\n"
        'router = APIRouter()\n\n\n@router.get("/users/{name}")\ndef user(name: str):\n    return find(name)\n',
        "conduit/services/__init__.py": "",
        "conduit/services/users.py": "from conduit.repositories.users import load\n\n\n"
        "def find(name):\n    return load(name)\n",
        "conduit/repositories/__init__.py": "",
        "conduit/repositories/users.py": "from conduit.core.exceptions import NotFound\n\n\n"
        "def load(name):\n    raise NotFound(name)\n",
        "conduit/core/__init__.py": "",
        "conduit/core/exceptions.py": "from fastapi import FastAPI, Request\nfrom fastapi.responses import JSONResponse\n\n\n"
        "class NotFound(Exception):\n    pass\n\n\ndef add_exception_handlers(app: FastAPI) -> None:\n"
        "    @app.exception_handler(NotFound)\n"
        "    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:\n"
        '        return JSONResponse({"error": str(exc)}, status_code=404)\n',
    }
    report = inspect_json(make_project, files)
    handlers = [e for e in report["framework"]["evidence"] if e["file"] == "conduit/core/exceptions.py"]
    assert [e["kind"] for e in handlers] == ["import", "import"]
    architecture = report["architecture"]
    assert architecture["files"].get("conduit/core/exceptions.py") != "routes"
    assert architecture["files"]["conduit/api/routes.py"] == "routes"
    assert architecture["violations"] == []
