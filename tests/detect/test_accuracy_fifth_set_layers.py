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
