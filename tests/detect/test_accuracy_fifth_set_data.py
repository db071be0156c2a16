"""Data patterns of the fifth unseen labelled set (issue 18, docs/accuracy.md "A fifth unseen set"), each
with a violating and a clean project written for the test:

- a project package named like a library (`records/`) is the project's, not the library, when the
  project's own import resolves to it; a project without such a package that imports the library still
  reports it;
- SQL handed to a method of a repository base class that runs it on the client it keeps
  (`execute(sql) { return this.pool.query(sql) }`) is reported at each caller, as a complete statement only;
- a statement run on the client a project helper returns (`const db = await getDbClient(c); db.run('SELECT 1')`);
- Flask-SQLAlchemy's `db.text(f"SELECT MAX({column}) FROM {table}")` and an `ALTER SEQUENCE … RESTART` f-string
  are statements with interpolated identifiers, and so is an f-string naming its table at an untraced sink
  (`f"SELECT * FROM {table} WHERE id = $1"` on a pool the app's state holds);
- a setting assigned only under `if os.environ.get('TESTING') == 'true':` is the tests' (its `else` and a
  negated condition stay the application's);
- a URL whose scheme an environment variable gives (`f"{os.environ.get('DATABASE_TYPE')}://…"`) is the
  engine a `.env` names, else the one declared driver's, and needs the variable set to start;
- an engine module imported by a module nothing imports, which imports no project module and makes no app
  (a schema kept as a backup), is no run-time engine; imported by the app, it is one;
- `const parsed = envSchema.safeParse(process.env); if (!parsed.success) process.exit(1)` with a zod schema
  requiring DATABASE_URL stops the app where the harness leaves it unset; a schema whose database fields all
  have defaults does not;
- a connection in a `case` of a `switch` on a variable (`switch (db_type) { case "mysql": … }`) runs in the
  harness only where the variable (or the project's committed `.env`) has that value;
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, inspect_json, only

# -- a project package named like a library ---------------------------------------------------------

NOTES_MAIN = """from aiohttp import web

from records.routes import RecordView


def create_app():
    app = web.Application()
    app.router.add_view("/records/{id}", RecordView)
    return app
"""
NOTES_ROUTES = """from aiohttp import web


class RecordView(web.View):
    async def get(self):
        return web.json_response({})
"""
RECORDS_LIBRARY_USER = """import records

db = records.Database("postgresql://localhost/notes")


def titles():
    return db.query("SELECT title FROM notes").all()
"""


def _libraries(report: dict[str, Any]) -> list[str]:
    libraries: list[str] = report["orm"]["libraries"]
    return libraries


def test_a_project_package_named_records_is_not_the_records_library(make_project: MakeProject) -> None:
    report = inspect_json(
        make_project,
        {
            "requirements.txt": "aiohttp\nasyncpg\n",
            "src/main.py": NOTES_MAIN,
            "src/records/routes.py": NOTES_ROUTES,  # a namespace portion, as in the labelled repository
        },
    )
    assert report["imports"]["unresolved"] == 0  # `records.routes` lands on the project's package
    assert "aiosql" not in _libraries(report)


def test_the_records_library_imported_without_a_project_package_is_reported(
    make_project: MakeProject,
) -> None:
    report = inspect_json(
        make_project,
        {
            "requirements.txt": "aiohttp\nrecords\n",
            "src/main.py": NOTES_MAIN,
            "src/store.py": RECORDS_LIBRARY_USER,
        },
    )
    assert "aiosql" in _libraries(report)


# -- SQL through a repository base class's own method -----------------------------------------------

BASE_REPOSITORY = """class Repository {
  constructor(pool, table) {
    this.pool = pool;
    this.table = table;
  }

  async execute(queryString, values) {
    const res = await this.pool.query(queryString, values);
    return res;
  }

  async findOne(id) {
    const queryString = `SELECT * FROM ${this.table} WHERE id = $1`;
    const res = await this.execute(queryString, [id]);
    return res.rows[0];
  }

  async label(id) {
    return this.execute(`user ${id} not found`);
  }
}

module.exports = Repository;
"""
USER_REPOSITORY = """const { Pool } = require("pg");
const Repository = require("./Repository");

class User extends Repository {
  constructor() {
    super(new Pool(), "users");
  }
}

module.exports = User;
"""
EXPRESS_APP = """const express = require("express");
const User = require("./repositories/User");

const app = express();
const users = new User();
app.get("/users/:id", async (req, res) => res.json(await users.findOne(req.params.id)));
app.listen(3000);
"""


def _raw(report: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(r["file"], r["line"], r["statement"]) for r in report["orm"]["raw_sql"]]


def _base_repository(execute: str) -> dict[str, str]:
    return {
        "package.json": '{"dependencies": {"express": "^4.0.0", "pg": "^8.0.0"}}',
        "src/app.js": EXPRESS_APP,
        "src/repositories/Repository.js": BASE_REPOSITORY.replace(
            "this.pool.query(queryString, values)", execute
        ),
        "src/repositories/User.js": USER_REPOSITORY,
    }


def test_sql_handed_to_a_base_class_method_that_runs_it_is_raw_sql(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _base_repository("this.pool.query(queryString, values)"))
    # reported where the statement is handed over, once; the message string is no statement
    assert _raw(report) == [("src/repositories/Repository.js", 14, "SELECT")]


def test_a_base_class_method_handing_its_parameter_to_no_sql_method_is_no_sink(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _base_repository("this.pool.log(queryString, values)"))
    assert _raw(report) == []


# -- a statement on the client a project helper returns ---------------------------------------------

DB_CLIENT = """import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";

export async function getDbClient() {
  return drizzle(new Database("app.db"));
}
"""
HEALTH_ROUTE = """import { Hono } from "hono";
import { getDbClient } from "../utils/dbClient";

const router = new Hono();

router.get("/", async (c) => {
  const db = await getDbClient();
  await db.run(%s);
  return c.json({ ok: true });
});

export default router;
"""


# the client as the request's bindings hold it, which no import explains
BOUND_CLIENT = """export async function getDbClient(c: any) {
  return c.env.DB;
}
"""


def _health(argument: str, client: str) -> dict[str, str]:
    return {
        "package.json": '{"dependencies": {"hono": "^4.0.0", "drizzle-orm": "^0.30.0", "better-sqlite3": "^9.0.0"}}',
        "src/utils/dbClient.ts": client,
        "src/routes/health.ts": HEALTH_ROUTE % argument,
    }


@pytest.mark.parametrize("client", [DB_CLIENT, BOUND_CLIENT], ids=["drizzle", "bound"])
def test_a_statement_run_on_the_client_a_helper_returns_is_raw_sql(
    make_project: MakeProject, client: str
) -> None:
    report = inspect_json(make_project, _health("'SELECT 1'", client))
    assert _raw(report) == [("src/routes/health.ts", 8, "SELECT")]


@pytest.mark.parametrize("client", [DB_CLIENT, BOUND_CLIENT], ids=["drizzle", "bound"])
def test_a_word_run_on_the_client_a_helper_returns_is_no_sql(make_project: MakeProject, client: str) -> None:
    report = inspect_json(make_project, _health("'select the first one'", client))
    assert _raw(report) == []


# -- Flask-SQLAlchemy text() with interpolated identifiers ------------------------------------------

FLASK_INIT = """from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def create_app():
    app = Flask(__name__)
    db.init_app(app)
    from app.admin import admin
    app.register_blueprint(admin)
    return app
"""
FLASK_ADMIN = """from flask import Blueprint, jsonify

from app import db

admin = Blueprint("admin", __name__)
TABLES = {"users": ("users", "id", "users_id_seq")}


@admin.post("/sequences/<name>")
def fix_sequence(name):
    table, column, sequence = TABLES[name]
    max_id = db.session.execute(db.text(f"SELECT MAX({column}) FROM {table}")).scalar() or 0
    db.session.execute(db.text(f"ALTER SEQUENCE {sequence} RESTART WITH {max_id + 1}"))
    db.session.commit()
    return jsonify({"%s": max_id})
"""


def test_flask_sqlalchemy_text_with_interpolated_names_is_raw_sql(make_project: MakeProject) -> None:
    report = inspect_json(
        make_project,
        {
            "requirements.txt": "flask\nflask-sqlalchemy\n",
            "app/__init__.py": FLASK_INIT,
            "app/admin.py": FLASK_ADMIN % "next",
        },
    )
    assert _raw(report) == [("app/admin.py", 12, "SELECT"), ("app/admin.py", 13, "ALTER SEQUENCE")]


def test_flask_sqlalchemy_text_of_prose_is_no_sql(make_project: MakeProject) -> None:
    admin = FLASK_ADMIN.replace(
        'f"SELECT MAX({column}) FROM {table}"', 'f"max of {column} in {table}"'
    ).replace(
        'f"ALTER SEQUENCE {sequence} RESTART WITH {max_id + 1}"',
        'f"Alter sequence {sequence}: restart with {max_id}"',
    )
    report = inspect_json(
        make_project,
        {
            "requirements.txt": "flask\nflask-sqlalchemy\n",
            "app/__init__.py": FLASK_INIT,
            "app/admin.py": admin % "next",
        },
    )
    assert _raw(report) == []


# -- a Python repository base class running its callers' f-strings ----------------------------------

AIOHTTP_APP = """from aiohttp import web

from app.users import UserRepository


async def get_user(request):
    return web.json_response(await UserRepository(request.app["pool"]).get(request.match_info["id"]))


def create_app():
    app = web.Application()
    app.router.add_get("/users/{id}", get_user)
    return app
"""
BASE_PY = """class Repository:
    table = ""

    def __init__(self, pool):
        self.pool = pool

    async def fetch(self, query, *args):
        return await self.pool.fetch(query, *args)

    async def get(self, item_id):
        return await self.fetch(%s, item_id)
"""
USERS_PY = """from app.base import Repository


class UserRepository(Repository):
    table = "users"
"""


def _python_base(query: str) -> dict[str, str]:
    return {
        "requirements.txt": "aiohttp\nasyncpg\n",
        "app/__init__.py": "",
        "app/main.py": AIOHTTP_APP,
        "app/base.py": BASE_PY % query,
        "app/users.py": USERS_PY,
    }


def test_an_f_string_naming_its_table_handed_to_a_base_method_is_raw_sql(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _python_base('f"SELECT * FROM {self.table} WHERE id = $1"'))
    assert _raw(report) == [("app/base.py", 11, "SELECT")]


def test_an_f_string_message_handed_to_a_base_method_is_no_sql(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _python_base('f"no {self.table} row with id $1"'))
    assert _raw(report) == []


# -- a TESTING-only branch of the configuration, a URL whose scheme the environment gives -------------

FLASK_CONFIG = """import os


class Config:
    if %s:
        SQLALCHEMY_DATABASE_URI = "sqlite:///:memory:"
    else:
        SQLALCHEMY_DATABASE_URI = (
            f"{os.environ.get('DATABASE_TYPE')}://{os.environ.get('DB_USER')}@{os.environ.get('DB_HOST')}/app"
        )
"""
FLASK_APP = """from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from config import Config

db = SQLAlchemy()
app = Flask(__name__)
app.config.from_object(Config)
db.init_app(app)
"""
POSTGRES_TASK = "python-flask-openapi-postgres-sqlalchemy"


def _flask_config(condition: str, **extra: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "flask\nflask-sqlalchemy\npsycopg2-binary\n",
        "config.py": FLASK_CONFIG % condition,
        "app.py": FLASK_APP,
        **extra,
    }


def _engines(report: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    database = report["database"]
    return database["engines"], database["usage"]


def test_sqlite_only_under_a_testing_switch_is_the_tests(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _flask_config("os.environ.get('TESTING') == 'true'"))
    assert _engines(report) == (["postgresql"], {"postgresql": "runtime", "sqlite": "tests"})
    (inferred,) = [
        e for e in report["database"]["evidence"] if e["kind"] == "config" and e["engine"] == "postgresql"
    ]
    assert "scheme is $DATABASE_TYPE" in inferred["detail"]


@pytest.mark.parametrize(
    "condition",
    [
        "os.environ.get('TESTING') != 'true'",
        "not os.environ.get('TESTING')",
        "os.environ.get('LOCAL') == '1'",
    ],
)
def test_sqlite_under_a_negated_or_other_switch_stays_the_applications(
    make_project: MakeProject, condition: str
) -> None:
    engines, usage = _engines(inspect_json(make_project, _flask_config(condition)))
    assert "sqlite" in engines
    assert usage["sqlite"] == "runtime"


def test_the_scheme_variable_a_env_file_sets_names_the_engine(make_project: MakeProject) -> None:
    files = _flask_config("os.environ.get('TESTING') == 'true'", **{".env": "DATABASE_TYPE=mysql\n"})
    files["requirements.txt"] = (
        "flask\nflask-sqlalchemy\npymysql\npsycopg2-binary\n"  # two drivers: .env decides
    )
    assert _engines(inspect_json(make_project, files))[0] == ["mysql"]


def test_a_url_whose_scheme_an_unset_variable_gives_cannot_start_in_the_harness(
    make_project: MakeProject,
) -> None:
    db001 = only(
        check(make_project, _flask_config("os.environ.get('TESTING') == 'true'"), POSTGRES_TASK), "DB001"
    )
    assert db001["harness_engines"] == []
    assert "$DATABASE_TYPE" in db001["message"]


# -- an unused backup schema ---------------------------------------------------------------------------

SQLITE_CLIENT = """import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";

export const db = drizzle(new Database("dev.db"));
"""
PG_BACKUP_SCHEMA = """import { pgTable, serial, text } from "drizzle-orm/pg-core";

export const users = pgTable("users", { id: serial("id").primaryKey(), name: text("name") });
"""
HONO_INDEX = """import { Hono } from "hono";
import { db } from "./db/client";
%s
const app = new Hono();
app.get("/users", async (c) => c.json(await db.query.users.findMany()));

export default app;
"""


def _backup(imported: bool) -> dict[str, str | bytes]:
    extra = 'import { users } from "./db/schema.postgres.backup";\nconsole.log(users);\n' if imported else ""
    return {
        "package.json": '{"dependencies": {"hono": "^4.0.0", "drizzle-orm": "^0.30.0", "better-sqlite3": "^9.0.0"}}',
        "src/index.ts": HONO_INDEX % extra,
        "src/db/client.ts": SQLITE_CLIENT,
        "src/db/schema.postgres.backup.ts": PG_BACKUP_SCHEMA,
    }


def test_a_dialect_in_a_module_nothing_imports_is_no_run_time_engine(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _backup(imported=False))
    assert report["database"]["engines"] == ["sqlite"]
    (backup,) = [e for e in report["database"]["evidence"] if e["file"] == "src/db/schema.postgres.backup.ts"]
    assert backup["detail"].endswith("(in a module nothing imports)")


def test_a_dialect_in_a_module_the_app_imports_is_a_run_time_engine(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _backup(imported=True))
    assert sorted(report["database"]["engines"]) == ["postgresql", "sqlite"]


# -- a start-up schema that exits ----------------------------------------------------------------------

ENV_TS = """import { z } from "zod";

const envSchema = z.object({
  PORT: z.string().default("3000"),
  DATABASE_URL: %s,
  JWT_SECRET: z.string().min(32),
});

const parsed = envSchema.safeParse(process.env);

if (!parsed.success) {
  console.error("Invalid environment variables");
  process.exit(1);
}

export const env = parsed.data;
"""
FASTIFY_SERVER = """import Fastify from "fastify";
import { Pool } from "pg";
import { env } from "./env";

const pool = new Pool({ connectionString: env.DATABASE_URL || "postgresql://app:app@localhost:5432/app" });
const app = Fastify();
app.get("/users", async () => (await pool.query("SELECT * FROM users")).rows);
app.listen({ port: Number(env.PORT) });
"""


def _schema_app(database_url: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"dependencies": {"fastify": "^4.0.0", "pg": "^8.0.0", "zod": "^3.0.0"}}',
        "src/env.ts": ENV_TS % database_url,
        "src/server.ts": FASTIFY_SERVER,
    }


def test_a_start_up_schema_requiring_the_database_url_stops_the_app(make_project: MakeProject) -> None:
    db001 = only(check(make_project, _schema_app("z.string().url()"), POSTGRES_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert (
        "process.exit(1) at src/env.ts:13 exits when a zod schema finds $DATABASE_URL or $JWT_SECRET unset"
        in db001["message"]
    )


def test_a_start_up_schema_with_a_default_database_url_does_not_stop_the_app(
    make_project: MakeProject,
) -> None:
    files = _schema_app('z.string().url().default("postgresql://app:app@db:5432/app")')
    # JWT_SECRET is required too: the paper's harness gives the app no variable, so it stops there
    db001 = only(check(make_project, files, POSTGRES_TASK), "DB001")
    assert "exits when a zod schema finds $JWT_SECRET unset" in db001["message"]
    # with the secret optional as well, the schema passes and the app starts
    env_ts = str(files["src/env.ts"]).replace("z.string().min(32)", "z.string().min(32).optional()")
    report = check(make_project, {**files, "src/env.ts": env_ts}, POSTGRES_TASK)
    assert [f for f in report["findings"] if f["rule"] == "DB001"] == []


# -- a switch on an environment variable, decided by a committed .env -----------------------------------

KOA_DATABASE = """import { createConnection } from "typeorm";

const { db_type, db_schema } = process.env;

export async function connect(): Promise<void> {
  switch (db_type) {
    case "mysql": {
      await createConnection({ type: "mysql", host: "db", database: db_schema });
      break;
    }
    case "sqlite": {
      await createConnection({ type: "sqlite", database: String(db_schema) });
      break;
    }
  }
}
"""
KOA_SERVER = """import Koa from "koa";
import Router from "koa-router";
import { connect } from "./database";

const app = new Koa();
const router = new Router();
router.get("/health", (ctx) => { ctx.body = "ok"; });
app.use(router.routes());
connect().then(() => app.listen(3000));
"""
SQLITE_KOA_TASK = "koa-openapi-sqlite"


def _koa_switch(env: str | None) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": '{"dependencies": {"koa": "^2.0.0", "koa-router": "^12.0.0", "typeorm": "^0.3.0",'
        ' "mysql2": "^3.0.0", "sqlite3": "^5.0.0"}}',
        "src/database.ts": KOA_DATABASE,
        "src/server.ts": KOA_SERVER,
    }
    if env is not None:
        files[".env"] = env
    return files


def test_a_committed_env_picking_another_case_fails_the_task(make_project: MakeProject) -> None:
    db001 = only(check(make_project, _koa_switch("db_type=mysql\ndb_schema=app\n"), SQLITE_KOA_TASK), "DB001")
    assert db001["harness_engines"] == ["mysql"]


def test_a_committed_env_picking_the_required_case_passes(make_project: MakeProject) -> None:
    report = check(make_project, _koa_switch("db_type=sqlite\ndb_schema=./app.db\n"), SQLITE_KOA_TASK)
    assert report["verdicts"]["database"]["status"] == "pass"


def test_a_switch_no_variable_decides_has_no_database_in_the_harness(make_project: MakeProject) -> None:
    db001 = only(check(make_project, _koa_switch(None), SQLITE_KOA_TASK), "DB001")
    assert db001["harness_engines"] == []


# -- a throwing schema parse in a function the entry calls at start-up ---------------------------------

LOAD_ENV = """import { z } from "zod";

const envSchema = z.object({
  DATABASE_URL: z.string().url(),
  PORT: z.coerce.number().default(3000),
});

export const loadEnvConfig = () => {
  const env = envSchema.parse(process.env);
  return env;
};
"""
HONO_SERVER = """import { serve } from "@hono/node-server";
import { Hono } from "hono";
import Database from "better-sqlite3";
import { loadEnvConfig } from "./utils/env";

const sqlite = new Database("dev.db");
const app = new Hono();
%s
serve({ fetch: app.fetch, port: 3000 });
"""
AT_START = "const env = loadEnvConfig();\napp.get('/', (c) => c.json({ port: env.PORT, n: sqlite.name }));\n"
IN_HANDLER = "app.get('/', (c) => {\n  const env = loadEnvConfig();\n  return c.json({ port: env.PORT, n: sqlite.name });\n});\n"


def _hono_env(body: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"dependencies": {"hono": "^4.0.0", "@hono/node-server": "^1.0.0", "better-sqlite3": "^9.0.0",'
        ' "zod": "^3.0.0"}}',
        "src/utils/env.ts": LOAD_ENV,
        "src/server.ts": HONO_SERVER % body,
    }


def test_a_schema_parsed_in_a_function_the_entry_calls_at_start_up_stops_the_app(
    make_project: MakeProject,
) -> None:
    db001 = only(check(make_project, _hono_env(AT_START), "hono-openapi-sqlite"), "DB001")
    assert db001["harness_engines"] == []
    assert "src/utils/env.ts:9 throws when a zod schema finds $DATABASE_URL unset" in db001["message"]
    assert "(called at start-up at src/server.ts:8)" in db001["message"]


def test_a_schema_parsed_in_a_request_handler_does_not_stop_the_app(make_project: MakeProject) -> None:
    report = check(make_project, _hono_env(IN_HANDLER), "hono-openapi-sqlite")
    assert report["verdicts"]["database"]["status"] == "pass"
