"""JavaScript / TypeScript layer patterns the labelled repositories still showed (issue 18, docs/accuracy.md
"JavaScript/TypeScript layer patterns, session 2026-12-05 (6)"), each with a violating (or missed) case and a
clean one, on small projects written for these tests:

- a router in `routes/` named like a models word (`routes/entity.js`): the folder and the code beat the name;
- a `port` inside a function of a database client factory is no app port, so the factory is no composition root;
- Fastify's `fastify.route({ …, handler: handler.list })`: the handler's module is routes;
- clients handed on: a getter returning the `db` a dynamic import gives, a client variable a plugin decorates the
  instance with, a parameter typed with a client type (also destructured);
- PascalCase class files (`BaseController.ts`), a `view/` folder, `createRoute` definitions, a Redis client;
- declaration files, programs run by hand and helpers only the migrations import take no layer.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json
from reports import evidence_of as _evidence
from reports import layer_violations as _violations
from reports import layers_of as _layers

# -- a router whose file name is a models word ---------------------------------------------------------

EXPRESS_PACKAGE = '{"name": "things", "type": "module", "dependencies": {"express": "4", "sqlite3": "5"}}'
SERVER = """import express from 'express';
import entityRouter from './routes/entity.js';

const app = express();
app.use('/entities', entityRouter);
app.listen(3000);
"""
DATABASE = """import sqlite3 from 'sqlite3';

const db = new sqlite3.Database('things.db');

export default {
    all: (done) => db.all('SELECT * FROM entities', done),
    add: (name, done) => db.run('INSERT INTO entities (name) VALUES (?)', [name], done),
};
"""
ENTITY_ROUTER = """import express from 'express';
import database from '../db/database.js';

const router = express.Router();

router.get('/', (req, res) => database.all((err, rows) => res.json(rows)));
router.post('/', (req, res) => database.add(req.body.name, () => res.status(201).end()));

export default router;
"""
ENTITY_SERVICE = """import database from '../db/database.js';

export const listEntities = () => new Promise((resolve) => database.all((err, rows) => resolve(rows)));
"""
ENTITY_ROUTER_CLEAN = """import express from 'express';
import { listEntities } from '../services/entities.js';

const router = express.Router();

router.get('/', async (req, res) => res.json(await listEntities()));

export default router;
"""


def _entity(router: str, **more: str) -> dict[str, str | bytes]:
    return {
        "package.json": EXPRESS_PACKAGE,
        "server.js": SERVER,
        "db/database.js": DATABASE,
        "routes/entity.js": router,
        **more,
    }


def test_a_router_named_like_a_model_is_routes_and_reaching_the_database_a_bypass(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _entity(ENTITY_ROUTER))
    assert _layers(report)["routes/entity.js"] == "routes"  # not models by its name
    assert _evidence(report)["routes/entity.js"] == "code: routes"
    assert _violations(report) == [("bypass", "routes/entity.js", "db/database.js")]


def test_a_router_named_like_a_model_going_through_a_service_breaks_nothing(
    make_project: MakeProject,
) -> None:
    report = inspect_json(
        make_project, _entity(ENTITY_ROUTER_CLEAN, **{"services/entities.js": ENTITY_SERVICE})
    )
    assert _layers(report)["routes/entity.js"] == "routes"
    assert _violations(report) == []


def test_a_model_file_in_a_routes_folder_keeps_its_name(make_project: MakeProject) -> None:
    # no route registered in it: the file name still decides inside a routes folder
    files = _entity(ENTITY_ROUTER_CLEAN, **{"services/entities.js": ENTITY_SERVICE})
    files["routes/article/article.model.js"] = "export const fields = ['title', 'body'];\n"
    assert _layers(inspect_json(make_project, files))["routes/article/article.model.js"] == "models"


# -- a database client factory with a `port` inside a callback ------------------------------------------

HONO_PACKAGE = """{"name": "notes", "dependencies": {"hono": "4", "drizzle-orm": "0.30",
 "@neondatabase/serverless": "0.9"}}"""
TSCONFIG = '{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/*"]}}}'
CLIENT_FACTORY = """import { neonConfig, Pool } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";

export function createDrizzleClient(connectionString: string) {
  neonConfig.fetchEndpoint = (host) => {
    const port = 4444;
    return `http://${host}:${port}/sql`;
  };
  const pool = new Pool({ connectionString });
  return drizzle(pool);
}
"""
INDEX = """import { Hono } from "hono";
import share from "@/routes/share";

const app = new Hono();
app.route("/share", share);

export default app;
"""
SHARE = """import { Hono } from "hono";
import { createDrizzleClient } from "@/db/client";

const app = new Hono<{ Bindings: { DATABASE_URL: string } }>();

app.get("/", async (c) => {
  const db = createDrizzleClient(c.env.DATABASE_URL);
  return c.json(await db.query.entries.findMany());
});

export default app;
"""
SHARE_SERVICE = """import { createDrizzleClient } from "@/db/client";

export const entries = (url: string) => createDrizzleClient(url).query.entries.findMany();
"""
SHARE_CLEAN = """import { Hono } from "hono";
import { entries } from "@/services/entries";

const app = new Hono<{ Bindings: { DATABASE_URL: string } }>();

app.get("/", async (c) => c.json(await entries(c.env.DATABASE_URL)));

export default app;
"""


def _worker(share: str, **more: str) -> dict[str, str | bytes]:
    return {
        "package.json": HONO_PACKAGE,
        "tsconfig.json": TSCONFIG,
        "src/index.ts": INDEX,
        "src/db/client.ts": CLIENT_FACTORY,
        "src/routes/share/index.ts": share,
        **more,
    }


def test_a_client_factory_with_a_port_in_a_callback_is_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _worker(SHARE))
    assert "src/db/client.ts" not in report["architecture"]["composition_roots"]
    assert _layers(report)["src/db/client.ts"] == "repositories"
    assert _violations(report) == [("bypass", "src/routes/share/index.ts", "src/db/client.ts")]


def test_a_client_factory_used_by_a_service_breaks_nothing(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _worker(SHARE_CLEAN, **{"src/services/entries.ts": SHARE_SERVICE}))
    assert report["architecture"]["composition_roots"] == ["src/index.ts"]
    assert _violations(report) == []


# -- Fastify route options naming the handler --------------------------------------------------------------

FASTIFY_PACKAGE = '{"name": "tags", "dependencies": {"fastify": "4", "pg": "8"}}'
FASTIFY_SERVER = """import Fastify from 'fastify';
import tags from './modules/tag';

const app = Fastify();
app.register(tags, { prefix: '/api' });
app.listen({ port: 3000 });
"""
TAG_INDEX = """import { FastifyInstance } from 'fastify';
import * as handler from './handler';

export default async function (fastify: FastifyInstance) {
  fastify.route({ method: 'GET', url: '/tags', handler: handler.listTags });
}
"""
POOL = """import { Pool } from 'pg';

export const pool = new Pool({ connectionString: 'postgres://localhost/tags' });
"""
TAG_HANDLER = """import { FastifyReply, FastifyRequest } from 'fastify';
import { pool } from '../../db';

export async function listTags(request: FastifyRequest, reply: FastifyReply) {
  const { rows } = await pool.query('SELECT name FROM tags');
  return reply.send({ tags: rows.map((row) => row.name) });
}
"""
TAG_SERVICE = """import { pool } from '../../db';

export const tagNames = async () => (await pool.query('SELECT name FROM tags')).rows.map((row) => row.name);
"""
TAG_HANDLER_CLEAN = """import { FastifyReply, FastifyRequest } from 'fastify';
import { tagNames } from '../../services/tags';

export async function listTags(request: FastifyRequest, reply: FastifyReply) {
  return reply.send({ tags: await tagNames() });
}
"""


def _fastify(handler: str, **more: str) -> dict[str, str | bytes]:
    return {
        "package.json": FASTIFY_PACKAGE,
        "src/server.ts": FASTIFY_SERVER,
        "src/modules/tag/index.ts": TAG_INDEX,
        "src/modules/tag/handler.ts": handler,
        "src/db/index.ts": POOL,
        **more,
    }


def test_the_handler_fastify_route_options_name_is_routes(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _fastify(TAG_HANDLER))
    layers = _layers(report)
    assert layers["src/modules/tag/handler.ts"] == "routes"
    assert layers["src/modules/tag/index.ts"] == "routes"
    assert ("bypass", "src/modules/tag/handler.ts", "src/db/index.ts") in _violations(report)


def test_a_fastify_handler_going_through_a_service_breaks_nothing(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _fastify(TAG_HANDLER_CLEAN, **{"src/services/tags.ts": TAG_SERVICE}))
    assert _layers(report)["src/modules/tag/handler.ts"] == "routes"
    assert _violations(report) == []


# -- clients handed on: a getter, a decorated variable, typed parameters ----------------------------------

DRIZZLE_PACKAGE = (
    '{"name": "chat", "dependencies": {"hono": "4", "drizzle-orm": "0.30", "@libsql/client": "0.5"}}'
)
LIBSQL_CLIENT = """import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";

export const db = drizzle(createClient({ url: "file:chat.db" }));
"""
GETTER = """export async function getDbClient() {
  const { db } = await import("../db/client");
  return db;
}
"""
NOT_A_GETTER = """export async function getSettings() {
  const { settings } = await import("../config");
  return settings;
}
"""
CONFIG = "export const settings = { pageSize: 20 };\n"
FOLLOWING = """import { and, eq, exists, sql } from "drizzle-orm";
import type { LibSQLDatabase } from "drizzle-orm/libsql";

export function amIFollowing({ db, me }: { db: LibSQLDatabase; me: number }) {
  return exists(db.select({ one: sql`1` }).from(follows).where(eq(follows.followerId, me)));
}
"""
NOT_FOLLOWING = """export function describe({ me }: { me: number }) {
  return `user ${me}`;
}
"""
MESSAGES = """import { Hono } from "hono";
import { getDbClient } from "../utils/dbClient";
import { amIFollowing } from "./am-i-following";

const messages = new Hono();

messages.get("/", async (c) => {
  const db = await getDbClient();
  return c.json({ following: amIFollowing({ db, me: 1 }) });
});

export default messages;
"""
MESSAGES_CLEAN = """import { Hono } from "hono";
import { getSettings } from "../utils/settings";
import { describe } from "./am-i-following";

const messages = new Hono();

messages.get("/", async (c) => c.json({ settings: await getSettings(), me: describe({ me: 1 }) }));

export default messages;
"""
CHAT_INDEX = """import { Hono } from "hono";
import messages from "./routes/messages";

const app = new Hono();
app.route("/messages", messages);

export default app;
"""


def test_a_client_getter_and_a_typed_client_parameter_are_data_access(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "package.json": DRIZZLE_PACKAGE,
        "src/index.ts": CHAT_INDEX,
        "src/db/client.ts": LIBSQL_CLIENT,
        "src/utils/dbClient.ts": GETTER,
        "src/routes/am-i-following.ts": FOLLOWING,
        "src/routes/messages.ts": MESSAGES,
    }
    report = inspect_json(make_project, files)
    layers, evidence = _layers(report), _evidence(report)
    assert layers["src/utils/dbClient.ts"] == "repositories"  # it returns the client the module exports
    assert evidence["src/utils/dbClient.ts"] == "code: queries"
    # its `db` parameter is a drizzle database: it queries, though it sits beside the routers
    assert layers["src/routes/am-i-following.ts"] == "repositories"
    assert evidence["src/routes/am-i-following.ts"] == "code: queries"
    assert ("bypass", "src/routes/messages.ts", "src/utils/dbClient.ts") in _violations(report)
    assert ("bypass", "src/routes/messages.ts", "src/routes/am-i-following.ts") in _violations(report)


def test_a_getter_of_settings_and_an_untyped_helper_take_no_layer_from_their_code(
    make_project: MakeProject,
) -> None:
    files: dict[str, str | bytes] = {
        "package.json": DRIZZLE_PACKAGE,
        "src/index.ts": CHAT_INDEX,
        "src/db/client.ts": LIBSQL_CLIENT,
        "src/config.ts": CONFIG,
        "src/utils/settings.ts": NOT_A_GETTER,
        "src/routes/am-i-following.ts": NOT_FOLLOWING,
        "src/routes/messages.ts": MESSAGES_CLEAN,
    }
    report = inspect_json(make_project, files)
    layers = _layers(report)
    assert "src/utils/settings.ts" not in layers
    assert layers["src/routes/am-i-following.ts"] == "routes"  # its folder's, the code says nothing
    assert _violations(report) == []


KYSELY_PACKAGE = '{"name": "blog", "dependencies": {"fastify": "4", "fastify-plugin": "4", "kysely": "0.27"}}'
KYSELY_PLUGIN = """import fp from "fastify-plugin";
import { Kysely, KyselyConfig } from "kysely";

export default fp(async (fastify, options: KyselyConfig) => {
  const kysely = new Kysely(options);
  fastify.decorate("kysely", kysely);
});
"""
SETTINGS_PLUGIN = """import fp from "fastify-plugin";

export default fp(async (fastify) => {
  const settings = { pageSize: 20 };
  fastify.decorate("settings", settings);
});
"""
EXPRESSIONS = """import type { ExpressionBuilder } from "kysely";

export function following(eb: ExpressionBuilder<any, "users">, username: string) {
  return eb.exists(eb.selectFrom("relationships").select("id").where("username", "=", username));
}
"""
KYSELY_APP = """import Fastify from "fastify";
import kysely from "./plugins/kysely";
import settings from "./plugins/settings";

const app = Fastify();
app.register(kysely, { dialect: undefined as never });
app.register(settings);
app.listen({ port: 3000 });
"""


def test_a_plugin_decorating_a_client_variable_and_a_typed_expression_builder(
    make_project: MakeProject,
) -> None:
    files: dict[str, str | bytes] = {
        "package.json": KYSELY_PACKAGE,
        "src/app.ts": KYSELY_APP,
        "src/plugins/kysely.ts": KYSELY_PLUGIN,
        "src/plugins/settings.ts": SETTINGS_PLUGIN,
        "src/kysely/users.ts": EXPRESSIONS,
    }
    layers = _layers(inspect_json(make_project, files))
    assert layers["src/plugins/kysely.ts"] == "repositories"
    assert layers["src/kysely/users.ts"] == "repositories"
    assert "src/plugins/settings.ts" not in layers  # it decorates the instance with plain settings


# -- names: PascalCase class files, `view/`, declaration files ---------------------------------------------

EXPRESS_TS_PACKAGE = '{"name": "base", "dependencies": {"express": "4"}}'
BASE_CONTROLLER = """import { Request, Response } from 'express';

export abstract class BaseController {
  protected ok(res: Response, body: unknown) {
    return res.status(200).json(body);
  }
}
"""
BASE_SERVICE = """export abstract class BaseService<T> {
  protected items: T[] = [];
}
"""
DLOADER = """export function DLoader(name: string) {
  return (target: object) => Reflect.defineMetadata('loader', name, target);
}
"""
DECLARATION = """declare module "fastify-list-routes" {
  export default function listRoutes(): void;
}
"""


@pytest.mark.parametrize(
    ("path", "layer"),
    [
        ("src/common/base/BaseController.ts", "routes"),
        ("src/common/base/BaseService.ts", "services"),
        ("src/decorators/DLoader.ts", None),  # no role word after the first
        ("src/@types/fastify-list-routes.d.ts", None),  # a declaration file: its name names a package
    ],
)
def test_layers_from_file_names(make_project: MakeProject, path: str, layer: str | None) -> None:
    files: dict[str, str | bytes] = {
        "package.json": EXPRESS_TS_PACKAGE,
        "src/common/base/BaseController.ts": BASE_CONTROLLER,
        "src/common/base/BaseService.ts": BASE_SERVICE,
        "src/decorators/DLoader.ts": DLOADER,
        "src/@types/fastify-list-routes.d.ts": DECLARATION,
    }
    assert _layers(inspect_json(make_project, files)).get(path) == layer


OPENAPI_PACKAGE = (
    '{"name": "health", "dependencies": {"hono": "4", "@hono/zod-openapi": "0.16", "redis": "4"}}'
)
ROUTE_INTERFACE = """import type { OpenAPIHono } from '@hono/zod-openapi';

export interface IRoute {
  getApp(): OpenAPIHono;
}
"""
HEALTH_ROUTE = """import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { IRoute } from '../../../view/route.interface';

export class HealthRoute implements IRoute {
  private app = new OpenAPIHono();

  constructor() {
    this.app.openapi(
      createRoute({ method: 'get', path: '/health', responses: { 200: { description: 'ok' } } }),
      (c) => c.json({ ok: true }),
    );
  }

  getApp() {
    return this.app;
  }
}
"""
OPENAPI_DOCS = """import { createRoute, z } from '@hono/zod-openapi';

export const getUserRoute = createRoute({
  method: 'get',
  path: '/user',
  responses: { 200: { description: 'the user', content: { 'application/json': { schema: z.object({}) } } } },
});
"""
REDIS_CLIENT = """import { createClient } from 'redis';

export class RedisClient {
  private client = createClient({ url: process.env.REDIS_URL || 'redis://localhost:6379' });

  async get(key: string) {
    return this.client.get(key);
  }
}
"""
USERS_API = """import { OpenAPIHono } from '@hono/zod-openapi';
import { getUserRoute } from './docs/openapi';

const users = new OpenAPIHono();
users.openapi(getUserRoute, (c) => c.json({}));

export default users;
"""
OPENAPI_INDEX = """import { OpenAPIHono } from '@hono/zod-openapi';
import { HealthRoute } from './modules/health/view/health.route';
import users from './features/users/users.api';

const app = new OpenAPIHono();
app.route('/', new HealthRoute().getApp());
app.route('/', users);

export default app;
"""


def test_view_folders_route_definitions_and_cache_clients(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "package.json": OPENAPI_PACKAGE,
        "src/index.ts": OPENAPI_INDEX,
        "src/view/route.interface.ts": ROUTE_INTERFACE,
        "src/modules/health/view/health.route.ts": HEALTH_ROUTE,
        "src/features/users/docs/openapi.ts": OPENAPI_DOCS,
        "src/features/users/users.api.ts": USERS_API,
        "src/shared/cache/redis-client.ts": REDIS_CLIENT,
    }
    report = inspect_json(make_project, files)
    layers = _layers(report)
    assert layers["src/view/route.interface.ts"] == "routes"
    # importing the routes folder's interface as a type wires nothing: the route module is no root
    assert layers["src/modules/health/view/health.route.ts"] == "routes"
    assert report["architecture"]["composition_roots"] == ["src/index.ts"]
    assert layers["src/features/users/docs/openapi.ts"] == "routes"  # `createRoute` definitions
    assert _evidence(report)["src/features/users/docs/openapi.ts"] == "code: routes"
    assert layers["src/shared/cache/redis-client.ts"] == "repositories"


# -- programs run by hand and helpers of the migrations ------------------------------------------------------

SEQUELIZE_PACKAGE = (
    '{"name": "poc", "type": "module", "dependencies": {"hono": "4", "sequelize": "6", "umzug": "3"}}'
)
SEQUELIZE_DB = """import { Sequelize } from 'sequelize';

export const sequelize = new Sequelize('postgres://localhost/poc');
"""
MIGRATE = """import { Umzug, SequelizeStorage } from 'umzug';
import { sequelize } from '../config/database.js';

async function runMigrations() {
  await sequelize.authenticate();
  const umzug = new Umzug({ migrations: { glob: 'migrations/*.js' }, storage: new SequelizeStorage({ sequelize }) });
  await umzug.up();
}

runMigrations().then(() => process.exit(0));
"""
POC_INDEX = """import { Hono } from 'hono';
import { sequelize } from './config/database.js';

const app = new Hono();
app.get('/health', async (c) => c.json({ ok: Boolean(await sequelize.authenticate()) }));

export default app;
"""


def test_a_program_run_by_hand_outside_layer_folders_is_a_script(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "package.json": SEQUELIZE_PACKAGE,
        "src/index.js": POC_INDEX,
        "src/config/database.js": SEQUELIZE_DB,
        "src/utils/sequelize-migrate.js": MIGRATE,
        "src/repositories/migrate.js": MIGRATE,  # a layer folder's: it keeps the folder's layer
    }
    report = inspect_json(make_project, files)
    layers, evidence = _layers(report), _evidence(report)
    assert "src/utils/sequelize-migrate.js" not in layers
    assert evidence["src/utils/sequelize-migrate.js"] == "command-line script"
    assert layers["src/repositories/migrate.js"] == "repositories"


MIGRATION_HELPER = """import { sql } from "kysely";

export function addUpdatedAtTrigger(table: string) {
  return sql`CREATE TRIGGER update_${sql.raw(table)}_updated_at BEFORE UPDATE ON ${sql.raw(table)}
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();`;
}
"""
MIGRATION = """import { Kysely } from "kysely";
import { addUpdatedAtTrigger } from "../utils/migrations";

export async function up(db: Kysely<any>) {
  await db.schema.createTable("users").addColumn("id", "serial").execute();
  await addUpdatedAtTrigger("users").execute(db);
}
"""
USING_THE_HELPER = """import { addUpdatedAtTrigger } from "./utils/migrations";

export const triggers = ["users"].map(addUpdatedAtTrigger);
"""


@pytest.mark.parametrize("imported_by_the_app", [False, True])
def test_a_helper_only_the_migrations_import_takes_no_layer(
    make_project: MakeProject, imported_by_the_app: bool
) -> None:
    files: dict[str, str | bytes] = {
        "package.json": KYSELY_PACKAGE,
        "src/app.ts": KYSELY_APP.replace('import settings from "./plugins/settings";\n', "").replace(
            "app.register(settings);\n", ""
        ),
        "src/plugins/kysely.ts": KYSELY_PLUGIN,
        "src/utils/migrations.ts": MIGRATION_HELPER,
        "src/migrations/001_users.ts": MIGRATION,
    }
    if imported_by_the_app:
        files["src/triggers.ts"] = USING_THE_HELPER
    report = inspect_json(make_project, files)
    if imported_by_the_app:
        assert _evidence(report).get("src/utils/migrations.ts") != "migration helper"
    else:
        assert "src/utils/migrations.ts" not in _layers(report)
        assert _evidence(report)["src/utils/migrations.ts"] == "migration helper"


# -- a feature module's own request schemas ------------------------------------------------------------------

TAG_INDEX_WITH_SCHEMA = """import { FastifyInstance } from 'fastify';
import * as handler from './handler';
import { listTagsQuery } from 'SCHEMA';

export default async function (fastify: FastifyInstance) {
  fastify.route({ method: 'GET', url: '/tags', schema: { querystring: listTagsQuery }, handler: handler.listTags });
}
"""
TAG_SCHEMA = """import z from 'zod';

export const listTagsQuery = z.object({ limit: z.string().optional() });
"""


@pytest.mark.parametrize(
    ("schema", "layer"),
    [("src/modules/tag/schema.ts", "routes"), ("src/utils/schemas.ts", None)],  # shared: not the module's
)
def test_the_request_schemas_beside_a_router_are_routes(
    make_project: MakeProject, schema: str, layer: str | None
) -> None:
    spec = "./schema" if schema.startswith("src/modules") else "../../utils/schemas"
    files = _fastify(TAG_HANDLER_CLEAN, **{"src/services/tags.ts": TAG_SERVICE, schema: TAG_SCHEMA})
    files["src/modules/tag/index.ts"] = TAG_INDEX_WITH_SCHEMA.replace("SCHEMA", spec)
    report = inspect_json(make_project, files)
    assert _layers(report).get(schema) == layer
    assert _violations(report) == []


# -- CQRS query handlers beside the command handlers --------------------------------------------------------

CQRS_QUERY = """import { eq } from "drizzle-orm";
import { db } from "../../../db/client";

export async function getUser(id: number) {
  return db.query.users.findFirst({ where: (users) => eq(users.id, id) });
}
"""
CQRS_COMMAND = """import { db } from "../../../db/client";

export async function renameUser(id: number, name: string) {
  return db.query.users.findFirst();
}
"""
CQRS_ROUTES = """import { Hono } from "hono";
import { getUser } from "./queries/get-user";

const auth = new Hono();
auth.get("/user/:id", async (c) => c.json(await getUser(Number(c.req.param("id")))));

export default auth;
"""
CQRS_INDEX = """import { Hono } from "hono";
import auth from "./features/auth/routes";

const app = new Hono();
app.route("/", auth);

export default app;
"""


@pytest.mark.parametrize("with_commands", [True, False])
def test_query_handlers_beside_command_handlers_are_services(
    make_project: MakeProject, with_commands: bool
) -> None:
    files: dict[str, str | bytes] = {
        "package.json": DRIZZLE_PACKAGE,
        "src/index.ts": CQRS_INDEX,
        "src/db/client.ts": LIBSQL_CLIENT,
        "src/features/auth/routes.ts": CQRS_ROUTES,
        "src/features/auth/queries/get-user.ts": CQRS_QUERY,
    }
    if with_commands:
        files["src/features/auth/commands/rename-user.ts"] = CQRS_COMMAND
    report = inspect_json(make_project, files)
    query = "src/features/auth/queries/get-user.ts"
    if with_commands:
        assert _layers(report)[query] == "services"  # a use case, as the commands beside it
        assert ("bypass", "src/features/auth/routes.ts", query) not in _violations(report)
    else:  # alone, `queries/` names no layer: the code's data access decides
        assert _layers(report)[query] == "repositories"
        assert ("bypass", "src/features/auth/routes.ts", query) in _violations(report)


STATUS = "export const HTTP_OK = 200;\nexport const HTTP_NOT_FOUND = 404;\n"


@pytest.mark.parametrize(
    ("path", "layer"),
    [
        ("src/utils/http/status.ts", None),  # `http/` below `utils/` names the helpers' topic
        ("src/helpers/api/status.ts", None),
        ("src/api/utils/status.ts", "routes"),  # a helpers folder inside a routes folder stays routes
        ("src/http/status.ts", "routes"),
    ],
)
def test_layer_folders_below_a_folder_of_helpers_name_no_layer(
    make_project: MakeProject, path: str, layer: str | None
) -> None:
    files: dict[str, str | bytes] = {"package.json": EXPRESS_TS_PACKAGE, path: STATUS}
    assert _layers(inspect_json(make_project, files)).get(path) == layer


# -- a Workers KV namespace handed in: the global type, no import ---------------------------------------------

KV_MODEL = """export interface Post {
  id: string
  title: string
}

export const getPosts = async (KV: KVNamespace): Promise<Post[]> => {
  const list = await KV.list({ prefix: 'post:' })
  return Promise.all(list.keys.map(async (key) => JSON.parse((await KV.get(key.name)) ?? '{}')))
}
"""
PLAIN_MODEL = """export interface Post {
  id: string
  title: string
}

export const titleOf = (post: Post): string => post.title
"""
KV_API = """import { Hono } from 'hono'
import * as model from './model'

const api = new Hono<{ Bindings: { BLOG: KVNamespace } }>()
api.get('/posts', async (c) => c.json({ posts: await model.getPosts(c.env.BLOG) }))

export default api
"""
KV_INDEX = """import { Hono } from 'hono'
import api from './api'

const app = new Hono()
app.route('/api', api)

export default app
"""


@pytest.mark.parametrize("kv", [True, False])
def test_a_model_module_reading_a_kv_namespace_is_data_access(make_project: MakeProject, kv: bool) -> None:
    files: dict[str, str | bytes] = {
        "package.json": '{"name": "blog", "dependencies": {"hono": "4"}}',
        "src/index.ts": KV_INDEX,
        "src/api.ts": KV_API if kv else KV_API.replace("await model.getPosts(c.env.BLOG)", "[]"),
        "src/model.ts": KV_MODEL if kv else PLAIN_MODEL,
    }
    report = inspect_json(make_project, files)
    if kv:
        assert (
            _layers(report)["src/model.ts"] == "repositories"
        )  # its code reads the store, whatever its name
        assert _violations(report) == [("bypass", "src/api.ts", "src/model.ts")]
    else:
        assert _layers(report)["src/model.ts"] == "models"
        assert _violations(report) == []


@pytest.mark.parametrize(
    ("name", "layer"),
    [
        ("CreateUserUseCase.ts", "services"),
        ("PetRepository.ts", "repositories"),
        ("LanguageModel.ts", None),  # `Model`, `Router` name more than a layer's class
        ("HttpRouter.ts", None),
    ],
)
def test_pascal_case_class_files(make_project: MakeProject, name: str, layer: str | None) -> None:
    files: dict[str, str | bytes] = {
        "package.json": EXPRESS_TS_PACKAGE,
        f"src/lib/{name}": "export class X {}\n",
    }
    assert _layers(inspect_json(make_project, files)).get(f"src/lib/{name}") == layer


# -- a transaction helper typing the app it works on -----------------------------------------------------------

TRANSACTIONS = """import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';

export async function withTransaction<T>(pool: Pool, work: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work();
    await client.query('COMMIT');
    return result;
  } finally {
    client.release();
  }
}

export const withAppTransaction = <T>(app: FastifyInstance, work: () => Promise<T>) =>
  withTransaction(app.pg as Pool, work);
"""


@pytest.mark.parametrize("typed", ["FastifyInstance", "FastifyInstance, FastifyRequest"])
def test_a_helper_typing_only_the_app_is_read_by_its_data_access(
    make_project: MakeProject, typed: str
) -> None:
    files = _fastify(TAG_HANDLER_CLEAN, **{"src/services/tags.ts": TAG_SERVICE})
    files["src/utils/transactions.ts"] = TRANSACTIONS.replace("FastifyInstance }", f"{typed} }}")
    layer = _layers(inspect_json(make_project, files)).get("src/utils/transactions.ts")
    # the app's type alone says nothing of requests; a request type makes it request-handling code
    assert layer == ("repositories" if typed == "FastifyInstance" else None)
