"""Hono route and mount paths written without a leading slash (issue 18, the hundred-and-eighth set): Hono joins a
path to its base with a `/` whatever it starts with (hono/utils/url `mergePath`), so `userRouter.get("me", …)`
mounted by `app.route("users", userRouter)` answers /users/me (rules/frameworks.toml `relative_paths`). The
router module building its repository, service and handler is then routes, and its import of the repository a
bypass. Express joins no such path: `router.get("me", …)` there matches no request and stays no route."""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import layer_violations as _violations
from reports import layers_of as _layers

ROUTES = """import { Hono } from "hono";
import { UserHandler } from "./users-handler";
import { UserRepository } from "./users-repository";
import { UserService } from "./users-service";

const userRouter = new Hono();
const handlers = new UserHandler(new UserService(new UserRepository()));

userRouter.get("me", handlers.getMe);

export { userRouter };
"""
HANDLER = """import type { Context } from "hono";
import type { UserService } from "./users-service";

export class UserHandler {
  constructor(private readonly users: UserService) {}

  getMe = async (c: Context) => c.json(await this.users.me(c.req.header("x-user") ?? ""));
}
"""
SERVICE = """import type { UserRepository } from "./users-repository";

export class UserService {
  constructor(private readonly repo: UserRepository) {}

  me(id: string) {
    return this.repo.byId(id);
  }
}
"""
REPOSITORY = """import { eq } from "drizzle-orm";
import { db } from "../../database";
import { users } from "../../database/schema";

export class UserRepository {
  byId(id: string) {
    return db.select().from(users).where(eq(users.id, id));
  }
}
"""
DATABASE = 'import { drizzle } from "drizzle-orm/node-postgres";\n\nexport const db = drizzle(process.env.DATABASE_URL!);\n'
SCHEMA = 'import { pgTable, text } from "drizzle-orm/pg-core";\n\nexport const users = pgTable("users", { id: text("id") });\n'
APP = """import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { userRouter } from "./modules/users/users-routes";

const app = new Hono();
app.route("users", userRouter);
serve(app);
"""


def test_hono_paths_without_a_leading_slash_are_routes(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "package.json": '{"dependencies": {"hono": "4", "@hono/node-server": "1", "drizzle-orm": "0.36", "pg": "8"}}',
        "src/index.ts": APP,
        "src/modules/users/users-routes.ts": ROUTES,
        "src/modules/users/users-handler.ts": HANDLER,
        "src/modules/users/users-service.ts": SERVICE,
        "src/modules/users/users-repository.ts": REPOSITORY,
        "src/database/index.ts": DATABASE,
        "src/database/schema.ts": SCHEMA,
    }
    report = inspect_json(make_project, files)
    assert [(r["method"], r["path"]) for r in report["framework"]["routes"]] == [("GET", "me")]
    assert _layers(report)["src/modules/users/users-routes.ts"] == "routes"
    assert (
        "bypass",
        "src/modules/users/users-routes.ts",
        "src/modules/users/users-repository.ts",
    ) in _violations(report)


def test_express_paths_without_a_leading_slash_are_no_routes(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "package.json": '{"dependencies": {"express": "4"}}',
        "src/index.js": 'const express = require("express");\n\nconst app = express();\n'
        'app.get("me", (req, res) => res.json({}));\napp.get("/health", (req, res) => res.json({}));\n'
        "app.listen(3000);\n",
    }
    report = inspect_json(make_project, files)
    assert [(r["method"], r["path"]) for r in report["framework"]["routes"]] == [("GET", "/health")]
