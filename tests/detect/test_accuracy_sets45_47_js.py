"""Patterns of the forty-fifth to forty-seventh held-out sets, JavaScript/TypeScript half (issue 18, docs/accuracy.md
"Disagreements of the forty-fifth to forty-seventh sets, JavaScript/TypeScript half"), with violating and clean
projects written for the test:

- sql.js (SQLite compiled to WebAssembly) is the sqlite3 driver family: `new SQL.Database()` after `await
  initSqlJs()`, whose `run` / `exec` / `each` / `prepare` take the statement;
- an import of only the BSON value classes of `mongodb` (`ObjectId`) beside Mongoose is no use of the driver;
- a module that reads a JSON data file, parses it and writes it back is the persistence layer by role.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json


def _raw(report: dict[str, Any]) -> list[tuple[str, int, str, str]]:
    return [(r["file"], r["line"], r["kind"], r["api"]) for r in report["orm"]["raw_sql"]]


SQLJS_PACKAGE = (
    '{"name": "notes", "main": "src/app.js", "dependencies": {"express": "^4.19.0", "sql.js": "^1.10.0"}}'
)
SQLJS_DB = """const initSqlJs = require("sql.js");

async function openNotes() {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, title TEXT)");
  const rows = db.exec("SELECT id, title FROM notes");
  db.each("SELECT title FROM notes WHERE id > ?", [0], (row) => row);
  return rows;
}

module.exports = { openNotes };
"""


def test_sql_js_is_the_sqlite3_driver_and_its_statements_are_raw_sql(make_project: MakeProject) -> None:
    report = inspect_json(make_project, {"package.json": SQLJS_PACKAGE, "src/db.js": SQLJS_DB})
    assert report["orm"]["libraries"] == ["sqlite3"]
    assert _raw(report) == [
        ("src/db.js", 6, "statement", "sqlite3 / better-sqlite3"),
        ("src/db.js", 7, "statement", "sqlite3 / better-sqlite3"),
        ("src/db.js", 8, "statement", "sqlite3 / better-sqlite3"),
    ]
    assert report["database"]["engines"] == ["sqlite"]


def test_a_sql_js_database_kept_and_exported_runs_no_sql(make_project: MakeProject) -> None:
    db = """const initSqlJs = require("sql.js");
const fs = require("fs");

async function snapshot(buffer) {
  const SQL = await initSqlJs();
  const db = new SQL.Database(buffer);
  fs.writeFileSync("notes.db", Buffer.from(db.export()));
  return db.getRowsModified();
}

module.exports = { snapshot };
"""
    report = inspect_json(make_project, {"package.json": SQLJS_PACKAGE, "src/db.js": db})
    assert report["orm"]["libraries"] == ["sqlite3"]
    assert _raw(report) == []


MONGO_PACKAGE = (
    '{"name": "todos", "main": "src/app.ts", "dependencies": {"koa": "^2.13.0", "mongoose": "^6.0.0", '
    '"mongodb": "^4.0.0"}}'
)
MONGO_MODEL = """import mongoose from "mongoose";

const Todo = mongoose.model("Todo", new mongoose.Schema({ title: String, owner: mongoose.Types.ObjectId }));
export default Todo;
"""


def test_an_import_of_bson_values_only_is_no_use_of_the_mongodb_driver(make_project: MakeProject) -> None:
    controller = """import { ObjectId } from "mongodb";
import Todo from "../models/todo";

export const mine = async (owner: string) => Todo.find({ owner: new ObjectId(owner) });
"""
    files = {
        "package.json": MONGO_PACKAGE,
        "src/models/todo.ts": MONGO_MODEL,
        "src/controllers/todos.ts": controller,
    }
    assert inspect_json(make_project, files)["orm"]["libraries"] == ["mongoose"]


def test_an_import_of_the_mongodb_client_is_a_use_of_the_driver(make_project: MakeProject) -> None:
    controller = """import { MongoClient, ObjectId } from "mongodb";

const client = new MongoClient("mongodb://localhost:27017/todos");
export const byId = async (id: string) => client.db().collection("todos").findOne({ _id: new ObjectId(id) });
"""
    files = {
        "package.json": MONGO_PACKAGE,
        "src/models/todo.ts": MONGO_MODEL,
        "src/controllers/todos.ts": controller,
    }
    assert inspect_json(make_project, files)["orm"]["libraries"] == ["mongoose", "mongodb-driver"]


KOA_PACKAGE = (
    '{"name": "todos", "main": "app.js", "dependencies": {"koa": "^2.15.0", "koa-router": "^12.0.0"}}'
)
APP = """const Koa = require("koa");
const router = require("./routes");

const app = new Koa();
app.use(router.routes());
app.listen(process.env.PORT || 3000);
"""
ROUTES = """const Router = require("koa-router");
const { readAll, writeAll } = require("./storage");

const router = new Router();
router.get("/todos", async (ctx) => {
  ctx.body = await readAll();
});
router.post("/todos", async (ctx) => {
  const todos = await readAll();
  todos.push(ctx.request.body);
  await writeAll(todos);
  ctx.status = 201;
});

module.exports = router;
"""
STORE = """const fs = require("fs").promises;
const path = require("path");

const FILE = path.join(__dirname, "todos.json");

async function readAll() {
  try {
    return JSON.parse(await fs.readFile(FILE, "utf-8"));
  } catch (error) {
    return [];
  }
}

async function writeAll(todos) {
  await fs.writeFile(FILE, JSON.stringify(todos, null, 2), "utf-8");
}

module.exports = { readAll, writeAll };
"""


def _bypasses(report: dict[str, Any]) -> list[tuple[str, int]]:
    return [(f["file"], f["line"]) for f in report["findings"] if f["rule"] == "ARCH002"]


def test_a_json_file_store_is_the_persistence_layer(make_project: MakeProject) -> None:
    files = {"package.json": KOA_PACKAGE, "app.js": APP, "routes.js": ROUTES, "storage.js": STORE}
    report = inspect_json(make_project, files)
    assert report["architecture"]["files"]["storage.js"] == "repositories"
    assert _bypasses(report) == [("routes.js", 2)]


def test_a_json_file_store_under_esm_fs_promises_is_one_too(make_project: MakeProject) -> None:
    store = """import { readFile, writeFile } from "node:fs/promises";

export const load = async () => JSON.parse(await readFile("data/todos.json", "utf8"));
export const save = async (todos) => writeFile("data/todos.json", JSON.stringify(todos));
"""
    routes = ROUTES.replace(
        'const { readAll, writeAll } = require("./storage");',
        'const { load: readAll, save: writeAll } = require("./lib/todo-file");',
    )
    files = {"package.json": KOA_PACKAGE, "app.js": APP, "routes.js": routes, "lib/todo-file.mjs": store}
    assert (
        inspect_json(make_project, files)["architecture"]["files"].get("lib/todo-file.mjs") == "repositories"
    )


def test_a_config_reader_or_a_service_writing_json_is_no_store(make_project: MakeProject) -> None:
    config = """const fs = require("fs");

const settings = JSON.parse(fs.readFileSync(__dirname + "/settings.json", "utf8"));
module.exports = { settings };
"""
    service = STORE.replace(
        "module.exports = { readAll, writeAll };", "module.exports = { readAll, writeAll };\n"
    )
    routes = ROUTES.replace('require("./storage")', 'require("./services/todoService")')
    routes = routes.replace(
        'const Router = require("koa-router");',
        'const Router = require("koa-router");\nconst { settings } = require("./config");',
    )
    files = {
        "package.json": KOA_PACKAGE,
        "app.js": APP,
        "routes.js": routes,
        "config.js": config,
        "services/todoService.js": service,
    }
    report = inspect_json(make_project, files)
    assert "config.js" not in report["architecture"]["files"]
    assert report["architecture"]["files"]["services/todoService.js"] == "services"
    assert _bypasses(report) == []
