"""Harness patterns of the forty-eighth to fifty-first unseen labelled sets (issue 18, docs/accuracy.md "The harness
of the forty-eighth to fifty-first sets"), each with a violating case and a clean one, on small projects written
for the tests:

- a module-level read of `os.environ` (also under another name: `from os import environ as env`) in a module the
  entry imports above its `load_dotenv()` call runs before the committed `.env` is loaded: it raises where the
  harness leaves the variable unset, and the app cannot start;
- a Fastify app that registers @fastify/mongodb (or fastify-mongodb) as it starts with a `url` only an unset
  variable gives cannot start: the plugin fails the registration without a url or a client;
- a Cloudflare Worker (`export default app`, wrangler.toml, `"dev": "wrangler dev"`) that starts no server of its
  own does not start where the harness runs the application under Node.
"""

from __future__ import annotations

import pytest
from reports import MakeProject

from cdverify import inspect
from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness

# -- a required read made before load_dotenv() -----------------------------------------------------------------

CONFIG = """import logging
IMPORT


class Config:
    PORT = READ["APP_PORT"]
    DB_HOST = READ["DB_HOST"]
    LOG_LEVEL = logging.INFO
"""
DATABASE = """from sqlalchemy.ext.asyncio import create_async_engine
from config.config import Config

engine = create_async_engine(f"postgresql+asyncpg://user:password@{Config.DB_HOST}:5432/conduit")
"""
MAIN = """from aiohttp import web
from config.config import Config
from database import engine
from dotenv import load_dotenv


def create_app() -> web.Application:
    app = web.Application()
    return app


LOADED_HERE
if __name__ == "__main__":
    LOADED_MAIN
    web.run_app(create_app(), port=int(Config.PORT))
"""
ENV = "APP_PORT=8080\nDB_HOST=db\n"
REQUIREMENTS = "aiohttp\nsqlalchemy\nasyncpg\npython-dotenv\n"


def _aiohttp(
    read: str = "from os import environ as env\n|env",
    here: str = "",
    main: str = "load_dotenv()",
    **more: str,
) -> dict[str, str | bytes]:
    imported, _bar, name = read.partition("|")
    return {
        "config/__init__.py": "",
        "config/config.py": CONFIG.replace("IMPORT", imported).replace("READ", name),
        "database.py": DATABASE,
        "main.py": MAIN.replace("LOADED_HERE", here).replace("LOADED_MAIN", main),
        ".env": ENV,
        "requirements.txt": REQUIREMENTS,
        **more,
    }


def _harness(make_project: MakeProject, files: dict[str, str | bytes]) -> tuple[list[str], str]:
    database = inspect(make_project(files), use_cache=False).analysis.database
    found = in_harness(database, PAPER_ENVIRONMENT)
    return found.engines, found.why_not("postgresql")


@pytest.mark.parametrize(
    ("read", "here", "main"),
    [
        ("from os import environ as env\n|env", "", "load_dotenv()"),  # an alias, loaded under __main__
        ("import os\n|os.environ", "", "load_dotenv()"),
        ("import os as system\n|system.environ", "", "load_dotenv()"),
        ("import os\n|os.environ", "load_dotenv()", "pass"),  # loaded at module level, below the imports
    ],
)
def test_a_required_read_imported_above_load_dotenv_stops_the_app(
    make_project: MakeProject, read: str, here: str, main: str
) -> None:
    engines, why = _harness(make_project, _aiohttp(read, here, main))
    assert engines == []
    assert "PORT = " in why and "raises KeyError at import when $APP_PORT is unset" in why
    assert "before the project's .env is loaded" in why


@pytest.mark.parametrize(
    "files",
    [
        # the config module loads the file itself, above its reads
        _aiohttp(
            "import os\nfrom dotenv import load_dotenv\n\nload_dotenv()\n|os.environ",
            main="pass",
        ),
        # the entry loads it above the import of the config
        {
            **_aiohttp("import os\n|os.environ", main="pass"),
            "main.py": "from dotenv import load_dotenv\nload_dotenv()\n"
            + MAIN.replace("from dotenv import load_dotenv\n", "")
            .replace("LOADED_HERE", "")
            .replace("LOADED_MAIN", "pass"),
        },
        # a loader called in a function: when it runs is not read, the committed .env counts
        _aiohttp("import os\n|os.environ", "def boot():\n    load_dotenv()\n", "boot()"),
    ],
)
def test_a_required_read_after_load_dotenv_sees_the_committed_env(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    assert _harness(make_project, files)[0] == ["postgresql"]


# -- @fastify/mongodb registered without its url ----------------------------------------------------------------

FASTIFY_PACKAGE = '{"name": "api", "type": "module", "dependencies": {"fastify": "5", "PLUGIN": "9"}}'
SERVER = """import Fastify from 'fastify';
import mongo from 'PLUGIN';

const app = Fastify();
app.register(mongo, { forceClose: true, url: URL });
app.get('/api/health', async () => ({ ok: true }));
app.listen({ port: 3000, host: '0.0.0.0' });
"""


def _mongo(plugin: str, url: str) -> dict[str, str | bytes]:
    return {
        "package.json": FASTIFY_PACKAGE.replace("PLUGIN", plugin),
        "src/server.js": SERVER.replace("PLUGIN", plugin).replace("URL", url),
    }


def _mongo_stops(make_project: MakeProject, plugin: str, url: str) -> list[str]:
    """The start-up stops of the project that fail it in the paper's harness (no variables)."""
    database = inspect(make_project(_mongo(plugin, url)), use_cache=False).analysis.database
    return [stop.describe() for stop in database.stops if stop.stops({})]


@pytest.mark.parametrize("plugin", ["@fastify/mongodb", "fastify-mongodb"])
def test_fastify_mongodb_registered_at_start_up_without_its_url_stops_the_app(
    make_project: MakeProject, plugin: str
) -> None:
    (stop,) = _mongo_stops(make_project, plugin, "process.env.MONGODB_URI")
    assert (
        "@fastify/mongodb fails the start-up with `url` parameter is mandatory when $MONGODB_URI is unset"
        in stop
    )
    assert "src/server.js:5" in stop


@pytest.mark.parametrize(
    "url",
    [
        "process.env.MONGODB_URI || 'mongodb://localhost:27017/todos'",  # a fallback in code
        "'mongodb://localhost:27017/todos'",  # no variable at all
    ],
)
def test_fastify_mongodb_with_a_url_registers(make_project: MakeProject, url: str) -> None:
    assert _mongo_stops(make_project, "@fastify/mongodb", url) == []


# -- a Cloudflare Worker ------------------------------------------------------------------------------------------

WORKER_PACKAGE = """{
  "name": "todos",
  "scripts": SCRIPTS,
  "dependencies": {"hono": "4", "drizzle-orm": "0.36"},
  "devDependencies": {"wrangler": "3"}
}
"""
WORKER = """import { Hono } from 'hono';
import { drizzle } from 'drizzle-orm/d1';
import { todos } from './schema';

type Bindings = { DB: D1Database };
const app = new Hono<{ Bindings: Bindings }>();

app.get('/api/todos', async (c) => c.json(await drizzle(c.env.DB).select().from(todos)));

export default app;
"""
SCHEMA = """import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core';

export const todos = sqliteTable('todos', { id: integer('id').primaryKey(), title: text('title') });
"""
NODE_SERVER = """import { serve } from '@hono/node-server';
import app from './index';

serve({ fetch: app.fetch, port: 3000 });
"""
WRANGLER = (
    'name = "todos"\nmain = "src/index.ts"\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "todos"\n'
)


def _worker(scripts: str, **more: str) -> dict[str, str | bytes]:
    return {
        "package.json": WORKER_PACKAGE.replace("SCRIPTS", scripts),
        "wrangler.toml": WRANGLER,
        "src/index.ts": WORKER,
        "src/schema.ts": SCHEMA,
        **more,
    }


def _worker_stops(make_project: MakeProject, files: dict[str, str | bytes]) -> list[str]:
    database = inspect(make_project(files), use_cache=False).analysis.database
    return [stop.describe() for stop in database.stops if stop.stops({})]


@pytest.mark.parametrize(
    "scripts",
    [
        '{"dev": "wrangler dev", "deploy": "wrangler deploy --minify"}',
        '{"dev": "npm run seed && wrangler dev", "start": "wrangler dev --port 3000"}',
    ],
)
def test_a_cloudflare_worker_starts_no_server_under_node(make_project: MakeProject, scripts: str) -> None:
    (stop,) = _worker_stops(make_project, _worker(scripts))
    assert (
        "runs Cloudflare Workers (wrangler) (wrangler.toml): the application starts no server of its own"
        in stop
    )


@pytest.mark.parametrize(
    "files",
    [
        # a Node entry the start script runs, serving the same app
        _worker('{"dev": "wrangler dev", "start": "tsx src/server.ts"}', **{"src/server.ts": NODE_SERVER}),
        # a Node server in the code, whatever the scripts say
        _worker('{"dev": "wrangler dev"}', **{"src/server.ts": NODE_SERVER}),
        # a run script decides how the application starts
        _worker('{"dev": "wrangler dev"}', **{"run.sh": "#!/bin/sh\nnpx tsx src/server.ts\n"}),
        # no wrangler configuration: the scripts alone say nothing
        {name: text for name, text in _worker('{"dev": "wrangler dev"}').items() if name != "wrangler.toml"},
    ],
)
def test_a_worker_with_a_node_server_or_a_run_script_is_no_stop(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    assert _worker_stops(make_project, files) == []
