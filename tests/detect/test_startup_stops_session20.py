"""Start-up stops of the session-(20) sets (docs/accuracy.md "The first set's disagreements (session
2026-12-07 (20))"), with violating and clean cases on small projects written for the tests:

- a check in a function a started module calls at module level (`const client = await connect();`, a
  top-level await) whose condition tests names a `const` destructuring of `process.env` renames
  (`const { MONGO_URL: url } = process.env; if (!url) throw …`) stops the app where that variable is unset
  or empty (a committed `.env` giving `MONGO_URL=`), as a check of `process.env.MONGO_URL` does;
- a function reading the file its parameter names (`def setup_config(app, path): with open(path) as f: …`),
  handed a literal path the project does not ship through the functions between by a call the entry makes
  as it starts (`run_app(setup_app(config_path=str(Path("./conf/dev.yaml").absolute())))` under `if __name__
  == "__main__":`), stops the app as `open("conf/dev.yaml")` at start-up does.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, check, only

from cdverify import inspect
from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness

PACKAGE = """{
  "name": "api",
  "type": "module",
  "scripts": {"start": "node dist/server.js", "dev": "tsx src/server.ts"},
  "dependencies": {"koa": "2", "@koa/router": "12", "mongodb": "6", "dotenv": "16"}
}
"""
SERVER = """import "dotenv/config";
import Koa from "koa";
import Router from "@koa/router";
import { listNotes } from "./notes.js";

const app = new Koa();
const router = new Router();
router.get("/notes", async (ctx) => { ctx.body = await listNotes(); });
app.use(router.routes());
app.listen(3000);
"""
NOTES = """import { toCollection } from "./store.js";

export async function listNotes() {
  return (await toCollection("notes")).find().toArray();
}
"""
STORE = """import { MongoClient } from "mongodb";

@CALL@

async function connect() {
  const { MONGO_HOST: host, MONGO_DB: name@DEFAULT@ } = process.env;
  @CHECK@
  const client = new MongoClient(`mongodb://${host}/${name}`);
  await client.connect();
  return client;
}

export function toCollection(collection: string) {
  return client.db().collection(collection);
}
"""
CALL = "const client = await connect();"
CHECK = 'if (!host || !name) {\n    throw new Error("missing database settings");\n  }'


def _store(call: str = CALL, check: str = CHECK, default: str = "") -> str:
    return STORE.replace("@CALL@", call).replace("@CHECK@", check).replace("@DEFAULT@", default)


def _files(store: str, env: str = "") -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "src/server.ts": SERVER,
        "src/notes.ts": NOTES,
        "src/store.ts": store,
    }
    if env:
        files[".env"] = env
    return files


def _stops(make_project: MakeProject, store: str) -> list[str]:
    """The start-up stops that stop the app where $MONGO_DB alone is unset."""
    database = inspect(make_project(_files(store)), use_cache=False).analysis.database
    host = {"MONGO_HOST": "db"}
    return [
        stop.describe()
        for stop in database.stops
        if "MONGO_DB" in stop.variables and stop.stops(host) and not stop.stops({**host, "MONGO_DB": "app"})
    ]


@pytest.mark.parametrize(
    "call",
    [
        CALL,  # a top-level await
        "const client = connect();",  # not awaited: its promise, still made as the module loads
        "export const client = await connect();",
    ],
)
def test_a_check_of_renamed_destructured_variables_in_a_function_called_as_the_module_loads_stops(
    make_project: MakeProject, call: str
) -> None:
    (stop,) = _stops(make_project, _store(call=call))
    assert "throws when $MONGO_HOST or $MONGO_DB is unset" in stop
    assert "(in connect(), called at start-up " in stop
    assert "src/store.ts" in stop


@pytest.mark.parametrize(
    "store",
    [
        _store(default=' = "notes"'),  # the destructuring falls back
        _store(check=f"try {{\n    {CHECK}\n  }} catch (e) {{\n    console.error(e);\n  }}"),  # caught
        _store(call="export async function handler() { return connect(); }\nlet client: any;"),  # a handler's
        _store(check=CHECK.replace("!host || !name", "!host")),  # $MONGO_DB is not tested
    ],
)
def test_a_destructured_check_that_passes_unset_or_runs_later_is_no_stop(
    make_project: MakeProject, store: str
) -> None:
    assert _stops(make_project, store) == []


def test_a_module_level_check_of_a_destructured_variable_stops(make_project: MakeProject) -> None:
    store = _store().replace(
        CALL, f'const {{ MONGO_DB }} = process.env;\nif (!MONGO_DB) throw new Error("no db");\n{CALL}'
    )
    assert any(
        "throws when $MONGO_DB is unset" in stop and "store.ts:4" in stop
        for stop in _stops(make_project, store)
    )


@pytest.mark.parametrize(
    ("env", "engines"),
    [
        ("MONGO_HOST=\nMONGO_DB=\n", []),  # committed, but empty: `!host` holds
        ("MONGO_HOST=db\nMONGO_DB=notes\n", ["mongodb"]),
    ],
)
def test_the_harness_runs_the_app_only_where_the_committed_env_sets_the_variables(
    make_project: MakeProject, env: str, engines: list[str]
) -> None:
    database = inspect(make_project(_files(_store(), env)), use_cache=False).analysis.database
    assert in_harness(database, PAPER_ENVIRONMENT).engines == engines


# -- a file read through parameters, its literal path handed by the entry -----------------------------------------

MAIN = """import pathlib

from aiohttp.web import run_app

if __name__ == "__main__":
    from app.web import setup_app

    @RUN@
"""
RUN = 'run_app(setup_app(config_path=str(pathlib.Path("./conf/dev.yaml").absolute())))'
WEB = """from aiohttp import web

from app.config import setup_config
from app.db import setup_db


def setup_app(config_path: str) -> web.Application:
    app = web.Application()
    setup_config(app, config_path)
    setup_db(app)
    return app
"""
CONFIG = """import yaml


def setup_config(app, config_path):
    @READ@
"""
READ = 'with open(config_path, "r") as f:\n        app["config"] = yaml.safe_load(f)'
DB = """from sqlalchemy.ext.asyncio import create_async_engine


def setup_db(app):
    app["engine"] = create_async_engine("postgresql+asyncpg://user:password@localhost:5432/quiz")
"""


def _aiohttp(run: str = RUN, read: str = READ, **extra: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\nsqlalchemy\nasyncpg\npyyaml\n",
        ".gitignore": "conf/\n",
        "main.py": MAIN.replace("@RUN@", run),
        "app/__init__.py": "",
        "app/web.py": WEB,
        "app/config.py": CONFIG.replace("@READ@", read),
        "app/db.py": DB,
        **extra,
    }


@pytest.mark.parametrize(
    "run",
    [
        RUN,
        'run_app(setup_app("conf/dev.yaml"))',
        'app = setup_app(config_path=pathlib.Path("conf/dev.yaml"))\n    run_app(app)',
    ],
)
def test_a_file_read_through_parameters_from_a_literal_the_entry_hands_stops_the_app(
    make_project: MakeProject, run: str
) -> None:
    db001 = only(check(make_project, _aiohttp(run), "python-aiohttp-openapi-postgres-sqlalchemy"), "DB001")
    assert db001["harness_engines"] == []
    assert "conf/dev.yaml, which the project does not ship and nothing writes" in db001["message"]
    assert "(in setup_config() at app/config.py:5)" in db001["message"]


@pytest.mark.parametrize(
    "files",
    [
        _aiohttp(**{"conf/dev.yaml": "session: {}\n"}),  # shipped
        _aiohttp(run='run_app(setup_app(os.environ["CONFIG"]))'),  # not a literal
        _aiohttp(
            read=f"try:\n        {READ.replace(chr(10), chr(10) + '    ')}\n    except OSError:\n        pass"
        ),
        _aiohttp(read='with open(config_path, "w") as f:\n        f.write("{}")'),  # writes it
        _aiohttp(run="pass\n\n\ndef later():\n    run_app(setup_app('conf/dev.yaml'))"),  # not at start-up
    ],
)
def test_a_file_handed_through_parameters_that_is_there_or_not_read_at_start_up_is_no_stop(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    assert [
        f
        for f in check(make_project, files, "python-aiohttp-openapi-postgres-sqlalchemy")["findings"]
        if f["rule"] == "DB001"
    ] == []
