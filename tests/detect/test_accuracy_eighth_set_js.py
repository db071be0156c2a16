"""JavaScript/TypeScript data patterns of the eighth unseen labelled set (issue 18, docs/accuracy.md "The eighth
set's JavaScript/TypeScript patterns"), each with a violating and a clean project written for the test:

- a better-sqlite3 database reached through project code runs raw SQL on its prepared statements: a parameter or
  field typed with the driver's class (`db: Database.Database`, `import type { Database } from
  'better-sqlite3'`, `constructor(db: DatabaseType = defaultDb)`), a constructor's default parameter kept in a
  field (`constructor(db = new Database(path)) { this.db = db }`), a factory's return value in another module;
  a statement read from a `.sql` file (`const sql = fs.readFileSync(file); db.exec(sql)`) is no SQL in the code,
  and a default parameter that is no client (`limit = 10`, a project store) traces nothing;
- `INSERT INTO users DEFAULT VALUES` is a complete statement (a row of column defaults); `INSERT INTO users`
  alone is not.
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, inspect_json

from cdverify.sql.classify import SqlKind, classify


def _raw(report: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(r["file"], r["line"], r["kind"]) for r in report["orm"]["raw_sql"]]


PACKAGE = '{"name": "notes", "dependencies": {"express": "^4.19.0", "better-sqlite3": "^11.0.0"}}'
APP = """const express = require('express')
const { allUsers } = require('./repos/users')
const NoteRepository = require('./repos/notes')

const app = express()
app.get('/users', (req, res) => res.json(allUsers()))
app.get('/notes', (req, res) => res.json(new NoteRepository().all()))
app.listen(3000)
"""
CONNECTION = """const Database = require('better-sqlite3')

function createDb() {
  return new Database(process.env.DB_PATH || 'app.db')
}

module.exports = { createDb }
"""
USERS = """const { createDb } = require('../db/connection')

const db = createDb()

function allUsers() {
  return db.prepare('SELECT * FROM users').all()
}

module.exports = { allUsers }
"""
NOTES = """const Database = require('better-sqlite3')

class NoteRepository {
  constructor(db = new Database('notes.db')) {
    this.db = db
  }

  all() {
    return this.db.prepare('SELECT * FROM notes').all()
  }
}

module.exports = NoteRepository
"""
TAGS = """import Database from 'better-sqlite3'

export function allTags(db: Database.Database) {
  return db.prepare('SELECT * FROM tags').all()
}
"""
ITEMS = """import type { Database as DatabaseType } from 'better-sqlite3'
import { db as defaultDb } from '../db/database'

export class ItemRepository {
  private db: DatabaseType

  constructor(db: DatabaseType = defaultDb) {
    this.db = db
  }

  all() {
    return this.db.prepare('SELECT * FROM items').all()
  }
}
"""
DATABASE = """import Database from 'better-sqlite3'
import { runMigrations } from './migrator'

export function createDatabase(path?: string) {
  const db = new Database(path ?? 'items.db')
  runMigrations(db, 'migrations')
  return db
}

export const db = createDatabase()
"""
MIGRATOR = """import type { Database } from 'better-sqlite3'
import fs from 'fs'
import path from 'path'

export function runMigrations(db: Database, folder: string) {
  const applied = db.prepare('SELECT name FROM schema_migrations').all()
  for (const file of fs.readdirSync(folder)) {
    const sql = fs.readFileSync(path.join(folder, file), 'utf-8')
    db.exec(sql)
    db.prepare('INSERT INTO schema_migrations (name) VALUES (?)').run(file)
  }
  return applied
}
"""


def _sqlite_app(**changed: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "src/app.js": APP,
        "src/db/connection.js": CONNECTION,
        "src/repos/users.js": USERS,
        "src/repos/notes.js": NOTES,
        "src/repos/tags.ts": TAGS,
        "src/repos/items.ts": ITEMS,
        "src/db/database.ts": DATABASE,
        "src/db/migrator.ts": MIGRATOR,
    }
    files.update(changed)
    return files


def test_a_better_sqlite3_database_handed_round_runs_its_sql_where_it_is_prepared(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _sqlite_app())
    assert _raw(report) == [
        ("src/db/migrator.ts", 6, "statement"),  # a parameter typed with the named import `Database`
        ("src/db/migrator.ts", 10, "statement"),  # `db.exec(sql)` of a file read (:9) is none
        ("src/repos/items.ts", 12, "statement"),  # `DatabaseType = defaultDb`, kept in `this.db`
        ("src/repos/notes.js", 9, "statement"),  # a default `new Database(…)` kept in `this.db`
        ("src/repos/tags.ts", 4, "statement"),  # `Database.Database`
        ("src/repos/users.js", 6, "statement"),  # a factory's return value in another module
    ]
    assert {r["tables"][0] for r in report["orm"]["raw_sql"]} == {
        "schema_migrations",
        "items",
        "notes",
        "tags",
        "users",
    }


CLEAN_NOTES = """const MemoryStore = require('./memory')

class NoteRepository {
  constructor(store = new MemoryStore(), limit = 10) {
    this.store = store
    this.limit = limit
  }

  all() {
    return this.store.prepare('notes').all().slice(0, this.limit)
  }
}

module.exports = NoteRepository
"""
MEMORY = "module.exports = class MemoryStore { prepare(name) { return { all: () => [] } } }\n"


def test_a_default_that_is_no_client_and_a_file_read_run_no_sql(make_project: MakeProject) -> None:
    files = _sqlite_app(**{"src/repos/notes.js": CLEAN_NOTES, "src/repos/memory.js": MEMORY})
    files.pop("src/repos/tags.ts")
    files.pop("src/repos/items.ts")
    report = inspect_json(make_project, files)
    assert _raw(report) == [
        ("src/db/migrator.ts", 6, "statement"),
        ("src/db/migrator.ts", 10, "statement"),  # not `db.exec(sql)` (:9), `sql` a `.sql` file's text
        ("src/repos/users.js", 6, "statement"),
    ]


@pytest.mark.parametrize(
    ("sql", "kind", "tables"),
    [
        ("INSERT INTO users DEFAULT VALUES RETURNING id", SqlKind.STATEMENT, ("users",)),
        ("insert into audit default values", SqlKind.STATEMENT, ("audit",)),
        ("INSERT INTO users", SqlKind.FRAGMENT, ()),
    ],
)
def test_an_insert_of_default_values_is_a_complete_statement(
    sql: str, kind: SqlKind, tables: tuple[str, ...]
) -> None:
    found = classify(sql, at_sink=True)
    assert (found.kind, found.statement.upper(), found.tables) == (kind, "INSERT", tables)


PG_SERVER = """const express = require('express')
const { Pool } = require('pg')

const pool = new Pool()
const app = express()

app.post('/users', async (req, res) => {
  const { rows } = await pool.query(`INSERT INTO users DEFAULT VALUES RETURNING id`)
  res.json(rows[0])
})
app.listen(3000)
"""


def test_an_insert_of_default_values_through_a_pool_is_raw_sql(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "package.json": '{"name": "users", "dependencies": {"express": "^4.19.0", "pg": "^8.11.0"}}',
        "server.js": PG_SERVER,
    }
    report = inspect_json(make_project, files)
    assert _raw(report) == [("server.js", 8, "statement")]
    assert report["orm"]["raw_sql"][0]["tables"] == ["users"]


# -- a migration runner at the project's top ----------------------------------------------------------------

PG_PACKAGE = '{"name": "tasks", "type": "module", "dependencies": {"fastify": "^5.0.0", "pg": "^8.11.0", "postgrator": "^8.0.0"}}'
SERVER = """import Fastify from 'fastify'
import { listTasks } from './src/services/tasks.js'

const app = Fastify()
app.get('/tasks', async () => listTasks())
app.listen({ port: 3000 })
"""
TASKS = """import pg from 'pg'

const pool = new pg.Pool()

export async function listTasks() {
  const { rows } = await pool.query('SELECT * FROM tasks')
  return rows
}
"""
POSTGRATOR = """import Postgrator from 'postgrator'
import pg from 'pg'

async function migrate() {
  const client = new pg.Client({ database: process.env.POSTGRES_DB })
  await client.connect()
  await client.query('SELECT 1')
  const postgrator = new Postgrator({
    migrationPattern: 'migrations/*',
    driver: 'pg',
    execQuery: (query) => client.query(query),
  })
  await postgrator.migrate()
  await client.end()
}

migrate()
"""


def _migrated(**changed: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": PG_PACKAGE,
        "server.js": SERVER,
        "src/services/tasks.js": TASKS,
        "postgrator.js": POSTGRATOR,
    }
    files.update(changed)
    return files


def test_a_migration_runner_at_the_top_is_a_script(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _migrated())
    files = report["architecture"]["files"]
    assert "postgrator.js" not in files  # a script run by hand: no layer
    assert files["src/services/tasks.js"] == "services"
    raw = [(r["file"], r["line"], r["scope"]) for r in report["orm"]["raw_sql"]]
    assert ("src/services/tasks.js", 6, "application") in raw
    # the probe it writes is the script's; what postgrator hands `execQuery` (:11) is the runner's SQL, no site
    assert [site for site in raw if site[0] == "postgrator.js"] == [("postgrator.js", 7, "scripts")]


def test_a_migration_runner_the_app_imports_stays_application(make_project: MakeProject) -> None:
    imported = SERVER.replace("import Fastify", "import './postgrator.js'\nimport Fastify")
    report = inspect_json(make_project, _migrated(**{"server.js": imported}))
    raw = [(r["file"], r["line"], r["scope"]) for r in report["orm"]["raw_sql"]]
    # run as the app starts: the probe is the app's own SQL (the `execQuery` callback's is postgrator's)
    assert [site for site in raw if site[0] == "postgrator.js"] == [("postgrator.js", 7, "application")]
    assert report["architecture"]["files"].get("postgrator.js") == "repositories"


# -- @fastify/postgres ----------------------------------------------------------------------------------------

FASTIFY_PACKAGE = '{"name": "tasks", "dependencies": {"fastify": "^5.0.0", "fastify-plugin": "^5.0.0", "@fastify/postgres": "^6.0.0"}}'
FASTIFY_SERVER = """import type { FastifyPluginAsync } from 'fastify'
import routes from './routes/tasks.ts'
import postgres from './plugins/postgres.ts'
import { setDb } from './config/database.ts'

const server: FastifyPluginAsync = async (fastify) => {
  fastify.register(postgres)
  await fastify.register(routes)
  fastify.after(() => setDb(fastify))
}

export default server
"""
POSTGRES_PLUGIN = """import fp from 'fastify-plugin'
import postgres from '@fastify/postgres'

export default fp(async (fastify) => {
  fastify.register(postgres, { connectionString: process.env.DATABASE_URL || 'postgres://postgres@localhost/tasks' })
})
"""
DATABASE_HOLDER = """import type { FastifyInstance } from 'fastify'

export let db: FastifyInstance['pg']

export function setDb(instance: FastifyInstance) {
  db = instance.pg
}
"""
TASK_SERVICE = """import { db } from '../config/database.ts'

export async function listTasks() {
  const client = await db.connect()
  try {
    const result = await client.query('SELECT * FROM tasks ORDER BY created_at DESC')
    return result.rows
  } finally {
    client.release()
  }
}
"""
TASK_ROUTES = """import type { FastifyInstance } from 'fastify'
import { listTasks } from '../services/tasks.ts'

export default async function routes(fastify: FastifyInstance) {
  fastify.get('/tasks', async () => listTasks())
  fastify.get('/tasks/done', async () => (await fastify.pg.query('SELECT id FROM tasks WHERE done')).rows)
}
"""


def _fastify_pg(**changed: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": FASTIFY_PACKAGE,
        "src/server.ts": FASTIFY_SERVER,
        "src/plugins/postgres.ts": POSTGRES_PLUGIN,
        "src/config/database.ts": DATABASE_HOLDER,
        "src/services/tasks.ts": TASK_SERVICE,
        "src/routes/tasks.ts": TASK_ROUTES,
    }
    files.update(changed)
    return files


def test_fastify_postgres_is_a_postgresql_client_its_plugin_and_holder_data_access(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _fastify_pg())
    files = report["architecture"]["files"]
    assert files["src/plugins/postgres.ts"] == "repositories"  # registers the pool on the app
    assert files["src/config/database.ts"] == "repositories"  # keeps `instance.pg` for the services
    assert files["src/services/tasks.ts"] == "services"
    assert files["src/routes/tasks.ts"] == "routes"
    assert report["database"]["engines"] == ["postgresql"]
    assert sorted(report["orm"]["libraries"]) == ["pg"]  # @fastify/postgres alone, no `pg` import
    raw = [(r["file"], r["line"], r["api"]) for r in report["orm"]["raw_sql"]]
    assert ("src/routes/tasks.ts", 6, "pg query") in raw  # `fastify.pg.query`, a traced pg sink
    assert ("src/services/tasks.ts", 6, "query on an untraced object") in raw


CORS_PLUGIN = """import fp from 'fastify-plugin'
import cors from '@fastify/cors'

export default fp(async (fastify) => {
  fastify.register(cors, { origin: '*' })
})
"""


def test_a_plugin_registering_no_client_and_a_pg_property_elsewhere_are_no_data_access(
    make_project: MakeProject,
) -> None:
    files = _fastify_pg(**{"src/plugins/postgres.ts": CORS_PLUGIN})
    report = inspect_json(make_project, files)
    layers = report["architecture"]["files"]
    assert "src/plugins/postgres.ts" not in layers  # registers CORS: no layer
    assert "src/config/database.ts" not in layers  # `.pg` of an app no client plugin decorates


CLI_APP = """'use strict'
const path = require('node:path')
const AutoLoad = require('@fastify/autoload')

module.exports = async function (fastify, opts) {
  fastify.register(require('@fastify/postgres'), { connectionString: process.env.DATABASE_URL })
  fastify.register(AutoLoad, { dir: path.join(__dirname, 'routes'), options: Object.assign({}, opts) })
}
"""
CLI_ROUTES = """'use strict'
module.exports = async function (fastify, opts) {
  fastify.get('/', async function (request, reply) {
    const { rows } = await fastify.pg.query('SELECT * FROM tasks WHERE owner = $1', [request.user])
    return rows
  })
}
"""


def test_an_app_registering_fastify_postgres_beside_other_plugins_wires_the_app(
    make_project: MakeProject,
) -> None:
    files: dict[str, str | bytes] = {
        "package.json": '{"name": "tasks", "dependencies": {"fastify": "^4.0.0", "fastify-cli": "^6.0.0", '
        '"@fastify/autoload": "^5.0.0", "@fastify/postgres": "^5.0.0"}}',
        "app.js": CLI_APP,
        "routes/tasks/index.js": CLI_ROUTES,
    }
    report = inspect_json(make_project, files)
    assert report["architecture"]["files"] == {"routes/tasks/index.js": "routes"}  # app.js: no layer
    assert [(r["file"], r["line"], r["api"]) for r in report["orm"]["raw_sql"]] == [
        ("routes/tasks/index.js", 4, "pg query")
    ]
