"""Patterns of the fifty-sixth unseen set, Python half (issue 18, docs/accuracy.md "Fifty-sixth set:
disagreements"): a project module importing the framework's module (`from aiohttp import web` in
settings.py) passes it on to the modules importing it from there (`from app.settings import web`, then
`web.Application()`), as Python's namespaces do; and a module whose function the app registers as a route
handler, and which imports the framework to handle the request, is the routes layer where its path names
none. Small projects written for the tests."""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json
from reports import layers_of as _layers

REQUIREMENTS = "aiohttp==3.9.5\n"
SETTINGS = "from aiohttp import web\n\nPORT = 8080\n"
LOGIN = """import json

from aiohttp import web


async def login(request: web.Request) -> web.Response:
    data = await request.json()
    if not data.get("user"):
        raise web.HTTPForbidden(text=json.dumps({"error": "no user"}))
    return web.json_response({"user": data["user"]})
"""
MAIN = """from IMPORT import web
from shop.login import login


def get_app() -> web.Application:
    app = web.Application()
    app.router.add_routes([web.post("/login/", login)])
    return app


app = get_app()

if __name__ == "__main__":
    web.run_app(app)
"""


def _files(importing: str = "shop.settings", login: str = LOGIN) -> dict[str, str | bytes]:
    return {
        "requirements.txt": REQUIREMENTS,
        "shop/__init__.py": "",
        "shop/settings.py": SETTINGS,
        "shop/login.py": login,
        "shop/main.py": MAIN.replace("IMPORT", importing),
    }


def _framework(report: dict[str, Any]) -> tuple[list[str], list[tuple[str, str]]]:
    found = report["framework"]
    return found["serving"], [(r["method"], r["path"]) for r in found["routes"]]


def test_a_framework_module_imported_through_a_project_module_serves(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _files())
    assert _framework(report) == (["aiohttp"], [("POST", "/login/")])


def test_a_framework_module_imported_through_a_relative_import_serves(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _files(importing=".settings"))
    assert _framework(report) == (["aiohttp"], [("POST", "/login/")])


def test_a_name_the_project_module_imports_only_in_a_function_is_not_passed_on(
    make_project: MakeProject,
) -> None:
    files = _files()
    files["shop/settings.py"] = "def server():\n    from aiohttp import web\n    return web\n"
    report = inspect_json(make_project, files)
    assert _framework(report) == ([], [])


def test_a_registered_handler_module_handling_the_request_is_routes(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _files(importing="aiohttp"))
    assert _layers(report)["shop/login.py"] == "routes"


def test_a_registered_function_of_a_module_not_importing_the_framework_keeps_its_say(
    make_project: MakeProject,
) -> None:
    """`add_api_route(path, crud.get_user)`: the function serves a route, the module handles no request."""
    plain = 'async def login(request):\n    return {"user": "anonymous"}\n'
    report = inspect_json(make_project, _files(importing="aiohttp", login=plain))
    assert "shop/login.py" not in _layers(report)


def test_a_registered_handler_in_a_folder_naming_a_layer_keeps_the_folder(make_project: MakeProject) -> None:
    files = _files(importing="aiohttp")
    files["shop/services/__init__.py"] = ""
    files["shop/services/login.py"] = files.pop("shop/login.py")
    files["shop/main.py"] = str(files["shop/main.py"]).replace("shop.login", "shop.services.login")
    report = inspect_json(make_project, files)
    assert _layers(report)["shop/services/login.py"] == "services"


def test_a_registered_handler_importing_the_framework_through_a_project_module_is_routes(
    make_project: MakeProject,
) -> None:
    """login.py takes `web` from settings.py, which imports it from aiohttp: it imports the framework."""
    login = LOGIN.replace("from aiohttp import web", "from shop.settings import web")
    report = inspect_json(make_project, _files(login=login))
    assert _layers(report)["shop/login.py"] == "routes"


def test_a_registered_handler_importing_other_names_of_that_module_keeps_its_say(
    make_project: MakeProject,
) -> None:
    plain = 'from shop.settings import PORT\n\n\nasync def login(request):\n    return {"port": PORT}\n'
    report = inspect_json(make_project, _files(login=plain))
    assert "shop/login.py" not in _layers(report)


# -- a row made of a mapped class is no model defined ----------------------------------------------------

MODELS_BASE = "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n"
TAG = """from sqlalchemy import Column, Integer, String

from shop.models.base import Base


class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
    name = Column(String, unique=True)
"""
TAGS = """from IMPORT import Tag


def make_tag(session, name):
    tag = Tag(name=name)
    session.add(tag)
    return tag
"""


def _mapped(importing: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "sqlalchemy==2.0.30\n",
        "shop/__init__.py": "",
        "shop/models/__init__.py": "from shop.models.tag import Tag\n",
        "shop/models/base.py": MODELS_BASE,
        "shop/models/tag.py": TAG,
        "shop/repositories/__init__.py": "",
        "shop/repositories/tags.py": TAGS.replace("IMPORT", importing),
    }


def test_a_row_made_of_a_mapped_class_is_no_model(make_project: MakeProject) -> None:
    for importing in ("shop.models", "shop.models.tag"):  # through the package's re-export, and directly
        report = inspect_json(make_project, _mapped(importing))
        models = {(m["file"], m["model"]) for m in report["orm"]["models"]["sqlalchemy"]}
        assert models == {("shop/models/base.py", "Base"), ("shop/models/tag.py", "Tag")}, importing
