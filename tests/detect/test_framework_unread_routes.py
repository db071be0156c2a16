"""Routes cdverify did not read (session 2026-12-06 (17)): apps whose framework was detected with no
route at all. Each idiom has a case that was read as no route before (a violating case) and a near miss
that must stay as it was.

- Hono's `createFactory().createApp()` app: calls on it (chained or not) register routes;
- koa-route's functions (`app.use(route.post("/tokens", create))`) each declare a route;
- a route whose path is a property of another module's constant (Replit's full-stack template:
  `app.get(api.todos.list.path, …)` with `export const api = { todos: { list: { path: "/api/todos" } } }`)
  has that literal path; one whose path, read from another module or the environment, is not given is
  still a route, at the unknown path `*` (a local variable, as in a loop over a table, is still none);
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json


def routes_of(make_project: MakeProject, files: dict[str, str | bytes]) -> list[tuple[str, str]]:
    data: dict[str, Any] = inspect_json(make_project, files)["framework"]
    return sorted((r["method"], r["path"]) for r in data["routes"])


HONO_PACKAGE = '{"name": "sandbox", "dependencies": {"hono": "^4.0.0"}}'
HONO_FACTORY = 'import { createFactory } from "hono/factory"\n\nexport const factory = createFactory()\n'


def test_hono_factory_app_chain_registers_routes(make_project: MakeProject) -> None:
    """`factory.createApp()` (hono/factory) is a Hono app: a route chain started on it is read."""
    files: dict[str, str | bytes] = {
        "package.json": HONO_PACKAGE,
        "src/factory.ts": HONO_FACTORY,
        "src/index.ts": 'import { cors } from "hono/cors"\nimport { factory } from "./factory"\n\n'
        'const app = factory.createApp()\n\napp.use("*", cors())\n\napp\n  .get("/", (c) => c.text("home"))\n'
        '  .get("/notes", (c) => c.json([]))\n  .post("/notes", (c) => c.json({}, 201))\n\nexport default app\n',
    }
    assert routes_of(make_project, files) == [("GET", "/"), ("GET", "/notes"), ("POST", "/notes")]


def test_calls_on_another_factory_result_stay_no_routes(make_project: MakeProject) -> None:
    """Near miss: `createFactory().createHandlers(…)` builds handlers, no app; and a method of some other
    call's result (`cache.connect().get("/x", …)`) registers nothing."""
    files: dict[str, str | bytes] = {
        "package.json": HONO_PACKAGE,
        "src/factory.ts": HONO_FACTORY,
        "src/handlers.ts": 'import { factory } from "./factory"\nimport { cache } from "./cache"\n\n'
        "export const list = factory.createHandlers((c) => c.json([]))\n"
        'cache.connect().get("/notes", list)\n',
        "src/cache.ts": "export const cache = { connect: () => new Map() }\n",
        "src/index.ts": 'import { Hono } from "hono"\n\nconst app = new Hono()\nexport default app\n',
    }
    assert routes_of(make_project, files) == []


KOA_PACKAGE = '{"name": "tokens", "dependencies": {"koa": "^2.4.1", "koa-route": "^3.2.0"}}'
KOA_APP = (
    'import * as Koa from "koa"\nimport * as tokens from "./controllers/tokens"\n\n'
    "const app = new Koa()\ntokens.routes(app)\napp.listen(3000)\n"
)


def test_koa_route_functions_declare_routes(make_project: MakeProject) -> None:
    """koa-route: `route.post(path, fn)` returns the middleware serving that route, used by the app."""
    files: dict[str, str | bytes] = {
        "package.json": KOA_PACKAGE,
        "src/app.ts": KOA_APP,
        "src/controllers/tokens.ts": 'import * as Koa from "koa"\nimport * as route from "koa-route"\n\n'
        'export function routes(app: Koa) {\n  app.use(route.post("/tokens", create))\n'
        '  app.use(route.del("/tokens/:id", remove))\n}\n\n'
        "async function create(ctx: Koa.Context) {\n  ctx.status = 201\n}\n\n"
        "async function remove(ctx: Koa.Context) {\n  ctx.status = 204\n}\n",
    }
    assert routes_of(make_project, files) == [("DELETE", "/tokens/:id"), ("POST", "/tokens")]


def test_koa_middleware_of_other_packages_declares_no_route(make_project: MakeProject) -> None:
    """Near miss: a middleware function of another package used the same way (`app.use(serve("/public"))`,
    `app.use(mount.get("/x"))` of a package that is not koa-route) is no route."""
    files: dict[str, str | bytes] = {
        "package.json": '{"dependencies": {"koa": "^2.4.1", "koa-static": "^5.0.0", "koa-cache": "^1.0.0"}}',
        "src/app.ts": KOA_APP,
        "src/controllers/tokens.ts": 'import * as Koa from "koa"\nimport * as serve from "koa-static"\n'
        'import * as cache from "koa-cache"\n\n'
        'export function routes(app: Koa) {\n  app.use(serve("/public"))\n  app.use(cache.get("/tokens"))\n}\n',
    }
    assert routes_of(make_project, files) == []


EXPRESS_PACKAGE = '{"name": "todos", "dependencies": {"express": "^4.21.2"}}'
SHARED_ROUTES = (
    'import { z } from "zod"\n\nexport const api = {\n  todos: {\n    list: {\n      method: "GET" as const,\n'
    '      path: "/api/todos",\n      responses: { 200: z.array(z.string()) },\n    },\n'
    '    update: {\n      method: "PATCH" as const,\n      path: "/api/todos/:id",\n    },\n  },\n}\n'
)
SERVER_INDEX = (
    'import express from "express"\nimport { createServer } from "http"\nimport { registerRoutes } from "./routes"\n\n'
    "const app = express()\nconst httpServer = createServer(app)\n\n(async () => {\n"
    "  await registerRoutes(httpServer, app)\n  httpServer.listen(5000)\n})()\n"
)


def server_routes(body: str) -> str:
    return (
        'import type { Express } from "express"\nimport type { Server } from "http"\n'
        'import { api } from "../shared/routes"\n\n'
        "export async function registerRoutes(httpServer: Server, app: Express): Promise<Server> {\n"
        + body
        + "  return httpServer\n}\n"
    )


def test_route_path_of_an_imported_constant_object(make_project: MakeProject) -> None:
    """Replit's template: the path is a property of a constant object another module exports."""
    files: dict[str, str | bytes] = {
        "package.json": EXPRESS_PACKAGE,
        "shared/routes.ts": SHARED_ROUTES,
        "server/index.ts": SERVER_INDEX,
        "server/routes.ts": server_routes(
            "  app.get(api.todos.list.path, async (req, res) => {\n    res.json([])\n  })\n"
            "  app.patch(api.todos.update.path, async (req, res) => {\n    res.json({})\n  })\n"
        ),
    }
    assert routes_of(make_project, files) == [("GET", "/api/todos"), ("PATCH", "/api/todos/:id")]


def test_route_path_not_read_is_still_a_route(make_project: MakeProject) -> None:
    """A path the project does not give (a property that is no literal, a function's result) leaves a route
    at the unknown path `*`, not none."""
    files: dict[str, str | bytes] = {
        "package.json": EXPRESS_PACKAGE,
        "shared/routes.ts": 'export const api = { todos: { list: { path: buildPath("todos") } } }\n'
        "function buildPath(name: string) {\n  return `/api/${name}`\n}\n",
        "server/index.ts": SERVER_INDEX,
        "server/routes.ts": server_routes(
            "  app.get(api.todos.list.path, async (req, res) => {\n    res.json([])\n  })\n"
        ),
    }
    assert routes_of(make_project, files) == [("GET", "*")]


def test_python_route_decorator_with_an_unread_path(make_project: MakeProject) -> None:
    """A decorator's path from settings read at run time: a route at `*`; a class field of another module
    is its literal."""
    files: dict[str, str | bytes] = {
        "requirements.txt": "fastapi\n",
        "app/paths.py": 'class Paths:\n    users = "/users"\n',
        "app/settings.py": 'import os\n\nhealth_path = os.environ["HEALTH_PATH"]\n',
        "app/main.py": "from fastapi import FastAPI\n\nfrom app import settings\nfrom app.paths import Paths\n\n"
        "app = FastAPI()\n\n\n@app.get(settings.health_path)\ndef health():\n    return {}\n\n\n"
        "@app.get(Paths.users)\ndef users():\n    return []\n",
    }
    assert routes_of(make_project, files) == [("GET", "*"), ("GET", "/users")]


def test_one_argument_reads_stay_no_routes(make_project: MakeProject) -> None:
    """Near miss: `app.get(name)` with no handler reads an Express setting, no route, whatever the name."""
    files: dict[str, str | bytes] = {
        "package.json": EXPRESS_PACKAGE,
        "server/index.ts": SERVER_INDEX,
        "server/routes.ts": 'import type { Express } from "express"\nimport { config } from "./config"\n\n'
        "export async function registerRoutes(httpServer: unknown, app: Express) {\n"
        "  const mode = app.get(process.env.SETTING_NAME)\n  const trust = app.get(config.settings.trust)\n"
        "  return app.get(mode) && trust\n}\n",
        "server/config.ts": "export const config = { settings: { trust: computeTrust() } }\n"
        "function computeTrust() {\n  return 1\n}\n",
    }
    assert routes_of(make_project, files) == []
