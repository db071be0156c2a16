"""Routes cdverify did not read (session 2026-12-06 (17)): apps whose framework was detected with no
route at all. Each idiom has a case that was read as no route before (a violating case) and a near miss
that must stay as it was.

- Hono's `createFactory().createApp()` app: calls on it (chained or not) register routes;
- koa-route's functions (`app.use(route.post("/tokens", create))`) each declare a route;
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
