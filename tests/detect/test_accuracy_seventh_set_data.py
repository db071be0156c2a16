"""Data patterns of the seventh unseen labelled set (issue 18, docs/accuracy.md "A seventh unseen set"), each
with a violating and a clean project written for the test:

- raw SQL handed to a module function of a sibling module imported by dots alone (`from . import db`,
  then `db.select(sql)`), which runs its parameter (`cur.execute(query)`): the site is each caller, and the
  helper's own `execute(query)` is none while every caller is seen; a helper nobody calls keeps it;
- Python string escapes read as Python reads them (`'SELECT * FROM \\"User\\"'` is a statement on `User`);
  a raw string keeps its backslashes;
- a SQLAlchemy engine given a `URL.create(drivername=…)` (or, before SQLAlchemy 1.4, `URL(drivername, …)`)
  object connects to the drivername's engine; the old constructor's `postgres` is no DB003, `URL.create`'s is;
  a project class named `URL` is no URL;
- the raw SQL of a module the layers find to be a command-line script (a program at the project's top that no
  module imports) is in the `scripts` scope, an information finding; imported by the app, it stays the
  application's;
- a Node query module calling the knex instance another project module exports
  (`module.exports = require('knex')(config)`, then `knex('movies').select()`) runs queries (repositories), so
  a router importing it is a bypass; calling a module that exports a logger is no data access;
- a handler module another handler module hands on as a property (`ctrl.articles.comments.get`) handles
  requests: its inline queries leave it in its controllers folder.
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, inspect_json

from cdverify.model import Language
from cdverify.parse import parse_source


def _raw(report: dict[str, Any]) -> list[tuple[str, int, str, str]]:
    return [(r["file"], r["line"], r["kind"], r["scope"]) for r in report["orm"]["raw_sql"]]


def _layers(report: dict[str, Any]) -> dict[str, str]:
    files: dict[str, str] = report["architecture"]["files"]
    return files


def _bypasses(report: dict[str, Any]) -> list[tuple[str, int, str]]:
    return sorted(
        (v["file"], v["line"], v["target"])
        for v in report["architecture"]["violations"]
        if v["kind"] == "bypass"
    )


# -- SQL handed to a helper of a sibling module imported by dots alone --------------------------------------

FLASK_APP = """from flask import Flask

app = Flask(__name__)

from modules.routes import *
"""
ROUTES_INIT = "from .groups import *\n"
GROUP_ROUTES = """from app import app
from modules.database import groups


@app.route("/groups")
def all_groups():
    return groups.get_groups()


@app.route("/groups/<int:id>")
def one_group(id):
    return groups.get_group(id)
"""
DB_HELPER = """import psycopg2


def connect_sql():
    return psycopg2.connect(host="db", dbname="social", user="social", password="social")


def select(query, fetch):
    conn = connect_sql()
    cur = conn.cursor()
    cur.execute(query)
    return cur.fetchall() if fetch else cur.fetchone()
"""
GROUP_QUERIES = """from . import db


def get_groups():
    sql = 'SELECT * FROM \\"Communities\\"'
    return db.select(sql, True)


def get_group(id):
    sql = 'SELECT * FROM \\"Communities\\" c WHERE c.id = %d' % id
    return db.select(sql, False)
"""


def _social(queries: str = GROUP_QUERIES) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "flask\npsycopg2-binary\n",
        "app.py": FLASK_APP,
        "modules/__init__.py": "",
        "modules/routes/__init__.py": ROUTES_INIT,
        "modules/routes/groups.py": GROUP_ROUTES,
        "modules/database/__init__.py": "",
        "modules/database/db.py": DB_HELPER,
        "modules/database/groups.py": queries,
    }


def test_sql_handed_to_a_helper_of_a_module_imported_by_dots_is_raw_sql_at_each_caller(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _social())
    assert _raw(report) == [
        ("modules/database/groups.py", 6, "statement", "application"),
        ("modules/database/groups.py", 11, "statement", "application"),
    ]
    (first, _second) = report["orm"]["raw_sql"]
    assert first["tables"] == ["Communities"]
    assert first["via"] == "select (modules/database/db.py:11)"


def test_a_helper_nobody_calls_keeps_its_own_dynamic_site(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _social(GROUP_QUERIES.replace("db.select(sql", "print(sql")))
    assert _raw(report) == [("modules/database/db.py", 11, "dynamic", "application")]


def test_python_escapes_are_read_as_python_reads_them() -> None:
    source = (
        "a = 'SELECT * FROM \\\"User\\\" WHERE note = \\'x\\''\n"
        "b = r'\\d+\\\"'\n"
        "c = '\\d \\x41\\u00e9 tab\\tend'\n"
        "d = 'one \\\nline'\n"
    )
    facts = parse_source("app.py", Language.PYTHON, source.encode())
    values = {a.key: a.value.strings for a in facts.assignments}
    assert values["a"] == ("SELECT * FROM \"User\" WHERE note = 'x'",)
    assert values["b"] == ('\\d+\\"',)  # a raw string keeps what is written
    assert values["c"] == ("\\d Aé tab\tend",)  # an unknown escape stays, as Python keeps it
    assert values["d"] == ("one line",)


# -- a SQLAlchemy URL object ----------------------------------------------------------------------------

ENGINE_MODULE = """import os

from sqlalchemy import create_engine
from {module} import URL

engine = create_engine({url}, echo=False)
"""
AIOHTTP_MAIN = """from aiohttp import web

from db import engine


async def health(request):
    with engine.connect():
        return web.json_response({{"ok": True}})


app = web.Application()
app.router.add_get("/health", health)
"""


def _engine(url: str, module: str = "sqlalchemy.engine.url") -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\nsqlalchemy\npymysql\n",
        "main.py": AIOHTTP_MAIN.replace("{{", "{").replace("}}", "}"),
        "db.py": ENGINE_MODULE.format(module=module, url=url),
        "urls.py": "class URL:\n    def __init__(self, *parts, **named):\n        self.parts = parts\n",
    }


CREDENTIALS = 'host=os.environ["DB_HOST"], username="app", password=os.environ["DB_PASSWORD"], database="app"'


@pytest.mark.parametrize(
    ("url", "module"),
    [
        pytest.param(
            f'URL.create(drivername="postgresql+psycopg2", {CREDENTIALS})', "sqlalchemy", id="create"
        ),
        pytest.param(f'URL.create("postgresql", {CREDENTIALS})', "sqlalchemy.engine", id="create-positional"),
        pytest.param("URL('postgres', **CREDENTIALS)", "sqlalchemy.engine.url", id="before-1.4"),
    ],
)
def test_an_engine_given_a_url_object_connects_to_its_drivername(
    make_project: MakeProject, url: str, module: str
) -> None:
    report = check(make_project, _engine(url, module), "postgres")
    assert report["database"]["engines"] == ["postgresql"]  # not the declared pymysql's MySQL
    assert [f for f in report["findings"] if f["rule"] == "DB003"] == []


def test_a_url_create_of_the_postgres_name_is_rejected(make_project: MakeProject) -> None:
    report = check(make_project, _engine(f'URL.create("postgres", {CREDENTIALS})', "sqlalchemy"), "postgres")
    assert [f["file"] for f in report["findings"] if f["rule"] == "DB003"] == ["db.py"]


def test_a_project_class_named_url_is_no_url(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _engine('URL("postgresql", host="db")', "urls"))
    # a value computed at run time: the declared driver's engine, as for any URL cdverify cannot read
    assert report["database"]["engines"] == ["mysql"]


# -- SQL of a command-line script --------------------------------------------------------------------------

FASTAPI_MAIN = """from fastapi import FastAPI

from app.database import engine

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": engine is not None}
"""
DATABASE = """from sqlalchemy import create_engine

engine = create_engine("sqlite:///app.db")
"""
FIX_VERSION = """from sqlalchemy import text

from app.database import engine

with engine.connect() as conn:
    conn.execute(text("UPDATE alembic_version SET version_num = '002'"))
    conn.commit()
"""


RESET_PROGRAM = """from sqlalchemy import text

from app.database import engine


def reset():
    with engine.connect() as conn:
        conn.execute(text("DELETE FROM tasks"))


if __name__ == "__main__":
    reset()
"""
QUERY_FUNCTIONS = """from sqlalchemy import text


def tasks(conn):
    return conn.execute(text("SELECT * FROM tasks")).all()
"""


def _todo(imported: bool, script: str = FIX_VERSION) -> dict[str, str | bytes]:
    main = (
        FASTAPI_MAIN.replace("app = FastAPI()", "import fix_version\n\napp = FastAPI()")
        if imported
        else FASTAPI_MAIN
    )
    return {
        "requirements.txt": "fastapi\nsqlalchemy\n",
        "app/__init__.py": "",
        "app/main.py": main,
        "app/database.py": DATABASE,
        "fix_version.py": script,
    }


def test_the_sql_of_a_script_run_by_hand_is_in_the_scripts_scope(make_project: MakeProject) -> None:
    report = check(make_project, _todo(imported=False), "sqlite+sqlalchemy")
    assert report["architecture"]["evidence"]["fix_version.py"] == "command-line script"
    assert _raw(report) == [("fix_version.py", 6, "statement", "scripts")]
    orm001 = [(f["file"], f["severity"]) for f in report["findings"] if f["rule"] == "ORM001"]
    assert orm001 == [("fix_version.py", "info")]


def test_the_sql_of_a_program_run_by_hand_is_in_the_scripts_scope(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _todo(imported=False, script=RESET_PROGRAM))
    assert _raw(report) == [("fix_version.py", 8, "statement", "scripts")]


def test_query_functions_of_a_top_module_nothing_imports_stay_the_applications(
    make_project: MakeProject,
) -> None:
    """A module of functions runs nothing by itself: not yet wired in, its SQL is still the app's."""
    report = inspect_json(make_project, _todo(imported=False, script=QUERY_FUNCTIONS))
    assert report["architecture"]["evidence"]["fix_version.py"] == "command-line script"
    assert _raw(report) == [("fix_version.py", 5, "statement", "application")]


def test_the_sql_of_a_top_module_the_app_imports_stays_the_applications(make_project: MakeProject) -> None:
    report = check(make_project, _todo(imported=True), "sqlite+sqlalchemy")
    assert _raw(report) == [("fix_version.py", 6, "statement", "application")]
    orm001 = [(f["file"], f["severity"]) for f in report["findings"] if f["rule"] == "ORM001"]
    assert orm001 == [("fix_version.py", "error")]


# -- a knex instance another project module exports ----------------------------------------------------------

KOA_SERVER = """const Koa = require('koa');
const movieRoutes = require('./router/movies');

const app = new Koa();
app.use(movieRoutes.routes());
app.listen(1337);
"""
MOVIE_ROUTER = """const Router = require('koa-router');
const queries = require('../db/queries/movies');

const router = new Router();

router.get('/api/v1/movies', async (ctx) => {
  ctx.body = { data: await queries.getAllMovies() };
});

module.exports = router;
"""
CONNECTION = """const config = require('../../knexfile.js')[process.env.NODE_ENV || 'development'];

module.exports = require('knex')(config);
"""
LOGGER = """module.exports = require('debug')('movies');
"""
MOVIE_QUERIES = """const knex = require('../connection');

function getAllMovies() {
  return knex('movies').select('*');
}

module.exports = { getAllMovies };
"""


def _movies(connection: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"dependencies": {"koa": "^2.0.0", "koa-router": "^10.0.0", "knex": "^0.95.0", "pg": "^8.0.0", "debug": "^4.0.0"}}',
        "knexfile.js": "module.exports = { development: { client: 'pg', connection: 'postgres://localhost/movies' } };\n",
        "src/server/index.js": KOA_SERVER,
        "src/server/router/movies.js": MOVIE_ROUTER,
        "src/server/db/connection.js": connection,
        "src/server/db/queries/movies.js": MOVIE_QUERIES,
    }


def test_a_query_module_on_a_knex_instance_a_project_module_exports_is_data_access(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _movies(CONNECTION))
    assert _layers(report)["src/server/db/queries/movies.js"] == "repositories"
    assert report["architecture"]["evidence"]["src/server/db/queries/movies.js"] == "code: queries"
    assert _bypasses(report) == [("src/server/router/movies.js", 2, "src/server/db/queries/movies.js")]


def test_a_module_calling_an_exported_logger_is_no_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _movies(LOGGER))
    assert "src/server/db/queries/movies.js" not in _layers(report)
    assert _bypasses(report) == []


# -- a handler module handed on as a property of another ----------------------------------------------------

ARTICLES_ROUTER = """const Router = require('koa-router');
const ctrl = require('../controllers').articles;

const router = new Router();
router.get('/articles', ctrl.get);
router.get('/articles/:slug/comments', ctrl.comments.get);

module.exports = router.routes();
"""
CONTROLLERS_INDEX = """const articles = require('./articles-controller');

module.exports = { articles };
"""
ARTICLES_CONTROLLER = """const comments = require('./comments-controller');

module.exports = {
  async get(ctx) {
    ctx.body = { articles: [] };
  },
  comments,
};
"""
COMMENTS_CONTROLLER = """const db = require('../lib/db');

module.exports = {
  async get(ctx) {
    ctx.body = { comments: await db('comments').select('*') };
  },
};
"""
KNEX_DB = """const knex = require('knex');

module.exports = knex({ client: 'pg', connection: process.env.DATABASE_URL });
"""
REALWORLD_SERVER = """const Koa = require('koa');
const articles = require('./routes/articles-router');

const app = new Koa();
app.use(articles);
app.listen(3000);
"""


def _realworld(router: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"dependencies": {"koa": "^2.0.0", "koa-router": "^10.0.0", "knex": "^0.95.0", "pg": "^8.0.0"}}',
        "src/server.js": REALWORLD_SERVER,
        "src/routes/articles-router.js": router,
        "src/controllers/index.js": CONTROLLERS_INDEX,
        "src/controllers/articles-controller.js": ARTICLES_CONTROLLER,
        "src/controllers/comments-controller.js": COMMENTS_CONTROLLER,
        "src/lib/db.js": KNEX_DB,
    }


def test_a_controller_handed_on_as_a_property_of_another_handles_requests(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _realworld(ARTICLES_ROUTER))
    assert _layers(report)["src/controllers/comments-controller.js"] == "routes"
    assert _bypasses(report) == [("src/controllers/comments-controller.js", 1, "src/lib/db.js")]


def test_a_querying_module_no_route_registers_is_data_access(make_project: MakeProject) -> None:
    router = ARTICLES_ROUTER.replace("router.get('/articles/:slug/comments', ctrl.comments.get);\n", "")
    report = inspect_json(make_project, _realworld(router))
    assert _layers(report)["src/controllers/comments-controller.js"] == "repositories"
