"""Bun's built-in SQL client (issue 18, the eighty-sixth set): `new SQL(process.env.DATABASE_URL)` from "bun"
(https://bun.sh/docs/api/sql), with Drizzle over it (`drizzle-orm/bun-sql`), is the connection a module owns, as a
pg Pool is."""

from __future__ import annotations

from reports import MakeProject, inspect_json

PACKAGE = """{"name": "b", "type": "module", "dependencies": {"hono": "4", "drizzle-orm": "0.44"}}"""
INDEX = """import { Hono } from "hono";
import { users } from "./routes/users";

const app = new Hono();
app.route("/users", users);

export default app;
"""
ROUTES = """import { Hono } from "hono";
import { listUsers } from "../services/users";

export const users = new Hono().get("/", async (c) => c.json(await listUsers()));
"""
SERVICE = """import { allUsers } from "../data/users";

export async function listUsers() { return allUsers(); }
"""
DATA = """import { client } from "../db";

export async function allUsers() { return client.unsafe("SELECT id, name FROM users"); }
"""
DB = """import { SQL } from "bun";

export const client = new SQL(process.env.DATABASE_URL!);
"""


def test_a_module_making_buns_sql_client_owns_the_connection(make_project: MakeProject) -> None:
    files = {
        "package.json": PACKAGE,
        "src/index.ts": INDEX,
        "src/routes/users.ts": ROUTES,
        "src/services/users.ts": SERVICE,
        "src/data/users.ts": DATA,
        "src/db.ts": DB,
    }
    architecture = inspect_json(make_project, files)["architecture"]
    assert architecture["files"]["src/db.ts"] == "repositories"
