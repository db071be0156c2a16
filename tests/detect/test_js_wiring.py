"""JavaScript / TypeScript wiring the third unseen labelled set showed (issue 18): connection options handed
to TypeORM by name, routers a module builds for itself (a Hono sub-app mounted elsewhere, koa-swagger-
decorator's router), a Prisma client generated to a custom output, a query-builder client injected through a
constructor, and the ORM instance module a model must import. Each pattern has a violating (or missed) case
and a clean one. The projects are small synthetic ones written for these tests."""

from __future__ import annotations

from typing import Any

from reports import MakeProject, check, inspect_json

PG_TASK = "koa-openapi-postgres"


def _engines(report: dict[str, Any]) -> list[str]:
    engines: list[str] = report["database"]["engines"]
    return engines


# -- TypeORM options handed by name ---------------------------------------------------------------------

TYPEORM_PACKAGE = (
    '{"name": "shop", "dependencies": {"koa": "2", "typeorm": "0.3", "pg": "8", "sqlite3": "5"}}'
)
TYPEORM_SERVER = """import Koa from "koa";
import { createConnection, ConnectionOptions } from "typeorm";
IMPORT
OPTIONS
createConnection(options).then(() => {
  const app = new Koa();
  app.listen(3000);
});
"""


def _options(kind: str, where: str) -> str:
    return (
        f'const options: ConnectionOptions = {{\n  type: "{kind}",\n  {where},\n  synchronize: true,\n}};\n'
    )


def _typeorm(kind: str, where: str, *, imported: bool = False) -> dict[str, str | bytes]:
    literal = _options(kind, where)
    if imported:
        server = TYPEORM_SERVER.replace("IMPORT", 'import { options } from "./ormconfig";').replace(
            "OPTIONS", ""
        )
        config = 'import { ConnectionOptions } from "typeorm";\n\nexport ' + literal
        return {"package.json": TYPEORM_PACKAGE, "src/ormconfig.ts": config, "src/server.ts": server}
    server = TYPEORM_SERVER.replace("IMPORT", "").replace("OPTIONS", literal)
    return {"package.json": TYPEORM_PACKAGE, "src/server.ts": server}


def test_typeorm_options_named_at_the_call_give_the_engine(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _typeorm("sqlite", 'database: "shop.sqlite"'))
    assert _engines(report) == ["sqlite"]  # not the declared pg driver: the options say SQLite
    evidence = [e for e in report["database"]["evidence"] if e["kind"] == "connection"]
    assert [(e["file"], e["detail"]) for e in evidence] == [("src/server.ts", "type: 'sqlite'")]


def test_typeorm_options_imported_from_another_module(make_project: MakeProject) -> None:
    files = _typeorm(
        "postgres", 'url: process.env.DATABASE_URL || "postgres://localhost:5432/shop"', imported=True
    )
    report = inspect_json(make_project, files)
    assert _engines(report) == ["postgresql"]  # the sqlite3 dependency is not used
    assert check(make_project, {}, PG_TASK)["verdicts"]["database"]["status"] == "pass"
    assert check(make_project, {}, "koa-openapi-sqlite")["verdicts"]["database"]["status"] == "fail"


def test_options_no_literal_or_two_modules_define_stay_unknown(make_project: MakeProject) -> None:
    # the options come from a call: nothing to read
    server = TYPEORM_SERVER.replace("IMPORT", "").replace("OPTIONS", "const options = loadOptions();\n")
    report = inspect_json(make_project, {"package.json": TYPEORM_PACKAGE, "src/server.ts": server})
    assert _engines(report) == []
    # two modules export options of that name, one per engine: the name alone does not say which
    files = _typeorm("postgres", 'url: "postgres://localhost/shop"', imported=True)
    files["src/other/ormconfig.ts"] = 'import { ConnectionOptions } from "typeorm";\n\nexport ' + _options(
        "sqlite", 'database: "shop.sqlite"'
    )
    report = inspect_json(make_project, files)
    assert all("type:" not in e.get("detail", "") for e in report["database"]["evidence"])


# -- routers a module builds for itself -----------------------------------------------------------------

HONO_PACKAGE = '{"name": "blog", "dependencies": {"hono": "4", "@hono/node-server": "1"}}'
HONO_INDEX = """import { Hono } from 'hono'
import { serve } from '@hono/node-server'
import posts from './routes/posts.js'

const app = new Hono()
app.get('/', (c) => c.json({ ok: true }))
app.route('/api/posts', posts)
serve({ fetch: app.fetch, port: 3000 })
"""
HONO_POSTS = """import { Hono } from 'hono'
import { postController } from '../controllers/postController.js'

const posts = new Hono()
posts.get('/', postController.list)
posts.post('/', postController.create)
export default posts
"""
CONTROLLER = """export const postController = {
  list: (c) => c.json([]),
  create: (c) => c.json({}, 201),
}
"""


def _hono(index: str = HONO_INDEX) -> dict[str, str | bytes]:
    return {
        "package.json": HONO_PACKAGE,
        "src/index.js": index,
        "src/routes/posts.js": HONO_POSTS,
        "src/controllers/postController.js": CONTROLLER,
    }


def test_a_hono_sub_app_mounted_elsewhere_is_routes(make_project: MakeProject) -> None:
    arch = inspect_json(make_project, _hono())["architecture"]
    assert arch["files"]["src/routes/posts.js"] == "routes"
    assert arch["evidence"]["src/routes/posts.js"] != "composition root"
    assert arch["composition_roots"] == ["src/index.js"]


def test_a_hono_app_nobody_mounts_is_still_the_composition_root(make_project: MakeProject) -> None:
    # the same module serving by itself: it builds the app and wires the controllers
    standalone = HONO_POSTS.replace("export default posts", "serve({ fetch: posts.fetch, port: 3000 })")
    standalone = "import { serve } from '@hono/node-server'\n" + standalone
    files = _hono()
    del files["src/index.js"]
    files["src/routes/posts.js"] = standalone
    arch = inspect_json(make_project, files)["architecture"]
    assert arch["composition_roots"] == ["src/routes/posts.js"]
    assert arch["evidence"]["src/routes/posts.js"] == "composition root"
    assert "src/routes/posts.js" not in arch["files"]


KOA_PACKAGE = '{"name": "api", "dependencies": {"koa": "2", "koa-swagger-decorator": "1"}}'
KOA_ROUTES = """import { SwaggerRouter } from "koa-swagger-decorator";
import { user } from "./controller";

const protectedRouter = new SwaggerRouter();
protectedRouter.get("/users", user.getUsers);
protectedRouter.delete("/users/:id", user.deleteUser);
protectedRouter.swagger({ title: "api", version: "1.0.0" });
protectedRouter.mapDir(__dirname);

export { protectedRouter };
"""
KOA_SERVER = """import Koa from "koa";
import { protectedRouter } from "./protectedRoutes";

const app = new Koa();
app.use(protectedRouter.routes()).use(protectedRouter.allowedMethods());
app.listen(3000);
"""


def test_a_koa_swagger_decorator_router_registers_routes(make_project: MakeProject) -> None:
    report = inspect_json(
        make_project,
        {
            "package.json": KOA_PACKAGE,
            "src/server.ts": KOA_SERVER,
            "src/protectedRoutes.ts": KOA_ROUTES,
            "src/controller/index.ts": "export const user = { getUsers: async () => [], deleteUser: async () => 1 };\n",
        },
    )
    routes = {(r["method"], r["path"], r["file"]) for r in report["framework"]["routes"]}
    assert routes == {
        ("GET", "/users", "src/protectedRoutes.ts"),
        ("DELETE", "/users/:id", "src/protectedRoutes.ts"),
    }
    assert report["architecture"]["files"]["src/protectedRoutes.ts"] == "routes"


def test_swagger_and_map_dir_are_not_routes(make_project: MakeProject) -> None:
    only_docs = KOA_ROUTES.replace('protectedRouter.get("/users", user.getUsers);\n', "").replace(
        'protectedRouter.delete("/users/:id", user.deleteUser);\n', ""
    )
    report = inspect_json(
        make_project,
        {"package.json": KOA_PACKAGE, "src/server.ts": KOA_SERVER, "src/protectedRoutes.ts": only_docs},
    )
    assert report["framework"]["routes"] == []


# -- a Prisma client generated into the project ---------------------------------------------------------

SCHEMA = """generator client {
  provider = "PROVIDER"
  output   = "../src/generated/prisma"
}

datasource db {
  provider = "postgresql"
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
}
"""
PRISMA_LIB = """import { PrismaClient } from '../generated/prisma/client';

const prisma = new PrismaClient();

export default prisma;
"""
PRISMA_INDEX = """import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import prisma from './lib/prisma';

const app = new Hono();
app.get('/users', async (c) => c.json(await prisma.user.findMany()));
serve({ fetch: app.fetch, port: 3000 });
"""


def _prisma(provider: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "api", "dependencies": {"hono": "4", "@hono/node-server": "1", "prisma": "7"}}',
        "prisma/schema.prisma": SCHEMA.replace("PROVIDER", provider),
        "src/lib/prisma.ts": PRISMA_LIB,
        "src/index.ts": PRISMA_INDEX,
    }


def test_a_prisma_client_generated_to_a_custom_output_is_prisma(make_project: MakeProject) -> None:
    for provider in ("prisma-client", "prisma-client-js"):
        report = inspect_json(make_project, _prisma(provider))
        assert report["orm"]["libraries"] == ["prisma"], provider
        assert report["architecture"]["files"]["src/lib/prisma.ts"] == "repositories"
        assert report["architecture"]["evidence"]["src/lib/prisma.ts"] == "code: queries"


def test_another_generator_output_is_not_the_prisma_client(make_project: MakeProject) -> None:
    # prisma-kysely writes Kysely types, not a Prisma client: its folder stays a project folder
    report = inspect_json(make_project, _prisma("prisma-kysely"))
    assert report["orm"]["libraries"] == []
    assert "src/lib/prisma.ts" not in report["architecture"]["files"]


# -- a data client injected through a constructor -------------------------------------------------------

KYSELY_PACKAGE = (
    '{"name": "api", "dependencies": {"fastify": "4", "kysely": "0.27", "mysql2": "3", "winston": "3"}}'
)
CLIENT = """import { Kysely, MysqlDialect } from 'kysely';
import { createPool } from 'mysql2';

export interface Database { User: { id: number; email: string } }
export const db = new Kysely<Database>({ dialect: new MysqlDialect({ pool: createPool('mysql://localhost/app') }) });
"""
MANAGER = """import { Kysely, Transaction } from 'kysely';
import { Database } from '../clients/db.client';

export class TransactionManager {
  private readonly begin;

  constructor(db: Kysely<Database>) {
    this.begin = db.transaction();
  }

  public run = async <T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> => this.begin.execute(work);
}
"""
AUDIT = """import { Logger } from 'winston';
import { Clock } from '../clients/clock';

export class AuditTrail {
  private readonly lines: string[] = [];

  constructor(logger: Logger, clock: Clock) {
    this.lines.push(logger.level, clock.now());
  }
}
"""
FASTIFY_SERVER = """import Fastify from 'fastify';
import { db } from './clients/db.client';
import { TransactionManager } from './managers/transaction.manager';

const app = Fastify();
const tx = new TransactionManager(db);
app.get('/health', async () => ({ ok: true }));
app.listen({ port: 3000 });
"""


def _kysely(**extra: str) -> dict[str, str | bytes]:
    return {
        "package.json": KYSELY_PACKAGE,
        "src/server.ts": FASTIFY_SERVER,
        "src/clients/db.client.ts": CLIENT,
        "src/clients/clock.ts": "export class Clock { now(): string { return new Date().toISOString(); } }\n",
        "src/managers/transaction.manager.ts": MANAGER,
        **extra,
    }


def test_a_client_injected_through_the_constructor_is_data_access(make_project: MakeProject) -> None:
    arch = inspect_json(make_project, _kysely())["architecture"]
    assert arch["files"]["src/managers/transaction.manager.ts"] == "repositories"
    assert arch["evidence"]["src/managers/transaction.manager.ts"] == "code: queries"


def test_a_constructor_given_other_types_is_no_data_access(make_project: MakeProject) -> None:
    arch = inspect_json(make_project, _kysely(**{"src/managers/audit.manager.ts": AUDIT}))["architecture"]
    assert "src/managers/audit.manager.ts" not in arch["files"]
    assert "src/managers/audit.manager.ts" not in arch["evidence"]


# -- the ORM instance module a model must import ---------------------------------------------------------

SEQUELIZE_PACKAGE = (
    '{"name": "todo", "dependencies": {"express": "4", "sequelize": "6", "pg": "8", "mongoose": "8"}}'
)
INSTANCE = """import { Sequelize } from 'sequelize';

export const sequelize = new Sequelize(process.env.DATABASE_URL || 'postgres://localhost:5432/todo', {
  dialect: 'postgres',
});

export async function connectDatabase() {
  await sequelize.authenticate();
}
"""
TODO_MODEL = """import { DataTypes, Model } from 'sequelize';
import { sequelize } from '../config/database';

export class Todo extends Model {}
Todo.init({ title: DataTypes.STRING }, { sequelize, tableName: 'todos' });
"""
POST_MODEL = """import { DataTypes } from 'sequelize';
import { sequelize } from '../config/database';

export const Post = sequelize.define('Post', { title: DataTypes.STRING });
"""
TODO_REPOSITORY = """import { Todo } from '../models/todo.model';

export const allTodos = () => Todo.findAll();
"""
EXPRESS_INDEX = """import express from 'express';
import { connectDatabase } from './config/database';
import { allTodos } from './repositories/todo.repository';

const app = express();
app.get('/todos', async (req, res) => res.json(await allTodos()));
connectDatabase().then(() => app.listen(3000));
"""
MONGO_INSTANCE = """const mongoose = require('mongoose');

const connection = mongoose.createConnection(process.env.MONGO_URL || 'mongodb://localhost/todo');
module.exports = connection;
"""
MONGO_MODEL = """const { Schema } = require('mongoose');
const connection = require('../persistence/connection');

module.exports = connection.model('Note', new Schema({ text: String }));
"""


def _todo(**extra: str) -> dict[str, str | bytes]:
    return {
        "package.json": SEQUELIZE_PACKAGE,
        "src/index.ts": EXPRESS_INDEX,
        "src/config/database.ts": INSTANCE,
        "src/models/todo.model.ts": TODO_MODEL,
        "src/models/post.model.ts": POST_MODEL,
        "src/repositories/todo.repository.ts": TODO_REPOSITORY,
        **extra,
    }


def _arch_findings(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted(
        (f["rule"], f["file"], f["message"])
        for f in report["findings"]
        if f["rule"] in ("ARCH001", "ARCH006")
    )


def test_a_model_importing_the_orm_instance_module_is_no_upward_import(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _todo())
    files = report["architecture"]["files"]
    assert files["src/config/database.ts"] == "repositories"  # by its code: it opens the connection
    assert files["src/models/todo.model.ts"] == files["src/models/post.model.ts"] == "models"
    assert _arch_findings(report) == []


def test_a_mongoose_connection_module_alike(make_project: MakeProject) -> None:
    report = inspect_json(
        make_project,
        {
            "package.json": SEQUELIZE_PACKAGE,
            "src/persistence/connection.js": MONGO_INSTANCE,
            "src/models/note.js": MONGO_MODEL,
            "src/index.js": "const express = require('express');\nconst Note = require('./models/note');\n"
            "const app = express();\napp.get('/notes', async (req, res) => res.json(await Note.find()));\n"
            "app.listen(3000);\n",
        },
    )
    assert report["architecture"]["files"]["src/models/note.js"] == "models"
    assert report["architecture"]["files"]["src/persistence/connection.js"] == "repositories"
    assert _arch_findings(report) == []


def test_a_model_importing_a_module_that_also_queries_is_still_upward(make_project: MakeProject) -> None:
    # the module runs raw SQL beside building the instance: data access, not just the instance
    querying = INSTANCE + "\nexport const counts = () => sequelize.query('SELECT count(*) FROM todos');\n"
    report = inspect_json(make_project, _todo(**{"src/config/database.ts": querying}))
    assert [(rule, file) for rule, file, _ in _arch_findings(report) if rule == "ARCH001"] == [
        ("ARCH001", "src/models/post.model.ts"),
        ("ARCH001", "src/models/todo.model.ts"),
    ]


def test_a_model_importing_a_repository_that_builds_an_instance_is_upward(make_project: MakeProject) -> None:
    # a repository that imports models besides building an instance is more than the instance
    repository = (
        INSTANCE + "import { Todo } from '../models/todo.model';\nexport const all = () => Todo.findAll();\n"
    )
    report = inspect_json(make_project, _todo(**{"src/config/database.ts": repository}))
    assert ("ARCH001", "src/models/post.model.ts") in [
        (rule, file) for rule, file, _ in _arch_findings(report)
    ]


def test_prisma_generator_outputs_are_read_relative_to_the_schema() -> None:
    from cdverify.generated_clients import package_of, prisma_generators

    generators = {"prisma-client": "@prisma/client"}
    schema = 'generator client {\n  provider = "prisma-client"\n  output   = "../src/generated/prisma"\n}\n'
    (client,) = prisma_generators("prisma/schema.prisma", schema, generators)
    assert (client.folder, client.package, client.line) == ("src/generated/prisma", "@prisma/client", 3)
    assert package_of("src/generated/prisma/client", [client]) == "@prisma/client"
    assert package_of("src/generated/prismatic", [client]) is None  # a sibling folder, not inside
    outside = schema.replace("../src/generated/prisma", "../../elsewhere")
    assert prisma_generators("prisma/schema.prisma", outside, generators) == []  # outside the project
    no_output = 'generator client {\n  provider = "prisma-client-js"\n}\n'
    assert prisma_generators("prisma/schema.prisma", no_output, {"prisma-client-js": "@prisma/client"}) == []


def test_a_model_taking_only_a_type_from_the_instance_module_is_a_type_only_upward_import(
    make_project: MakeProject,
) -> None:
    """A type the instance module declares (`export type DbError = …`) binds the model to no instance: the
    import is an upward one, reported marked `type_only` (erased at run time), not waived as a binding."""
    instance = INSTANCE + "\nexport type DbError = Error & { code?: string };\n"
    model = (
        "import { DbError } from '../config/database';\n\n"
        "export interface Tag { name: string }\n"
        "export type TagResult = Tag | DbError;\n"
    )
    report = inspect_json(
        make_project, _todo(**{"src/config/database.ts": instance, "src/models/tag.model.ts": model})
    )
    upward = [v for v in report["architecture"]["violations"] if v["kind"] == "upward"]
    assert [(v["file"], v["target"], v["type_only"]) for v in upward] == [
        ("src/models/tag.model.ts", "src/config/database.ts", True)
    ]  # the models binding to `sequelize` (todo, post) stay waived
