"""A Node module that only throws the framework's HTTP error (issue 18, the ninety-ninth set): a Hono app's
`helpers/users.ts` runs its Drizzle queries and throws `new HTTPException(404, …)` (hono/http-exception) for a
missing row. It reads no request, returns no response and registers nothing, so its code decides its layer —
data access — as a Python module raising FastAPI's `HTTPException` already was (rules/frameworks.toml
`http_errors`); the route module importing it bypasses the services. A module that also takes the request's
context, or uses the error class without throwing it, still handles requests."""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import layer_violations as _violations
from reports import layers_of as _layers

PACKAGE = '{"dependencies": {"hono": "4", "drizzle-orm": "0.36", "@neondatabase/serverless": "0.10"}}'
DB = 'import { drizzle } from "drizzle-orm/neon-http";\n\nexport const db = drizzle(process.env.DATABASE_URL!);\n'
SCHEMA = (
    'import { pgTable, text, uuid } from "drizzle-orm/pg-core";\n\n'
    'export const users = pgTable("users", { id: uuid("id").primaryKey(), email: text("email").notNull() });\n'
)
HELPER = (
    'import { eq } from "drizzle-orm";\nimport { HTTPException } from "hono/http-exception";\n'
    'import { db } from "../db";\nimport { users } from "../db/schema";\n\n'
    "export const getUser = async (id: string) => {\n"
    "  const [user] = await db.select().from(users).where(eq(users.id, id));\n"
    '  if (!user) throw new HTTPException(404, { message: "no such user" });\n'
    "  return user;\n};\n"
)
ROUTES = (
    'import { Hono } from "hono";\nimport { getUser } from "../helpers/users";\n\n'
    "const users = new Hono();\n"
    'users.get("/:id", async (c) => c.json(await getUser(c.req.param("id"))));\n\n'
    "export default users;\n"
)
SERVER = (
    'import { Hono } from "hono";\nimport { serve } from "@hono/node-server";\nimport users from "./routes/users";\n\n'
    'const app = new Hono();\napp.route("/users", users);\nserve(app);\n'
)


def _report(make_project: MakeProject, helper: str) -> dict[str, object]:
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "src/db/index.ts": DB,
        "src/db/schema.ts": SCHEMA,
        "src/helpers/users.ts": helper,
        "src/routes/users.ts": ROUTES,
        "src/server.ts": SERVER,
    }
    return inspect_json(make_project, files)


def test_a_module_throwing_only_the_frameworks_http_error_is_judged_by_its_queries(
    make_project: MakeProject,
) -> None:
    report = _report(make_project, HELPER)
    assert _layers(report)["src/helpers/users.ts"] == "repositories"
    assert ("bypass", "src/routes/users.ts", "src/helpers/users.ts") in _violations(report)


def test_a_module_reading_the_request_or_not_throwing_still_handles_requests(
    make_project: MakeProject,
) -> None:
    """`getCookie(c, "session")` of hono/cookie reads the request; `err instanceof HTTPException` throws
    nothing: in both the module handles requests, and its queries are no layer of their own."""
    reading = HELPER.replace(
        'import { HTTPException } from "hono/http-exception";\n',
        'import { HTTPException } from "hono/http-exception";\nimport { getCookie } from "hono/cookie";\n',
    ).replace("async (id: string) => {\n", 'async (c: any, id: string) => {\n  getCookie(c, "session");\n')
    checking = HELPER.replace(
        '  if (!user) throw new HTTPException(404, { message: "no such user" });\n',
        "  if ((user as unknown) instanceof HTTPException) return null;\n",
    )
    for helper in (reading, checking):
        report = _report(make_project, helper)
        assert "src/helpers/users.ts" not in _layers(report)
        assert ("bypass", "src/routes/users.ts", "src/helpers/users.ts") not in _violations(report)
