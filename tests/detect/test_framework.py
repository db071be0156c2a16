"""The framework verifier (FW001-FW003): which web framework serves the application, its routes,
prefixes and ports, on small projects written for each case.

- each paper framework (flask, fastapi, django, aiohttp; express, fastify, hono, koa) detected from
  its app and routes, in Python, CommonJS and TypeScript;
- other frameworks (starlette, sanic, tornado, litestar, nestjs, hapi, …) reported as serving;
- FW001 (required missing / only declared / only imported), FW002, FW003, frameworks implied by
  another (fastapi + starlette is one framework), test code out of scope;
- routes and prefixes (blueprints, routers, mounts, base paths);
- routers followed across modules (factory functions, renamed / default exports, nested mounts, a
  router nothing mounts), @fastify/autoload folder prefixes, computed route paths;
- run-time prefixes and paths from `.env` files (`framework.values`), chains with no variable, routers
  handed to route installers, Express route chains, express-promise-router and inversify-express-utils;
- every entry of rules/frameworks.toml (packages, apps, routers, routes, route_calls, mounts, listen,
  servers), taken from the catalogue itself;
- the `fw-*` sample of corpus/ and the framework of the `db-*` samples.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from reports import MakeProject, check, findings_of, inspect_json

from cdverify.detect.tracing import module_keys
from cdverify.model import Family
from cdverify.pipeline import inspect, verify

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
CATALOGUE: dict[str, Any] = tomllib.loads((REPO / "rules" / "frameworks.toml").read_text())


def framework(make_project: MakeProject, files: dict[str, str | bytes]) -> dict[str, Any]:
    data: dict[str, Any] = inspect_json(make_project, files)["framework"]
    return data


def fw_findings(report: dict[str, Any]) -> list[tuple[str, str, int]]:
    return findings_of(report, "FW")


def routes_of(data: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((r["method"], r["path"]) for r in data["routes"])


# -- the paper's frameworks, from app construction and routes ----------------------------------------

PAPER_APPS: list[Any] = [
    pytest.param(
        "flask",
        {
            "app/__init__.py": "from flask import Flask\n\nfrom app.routes import api\n\n\ndef create_app():\n"
            '    app = Flask(__name__)\n    app.register_blueprint(api, url_prefix="/api")\n    return app\n',
            "app/routes.py": 'from flask import Blueprint, jsonify\n\napi = Blueprint("api", __name__)\n\n\n'
            '@api.route("/health-check")\ndef health():\n    return jsonify(status="ok")\n\n\n'
            '@api.post("/users")\ndef register():\n    return jsonify({}), 201\n\n\n'
            '@api.route("/articles/<slug>", methods=["PUT", "DELETE"])\ndef article(slug):\n    return jsonify({})\n',
        },
        [("GET", "/health-check"), ("POST", "/users"), ("PUT,DELETE", "/articles/<slug>")],
        ["/api"],
        id="flask-python",
    ),
    pytest.param(
        "fastapi",
        {
            "app/main.py": "from fastapi import FastAPI\n\nfrom app.api import users\n\n"
            'app = FastAPI(title="Conduit")\napp.include_router(users.router, prefix="/api")\n\n\n'
            '@app.get("/api/health-check")\nasync def health():\n    return {"status": "ok"}\n',
            "app/api/users.py": "from fastapi import APIRouter\n\n"
            'router = APIRouter(prefix="/users", tags=["users"])\n\n\n@router.get("/{user_id}")\n'
            "async def get_user(user_id: int):\n    return {}\n\n\n"
            '@router.delete("/{user_id}", status_code=204)\nasync def delete_user(user_id: int):\n    return None\n',
        },
        [("DELETE", "/{user_id}"), ("GET", "/api/health-check"), ("GET", "/{user_id}")],
        ["/api", "/users"],
        id="fastapi-python",
    ),
    pytest.param(
        "django",
        {
            "manage.py": "import os\nimport sys\n\n\ndef main():\n"
            '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conduit.settings")\n'
            "    from django.core.management import execute_from_command_line\n\n    execute_from_command_line(sys.argv)\n\n\n"
            'if __name__ == "__main__":\n    main()\n',
            "conduit/urls.py": "from django.contrib import admin\nfrom django.urls import include, path\n\n"
            'urlpatterns = [\n    path("admin/", admin.site.urls),\n    path("api/", include("articles.urls")),\n]\n',
            "articles/urls.py": "from django.urls import path\nfrom rest_framework.routers import DefaultRouter\n\n"
            "from . import views\n\nrouter = DefaultRouter()\n"
            'router.register("articles", views.ArticleViewSet, basename="article")\n\n'
            'urlpatterns = [path("health-check", views.health)] + router.urls\n',
            "articles/views.py": "from django.http import JsonResponse\nfrom rest_framework import viewsets\n\n\n"
            'def health(request):\n    return JsonResponse({"status": "ok"})\n\n\n'
            "class ArticleViewSet(viewsets.ViewSet):\n    pass\n",
        },
        [("*", "admin/"), ("*", "articles"), ("*", "health-check")],
        ["api/"],
        id="django-python",
    ),
    pytest.param(
        "aiohttp",
        {
            "app/main.py": "from aiohttp import web\n\nroutes = web.RouteTableDef()\n\n\n"
            '@routes.get("/api/health-check")\nasync def health(request):\n    return web.json_response({"status": "ok"})\n\n\n'
            "async def create_user(request):\n    return web.json_response({}, status=201)\n\n\n"
            "def make_app():\n    app = web.Application()\n    app.add_routes(routes)\n"
            '    app.router.add_post("/api/users", create_user)\n    return app\n\n\n'
            'if __name__ == "__main__":\n    web.run_app(make_app(), port=8080)\n',
        },
        [("GET", "/api/health-check"), ("POST", "/api/users")],
        [],
        id="aiohttp-python",
    ),
    pytest.param(
        "express",
        {
            "src/app.js": 'const express = require("express");\nconst routes = require("./routes");\n\n'
            'const app = express();\napp.use(express.json());\napp.use("/api", routes);\n\nmodule.exports = app;\n',
            "src/routes/index.js": 'const { Router } = require("express");\n\nconst router = Router();\n\n'
            'router.get("/health-check", (req, res) => res.json({ status: "ok" }));\n'
            'router.post("/users", (req, res) => res.status(201).json({}));\n\nmodule.exports = router;\n',
        },
        [("GET", "/health-check"), ("POST", "/users")],
        ["/api"],
        id="express-commonjs",
    ),
    pytest.param(
        "express",
        {
            "src/app.ts": 'import express, { Request, Response } from "express";\n\nimport { userRouter } from "./routes/users";\n\n'
            'export const app = express();\napp.use(express.json());\napp.use("/api/users", userRouter);\n'
            'app.get("/api/health-check", (_req: Request, res: Response) => {\n  res.json({ status: "ok" });\n});\n',
            "src/routes/users.ts": 'import express from "express";\n\nexport const userRouter = express.Router();\n\n'
            'userRouter.get("/:id", (req, res) => {\n  res.json({ id: req.params.id });\n});\n',
        },
        [("GET", "/:id"), ("GET", "/api/health-check")],
        ["/api/users"],
        id="express-typescript",
    ),
    pytest.param(
        "fastify",
        {
            "src/server.js": 'const fastify = require("fastify")({ logger: true });\n\n'
            'fastify.get("/api/health-check", async () => ({ status: "ok" }));\n'
            'fastify.register(require("./routes/users"), { prefix: "/api/users" });\n\n'
            'fastify.listen({ port: 3000, host: "0.0.0.0" });\n',
            "src/routes/users.js": 'module.exports = async function (app) {\n  app.get("/", async () => []);\n};\n',
        },
        # the plugin's own route counts too: register() hands the plugin the Fastify instance
        # (see test_task_files.py::test_health_check_in_a_fastify_plugin)
        [("GET", "/"), ("GET", "/api/health-check")],
        ["/api/users"],
        id="fastify-commonjs",
    ),
    pytest.param(
        "fastify",
        {
            "src/app.ts": 'import Fastify from "fastify";\nimport cors from "@fastify/cors";\n\n'
            "export const app = Fastify({ logger: true });\napp.register(cors);\n\n"
            'app.route({ method: "GET", url: "/api/health-check", handler: async () => ({ status: "ok" }) });\n'
            'app.post("/api/users", async (request, reply) => reply.code(201).send({}));\n',
        },
        [("GET", "/api/health-check"), ("POST", "/api/users")],
        [],
        id="fastify-typescript",
    ),
    pytest.param(
        "hono",
        {
            "src/index.ts": 'import { serve } from "@hono/node-server";\nimport { Hono } from "hono";\n\n'
            'import { users } from "./routes/users";\n\nconst app = new Hono().basePath("/api");\n\n'
            'app.get("/health-check", (c) => c.json({ status: "ok" }));\napp.route("/users", users);\n\n'
            "serve({ fetch: app.fetch, port: 3000 });\n",
            "src/routes/users.ts": 'import { Hono } from "hono";\n\nexport const users = new Hono();\n\n'
            'users.get("/:id", (c) => c.json({ id: c.req.param("id") }));\nusers.delete("/:id", (c) => c.body(null, 204));\n',
        },
        [("DELETE", "/:id"), ("GET", "/:id"), ("GET", "/health-check")],
        ["/api", "/users"],
        id="hono-typescript",
    ),
    pytest.param(
        "hono",
        {
            "src/index.mjs": 'import { Hono } from "hono";\n\nconst app = new Hono();\n'
            'app.get("/api/health-check", (c) => c.text("ok"));\n\nexport default app;\n',
        },
        [("GET", "/api/health-check")],
        [],
        id="hono-javascript",
    ),
    pytest.param(
        "koa",
        {
            "src/app.js": 'const Koa = require("koa");\nconst Router = require("@koa/router");\nconst bodyParser = require("koa-bodyparser");\n\n'
            'const router = new Router({ prefix: "/api" });\n\n'
            'router.get("/health-check", (ctx) => {\n  ctx.body = { status: "ok" };\n});\n'
            'router.del("/articles/:slug", (ctx) => {\n  ctx.status = 204;\n});\n\n'
            "const app = new Koa();\napp.use(bodyParser());\napp.use(router.routes()).use(router.allowedMethods());\n\n"
            "module.exports = app;\n",
        },
        [("DELETE", "/articles/:slug"), ("GET", "/health-check")],
        ["/api"],
        id="koa-commonjs",
    ),
    pytest.param(
        "koa",
        {
            "src/app.ts": 'import Koa from "koa";\nimport Router from "koa-router";\n\nconst app = new Koa();\n'
            "const router = new Router();\n\n"
            'router.get("/api/health-check", async (ctx) => {\n  ctx.body = { status: "ok" };\n});\n'
            'router.post("/api/users", async (ctx) => {\n  ctx.status = 201;\n});\n\n'
            "app.use(router.routes());\napp.listen(3000);\n",
        },
        [("GET", "/api/health-check"), ("POST", "/api/users")],
        [],
        id="koa-typescript",
    ),
]


@pytest.mark.parametrize(("name", "files", "routes", "prefixes"), PAPER_APPS)
def test_paper_framework_detected_from_app_and_routes(
    make_project: MakeProject,
    name: str,
    files: dict[str, str],
    routes: list[tuple[str, str]],
    prefixes: list[str],
) -> None:
    data = framework(make_project, files)
    assert data["detected"] == [name]
    assert data["serving"] == [name]
    assert routes_of(data) == sorted(routes)
    assert data["prefixes"] == prefixes


@pytest.mark.parametrize(("name", "files", "routes", "prefixes"), PAPER_APPS)
def test_paper_framework_constraint_holds(
    make_project: MakeProject, name: str, files: dict[str, str], routes: Any, prefixes: Any
) -> None:
    report = check(make_project, files, name)
    assert fw_findings(report) == []
    assert report["verdicts"]["framework"]["status"] == "pass"


# -- other frameworks ----------------------------------------------------------------------------------

OTHER_FRAMEWORKS: list[Any] = [
    pytest.param(
        "starlette",
        "flask",
        {
            "app.py": "from starlette.applications import Starlette\nfrom starlette.responses import JSONResponse\n"
            "from starlette.routing import Route\n\n\nasync def health(request):\n"
            '    return JSONResponse({"status": "ok"})\n\n\napp = Starlette(routes=[Route("/api/health-check", health)])\n',
        },
        ("FW002", "app.py", 10),
        id="starlette",
    ),
    pytest.param(
        "sanic",
        "fastapi",
        {
            "server.py": 'from sanic import Sanic\nfrom sanic.response import json\n\napp = Sanic("conduit")\n\n\n'
            '@app.get("/api/health-check")\nasync def health(request):\n    return json({"status": "ok"})\n',
        },
        ("FW002", "server.py", 4),
        id="sanic",
    ),
    pytest.param(
        "tornado",
        "flask",
        {
            "server.py": "import tornado.ioloop\nimport tornado.web\n\n\nclass Health(tornado.web.RequestHandler):\n"
            '    def get(self):\n        self.write({"status": "ok"})\n\n\n'
            'app = tornado.web.Application([(r"/api/health-check", Health)])\napp.listen(8080)\n'
            "tornado.ioloop.IOLoop.current().start()\n",
        },
        ("FW002", "server.py", 10),
        id="tornado",
    ),
    pytest.param(
        "litestar",
        "fastapi",
        {
            "app.py": "from litestar import Litestar, get\n\n\n"
            '@get("/api/health-check")\nasync def health() -> dict[str, str]:\n    return {"status": "ok"}\n\n\n'
            "app = Litestar(route_handlers=[health])\n",
        },
        ("FW002", "app.py", 9),
        id="litestar",
    ),
    pytest.param(
        "nestjs",
        "express",
        {
            "src/main.ts": 'import { NestFactory } from "@nestjs/core";\n\nimport { AppModule } from "./app.module";\n\n'
            "async function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  await app.listen(3000);\n}\n"
            "bootstrap();\n",
            "src/app.module.ts": 'import { Module } from "@nestjs/common";\n\nimport { HealthController } from "./health.controller";\n\n'
            "@Module({ controllers: [HealthController] })\nexport class AppModule {}\n",
            "src/health.controller.ts": 'import { Controller, Get } from "@nestjs/common";\n\n@Controller("api")\n'
            'export class HealthController {\n  @Get("health-check")\n  check() {\n    return { status: "ok" };\n  }\n}\n',
        },
        ("FW002", "src/main.ts", 6),
        id="nestjs",
    ),
    pytest.param(
        "hapi",
        "express",
        {
            "src/server.js": 'const Hapi = require("@hapi/hapi");\n\nconst init = async () => {\n'
            '  const server = Hapi.server({ port: 3000, host: "0.0.0.0" });\n'
            '  server.route({ method: "GET", path: "/api/health-check", handler: () => ({ status: "ok" }) });\n'
            "  await server.start();\n};\n\ninit();\n",
        },
        ("FW002", "src/server.js", 4),
        id="hapi",
    ),
]


@pytest.mark.parametrize(("name", "required", "files", "fw002"), OTHER_FRAMEWORKS)
def test_other_framework_is_serving(
    make_project: MakeProject, name: str, required: str, files: dict[str, str], fw002: tuple[str, str, int]
) -> None:
    report = check(make_project, files, required)
    assert report["framework"]["detected"] == [name]
    assert report["framework"]["serving"] == [name]
    assert fw_findings(report) == sorted([("FW001", ".", 0), fw002])
    fw001 = next(f for f in report["findings"] if f["rule"] == "FW001")
    assert fw001["serving"] == [name]
    assert f"served by {name}" in fw001["message"]
    assert report["verdicts"]["framework"]["status"] == "fail"


def test_starlette_app_with_fastapi_required(make_project: MakeProject) -> None:
    """A bare Starlette app is not a FastAPI app: FW001. (FastAPI is built on Starlette, so cdverify does
    not add FW002 here; the verdict fails either way.)"""
    files = {
        "app.py": "from starlette.applications import Starlette\nfrom starlette.routing import Route\n\n\n"
        "async def health(request):\n    pass\n\n\napp = Starlette(routes=[Route('/api/health-check', health)])\n",
    }
    report = check(make_project, files, "fastapi")
    assert report["framework"]["serving"] == ["starlette"]
    assert ("FW001", ".", 0) in fw_findings(report)
    assert report["verdicts"]["framework"]["status"] == "fail"


# -- FW001, FW002, FW003 -----------------------------------------------------------------------------------

FLASK_APP = {
    "app.py": 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get("/api/health-check")\ndef health():\n    return {"status": "ok"}\n',
    "requirements.txt": "flask==3.0.3\n",
}

RULE_CASES: list[Any] = [
    # FW001
    pytest.param(
        {"app.py": "import json\n\nprint(json.dumps({}))\n"},
        "flask",
        [("FW001", ".", 0)],
        "fail",
        id="FW001-required-missing",
    ),
    pytest.param(
        {
            "main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
            "requirements.txt": "fastapi\nuvicorn\nflask\n",
        },
        "flask",
        [("FW001", "requirements.txt", 3), ("FW002", "main.py", 3)],
        "fail",
        id="FW001-only-declared",
    ),
    pytest.param(
        {
            "app.py": "import json\n",
            "package.json": '{"dependencies": {"express": "^4.19.2"}}',
            "src/index.js": "console.log(1);\n",
        },
        "express",
        [("FW001", "package.json", 1)],
        "fail",
        id="FW001-only-declared-node",
    ),
    pytest.param(
        {"app/helpers.py": "from flask import jsonify\n\n\ndef ok():\n    return jsonify(status='ok')\n"},
        "flask",
        [("FW001", "app/helpers.py", 1)],
        "fail",
        id="FW001-only-imported",
    ),
    pytest.param(FLASK_APP, "flask", [], "pass", id="FW001-clean"),
    # FW002
    pytest.param(
        {
            **FLASK_APP,
            "legacy/server.py": "from aiohttp import web\n\napp = web.Application()\n",
        },
        "flask",
        [("FW002", "legacy/server.py", 3)],
        "fail",
        id="FW002-second-app",
    ),
    pytest.param(
        {
            "src/app.js": 'const express = require("express");\n\nconst app = express();\napp.get("/api/health-check", (req, res) => res.send("ok"));\n',
            "src/old/router.js": 'const Router = require("@koa/router");\n\nconst router = new Router();\nrouter.get("/api/users", (ctx) => {});\n',
        },
        "express",
        [("FW002", "src/old/router.js", 4)],
        "fail",
        id="FW002-second-framework-routes-only",
    ),
    pytest.param(FLASK_APP, "flask", [], "pass", id="FW002-clean"),
    # FW003
    pytest.param(
        {
            **FLASK_APP,
            "app/errors.py": "from fastapi import HTTPException\n\nNotFound = HTTPException(status_code=404)\n",
        },
        "flask",
        [("FW003", "app/errors.py", 1)],
        "pass",
        id="FW003-other-framework-imported",
    ),
    pytest.param(
        {
            "src/app.js": 'const express = require("express");\nconst app = express();\napp.listen(3000);\n',
            "src/errors.js": 'const createError = require("@fastify/error");\nmodule.exports = createError("E", "boom");\n',
        },
        "express",
        [("FW003", "src/errors.js", 1)],
        "pass",
        id="FW003-other-framework-imported-node",
    ),
    pytest.param(
        {
            **FLASK_APP,
            "app/errors.py": "from werkzeug.exceptions import NotFound\nfrom flask_cors import CORS\n",
        },
        "flask",
        [],
        "pass",
        id="FW003-clean-werkzeug-implied-by-flask",
    ),
    pytest.param(
        {
            "main.py": "from fastapi import FastAPI\nfrom starlette.middleware.cors import CORSMiddleware\n"
            "from starlette.responses import JSONResponse\n\napp = FastAPI()\napp.add_middleware(CORSMiddleware)\n",
        },
        "fastapi",
        [],
        "pass",
        id="FW003-clean-starlette-implied-by-fastapi",
    ),
    pytest.param(
        {**FLASK_APP, "tests/test_compat.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"},
        "flask",
        [],
        "pass",
        id="FW002-FW003-clean-other-framework-in-tests",
    ),
]


@pytest.mark.parametrize(("files", "constraint", "expected", "status"), RULE_CASES)
def test_rule(
    make_project: MakeProject, files: dict[str, str], constraint: str, expected: list[Any], status: str
) -> None:
    report = check(make_project, files, constraint)
    assert fw_findings(report) == sorted(expected)
    assert report["verdicts"]["framework"]["status"] == status


def test_fw001_messages_say_why(make_project: MakeProject) -> None:
    imported = check(make_project, {"app/helpers.py": "from flask import jsonify\n"}, "flask")
    assert "imported but the application never builds" in imported["findings"][0]["message"]


def test_fastapi_and_starlette_are_one_framework(make_project: MakeProject) -> None:
    files = {
        "main.py": "from fastapi import FastAPI\nfrom starlette.applications import Starlette\n"
        "from starlette.routing import Route\n\napp = FastAPI()\nlegacy = Starlette(routes=[Route('/api/old', None)])\n"
        "app.mount('/legacy', legacy)\n",
    }
    data = framework(make_project, files)
    assert data["detected"] == ["fastapi"]
    assert data["serving"] == ["fastapi"]


def test_detected_lists_serving_frameworks_before_imported_ones(make_project: MakeProject) -> None:
    files = {**FLASK_APP, "app/compat.py": "import aiohttp.web\nimport django.http\n"}
    data = framework(make_project, files)
    assert data["detected"] == ["flask", "aiohttp", "django"]
    assert data["serving"] == ["flask"]


def test_framework_in_tests_only_is_not_detected(make_project: MakeProject) -> None:
    files = {
        "app/service.py": "def add(a, b):\n    return a + b\n",
        "tests/test_api.py": "from fastapi import FastAPI\nfrom fastapi.testclient import TestClient\n\napp = FastAPI()\n",
    }
    data = framework(make_project, files)
    assert data["detected"] == []
    assert data["serving"] == []


def test_declared_dependency_alone_is_not_detected(make_project: MakeProject) -> None:
    data = framework(make_project, {"requirements.txt": "flask\n", "app.py": "print(1)\n"})
    assert data["detected"] == []


# -- routes and prefixes -------------------------------------------------------------------------------------

PREFIXES: list[Any] = [
    pytest.param(
        {
            "app/routes.py": 'from flask import Blueprint\n\nbp = Blueprint("api", __name__, url_prefix="/api")\n\n\n'
            '@bp.get("/health-check")\ndef health():\n    return "ok"\n'
        },
        ["/api"],
        [("GET", "/health-check")],
        id="flask-Blueprint-url_prefix",
    ),
    pytest.param(
        {
            "app/__init__.py": 'from flask import Blueprint, Flask\n\nusers = Blueprint("users", __name__)\napp = Flask(__name__)\n'
            'app.register_blueprint(users, url_prefix="/api/users")\n'
        },
        ["/api/users"],
        [],
        id="flask-register_blueprint-url_prefix",
    ),
    pytest.param(
        {
            "app/api.py": 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/api/articles")\n\n\n'
            '@router.get("/")\ndef list_articles():\n    return []\n'
        },
        ["/api/articles"],
        [("GET", "/")],
        id="fastapi-APIRouter-prefix",
    ),
    pytest.param(
        {
            "app/main.py": "from fastapi import APIRouter, FastAPI\n\nrouter = APIRouter()\napp = FastAPI()\n"
            'app.include_router(router, prefix="/api", tags=["api"])\n'
        },
        ["/api"],
        [],
        id="fastapi-include_router-prefix",
    ),
    pytest.param(
        {
            "src/app.js": 'const express = require("express");\nconst app = express();\nconst router = express.Router();\n'
            'app.use("/api", router);\napp.use(express.json());\n'
        },
        ["/api"],
        [],
        id="express-app-use",
    ),
    pytest.param(
        {
            "src/app.ts": 'import Router from "@koa/router";\n\nexport const router = new Router({ prefix: "/api" });\n'
        },
        ["/api"],
        [],
        id="koa-Router-prefix",
    ),
    pytest.param(
        {
            "src/app.js": 'const Router = require("@koa/router");\n\nconst router = new Router();\nrouter.prefix("/api");\n'
        },
        ["/api"],
        [],
        id="koa-router-prefix-method",
    ),
    pytest.param(
        {"src/app.ts": 'import { Hono } from "hono";\n\nconst app = new Hono().basePath("/api");\n'},
        ["/api"],
        [],
        id="hono-basePath",
    ),
    pytest.param(
        {
            "src/app.ts": 'import { Hono } from "hono";\n\nconst app = new Hono();\nconst api = new Hono();\napp.route("/api", api);\n'
        },
        ["/api"],
        [],
        id="hono-route",
    ),
    pytest.param(
        {
            "src/app.js": 'const Fastify = require("fastify");\n\nconst app = Fastify();\n'
            'app.register(require("./routes"), { prefix: "/api" });\n'
        },
        ["/api"],
        [],
        id="fastify-register-prefix",
    ),
    pytest.param(
        {
            "conduit/urls.py": 'from django.urls import include, path\n\nurlpatterns = [path("api/", include("articles.urls"))]\n'
        },
        ["api/"],
        [],
        id="django-path-include",
    ),
    pytest.param(
        {
            "app.py": 'from aiohttp import web\n\napi = web.Application()\napp = web.Application()\napp.add_subapp("/api", api)\n'
        },
        ["/api"],
        [],
        id="aiohttp-add_subapp",
    ),
    pytest.param(
        {
            "api.py": 'from ninja import NinjaAPI, Router\n\napi = NinjaAPI()\nrouter = Router()\napi.add_router("/articles", router)\n'
        },
        ["/articles"],
        [],
        id="django-ninja-add_router",
    ),
]


@pytest.mark.parametrize(("files", "prefixes", "routes"), PREFIXES)
def test_prefixes(
    make_project: MakeProject, files: dict[str, str], prefixes: list[str], routes: list[tuple[str, str]]
) -> None:
    data = framework(make_project, files)
    assert data["prefixes"] == prefixes
    assert routes_of(data) == routes


def test_empty_route_path_is_the_prefix_itself(make_project: MakeProject) -> None:
    """`@router.get("")` under `APIRouter(prefix="/api/articles")` serves GET /api/articles (FastAPI's
    way to avoid the trailing-slash redirect); the route must not be dropped."""
    files = {
        "app/api.py": 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/api/articles")\n\n\n'
        '@router.get("")\ndef list_articles():\n    return []\n',
    }
    data = framework(make_project, files)
    assert routes_of(data) == [("GET", "")]


def test_nestjs_global_prefix_without_slash(make_project: MakeProject) -> None:
    """`app.setGlobalPrefix("api")` (how the NestJS docs write it) puts every route under /api."""
    files = {
        "src/main.ts": 'import { NestFactory } from "@nestjs/core";\n\nimport { AppModule } from "./app.module";\n\n'
        'async function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  app.setGlobalPrefix("api");\n'
        "  await app.listen(3000);\n}\nbootstrap();\n",
        "src/app.module.ts": "export class AppModule {}\n",
    }
    data = framework(make_project, files)
    assert [p.strip("/") for p in data["prefixes"]] == ["api"]


def test_route_methods_from_methods_keyword(make_project: MakeProject) -> None:
    files = {
        "app.py": 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/api/items", methods=["GET", "POST"])\n'
        "def items():\n    return []\n\n\n"
        'app.add_url_rule("/api/ping", "ping", lambda: "pong", methods=["POST"])\n',
    }
    data = framework(make_project, files)
    assert routes_of(data) == [("GET,POST", "/api/items"), ("POST", "/api/ping")]


@pytest.mark.parametrize(
    ("files", "route"),
    [
        pytest.param(
            {
                "app.py": 'from flask import Flask\n\napp = Flask(__name__)\napp.add_url_rule("/api/ping", "ping", lambda: "pong")\n'
            },
            ("GET", "/api/ping"),
            id="flask-add_url_rule",
        ),
        pytest.param(
            {
                "app.py": 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.api_route("/api/ping")\ndef ping():\n    return "pong"\n'
            },
            ("GET", "/api/ping"),
            id="fastapi-api_route",
        ),
        pytest.param(
            {
                "app.py": 'from fastapi import FastAPI\n\napp = FastAPI()\napp.add_api_route("/api/ping", lambda: "pong")\n'
            },
            ("GET", "/api/ping"),
            id="fastapi-add_api_route",
        ),
        pytest.param(
            {
                "app.py": 'from bottle import Bottle\n\napp = Bottle()\n\n\n@app.route("/api/ping")\ndef ping():\n    return "pong"\n'
            },
            ("GET", "/api/ping"),
            id="bottle-route",
        ),
        pytest.param(
            {
                "app.py": 'from sanic import Sanic\n\napp = Sanic("x")\n\n\n@app.route("/api/ping")\nasync def ping(request):\n    return "pong"\n'
            },
            ("GET", "/api/ping"),
            id="sanic-route",
        ),
        pytest.param(
            {
                "app.py": "from aiohttp import web\n\n\nasync def h(request):\n    return web.Response()\n\n\n"
                'app = web.Application()\napp.add_routes([web.post("/api/ping", h)])\n'
            },
            ("POST", "/api/ping"),
            id="aiohttp-web-post",
        ),
        pytest.param(
            {
                "app.py": 'from litestar import post\n\n\n@post("/api/ping")\nasync def ping() -> str:\n    return "pong"\n'
            },
            ("POST", "/api/ping"),
            id="litestar-post",
        ),
        pytest.param(
            {
                "src/ping.controller.ts": 'import { Controller, Put } from "@nestjs/common";\n\n@Controller()\n'
                'export class Ping {\n  @Put("/api/ping")\n  ping() {\n    return "pong";\n  }\n}\n'
            },
            ("PUT", "/api/ping"),
            id="nestjs-Put",
        ),
        pytest.param(
            {
                "src/server.js": 'const restify = require("restify");\n\nconst server = restify.createServer();\n'
                'server.del("/api/ping", (req, res) => res.send(204));\n'
            },
            ("DELETE", "/api/ping"),
            id="restify-del",
        ),
    ],
)
def test_http_method_of_a_route(
    make_project: MakeProject, files: dict[str, str], route: tuple[str, str]
) -> None:
    """The HTTP method a route answers, when the registration names it without a `methods` list:
    Flask add_url_rule, FastAPI api_route/add_api_route, Bottle and Sanic route default to GET;
    aiohttp `web.post`, Litestar `@post`, NestJS `@Put` name it; restify `del` is DELETE."""
    data = framework(make_project, files)
    assert routes_of(data) == [route]


@pytest.mark.parametrize(
    ("files", "route"),
    [
        pytest.param(
            {
                "src/index.ts": 'import { Hono } from "hono";\n\nconst app = new Hono();\n'
                'app.on("GET", "/api/health-check", (c) => c.text("ok"));\n'
            },
            ("GET", "/api/health-check"),
            id="hono-on-method-path",
        ),
        pytest.param(
            {
                "app.py": "from aiohttp import web\n\n\nasync def health(request):\n    return web.Response(text='ok')\n\n\n"
                'app = web.Application()\napp.router.add_route("GET", "/api/health-check", health)\n'
            },
            ("GET", "/api/health-check"),
            id="aiohttp-add_route-method-path",
        ),
        pytest.param(
            {
                "app.py": "from aiohttp import web\n\n\nasync def health(request):\n    return web.Response(text='ok')\n\n\n"
                'app = web.Application()\napp.add_routes([web.route("GET", "/api/health-check", health)])\n'
            },
            ("GET", "/api/health-check"),
            id="aiohttp-web-route-method-path",
        ),
        pytest.param(
            {
                "app.py": "from aiohttp import web\n\nroutes = web.RouteTableDef()\n\n\n"
                '@routes.route("GET", "/api/health-check")\nasync def health(request):\n    return web.Response(text="ok")\n'
            },
            ("GET", "/api/health-check"),
            id="aiohttp-RouteTableDef-route-method-path",
        ),
        pytest.param(
            {
                "app.py": 'from pyramid.config import Configurator\n\nconfig = Configurator()\nconfig.add_route("health", "/api/health-check")\n'
            },
            ("*", "/api/health-check"),
            id="pyramid-add_route-name-pattern",
        ),
    ],
)
def test_route_whose_first_argument_is_not_the_path(
    make_project: MakeProject, files: dict[str, str], route: tuple[str, str]
) -> None:
    """Hono `on(method, path)`, aiohttp `add_route(method, path)` / `web.route(method, path)` /
    `RouteTableDef.route(method, path)` and Pyramid `add_route(name, pattern)`: the path is the
    second argument; the first is the HTTP method (or the route's name)."""
    data = framework(make_project, files)
    assert routes_of(data) == [route]


# -- routes followed across modules: factories, mounts, @fastify/autoload, computed paths ------------------


def placed(make_project: MakeProject, files: dict[str, str | bytes]) -> dict[tuple[str, str], list[str]]:
    """(method, path as registered) → every full path the route may be reached at."""
    report = inspect(make_project(files), use_cache=False).analysis.frameworks
    return {(r.method, r.path): sorted(report.full_paths(r)) for r in report.routes}


EXPRESS_SERVER = 'const express = require("express");\n'
HONO_SERVER = 'import { Hono } from "hono";\n'

FACTORY_MOUNTS: list[Any] = [
    pytest.param(
        {
            "src/app.js": EXPRESS_SERVER + 'const { makeRouter } = require("./routes/users");\n\n'
            'const app = express();\napp.use(express.json());\napp.use("/api", makeRouter({ db: null }));\n\n'
            "module.exports = app;\n",
            "src/routes/users.js": 'const { Router } = require("express");\n\nfunction makeRouter(deps) {\n'
            '  const router = Router();\n  router.get("/users", (req, res) => res.json([]));\n  return router;\n}\n\n'
            "module.exports = { makeRouter };\n",
        },
        {("GET", "/users"): ["/api/users"]},
        id="express-commonjs-named-factory-mounted-inline",
    ),
    pytest.param(
        {
            "src/app.js": EXPRESS_SERVER + 'const routes = require("./routes");\n\n'
            'const app = express();\napp.use("/api", routes({}));\n\nmodule.exports = app;\n',
            "src/routes.js": 'const express = require("express");\n\nmodule.exports = (deps) => {\n'
            '  const router = express.Router();\n  router.post("/users/login", (req, res) => res.json({}));\n'
            "  return router;\n};\n",
        },
        {("POST", "/users/login"): ["/api/users/login"]},
        id="express-commonjs-default-factory",
    ),
    pytest.param(
        {
            "src/app.ts": 'import express from "express";\n\nimport { makeUsersRouter } from "./users.js";\n\n'
            'const app = express();\nconst users = makeUsersRouter({});\napp.use("/api/users", users);\n\n'
            "export default app;\n",
            "src/users.ts": 'import { Router } from "express";\n\nexport function makeUsersRouter(deps: object) {\n'
            '  const router = Router();\n  router.get("/:id", (req, res) => res.json({}));\n  return router;\n}\n',
        },
        {("GET", "/:id"): ["/api/users/:id"]},
        id="express-typescript-factory-result-assigned-then-mounted",
    ),
    pytest.param(
        {
            "src/index.ts": HONO_SERVER
            + 'import tagRoutes from "./routes/tags";\n\nconst app = new Hono();\n'
            'app.route("/api", tagRoutes);\n\nexport default app;\n',
            "src/utils/create-router.ts": HONO_SERVER + 'import type { Env } from "../env";\n\n'
            "export const createRouter = () => {\n  const router = new Hono<Env>();\n  return router;\n};\n",
            "src/routes/tags.ts": 'import { createRouter } from "../utils/create-router";\n\nconst tags = createRouter();\n\n'
            'tags.get("/tags", (c) => c.json({ tags: [] }));\n\nexport default tags;\n',
        },
        {("GET", "/tags"): ["/api/tags"]},
        id="hono-typescript-router-from-a-factory-module",
    ),
    pytest.param(
        {
            "src/index.ts": HONO_SERVER
            + 'import { makeRouter } from "./routes/health.js";\n\nconst app = new Hono();\n'
            'app.route("/api", makeRouter());\n\nexport default app;\n',
            "src/routes/health.ts": HONO_SERVER + "\nexport function makeRouter(): Hono {\n"
            '  const router = new Hono();\n  router.get("/health-check", (c) => c.text("ok"));\n  return router;\n}\n',
        },
        {("GET", "/health-check"): ["/api/health-check"]},
        id="hono-typescript-factory-mounted-inline",
    ),
    pytest.param(
        {
            "src/app.ts": 'import express from "express";\n\nimport api from "./api";\n\n'
            'export const app = express();\napp.use("/api", api);\napp.get("/status", (req, res) => res.send("ok"));\n',
            "src/api.ts": 'import { Router } from "express";\n\nimport { usersRouter } from "./users";\n\n'
            'const api = Router();\napi.use("/users", usersRouter);\n\nexport default api;\n',
            "src/users.ts": 'import { Router } from "express";\n\nconst router = Router();\n'
            'router.get("/:id", (req, res) => res.json({}));\n\nexport { router as usersRouter };\n',
        },
        {("GET", "/:id"): ["/api/users/:id"], ("GET", "/status"): ["/status"]},
        id="express-typescript-nested-mounts-across-modules",
    ),
    pytest.param(
        {
            "src/app.js": 'const Koa = require("koa");\nconst Router = require("@koa/router");\n'
            'const users = require("./users");\n\nconst api = new Router();\napi.prefix("/api");\n'
            'api.use("/users", users.routes());\n\nconst app = new Koa();\napp.use(api.routes());\n',
            "src/users.js": 'const Router = require("@koa/router");\n\nconst router = new Router();\n'
            'router.get("/:id", (ctx) => {\n  ctx.body = {};\n});\n\nmodule.exports = router;\n',
        },
        {("GET", "/:id"): ["/api/users/:id"]},
        id="koa-router-mounted-by-routes-with-prefix-method",
    ),
]


@pytest.mark.parametrize(("files", "expected"), FACTORY_MOUNTS)
def test_router_followed_across_modules(
    make_project: MakeProject, files: dict[str, str], expected: dict[tuple[str, str], list[str]]
) -> None:
    """A router built by a factory function in another module (`app.use("/api", makeRouter(deps))`,
    `const tags = createRouter()`), exported under another name, or mounted by a router that is itself
    mounted, sits under every prefix on its way to the app; a route on the app stays at its own path."""
    assert placed(make_project, files) == expected


def _hono_router(path: str) -> str:
    return (
        HONO_SERVER + f'\nconst r = new Hono();\nr.get("{path}", (c) => c.text("ok"));\n\nexport default r;\n'
    )


def _express_router(path: str) -> str:
    return (
        'const router = require("express").Router();\n\n'
        f'router.get("{path}", (req, res) => res.json([]));\n\nmodule.exports = router;\n'
    )


CHAINED_MOUNTS: list[Any] = [
    pytest.param(
        {
            "src/index.ts": HONO_SERVER
            + 'import users from "./users";\nimport articles from "./articles";\n\n'
            'const api = new Hono().route("/users", users).route("/articles", articles);\n'
            'const app = new Hono();\napp.route("/api", api);\n\nexport default app;\n',
            "src/users.ts": _hono_router("/:id"),
            "src/articles.ts": _hono_router("/feed"),
        },
        {("GET", "/:id"): ["/api/users/:id"], ("GET", "/feed"): ["/api/articles/feed"]},
        id="hono-typescript-chain-assigned-to-a-variable",
    ),
    pytest.param(
        {
            "src/index.ts": HONO_SERVER + 'import api from "./api";\n\n'
            'const app = new Hono();\napp.route("/api", api);\n\nexport default app;\n',
            "src/api.ts": HONO_SERVER + 'import tags from "./tags";\nimport profiles from "./profiles";\n\n'
            'export default new Hono()\n  .route("/tags", tags)\n  .route("/profiles", profiles)\n'
            '  .get("/health-check", (c) => c.text("ok"));\n',
            "src/tags.ts": _hono_router("/"),
            "src/profiles.ts": _hono_router("/:username"),
        },
        {
            ("GET", "/"): ["/api/tags"],
            ("GET", "/:username"): ["/api/profiles/:username"],
            ("GET", "/health-check"): ["/api/health-check"],
        },
        id="hono-typescript-chain-exported-as-is",
    ),
    pytest.param(
        {
            "src/app.js": EXPRESS_SERVER
            + 'const users = require("./users");\nconst tags = require("./tags");\n\n'
            "const app = express();\n"
            'app.use(express.json()).use("/api/users", users).use("/api/tags", tags);\n\nmodule.exports = app;\n',
            "src/users.js": _express_router("/:id"),
            "src/tags.js": _express_router("/"),
        },
        {("GET", "/:id"): ["/api/users/:id"], ("GET", "/"): ["/api/tags"]},
        id="express-commonjs-chain-on-the-app",
    ),
    pytest.param(
        {
            "src/app.js": EXPRESS_SERVER + 'const app = express();\napp.use("/api", require("./routes"));\n',
            "src/routes.js": 'const express = require("express");\n\n'
            'module.exports = express.Router().use("/users", require("./users")).use("/tags", require("./tags"));\n',
            "src/users.js": _express_router("/:id"),
            "src/tags.js": _express_router("/"),
        },
        {("GET", "/:id"): ["/api/users/:id"], ("GET", "/"): ["/api/tags"]},
        id="express-commonjs-chain-exported-as-is",
    ),
    pytest.param(
        {
            "src/app.ts": 'import express, { Router } from "express";\n\nimport users from "./users";\n'
            'import tags from "./tags";\n\nconst unused = Router().use("/users", users).use("/tags", tags);\n'
            'const app = express();\napp.get("/api/health-check", (req, res) => res.send("ok"));\n',
            "src/users.ts": 'import { Router } from "express";\n\nconst router = Router();\n'
            'router.get("/:id", (req, res) => res.json({}));\n\nexport default router;\n',
            "src/tags.ts": 'import { Router } from "express";\n\nconst router = Router();\n'
            'router.get("/", (req, res) => res.json([]));\n\nexport default router;\n',
        },
        {
            ("GET", "/:id"): ["/users/:id"],
            ("GET", "/"): ["/tags"],
            ("GET", "/api/health-check"): ["/api/health-check"],
        },
        id="express-typescript-chain-never-mounted",
    ),
]


@pytest.mark.parametrize(("files", "expected"), CHAINED_MOUNTS)
def test_every_link_of_a_chain_mounts(
    make_project: MakeProject, files: dict[str, str], expected: dict[tuple[str, str], list[str]]
) -> None:
    """Methods that return their object (`use`, Hono's `route`) chained with no variable in between:
    every link mounts on the object the chain starts from, or on the variable it is assigned to, or on
    the module's default export when the chain is exported as is; a chained router nothing mounts keeps
    its routers at their own prefix only."""
    assert placed(make_project, files) == expected


ROUTE_INSTALLERS: list[Any] = [
    pytest.param(
        {
            "api/index.js": EXPRESS_SERVER
            + 'const { initControllers } = require("./controllers/index.js");\n\n'
            "const app = express();\nconst router = express.Router();\n\nconst main = async () => {\n"
            '  initControllers(router);\n  app.use("/api", router);\n  app.listen(3000);\n};\n\nmain();\n',
            "api/controllers/index.js": 'const { userController } = require("./userController.js");\n\n'
            "const init = async (router) => {\n  userController.init(router);\n};\n\n"
            "module.exports = { initControllers: init };\n",
            "api/controllers/userController.js": "const init = async (router) => {\n"
            '  router.post("/users", (req, res) => res.json({}));\n'
            '  router.get("/user", (req, res) => res.json({ user: req.user }));\n};\n\n'
            "module.exports = { userController: { init } };\n",
        },
        {("POST", "/users"): ["/api/users"], ("GET", "/user"): ["/api/user"]},
        id="express-commonjs-router-handed-on-through-two-installers",
    ),
    pytest.param(
        {
            "src/app.ts": 'import express, { Router } from "express";\n\nimport { registerRoutes } from "./routes";\n\n'
            'const app = express();\nconst api = Router();\nregisterRoutes(api);\napp.use("/api", api);\n'
            "app.listen(3000);\n",
            "src/routes.ts": 'import { Router } from "express";\n\nimport users from "./users";\n\n'
            "export function registerRoutes(r: Router): void {\n"
            '  r.get("/health-check", (req, res) => res.send("ok"));\n  r.use("/users", users);\n}\n',
            "src/users.ts": 'import { Router } from "express";\n\nconst router = Router();\n'
            'router.get("/:id", (req, res) => res.json({}));\n\nexport default router;\n',
        },
        {("GET", "/health-check"): ["/api/health-check"], ("GET", "/:id"): ["/api/users/:id"]},
        id="express-typescript-named-installer-mounting-a-router",
    ),
    pytest.param(
        {
            "src/app.js": 'const Koa = require("koa");\nconst Router = require("@koa/router");\n\n'
            'const router = new Router({ prefix: "/api" });\nrequire("./routes")(router);\n\n'
            "const app = new Koa();\napp.use(router.routes());\napp.listen(3000);\n",
            "src/routes.js": "module.exports = (router) => {\n"
            '  router.get("/tags", (ctx) => {\n    ctx.body = [];\n  });\n};\n',
        },
        {("GET", "/tags"): ["/api/tags"]},
        id="koa-commonjs-required-installer-called-inline",
    ),
    pytest.param(
        {
            "src/index.ts": HONO_SERVER + 'import userRoutes from "./users";\n\n'
            "const api = new Hono();\nuserRoutes(api);\n\nconst app = new Hono();\n"
            'app.get("/", (c) => c.text("Conduit"));\napp.route("/api", api);\n\nexport default app;\n',
            "src/users.ts": 'import type { Hono } from "hono";\n\nexport default function (app: Hono) {\n'
            '  app.get("/users", (c) => c.json([]));\n}\n',
        },
        {("GET", "/"): ["/"], ("GET", "/users"): ["/api/users"]},
        id="hono-typescript-default-installer",
    ),
    pytest.param(
        {
            "src/app.ts": 'import express, { Router } from "express";\n\nimport { UserRoutes } from "./users";\n\n'
            'const app = express();\nconst api = Router();\nnew UserRoutes().register(api);\napp.use("/api", api);\n',
            "src/users.ts": 'import { Router } from "express";\n\nexport class UserRoutes {\n'
            '  register(router: Router) {\n    router.get("/users", (req, res) => res.json([]));\n  }\n}\n',
        },
        {("GET", "/users"): ["/api/users"]},
        id="express-typescript-installer-method",
    ),
]


@pytest.mark.parametrize(("files", "expected"), ROUTE_INSTALLERS)
def test_router_handed_to_a_route_installer(
    make_project: MakeProject, files: dict[str, str], expected: dict[tuple[str, str], list[str]]
) -> None:
    """A router or app handed to a project function that registers routes on its parameter
    (`initControllers(router)`, `registerRoutes(api)`, `require("./routes")(router)`, an installer
    handing its parameter on to another) sits where the object handed in does."""
    assert placed(make_project, files) == expected


def test_route_installer_nobody_calls_registers_nothing(make_project: MakeProject) -> None:
    """An installer that no call reaches, or that is only called with something that is no router (a
    `Map`, a name traced to nothing), registers no route: `cache.get("/users")` is no route."""
    files = {
        "src/app.js": EXPRESS_SERVER + 'const { registerRoutes } = require("./routes");\n'
        'const { lookup } = require("./cache");\n\nconst app = express();\n'
        'app.get("/api/health-check", (req, res) => res.send("ok"));\nlookup(new Map());\n'
        "const cache = new Map();\nlookup(cache);\n",
        "src/routes.js": "function registerRoutes(router) {\n"
        '  router.get("/users", (req, res) => res.json([]));\n}\n\nmodule.exports = { registerRoutes };\n',
        "src/cache.js": 'function lookup(cache) {\n  return cache.get("/users");\n}\n\nmodule.exports = { lookup };\n',
    }
    assert placed(make_project, files) == {("GET", "/api/health-check"): ["/api/health-check"]}


def test_router_parameter_facts(make_project: MakeProject) -> None:
    """The parse facts installers are read from: route methods called on a parameter are calls of
    PARAM_PLACEHOLDER (naming the function's scope, the parameter's position and what callers call the
    function); other calls on that parameter stay untraced, and values never carry it."""
    files = {
        "src/routes.js": "const init = (router, db) => {\n"
        '  router.get("/users", (req, res) => res.json(router.stack));\n  db.query("SELECT 1");\n'
        "  router.db.query(router.name);\n};\n\nmodule.exports = { init };\n",
    }
    facts = inspect(make_project(files), use_cache=False).analysis.facts["src/routes.js"]
    callees = [call.callee for call in facts.calls]
    assert "<param:init@1#0#init>().get" in callees
    assert not [c for c in callees if c.startswith("<param:") and not c.endswith(".get")]
    assert all("<param:" not in name for call in facts.calls for value in call.args for name in value.calls)


NEVER_MOUNTED: list[Any] = [
    pytest.param(
        {
            "src/app.js": EXPRESS_SERVER
            + 'const health = require("./health");\nconst { makeRouter } = require("./users");\n\n'
            'const app = express();\napp.use("/api", health);\nmakeRouter({});\n\nmodule.exports = app;\n',
            "src/health.js": 'const router = require("express").Router();\n\n'
            'router.get("/health-check", (req, res) => res.send("ok"));\n\nmodule.exports = router;\n',
            "src/users.js": 'const { Router } = require("express");\n\nfunction makeRouter(deps) {\n'
            '  const router = Router();\n  router.get("/users", (req, res) => res.json([]));\n  return router;\n}\n\n'
            "module.exports = { makeRouter };\n",
        },
        id="express-javascript",
    ),
    pytest.param(
        {
            "src/index.ts": HONO_SERVER
            + 'import health from "./health";\nimport { makeRouter } from "./users";\n\n'
            'const app = new Hono();\napp.route("/api", health);\nconst unused = makeRouter();\n\nexport default app;\n',
            "src/health.ts": HONO_SERVER
            + '\nconst health = new Hono();\nhealth.get("/health-check", (c) => c.text("ok"));\n\n'
            "export default health;\n",
            "src/users.ts": HONO_SERVER + "\nexport function makeRouter() {\n  const router = new Hono();\n"
            '  router.get("/users", (c) => c.json([]));\n  return router;\n}\n',
        },
        id="hono-typescript",
    ),
]


@pytest.mark.parametrize("files", NEVER_MOUNTED)
def test_factory_router_never_mounted_takes_no_prefix(
    make_project: MakeProject, files: dict[str, str]
) -> None:
    """A factory's router that no mount reaches is served nowhere under a prefix: its routes keep their own
    path (TASK007 reports them), while the router that is mounted takes `/api`."""
    assert placed(make_project, files) == {
        ("GET", "/health-check"): ["/api/health-check"],
        ("GET", "/users"): ["/users"],
    }


def test_untraced_mount_keeps_routers_anywhere(make_project: MakeProject) -> None:
    """When a router is mounted under a prefix by something that cannot be traced (a loop over a list),
    routers no traced mount reaches may sit under any prefix, as before: no false TASK007."""
    files = {
        "src/app.js": EXPRESS_SERVER + 'const users = require("./users");\n\nconst app = express();\n'
        'for (const router of [users]) {\n  app.use("/api", router);\n}\n\nmodule.exports = app;\n',
        "src/users.js": 'const router = require("express").Router();\n\n'
        'router.get("/users", (req, res) => res.json([]));\n\nmodule.exports = router;\n',
    }
    assert placed(make_project, files) == {("GET", "/users"): ["/api/api/users", "/api/users", "/users"]}


def test_factory_in_the_same_module_is_traced(make_project: MakeProject) -> None:
    """`const router = makeRouter()` calling a function of the same file (declared before or after):
    its routes are found, on the object the function returns."""
    files = {
        "src/routes.js": 'const express = require("express");\n\nconst router = makeRouter();\n'
        'router.get("/api/articles", (req, res) => res.json([]));\n\n'
        "function makeRouter() {\n  const built = express.Router();\n  return built;\n}\n\nmodule.exports = router;\n",
        "src/app.ts": 'import { Hono } from "hono";\n\nfunction createApp() {\n  return new Hono();\n}\n\n'
        'const app = createApp();\napp.get("/api/health-check", (c) => c.text("ok"));\n',
    }
    data = framework(make_project, files)
    assert routes_of(data) == [("GET", "/api/articles"), ("GET", "/api/health-check")]
    assert data["serving"] == ["express", "hono"]


def test_hono_create_factory_init_app(make_project: MakeProject) -> None:
    """hono/factory: `createFactory({ initApp(app) { app.route("/api/tags", tags) } })` builds the app
    that `factory.createApp()` returns; the sub-apps it mounts take its prefixes."""
    files = {
        "src/factory.ts": 'import { createFactory } from "hono/factory";\n\nimport { tags } from "./tags";\n\n'
        'export const factory = createFactory({\n  initApp(app) {\n    app.route("/api/tags", tags);\n  },\n});\n',
        "src/tags.ts": HONO_SERVER
        + '\nexport const tags = new Hono();\ntags.get("/", (c) => c.json({ tags: [] }));\n',
        "src/index.ts": 'import { factory } from "./factory";\n\nexport default factory.createApp();\n',
    }
    data = framework(make_project, files)
    assert data["serving"] == ["hono"]
    assert data["prefixes"] == ["/api/tags"]
    paths = placed(make_project, files)[("GET", "/")]
    assert "/api/tags" in paths


# @fastify/autoload: `dir` and its options, the plugin files of a folder and the prefixes they take.
AUTOLOAD_APP_JS = (
    'const path = require("path");\nconst fastify = require("fastify")();\nconst autoload = require("@fastify/autoload");\n\n'
    "fastify.register(autoload, {{ dir: {folder}{options} }});\n"
    "fastify.listen({{ port: 3000 }});\n"
)
PLUGIN_JS = (
    'module.exports = async function (fastify, opts) {{\n  fastify.get("{path}", async () => ({{}}));\n}};\n'
)


def autoload_app(
    folder: str = 'path.join(__dirname, "routes")', options: str = "", **plugins: str
) -> dict[str, str]:
    files = {"src/app.js": AUTOLOAD_APP_JS.format(folder=folder, options=options)}
    for name, path in plugins.items():
        files[f"src/routes/{name.replace('__', '/')}.js"] = PLUGIN_JS.format(path=path)
    return files


AUTOLOADS: list[Any] = [
    pytest.param(
        autoload_app(articles__index="/", health="/health-check", options=', options: { prefix: "/api" }'),
        {("GET", "/"): ["/api/articles"], ("GET", "/health-check"): ["/api/health-check"]},
        id="options-prefix-and-folder-names",
    ),
    pytest.param(
        autoload_app(api__users="/users", api__nested__deep="/x"),
        {("GET", "/users"): ["/api/users"], ("GET", "/x"): ["/api/nested/x"]},
        id="folder-names-are-prefixes",
    ),
    pytest.param(
        autoload_app(api__users="/users", options=", dirNameRoutePrefix: false"),
        {("GET", "/users"): ["/users"]},
        id="dirNameRoutePrefix-false",
    ),
    pytest.param(
        autoload_app(api__users="/users", options=", dirNameRoutePrefix: true, encapsulate: true"),
        {("GET", "/users"): ["/api/users"]},
        id="defaults-written-out",
    ),
    pytest.param(
        autoload_app(api__users="/users", options=", dirNameRoutePrefix: (parent, name) => name"),
        {("GET", "/users"): ["/api/users"]},
        id="dirNameRoutePrefix-function-keeps-folder-names",
    ),
    pytest.param(
        autoload_app(users___id__index="/details", options=", routeParams: true"),
        {("GET", "/details"): ["/users/:id/details"]},
        id="routeParams",
    ),
    pytest.param(
        autoload_app(users___id__index="/details"),
        {("GET", "/details"): ["/users/_id/details"]},
        id="underscore-folder-without-routeParams",
    ),
    pytest.param(
        autoload_app(folder='"src/routes"', api__tags="/tags"),
        {("GET", "/tags"): ["/api/tags"]},
        id="dir-from-the-working-directory",
    ),
    pytest.param(
        autoload_app(api__tags="/tags", options=", encapsulate: false"),
        {("GET", "/tags"): ["/tags"]},
        id="encapsulate-false",
    ),
]


@pytest.mark.parametrize(("files", "expected"), AUTOLOADS)
def test_fastify_autoload_prefixes(
    make_project: MakeProject, files: dict[str, str], expected: dict[tuple[str, str], list[str]]
) -> None:
    """@fastify/autoload registers each plugin file under `dir` with `options.prefix` + its folder path
    (`routes/users/_id` → `/users/:id` with `routeParams`); `dirNameRoutePrefix: false` drops the folder
    names; `dir` is `path.join(__dirname, …)` or a path from the working directory (the project root)."""
    assert placed(make_project, files) == expected


def test_fastify_autoload_typescript_esm(make_project: MakeProject) -> None:
    """The ESM spelling: `join(dirname(fileURLToPath(import.meta.url)), "routes")`, plugins typed
    `FastifyInstance` and exported by `export default`; `index.ts` alone is loaded from its folder, and
    `autoPrefix` replaces the folder path."""
    files = {
        "src/app.ts": 'import autoload from "@fastify/autoload";\nimport Fastify from "fastify";\n'
        'import { dirname, join } from "node:path";\nimport { fileURLToPath } from "node:url";\n\n'
        "const app = Fastify().register(autoload, {\n"
        '  dir: join(dirname(fileURLToPath(import.meta.url)), "routes"),\n});\n\nexport default app;\n',
        "src/routes/api/users.ts": 'import type { FastifyInstance } from "fastify";\n\n'
        'export default async function (app: FastifyInstance) {\n  app.get("/users", async () => []);\n}\n',
        "src/routes/api/v2/index.ts": 'import type { FastifyInstance } from "fastify";\n\n'
        'export default async function (app: FastifyInstance) {\n  app.get("/items", async () => []);\n}\n'
        'export const autoPrefix = "/version-two";\n',
        "src/routes/api/v2/helpers.ts": "export const limit = (n: number) => Math.min(n, 100);\n",
    }
    report = inspect(make_project(files), use_cache=False).analysis.frameworks
    assert sorted(report.file_bases) == ["src/routes/api/users.ts", "src/routes/api/v2/index.ts"]
    assert placed(make_project, files) == {
        ("GET", "/users"): ["/api/users"],
        ("GET", "/items"): ["/version-two/items"],
    }


def test_fastify_autoload_fastify_plugin_keeps_its_own_paths(make_project: MakeProject) -> None:
    """A plugin wrapped in fastify-plugin is not encapsulated: Fastify ignores the prefix autoload gives
    it, and such plugins build their paths from `opts.prefix` themselves (avanelli's Conduit app); the
    computed part is unknown, so the route may sit under /api."""
    files = {
        "src/index.js": 'const path = require("path");\nconst autoLoad = require("@fastify/autoload");\n'
        'const config = require("./config");\n\nconst server = require("fastify")();\n'
        'server.register(autoLoad, { dir: path.join(__dirname, "routes"), options: config, dirNameRoutePrefix: false });\n',
        "src/config.js": "const config = { prefix: process.env.API_PREFIX };\nmodule.exports = config;\n",
        "src/routes/tags/index.js": 'const fp = require("fastify-plugin");\n\nasync function tags(server, options) {\n'
        '  server.route({ method: "GET", path: options.prefix + "tags", handler: async () => ({ tags: [] }) });\n'
        "}\n\nmodule.exports = fp(tags);\n",
        "src/routes/users/index.js": "async function users(server, options) {\n"
        '  server.route({ method: "POST", url: "/users", handler: async () => ({}) });\n}\n\nmodule.exports = users;\n',
    }
    paths = placed(make_project, files)
    assert paths[("GET", "*tags")] == ["/*tags"]
    # not wrapped: Fastify applies the prefix autoload gives (`options.prefix`, computed, + `/`)
    assert paths[("POST", "/users")] == ["/*/users"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param({".env.sample": "API_PREFIX=/api\n"}, "/api/tags", id="env-sample"),
        pytest.param({".env": "API_PREFIX=/api/\n", ".env.example": "API_PREFIX=/x"}, "/api/tags", id="env"),
        pytest.param({}, "*tags", id="set-nowhere"),
    ],
)
def test_fastify_autoload_hands_its_prefix_to_plugins(
    make_project: MakeProject, env: dict[str, str], expected: str
) -> None:
    """avanelli's Conduit app: autoload's `options: config` with `config.prefix` read from the
    environment (env-schema's `env.API_PREFIX`), plugins wrapped in fastify-plugin that build their paths
    from `opts.prefix`. Autoload hands each plugin `options.prefix` (its trailing `/` dropped) plus the
    folder prefix (`/` with `dirNameRoutePrefix: false`), so `opts.prefix + "tags"` is `/api/tags` once a
    `.env` file gives API_PREFIX; with no value anywhere it stays `*tags`."""
    files = {
        "lib/server.ts": 'import path from "path";\nimport autoLoad from "@fastify/autoload";\n'
        'import Fastify from "fastify";\n\nimport getConfig from "./config";\n\n'
        "const server = Fastify();\nconst config = getConfig();\n"
        'server.register(autoLoad, { dir: path.join(__dirname, "routes"), options: config, '
        "dirNameRoutePrefix: false });\n",
        "lib/config.ts": 'import envSchema from "env-schema";\n\nexport default function getConfig() {\n'
        "  const env = envSchema({ dotenv: true });\n  const config = { prefix: env.API_PREFIX };\n"
        "  return config;\n}\n",
        "lib/routes/tags/index.ts": 'import fp from "fastify-plugin";\n\n'
        "async function tags(server: FastifyInstance, options: { prefix: string }) {\n"
        '  server.route({ method: "GET", path: options.prefix + "tags", handler: async () => ({ tags: [] }) });\n'
        "}\n\nexport default fp(tags);\n",
        **env,
    }
    paths = placed(make_project, files)
    assert paths == {("GET", expected): ["/" + expected.lstrip("/")]}


def test_plugin_not_loaded_by_autoload_keeps_any_prefix(make_project: MakeProject) -> None:
    """A plugin outside the autoload folder, registered by hand under a prefix, is not given a folder
    prefix; its routes may sit under any prefix, as before."""
    files = autoload_app(api__users="/users")
    files["src/app.js"] = files["src/app.js"].replace(
        "fastify.listen", 'fastify.register(require("./extra"), { prefix: "/v1" });\nfastify.listen'
    )
    files["src/extra.js"] = PLUGIN_JS.format(path="/ping")
    paths = placed(make_project, files)
    assert paths[("GET", "/users")] == ["/api/users"]
    assert "/v1/ping" in paths[("GET", "/ping")]
    assert "/ping" in paths[("GET", "/ping")]


COMPUTED_PATHS: list[Any] = [
    pytest.param(
        {
            "src/app.js": EXPRESS_SERVER + 'const API = "/api";\n\nconst app = express();\n'
            'app.get(API + "/health-check", (req, res) => res.send("ok"));\n',
        },
        [("GET", "/api/health-check")],
        id="constant-plus-literal",
    ),
    pytest.param(
        {
            "src/app.ts": 'import express from "express";\n\nconst ROUTES = { HEALTH: "/api/health-check" } as const;\n\n'
            'const app = express();\napp.get(ROUTES.HEALTH, (req, res) => res.send("ok"));\n',
        },
        [("GET", "/api/health-check")],
        id="constant-object-entry",
    ),
    pytest.param(
        {
            "src/app.ts": 'import Fastify from "fastify";\n\nconst app = Fastify();\n'
            "app.get(`${process.env.BASE_PATH}/health-check`, { schema: {} }, async () => ({}));\n",
        },
        [("GET", "*/health-check")],
        id="template-with-a-runtime-part",
    ),
    pytest.param(
        {
            "src/plugin.js": "module.exports = async function (fastify, opts) {\n"
            '  fastify.route({ method: ["GET", "HEAD"], url: opts.prefix + "/tags", handler: async () => [] });\n};\n',
            "src/app.js": 'const fastify = require("fastify")();\nfastify.register(require("./plugin"));\n',
        },
        [("GET,HEAD", "*/tags")],
        id="route-options-with-opts-prefix",
    ),
    pytest.param(
        {
            "src/app.js": EXPRESS_SERVER + "const app = express();\n"
            "for (const [path, handler] of Object.entries(handlers)) {\n  app.get(path, handler);\n}\n",
        },
        [],
        id="a-loop-variable-is-no-route",
    ),
]


@pytest.mark.parametrize(("files", "routes"), COMPUTED_PATHS)
def test_computed_route_paths(
    make_project: MakeProject, files: dict[str, str], routes: list[tuple[str, str]]
) -> None:
    """Paths built from application constants take their values; a part known only at run time
    (`opts.prefix + "/tags"`, `${process.env.BASE_PATH}/…`) is `*`, which any prefix may stand for; a
    path held by a variable with no constant value is not read as a route."""
    assert routes_of(framework(make_project, files)) == routes


RUN_TIME_VALUES: list[Any] = [
    pytest.param(
        {
            "src/app.js": EXPRESS_SERVER + 'const users = require("./users");\n\nconst app = express();\n'
            "app.use(process.env.API_PREFIX, users);\n",
            "src/users.js": 'const router = require("express").Router();\n\n'
            'router.get("/users", (req, res) => res.json([]));\n\nmodule.exports = router;\n',
            ".env": "PORT=3000\nAPI_PREFIX=/api\n",
            ".gitignore": ".env\n",
        },
        {("GET", "/users"): ["/api/users"]},
        [("API_PREFIX", "/api", ".env", 2, "env-file")],
        id="express-mount-prefix-from-git-ignored-env-file",
    ),
    pytest.param(
        {
            "src/app.js": EXPRESS_SERVER + 'const users = require("./users");\n\nconst app = express();\n'
            'app.use(process.env.API_PREFIX || "/v1", users);\n',
            "src/users.js": 'const router = require("express").Router();\n\n'
            'router.get("/users", (req, res) => res.json([]));\n\nmodule.exports = router;\n',
            ".env.example": "API_PREFIX=/example\n",
            ".env": "API_PREFIX=/api\n",
            ".env.test": "API_PREFIX=/test\n",
        },
        {("GET", "/users"): ["/api/users"]},
        [("API_PREFIX", "/api", ".env", 1, "env-file")],
        id="express-env-file-wins-over-example-and-code-default",
    ),
    pytest.param(
        {
            "src/app.js": EXPRESS_SERVER + 'const users = require("./users");\n\nconst app = express();\n'
            'app.use(process.env.API_PREFIX || "/api", users);\n',
            "src/users.js": 'const router = require("express").Router();\n\n'
            'router.get("/users", (req, res) => res.json([]));\n\nmodule.exports = router;\n',
        },
        {("GET", "/users"): ["/api/users"]},
        [("API_PREFIX", "/api", "src/app.js", 5, "code")],
        id="express-code-default-when-no-file-sets-it",
    ),
    pytest.param(
        {
            "src/app.js": EXPRESS_SERVER + 'const users = require("./users");\n\nconst app = express();\n'
            "app.use(process.env.API_PREFIX, users);\n",
            "src/users.js": 'const router = require("express").Router();\n\n'
            'router.get("/users", (req, res) => res.json([]));\n\nmodule.exports = router;\n',
            ".env": "PORT=3000\n",
        },
        {("GET", "/users"): ["/*/users"]},
        [],
        id="express-env-prefix-set-nowhere-stays-unknown",
    ),
    pytest.param(
        {
            "src/app.js": EXPRESS_SERVER + 'const users = require("./users");\n\nconst prefix = "/api";\n'
            "const app = express();\napp.use(prefix, users);\n",
            "src/users.js": 'const router = require("express").Router();\n\n'
            'router.get("/users", (req, res) => res.json([]));\n\nmodule.exports = router;\n',
            ".env": "PREFIX=/v1\n",
        },
        {("GET", "/users"): ["/api/users"]},
        [],
        id="express-constant-is-not-an-env-read",
    ),
    pytest.param(
        {
            "src/router/tags.js": 'const Router = require("koa-router");\n\n'
            "const router = new Router({ prefix: `${process.env.ROUTER_PREFIX}/tags` });\n"
            'router.get("/", (ctx) => {\n  ctx.body = [];\n});\n\nmodule.exports = router;\n',
            "src/app.js": 'const Koa = require("koa");\nconst tags = require("./router/tags");\n\n'
            "const app = new Koa();\napp.use(tags.routes());\n",
            ".env.sample": "ROUTER_PREFIX=/api\n",
        },
        {("GET", "/"): ["/api/tags"]},
        [("ROUTER_PREFIX", "/api", ".env.sample", 1, "env-file")],
        id="koa-router-prefix-template-from-env-sample",
    ),
    pytest.param(
        {
            "src/app.ts": 'import Fastify from "fastify";\n\nconst app = Fastify();\n'
            "app.get(`${process.env.BASE_PATH}/health-check`, async () => ({}));\n",
            ".env.example": "BASE_PATH=/api\n",
        },
        {("GET", "/api/health-check"): ["/api/health-check"]},
        [("BASE_PATH", "/api", ".env.example", 1, "env-file")],
        id="fastify-route-path-template-from-env-example",
    ),
    pytest.param(
        {
            "src/config.ts": 'export const API_PREFIX = process.env.API_PREFIX ?? "/api";\n',
            "src/index.ts": HONO_SERVER
            + 'import { API_PREFIX } from "./config";\nimport users from "./users";\n\n'
            "const app = new Hono();\napp.route(API_PREFIX, users);\n\nexport default app;\n",
            "src/users.ts": HONO_SERVER
            + '\nconst users = new Hono();\nusers.get("/users", (c) => c.json([]));\n\n'
            "export default users;\n",
            ".env": "API_PREFIX=/v2\n",
        },
        {("GET", "/users"): ["/v2/users"]},
        [("API_PREFIX", "/v2", ".env", 1, "env-file")],
        id="hono-typescript-constant-read-from-env",
    ),
    pytest.param(
        {
            "app/settings.py": 'import os\n\nAPI_PREFIX = os.getenv("API_PREFIX", "/api")\n',
            "app/__init__.py": "from flask import Blueprint, Flask\n\nfrom app.settings import API_PREFIX\n\n"
            'api = Blueprint("api", __name__)\n\n\n@api.get("/users")\ndef users():\n    return []\n\n\n'
            "app = Flask(__name__)\napp.register_blueprint(api, url_prefix=API_PREFIX)\n",
        },
        {("GET", "/users"): ["/api/users"]},
        [("API_PREFIX", "/api", "app/settings.py", 3, "code")],
        id="flask-getenv-default",
    ),
    pytest.param(
        {
            "app/settings.py": 'import os\n\nAPI_PREFIX = os.getenv("API_PREFIX", "/api")\n',
            "app/__init__.py": "from flask import Blueprint, Flask\n\nfrom app.settings import API_PREFIX\n\n"
            'api = Blueprint("api", __name__)\n\n\n@api.get("/users")\ndef users():\n    return []\n\n\n'
            "app = Flask(__name__)\napp.register_blueprint(api, url_prefix=API_PREFIX)\n",
            ".env": "API_PREFIX=/v1\n",
        },
        {("GET", "/users"): ["/v1/users"]},
        [("API_PREFIX", "/v1", ".env", 1, "env-file")],
        id="flask-getenv-env-file",
    ),
    pytest.param(
        {
            "app/core/config.py": "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n"
            '    api_prefix: str = "/api"\n\n\nsettings = Settings()\n',
            "app/main.py": "from fastapi import APIRouter, FastAPI\n\nfrom app.core.config import settings\n\n"
            'router = APIRouter()\n\n\n@router.get("/users")\ndef users():\n    return []\n\n\n'
            "app = FastAPI()\napp.include_router(router, prefix=settings.api_prefix)\n",
            ".env": "API_PREFIX=/v3\n",
        },
        {("GET", "/users"): ["/v3/users"]},
        [("API_PREFIX", "/v3", ".env", 1, "env-file")],
        id="fastapi-settings-field-from-env-file",
    ),
    pytest.param(
        {
            "app/main.py": "import os\n\nfrom fastapi import APIRouter, FastAPI\n\n"
            'router = APIRouter()\n\n\n@router.get("/users")\ndef users():\n    return []\n\n\n'
            'app = FastAPI()\napp.include_router(router, prefix=os.environ["API_PREFIX"])\n',
        },
        {("GET", "/users"): ["/*/users"]},
        [],
        id="fastapi-environ-set-nowhere-stays-unknown",
    ),
]


@pytest.mark.parametrize(("files", "expected", "values"), RUN_TIME_VALUES)
def test_run_time_prefixes_from_env_files(
    make_project: MakeProject,
    files: dict[str, str],
    expected: dict[tuple[str, str], list[str]],
    values: list[tuple[str, str, str, int, str]],
) -> None:
    """A prefix or path read from the environment (`process.env.API_PREFIX`, `${process.env.X}/tags`,
    `os.getenv("API_PREFIX", "/api")`, a constant or a pydantic settings field of that name) takes the
    value the project's `.env` files give it: `.env` first, then example files (`.env.example`,
    `.env.sample`; never `.env.test`), even when git ignores them; else the default written in code. A
    variable no file sets and with no default stays unknown (`*`). Each value used is reported with its
    source in `framework.values`."""
    assert placed(make_project, files) == expected
    data = framework(make_project, files)
    assert [(v["variable"], v["value"], v["file"], v["line"], v["source"]) for v in data["values"]] == values


def test_facts_of_factories_and_paths(make_project: MakeProject) -> None:
    """The parse facts the tracing reads: a module-level function's traced return (`makeRouter()` in
    `exports`), the variable it returns and the renamed / default exports (`aliases`), and the path a
    `path.join(__dirname, …)` builds (Value.paths)."""
    files = {
        "src/routes.js": 'const path = require("path");\nconst { Router } = require("express");\n\n'
        "function makeRouter() {\n  const router = Router();\n  return router;\n}\n"
        "const api = makeRouter();\n"
        'const dir = path.join(__dirname, "..", "routes");\n'
        "module.exports = { makeRouter, users: api };\n",
        "src/index.ts": 'import { join } from "node:path";\n\nconst dir = join(process.cwd(), "./src/routes");\n'
        "const router = build();\nfunction build() {\n  return router;\n}\nexport default router;\n",
    }
    analysis = inspect(make_project(files), use_cache=False).analysis
    routes = analysis.facts["src/routes.js"]
    assert ("makeRouter()", "express.Router()") in routes.exports
    assert ("api", "express.Router()") in routes.exports
    assert set(routes.aliases) == {("makeRouter()", "router"), ("users", "api")}
    assert [a.value.paths for a in routes.assignments if a.target == "dir"] == [("./../routes",)]
    index = analysis.facts["src/index.ts"]
    assert [a.value.paths for a in index.assignments if a.target == "dir"] == [("src/routes",)]
    assert ("default", "router") in index.aliases


def test_node_module_keys_drop_the_source_extension(make_project: MakeProject) -> None:
    """A Node module is named by its path without its extension when that is one of the Node sources of
    rules/scopes.toml (`.cts` included), so that `require("./users")` reaches `users.cts`."""
    assert module_keys("src/db.mjs", Family.NODE) == ["src/db"]
    assert module_keys("src/routes/index.cts", Family.NODE) == ["src/routes/index", "src/routes"]
    assert module_keys("src/app.module.ts", Family.NODE) == ["src/app.module"]
    assert module_keys("src/config.json", Family.NODE) == ["src/config.json"]
    files = {
        "src/app.cts": EXPRESS_SERVER + 'const users = require("./users");\n\n'
        'const app = express();\napp.use("/api", users);\napp.listen(3000);\n',
        "src/users.cts": EXPRESS_SERVER + "const router = express.Router();\n"
        'router.get("/users", (req, res) => res.json([]));\nmodule.exports = router;\n',
    }
    assert placed(make_project, files) == {("GET", "/users"): ["/api/users"]}


# -- every entry of rules/frameworks.toml --------------------------------------------------------------------


def node_module(callee: str) -> str:
    if callee.startswith("@"):
        scope, rest = callee.split("/", 1)
        return scope + "/" + re.match(r"[^.(]+", rest).group(0)  # type: ignore[union-attr]
    return re.match(r"[^.(]+", callee).group(0)  # type: ignore[union-attr]


def python_expression(callee: str) -> tuple[str, str]:
    """(import line, expression) that cdverify traces to `callee`."""
    return f"import {callee.split('.')[0]}", callee


def node_expression(callee: str) -> tuple[str, str]:
    module = node_module(callee)
    return f'const fw = require("{module}");', "fw" + callee[len(module) :]


def _entries(key: str) -> list[Any]:
    return [
        pytest.param(family, name, item, id=f"{name}-{item}")
        for family in ("python", "node")
        for name, entry in CATALOGUE[family].items()
        for item in entry.get(key, [])
    ]


def _import_line(family: str, package: str) -> tuple[str, str]:
    if family == "python":
        return "app/web.py", f"import {package}\n"
    if package.endswith("/*"):
        package = package[:-1] + "core"
    return "src/web.js", f'const pkg = require("{package}");\n\nmodule.exports = pkg;\n'


@pytest.mark.parametrize(("family", "name", "package"), _entries("packages"))
def test_every_framework_package_import_is_detected(
    make_project: MakeProject, family: str, name: str, package: str
) -> None:
    path, text = _import_line(family, package)
    data = framework(make_project, {path: text})
    assert data["detected"] == [name]
    assert data["serving"] == []


@pytest.mark.parametrize(("family", "name", "callee"), _entries("apps"))
def test_every_app_constructor_serves(make_project: MakeProject, family: str, name: str, callee: str) -> None:
    if family == "python":
        head, expression = python_expression(callee)
        files = {"app/server.py": f"{head}\n\napp = {expression}()\n"}
    else:
        head, expression = node_expression(callee)
        files = {"src/server.js": f"{head}\n\nconst app = {expression}();\n\nmodule.exports = app;\n"}
    data = framework(make_project, files)
    assert data["serving"] == [name]
    assert data["detected"] == [name]


def _router_params() -> list[Any]:
    params = []
    for family in ("python", "node"):
        for name, entry in CATALOGUE[family].items():
            methods = [m for m in ("get", "register", "route") if m in entry.get("routes", [])]
            if not methods:
                continue  # NestJS controllers take their routes from decorators (route_calls), tested apart
            for router in entry.get("routers", []):
                params.append(pytest.param(family, name, router, methods[0], id=f"{name}-{router}"))
    return params


@pytest.mark.parametrize(("family", "name", "router", "method"), _router_params())
def test_every_router_registers_routes(
    make_project: MakeProject, family: str, name: str, router: str, method: str
) -> None:
    if family == "python":
        head, expression = python_expression(router)
        built = expression if router.endswith(".router") else f"{expression}()"
        files = {
            "app/routes.py": f'{head}\n\nrouter = {built}\n\n\n@router.{method}("/api/items")\ndef items():\n    return []\n'
        }
    else:
        head, expression = node_expression(router)
        files = {
            "src/routes.js": f'{head}\n\nconst router = new {expression}();\nrouter.{method}("/api/items", () => []);\n'
        }
    data = framework(make_project, files)
    assert data["serving"] == [name]
    expected_method = "*" if method in ("register", "route") else "GET"
    assert routes_of(data) == [(expected_method, "/api/items")]


@pytest.mark.parametrize(
    ("family", "name", "router"),
    [p for p in _entries("routers") if CATALOGUE[p.values[0]][p.values[1]].get("prefix")],
)
def test_every_router_prefix_keyword(make_project: MakeProject, family: str, name: str, router: str) -> None:
    keyword = CATALOGUE[family][name]["prefix"][0]
    if family == "python":
        head, expression = python_expression(router)
        files = {"app/routes.py": f'{head}\n\nrouter = {expression}("items", __name__, {keyword}="/api")\n'}
    else:
        head, expression = node_expression(router)
        files = {"src/routes.js": f'{head}\n\nconst router = new {expression}({{ {keyword}: "/api" }});\n'}
    data = framework(make_project, files)
    assert data["prefixes"] == ["/api"]


# Where each framework's routes are registered: (set-up code, the object's name).
HOSTS: dict[str, tuple[str, str]] = {
    "flask": ("from flask import Flask\n\nhost = Flask(__name__)\n", "host"),
    "fastapi": ("from fastapi import FastAPI\n\nhost = FastAPI()\n", "host"),
    "django": ("from rest_framework.routers import DefaultRouter\n\nhost = DefaultRouter()\n", "host"),
    "aiohttp": ("from aiohttp import web\n\napp = web.Application()\nhost = app.router\n", "host"),
    "starlette": ("from starlette.applications import Starlette\n\nhost = Starlette()\n", "host"),
    "sanic": ('from sanic import Sanic\n\nhost = Sanic("conduit")\n', "host"),
    "quart": ("from quart import Quart\n\nhost = Quart(__name__)\n", "host"),
    "bottle": ("from bottle import Bottle\n\nhost = Bottle()\n", "host"),
    "falcon": ("import falcon\n\nhost = falcon.App()\n", "host"),
    "pyramid": ("from pyramid.config import Configurator\n\nhost = Configurator()\n", "host"),
    "express": ('const express = require("express");\n\nconst host = express();\n', "host"),
    "fastify": ('const host = require("fastify")();\n', "host"),
    "hono": ('import { Hono } from "hono";\n\nconst host = new Hono();\n', "host"),
    "koa": ('const Router = require("@koa/router");\n\nconst host = new Router();\n', "host"),
    "hapi": ('const Hapi = require("@hapi/hapi");\n\nconst host = Hapi.server({ port: 3000 });\n', "host"),
    "restify": ('const restify = require("restify");\n\nconst host = restify.createServer();\n', "host"),
    "elysia": ('import { Elysia } from "elysia";\n\nconst host = new Elysia();\n', "host"),
}

# How real code calls each route method, when the path is not simply the first argument.
ROUTE_SPELLING: dict[tuple[str, str], str] = {
    ("flask", "add_url_rule"): 'host.add_url_rule("/api/items", "items", handler)',
    ("flask", "add_resource"): 'host.add_resource(handler, "/api/items")',
    ("sanic", "add_route"): 'host.add_route(handler, "/api/items")',
    ("fastapi", "add_api_route"): 'host.add_api_route("/api/items", handler)',
    ("aiohttp", "add_route"): 'host.add_route("*", "/api/items", handler)',
    ("aiohttp", "route"): 'host.route("*", "/api/items")(handler)',
    ("falcon", "add_route"): 'host.add_route("/api/items", handler)',
    ("pyramid", "add_route"): 'host.add_route("items", "/api/items")',
    ("fastify", "route"): 'host.route({ method: "GET", url: "/api/items", handler })',
    ("hono", "on"): 'host.on("GET", "/api/items", handler)',
    ("hapi", "route"): 'host.route({ method: "GET", path: "/api/items", handler })',
    ("django", "register"): 'host.register("/api/items", handler)',
}
ANY_METHOD = {
    "route",
    "api_route",
    "add_api_route",
    "add_route",
    "add_url_rule",
    "all",
    "on",
    "view",
    "register",
}


def _route_params() -> list[Any]:
    return [
        pytest.param(family, name, method, id=f"{name}-{method}")
        for family in ("python", "node")
        for name, entry in CATALOGUE[family].items()
        for method in entry.get("routes", {})
    ]


@pytest.mark.parametrize(("family", "name", "method"), _route_params())
def test_every_route_method(make_project: MakeProject, family: str, name: str, method: str) -> None:
    setup, _ = HOSTS[name]
    entry = CATALOGUE[family][name]
    call = ROUTE_SPELLING.get((name, method)) or f'host.{method}("/api/items", handler)'
    if family == "python":
        files = {"app/web.py": f"{setup}\n\ndef handler(request=None):\n    return []\n\n\n{call}\n"}
    else:
        files = {"src/web.js": f"{setup}\nconst handler = () => [];\n{call};\n"}
    data = framework(make_project, files)
    assert [path for _, path in routes_of(data)] == ["/api/items"]
    [(http, _)] = routes_of(data)
    if method in ANY_METHOD:
        # `*` (any) or the registration's default / named method; see test_http_method_of_a_route
        assert http in ("*", "GET")
    else:  # the catalogue names the HTTP method each registering method serves
        assert http == entry["routes"][method]
    assert name in data["serving"]


ROUTE_CALL_SPELLING: dict[str, str] = {
    "django.urls.path": (
        'from django.urls import path\n\nurlpatterns = [path("api/items", lambda request: None)]\n'
    ),
    "django.urls.re_path": (
        'from django.urls import re_path\n\nurlpatterns = [re_path(r"^api/items$", lambda request: None)]\n'
    ),
    "django.conf.urls.url": (
        'from django.conf.urls import url\n\nurlpatterns = [url(r"^api/items$", lambda request: None)]\n'
    ),
    "bottle.route": 'import bottle\n\n\n@bottle.route("/api/items")\ndef items():\n    return []\n',
    "starlette.routing.Route": (
        'from starlette.routing import Route\n\nroutes = [Route("/api/items", lambda request: None)]\n'
    ),
    "@nestjs/common.Get": 'import { Controller, Get } from "@nestjs/common";\n\n@Controller()\nexport class Items {\n  @Get("/api/items")\n  all() {\n    return [];\n  }\n}\n',
}


def _route_call_params() -> list[Any]:
    return [
        pytest.param(family, name, callee, id=callee)
        for family in ("python", "node")
        for name, entry in CATALOGUE[family].items()
        for callee in entry.get("route_calls", {})
    ]


def _assert_serves_alone(data: dict[str, Any], family: str, name: str) -> None:
    """A framework's routes alone make it serve, but for a `routes_only` one (routing-controllers), whose routes
    only the frameworks it is implied by serve."""
    if CATALOGUE[family][name].get("routes_only"):
        assert data["serving"] == []
    else:
        assert name in data["serving"]


@pytest.mark.parametrize(("family", "name", "callee"), _route_call_params())
def test_every_route_call(make_project: MakeProject, family: str, name: str, callee: str) -> None:
    if callee in ROUTE_CALL_SPELLING:
        text = ROUTE_CALL_SPELLING[callee]
    elif family == "python":
        head, expression = python_expression(callee)
        arguments = '"GET", "/api/items", handler' if callee.endswith(".route") else '"/api/items", handler'
        text = (
            f"{head}\n\n\ndef handler(request=None):\n    return []\n\n\nroute = {expression}({arguments})\n"
        )
    else:
        head, expression = node_expression(callee)
        text = f'{head}\n\nconst route = {expression}("/api/items");\n'
    path = "app/urls.py" if family == "python" else "src/items.controller.ts"
    data = framework(make_project, {path: text})
    _assert_serves_alone(data, family, name)
    paths = [p for _, p in routes_of(data)]
    assert len(paths) == 1
    assert paths[0].strip("^$/") == "api/items"


MOUNT_SPELLING: dict[tuple[str, str], tuple[str, str]] = {
    ("flask", "register_blueprint"): (
        "from flask import Flask\n\nhost = Flask(__name__)\n",
        'host.register_blueprint(bp, url_prefix="/api")',
    ),
    ("flask", "add_namespace"): (
        "from flask_restx import Api\n\nhost = Api()\n",
        'host.add_namespace(users_ns, path="/api")',
    ),
    ("fastapi", "include_router"): (
        "from fastapi import FastAPI\n\nhost = FastAPI()\n",
        'host.include_router(router, prefix="/api")',
    ),
    ("fastapi", "mount"): ("from fastapi import FastAPI\n\nhost = FastAPI()\n", 'host.mount("/api", sub)'),
    ("sanic", "blueprint"): (
        'from sanic import Sanic\n\nhost = Sanic("x")\n',
        'host.blueprint(bp, url_prefix="/api")',
    ),
    ("quart", "register_blueprint"): (
        "from quart import Quart\n\nhost = Quart(__name__)\n",
        'host.register_blueprint(bp, url_prefix="/api")',
    ),
    ("bottle", "mount"): ("from bottle import Bottle\n\nhost = Bottle()\n", 'host.mount("/api", sub)'),
    ("django", "add_router"): (
        "from ninja import NinjaAPI\n\nhost = NinjaAPI()\n",
        'host.add_router("/api", router)',
    ),
    ("aiohttp", "add_subapp"): (
        "from aiohttp import web\n\nhost = web.Application()\n",
        'host.add_subapp("/api", sub)',
    ),
    ("express", "use"): (
        'const express = require("express");\nconst host = express();\n',
        'host.use("/api", router)',
    ),
    ("koa", "use"): (
        'const Router = require("@koa/router");\nconst host = new Router();\n',
        'host.use("/api", api.routes())',
    ),
    ("fastify", "register"): (
        'const host = require("fastify")();\n',
        'host.register(plugin, { prefix: "/api" })',
    ),
    ("hono", "route"): (
        'import { Hono } from "hono";\nconst host = new Hono();\n',
        'host.route("/api", sub)',
    ),
    ("hono", "basePath"): (
        'import { Hono } from "hono";\nconst host = new Hono();\n',
        'host.basePath("/api")',
    ),
    ("koa", "prefix"): (
        'const Router = require("@koa/router");\nconst host = new Router();\n',
        'host.prefix("/api")',
    ),
    ("nestjs", "setGlobalPrefix"): (
        'import { NestFactory } from "@nestjs/core";\nconst host = await NestFactory.create(AppModule);\n',
        'host.setGlobalPrefix("/api")',
    ),
}


@pytest.mark.parametrize(("family", "name", "method"), _entries("mounts"))
def test_every_mount_adds_a_prefix(make_project: MakeProject, family: str, name: str, method: str) -> None:
    setup, call = MOUNT_SPELLING[(name, method)]
    path = "app/main.py" if family == "python" else "src/main.ts"
    data = framework(make_project, {path: f"{setup}\n{call}\n"})
    assert data["prefixes"] == ["/api"]


LISTEN_SPELLING: dict[tuple[str, str], tuple[str, str]] = {
    ("flask", "run"): (
        "from flask import Flask\n\napp = Flask(__name__)\napp.run(host='0.0.0.0', port=8080)\n",
        "app/main.py",
    ),
    ("fastapi", "uvicorn.run"): (
        "import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\nuvicorn.run(app, host='0.0.0.0', port=8080)\n",
        "app/main.py",
    ),
    ("starlette", "uvicorn.run"): (
        "import uvicorn\nfrom starlette.applications import Starlette\n\napp = Starlette()\nuvicorn.run(app, port=8080)\n",
        "app/main.py",
    ),
    ("aiohttp", "aiohttp.web.run_app"): (
        "from aiohttp import web\n\napp = web.Application()\nweb.run_app(app, port=8080)\n",
        "app/main.py",
    ),
    ("sanic", "run"): ("from sanic import Sanic\n\napp = Sanic('x')\napp.run(port=8080)\n", "app/main.py"),
    ("tornado", "listen"): (
        "import tornado.web\n\napp = tornado.web.Application([])\napp.listen(8080)\n",
        "app/main.py",
    ),
    ("quart", "run"): (
        "from quart import Quart\n\napp = Quart(__name__)\napp.run(port=8080)\n",
        "app/main.py",
    ),
    ("express", "listen"): (
        'const express = require("express");\nconst app = express();\napp.listen(8080);\n',
        "src/main.js",
    ),
    ("fastify", "listen"): (
        'const app = require("fastify")();\napp.listen({ port: 8080, host: "0.0.0.0" });\n',
        "src/main.js",
    ),
    ("hono", "@hono/node-server.serve"): (
        'import { serve } from "@hono/node-server";\nimport { Hono } from "hono";\nconst app = new Hono();\nserve({ fetch: app.fetch, port: 8080 });\n',
        "src/main.ts",
    ),
    ("koa", "listen"): (
        'const Koa = require("koa");\nconst app = new Koa();\napp.listen(8080);\n',
        "src/main.js",
    ),
    ("nestjs", "listen"): (
        'import { NestFactory } from "@nestjs/core";\nasync function main() {\n  const app = await NestFactory.create(AppModule);\n  await app.listen(8080);\n}\n',
        "src/main.ts",
    ),
    ("restify", "listen"): (
        'const restify = require("restify");\nconst server = restify.createServer();\nserver.listen(8080);\n',
        "src/main.js",
    ),
    ("elysia", "listen"): ('import { Elysia } from "elysia";\nnew Elysia().listen(8080);\n', "src/main.ts"),
    ("fastapi", "hypercorn.asyncio.serve"): ("", ""),
}


@pytest.mark.parametrize(("family", "name", "method"), _entries("listen"))
def test_every_listen_gives_the_port(make_project: MakeProject, family: str, name: str, method: str) -> None:
    text, path = LISTEN_SPELLING[(name, method)]
    if not text:
        pytest.skip(
            "hypercorn.asyncio.serve(app, config) takes the port from a Config object, never an argument"
        )
    report = inspect(make_project({path: text}), use_cache=False)
    assert [port for port, *_ in report.analysis.frameworks.ports] == [8080]


SERVER_SPELLING: dict[str, tuple[str, str]] = {
    "uvicorn.run": ("import uvicorn\n\nuvicorn.run('app.main:app', host='0.0.0.0', port=8080)\n", "run.py"),
    "waitress.serve": (
        "from waitress import serve\n\nfrom app import app\n\nserve(app, host='0.0.0.0', port=8080)\n",
        "serve.py",
    ),
    "aiohttp.web.run_app": ("from aiohttp import web\n\nweb.run_app(make_app(), port=8080)\n", "main.py"),
    "http.createServer().listen": (
        'const http = require("http");\nconst app = require("./app");\n\nhttp.createServer(app).listen(8080);\n',
        "server.js",
    ),
    "node:http.createServer().listen": (
        'import { createServer } from "node:http";\nimport app from "./app.js";\n\ncreateServer(app).listen(8080);\n',
        "server.mjs",
    ),
    "https.createServer().listen": (
        'const https = require("https");\n\nhttps.createServer({}, (req, res) => res.end()).listen(8080);\n',
        "server.js",
    ),
    "@hono/node-server.serve": (
        'import { serve } from "@hono/node-server";\n\nserve({ fetch: () => new Response("ok"), port: 8080 });\n',
        "server.ts",
    ),
}


@pytest.mark.parametrize("server", [s for family in ("python", "node") for s in CATALOGUE["servers"][family]])
def test_every_server_gives_the_port(make_project: MakeProject, server: str) -> None:
    if server not in SERVER_SPELLING:
        pytest.skip(f"{server} takes its port from a config object or the command line, never an argument")
    text, path = SERVER_SPELLING[server]
    report = inspect(make_project({path: text}), use_cache=False)
    assert [port for port, *_ in report.analysis.frameworks.ports] == [8080]


@pytest.mark.parametrize(("family", "name", "method"), _entries("chained"))
def test_every_chained_method(make_project: MakeProject, family: str, name: str, method: str) -> None:
    """A route chained on a method that returns the app / router (`app.use(mw).get(…)`) is a route of
    that object; chained on another method, it is not."""
    setup, _ = HOSTS[name]
    for called, found in ((method, True), ("somethingElse", False)):
        text = f'{setup}\nconst handler = () => [];\nhost.{called}(handler).get("/api/items", handler);\n'
        routes = routes_of(framework(make_project, {"src/web.js": text}))
        assert (("GET", "/api/items") in routes) is found, called


@pytest.mark.parametrize(("family", "name", "module"), _entries("autoload"))
def test_every_autoload_module(make_project: MakeProject, family: str, name: str, module: str) -> None:
    """Registering the autoload plugin gives the plugin files of its `dir` their folder prefixes; another
    plugin registered with a `dir` option does not."""
    for plugin, prefixed in ((module, True), ("@fastify/static", False)):
        files = autoload_app(api__users="/users")
        files["src/app.js"] = files["src/app.js"].replace('"@fastify/autoload"', f'"{plugin}"')
        report = inspect(make_project(files), use_cache=False).analysis.frameworks
        assert (report.file_bases.get("src/routes/api/users.js") == {"/api"}) is prefixed, plugin


@pytest.mark.parametrize(("family", "name", "wrapper"), _entries("plugin_wrappers"))
def test_every_plugin_wrapper(make_project: MakeProject, family: str, name: str, wrapper: str) -> None:
    """A plugin exported through the wrapper (`module.exports = fp(plugin)`) skips encapsulation, so the
    prefix autoload gives it does not apply; the same plugin exported as is takes it."""
    plugin = 'async function plugin(fastify, opts) {\n  fastify.get("/users", async () => []);\n}\n'
    for exported, expected in (("fp(plugin)", ["/users"]), ("plugin", ["/api/users"])):
        files = autoload_app()
        files["src/routes/api/users.js"] = (
            f'const fp = require("{wrapper}");\n\n{plugin}\nmodule.exports = {exported};\n'
        )
        assert placed(make_project, files) == {("GET", "/users"): expected}, exported


@pytest.mark.parametrize(("family", "name", "method"), _entries("unwrap"))
def test_every_unwrap_method(make_project: MakeProject, family: str, name: str, method: str) -> None:
    """`api.use("/api", users.routes())` mounts the `users` router itself; another method's result is not
    a router."""
    for called, expected in ((method, ["/api/:id"]), ("somethingElse", ["/:id"])):
        files = {
            "src/app.js": 'const Koa = require("koa");\nconst Router = require("@koa/router");\n'
            f'const users = require("./users");\n\nconst api = new Router();\napi.use("/api", users.{called}());\n'
            "const app = new Koa();\napp.use(api.routes());\n",
            "src/users.js": 'const Router = require("@koa/router");\n\nconst router = new Router();\n'
            'router.get("/:id", (ctx) => {\n  ctx.body = {};\n});\n\nmodule.exports = router;\n',
        }
        assert placed(make_project, files) == {("GET", "/:id"): expected}, called


@pytest.mark.parametrize(("family", "name", "method"), _entries("route_paths"))
def test_every_route_paths_method(make_project: MakeProject, family: str, name: str, method: str) -> None:
    """`router.route("/api/items").get(…).post(…)`: each HTTP method chained on the route object is a
    route at that path; another framework's method of that name (Hono's `route`, a mount) is not."""
    setup, host = HOSTS[name]
    hono, app = HOSTS["hono"]
    files = {
        "src/routes.js": f'{setup}{host}.{method}("/api/items").get(handler).post(handler);\n',
        "src/hono.ts": f'{hono}{app}.{method}("/api/sub", sub).get("/x", handler);\n',
    }
    assert routes_of(framework(make_project, files)) == [
        ("GET", "/api/items"),
        ("GET", "/x"),
        ("POST", "/api/items"),
    ]


@pytest.mark.parametrize(("family", "name", "decorator"), _entries("controllers"))
def test_every_controller_decorator(
    make_project: MakeProject, family: str, name: str, decorator: str
) -> None:
    """A controller decorator's first argument is a prefix; the route decorators of its framework take
    paths with or without a leading `/`, and one with no path serves the controller's own path. The
    same decorators imported from elsewhere declare nothing."""
    route = next(iter(CATALOGUE[family][name]["route_calls"]))
    module = node_module(decorator)
    controller, method = decorator[len(module) + 1 :], route[len(module) + 1 :]
    source = (
        f'import {{ {controller}, {method} }} from "MODULE";\n\n@{controller}("/api/items")\n'
        f'export class Items {{\n  @{method}(":id")\n  one() {{\n    return {{}};\n  }}\n\n'
        f"  @{method}()\n  all() {{\n    return [];\n  }}\n}}\n"
    )
    data = framework(make_project, {"src/items.controller.ts": source.replace("MODULE", module)})
    _assert_serves_alone(data, family, name)
    assert data["prefixes"] == ["/api/items"]
    assert sorted(path for _, path in routes_of(data)) == ["", ":id"]
    data = framework(make_project, {"src/items.controller.ts": source.replace("MODULE", "./decorators")})
    assert (data["prefixes"], data["routes"]) == ([], [])


def test_express_promise_router_and_route_chains(make_project: MakeProject) -> None:
    """kenyipp's Conduit app: express-promise-router's `Router()` is an Express router, mounted like one
    (`app.use(router)`), with `router.route("/api/user").put(…).get(…)` chains; a promise router nothing
    mounts keeps its routes at their own path."""
    files = {
        "apps/user/route.ts": 'import Router from "express-promise-router";\n\nexport const router = Router();\n\n'
        'router.post("/users/login", login);\nrouter\n  .route("/user")\n  .put(updateUser)\n  .get(getCurrentUser);\n',
        "apps/user/app.ts": 'import express from "express";\n\nimport { router } from "./route";\n\n'
        'export const app = express();\napp.use("/api", router);\napp.listen(3000);\n',
        "apps/user/unused.ts": 'import Router from "express-promise-router";\n\nconst spare = Router();\n'
        'spare.get("/spare", handler);\n',
    }
    assert placed(make_project, files) == {
        ("POST", "/users/login"): ["/api/users/login"],
        ("PUT", "/user"): ["/api/user"],
        ("GET", "/user"): ["/api/user"],
        ("GET", "/spare"): ["/spare"],
    }
    assert framework(make_project, files)["serving"] == ["express"]


def test_inversify_express_utils_controllers(make_project: MakeProject) -> None:
    """tgiardina's Conduit app: inversify-express-utils builds an Express app (`InversifyExpressServer`)
    from classes decorated `@controller("/api/articles")` with `@httpPost("")`: Express serves them,
    under any prefix of the application as NestJS controllers are."""
    files = {
        "src/app.ts": 'import { InversifyExpressServer } from "inversify-express-utils";\n\n'
        "export default function init() {\n  const server = new InversifyExpressServer(container);\n"
        "  return server.build();\n}\n",
        "src/controllers/ArticleController.ts": 'import { controller, httpGet, httpPost } from "inversify-express-utils";\n\n'
        '@controller("/api/articles")\nexport class ArticleController {\n  @httpPost("")\n  create() {}\n\n'
        '  @httpGet("/:slug")\n  one() {}\n}\n',
    }
    data = framework(make_project, files)
    assert data["serving"] == ["express"]
    assert routes_of(data) == [("GET", "/:slug"), ("POST", "")]
    paths = placed(make_project, files)
    assert "/api/articles/:slug" in paths[("GET", "/:slug")]
    assert "/api/articles" in paths[("POST", "")]
    report = check(
        make_project,
        {**files, "package.json": '{"dependencies": {"inversify-express-utils": "6"}}'},
        "express",
    )
    assert fw_findings(report) == []


@pytest.mark.parametrize(
    ("family", "name"),
    [(f, n) for f in ("python", "node") for n, e in CATALOGUE[f].items() if e.get("plugin_mounts")],
)
def test_every_plugin_mount(make_project: MakeProject, family: str, name: str) -> None:
    """A plugin registered under a prefix holds its own routes (on its parameter): the routes of the app
    itself stay at their own path. A router mounted by a value that cannot be traced (Express) leaves
    every router possibly under any prefix instead."""
    fastify = (
        'const app = require("fastify")();\n\nasync function routes(api) {\n  api.get("/users", async () => []);\n}\n\n'
        'app.register(routes, { prefix: "/api" });\napp.get("/health-check", async () => "ok");\n'
    )
    assert placed(make_project, {"src/app.js": fastify})[("GET", "/health-check")] == ["/health-check"]
    express = (
        EXPRESS_SERVER + "const app = express();\nconst router = express.Router();\n"
        'router.get("/health-check", (req, res) => res.send("ok"));\napp.use("/api", routes);\n'
    )
    assert "/api/health-check" in placed(make_project, {"src/app.js": express})[("GET", "/health-check")]


# -- corpus samples ---------------------------------------------------------------------------------------

CORPUS_EXPECTED: dict[str, dict[str, Any]] = {
    "fw-ts-hono-two-frameworks": {
        "detected": ["express", "hono"],
        "serving": ["express", "hono"],
        "checks": {"hono": [("FW002", "src/legacy/server.ts", 7)], "express": [("FW002", "src/app.ts", 9)]},
    },
    "db-py-django-default-sqlite": {"detected": ["django"], "serving": ["django"], "checks": {"django": []}},
    "db-py-env-fallback": {"detected": ["fastapi"], "serving": ["fastapi"], "checks": {"fastapi": []}},
    "db-js-prisma-sqlite": {"detected": ["express"], "serving": ["express"], "checks": {"express": []}},
    "db-ts-typeorm-mysql": {"detected": ["koa"], "serving": ["koa"], "checks": {"koa": []}},
    "db-js-mongoose": {"detected": ["fastify"], "serving": ["fastify"], "checks": {"fastify": []}},
}


@pytest.mark.parametrize("sample", sorted(CORPUS_EXPECTED))
def test_corpus_sample_framework(sample: str) -> None:
    data = inspect(CORPUS / sample, use_cache=False).to_json()["framework"]
    assert data["detected"] == CORPUS_EXPECTED[sample]["detected"]
    assert data["serving"] == CORPUS_EXPECTED[sample]["serving"]


@pytest.mark.parametrize(
    ("sample", "constraint"),
    [
        (sample, constraint)
        for sample, spec in sorted(CORPUS_EXPECTED.items())
        for constraint in spec["checks"]
    ],
)
def test_corpus_sample_framework_check(sample: str, constraint: str) -> None:
    expected = CORPUS_EXPECTED[sample]["checks"][constraint]
    report = verify(CORPUS / sample, constraint, use_cache=False).to_json()
    assert fw_findings(report) == sorted(expected)
    failing = any(rule in ("FW001", "FW002") for rule, _, _ in expected)
    assert report["verdicts"]["framework"]["status"] == ("fail" if failing else "pass")


def test_findings_routes_and_evidence_carry_the_column(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "Flask==3.0.3\n",
        "app.py": "import flask\n\napp = flask.Flask(__name__)\n\n\n@app.get('/health')\ndef health():\n"
        "    return 'ok'\n",
        "errors.py": "import json\nif True:\n    from fastapi import HTTPException\n",
    }
    report = check(make_project, files, "flask+task")
    located = {(f["rule"], f["file"], f["line"], f["col"]) for f in report["findings"]}
    assert ("FW003", "errors.py", 3, 5) in located
    assert ("TASK006", "app.py", 6, 2) in located  # at the route it found, not under /api/health-check
    data = report["framework"]
    assert [(r["path"], r["line"], r["col"]) for r in data["routes"]] == [("/health", 6, 2)]
    app = next(e for e in data["evidence"] if e["kind"] == "app")
    assert (app["file"], app["line"], app["col"]) == ("app.py", 3, 7)


ROUTING_CONTROLLER = (
    'import { Get, JsonController, Param, Post } from "routing-controllers";\n\n'
    '@JsonController("/pets")\nexport class PetController {\n  @Get()\n  all() {}\n\n'
    '  @Get("/:id")\n  one(@Param("id") id: string) {}\n\n  @Post()\n  create() {}\n}\n'
)


def test_routing_controllers_serve_express(make_project: MakeProject) -> None:
    """routing-controllers builds an Express app (`createExpressServer({ controllers: [...] })`) from
    `@JsonController("/pets")` classes with `@Get()`/`@Post()` methods: Express serves them. The decorators
    serve Koa too (`createKoaServer`), so the server constructor decides the framework."""
    files = {
        "src/app.ts": 'import { createExpressServer } from "routing-controllers";\n\n'
        'const app = createExpressServer({ controllers: [__dirname + "/controllers/*.ts"] });\napp.listen(3000);\n',
        "src/controllers/PetController.ts": ROUTING_CONTROLLER,
    }
    data = framework(make_project, files)
    assert data["serving"] == ["express"]


def test_routing_controllers_without_a_server_serve_nothing(make_project: MakeProject) -> None:
    """Decorated controllers alone (no `createExpressServer`/`useExpressServer`) are not an Express app."""
    data = framework(make_project, {"src/controllers/PetController.ts": ROUTING_CONTROLLER})
    assert data["serving"] == []
