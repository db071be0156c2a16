"""Patterns of the twenty-second unseen labelled set (issue 18, docs/accuracy.md "The twenty-second set's Python
and Koa disagreements"), each with a violating and a clean project written for the test:

- a route's own handler that hands the request on, whole, to functions of flat project modules (a catch-all
  aiohttp handler dispatching `catalog.main(request)` by path) makes those modules request handlers (routes), and
  the app file keeps its handler role: its import of the data-access module stays a bypass; a value read off
  the request (`request.query`) handed to a module makes no handler of it;
- a CommonJS barrel that requires data-access modules and exports only what they give (`module.exports = {
  getUser }`) is data access, as an `export … from` barrel is; one exporting a value of its own is not.
"""

from __future__ import annotations

import pytest
from reports import (
    FLASK_POSTGRES_TASK,
    MakeProject,
    check,
    database_status,
    flask_postgres_app,
    inspect_json,
    only,
)
from reports import layer_violations as _violations
from reports import layers_of as _layers

# -- a catch-all handler dispatching to handler modules -----------------------------------------------------

DISPATCH_REQUIREMENTS = "aiohttp==3.9.0\nasyncpg==0.29.0\n"
DISPATCH_STORAGE = """import asyncpg


async def open_pool():
    return await asyncpg.create_pool(host="localhost", database="shop", user="shop")


async def wipe(pool):
    await pool.execute("DELETE FROM product")
"""
DISPATCH_SERVER = """from aiohttp import web

import catalog
import storage
import welcome


async def on_start(app):
    app["pool"] = await storage.open_pool()


async def dispatch(request):
    where = request.match_info.get("tail", "")
    if where == "products/":
        return await catalog.main(ARGUMENT)
    if where == "wipe/":
        await storage.wipe(request.app["pool"])
        return web.Response(text="wiped")
    return await welcome.main(request)


app = web.Application()
app.router.add_route("*", "/{tail:.*}", dispatch)
app.on_startup.append(on_start)
web.run_app(app)
"""
DISPATCH_CATALOG = """from aiohttp import web


async def main(request):
    rows = await request.app["pool"].fetch("SELECT id, title FROM product")
    return web.json_response([dict(row) for row in rows])
"""
DISPATCH_WELCOME = """from aiohttp import web


async def main(request):
    return web.Response(text="shop")
"""


def _dispatching_app(argument: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": DISPATCH_REQUIREMENTS,
        "server.py": DISPATCH_SERVER.replace("ARGUMENT", argument),
        "storage.py": DISPATCH_STORAGE,
        "catalog.py": DISPATCH_CATALOG,
        "welcome.py": DISPATCH_WELCOME,
    }


def test_modules_a_catch_all_handler_hands_the_request_to_are_routes(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _dispatching_app("request"))
    layers = _layers(report)
    assert layers["catalog.py"] == "routes"
    assert layers["welcome.py"] == "routes"
    # the app file answers every request through its own handler: routes, not a composition root
    assert layers["server.py"] == "routes"
    assert layers["storage.py"] == "repositories"
    assert _violations(report) == [("bypass", "server.py", "storage.py")]


def test_a_value_read_off_the_request_makes_no_handler(make_project: MakeProject) -> None:
    files = _dispatching_app("request.query")
    files["catalog.py"] = DISPATCH_CATALOG.replace("async def main(request)", "async def main(query)")
    layers = _layers(inspect_json(make_project, files))
    assert "catalog.py" not in layers
    assert layers["welcome.py"] == "routes"


# -- a CommonJS barrel of data-access modules ------------------------------------------------------------------

BARREL_PACKAGE = '{"name": "staff", "dependencies": {"koa": "2", "koa-router": "10", "knex": "2", "pg": "8"}}'
BARREL_KNEX = """const knex = require('knex');

module.exports = knex({ client: 'pg', connection: 'postgres://localhost/staff' });
"""
BARREL_FIND = """const db = require('../../db/knex');

const findPerson = (email) => db('people').where({ email }).first();

module.exports = { findPerson };
"""
BARREL_ADD = """const db = require('../../db/knex');

const addPerson = (person) => db('people').insert(person);

module.exports = { addPerson };
"""
BARREL_INDEX = """const { findPerson } = require('./findPerson');
const { addPerson } = require('./addPerson');

module.exports = {
  findPerson,
  addPerson,EXTRA
};
"""
BARREL_SERVICE = """const store = require('../lookups/index');

const enrol = async (person) => {
  if (await store.findPerson(person.email)) throw new Error('taken');
  return store.addPerson(person);
};

module.exports = { enrol };
"""
BARREL_ROUTER = """const Router = require('koa-router');
const { enrol } = require('../services/enrol');

const router = new Router();
router.post('/people', async (ctx) => {
  ctx.body = await enrol(ctx.request.body);
});

module.exports = router;
"""
BARREL_APP = """const Koa = require('koa');
const router = require('./src/people/routes/people');

const app = new Koa();
app.use(router.routes());
app.listen(3000);
"""


@pytest.mark.parametrize(("extra", "layer"), [("", "repositories"), ("\n  pageSize: 20,", None)])
def test_a_commonjs_barrel_of_data_access(make_project: MakeProject, extra: str, layer: str | None) -> None:
    files: dict[str, str | bytes] = {
        "package.json": BARREL_PACKAGE,
        "app.js": BARREL_APP,
        "src/db/knex.js": BARREL_KNEX,
        "src/people/lookups/findPerson.js": BARREL_FIND,
        "src/people/lookups/addPerson.js": BARREL_ADD,
        "src/people/lookups/index.js": BARREL_INDEX.replace("EXTRA", extra),
        "src/people/services/enrol.js": BARREL_SERVICE,
        "src/people/routes/people.js": BARREL_ROUTER,
    }
    layers = _layers(inspect_json(make_project, files))
    assert layers["src/people/lookups/findPerson.js"] == "repositories"
    assert layers.get("src/people/lookups/index.js") == layer


# -- a call that throws on an unset variable, made as a module loads ----------------------------------------

UNSET_TASK = "express-openapi-postgres"
UNSET_PACKAGE = '{"name": "vault", "dependencies": {"express": "4", "pg": "8"}}'
UNSET_INDEX = """const express = require('express');
const { Pool } = require('pg');
const { seal } = require('./seal');

const pool = new Pool({ connectionString: 'postgresql://user:password@postgres:5432/conduit' });
const app = express();
app.get('/notes', async (req, res) => res.json((await pool.query('SELECT id FROM notes')).rows.map(seal)));
app.listen(3000);
"""
UNSET_SEAL = """const crypto = require('crypto');

READ

const seal = (row) => crypto.createHmac('sha256', key).update(String(row.id)).digest('hex');

module.exports = { seal };
"""


@pytest.mark.parametrize(
    ("read", "stops"),
    [
        ("const key = Buffer.from(process.env.SEAL_KEY, 'utf-8');", "Buffer.from"),
        ("const key = JSON.parse(process.env.SEAL_KEY).key;", "JSON.parse"),
        ("const key = new URL(process.env.SEAL_KEY).password;", "new URL"),
        # a fallback, a guard, a `try`, a function run later: nothing throws as the module loads
        ("const key = Buffer.from(process.env.SEAL_KEY || 'dev-key', 'utf-8');", None),
        ("let key = 'dev';\nif (process.env.SEAL_KEY) key = Buffer.from(process.env.SEAL_KEY);", None),
        (
            "let key = 'dev';\ntry { key = JSON.parse(process.env.SEAL_KEY); } catch (e) { key = 'dev'; }",
            None,
        ),
        ("const key = 'dev';\nconst fresh = () => Buffer.from(process.env.SEAL_KEY);", None),
    ],
)
def test_a_call_throwing_on_an_unset_variable_at_load(
    make_project: MakeProject, read: str, stops: str | None
) -> None:
    files: dict[str, str | bytes] = {
        "package.json": UNSET_PACKAGE,
        "src/index.js": UNSET_INDEX,
        "src/seal.js": UNSET_SEAL.replace("READ", read),
    }
    report = check(make_project, files, UNSET_TASK)
    assert database_status(report) == ("fail" if stops else "pass")
    if stops:
        message = only(report, "DB001")["message"]
        assert f"throws when $SEAL_KEY is unset ({stops} is handed undefined)" in message


@pytest.mark.parametrize(
    ("check_code", "stops"),
    [
        ('PAGE_SIZE = int(os.getenv("PAGE_SIZE"))', True),
        ('FLAGS = json.loads(os.environ.get("FLAGS"))', True),
        # a default, a conditional, a read inside a function: nothing raises as the module loads
        ('PAGE_SIZE = int(os.getenv("PAGE_SIZE", "20"))', False),
        ('PAGE_SIZE = int(os.getenv("PAGE_SIZE")) if os.getenv("PAGE_SIZE") else 20', False),
        ('def page_size():\n    return int(os.getenv("PAGE_SIZE"))', False),
    ],
)
def test_a_python_read_handed_none_at_import(make_project: MakeProject, check_code: str, stops: bool) -> None:
    report = check(make_project, flask_postgres_app("import json\n" + check_code), FLASK_POSTGRES_TASK)
    assert database_status(report) == ("fail" if stops else "pass")
    if stops:
        assert "raises TypeError at import (handed None)" in only(report, "DB001")["message"]


# -- a program in a layer's folder run over the app --------------------------------------------------------------

TOOL_MAIN = """from fastapi import FastAPI

from src.routes import notes

app = FastAPI()
app.include_router(notes.router)
"""
TOOL_ROUTER = """from fastapi import APIRouter

router = APIRouter()


@router.get("/notes")
def list_notes():
    return []
"""
TOOL_DUMP = """import json
import sys

from src.main import app


def main():
    json.dump(app.openapi(), sys.stdout)


if __name__ == "__main__":
    main()
"""


@pytest.mark.parametrize(
    ("dump", "layer"),
    [
        (TOOL_DUMP, None),
        # a program in the folder that does not import the app keeps the folder's layer
        (TOOL_DUMP.replace("from src.main import app\n", "").replace("app.openapi()", "{}"), "routes"),
    ],
)
def test_a_program_reading_the_app_in_a_layer_folder(
    make_project: MakeProject, dump: str, layer: str | None
) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "fastapi\n",
        "src/__init__.py": "",
        "src/main.py": TOOL_MAIN,
        "src/routes/__init__.py": "",
        "src/routes/notes.py": TOOL_ROUTER,
        "src/routes/dump_openapi.py": dump,
    }
    report = inspect_json(make_project, files)
    assert _layers(report).get("src/routes/dump_openapi.py") == layer
    assert _layers(report)["src/routes/notes.py"] == "routes"
