"""Drivers agents reach for beside the common ones (session 2026-12-06 (14)): libSQL / Turso and Bun's SQLite
under Hono, SQL Server through mssql or pymssql, Oracle, ODBC, Vercel Postgres and PlanetScale's HTTP driver,
Flask-MySQLdb and Flask-PyMongo. Each is a data-access library of its engine's family, and the SQL handed to it is
raw SQL an ORM task forbids (ORM001), as it is for pg or sqlite3."""

from __future__ import annotations

import textwrap

import pytest
from reports import MakeProject, check, evidence_of, findings_of, inspect_json, layer_violations, layers_of


def _src(text: str) -> str:
    return textwrap.dedent(text).lstrip()


HONO_LIBSQL = {
    "package.json": '{"dependencies": {"hono": "^4.6.0", "@libsql/client": "^0.14.0"}}',
    "src/db.ts": _src(
        """
        import { createClient } from "@libsql/client";

        export const db = createClient({ url: "file:todos.db" });
        """
    ),
    "src/index.ts": _src(
        """
        import { Hono } from "hono";
        import { db } from "./db";

        const app = new Hono();

        app.get("/todos", async (c) => {
          const result = await db.execute("SELECT id, title FROM todos");
          return c.json(result.rows);
        });

        export default app;
        """
    ),
}


def test_libsql_is_a_sqlite_driver_whose_statements_are_raw_sql(make_project: MakeProject) -> None:
    orm = inspect_json(make_project, HONO_LIBSQL)["orm"]
    assert orm["libraries"] == ["sqlite3"]
    assert [(item["file"], item["line"]) for item in orm["raw_sql"]] == [("src/index.ts", 7)]
    report = check(make_project, HONO_LIBSQL, "hono+sqlite+sequelize")
    assert ("ORM001", "src/index.ts", 7) in findings_of(report, "ORM")


EXPRESS_MSSQL = {
    "package.json": '{"dependencies": {"express": "^4.21.0", "mssql": "^11.0.0"}}',
    "src/users.js": _src(
        """
        const sql = require("mssql");

        async function listUsers() {
          const pool = await sql.connect(process.env.MSSQL_URL);
          const result = await pool.request().query("SELECT id, email FROM users");
          return result.recordset;
        }

        module.exports = { listUsers };
        """
    ),
}


def test_mssql_is_a_sql_server_driver_whose_statements_are_raw_sql(make_project: MakeProject) -> None:
    orm = inspect_json(make_project, EXPRESS_MSSQL)["orm"]
    assert orm["libraries"] == ["mssql"]
    assert orm["kinds"] == {"mssql": "driver"}
    assert [(item["file"], item["line"]) for item in orm["raw_sql"]] == [("src/users.js", 5)]


def test_flask_extensions_of_drivers_are_their_drivers(make_project: MakeProject) -> None:
    files = {
        "app/mysql.py": "from flask_mysqldb import MySQL\n\nmysql = MySQL()\n",
        "app/mongo.py": "from flask_pymongo import PyMongo\n\nmongo = PyMongo()\n",
        "app/oracle.py": "import cx_Oracle\n\nPOOL = cx_Oracle.SessionPool\n",
    }
    orm = inspect_json(make_project, files)["orm"]
    assert orm["libraries"] == ["mongodb-driver", "mysql", "oracle"]


def test_an_unrelated_package_named_like_a_driver_is_not_one(make_project: MakeProject) -> None:
    """`mssql-helpers`, `@libsql/hrana-client-docs`: a package is the library only by its exact name or a subpath."""
    files = {
        "package.json": '{"dependencies": {"mssql-helpers": "1.0.0", "bun-sqlite-migrations": "1.0.0"}}',
        "src/a.js": 'const helpers = require("mssql-helpers");\nconst m = require("bun-sqlite-migrations");\n'
        "module.exports = { helpers, m };\n",
    }
    orm = inspect_json(make_project, files)["orm"]
    assert orm["libraries"] == []


# -- the module opening such a client is data access -----------------------------------------------------

EXPRESS = '{"name": "notes", "dependencies": {"express": "^4.21.0"}}'
SERVER = """const express = require("express");
const notes = require("./routes/notes");

const app = express();
app.use("/api", notes);
app.listen(3000);
"""
# each client maker, in a file named db.js (a name that says no layer): the code decides
CLIENTS = {
    "mssql": 'const sql = require("mssql");\n\nconst pool = new sql.ConnectionPool(process.env.MSSQL_URL);\n\n'
    "module.exports = pool;\n",
    "bun:sqlite": 'const { Database } = require("bun:sqlite");\n\nconst db = new Database("notes.sqlite");\n\n'
    "module.exports = db;\n",
    "@planetscale/database": 'const { connect } = require("@planetscale/database");\n\n'
    "const conn = connect({ url: process.env.DATABASE_URL });\n\nmodule.exports = conn;\n",
    "mariadb": 'const mariadb = require("mariadb");\n\nconst pool = mariadb.createPool({ host: "localhost" });\n\n'
    "module.exports = pool;\n",
}


@pytest.mark.parametrize("package", sorted(CLIENTS))
def test_a_route_module_importing_the_client_module_bypasses_the_services(
    make_project: MakeProject, package: str
) -> None:
    route = """const express = require("express");
const db = require("../db");

const router = express.Router();
router.get("/notes", async (req, res) => res.json(await db.query("SELECT id, body FROM notes")));

module.exports = router;
"""
    files = {
        "package.json": EXPRESS,
        "src/server.js": SERVER,
        "src/db.js": CLIENTS[package],
        "src/routes/notes.js": route,
    }
    report = inspect_json(make_project, files)
    assert layers_of(report)["src/db.js"] == "repositories"
    assert evidence_of(report)["src/db.js"].startswith("code:")
    assert layer_violations(report) == [("bypass", "src/routes/notes.js", "src/db.js")]


@pytest.mark.parametrize("package", sorted(CLIENTS))
def test_a_route_module_calling_a_service_over_the_client_module_is_clean(
    make_project: MakeProject, package: str
) -> None:
    service = (
        'const db = require("../db");\n\nexports.listNotes = () => db.query("SELECT id, body FROM notes");\n'
    )
    route = """const express = require("express");
const { listNotes } = require("../services/notes");

const router = express.Router();
router.get("/notes", async (req, res) => res.json(await listNotes()));

module.exports = router;
"""
    files = {
        "package.json": EXPRESS,
        "src/server.js": SERVER,
        "src/db.js": CLIENTS[package],
        "src/services/notes.js": service,
        "src/routes/notes.js": route,
    }
    report = inspect_json(make_project, files)
    assert layers_of(report)["src/db.js"] == "repositories"
    assert layer_violations(report) == []


# -- a migration program in a folder naming no layer ------------------------------------------------------

HONO = '{"name": "shop", "type": "module", "dependencies": {"hono": "^4.6.0", "drizzle-orm": "^0.38.0"}}'
HONO_APP = """import { Hono } from "hono";
import { db } from "./db/db";
import { products } from "./db/schema";

const app = new Hono();
app.get("/products", async (c) => c.json(await db.select().from(products)));

export default app;
"""
DB = """import { drizzle } from "drizzle-orm/bun-sqlite";
import { Database } from "bun:sqlite";

export const db = drizzle(new Database("shop.sqlite"));
"""
SCHEMA = """import { sqliteTable, text } from "drizzle-orm/sqlite-core";

export const products = sqliteTable("products", { id: text("id").primaryKey() });
"""


def test_a_drizzle_migration_program_nothing_imports_is_a_script(make_project: MakeProject) -> None:
    migrate = """import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { Database } from "bun:sqlite";

const db = drizzle(new Database("shop.sqlite"));
await migrate(db, { migrationsFolder: "./drizzle" });
"""
    files = {
        "package.json": HONO,
        "src/index.ts": HONO_APP,
        "src/db/db.ts": DB,
        "src/db/schema.ts": SCHEMA,
        "database/migrate.ts": migrate,
    }
    report = inspect_json(make_project, files)
    assert "database/migrate.ts" not in layers_of(report)
    assert evidence_of(report)["database/migrate.ts"] == "command-line script"
    assert layers_of(report)["src/db/db.ts"] == "repositories"


def test_a_plugin_running_the_migrations_in_its_function_keeps_its_layer(make_project: MakeProject) -> None:
    """A Fastify plugin loaded by @fastify/autoload (imported by nothing) runs the migrations when registered:
    no program of its own, it owns the client."""
    plugin = """const fp = require("fastify-plugin");
const knex = require("knex");

async function knexPlugin(fastify, options) {
  const handler = knex(options.knex);
  await handler.migrate.latest();
  fastify.decorate("knex", handler);
}

module.exports = fp(knexPlugin);
"""
    app = """const path = require("path");
const autoload = require("@fastify/autoload");

module.exports = async function app(fastify, opts) {
  fastify.register(autoload, { dir: path.join(__dirname, "plugins") });
};
"""
    files = {
        "package.json": '{"dependencies": {"fastify": "^4.0.0", "@fastify/autoload": "^5.0.0", "knex": "^3.0.0"}}',
        "app.js": app,
        "lib/plugins/knex/index.js": plugin,
    }
    report = inspect_json(make_project, files)
    assert evidence_of(report).get("lib/plugins/knex/index.js") != "command-line script"
    assert layers_of(report)["lib/plugins/knex/index.js"] == "repositories"


def test_the_fastify_mongodb_plugin_is_the_mongodb_driver(make_project: MakeProject) -> None:
    """`@fastify/mongodb` registers the driver's client on the instance (`fastify.mongo.db`): the app uses the
    mongodb driver through it, even where its own `import { ObjectId } from "mongodb"` brings only a BSON type."""
    files = {
        "package.json": '{"type": "module", "dependencies": {"fastify": "^5.0.0", "@fastify/mongodb": "^9.0.0"}}',
        "src/db.js": 'import fastifyMongo from "@fastify/mongodb";\n\nexport const mongo = fastifyMongo;\n',
        "src/ids.js": 'import { ObjectId } from "mongodb";\n\nexport const id = (s) => new ObjectId(s);\n',
    }
    assert inspect_json(make_project, files)["orm"]["libraries"] == ["mongodb-driver"]
