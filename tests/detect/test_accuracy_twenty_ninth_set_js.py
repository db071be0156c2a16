"""Patterns of the twenty-ninth held-out set's JavaScript/TypeScript half (docs/accuracy.md, issue 18).

- A driver method bound to its connection (`promisify(conn.query).bind(conn)`, `pool.query.bind(pool)`) is
  that method when called: the SQL handed to the bound function is the driver's. An object's own `bind`
  (`stmt.bind(params)`, a container's, a socket's) is untouched.
- A JavaScript file whose opening comment says `@flow` is read with the TypeScript grammar when that
  parses it better: Flow's annotations (`(ctx: Context)`, `: Promise<void>`) are no syntax error and lose
  no call; the file stays JavaScript, and an import used only in annotations still runs (Babel's Flow
  preset keeps it).
- Test code no path places: a file importing a test runner (`vitest`) is a test, and a module named for
  tests (`src/db/test-db.ts`) that only tests import is test code; a module the application imports too,
  or that nothing imports, keeps its scope, as does one only tests import whose name says nothing of tests.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, findings_of, inspect_json
from reports import layers_of as _layers

# -- a driver method bound to its connection -----------------------------------------------------------

KOA_MYSQL = '{"name": "books", "dependencies": {"koa": "2", "koa-router": "12", "mysql": "2"}}'
CONNECTION = """const mysql = require("mysql");

const connection = mysql.createConnection({ host: "localhost", user: "app" });
connection.connect();

module.exports = connection;
"""
KOA_APP = """const Koa = require("koa");
const router = require("./router");

const app = new Koa();
app.use(router.routes());
app.listen(3000);
"""
ROUTER = """const Router = require("koa-router");
const books = require("./repositories/books");

const router = new Router();
router.get("/books", async (ctx) => {
  ctx.body = await books.list();
});
module.exports = router;
"""


def _books(queries: str, router: str = ROUTER) -> dict[str, str | bytes]:
    return {
        "package.json": KOA_MYSQL,
        "src/index.js": KOA_APP,
        "src/router.js": router,
        "src/db-connection.js": CONNECTION,
        "src/repositories/books.js": queries,
    }


def _sql(report: dict[str, Any]) -> list[tuple[str, int, str, str]]:
    return sorted(
        (item["file"], item["line"], item["kind"], item["scope"]) for item in report["orm"]["raw_sql"]
    )


def test_sql_handed_to_a_promisified_driver_method_bound_to_its_connection_is_reported(
    make_project: MakeProject,
) -> None:
    queries = """const { promisify } = require("util");
const connection = require("../db-connection");

const query = promisify(connection.query).bind(connection);

exports.list = async () => query("SELECT id, title FROM books");
exports.count = async () => query("SELECT COUNT(id) FROM books");
"""
    assert _sql(inspect_json(make_project, _books(queries))) == [
        ("src/repositories/books.js", 6, "statement", "application"),
        ("src/repositories/books.js", 7, "statement", "application"),
    ]


def test_a_driver_method_bound_without_promisify_is_the_method(make_project: MakeProject) -> None:
    queries = """const connection = require("../db-connection");

const run = connection.query.bind(connection);

exports.list = () => run("SELECT id, title FROM books", () => {});
"""
    assert _sql(inspect_json(make_project, _books(queries))) == [
        ("src/repositories/books.js", 5, "statement", "application")
    ]


def test_a_bound_function_that_is_no_driver_method_hands_nothing_on(make_project: MakeProject) -> None:
    """`console.log.bind(console)` called with SQL text logs it: no query, and nothing runs the text."""
    queries = """const connection = require("../db-connection");

const note = console.log.bind(console);

exports.list = () => {
  note("SELECT id, title FROM books");
  return connection;
};
"""
    assert _sql(inspect_json(make_project, _books(queries))) == []


# -- Flow-typed JavaScript -----------------------------------------------------------------------------

FLOW_QUERIES = """// @flow
const { promisify } = require("util");
const connection = require("../db-connection");

const query = promisify(connection.query).bind(connection);

exports.list = async (ctx: Context): Promise<void> => {
  const byTitle = async (title: string): Promise<Array<Object>> => {
    const text: string = `SELECT id FROM books WHERE title = '${title}'`;
    return query(text);
  };
  ctx.body = await byTitle(ctx.query.title);
};

exports.count = async (): Promise<number> => query("SELECT COUNT(id) FROM books");
"""


def test_a_flow_file_is_read_past_its_annotations(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _books(FLOW_QUERIES))
    assert findings_of(report, "PARSE") == []
    assert _sql(report) == [
        ("src/repositories/books.js", 10, "statement", "application"),
        ("src/repositories/books.js", 15, "statement", "application"),
    ]


def test_an_import_a_flow_file_uses_only_in_annotations_still_runs(make_project: MakeProject) -> None:
    """TypeScript would erase an import used only as a type; Babel's Flow preset keeps it (it runs), so
    the router's import of the repository module stays a run-time bypass."""
    router = """/* @flow strict */
const Router = require("koa-router");
import Books from "./repositories/books";

const router = new Router();
router.get("/books", async (ctx: { body: Books }) => {
  ctx.body = [];
});
module.exports = router;
"""
    report = inspect_json(make_project, _books(FLOW_QUERIES, router))
    assert findings_of(report, "PARSE") == []
    bypass = [v for v in report["architecture"]["violations"] if v["file"] == "src/router.js"]
    assert [(v["kind"], v["target"], v["type_only"]) for v in bypass] == [
        ("bypass", "src/repositories/books.js", False)
    ]


def test_annotations_without_the_flow_pragma_stay_syntax_errors(make_project: MakeProject) -> None:
    """A `.js` file that does not say it is Flow is JavaScript: annotations in it are errors."""
    report = inspect_json(make_project, _books(FLOW_QUERIES.removeprefix("// @flow\n")))
    assert [rule for rule, file, _line in findings_of(report, "PARSE")] == ["PARSE001"]


# -- test code no path places ---------------------------------------------------------------------------

FASTIFY_SQLITE = """{"name": "todo", "type": "module", "dependencies": {"fastify": "5", "better-sqlite3": "12"},
"devDependencies": {"vitest": "3"}}"""
SERVER = """import Fastify from "fastify";
import { listTodos } from "./services/todos.js";

export function buildServer() {
  const app = Fastify();
  app.get("/todos", async () => listTodos());
  return app;
}
"""
ENTRY = """import { buildServer } from "./server.js";

buildServer().listen({ port: 3000 });
"""
DB = """import Database from "better-sqlite3";

export const db = new Database(process.env.DB_PATH ?? "todo.db");
"""
SERVICE = """import { db } from "../db/index.js";

export function listTodos() {
  return db.prepare("SELECT id, title FROM todos").all();
}
"""
TEST_DB = """import Database from "better-sqlite3";

export function makeTestDb() {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE todos (id INTEGER PRIMARY KEY, title TEXT NOT NULL)");
  return db;
}

export function clearTestDb(db) {
  db.prepare("DELETE FROM todos").run();
}
"""
UNIT_TEST = """import { describe, it, expect } from "vitest";
import { makeTestDb } from "../db/test-db.js";

describe("todos", () => {
  it("starts empty", () => {
    expect(makeTestDb().prepare("SELECT COUNT(*) AS n FROM todos").get().n).toBe(0);
  });
});
"""
INTEGRATION = """import { describe, it, expect } from "vitest";
import { makeTestDb, clearTestDb } from "../db/test-db.js";
import { buildServer } from "../server.js";

describe("api", () => {
  it("lists", async () => {
    const db = makeTestDb();
    db.prepare("INSERT INTO todos (title) VALUES ('a')").run();
    clearTestDb(db);
    const response = await buildServer().inject({ method: "GET", url: "/todos" });
    expect(response.statusCode).toBe(200);
  });
});
"""


def _todo() -> dict[str, str | bytes]:
    return {
        "package.json": FASTIFY_SQLITE,
        "src/index.js": ENTRY,
        "src/server.js": SERVER,
        "src/db/index.js": DB,
        "src/services/todos.js": SERVICE,
        "src/services/todos.test.js": UNIT_TEST,
        "src/integration/api.integration.js": INTEGRATION,
        "src/db/test-db.js": TEST_DB,
    }


def _scoped(report: dict[str, Any], file: str) -> set[str]:
    return {item["scope"] for item in report["orm"]["raw_sql"] if item["file"] == file}


def test_a_file_importing_a_test_runner_is_a_test(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _todo())
    assert _scoped(report, "src/integration/api.integration.js") == {"tests"}
    assert "src/integration/api.integration.js" not in report["architecture"]["evidence"]


def test_a_test_support_module_only_tests_import_is_test_code(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _todo())
    assert _scoped(report, "src/db/test-db.js") == {"tests"}
    assert "src/db/test-db.js" not in _layers(report)
    assert _scoped(report, "src/services/todos.js") == {"application"}
    assert _layers(report)["src/db/index.js"] == "repositories"


def test_a_test_support_module_the_application_imports_too_stays_application(
    make_project: MakeProject,
) -> None:
    service = (
        SERVICE.replace(
            'import { db } from "../db/index.js";',
            'import { db } from "../db/index.js";\nimport { clearTestDb } from "../db/test-db.js";',
        )
        + "\nexport function reset() {\n  clearTestDb(db);\n}\n"
    )
    files = _todo()
    files["src/services/todos.js"] = service
    report = inspect_json(make_project, files)
    assert _scoped(report, "src/db/test-db.js") == {"application"}
    assert _layers(report)["src/db/test-db.js"] == "repositories"


def test_a_test_support_module_nothing_imports_keeps_its_scope(make_project: MakeProject) -> None:
    files = _todo()
    files["src/services/todos.test.js"] = UNIT_TEST.replace("../db/test-db.js", "../db/index.js")
    files["src/integration/api.integration.js"] = INTEGRATION.replace("../db/test-db.js", "../db/index.js")
    report = inspect_json(make_project, files)
    assert _scoped(report, "src/db/test-db.js") == {"application"}


def test_a_module_only_tests_import_whose_name_says_nothing_of_tests_keeps_its_scope(
    make_project: MakeProject,
) -> None:
    """Only tests import `src/db/bootstrap.js`, but nothing in its name says it is theirs: an app module
    the application loads in a way no import shows (an autoloaded plugin, a file route) looks the same."""
    files = _todo()
    files["src/db/bootstrap.js"] = files.pop("src/db/test-db.js")
    for path in ("src/services/todos.test.js", "src/integration/api.integration.js"):
        files[path] = str(files[path]).replace("../db/test-db.js", "../db/bootstrap.js")
    report = inspect_json(make_project, files)
    assert _scoped(report, "src/db/bootstrap.js") == {"application"}


def test_a_command_importing_the_runner_in_its_body_is_no_test(make_project: MakeProject) -> None:
    """A CLI module (registered through an entry point: nothing imports it) whose `test` command imports
    pytest to run the suite, beside a command running SQL, is the application's: no module-level runner
    import."""
    commands = """import sqlite3

import click


@click.command()
def test():
    import pytest

    raise SystemExit(pytest.main(["tests"]))


@click.command()
def init_db():
    sqlite3.connect("app.db").execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
"""
    files: dict[str, str | bytes] = {
        "requirements.txt": "flask\nclick\npytest\n",
        "shop/__init__.py": "",
        "shop/app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        "shop/commands.py": commands,
    }
    assert _scoped(inspect_json(make_project, files), "shop/commands.py") == {"application"}


def test_a_module_the_application_imports_stays_application_whatever_it_imports(
    make_project: MakeProject,
) -> None:
    """A module importing `vitest` that a service imports runs in the app (a test double wired in by
    mistake is still the app's code): it keeps its scope."""
    files = _todo()
    files["src/services/todos.js"] = 'import "../integration/api.integration.js";\n' + SERVICE
    report = inspect_json(make_project, files)
    assert _scoped(report, "src/integration/api.integration.js") == {"application"}
