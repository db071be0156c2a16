"""Routes cdverify did not read (session 2026-12-06 (17)): apps whose framework was detected with no
route at all. Each idiom has a case that was read as no route before (a violating case) and a near miss
that must stay as it was.

- Hono's `createFactory().createApp()` app: calls on it (chained or not) register routes;
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
