"""A Node data-access file that only takes values from a route module it imports (session 2026-12-07 (19),
Hampterz/toyexchange): a storage class running Drizzle queries that seeds an admin user with
`const hashed = await hashPassword("…")`, `hashPassword` exported by the auth routes file, builds and
registers nothing with that module. It stays data access (its import of the routes file is upward), where
a data-access file calling the routes module with the app it made wires the app: a composition root. The
projects are small synthetic ones written for these tests."""

from __future__ import annotations

from reports import MakeProject, evidence_of, inspect_json, layers_of

PACKAGE = '{"name": "swap", "dependencies": {"express": "4", "drizzle-orm": "0.30", "@neondatabase/serverless": "0.9"}}'
DB = """import { Pool } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import * as schema from "./schema";

export const pool = new Pool({ connectionString: process.env.DATABASE_URL });
export const db = drizzle(pool, { schema });
"""
SCHEMA = """import { pgTable, serial, text } from "drizzle-orm/pg-core";

export const members = pgTable("members", { id: serial("id").primaryKey(), name: text("name"), secret: text("secret") });
"""
AUTH = """import type { Express } from "express";

export async function hashSecret(secret: string) {
  return secret.split("").reverse().join("");
}

export function setupAuth(app: Express) {
  app.post("/api/login", async (req, res) => res.json({ ok: true }));
}
"""
ROUTES = """import type { Express } from "express";
import { setupAuth } from "./auth";
import { store } from "./store";

export function registerRoutes(app: Express) {
  setupAuth(app);
  app.get("/api/members", async (req, res) => res.json(await store.members()));
}
"""
STORE = """import { eq } from "drizzle-orm";
import { db } from "./db";
import { members } from "./schema";
import { hashSecret } from "./auth";

export class Store {
  async members() {
    return db.select().from(members);
  }

  async byName(name: string) {
    const [member] = await db.select().from(members).where(eq(members.name, name));
    return member;
  }

  async seedAdmin() {
    const secret = await hashSecret("change-me");
    await db.insert(members).values({ name: "admin", secret });
  }
}

export const store = new Store();
"""
INDEX = """import express from "express";
import { registerRoutes } from "./routes";

const app = express();
registerRoutes(app);
app.listen(3000);
"""


def _project(store: str) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "server/db.ts": DB,
        "server/schema.ts": SCHEMA,
        "server/auth.ts": AUTH,
        "server/routes.ts": ROUTES,
        "server/store.ts": store,
        "server/index.ts": INDEX,
    }


def _upward(report: dict[str, object]) -> list[tuple[str, str]]:
    architecture = report["architecture"]
    assert isinstance(architecture, dict)
    return [(v["file"], v["target"]) for v in architecture["violations"] if v["kind"] == "upward"]


def test_a_storage_class_seeding_with_a_route_helper_stays_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _project(STORE))
    assert evidence_of(report)["server/store.ts"] == "code: queries"
    assert layers_of(report)["server/store.ts"] == "repositories"
    assert "server/store.ts" not in report["architecture"]["composition_roots"]
    assert ("server/store.ts", "server/auth.ts") in _upward(report)


def test_a_data_access_file_handing_the_route_module_its_app_wires_it(make_project: MakeProject) -> None:
    # near miss: the call of the route module is handed the app the file made, not a literal or a parameter
    wiring = (
        'import express from "express";\nimport { setupAuth } from "./auth";\nimport { db } from "./db";\n'
        'import { members } from "./schema";\n\nconst app = express();\n\nexport async function start() {\n'
        "  const done = setupAuth(app);\n  await db.select().from(members);\n  app.listen(3000);\n  return done;\n}\n"
    )
    files = _project(STORE)
    files["server/start.ts"] = wiring
    report = inspect_json(make_project, files)
    assert "server/start.ts" in report["architecture"]["composition_roots"]
    assert "server/start.ts" not in layers_of(report)
