"""App constructors, routers and route registrations as each framework's documentation writes them, where
the catalogue once missed them (issue 18): @hono/zod-openapi (`OpenAPIHono`, `openapi(createRoute(…))`),
the Hono presets, HEAD / OPTIONS / TRACE registrations, Starlette `Mount`, Flask-RESTful / Flask-RESTX
`Api.add_resource`, Sanic and Quart blueprints, Bottle's module-level decorators and `mount`, koa-router
`register` and named routes, Hono routes chained with no path, aiohttp `web.head` / `add_view`, Elysia's
`prefix`, NestJS `@Head` / `@Options`. Each gap
has the case once missed and a clean case that must stay without a route or prefix."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from reports import MakeProject, inspect_json

from cdverify.pipeline import inspect

CATALOGUE: dict[str, Any] = tomllib.loads(
    (Path(__file__).resolve().parents[2] / "rules" / "frameworks.toml").read_text()
)


def reached(make_project: MakeProject, files: dict[str, str | bytes]) -> dict[tuple[str, str], list[str]]:
    """(HTTP method, path as registered) → the full paths the route may be reached at."""
    frameworks = inspect(make_project(files), use_cache=False).analysis.frameworks
    return {(r.method, r.path): sorted(frameworks.full_paths(r)) for r in frameworks.routes}


def serving(make_project: MakeProject, files: dict[str, str | bytes]) -> list[str]:
    served: list[str] = inspect_json(make_project, files)["framework"]["serving"]
    return served


# -- @hono/zod-openapi ------------------------------------------------------------------------------------

OPENAPI_ROUTES = (
    'import { createRoute, z } from "@hono/zod-openapi";\n\n'
    "export const getUser = createRoute({\n"
    '  method: "get",\n  path: "/users/{id}",\n'
    '  request: { params: z.object({ id: z.string().openapi({ example: "1" }) }) },\n'
    '  responses: { 200: { description: "the user" } },\n});\n'
)
OPENAPI_APP = (
    'import { OpenAPIHono, createRoute } from "@hono/zod-openapi";\n'
    'import { serve } from "@hono/node-server";\n'
    'import { getUser } from "./routes";\n\n'
    'const health = createRoute({ method: "get", path: "/health-check", responses: {} });\n\n'
    "const api = new OpenAPIHono();\n"
    'api.openapi(health, (c) => c.json({ status: "ok" }));\n'
    "api.openapi(getUser, (c) => c.json({}));\n"
    'api.openapi(createRoute({ method: "post", path: "/users", responses: {} }), (c) => c.json({}, 201));\n\n'
    "const app = new OpenAPIHono();\n"
    'app.route("/api", api);\n'
    'app.doc("/doc", { openapi: "3.0.0", info: { title: "x", version: "1" } });\n'
    "serve({ fetch: app.fetch, port: 8080 });\n"
)


def test_openapi_hono_app_serves_its_openapi_routes(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {"src/index.ts": OPENAPI_APP, "src/routes.ts": OPENAPI_ROUTES}
    assert serving(make_project, files) == ["hono"]
    # a variable of the module, one imported from another, and one built inline, each under `/api`
    assert reached(make_project, files) == {
        ("GET", "/health-check"): ["/api/health-check"],
        ("GET", "/users/{id}"): ["/api/users/{id}"],
        ("POST", "/users"): ["/api/users"],
    }


def test_route_configs_never_registered_are_no_routes(make_project: MakeProject) -> None:
    """`createRoute` alone declares nothing, and zod's `.openapi(…)` on a schema is no route."""
    files: dict[str, str | bytes] = {
        "src/routes.ts": OPENAPI_ROUTES,
        "src/schemas.ts": 'import { z } from "@hono/zod-openapi";\n\n'
        'export const User = z.object({ id: z.string() }).openapi("User");\n',
    }
    data = inspect_json(make_project, files)["framework"]
    assert data["routes"] == []
    assert data["serving"] == []
    assert data["detected"] == ["hono"]  # imported only


@pytest.mark.parametrize(
    ("builder", "method"),
    [
        pytest.param(builder, method, id=builder)
        for entry in CATALOGUE["node"].values()
        for builder, method in entry.get("route_configs", {}).items()
    ],
)
def test_every_route_config_builder(make_project: MakeProject, builder: str, method: str) -> None:
    package, _, function = builder.rpartition(".")
    text = (
        f'import {{ {function} }} from "{package}";\nimport {{ Hono }} from "hono";\n\n'
        f'const route = {function}({{ method: "delete", path: "/api/items/{{id}}" }});\n'
        f"const app = new Hono();\napp.{method}(route, (c) => c.body(null, 204));\n"
    )
    assert reached(make_project, {"src/app.ts": text}) == {("DELETE", "/api/items/{id}"): ["/api/items/{id}"]}


@pytest.mark.parametrize("preset", ["hono/quick", "hono/tiny"])
def test_hono_presets_build_apps(make_project: MakeProject, preset: str) -> None:
    text = f'import {{ Hono }} from "{preset}";\n\nconst app = new Hono();\napp.get("/api/items", (c) => c.json([]));\n'
    assert serving(make_project, {"src/app.ts": text}) == ["hono"]


def test_hono_from_another_module_is_no_app(make_project: MakeProject) -> None:
    """A class named `Hono` from a package that is not Hono's builds nothing."""
    text = 'import { Hono } from "./hono";\n\nconst app = new Hono();\napp.get("/api/items", () => []);\n'
    assert serving(make_project, {"src/app.ts": text, "src/hono.ts": "export class Hono {}\n"}) == []


# -- HEAD / OPTIONS / TRACE registrations ---------------------------------------------------------------

VERBS: list[Any] = [
    pytest.param(
        "app/main.py",
        "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.head('/api/items')\ndef h():\n    return None\n\n\n"
        "@app.options('/api/items')\ndef o():\n    return None\n\n\n@app.trace('/api/items')\ndef t():\n    return None\n",
        ["HEAD", "OPTIONS", "TRACE"],
        id="fastapi",
    ),
    pytest.param(
        "app/main.py",
        "from aiohttp import web\n\n\nasync def h(request):\n    return web.Response()\n\n\n"
        "app = web.Application()\napp.add_routes([web.head('/api/items', h), web.options('/api/items', h)])\n"
        "app.router.add_head('/api/items', h)\n",
        ["HEAD", "HEAD", "OPTIONS"],
        id="aiohttp",
    ),
    pytest.param(
        "src/app.js",
        'const express = require("express");\nconst app = express();\nconst router = express.Router();\n'
        'router.head("/api/items", h);\nrouter.options("/api/items", h);\napp.use(router);\n',
        ["HEAD", "OPTIONS"],
        id="express",
    ),
    pytest.param(
        "src/app.js",
        'const app = require("fastify")();\napp.head("/api/items", h);\napp.options("/api/items", h);\n',
        ["HEAD", "OPTIONS"],
        id="fastify",
    ),
    pytest.param(
        "src/app.js",
        'const Router = require("@koa/router");\nconst router = new Router();\n'
        'router.head("/api/items", h);\nrouter.options("/api/items", h);\n',
        ["HEAD", "OPTIONS"],
        id="koa",
    ),
    pytest.param(
        "src/app.ts",
        'import { Hono } from "hono";\nconst app = new Hono();\napp.options("/api/items", (c) => c.body(null));\n',
        ["OPTIONS"],
        id="hono",
    ),
    pytest.param(
        "src/items.controller.ts",
        'import { Controller, Head, Options } from "@nestjs/common";\n\n@Controller("api/items")\n'
        "export class Items {\n  @Head()\n  head() {}\n\n  @Options()\n  options() {}\n}\n",
        ["HEAD", "OPTIONS"],
        id="nestjs",
    ),
]


@pytest.mark.parametrize(("path", "text", "methods"), VERBS)
def test_head_options_and_trace_routes(
    make_project: MakeProject, path: str, text: str, methods: list[str]
) -> None:
    routes = inspect_json(make_project, {path: text})["framework"]["routes"]
    assert sorted(r["method"] for r in routes) == methods


def test_a_config_get_is_no_route(make_project: MakeProject) -> None:
    """`options`/`head` on an object that is no app or router (a dict, a config) registers nothing."""
    text = (
        "from fastapi import FastAPI\n\napp = FastAPI()\nsettings = {}\n"
        "timeout = settings.get('/api/timeout')\nheaders = app.state.options('/api/items')\n"
    )
    assert inspect_json(make_project, {"app/main.py": text})["framework"]["routes"] == []


# -- routers, mounts and prefixes ------------------------------------------------------------------------

PLACED: list[Any] = [
    pytest.param(
        {
            "app/main.py": "from starlette.applications import Starlette\nfrom starlette.routing import Mount, Route\n\n\n"
            "async def users(request):\n    return None\n\n\n"
            "app = Starlette(routes=[Mount('/api', routes=[Route('/users', users, methods=['POST'])])])\n"
        },
        {("POST", "/users"): ["/api/users"]},
        id="starlette-mount",
    ),
    pytest.param(
        {
            "app/main.py": "from starlette.applications import Starlette\n\napp = Starlette()\n\n\n"
            "async def users(request):\n    return None\n\n\napp.add_route('/api/users', users)\n"
        },
        {("GET", "/api/users"): ["/api/users"]},
        id="starlette-add-route",
    ),
    pytest.param(
        {
            "app/main.py": "from flask import Flask\nfrom flask_restful import Api, Resource\n\napp = Flask(__name__)\n"
            "api = Api(app, prefix='/api')\n\n\nclass Users(Resource):\n    def get(self):\n        return []\n\n\n"
            "api.add_resource(Users, '/users', '/users/<int:user_id>')\n"
        },
        {("*", "/users"): ["/api/users"]},
        id="flask-restful",
    ),
    pytest.param(
        {
            "app/main.py": "from sanic import Blueprint, Sanic\nfrom sanic.response import json\n\n"
            "app = Sanic('conduit')\nbp = Blueprint('users', url_prefix='/api')\n\n\n"
            "@bp.get('/users')\nasync def users(request):\n    return json([])\n\n\napp.blueprint(bp)\n"
        },
        {("GET", "/users"): ["/api/users"]},
        id="sanic-blueprint",
    ),
    pytest.param(
        {
            "app/main.py": "from quart import Blueprint, Quart\n\napp = Quart(__name__)\n"
            "bp = Blueprint('users', __name__, url_prefix='/api')\n\n\n"
            "@bp.get('/users')\nasync def users():\n    return []\n\n\napp.register_blueprint(bp)\n"
        },
        {("GET", "/users"): ["/api/users"]},
        id="quart-blueprint",
    ),
    pytest.param(
        {
            "app/main.py": "import bottle\n\n\n@bottle.route('/api/health-check')\ndef health():\n    return {}\n\n\n"
            "api = bottle.Bottle()\n\n\n@api.patch('/users')\ndef patch():\n    return {}\n\n\n"
            "root = bottle.Bottle()\nroot.mount('/api', api)\n"
        },
        {("GET", "/api/health-check"): ["/api/health-check"], ("PATCH", "/users"): ["/api/users"]},
        id="bottle",
    ),
    pytest.param(
        {
            "src/app.js": 'const Router = require("koa-router");\nconst router = new Router({ prefix: "/api" });\n'
            'router.register("/users", ["GET", "POST"], list);\n'
        },
        {("GET,POST", "/users"): ["/api/users"]},
        id="koa-register",
    ),
    pytest.param(
        {
            "src/app.js": 'const Router = require("@koa/router");\nconst router = new Router({ prefix: "/api" });\n'
            'router.get("user", "/users/:id", show).del("user-delete", "/users/:id", remove);\n'
            'router.get("/health-check", health);\n'
        },
        {
            ("GET", "/users/:id"): ["/api/users/:id"],
            ("DELETE", "/users/:id"): ["/api/users/:id"],
            ("GET", "/health-check"): ["/api/health-check"],
        },
        id="koa-named-routes",
    ),
    pytest.param(
        {
            "src/app.ts": 'import { Hono } from "hono";\nconst app = new Hono().basePath("/api");\n'
            'app.get("/users", list).post(createUser).delete((c) => c.body(null, 204));\n'
            'app.get("/health-check", health).put("/settings", save);\n'
        },
        {
            ("GET", "/users"): ["/api/users"],
            ("POST", "/users"): ["/api/users"],
            ("DELETE", "/users"): ["/api/users"],
            ("GET", "/health-check"): ["/api/health-check"],
            ("PUT", "/settings"): ["/api/settings"],
        },
        id="hono-chained-route",
    ),
    pytest.param(
        {
            "app/main.py": "from aiohttp import web\n\n\nclass Users(web.View):\n    async def get(self):\n"
            "        return web.json_response([])\n\n\napp = web.Application()\napp.router.add_view('/api/users', Users)\n"
        },
        {("*", "/api/users"): ["/api/users"]},
        id="aiohttp-add-view",
    ),
]


@pytest.mark.parametrize(("files", "expected"), PLACED)
def test_documented_routers_and_mounts(
    make_project: MakeProject, files: dict[str, str | bytes], expected: dict[tuple[str, str], list[str]]
) -> None:
    """The routes found, each reachable where the framework puts it (an object nothing traced mounts may
    sit under any prefix of the application as well)."""
    found = reached(make_project, files)
    assert found.keys() == expected.keys()
    for route, paths in expected.items():
        assert set(paths) <= set(found[route]), route


def test_elysia_prefix_option(make_project: MakeProject) -> None:
    text = 'import { Elysia } from "elysia";\n\nnew Elysia({ prefix: "/api" }).get("/items", () => []).listen(3000);\n'
    assert inspect_json(make_project, {"src/app.ts": text})["framework"]["prefixes"] == ["/api"]


CLEAN: list[Any] = [
    # a Route outside any Mount takes no prefix
    pytest.param(
        "app/main.py",
        "from starlette.applications import Starlette\nfrom starlette.routing import Route\n\n\n"
        "async def users(request):\n    return None\n\n\napp = Starlette(routes=[Route('/users', users)])\n",
        id="starlette-route",
    ),
    # a blueprint nothing registers under a prefix
    pytest.param(
        "app/main.py",
        "from sanic import Blueprint, Sanic\n\napp = Sanic('x')\nbp = Blueprint('users')\n\n\n"
        "@bp.get('/users')\nasync def users(request):\n    return None\n\n\napp.blueprint(bp)\n",
        id="sanic-blueprint",
    ),
    # `mount` on something that is no Bottle app
    pytest.param(
        "app/main.py",
        "import bottle\n\napp = bottle.Bottle()\ndisk = object()\ndisk.mount('/api', '/dev/sda1')\n",
        id="bottle-other-mount",
    ),
]


@pytest.mark.parametrize(("path", "text"), CLEAN)
def test_no_prefix_where_none_is_written(make_project: MakeProject, path: str, text: str) -> None:
    assert inspect_json(make_project, {path: text})["framework"]["prefixes"] == []


@pytest.mark.parametrize(
    ("family", "callee"),
    [
        pytest.param(family, callee, id=callee)
        for family in ("python", "node")
        for entry in CATALOGUE[family].values()
        for callee in entry.get("mount_calls", [])
    ],
)
def test_every_mount_call_adds_its_prefix(make_project: MakeProject, family: str, callee: str) -> None:
    module, _, function = callee.rpartition(".")
    assert family == "python"  # only Starlette's Mount so far: extend the spelling for Node entries
    text = f"from {module} import {function}\n\nroutes = [{function}('/api', routes=[])]\n"
    assert inspect_json(make_project, {"app/main.py": text})["framework"]["prefixes"] == ["/api"]


def test_named_route_needs_a_path_after_its_name(make_project: MakeProject) -> None:
    """Only koa-router takes a name first; a name followed by no path, or Express given two strings,
    registers no route."""
    files: dict[str, str | bytes] = {
        "src/koa.js": 'const Router = require("@koa/router");\nconst router = new Router();\n'
        'router.get("user", show);\n',
        "src/express.js": 'const express = require("express");\nconst app = express();\n'
        'app.get("user", "/users/:id");\n',
        # Express has no chained paths: `.post(h)` with no path registers nothing
        "src/chain.js": 'const express = require("express");\nconst api = express.Router();\n'
        "api.use(auth).post(create);\n",
    }
    assert inspect_json(make_project, files)["framework"]["routes"] == []
