"""Replit Agent's database storage keeping the session store beside its queries (issue 18, the eighty-third set):
`server/storage.ts` imports express-session to type and build `sessionStore: session.Store = new
PostgresSessionStore({ pool })` and runs every Drizzle query of the app; importing the session middleware's
package was read as handling requests, so the store had no layer and the routes' import of it was no bypass."""

from __future__ import annotations

from reports import MakeProject, inspect_json

PACKAGE = """{"name": "r", "type": "module", "dependencies": {"express": "4", "express-session": "1",
"connect-pg-simple": "9", "drizzle-orm": "0.36", "pg": "8"}}"""
INDEX = """import express from "express";
import { registerRoutes } from "./routes";

const app = express();
registerRoutes(app);
app.listen(5000);
"""
ROUTES = """import type { Express } from "express";
import { storage } from "./storage";

export function registerRoutes(app: Express) {
  app.get("/api/users/:id", async (req, res) => res.json(await storage.getUser(Number(req.params.id))));
}
"""
DB = """import pg from "pg";
import { drizzle } from "drizzle-orm/node-postgres";

export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
export const db = drizzle(pool);
"""
STORAGE = """import session from "express-session";
import connectPg from "connect-pg-simple";
import { eq } from "drizzle-orm";
import { users } from "@shared/schema";
import { db, pool } from "./db";

const PostgresSessionStore = connectPg(session);

export class DatabaseStorage {
  sessionStore: session.Store;
  constructor() {
    this.sessionStore = new PostgresSessionStore({ pool, createTableIfMissing: true });
  }
  async getUser(id: number) {
    const [user] = await db.select().from(users).where(eq(users.id, id));
    return user;
  }
}

export const storage = new DatabaseStorage();
"""
SCHEMA = """import { pgTable, serial, text } from "drizzle-orm/pg-core";

export const users = pgTable("users", { id: serial("id").primaryKey(), name: text("name") });
"""
TSCONFIG = """{"compilerOptions": {"baseUrl": ".", "paths": {"@shared/*": ["shared/*"]}}}"""


def _report(make_project: MakeProject, routes: str = ROUTES) -> dict:  # type: ignore[type-arg]
    files = {
        "package.json": PACKAGE,
        "tsconfig.json": TSCONFIG,
        "server/index.ts": INDEX,
        "server/routes.ts": routes,
        "server/db.ts": DB,
        "server/storage.ts": STORAGE,
        "shared/schema.ts": SCHEMA,
    }
    return inspect_json(make_project, files)


def test_a_storage_keeping_the_session_store_beside_its_queries_is_data_access(
    make_project: MakeProject,
) -> None:
    architecture = _report(make_project)["architecture"]
    assert architecture["files"]["server/storage.ts"] == "repositories"
    bypasses = {(v["file"], v["target"]) for v in architecture["violations"] if v["kind"] == "bypass"}
    assert ("server/routes.ts", "server/storage.ts") in bypasses


def test_routes_reading_the_session_still_handle_requests(make_project: MakeProject) -> None:
    routes = ROUTES.replace(
        'import type { Express } from "express";',
        'import type { Express } from "express";\nimport session from "express-session";',
    ).replace("res.json(await", "res.json(req.session && await")
    architecture = _report(make_project, routes)["architecture"]
    assert architecture["files"]["server/routes.ts"] == "routes"
