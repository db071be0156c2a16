"""Layer patterns of the forty-eighth and forty-ninth unseen labelled sets (issue 18, docs/accuracy.md "Layer
disagreements of the forty-eighth and forty-ninth sets"), each with violating and clean projects written for
the test:

- a Python start-up hook that opens the pool and stores it in the app's state through a variable
  (`pool = await aiomysql.create_pool(…)`, `app["db"] = pool`) owns the connection: data access, also where
  it builds data-access classes over the pool to create their tables, and the clean-up hook taking the pool
  back from the state (`pool = app["db"]`) holds it; one that also builds a service over it still wires;
- a module importing `aiohttp.web` only to type the app it is handed, whose only calls of it are calls on
  that app (`app["db"].close()`, traced `aiohttp.web.Application().close`), handles no request;
- a hand-run Python program in a package (`if __name__ == "__main__":`) importing a settings module that only
  holds the server's port among its values is a script, in no layer; one importing the module building the app
  keeps its layer;
- a Fastify plugin registering @fastify/mongodb (or @fastify/mysql) stores a database client on the app.
"""

from __future__ import annotations

import json

from reports import MakeProject, inspect_json

ROUTES = """from aiohttp import web

from blog.store import posts


async def list_posts(request: web.Request) -> web.Response:
    async with request.app["db"].acquire() as connection:
        return web.json_response(await posts.all_posts(connection))


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/posts", list_posts)
"""
POSTS = """async def all_posts(connection):
    async with connection.cursor() as cursor:
        await cursor.execute("SELECT id, title FROM posts")
        return await cursor.fetchall()
"""
MAIN = """import aiohttp.web

from blog.pool import close_pool, open_pool
from blog.routes import setup_routes


def make_app() -> aiohttp.web.Application:
    app = aiohttp.web.Application()
    app.on_startup.append(open_pool)
    app.on_cleanup.append(close_pool)
    setup_routes(app)
    return app


if __name__ == "__main__":
    aiohttp.web.run_app(make_app(), port=8080)
"""
# the pool's start-up and clean-up hooks, the app typed through the module import
POOL = """import aiohttp.web
import aiomysql


async def open_pool(app: aiohttp.web.Application) -> None:
    pool = await aiomysql.create_pool(host="localhost", db="blog", autocommit=True)
    app["db"] = pool


async def close_pool(app: aiohttp.web.Application) -> None:
    app["db"].close()
    await app["db"].wait_closed()
"""


def _blog(pool: str = POOL) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\naiomysql\n",
        "blog/__init__.py": "",
        "blog/main.py": MAIN,
        "blog/routes.py": ROUTES,
        "blog/pool.py": pool,
        "blog/store/__init__.py": "",
        "blog/store/posts.py": POSTS,
    }


def test_a_pool_hook_typing_the_app_through_the_module_is_data_access(make_project: MakeProject) -> None:
    architecture = inspect_json(make_project, _blog())["architecture"]
    assert architecture["files"].get("blog/pool.py") == "repositories"
    assert architecture["evidence"]["blog/pool.py"] == "code: queries"
    assert "blog/pool.py" not in architecture["composition_roots"]


def test_a_hook_calling_the_request_api_still_handles_requests(make_project: MakeProject) -> None:
    handling = POOL.replace(
        '    app["db"] = pool\n',
        '    app["db"] = pool\n\n\nasync def ping(request):\n    return aiohttp.web.json_response({"ok": True})\n',
    )
    architecture = inspect_json(make_project, _blog(handling))["architecture"]
    assert "blog/pool.py" not in architecture["files"]


# the start-up hook of the other shape: a package `db/` of repository classes, the hook opening the pool from
# the environment, running each repository's table creation and storing the pool; the clean-up hook apart
STARTUP = """from aiohttp.web import Application
import aiopg
from os import getenv

from .NoteRepository import NoteRepository
from .TagRepository import TagRepository


async def on_startup(app: Application):
    dsn = "dbname={} host={}".format(getenv("PG_NAME"), getenv("PG_HOST"))
    pool = await aiopg.create_pool(dsn=dsn)
    await NoteRepository(pool).create_table()
    await TagRepository(pool).create_table()
    app["pool"] = pool
"""
CLEANUP = """from aiohttp.web import Application


async def on_cleanup(app: Application):
    pool = app["pool"]
    pool.terminate()
    await pool.wait_closed()
"""
REPOSITORY = """class {name}Repository:
    def __init__(self, pool):
        self.pool = pool

    async def create_table(self):
        async with self.pool.acquire() as connection:
            async with connection.cursor() as cursor:
                await cursor.execute("CREATE TABLE IF NOT EXISTS {table} (id serial PRIMARY KEY)")

    async def count(self):
        async with self.pool.acquire() as connection:
            async with connection.cursor() as cursor:
                await cursor.execute("SELECT count(*) FROM {table}")
                return (await cursor.fetchone())[0]
"""
SERVICE = """class NoteService:
    def __init__(self, notes):
        self.notes = notes

    async def count(self):
        return await self.notes.count()
"""
CONTROLLER = """from aiohttp import web

from app.db.NoteRepository import NoteRepository


async def count(request: web.Request) -> web.Response:
    return web.json_response({"notes": await NoteRepository(request.app["pool"]).count()})
"""
SERVER = """import aiohttp.web

import app.NoteController as Notes
from app.db.startup import on_startup
from app.db.cleanup import on_cleanup

app = aiohttp.web.Application()
app.router.add_get("/notes/count", Notes.count)
app.on_startup.append(on_startup)
app.on_cleanup.append(on_cleanup)
aiohttp.web.run_app(app, port=8080)
"""


def _notes(startup: str = STARTUP) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\naiopg\n",
        "server.py": SERVER,
        "app/__init__.py": "",
        "app/NoteController.py": CONTROLLER,
        "app/NoteService.py": SERVICE,
        "app/db/__init__.py": "",
        "app/db/NoteRepository.py": REPOSITORY.format(name="Note", table="notes"),
        "app/db/TagRepository.py": REPOSITORY.format(name="Tag", table="tags"),
        "app/db/startup.py": startup,
        "app/db/cleanup.py": CLEANUP,
    }


def test_a_startup_hook_storing_the_pool_in_the_app_state_is_data_access(make_project: MakeProject) -> None:
    architecture = inspect_json(make_project, _notes())["architecture"]
    assert architecture["files"].get("app/db/startup.py") == "repositories"
    assert "app/db/startup.py" not in architecture["composition_roots"]
    assert architecture["files"].get("app/db/cleanup.py") == "repositories"  # takes the pool from the state


def test_a_startup_hook_building_a_service_over_the_pool_still_wires(make_project: MakeProject) -> None:
    wiring = STARTUP.replace(
        "from .TagRepository import TagRepository\n",
        "from .TagRepository import TagRepository\nfrom app.NoteService import NoteService\n",
    ).replace(
        '    app["pool"] = pool\n',
        '    app["pool"] = pool\n    app["notes"] = NoteService(NoteRepository(pool))\n',
    )
    architecture = inspect_json(make_project, _notes(wiring))["architecture"]
    assert "app/db/startup.py" not in architecture["files"]
    assert "app/db/startup.py" in architecture["composition_roots"]


def test_a_hook_storing_no_client_keeps_no_layer(make_project: MakeProject) -> None:
    files = _notes()
    files["app/db/cleanup.py"] = CLEANUP.replace('app["pool"]', 'app["settings"]')
    architecture = inspect_json(make_project, files)["architecture"]
    assert "app/db/cleanup.py" not in architecture["files"]


# a hand-run initialisation script beside the package, importing the settings module that holds the port
SETTINGS = """import os

DB_HOST = os.getenv("DB_HOST")
DB_NAME = os.getenv("DB_NAME")
SERVER_PORT = int(os.getenv("SERVER_PORT")) if os.getenv("SERVER_PORT") else 5000
"""
INIT_DB = """import asyncio

import aiomysql

from blog.settings import DB_HOST, DB_NAME


async def main() -> None:
    connection = await aiomysql.connect(host=DB_HOST, db=DB_NAME, autocommit=True)
    async with connection.cursor() as cursor:
        await cursor.execute("CREATE TABLE posts (id INT PRIMARY KEY, title TEXT)")
    connection.close()


if __name__ == "__main__":
    asyncio.run(main())
"""


def _with_init(init: str = INIT_DB) -> dict[str, str | bytes]:
    files = _blog()
    files["blog/settings.py"] = SETTINGS
    files["blog/main.py"] = MAIN.replace("port=8080", "port=settings.SERVER_PORT").replace(
        "from blog.routes import setup_routes\n",
        "from blog.routes import setup_routes\nfrom blog import settings\n",
    )
    files["initialization/__init__.py"] = ""
    files["initialization/init_db.py"] = init
    return files


def test_an_init_script_importing_the_port_settings_is_a_script(make_project: MakeProject) -> None:
    architecture = inspect_json(make_project, _with_init())["architecture"]
    assert "initialization/init_db.py" not in architecture["files"]
    assert architecture["evidence"]["initialization/init_db.py"] == "command-line script"
    assert "blog/settings.py" in architecture["composition_roots"]  # unchanged: a Python port constant


def test_an_init_script_importing_the_app_module_keeps_its_layer(make_project: MakeProject) -> None:
    importing_app = INIT_DB.replace(
        "import aiomysql\n", "import aiomysql\n\nfrom blog import main as _main\n"
    )
    architecture = inspect_json(make_project, _with_init(importing_app))["architecture"]
    assert architecture["files"].get("initialization/init_db.py") == "repositories"


# a Fastify plugin registering the MongoDB plugin, and a repository plugin over the decoration
INDEX = """import Fastify from "fastify";
import app from "./app.js";

const fastify = Fastify();
fastify.register(app);
fastify.listen({ port: 3000 });
"""
APP = """import fp from "fastify-plugin";
import { databasePlugin } from "./lib/databasePlugin.js";
import repositoryPlugin from "./repositories/repositoryPlugin.js";
import { noteRoutes } from "./routes/notes.routes.js";

export default fp(async function (fastify) {
  await fastify.register(databasePlugin);
  await fastify.register(repositoryPlugin);
  await fastify.register(noteRoutes, { prefix: "/notes" });
});
"""
DATABASE_PLUGIN = """import fp from "fastify-plugin";
import PLUGIN from "PACKAGE";

export const databasePlugin = fp(async function (fastify) {
  fastify.register(PLUGIN, { url: process.env.DATABASE_URL });
});
"""
NOTE_REPOSITORY = """export default class NoteRepository {
  constructor(client) {
    this.client = client;
  }
  all() {
    return this.client.db.collection("notes").find({}).toArray();
  }
}
"""
REPOSITORY_PLUGIN = """import fp from "fastify-plugin";
import NoteRepository from "./note.repository.js";

export default fp(async (fastify) => {
  fastify.decorate("notes", new NoteRepository(fastify.mongo));
});
"""
NOTE_ROUTES = """export async function noteRoutes(fastify) {
  fastify.get("/", async () => fastify.notes.all());
}
"""


def _fastify(package: str, plugin: str = "databaseClient") -> dict[str, str | bytes]:
    return {
        "package.json": json.dumps(
            {"type": "module", "dependencies": {"fastify": "^5.0.0", package: "^1.0.0"}}
        ),
        "src/index.js": INDEX,
        "src/app.js": APP,
        "src/lib/databasePlugin.js": DATABASE_PLUGIN.replace("PLUGIN", plugin).replace("PACKAGE", package),
        "src/repositories/note.repository.js": NOTE_REPOSITORY,
        "src/repositories/repositoryPlugin.js": REPOSITORY_PLUGIN,
        "src/routes/notes.routes.js": NOTE_ROUTES,
    }


def test_a_plugin_registering_the_mongodb_plugin_stores_a_client(make_project: MakeProject) -> None:
    for package in ("@fastify/mongodb", "@fastify/mysql"):
        architecture = inspect_json(make_project, _fastify(package))["architecture"]
        assert architecture["files"].get("src/lib/databasePlugin.js") == "repositories", package


def test_a_plugin_registering_another_plugin_stores_none(make_project: MakeProject) -> None:
    architecture = inspect_json(make_project, _fastify("@fastify/cors"))["architecture"]
    assert "src/lib/databasePlugin.js" not in architecture["files"]
