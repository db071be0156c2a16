"""Patterns of the eighteenth held-out set's JavaScript/TypeScript half (docs/accuracy.md, issue 18): a query
helper called through `util.promisify`, and class fields read through `this` in a method.

- `util.promisify(f)` (also `promisify` imported or destructured from `util` / `node:util`, and
  `util.callbackify`) is read as `f`: the promisified function takes the same leading arguments, so the SQL
  handed to it is handed to the project helper `f` and reported at the caller, not as dynamic SQL in the
  helper. A module of such query functions in a `models/` folder defines no model: it is data access by role.
- `this.dialect` read in a method of the class that declares `dialect = (process.env.X || "sqlite") as T` is
  that initialiser's value (the environment read and its fallback), as a constructor's assignment is.
- A Sequelize connection given an options object in the URL's place requires no variable: its dialect read
  from the environment with a fallback is a switch, so the fallback holds where the variable is unset.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json
from reports import layer_violations as _violations
from reports import layers_of as _layers

from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness
from cdverify.pipeline import inspect

# -- a query helper called through util.promisify -------------------------------------------------------

KOA_PG = '{"name": "shop", "dependencies": {"koa": "2", "koa-router": "12", "pg": "8"}}'
POOL_HELPER = """const { Pool } = require("pg");

const pool = new Pool();

module.exports = {
  run: (sql, values, done) => {
    const started = Date.now();
    return pool.query(sql, values, (err, res) => {
      console.log("query", { sql, ms: Date.now() - started });
      done(err, res);
    });
  },
};
"""
ITEMS_QUERIES = """const util = require("util");
const store = require("../models/store");

const run = util.promisify(store.run);

module.exports = {
  list: async () => (await run("SELECT id, title FROM items")).rows,
  byId: async (id) => (await run("SELECT id, title FROM items WHERE id = $1", [id])).rows[0],
  remove: async (id) => {
    await run("DELETE FROM items WHERE id = $1", [id]);
  },
};
"""
ITEMS_ROUTES = """const Router = require("koa-router");
const Items = require("../models/items");

const router = new Router();
router.get("/items", async (ctx) => {
  ctx.body = await Items.list();
});
router.get("/items/:id", async (ctx) => {
  ctx.body = await Items.byId(ctx.params.id);
});
module.exports = router;
"""
KOA_APP = """const Koa = require("koa");
const items = require("./routes/items");

const app = new Koa();
app.use(items.routes());
app.listen(3000);
"""


def _koa(queries: str, helper: str = POOL_HELPER) -> dict[str, str | bytes]:
    return {
        "package.json": KOA_PG,
        "app.js": KOA_APP,
        "routes/items.js": ITEMS_ROUTES,
        "models/store.js": helper,
        "models/items.js": queries,
    }


def _sql(report: dict[str, Any]) -> list[tuple[str, int, str]]:
    return sorted((item["file"], item["line"], item["kind"]) for item in report["orm"]["raw_sql"])


def test_sql_handed_to_a_promisified_helper_is_reported_at_each_caller(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _koa(ITEMS_QUERIES))
    assert _sql(report) == [
        ("models/items.js", 7, "statement"),
        ("models/items.js", 8, "statement"),
        ("models/items.js", 10, "statement"),
    ]
    via = {item["via"] for item in report["orm"]["raw_sql"]}
    assert via == {"run (models/store.js:8)"}


def test_promisify_imported_or_required_from_node_util_is_read_alike(make_project: MakeProject) -> None:
    for opening in (
        'const { promisify } = require("util");\nconst store = require("../models/store");\n'
        "const run = promisify(store.run);",
        'const store = require("../models/store");\nconst run = require("node:util").promisify(store.run);\n',
        'import { promisify } from "node:util";\nimport store from "../models/store";\n'
        "const run = promisify(store.run);",
    ):
        queries = opening + '\n\nexport const list = async () => (await run("SELECT id FROM items")).rows;\n'
        report = inspect_json(make_project, _koa(queries))
        assert [(file, kind) for file, _line, kind in _sql(report)] == [("models/items.js", "statement")], (
            opening
        )


def test_a_models_module_of_promisified_queries_is_data_access_and_its_router_bypasses(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _koa(ITEMS_QUERIES))
    layers = _layers(report)
    assert layers["models/items.js"] == layers["models/store.js"] == "repositories"
    assert layers["routes/items.js"] == "routes"
    assert _violations(report) == [("bypass", "routes/items.js", "models/items.js")]


def test_a_promisified_function_that_runs_no_sql_hands_nothing_on(make_project: MakeProject) -> None:
    """The helper logs its argument and never queries: what the callers hand it is no SQL, and the models
    module keeps its folder's layer (no false upward import of the pool module)."""
    logger = """const { Pool } = require("pg");

const pool = new Pool();

module.exports = {
  pool,
  note: (message, done) => {
    console.log(message);
    done(null, message);
  },
};
"""
    queries = """const util = require("util");
const store = require("../models/store");

const note = util.promisify(store.note);

module.exports = { list: async () => note("SELECT is a word here, not a statement run") };
"""
    report = inspect_json(make_project, _koa(queries, logger))
    assert _sql(report) == []
    assert _layers(report)["models/items.js"] == "models"


# -- class fields read through `this` --------------------------------------------------------------------

FASTIFY_SEQUELIZE = (
    '{"name": "notes", "dependencies": {"fastify": "4", "sequelize": "6", "sqlite3": "5", "pg": "8"}}'
)
STORE_CLASS = """import { Sequelize } from "sequelize";
import path from "path";

type Dialect = "sqlite" | "postgres";

export default class Store {
  private static shared: Store;
  private client: Sequelize | null = null;
  private readonly file = process.env.NOTES_FILE || path.resolve(__dirname, "../../data/notes.sqlite");
  private readonly kind = (process.env.NOTES_DIALECT || "sqlite") as Dialect;

  private constructor() {
    this.open();
  }

  private open() {
    this.client = new Sequelize({ dialect: this.kind, storage: this.file, logging: false });
  }

  static get(): Store {
    if (!Store.shared) Store.shared = new Store();
    return Store.shared;
  }
}
"""
FASTIFY_APP = """import Fastify from "fastify";
import Store from "./db/store";

const app = Fastify();
Store.get();
app.get("/", async () => "notes");
app.listen({ port: 3000 });
"""


def _connections(files: dict[str, str | bytes], make_project: MakeProject) -> tuple[list[Any], list[str]]:
    inspected = inspect(make_project(files), use_cache=False)
    report = inspected.to_json()
    connections = [
        (item["engine"], item["detail"], item.get("switch", ""))
        for item in report["database"]["evidence"]
        if item["kind"] == "connection"
    ]
    return connections, in_harness(inspected.analysis.database, PAPER_ENVIRONMENT).engines


def test_a_dialect_read_from_a_class_field_is_its_initialiser(make_project: MakeProject) -> None:
    files = {"package.json": FASTIFY_SEQUELIZE, "src/index.ts": FASTIFY_APP, "src/db/store.ts": STORE_CLASS}
    connections, harness = _connections(files, make_project)
    # the fallback, and whatever else the variable may name among the declared drivers
    assert ("sqlite", "dialect: 'sqlite'", "NOTES_DIALECT") in connections
    assert {engine for engine, _detail, switch in connections} == {"sqlite", "postgresql"}
    assert harness == ["sqlite"]


def test_a_field_of_another_class_or_a_static_method_is_not_read(make_project: MakeProject) -> None:
    """`this.kind` in a class that declares no such field, or in a static method (where `this` is the class),
    is not the initialiser of another class's field: the engine is only inferred from the drivers (and a field
    initialised with itself is read once)."""
    other = """import { Sequelize } from "sequelize";

export class Settings {
  readonly kind = "sqlite";
}

export class Store {
  kind: any;
  echo = this.echo;
  open() {
    return new Sequelize({ dialect: this.kind });
  }
  static make() {
    return new Sequelize({ dialect: this.kind });
  }
}
"""
    files = {"package.json": FASTIFY_SEQUELIZE, "src/index.ts": FASTIFY_APP, "src/db/store.ts": other}
    connections, _harness = _connections(files, make_project)
    assert connections and all("dialect: 'sqlite'" not in detail for _e, detail, _s in connections)


def test_a_sequelize_options_object_with_a_dialect_fallback_requires_no_variable(
    make_project: MakeProject,
) -> None:
    module = """import { Sequelize } from "sequelize";

export const sequelize = new Sequelize({
  dialect: (process.env.NOTES_DIALECT || "sqlite") as any,
  storage: "notes.sqlite",
});
"""
    app = FASTIFY_APP.replace('import Store from "./db/store";', 'import { sequelize } from "./db/store";')
    app = app.replace("Store.get();", "sequelize.sync();")
    files = {"package.json": FASTIFY_SEQUELIZE, "src/index.ts": app, "src/db/store.ts": module}
    _connections_found, harness = _connections(files, make_project)
    assert harness == ["sqlite"]


def test_a_sequelize_url_from_a_variable_without_fallback_is_still_required(
    make_project: MakeProject,
) -> None:
    module = """import { Sequelize } from "sequelize";

export const sequelize = new Sequelize(process.env.NOTES_URL as string, { dialect: "postgres" });
"""
    app = FASTIFY_APP.replace('import Store from "./db/store";', 'import { sequelize } from "./db/store";')
    app = app.replace("Store.get();", "sequelize.sync();")
    files = {"package.json": FASTIFY_SEQUELIZE, "src/index.ts": app, "src/db/store.ts": module}
    _connections_found, harness = _connections(files, make_project)
    assert harness == []
