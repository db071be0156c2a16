"""A project type alias of a data client typing the parameters that receive it (issue 18, docs/accuracy.md
"Left-over patterns (session 2026-12-05 (7))"), with violating and clean projects written for the test:

- `export type DbClient = DrizzleD1Database<any> | BetterSQLite3Database<any>` in one module, `function
  findUser(db: DbClient)` running `db.select()…` in another (`import type { DbClient } from './dbClient'`):
  the function's module runs queries (repositories by its code), and a route importing it directly is a
  bypass; the same with the alias in the function's own module (`type Db = NodePgDatabase<typeof schema>`);
- clean: a parameter typed with a project type that is no client alias (`user: User`, an interface), and
  an alias of something else (`type Id = string`).
"""

from __future__ import annotations

from reports import MakeProject, evidence_of, inspect_json, layer_violations, layers_of

PACKAGE = '{"name": "chat", "dependencies": {"hono": "^4.6.0", "drizzle-orm": "^0.36.0", "better-sqlite3": "^11.0.0"}}'
CLIENT = """import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'

export type DbClient = DrizzleD1Database<any> | BetterSQLite3Database<any>
"""
SCHEMA = """import { sqliteTable, text } from 'drizzle-orm/sqlite-core'

export const users = sqliteTable('users', { id: text('id').primaryKey(), name: text('name') })
"""
FIND = """import { eq } from 'drizzle-orm'
import { users } from '../db/schema'
import type { DbClient } from './dbClient'

export async function findUser(db: DbClient, id: string) {
  return db.select().from(users).where(eq(users.id, id))
}
"""
ROUTE = """import { Hono } from 'hono'
import { drizzle } from 'drizzle-orm/d1'
import { findUser } from '../utils/findUser'

const users = new Hono<{ Bindings: { DB: D1Database } }>()

users.get('/:id', async (c) => c.json(await findUser(drizzle(c.env.DB), c.req.param('id'))))

export default users
"""


def _project(**changed: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "src/utils/dbClient.ts": CLIENT,
        "src/db/schema.ts": SCHEMA,
        "src/utils/findUser.ts": FIND,
        "src/routes/users.ts": ROUTE,
    }
    files.update(changed)
    return files


def test_a_parameter_typed_with_an_imported_client_alias_runs_queries(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _project())
    assert layers_of(report)["src/utils/findUser.ts"] == "repositories"
    assert evidence_of(report)["src/utils/findUser.ts"] == "code: queries"
    assert ("bypass", "src/routes/users.ts", "src/utils/findUser.ts") in [
        (kind, source, target) for kind, source, target in layer_violations(report)
    ]


def test_a_client_alias_in_the_module_itself(make_project: MakeProject) -> None:
    find = """import { eq } from 'drizzle-orm'
import type { NodePgDatabase } from 'drizzle-orm/node-postgres'
import { users } from '../db/schema'

type Db = NodePgDatabase<Record<string, never>>

export async function findUser(db: Db, id: string) {
  return db.select().from(users).where(eq(users.id, id))
}
"""
    report = inspect_json(make_project, _project(**{"src/utils/findUser.ts": find}))
    assert evidence_of(report)["src/utils/findUser.ts"] == "code: queries"


def test_project_types_that_are_no_client_alias_trace_nothing(make_project: MakeProject) -> None:
    types = """export interface User {
  id: string
  select(): string[]
}

export type Id = string
"""
    find = """import type { Id, User } from './types'

export function pick(user: User, id: Id) {
  return user.select().filter((name) => name === id)
}
"""
    files = _project(**{"src/utils/types.ts": types, "src/utils/findUser.ts": find})
    report = inspect_json(make_project, files)
    assert "src/utils/findUser.ts" not in layers_of(report)
    assert not any(target == "src/utils/findUser.ts" for _, _, target in layer_violations(report))


def test_a_router_parameter_typed_with_a_project_type_stays_a_router(make_project: MakeProject) -> None:
    # the installer's parameter stands for whatever router its callers hand it, as an untyped one does (a
    # router handed in takes no prefix of the caller's later mount: as on main, for an untyped parameter)
    files: dict[str, str | bytes] = {
        "package.json": '{"name": "shop", "dependencies": {"express": "^4.19.0"}}',
        "src/http/types.ts": "import type { Router } from 'express'\n\nexport type AppRouter = Router\n",
        "src/http/users.ts": """import type { AppRouter } from './types'

export function userRoutes(router: AppRouter) {
  router.get('/users', (req, res) => res.json([]))
  router.delete('/users/:id', (req, res) => res.sendStatus(204))
}
""",
        "src/app.ts": """import express from 'express'
import { userRoutes } from './http/users'

const app = express()
const api = express.Router()
userRoutes(api)
app.use('/api', api)
app.listen(3000)
""",
    }
    report = inspect_json(make_project, files)
    routes = [(r["method"], r["path"], r["file"]) for r in report["framework"]["routes"]]
    assert routes == [
        ("GET", "/users", "src/http/users.ts"),
        ("DELETE", "/users/:id", "src/http/users.ts"),
    ]


def test_a_default_client_wins_over_the_project_type(make_project: MakeProject) -> None:
    # `db: Store = defaultDb`: the default is the client whatever the project type says
    files = _project(
        **{
            "src/utils/store.ts": "export interface Store {\n  prepare(sql: string): unknown\n}\n",
            "src/db/sqlite.ts": "import Database from 'better-sqlite3'\n\nexport const db = new Database('app.db')\n",
            "src/utils/findUser.ts": """import type { Store } from './store'
import { db as defaultDb } from '../db/sqlite'

export function findUser(id: string, db: Store = defaultDb) {
  return (db as any).prepare('SELECT id, name FROM users WHERE id = ?').get(id)
}
""",
        }
    )
    report = inspect_json(make_project, files)
    sites = [(r["file"], r["line"], r["kind"]) for r in report["orm"]["raw_sql"]]
    assert ("src/utils/findUser.ts", 5, "statement") in sites
    assert evidence_of(report)["src/utils/findUser.ts"] == "code: queries"
