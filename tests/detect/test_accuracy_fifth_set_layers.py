"""Layer patterns of the fifth unseen labelled set (issue 18, docs/accuracy.md "A fifth unseen set"), each
with a violating (or missed) case and a clean one, on small projects written for the tests:

- request handlers a router registers by name (`Router.get("/v1/users", User.getAll)`, through a
  re-exporting `core/index.js`) in a folder naming no layer are routes, and their import of the module
  owning the Mongoose connection is a bypass; a middleware module handed before the handler is no routes;
- a script the package.json runs with nodemon is in no layer;
- an aiohttp app file that adds the views of a module named `routes.py` wires the app (composition root):
  its import of the pool's module is no bypass; an app file whose own handlers call the data access stays
  the routes layer.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json


def _layers(report: dict[str, Any]) -> dict[str, str]:
    files: dict[str, str] = report["architecture"]["files"]
    return files


def _violations(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((v["kind"], v["file"], v["target"]) for v in report["architecture"]["violations"])


# -- ctx handlers in core/ that a koa-router registers ---------------------------------------------------

KOA_PACKAGE = """{"name": "trips", "scripts": {"start": "nodemon index.js", "fake": "nodemon fake.js --exec babel-node"},
 "dependencies": {"koa": "2", "koa-router": "7", "mongoose": "5"}}"""
KOA_INDEX = """import Koa from 'koa';
import routes from './routes';

const app = new Koa();
app.use(routes.routes());
app.listen(3000);
"""
KOA_ROUTES = """import KoaRouter from 'koa-router';
import { Trip } from '../core';
import auth from '../utils/auth';

const Router = new KoaRouter();

Router.get('/v1/trips', auth.required, Trip.getAll);
Router.post('/v1/trips', auth.required, Trip.create);

export default Router;
"""
CORE_INDEX = """import Trip from './trip';

export {
    Trip
}
"""
CORE_TRIP = """import TripSchema from '../models/trip';
import Database from '../utils/connection';

const Trip = Database.model('Trip', TripSchema);

export default {
    getAll: async (ctx) => {
        ctx.body = await Trip.find({});
    },
    create: async (ctx) => {
        ctx.body = await Trip.create(ctx.request.body);
    },
};
"""
CORE_TRIP_CLEAN = """import trips from '../services/trips';

export default {
    getAll: async (ctx) => {
        ctx.body = await trips.all();
    },
    create: async (ctx) => {
        ctx.body = await trips.add(ctx.request.body);
    },
};
"""
TRIPS_REPOSITORY = """import TripSchema from '../models/trip';
import Database from '../utils/connection';

const Trip = Database.model('Trip', TripSchema);

export default {
    all: () => Trip.find({}),
    add: (trip) => Trip.create(trip),
};
"""
TRIPS_SERVICE = """import repository from '../repositories/trips';

export default {
    all: () => repository.all(),
    add: (trip) => repository.add({ ...trip, starts: new Date(trip.starts) }),
};
"""
MODEL = """import Mongoose from 'mongoose';

export default new Mongoose.Schema({ name: String, starts: Date });
"""
CONNECTION = """import Mongoose from 'mongoose';

export default Mongoose.createConnection(process.env.DB_URL || 'mongodb://localhost/trips');
"""
AUTH = """export default {
    required: async (ctx, next) => {
        if (!ctx.headers.authorization) ctx.throw(401);
        await next();
    },
};
"""
FAKE = """import Database from './utils/connection';
import TripSchema from './models/trip';

const Trip = Database.model('Trip', TripSchema);
Trip.create({ name: 'fake', starts: new Date() }).then(() => process.exit(0));
"""


def _koa(trip: str, **more: str) -> dict[str, str | bytes]:
    return {
        "package.json": KOA_PACKAGE,
        "index.js": KOA_INDEX,
        "routes/index.js": KOA_ROUTES,
        "core/index.js": CORE_INDEX,
        "core/trip.js": trip,
        "models/trip.js": MODEL,
        "utils/connection.js": CONNECTION,
        "utils/auth.js": AUTH,
        "fake.js": FAKE,
        **more,
    }


def test_ctx_handlers_in_core_reaching_the_connection_are_bypasses(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _koa(CORE_TRIP))
    layers = _layers(report)
    assert layers["core/trip.js"] == "routes"  # handlers the router registers through core/index.js
    assert layers["utils/connection.js"] == "repositories"  # it creates the Mongoose connection
    assert report["architecture"]["evidence"]["utils/connection.js"] == "code: queries"
    assert ("bypass", "core/trip.js", "utils/connection.js") in _violations(report)
    assert "utils/auth.js" not in layers  # a middleware handed before the handler handles no route
    assert "core/index.js" not in layers  # the re-exporting index
    assert "fake.js" not in layers  # a script `nodemon fake.js` runs


CLEAN = {"services/trips.js": TRIPS_SERVICE, "repositories/trips.js": TRIPS_REPOSITORY}


def test_ctx_handlers_going_through_a_service_break_nothing(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _koa(CORE_TRIP_CLEAN, **CLEAN))
    layers = _layers(report)
    assert layers["core/trip.js"] == "routes"
    assert layers["services/trips.js"] == "services"
    assert layers["repositories/trips.js"] == "repositories"
    assert _violations(report) == []


def test_handlers_a_call_wraps_give_their_module_no_layer(make_project: MakeProject) -> None:
    # `wrap(Trip.getAll)` hands the router the result of a call: its module is not read as handlers
    wrapped = KOA_ROUTES.replace("auth.required, Trip.getAll", "auth.wrap(Trip.getAll)").replace(
        "auth.required, Trip.create", "auth.wrap(Trip.create)"
    )
    files = _koa(CORE_TRIP_CLEAN, **CLEAN, **{"routes/index.js": wrapped})
    files["utils/auth.js"] = "export default { wrap: (handler) => async (ctx) => handler(ctx) };\n"
    assert "core/trip.js" not in _layers(inspect_json(make_project, files))


# -- an aiohttp app file adding the views of a routes module --------------------------------------------

AIOHTTP_MAIN = """from aiohttp import web

from connect_db import ConnectDb
from notes.routes import NoteView, NotesView


def setup_routes(app):
    app.router.add_view("/notes", NotesView)
    app.router.add_view("/notes/{id}", NoteView)


def setup_db(app):
    db = ConnectDb()
    app.on_startup.append(db.create_pool)
    app.on_cleanup.append(db.close_pool)


if __name__ == "__main__":
    app = web.Application()
    setup_db(app)
    setup_routes(app)
    web.run_app(app, port=8001)
"""
CONNECT_DB = """import asyncpg
from aiohttp.web_app import Application


class ConnectDb:
    async def create_pool(self, app: Application):
        app["pool"] = await asyncpg.create_pool(database="notes", user="notes")

    async def close_pool(self, app: Application):
        await app["pool"].close()
"""
NOTES_ROUTES = """from aiohttp import web

from notes.repositories import NoteRepository


class NotesView(web.View):
    async def get(self):
        rows = await NoteRepository(self.request.app["pool"]).all()
        return web.json_response([dict(row) for row in rows])


class NoteView(web.View):
    async def get(self):
        row = await NoteRepository(self.request.app["pool"]).one(int(self.request.match_info["id"]))
        return web.json_response(dict(row))
"""
NOTES_REPOSITORY = """class NoteRepository:
    def __init__(self, pool):
        self.pool = pool

    async def all(self):
        async with self.pool.acquire() as connection:
            return await connection.fetch("SELECT id, body FROM notes")

    async def one(self, note_id):
        async with self.pool.acquire() as connection:
            return await connection.fetchrow("SELECT id, body FROM notes WHERE id = $1", note_id)
"""
OWN_ROUTES_MAIN = """from aiohttp import web

from connect_db import ConnectDb
from notes.repositories import NoteRepository


async def list_notes(request):
    rows = await NoteRepository(request.app["pool"]).all()
    return web.json_response([dict(row) for row in rows])


async def show_note(request):
    row = await NoteRepository(request.app["pool"]).one(int(request.match_info["id"]))
    return web.json_response(dict(row))


async def count_notes(request):
    rows = await NoteRepository(request.app["pool"]).all()
    return web.json_response({"count": len(rows)})


if __name__ == "__main__":
    app = web.Application()
    db = ConnectDb()
    app.on_startup.append(db.create_pool)
    app.router.add_get("/notes", list_notes)
    app.router.add_get("/notes/{id}", show_note)
    app.router.add_get("/count", count_notes)
    web.run_app(app, port=8001)
"""


def _aiohttp(main: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\nasyncpg\n",
        "src/main.py": main,
        "src/connect_db.py": CONNECT_DB,
        "src/notes/__init__.py": "",
        "src/notes/routes.py": NOTES_ROUTES,
        "src/notes/repositories.py": NOTES_REPOSITORY,
    }


def test_an_app_file_adding_the_views_of_a_routes_module_is_the_root(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _aiohttp(AIOHTTP_MAIN))
    assert "src/main.py" in report["architecture"]["composition_roots"]
    assert "src/main.py" not in _layers(report)
    assert _layers(report)["src/notes/routes.py"] == "routes"
    # wiring the pool is no bypass; the views querying through the repository without a service are
    assert _violations(report) == [("bypass", "src/notes/routes.py", "src/notes/repositories.py")]


def test_an_app_file_with_its_own_handlers_stays_routes(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _aiohttp(OWN_ROUTES_MAIN))
    assert "src/main.py" not in report["architecture"]["composition_roots"]
    assert _layers(report)["src/main.py"] == "routes"
    assert ("bypass", "src/main.py", "src/connect_db.py") in _violations(report)


# -- a dependency-injection container placed by its file name --------------------------------------------

DI_PACKAGE = '{"name": "todos", "scripts": {"db:migrate": "ts-node src/db/migrate.ts"}, "dependencies": {"fastify": "4", "pg": "8"}}'
DI_SERVER = """import Fastify from 'fastify';
import { todoRoutes } from './routes/todos.js';

const app = Fastify();
app.register(todoRoutes, { prefix: '/todos' });
app.listen({ port: 3000 });
"""
DI_ROUTES = """import type { FastifyInstance } from 'fastify';
import { createTodoController } from '../controllers/todoController.js';
import { createTodoService } from '../services/todoService.js';

export async function todoRoutes(app: FastifyInstance) {
  const controller = createTodoController(createTodoService());
  app.get('/', controller.list);
}
"""
DI_CONTROLLER = """import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TodoService } from '../services/todoService.js';

export function createTodoController(service: TodoService) {
  return {
    list: async (_request: FastifyRequest, reply: FastifyReply) => reply.send(await service.list()),
  };
}
"""
DI_SERVICE = """import { createTodoRepository } from '../repositories/todoRepository.js';

export type TodoService = ReturnType<typeof createTodoService>;

export function createTodoService(repository = createTodoRepository()) {
  return { list: () => repository.all() };
}
"""
DI_REPOSITORY = """import { pool } from '../db/index.js';

export function createTodoRepository() {
  return { all: async () => (await pool.query('SELECT id, title FROM todos')).rows };
}
"""
DI_DB = """import { Pool } from 'pg';

export const pool = new Pool({ connectionString: 'postgres://todos@localhost/todos' });
"""
DI_CONTAINER = """import { createTodoRepository } from '../repositories/todoRepository.js';
import { createTodoService } from '../services/todoService.js';
import { createTodoController } from '../controllers/todoController.js';

const registry = new Map<string, unknown>();

export function registerServices(): void {
  const service = createTodoService(createTodoRepository());
  registry.set('todoService', service);
  registry.set('todoController', createTodoController(service));
}
"""
# a service that raises the controllers' errors: an upward import, no wiring
UPWARD_SERVICE = """import { createTodoRepository } from '../repositories/todoRepository.js';
import { TodoNotFoundError } from '../controllers/errors.js';
import { createTodoService } from './todoService.js';

export function createArchiveService() {
  const repository = createTodoRepository();
  const todos = createTodoService(repository);
  return {
    first: async () => {
      const [todo] = await todos.list();
      if (!todo) throw new TodoNotFoundError();
      return todo;
    },
  };
}
"""
MIGRATE = """import { Pool } from 'pg';

export async function migrate(url = process.env.DATABASE_URL): Promise<void> {
  const pool = new Pool({ connectionString: url });
  await pool.query('CREATE TABLE IF NOT EXISTS todos (id serial PRIMARY KEY, title text)');
  await pool.end();
}

migrate();
"""
TEST_HELPER = """import { migrate } from '../../src/db/migrate.js';

export const setUp = () => migrate('postgres://todos@localhost/todos_test');
"""


def _di(**more: str) -> dict[str, str | bytes]:
    return {
        "package.json": DI_PACKAGE,
        "src/server.ts": DI_SERVER,
        "src/routes/todos.ts": DI_ROUTES,
        "src/controllers/todoController.ts": DI_CONTROLLER,
        "src/controllers/errors.ts": "export class TodoNotFoundError extends Error {}\n",
        "src/services/todoService.ts": DI_SERVICE,
        "src/repositories/todoRepository.ts": DI_REPOSITORY,
        "src/db/index.ts": DI_DB,
        "src/db/migrate.ts": MIGRATE,
        "tests/helpers/db.ts": TEST_HELPER,
        **more,
    }


def test_a_di_container_named_services_is_a_composition_root(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _di(**{"src/di/services.ts": DI_CONTAINER}))
    assert "src/di/services.ts" in report["architecture"]["composition_roots"]
    assert "src/di/services.ts" not in _layers(report)
    assert _violations(report) == []  # building the controllers is no upward import
    assert "src/db/migrate.ts" not in _layers(report)  # the package script a test helper also imports


def test_a_service_importing_only_an_error_of_the_controllers_stays_a_service(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _di(**{"src/archive/archive.service.ts": UPWARD_SERVICE}))
    assert _layers(report)["src/archive/archive.service.ts"] == "services"
    assert ("upward", "src/archive/archive.service.ts", "src/controllers/errors.ts") in _violations(report)


# -- scripts at a Python project's top ---------------------------------------------------------------------

SERVER_MAIN = """from aiohttp import web

from server.views import index


def main():
    app = web.Application()
    app.router.add_get("/", index)
    web.run_app(app)
"""
SERVER_DB = """from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine("sqlite:///numbers.db")
session = sessionmaker(bind=engine)()
"""
SERVER_MODELS = """from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Number(Base):
    __tablename__ = "numbers"
    id = Column(Integer, primary_key=True)
    value = Column(Integer)
"""
SERVER_VIEWS = """from aiohttp import web

from server.db import session
from server.models import Number


async def index(request):
    return web.json_response([n.value for n in session.query(Number).all()])
"""
START = """from server import main
from server.db import session

if __name__ == "__main__":
    main.main()
    session.close()
"""
SEED = """from server.db import session
from server.models import Number

for value in range(10):
    session.add(Number(value=value))
session.commit()
"""


def _top(**more: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\nsqlalchemy\n",
        "server/__init__.py": "",
        "server/main.py": SERVER_MAIN,
        "server/db.py": SERVER_DB,
        "server/models.py": SERVER_MODELS,
        "server/views.py": SERVER_VIEWS,
        "start_server.py": START,
        "seed.py": SEED,
        **more,
    }


def test_top_level_scripts_are_in_no_layer(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _top())
    layers = _layers(report)
    assert "start_server.py" not in layers  # it closes the session the app package opened
    assert report["architecture"]["evidence"]["start_server.py"] == "command-line script"
    assert "seed.py" not in layers
    assert layers["server/db.py"] == "repositories"


def test_a_top_level_module_the_app_imports_keeps_its_layer(make_project: MakeProject) -> None:
    # the session module moved to the top, imported by the views: data access
    files = _top(**{"database.py": SERVER_DB})
    del files["server/db.py"]
    for path in ("server/views.py", "start_server.py", "seed.py"):
        files[path] = str(files[path]).replace("from server.db import", "from database import")
    report = inspect_json(make_project, files)
    assert _layers(report)["database.py"] == "repositories"
    assert ("bypass", "server/views.py", "database.py") in _violations(report)


# -- a barrel of table modules ----------------------------------------------------------------------------

USERS_TABLE = """import { pgTable, serial, text } from 'drizzle-orm/pg-core';

export const users = pgTable('users', { id: serial('id').primaryKey(), name: text('name') });
"""
TODOS_TABLE = """import { pgTable, serial, text } from 'drizzle-orm/pg-core';

export const todos = pgTable('todos', { id: serial('id').primaryKey(), title: text('title') });
"""
DRIZZLE_DB = """import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';

export const db = drizzle(new Pool({ connectionString: 'postgres://app@localhost/app' }));
"""


def _barrel(index: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "app", "dependencies": {"fastify": "4", "drizzle-orm": "0.30", "pg": "8"}}',
        "src/db/schema/users.ts": USERS_TABLE,
        "src/db/schema/todos.ts": TODOS_TABLE,
        "src/db/client.ts": DRIZZLE_DB,
        "src/db/schema/index.ts": index,
    }


def test_a_barrel_of_table_modules_is_models(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _barrel("export * from './users';\nexport * from './todos';\n"))
    assert _layers(report)["src/db/schema/index.ts"] == "models"


def test_a_barrel_also_handing_on_the_client_gets_no_layer(make_project: MakeProject) -> None:
    report = inspect_json(
        make_project, _barrel("export * from './users';\nexport { db } from '../client';\n")
    )
    assert "src/db/schema/index.ts" not in _layers(report)


# -- routing-controllers on Koa, a TypeORM connection behind a factory class ----------------------------

RC_PACKAGE = '{"name": "rc", "dependencies": {"koa": "2", "koa-router": "10", "routing-controllers": "0.9", "typeorm": "0.2"}}'
RC_SERVER_FACTORY = """import Router = require('koa-router');
import { createKoaServer } from 'routing-controllers';
import { controllers } from '../controllers';

export class HttpServerFactory {
    async init(): Promise<void> {
        const app = createKoaServer({ controllers });
        const router = new Router();
        router.get('/', async (ctx) => { ctx.body = 'hello'; });
        router.get('/ping', async (ctx) => { ctx.body = 'pong'; });
        router.get('/version', async (ctx) => { ctx.body = '1'; });
        app.use(router.routes());
        app.listen(3000);
    }
}
"""
RC_DB_FACTORY = """import { getConnection } from 'typeorm';

export class DataBaseFactory {
    async synchronize(flush: boolean): Promise<void> {
        await getConnection().synchronize(flush);
    }
}
"""
RC_CONTROLLERS = """import { Get, JsonController } from 'routing-controllers';
import { UserService } from '../services/UserService';

@JsonController('/users')
export class UserController {
    private service = new UserService();

    @Get('/')
    list() {
        return this.service.all();
    }
}

export const controllers = [UserController];
"""
RC_SERVICE = """export class UserService {
    all() {
        return [];
    }
}
"""


def _rc(**more: str) -> dict[str, str | bytes]:
    return {
        "package.json": RC_PACKAGE,
        "src/factories/HttpServerFactory.ts": RC_SERVER_FACTORY,
        "src/factories/DataBaseFactory.ts": RC_DB_FACTORY,
        "src/controllers/index.ts": RC_CONTROLLERS,
        "src/services/UserService.ts": RC_SERVICE,
        **more,
    }


def test_a_routing_controllers_koa_server_factory_is_the_root(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _rc())
    assert "koa" in report["framework"]["serving"]
    assert "src/factories/HttpServerFactory.ts" in report["architecture"]["composition_roots"]
    assert _layers(report)["src/factories/DataBaseFactory.ts"] == "repositories"  # TypeORM's getConnection()


def test_a_koa_server_factory_mounting_no_controllers_is_routes(make_project: MakeProject) -> None:
    own = RC_SERVER_FACTORY.replace("import { controllers } from '../controllers';\n", "").replace(
        "createKoaServer({ controllers })", "createKoaServer({})"
    )
    report = inspect_json(make_project, _rc(**{"src/factories/HttpServerFactory.ts": own}))
    assert "src/factories/HttpServerFactory.ts" not in report["architecture"]["composition_roots"]
    assert _layers(report)["src/factories/HttpServerFactory.ts"] == "routes"


# -- a Fastify plugin decorating the instance with the client --------------------------------------------

PLUGIN_DB = """import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { db, pool } from '../db/client.js';

export default fp(async (fastify: FastifyInstance) => {
  fastify.decorate('db', db);
  fastify.addHook('onClose', async () => pool.end());
});
"""
PLUGIN_MAKING_DB = """import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';

export default fp(async (fastify: FastifyInstance) => {
  fastify.decorate('db', drizzle(new Pool({ connectionString: 'postgres://app@localhost/app' })));
});
"""
PLUGIN_CONFIG = """import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { settings } from '../config.js';

export default fp(async (fastify: FastifyInstance) => {
  fastify.decorate('settings', settings);
});
"""
DB_CLIENT = """import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';

export const pool = new Pool({ connectionString: 'postgres://app@localhost/app' });
export const db = drizzle(pool);
"""
FASTIFY_APP = """import Fastify from 'fastify';
import dbPlugin from './plugins/db.js';
import configPlugin from './plugins/config.js';

const app = Fastify();
app.register(dbPlugin);
app.register(configPlugin);
app.get('/health', async () => ({ ok: true }));
app.listen({ port: 3000 });
"""


def _plugins(db_plugin: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "app", "dependencies": {"fastify": "4", "fastify-plugin": "4", "drizzle-orm": "0.30", "pg": "8"}}',
        "src/app.ts": FASTIFY_APP,
        "src/plugins/db.ts": db_plugin,
        "src/plugins/config.ts": PLUGIN_CONFIG,
        "src/config.ts": "export const settings = { pageSize: 20 };\n",
        "src/db/client.ts": DB_CLIENT,
    }


def test_a_plugin_decorating_the_instance_with_the_client_is_data_access(make_project: MakeProject) -> None:
    for plugin in (PLUGIN_DB, PLUGIN_MAKING_DB):
        report = inspect_json(make_project, _plugins(plugin))
        assert _layers(report)["src/plugins/db.ts"] == "repositories", plugin
        assert report["architecture"]["evidence"]["src/plugins/db.ts"] == "code: queries"


def test_a_plugin_decorating_the_instance_with_settings_gets_no_layer(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _plugins(PLUGIN_DB))
    assert "src/plugins/config.ts" not in _layers(report)
