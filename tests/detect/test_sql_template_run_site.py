"""Where a `sql` template's statement runs (issue 18, the ninety-fourth set): `db.execute<{ …row type… }>(sql`…`)`
opens its call lines above the template when the row type is written out, and the statement runs at that call,
the line an agent changes to move the query into the ORM. The site is the call that runs the template; a
template handed on the run call's own line, or run by a method of its own (`sql`…`.execute(db)`), stays where
it is."""

from __future__ import annotations

from reports import MakeProject, inspect_json

PACKAGE = '{"dependencies": {"express": "4", "drizzle-orm": "0.36", "pg": "8"}}'
DB = 'import { drizzle } from "drizzle-orm/node-postgres";\n\nexport const db = drizzle(process.env.DATABASE_URL!);\n'


def _sites(make_project: MakeProject, routes: str) -> list[tuple[int, str]]:
    files = {"package.json": PACKAGE, "src/db.ts": DB, "src/routes.ts": routes}
    report = inspect_json(make_project, files)
    return sorted((site["line"], site["statement"]) for site in report["orm"]["raw_sql"])


HEAD = (
    'import { Router } from "express";\nimport { sql } from "drizzle-orm";\nimport { db } from "./db";\n\n'
    "export const router = Router();\n\n"
)


def test_a_template_handed_below_its_run_call_is_sited_at_the_call(make_project: MakeProject) -> None:
    routes = HEAD + (
        'router.get("/stats", async (req, res) => {\n'  # 7
        "  const rows = await db.execute<{\n"  # 8
        "    day: string;\n"
        "    visits: number;\n"
        "  }>(sql`\n"  # 11
        "    SELECT\n"  # 12
        "      date_trunc('day', created_at) AS day,\n"
        "      count(*) AS visits\n"
        "    FROM page_views\n"
        "    GROUP BY 1\n"
        "  `);\n"
        "  res.json(rows);\n"
        "});\n"
    )
    assert _sites(make_project, routes) == [(8, "SELECT")]


def test_a_template_handed_on_the_next_line_is_sited_at_the_call_too(make_project: MakeProject) -> None:
    routes = HEAD + (
        'router.get("/two", async (req, res) => {\n'  # 7
        "  const rows = await db.execute<{ n: number }>(\n"  # 8
        "    sql`SELECT count(*) AS n FROM orders`,\n"
        "  );\n"
        "  res.json(rows);\n"
        "});\n"
    )
    assert _sites(make_project, routes) == [(8, "SELECT")]


def test_a_template_on_its_run_calls_line_or_run_by_itself_stays(make_project: MakeProject) -> None:
    routes = (
        'import { Router } from "express";\nimport { sql } from "kysely";\nimport { db } from "./db";\n\n'
        "export const router = Router();\n\n"
        'router.get("/one", async (req, res) => {\n'  # 7
        "  const n = await db.execute(sql`SELECT count(*) FROM users`);\n"  # 8
        "  const rows = await sql<{ day: string }>`\n"  # 9
        "    SELECT date_trunc('day', created_at) AS day FROM page_views\n"
        "  `.execute(db);\n"
        "  res.json([n, rows]);\n"
        "});\n"
    )
    files = {
        "package.json": '{"dependencies": {"express": "4", "kysely": "0.27", "pg": "8"}}',
        "src/db.ts": 'import { Kysely, PostgresDialect } from "kysely";\nimport { Pool } from "pg";\n\n'
        "export const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new Pool() }) });\n",
        "src/routes.ts": routes,
    }
    report = inspect_json(make_project, files)
    assert sorted(site["line"] for site in report["orm"]["raw_sql"]) == [8, 9]
