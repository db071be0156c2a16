"""JavaScript / TypeScript patterns the fourth unseen labelled set showed (issue 18): clients a helper of
another module returns, imported through a path alias (postgres.js tagged templates, pg pools made lazily,
a Prisma singleton kept on `globalThis`); statements the SQL recogniser dropped (`SHOW TABLES`, an insert
whose rows are interpolated); sequelize-cli's config moved out of `config/`, and its `define` calls;
scripts the package.json runs; Hono sub-apps mounted under another name, through a re-exporting index or an
alias (a start-up check that leaves with `process.exit(1)`: tests/detect/test_startup_stops.py). Each pattern has a violating (or missed) case and a clean one. The projects are small synthetic ones
written for these tests."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, inspect_json

from cdverify.sql.classify import SqlKind, classify

TSCONFIG = '{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/*"]}}}'


def _raw(report: dict[str, Any]) -> list[tuple[str, int, str]]:
    return sorted((item["file"], item["line"], item["kind"]) for item in report["orm"]["raw_sql"])


# -- postgres.js: a client a helper of another module returns, imported through an alias ----------------

PG_PACKAGE = '{"name": "trends", "dependencies": {"hono": "4", "postgres": "3"}}'
POSTGRES_DB = """import postgres from 'postgres'

let sql: postgres.Sql | null = null

export const getDatabase = () => {
  if (!sql) {
    sql = postgres(process.env.DATABASE_URL ?? 'postgres://localhost/trends')
  }
  return sql
}
"""
TOPICS = """import { getDatabase } from 'SPEC'

export const topicRepository = {
  all: async () => {
    const db = getDatabase()
    return db`SELECT * FROM topics ORDER BY id DESC`
  },
  create: async (topic: { name: string }) => {
    const db = getDatabase()
    return db`INSERT INTO topics ${db(topic)} RETURNING *`
  },
  rename: async (id: number, name: string) => {
    const db = getDatabase()
    return db.unsafe('UPDATE topics SET name = $1 WHERE id = $2', [name, id])
  },
}
"""


@pytest.mark.parametrize("spec", ["@/lib/db", "../lib/db"])
def test_postgres_js_through_a_helper_of_another_module(make_project: MakeProject, spec: str) -> None:
    files = {
        "package.json": PG_PACKAGE,
        "tsconfig.json": TSCONFIG,
        "src/lib/db.ts": POSTGRES_DB,
        "src/repositories/topics.ts": TOPICS.replace("SPEC", spec),
    }
    report = inspect_json(make_project, files)
    # three statements; `db(topic)` inside the insert builds its values: no query of its own
    assert _raw(report) == [
        ("src/repositories/topics.ts", 6, "statement"),
        ("src/repositories/topics.ts", 10, "dynamic"),  # its values computed
        ("src/repositories/topics.ts", 14, "statement"),
    ]
    assert report["architecture"]["files"]["src/repositories/topics.ts"] == "repositories"


def test_an_alias_naming_no_client_module_finds_nothing(make_project: MakeProject) -> None:
    # the same calls on a helper of a module that returns no database client
    helper = "export const getDatabase = () => ({ unsafe: (text: string) => text })\n"
    template = TOPICS.replace("SPEC", "@/lib/db").replace("return db`", "return String.raw`")
    files = {
        "package.json": PG_PACKAGE,
        "tsconfig.json": TSCONFIG,
        "src/lib/db.ts": helper,
        "src/repositories/topics.ts": template,
    }
    assert _raw(inspect_json(make_project, files)) == []


# -- a Prisma client kept on globalThis, a pg pool made lazily -----------------------------------------

PRISMA_PACKAGE = '{"name": "shop", "dependencies": {"express": "4", "@prisma/client": "5", "pg": "8"}}'
PRISMA = """import { PrismaClient } from '@prisma/client'

const makeClient = () => new PrismaClient()

export const prisma = globalThis.prisma ?? makeClient()

export async function healthy() {
  const rows = await prisma.$queryRaw`SELECT id FROM users LIMIT 1`
  return rows.length >= 0
}
"""
POOL = """import { Pool } from 'pg'

let pool: Pool | undefined

export function getPool(): Pool {
  if (!pool) {
    pool = new Pool({ connectionString: process.env.DATABASE_URL })
  }
  return pool
}
"""
USERS = """import { getPool } from '@/db/pool'

export async function byEmail(email: string) {
  const client = await getPool().connect()
  try {
    return await client.query('SELECT * FROM users WHERE email = $1', [email])
  } finally {
    client.release()
  }
}
"""


def test_a_prisma_singleton_on_globalthis_and_a_lazy_pool(make_project: MakeProject) -> None:
    files = {
        "package.json": PRISMA_PACKAGE,
        "tsconfig.json": TSCONFIG,
        "src/db/prisma.ts": PRISMA,
        "src/db/pool.ts": POOL,
        "src/repositories/users.ts": USERS,
    }
    assert _raw(inspect_json(make_project, files)) == [
        ("src/db/prisma.ts", 8, "statement"),
        ("src/repositories/users.ts", 6, "statement"),
    ]


def test_a_fallback_to_something_else_is_no_client(make_project: MakeProject) -> None:
    # `globalThis.cache ?? new Map()`: the value is no database client, `$queryRaw` on it no sink
    prisma = PRISMA.replace("globalThis.prisma ?? makeClient()", "globalThis.cache ?? new Map()")
    files = {"package.json": PRISMA_PACKAGE, "src/db/prisma.ts": prisma}
    assert _raw(inspect_json(make_project, files)) == []


# -- statements the recogniser dropped -----------------------------------------------------------------

MYSQL_PACKAGE = '{"name": "books", "dependencies": {"express": "4", "mysql": "2"}}'
MYSQL_DB = """const mysql = require("mysql");

let connection;

exports.connect = () => {
  connection = mysql.createConnection({ host: "localhost", user: "root", database: "books" });
  connection.query("SHOW TABLES", (error) => {
    if (error) throw error;
  });
};

exports.getConnection = () => connection;
"""
BOOKS = """const db = require("../loaders/db");

exports.create = (values) => {
  const connection = db.getConnection();
  const query = `INSERT INTO books ${values}`;
  connection.query(query, () => {});
};

exports.show = (what) => {
  const connection = db.getConnection();
  const text = `show ${what} on the page`;
  connection.query(text, () => {});
};
"""


def test_show_tables_and_an_insert_of_interpolated_rows(make_project: MakeProject) -> None:
    files = {"package.json": MYSQL_PACKAGE, "loaders/db.js": MYSQL_DB, "services/books.js": BOOKS}
    assert _raw(inspect_json(make_project, files)) == [
        ("loaders/db.js", 7, "trivial"),
        ("services/books.js", 6, "dynamic"),  # the rows computed: still a whole statement, run raw
    ]


@pytest.mark.parametrize(
    ("text", "sql"),
    [
        ("SHOW TABLES", True),
        ("SHOW COLUMNS FROM users", True),
        ("show full tables", True),
        ("SHOW CREATE TABLE users;", True),
        ("show me the tables", False),
        ("SHOW", False),
        ("show dialog", False),
    ],
)
def test_show_statements_at_a_sink(text: str, sql: bool) -> None:
    assert (classify(text, at_sink=True).kind is SqlKind.TRIVIAL) is sql
    assert classify(text).kind is SqlKind.NOT_SQL  # outside a sink, a word like any other


# -- sequelize-cli: the config moved out of config/, and models defined in factories --------------------

# no driver declared: only the config can say which engine (the drivers may be installed by hand)
SEQ_PACKAGE = '{"name": "logs", "dependencies": {"koa": "2", "sequelize": "6"}}'
SEQ_INDEX = """const path = require("path");
const Sequelize = require("sequelize");
const env = process.env.NODE_ENV || "development";
const config = require(path.resolve(__dirname, "../domain/config.json"))[env];
const sequelize = new Sequelize(config.database, config.username, config.password, config);
const db = { sequelize, AccessLog: require("./accesslog")(sequelize, Sequelize.DataTypes) };
module.exports = db;
"""
SEQ_MODEL = """module.exports = (sequelize, DataTypes) => {
  const AccessLog = sequelize.define("AccessLog", { api: DataTypes.STRING, query: DataTypes.STRING });
  return AccessLog;
};
"""
SEQ_CONFIG = (
    '{\n  "development": {"dialect": "mysql", "database": "logs"},\n  "test": {"dialect": "mysql"}\n}\n'
)


def _sequelize(config: str) -> dict[str, str | bytes]:
    return {
        "package.json": SEQ_PACKAGE,
        "core/models/index.js": SEQ_INDEX,
        "core/models/accesslog.js": SEQ_MODEL,
        "core/domain/config.json": config,
    }


def test_a_sequelize_cli_config_outside_config_gives_the_engine(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _sequelize(SEQ_CONFIG))
    assert report["database"]["engines"] == ["mysql"]
    # `sequelize.define(…)` in the factory defines a model: not a query
    assert report["architecture"]["files"]["core/models/accesslog.js"] == "models"


def test_another_config_json_is_no_sequelize_config(make_project: MakeProject) -> None:
    other = '{\n  "server": {"dialect": "mysql", "port": 3000}\n}\n'
    assert inspect_json(make_project, _sequelize(other))["database"]["engines"] == []


# -- scripts run by package.json ------------------------------------------------------------------------

SCRIPTS_PACKAGE = """{
  "name": "api",
  "scripts": {
    "dev": "tsx watch src/index.ts",
    "db:migrate": "NODE_ENV=production tsx src/db/migrate.ts",
    "db:fill": "pnpm build && node ./src/db/fill.js --force"
  },
  "dependencies": {"fastify": "4", "mysql2": "3"}
}
"""
SERVER = """import Fastify from "fastify";
import { listUsers } from "./db/users";

const app = Fastify();
app.get("/users", async () => listUsers());
app.listen({ port: 3000 });
"""
USERS_REPO = """import mysql from "mysql2/promise";

const pool = mysql.createPool({ host: "localhost", database: "api" });

export async function listUsers() {
  const [rows] = await pool.query("SELECT id, name FROM users");
  return rows;
}
"""
MIGRATE = """import mysql from "mysql2/promise";

async function migrate() {
  const connection = await mysql.createConnection({ host: "localhost", database: "api" });
  await connection.query("CREATE TABLE IF NOT EXISTS users (id INT PRIMARY KEY, name TEXT)");
}

migrate();
"""


def _scripts_project() -> dict[str, str | bytes]:
    return {
        "package.json": SCRIPTS_PACKAGE,
        "src/index.ts": SERVER,
        "src/db/users.ts": USERS_REPO,
        "src/db/migrate.ts": MIGRATE,
        "src/db/fill.js": MIGRATE.replace(
            "CREATE TABLE IF NOT EXISTS", "INSERT INTO users VALUES (1, 'a') --"
        ),
    }


def test_files_package_scripts_run_are_scripts(make_project: MakeProject) -> None:
    arch = inspect_json(make_project, _scripts_project())["architecture"]
    for script in ("src/db/migrate.ts", "src/db/fill.js"):
        assert script not in arch["files"], arch["files"]
        assert arch["evidence"][script] == "command-line script"
    # the data access the app imports keeps its layer; the server the dev script runs is no script
    assert arch["files"]["src/db/users.ts"] == "repositories"
    assert arch["evidence"]["src/index.ts"] != "command-line script"


def test_a_file_a_script_runs_and_the_app_imports_keeps_its_layer(make_project: MakeProject) -> None:
    files = _scripts_project()
    files["package.json"] = SCRIPTS_PACKAGE.replace("src/db/migrate.ts", "src/db/users.ts")
    arch = inspect_json(make_project, files)["architecture"]
    assert arch["files"]["src/db/users.ts"] == "repositories"
    # run by no package script any more, it still calls its own `migrate()` as it loads and nothing imports
    # it: a program run by hand (`tsx src/db/migrate.ts`), in no layer (docs/accuracy.md, the nineteenth
    # set's JavaScript/TypeScript disagreements)
    assert "src/db/migrate.ts" not in arch["files"]
    assert arch["evidence"]["src/db/migrate.ts"] == "command-line script"


def test_the_server_entry_a_start_script_runs_is_no_script(make_project: MakeProject) -> None:
    # `start` runs a file that starts the app another module builds, on a port read from settings
    files = {
        "package.json": '{"name": "api", "scripts": {"start": "tsx src/server.ts"}, "dependencies": {"express": "4"}}',
        "src/app.ts": 'import express from "express";\n\nexport const app = express();\napp.get("/", (req, res) => res.json({}));\n',
        "src/server.ts": 'import { app } from "./app";\n\napp.listen(Number(process.env.PORT));\n',
    }
    arch = inspect_json(make_project, files)["architecture"]
    assert arch["evidence"].get("src/server.ts") != "command-line script"


# -- Hono sub-apps mounted elsewhere --------------------------------------------------------------------

HONO_PACKAGE = (
    '{"name": "blog", "dependencies": {"hono": "4", "@hono/node-server": "1", "@hono/zod-openapi": "0.9"}}'
)
CONTROLLER = "export const postController = { list: (c) => c.json([]), create: (c) => c.json({}, 201) }\n"
SUB_APP = """import { Hono } from 'hono'
import { postController } from '../controllers/postController'

const posts = new Hono()
posts.get('/', postController.list)
posts.post('/', postController.create)
EXPORT
"""


def _index(imports: str, mount: str) -> str:
    return f"""import {{ Hono }} from 'hono'
import {{ serve }} from '@hono/node-server'
{imports}

const app = new Hono()
{mount}
serve({{ fetch: app.fetch, port: 3000 }})
"""


MOUNTS: dict[str, dict[str, str]] = {
    "renamed export": {
        "src/posts/posts.ts": SUB_APP.replace("EXPORT", "export const postRoutes = posts"),
        "src/index.ts": _index(
            "import { postRoutes } from './posts/posts'", "app.route('/posts', postRoutes)"
        ),
    },
    "index re-export": {
        "src/posts/posts.ts": SUB_APP.replace("EXPORT", "export default posts"),
        "src/posts/index.ts": "export { default as posts } from './posts'\n",
        "src/index.ts": _index("import { posts } from './posts'", "app.route('/posts', posts)"),
    },
    "alias import": {
        "src/posts/posts.ts": SUB_APP.replace("EXPORT", "export default posts"),
        "src/index.ts": _index("import blog from '@/posts/posts'", "app.route('/posts', blog)"),
    },
    "default chain": {
        "src/posts/posts.ts": SUB_APP.replace("const posts = new Hono()\n", "")
        .replace("posts.get(", "export default new Hono().get(")
        .replace("\nposts.post(", ".post(")
        .replace("EXPORT", ""),
        "src/index.ts": _index("import posts from './posts/posts'", "app.route('/posts', posts)"),
    },
    "OpenAPIHono": {
        "src/posts/posts.ts": SUB_APP.replace(
            "import { Hono } from 'hono'", "import { OpenAPIHono } from '@hono/zod-openapi'"
        )
        .replace("new Hono()", "new OpenAPIHono()")
        .replace("EXPORT", "export default posts"),
        "src/index.ts": _index("import posts from './posts/posts'", "app.route('/posts', posts)"),
    },
}


@pytest.mark.parametrize("form", sorted(MOUNTS))
def test_a_hono_sub_app_mounted_elsewhere_is_routes(make_project: MakeProject, form: str) -> None:
    files = {
        "package.json": HONO_PACKAGE,
        "tsconfig.json": TSCONFIG,
        "src/controllers/postController.ts": CONTROLLER,
        **MOUNTS[form],
    }
    arch = inspect_json(make_project, files)["architecture"]
    assert arch["composition_roots"] == ["src/index.ts"]
    assert arch["files"]["src/posts/posts.ts"] == "routes"
    assert arch["evidence"]["src/posts/posts.ts"] != "composition root"


def test_a_re_exported_sub_app_nobody_mounts_stays_a_root(make_project: MakeProject) -> None:
    files = {
        "package.json": HONO_PACKAGE,
        "src/controllers/postController.ts": CONTROLLER,
        "src/posts/posts.ts": SUB_APP.replace("EXPORT", "export default posts"),
        "src/posts/index.ts": "export { default as posts } from './posts'\n",
        "src/index.ts": _index("import { posts } from './posts'", "console.log(posts)"),
    }
    arch = inspect_json(make_project, files)["architecture"]
    assert arch["composition_roots"] == ["src/index.ts", "src/posts/posts.ts"]
