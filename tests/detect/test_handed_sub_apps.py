"""A route installer that builds a sub-app and mounts it on the app it is handed (issue 18, the seventy-eighth
set): `export function initRouting(app, authHandler) { const api = new Hono(); api.post("/sign-in", (c) =>
authHandler.signIn(c)); app.route("/api", api) }` in `presentation/routes.ts`, called by the entry that builds the
app and serves it. The sub-app was taken for an app the file builds, and the file, importing the middleware of its
routes folder, for a composition root: the routes layer lost its route table."""

from __future__ import annotations

from reports import MakeProject, inspect_json

PACKAGE = """{"name": "sub", "type": "module", "dependencies": {"hono": "4", "@hono/node-server": "1"}}"""
INDEX = """import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { initRouting } from "./presentation/routes.js";
import { UserHandler } from "./presentation/handlers/user-handler.js";
import { UserService } from "./usecase/user-service.js";

const app = new Hono();
initRouting(app, new UserHandler(new UserService()));
serve({ fetch: app.fetch, port: 3000 });
"""
ROUTES = """import { Hono } from "hono";
import type { UserHandler } from "./handlers/user-handler.js";
import { jwtMiddleware } from "./middleware/jwt.js";

export function initRouting(app, userHandler: UserHandler) {
  app.get("/", (c) => c.text("ok"));
  const api = new Hono();
  api.get("/users/:id", jwtMiddleware(), (c) => userHandler.getUser(c));
  api.post("/users", jwtMiddleware(), (c) => userHandler.createUser(c));
  app.route("/api", api);
}
"""
HANDLER = """import type { UserService } from "../../usecase/user-service.js";

export class UserHandler {
  constructor(private service: UserService) {}
  async getUser(c) { return c.json(await this.service.get(c.req.param("id"))); }
  async createUser(c) { return c.json(await this.service.create(await c.req.json()), 201); }
}
"""
JWT = """export const jwtMiddleware = () => async (c, next) => { await next(); };
"""
SERVICE = """export class UserService {
  async get(id: string) { return { id }; }
  async create(values: object) { return values; }
}
"""


def _report(make_project: MakeProject, index: str = INDEX) -> dict:  # type: ignore[type-arg]
    files = {
        "package.json": PACKAGE,
        "src/index.ts": index,
        "src/presentation/handlers/user-handler.ts": HANDLER,
        "src/presentation/middleware/jwt.ts": JWT,
        "src/usecase/user-service.ts": SERVICE,
    }
    if "initRouting" in index:
        files["src/presentation/routes.ts"] = ROUTES
    return inspect_json(make_project, files)


def test_a_sub_app_mounted_on_the_handed_app_keeps_its_file_in_routes(make_project: MakeProject) -> None:
    architecture = _report(make_project)["architecture"]
    assert architecture["files"]["src/presentation/routes.ts"] == "routes"
    assert architecture["composition_roots"] == ["src/index.ts"]


def test_an_entry_mounting_its_own_sub_app_stays_the_composition_root(make_project: MakeProject) -> None:
    index = """import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { jwtMiddleware } from "./presentation/middleware/jwt.js";
import { UserHandler } from "./presentation/handlers/user-handler.js";
import { UserService } from "./usecase/user-service.js";

const app = new Hono();
const userHandler = new UserHandler(new UserService());
const api = new Hono();
api.get("/users/:id", jwtMiddleware(), (c) => userHandler.getUser(c));
app.route("/api", api);
serve({ fetch: app.fetch, port: 3000 });
"""
    architecture = _report(make_project, index=index)["architecture"]
    assert architecture["composition_roots"] == ["src/index.ts"]  # its sub-app is mounted on its own app
