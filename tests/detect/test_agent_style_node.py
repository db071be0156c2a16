"""Patterns of Node.js backends written the way coding agents write them for the paper's tasks (issue 18,
docs/accuracy.md "Agent-style Node apps probed"), each on a small project written for the test.

A connection module that builds its ORM instance one of two ways (`url ? new Sequelize(url) : new
Sequelize({ dialect: "sqlite" })`) only builds the instance the models bind to, as one building it one way:
a model importing it is no upward import. Two different objects (`new Pool()` or `new Database()`) are not
one instance.

A module that only constructs the app's objects and hands them on is wiring, in no layer, wherever it lives: a
container in the routes folder (`interfaces/http/container.ts`: `registerUser: new RegisterUser(new
UserRepository())`), and a Fastify plugin named `plugins/services.js` decorating the app with the services it
builds from the repositories. A controller that builds its service so and calls it, or a service file (by
name) calling the repository functions it imports, is not: its imports are checked as before.

A database module that picks its driver by comparing a variable with a literal (`const client =
(process.env.DB_CLIENT || "postgres").toLowerCase(); if (client === "sqlite") { require("better-sqlite3") … }
else { … new Pool(…) }`) runs the branch the variable's fallback takes where the harness leaves it unset; the
driver it imports in a branch is switched with the branch's connection."""

from __future__ import annotations

from typing import Any

from reports import MakeProject, check, evidence_of, findings_of, inspect_json, layer_violations, only

PACKAGE = (
    """{"name": "conduit", "dependencies": {"express": "4", "sequelize": "6", "pg": "8", "sqlite3": "5"}}"""
)
SERVER = """import express from "express";
import { usersRouter } from "./routes/users";

const app = express();
app.use("/api/users", usersRouter);
app.listen(3000);
"""
ROUTES = """import { Router } from "express";
import { listUsers } from "../services/users";

export const usersRouter = Router();
usersRouter.get("/", async (_req, res) => res.json({ users: await listUsers() }));
"""
SERVICE = """import { findUsers } from "../repositories/users";

export const listUsers = () => findUsers();
"""
REPOSITORY = """import { UserModel } from "../models/user";

export const findUsers = () => UserModel.findAll();
"""
MODEL = """import { DataTypes, Model } from "sequelize";
import { sequelize } from "../repositories/connection";

export class UserModel extends Model {}

UserModel.init({ username: DataTypes.STRING }, { sequelize, tableName: "users" });
"""
EITHER = """import { Sequelize } from "sequelize";

const url = process.env.DATABASE_URL;

export const sequelize = url
  ? new Sequelize(url, { dialect: "postgres", logging: false })
  : new Sequelize({ dialect: "sqlite", storage: "./dev.sqlite", logging: false });
"""
# a connection module whose two branches make different objects: which one the model gets is not one instance
DIFFERENT = """import { Sequelize } from "sequelize";
import { Pool } from "pg";

const url = process.env.DATABASE_URL;

export const sequelize = url ? new Pool({ connectionString: url }) : new Sequelize("sqlite::memory:");
"""


def _app(connection: str) -> dict[str, str]:
    return {
        "package.json": PACKAGE,
        "src/server.ts": SERVER,
        "src/routes/users.ts": ROUTES,
        "src/services/users.ts": SERVICE,
        "src/repositories/users.ts": REPOSITORY,
        "src/repositories/connection.ts": connection,
        "src/models/user.ts": MODEL,
    }


def test_a_model_importing_an_instance_built_either_way_imports_nothing_above_it(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _app(EITHER))
    assert report["architecture"]["files"]["src/models/user.ts"] == "models"
    assert layer_violations(report) == []
    assert not [f for f in report["findings"] if f["rule"] in ("ARCH001", "ARCH006")]


def test_a_model_importing_one_of_two_different_objects_imports_data_access(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _app(DIFFERENT))
    assert ("upward", "src/models/user.ts", "src/repositories/connection.ts") in layer_violations(report)


HONO = """{"name": "conduit", "dependencies": {"hono": "4", "@hono/node-server": "1", "pg": "8"}}"""
HONO_SERVER = """import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { usersRoutes } from "./interfaces/http/routes/users";

const app = new Hono();
app.route("/api/users", usersRoutes);
serve({ fetch: app.fetch, port: 3000 });
"""
HONO_ROUTES = """import { Hono } from "hono";
import { container } from "../container";

export const usersRoutes = new Hono();
usersRoutes.post("/", async (c) => c.json({ user: await container.registerUser.execute(await c.req.json()) }));
"""
CONTAINER = """import { PgUserRepository } from "../../infrastructure/repositories/user-repository";
import { RegisterUser } from "../../application/use-cases/register-user";

const users = new PgUserRepository();

export const container = {
  registerUser: new RegisterUser(users),
};
"""
USE_CASE = """import type { User } from "../../domain/user";

export class RegisterUser {
  constructor(private readonly users: { create(u: User): Promise<User> }) {}

  execute(input: User) {
    return this.users.create(input);
  }
}
"""
PG_REPOSITORY = """import { Pool } from "pg";
import type { User } from "../../domain/user";

const pool = new Pool();

export class PgUserRepository {
  async create(user: User): Promise<User> {
    const { rows } = await pool.query("INSERT INTO users (name) VALUES ($1) RETURNING *", [user.name]);
    return rows[0];
  }
}
"""
ENTITY = """export interface User {
  name: string;
}
"""


def _hono(**more: str) -> dict[str, str]:
    return {
        "package.json": HONO,
        "src/index.ts": HONO_SERVER,
        "src/interfaces/http/routes/users.ts": HONO_ROUTES,
        "src/interfaces/http/container.ts": CONTAINER,
        "src/application/use-cases/register-user.ts": USE_CASE,
        "src/infrastructure/repositories/user-repository.ts": PG_REPOSITORY,
        "src/domain/user.ts": ENTITY,
        **more,
    }


def test_a_container_in_the_routes_folder_that_only_constructs_is_wiring(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _hono())
    assert "src/interfaces/http/container.ts" not in report["architecture"]["files"]
    assert evidence_of(report)["src/interfaces/http/container.ts"] == "composition root"
    assert findings_of(report, "ARCH") == []


EXPRESS = """{"name": "conduit", "dependencies": {"express": "4", "pg": "8"}}"""
EXPRESS_SERVER = """const express = require("express");
const userRoutes = require("./routes/users");

const app = express();
app.use("/api/users", userRoutes);
app.listen(3000);
"""
EXPRESS_ROUTES = """const { Router } = require("express");
const UserController = require("../controllers/UserController");

const controller = new UserController();
const router = Router();
router.get("/", (req, res) => controller.list(req, res));
module.exports = router;
"""
CONTROLLER = """const UserService = require("../services/UserService");
const UserRepository = require("../repositories/UserRepository");

class UserController {
  constructor() {
    this.service = new UserService(new UserRepository());
  }

  async list(req, res) {
    res.json({ users: await this.service.list() });
  }
}

module.exports = UserController;
"""
EXPRESS_SERVICE = """class UserService {
  constructor(repository) {
    this.repository = repository;
  }

  list() {
    return this.repository.all();
  }
}

module.exports = UserService;
"""
EXPRESS_REPOSITORY = """const { Pool } = require("pg");

const pool = new Pool();

class UserRepository {
  async all() {
    const { rows } = await pool.query("SELECT * FROM users");
    return rows;
  }
}

module.exports = UserRepository;
"""


def test_a_controller_that_builds_its_service_and_calls_it_still_reaches_the_repository(
    make_project: MakeProject,
) -> None:
    files = {
        "package.json": EXPRESS,
        "src/server.js": EXPRESS_SERVER,
        "src/routes/users.js": EXPRESS_ROUTES,
        "src/controllers/UserController.js": CONTROLLER,
        "src/services/UserService.js": EXPRESS_SERVICE,
        "src/repositories/UserRepository.js": EXPRESS_REPOSITORY,
    }
    report = inspect_json(make_project, files)
    assert report["architecture"]["files"]["src/controllers/UserController.js"] == "routes"
    assert ("ARCH002", "src/controllers/UserController.js", 2) in findings_of(report, "ARCH")


FASTIFY = """{"name": "conduit", "type": "module", "dependencies": {"fastify": "4", "fastify-plugin": "4", "pg": "8"}}"""
FASTIFY_SERVER = """import Fastify from "fastify";
import servicesPlugin from "./plugins/services.js";
import userRoutes from "./routes/users.js";

const app = Fastify();
await app.register(servicesPlugin);
app.register(userRoutes, { prefix: "/api" });
await app.listen({ port: 3000 });
"""
FASTIFY_ROUTES = """export default async function userRoutes(fastify) {
  fastify.get("/users", async () => ({ users: await fastify.userService.list() }));
}
"""
PLUGIN = """import fp from "fastify-plugin";
import { UserRepository } from "../repositories/userRepository.js";
import { UserService } from "../services/userService.js";

export default fp(async (fastify) => {
  const users = new UserRepository();
  fastify.decorate("userService", new UserService(users));
});
"""
ESM_SERVICE = """export class UserService {
  constructor(users) {
    this.users = users;
  }

  list() {
    return this.users.all();
  }
}
"""
ESM_REPOSITORY = """import pg from "pg";

const pool = new pg.Pool();

export class UserRepository {
  async all() {
    const { rows } = await pool.query("SELECT * FROM users");
    return rows;
  }
}
"""
# a service outside the services folder, named so, calling the repository functions and another service
NAMED_SERVICE = """import * as users from "../repositories/userRepository.js";
import * as mail from "../services/mailService.js";

export async function register(user) {
  const created = await users.create(user);
  await mail.welcome(created);
  return created;
}
"""


def _fastify(**more: str) -> dict[str, str]:
    return {
        "package.json": FASTIFY,
        "src/server.js": FASTIFY_SERVER,
        "src/routes/users.js": FASTIFY_ROUTES,
        "src/services/userService.js": ESM_SERVICE,
        "src/repositories/userRepository.js": ESM_REPOSITORY,
        "src/models/user.js": "export class User {\n  constructor(name) {\n    this.name = name;\n  }\n}\n",
        **more,
    }


def test_a_plugin_named_services_that_builds_and_decorates_is_wiring(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _fastify(**{"src/plugins/services.js": PLUGIN}))
    assert "src/plugins/services.js" not in report["architecture"]["files"]
    assert findings_of(report, "ARCH") == []


def test_a_service_by_name_calling_what_it_imports_is_a_service(make_project: MakeProject) -> None:
    more = {
        "src/lib/registration.service.js": NAMED_SERVICE,
        "src/services/mailService.js": "export async function welcome(user) {\n  return user;\n}\n",
        "src/plugins/services.js": PLUGIN,
    }
    report = inspect_json(make_project, _fastify(**more))
    assert report["architecture"]["files"]["src/lib/registration.service.js"] == "services"
    assert ("ARCH005", "src/lib/registration.service.js", 0) in findings_of(report, "ARCH")


# -- a database module picking its driver by a variable: `if (client === "sqlite") … else …` ---------------

PG_TASK = "fastify-openapi-postgres"
PICKING_PACKAGE = (
    """{"name": "conduit", "dependencies": {"fastify": "4", "pg": "8", "better-sqlite3": "11"}}"""
)
PICKING_SERVER = """const Fastify = require("fastify");
const db = require("./db");

const app = Fastify();
app.get("/api/health-check", async () => ({ ok: true }));
app.get("/api/tags", async () => ({ tags: await db.query("SELECT name FROM tags") }));
app.listen({ port: 3000 });
"""
PICKING = """const client = (process.env.DB_CLIENT || "FALLBACK").toLowerCase();

let db;
if (CONDITION) {
  const Database = require("better-sqlite3");
  const sqlite = new Database(process.env.SQLITE_FILE || "./data.sqlite");
  db = { query: async (text) => sqlite.prepare(text).all() };
} else {
  const { Pool } = require("pg");
  const pool = new Pool({ host: "postgres", user: "user", password: "password", database: "conduit" });
  db = { query: async (text) => (await pool.query(text)).rows };
}

module.exports = db;
"""


def _picking(fallback: str, condition: str = 'client === "sqlite"') -> dict[str, str]:
    module = PICKING.replace("FALLBACK", fallback).replace("CONDITION", condition)
    return {"package.json": PICKING_PACKAGE, "server.js": PICKING_SERVER, "db.js": module}


def _database(report: dict[str, Any]) -> tuple[str, list[str]]:
    rules = [f["rule"] for f in report["findings"] if f["rule"].startswith("DB")]
    return report["verdicts"]["database"]["status"], rules


def test_a_driver_picked_by_a_variable_whose_fallback_is_postgres_serves_postgres(
    make_project: MakeProject,
) -> None:
    assert _database(check(make_project, _picking("postgres"), PG_TASK)) == ("pass", ["DB004"])
    # a condition other than one comparison with a literal is not read: the driver stays hard-wired
    listed = _picking("postgres", '["sqlite", "sqlite3"].includes(client)')
    assert _database(check(make_project, listed, PG_TASK)) == ("fail", ["DB002"])
    # the branch of `!==` alike
    flipped = PICKING.replace("FALLBACK", "postgres").replace("CONDITION", 'client !== "postgres"')
    files = {**_picking("postgres"), "db.js": flipped}
    assert _database(check(make_project, files, PG_TASK)) == ("pass", ["DB004"])


def test_a_driver_picked_by_a_variable_whose_fallback_is_sqlite_serves_sqlite(
    make_project: MakeProject,
) -> None:
    report = check(make_project, _picking("sqlite"), PG_TASK)
    assert _database(report) == ("fail", ["DB001", "DB004"])
    assert "runs on SQLite" in only(report, "DB001")["message"]


def test_a_driver_imported_beside_an_unconditional_connection_is_hard_wired(
    make_project: MakeProject,
) -> None:
    module = """const Database = require("better-sqlite3");
const { Pool } = require("pg");

const cache = new Database("./cache.sqlite");
const pool = new Pool({ host: "postgres", user: "user", password: "password", database: "conduit" });

module.exports = { query: async (text) => (await pool.query(text)).rows, cache };
"""
    files = {**_picking("postgres"), "db.js": module}
    assert _database(check(make_project, files, PG_TASK)) == ("fail", ["DB002"])


# -- SQL a repository class runs on the pool or database it is handed, from a constant ----------------------

SQL_PACKAGE = """{"name": "conduit", "dependencies": {"express": "4", "pg": "8", "better-sqlite3": "11"}}"""
SQL_SERVER = """const express = require("express");
const { Pool } = require("pg");
const ArticleRepository = require("./repositories/articleRepository");

const repository = new ArticleRepository(new Pool());
const app = express();
app.get("/api/articles/:slug", async (req, res) => res.json(await repository.bySlug(req.params.slug)));
app.listen(3000);
"""
# the statement in a module-level constant and in a local one, run on `this.pool`, a constructor parameter
CONSTANTS = """const BY_SLUG = "SELECT * FROM articles WHERE slug = $1";
const TABLE = "articles";

class ArticleRepository {
  constructor(pool) {
    this.pool = pool;
  }

  async bySlug(slug) {
    const { rows } = await this.pool.query(BY_SLUG, [slug]);
    return rows[0];
  }

  async create(article) {
    const sql = `INSERT INTO articles (slug, title)
                 VALUES ($1, $2) RETURNING *`;
    return (await this.pool.query(sql, [article.slug, article.title])).rows[0];
  }

  async count() {
    return this.pool.query(TABLE);
  }
}

module.exports = ArticleRepository;
"""
# statements in a CommonJS module of constants, run on a better-sqlite3 database handed in
QUERIES = """module.exports = {
  ALL_TAGS: "SELECT name FROM tags ORDER BY name",
  INSERT_TAG: "INSERT OR IGNORE INTO tags (name) VALUES (?)",
  CACHE_KEY: "tags",
};
"""
TAGS = """const Q = require("./queries");
const { INSERT_TAG, CACHE_KEY } = require("./queries");

class TagRepository {
  constructor(db) {
    this.db = db;
  }

  all() {
    return this.db.prepare(Q.ALL_TAGS).all();
  }

  add(name) {
    this.db.prepare(INSERT_TAG).run(name);
  }

  cached() {
    return this.db.prepare(CACHE_KEY);
  }
}

module.exports = TagRepository;
"""


def _sites(report: dict[str, Any]) -> list[tuple[str, int]]:
    return sorted((site["file"], site["line"]) for site in report["orm"]["raw_sql"])


def test_a_statement_in_a_constant_run_on_a_handed_in_pool_is_raw_sql(make_project: MakeProject) -> None:
    files = {
        "package.json": SQL_PACKAGE,
        "src/server.js": SQL_SERVER,
        "src/repositories/articleRepository.js": CONSTANTS,
    }
    report = inspect_json(make_project, files)
    # the module's constant and the local one; `TABLE` (no statement) is none
    assert _sites(report) == [
        ("src/repositories/articleRepository.js", 10),
        ("src/repositories/articleRepository.js", 17),
    ]


def test_a_statement_of_a_module_of_constants_run_on_a_handed_in_database_is_raw_sql(
    make_project: MakeProject,
) -> None:
    files = {
        "package.json": SQL_PACKAGE,
        "src/server.js": SQL_SERVER.replace(
            "./repositories/articleRepository", "./repositories/tagRepository"
        ),
        "src/repositories/tagRepository.js": TAGS,
        "src/repositories/queries.js": QUERIES,
    }
    report = inspect_json(make_project, files)
    # through the module object and a name taken from it; `CACHE_KEY` (no statement) is none
    assert _sites(report) == [
        ("src/repositories/tagRepository.js", 10),
        ("src/repositories/tagRepository.js", 14),
    ]
