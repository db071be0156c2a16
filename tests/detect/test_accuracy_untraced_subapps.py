"""aiohttp sub-applications a route installer builds and mounts on the app it is handed, typed by an annotation
(`def setup_routes(app: web.Application): …; app.add_subapp("/auth/", auth_api)`): the main app is built
elsewhere, so the installer's module builds no app — it registers views, the routes layer, not a composition
root (docs/accuracy.md "The hundred-and-thirteenth and hundred-and-fourteenth sets' Python disagreements",
LehaDurotar/aiohttp-tictactoe). A module mounting its sub-apps on a root app it builds itself stays the
composition root. Small projects written for the tests."""

from __future__ import annotations

from reports import MakeProject, evidence_of, inspect_json, layers_of

VIEWS = """from aiohttp import web


class Login(web.View):
    async def post(self):
        return web.json_response({})


class Games(web.View):
    async def get(self):
        return web.json_response([])
"""

ROUTES = """from aiohttp import web

from .handlers.views import Games, Login

auth_api = web.Application()
game_api = web.Application()


def setup_routes(app: web.Application):
    auth_api.router.add_view("/login", Login)
    game_api.router.add_view("/", Games)
    app.add_subapp("/auth/", auth_api)
    app.add_subapp("/game/", game_api)
"""

MAIN = """from aiohttp import web

from app.api.routes import setup_routes


def make_app():
    app = web.Application()
    setup_routes(app)
    return app


if __name__ == "__main__":
    web.run_app(make_app(), port=8080)
"""

OWN_ROOT = """from aiohttp import web

from .handlers.views import Games, Login

auth_api = web.Application()
game_api = web.Application()
auth_api.router.add_view("/login", Login)
game_api.router.add_view("/", Games)

root = web.Application()
root.add_subapp("/auth/", auth_api)
root.add_subapp("/game/", game_api)

if __name__ == "__main__":
    web.run_app(root, port=8080)
"""


def _files(routes: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\n",
        "app/__init__.py": "",
        "app/api/__init__.py": "",
        "app/api/handlers/__init__.py": "",
        "app/api/handlers/views.py": VIEWS,
        "app/api/routes.py": routes,
        "app/main.py": MAIN,
    }


def test_sub_apps_mounted_on_the_handed_app_leave_the_installer_in_routes(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _files(ROUTES))
    assert layers_of(report)["app/api/routes.py"] == "routes"
    assert evidence_of(report)["app/main.py"] == "composition root"


def test_sub_apps_mounted_on_an_own_root_app_keep_the_composition_root(make_project: MakeProject) -> None:
    files = _files(OWN_ROOT)
    del files["app/main.py"]
    report = inspect_json(make_project, files)
    assert evidence_of(report)["app/api/routes.py"] == "composition root"
