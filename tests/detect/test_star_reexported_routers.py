"""Sub-apps reached through `export * from "./route"` barrels (issue 18, the eighty-third set): `routes/v1/route.ts`
builds `export const v1 = new OpenAPIHono()` and mounts the admin sub-app, `routes/v1/index.ts` is `export * from
"./route"`, and the entry mounts `v1` imported from `./routes`. Only named re-exports were followed, so the sub-apps
were taken for apps of their own files and their route tables for composition roots."""

from __future__ import annotations

from reports import MakeProject, inspect_json

PACKAGE = """{"name": "s", "dependencies": {"hono": "4", "@hono/zod-openapi": "0.18"}}"""
INDEX = """import { OpenAPIHono } from "@hono/zod-openapi";
import { v1 } from "./routes";

const app = new OpenAPIHono();
app.route("/v1", v1);

export default { fetch: app.fetch };
"""
V1 = """import { OpenAPIHono } from "@hono/zod-openapi";
import { admin } from "./admin";

export const v1 = new OpenAPIHono();
v1.route("/admin", admin);
v1.get("/", (c) => c.text("v1"));
"""
ADMIN = """import { OpenAPIHono } from "@hono/zod-openapi";
import { getLogs, createLog } from "./controllers";

export const admin = new OpenAPIHono();
admin.get("/logs", getLogs);
admin.post("/logs", createLog);
"""
CONTROLLERS = """export const getLogs = (c) => c.json([]);
export const createLog = async (c) => c.json(await c.req.json(), 201);
"""


def _report(make_project: MakeProject, barrel: str) -> dict:  # type: ignore[type-arg]
    files = {
        "package.json": PACKAGE,
        "src/index.ts": INDEX,
        "src/routes/index.ts": barrel.replace("PATH", "./v1"),
        "src/routes/v1/index.ts": barrel.replace("PATH", "./route"),
        "src/routes/v1/route.ts": V1,
        "src/routes/v1/admin/index.ts": barrel.replace("PATH", "./route"),
        "src/routes/v1/admin/route.ts": ADMIN,
        "src/routes/v1/admin/controllers.ts": CONTROLLERS,
    }
    return inspect_json(make_project, files)


def test_sub_apps_behind_star_reexports_are_mounted_routers(make_project: MakeProject) -> None:
    architecture = _report(make_project, 'export * from "PATH";\n')["architecture"]
    assert architecture["composition_roots"] == ["src/index.ts"]
    assert architecture["files"]["src/routes/v1/route.ts"] == "routes"
    assert architecture["files"]["src/routes/v1/admin/route.ts"] == "routes"


def test_a_namespace_reexport_exports_no_bare_name(make_project: MakeProject) -> None:
    """`export * as api from "./route"` exports `api`, not `v1`: the entry's `v1` traces to nothing."""
    architecture = _report(make_project, 'export * as api from "PATH";\n')["architecture"]
    assert "src/routes/v1/route.ts" in architecture["composition_roots"]
