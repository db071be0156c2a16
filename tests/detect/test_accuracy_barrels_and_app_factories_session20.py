"""Barrels and app factories (docs/accuracy.md "The hundred-and-twenty-ninth set's disagreements (session
2026-12-07 (20))"):

- an ES index that imports names from its sibling model modules and only exports them again
  (`import { userTable } from "./user.schema"; export default { userTable, … }`) hands the models on: a
  module of the models layer, as an `export * from` barrel is. One exporting anything else stays layer-less,
  and so does a module other than its folder's index handing one imported name on (`export default db` in a
  CLI's `data-source.ts`).
- an app file whose only registrations are handlers serving no path (Hono's `app.notFound(…)` and
  `app.onError(…)` in a `createApp()` factory the app module mounts the routers on) builds the app and
  routes nothing: a composition root. One registering a route of its own keeps the routes layer.
"""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import layers_of as _layers

PACKAGE = '{"name": "gym", "dependencies": {"hono": "4", "drizzle-orm": "0.38", "@libsql/client": "0.14"}}'
USERS_SCHEMA = """import { sqliteTable, integer, text } from "drizzle-orm/sqlite-core";

export const userTable = sqliteTable("users", {
  id: integer("id").primaryKey(),
  name: text("name").notNull(),
});
"""
PLANS_SCHEMA = """import { sqliteTable, integer, text } from "drizzle-orm/sqlite-core";

export const planTable = sqliteTable("plans", {
  id: integer("id").primaryKey(),
  title: text("title").notNull(),
});
"""
SCHEMAS_INDEX = """import { planTable } from "./plan.schema";
import { userTable } from "./user.schema";

export default {
  planTable,
  userTable,
};
"""
# the same index also exporting a value of its own: more than a barrel
SCHEMAS_INDEX_WITH_VALUE = """import { planTable } from "./plan.schema";
import { userTable } from "./user.schema";

export default {
  planTable,
  userTable,
  version: 3,
};
"""
DB = """import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import schema from "./schemas/index";

const client = createClient({ url: "file:dev.db" });
export const db = drizzle(client, { schema });
"""
DATA_ACCESS = """import { db } from "../db/index";

export function listUsers() {
  return db.query.userTable.findMany();
}
"""
CREATE_APP = """import { Hono } from "hono";
import { logger } from "hono/logger";

export function createRouter() {
  return new Hono();
}

export default function createApp() {
  const app = createRouter();
  app.use(logger());
  app.notFound((c) => c.json({ message: "not found" }, 404));
  app.onError((err, c) => c.json({ message: err.message }, 500));
  return app;
}
"""
# the same factory answering a route of its own: it handles requests
CREATE_APP_WITH_ROUTE = CREATE_APP.replace(
    "  app.use(logger());\n", '  app.use(logger());\n  app.get("/status", (c) => c.json({ users: 1 }));\n'
)
APP = """import createApp from "./lib/create-app";
import users from "./routes/users/users.index";

const app = createApp();
const routes = [{ path: "/users", handler: users }];
routes.forEach(({ path, handler }) => {
  app.route(path, handler);
});

export default app;
"""
USERS_ROUTER = """import { createRouter } from "../../lib/create-app";
import { listUsers } from "../../data-access/users";

const router = createRouter();
router.get("/", async (c) => c.json(await listUsers()));

export default router;
"""
ENTRY = """import app from "./app";

export default { port: 3000, fetch: app.fetch };
"""


def _project(index: str = SCHEMAS_INDEX, create_app: str = CREATE_APP) -> dict[str, str]:
    return {
        "package.json": PACKAGE,
        "src/index.ts": ENTRY,
        "src/app.ts": APP,
        "src/lib/create-app.ts": create_app,
        "src/routes/users/users.index.ts": USERS_ROUTER,
        "src/data-access/users.ts": DATA_ACCESS,
        "src/db/index.ts": DB,
        "src/db/schemas/index.ts": index,
        "src/db/schemas/user.schema.ts": USERS_SCHEMA,
        "src/db/schemas/plan.schema.ts": PLANS_SCHEMA,
    }


def test_an_index_exporting_again_the_names_of_its_model_modules_is_models(make_project: MakeProject) -> None:
    layers = _layers(inspect_json(make_project, _project()))
    assert layers["src/db/schemas/user.schema.ts"] == "models"
    assert layers["src/db/schemas/index.ts"] == "models"


def test_an_index_exporting_a_value_of_its_own_is_no_barrel(make_project: MakeProject) -> None:
    layers = _layers(inspect_json(make_project, _project(index=SCHEMAS_INDEX_WITH_VALUE)))
    assert layers["src/db/schemas/user.schema.ts"] == "models"
    assert "src/db/schemas/index.ts" not in layers


CLI_SOURCE = """import { db } from "./index";

export default db;
"""


def test_a_module_other_than_an_index_handing_on_an_imported_name_is_no_barrel(
    make_project: MakeProject,
) -> None:
    layers = _layers(inspect_json(make_project, {**_project(), "src/db/data-source.ts": CLI_SOURCE}))
    assert layers["src/db/index.ts"] == "repositories"
    assert "src/db/data-source.ts" not in layers


def test_an_app_factory_registering_only_fallback_handlers_is_a_composition_root(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _project())
    assert "src/lib/create-app.ts" in report["architecture"]["composition_roots"]
    assert "src/lib/create-app.ts" not in _layers(report)
    assert _layers(report)["src/routes/users/users.index.ts"] == "routes"


def test_an_app_factory_answering_a_route_of_its_own_keeps_the_routes_layer(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _project(create_app=CREATE_APP_WITH_ROUTE))
    assert "src/lib/create-app.ts" not in report["architecture"]["composition_roots"]
    assert _layers(report)["src/lib/create-app.ts"] == "routes"
