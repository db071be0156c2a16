"""Cloudflare Workers D1 bindings (issue 18, docs/accuracy.md "Left-over patterns (session 2026-12-05 (7))"),
with violating and clean projects written for the test:

- `c.env.DB.prepare("SELECT …")` in a Hono handler and `env.DB.prepare(…)` in a Worker's `fetch(request,
  env)` run raw SQL on the D1 binding (an object cdverify cannot trace: a complete statement counts);
- a parameter typed with the runtime's global `D1Database` is the client: its `prepare`/`exec` run SQL,
  a statement built in a template too;
- `drizzle(c.env.DB)` from `drizzle-orm/d1` is SQLite (D1 is SQLite);
- clean: a `prepare` handed something that is no statement, or on an object of no SQL client.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json

PACKAGE = (
    '{"name": "notes", "scripts": {"dev": "wrangler dev"}, "dependencies": {"hono": "^4.6.0", '
    '"drizzle-orm": "^0.36.0"}, "devDependencies": {"wrangler": "^3.90.0"}}'
)
WRANGLER = """name = "notes"
main = "src/index.ts"
compatibility_date = "2024-11-01"

[[d1_databases]]
binding = "DB"
database_name = "notes"
database_id = "00000000-0000-0000-0000-000000000000"
"""
HONO = """import { Hono } from "hono";
import { drizzle } from "drizzle-orm/d1";
import { noteById } from "./notes";

type Bindings = { DB: D1Database };
const app = new Hono<{ Bindings: Bindings }>();

app.get("/notes", async (c) => {
  const { results } = await c.env.DB.prepare("SELECT id, title FROM notes").all();
  return c.json(results);
});

app.get("/notes/:id", async (c) => c.json(await noteById(c.env.DB, Number(c.req.param("id")))));

app.get("/tags", async (c) => c.json(await drizzle(c.env.DB).all("SELECT name FROM tags")));

export default app;
"""
NOTES = """export async function noteById(db: D1Database, id: number) {
  return db.prepare("SELECT id, title FROM notes WHERE id = ?").bind(id).first();
}

export async function purge(db: D1Database, table: string) {
  await db.exec(`DELETE FROM ${table}`);
}
"""
WORKER = """export interface Env {
  DB: D1Database;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { results } = await env.DB.prepare("SELECT id, title FROM notes WHERE done = 0").all();
    return Response.json(results);
  },
};
"""


def _raw(report: dict[str, Any]) -> list[tuple[str, int, str, str]]:
    return [(r["file"], r["line"], r["kind"], r["api"]) for r in report["orm"]["raw_sql"]]


def _hono(**changed: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "wrangler.toml": WRANGLER,
        "src/index.ts": HONO,
        "src/notes.ts": NOTES,
    }
    files.update(changed)
    return files


def test_d1_bindings_run_raw_sql_and_are_sqlite(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _hono())
    assert _raw(report) == [
        ("src/index.ts", 9, "statement", "query on an untraced object"),
        ("src/index.ts", 15, "statement", "drizzle client"),
        ("src/notes.ts", 2, "statement", "Cloudflare D1"),
        ("src/notes.ts", 6, "statement", "Cloudflare D1"),  # a hole for the table name
    ]
    assert report["database"]["engines"] == ["sqlite"]
    evidence = [(e["kind"], e["file"], e["detail"]) for e in report["database"]["evidence"]]
    assert ("dialect", "src/index.ts", "imports drizzle-orm/d1") in evidence


def test_a_worker_fetch_handler_runs_sql_on_its_env_binding(make_project: MakeProject) -> None:
    files = {"package.json": PACKAGE, "wrangler.toml": WRANGLER, "src/index.ts": WORKER}
    assert _raw(inspect_json(make_project, files)) == [
        ("src/index.ts", 7, "statement", "query on an untraced object")
    ]


def test_a_prepare_of_no_statement_or_on_no_client_is_no_sql(make_project: MakeProject) -> None:
    hono = """import { Hono } from "hono";

const app = new Hono<{ Bindings: { DB: D1Database } }>();
const form = { prepare: (text: string) => text.trim() };

app.get("/notes", async (c) => {
  const title = form.prepare("Select a note");
  const stmt = c.env.DB.prepare(title);
  return c.json({ title, stmt: typeof stmt });
});

export default app;
"""
    notes = "export const label = (text: string) => text.toUpperCase();\n"
    report = inspect_json(make_project, _hono(**{"src/index.ts": hono, "src/notes.ts": notes}))
    assert _raw(report) == []
    assert report["database"]["engines"] == []
