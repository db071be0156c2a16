"""Patterns of the twenty-second unseen labelled set's JavaScript/TypeScript half (issue 18, docs/accuracy.md
"The twenty-second set's JavaScript/TypeScript disagreements"), each with a violating and a clean project
written for the test:

- a project module wrapping a sqlite-style client (`getStore()` handing out an object whose `run` / `get` /
  `all` run SQL): a complete statement handed to `get`, `all` or `each` on what the module hands out is raw
  SQL, as `run` already was; the same names on an object no import explains (`cache.get(key)`) and a
  string that is no statement stay silent;
- a registry module that imports model classes and exports them gathered in one object (`const models =
  { User, Order }; export default models`) hands them on as a re-export does: it takes their layer.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json

STORE = """import sqlite3 from 'sqlite3';
import { promisify } from 'util';

export interface Store {
  run: (sql: string, params?: unknown[]) => Promise<void>;
  get: (sql: string, params?: unknown[]) => Promise<any>;
  all: (sql: string, params?: unknown[]) => Promise<any[]>;
}

let store: Store | null = null;

export function openStore(file: string): Store {
  const handle = new sqlite3.Database(file);
  store = {
    run: promisify(handle.run.bind(handle)),
    get: promisify(handle.get.bind(handle)),
    all: promisify(handle.all.bind(handle)),
  };
  return store;
}

export function getStore(): Store {
  if (!store) throw new Error('store not open');
  return store;
}
"""
NOTES = """import express from 'express';
import { getStore } from '../store/open';

const router = express.Router();

router.get('/', async (req, res) => {
  const store = getStore();
  const notes = await store.all(ARGUMENT);
  res.json(notes);
});

router.get('/:id', async (req, res) => {
  const store = getStore();
  const note = await store.get(ARGUMENT, [req.params.id]);
  res.json(note ?? null);
});

export default router;
"""


def _notes(argument: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "notes", "dependencies": {"express": "4", "sqlite3": "5"}}',
        "src/store/open.ts": STORE,
        "src/routes/notes.ts": NOTES.replace("ARGUMENT", argument),
    }


def _raw_lines(report: dict, path: str) -> list[int]:
    return sorted(item["line"] for item in report["orm"]["raw_sql"] if item["file"] == path)


def test_a_statement_at_get_or_all_of_a_project_wrapper_is_raw_sql(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _notes("'SELECT id, body FROM notes ORDER BY id'"))
    assert _raw_lines(report, "src/routes/notes.ts") == [8, 14]
    sites = [item for item in report["orm"]["raw_sql"] if item["file"] == "src/routes/notes.ts"]
    assert {item["tables"][0] for item in sites} == {"notes"}
    assert {item["scope"] for item in sites} == {"application"}


@pytest.mark.parametrize("argument", ["'notes'", "'cache:notes'", "'update available'", "req.params.id"])
def test_other_strings_at_get_or_all_of_a_project_wrapper_are_not(
    make_project: MakeProject, argument: str
) -> None:
    report = inspect_json(make_project, _notes(argument))
    assert _raw_lines(report, "src/routes/notes.ts") == []


def test_get_on_an_object_no_import_explains_stays_silent(make_project: MakeProject) -> None:
    files = _notes("'SELECT id, body FROM notes'")
    files["src/routes/notes.ts"] = files["src/routes/notes.ts"].replace(  # type: ignore[union-attr]
        "const store = getStore();", "const store = (req as any).app.locals.cache;"
    )
    report = inspect_json(make_project, files)
    assert _raw_lines(report, "src/routes/notes.ts") == []


# -- a registry of model classes ----------------------------------------------------------------------------

USER = """import pool from '../config/db.js';

export default class User {
  static async findAll() {
    const result = await pool.query('SELECT * FROM users');
    return result.rows;
  }
}
"""
ORDER = """import pool from '../config/db.js';

export default class Order {
  static async findAll() {
    const result = await pool.query('SELECT * FROM orders');
    return result.rows;
  }
}
"""
DB = """import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
export default pool;
"""
CONTROLLER = """import models from '../models/index.js';

export async function list(req, res) {
  const Model = models[req.params.kind];
  res.json(await Model.findAll());
}
"""
SERVER = """import express from 'express';
import { list } from './controllers/crud.js';

const app = express();
app.get('/:kind', list);
app.listen(3000);
"""


def _registry(index: str) -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "shop", "type": "module", "dependencies": {"express": "4", "pg": "8"}}',
        "server.js": SERVER,
        "config/db.js": DB,
        "controllers/crud.js": CONTROLLER,
        "models/User.js": USER,
        "models/Order.js": ORDER,
        "models/index.js": index,
    }


REGISTRY = """import User from './User.js';
import Order from './Order.js';

const models = {
  User,
  Order
};

export default models;
"""


@pytest.mark.parametrize(
    "index",
    [
        REGISTRY,
        REGISTRY.replace("const models", "export const models").replace("export default models;\n", ""),
    ],
)
def test_a_registry_of_query_classes_is_their_layer(make_project: MakeProject, index: str) -> None:
    report = inspect_json(make_project, _registry(index))
    files = report["architecture"]["files"]
    assert files["models/User.js"] == "repositories"
    assert files["models/index.js"] == "repositories"
    violations = {(v["file"], v.get("target")) for v in report["architecture"]["violations"]}
    assert ("models/index.js", "models/User.js") not in violations
    assert ("controllers/crud.js", "models/index.js") in violations


@pytest.mark.parametrize(
    "index",
    [
        # the module builds something of its own from them: no mere registry
        REGISTRY.replace("  Order\n};", "  Order,\n  label: 'shop'\n};"),
        REGISTRY.replace(
            "export default models;", "export default models;\nexport const names = Object.keys(models);"
        ),
        REGISTRY.replace("export default models;", "export default models;\nexport class Extra {}"),
        REGISTRY.replace(
            "export default models;", "export default models;\nexport function pick(n) { return models[n]; }"
        ),
    ],
)
def test_a_module_doing_more_than_gathering_keeps_its_folder(make_project: MakeProject, index: str) -> None:
    report = inspect_json(make_project, _registry(index))
    assert report["architecture"]["files"]["models/index.js"] == "models"


# -- a program at the project's top run as an immediately called function ----------------------------------

POOL = """const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

module.exports = { query: (text, params) => pool.query(text, params), pool };
"""
INDEX = """const express = require('express');
const db = require('./db');

const app = express();
app.get('/links', async (req, res) => {
  const result = await db.query('SELECT code, target FROM links ORDER BY code');
  res.json(result.rows);
});
app.listen(4000);
"""
CHECK = """const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

(async () => {
  try {
    const count = await pool.query('SELECT COUNT(*) FROM links');
    console.log(count.rows[0].count);
  } finally {
    await pool.end();
  }
})();
"""


def _shortener() -> dict[str, str | bytes]:
    return {
        "package.json": '{"name": "short", "main": "index.js", "dependencies": {"express": "4", "pg": "8"}}',
        "index.js": INDEX,
        "db.js": POOL,
        "count-links.js": CHECK,
    }


def test_a_top_level_file_running_an_immediately_called_function_is_a_script(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _shortener())
    files = report["architecture"]["files"]
    assert "count-links.js" not in files
    assert files["index.js"] == "routes"
    scopes = {(item["file"], item["scope"]) for item in report["orm"]["raw_sql"]}
    assert ("count-links.js", "scripts") in scopes
    assert ("count-links.js", "application") not in scopes


def test_the_same_file_imported_by_the_app_keeps_its_layer(make_project: MakeProject) -> None:
    files = _shortener()
    files["index.js"] = INDEX.replace(
        "const db = require('./db');", "const db = require('./db');\nrequire('./count-links');"
    )
    report = inspect_json(make_project, files)
    assert report["architecture"]["files"]["count-links.js"] == "repositories"
    assert ("count-links.js", "application") in {(i["file"], i["scope"]) for i in report["orm"]["raw_sql"]}


def test_an_entry_starting_the_app_in_an_immediately_called_function_is_no_script(
    make_project: MakeProject,
) -> None:
    files = _shortener()
    files["index.js"] = INDEX.replace(
        "app.listen(4000);", "(async () => {\n  await db.query('SELECT 1');\n  app.listen(4000);\n})();"
    )
    report = inspect_json(make_project, files)
    assert report["architecture"]["files"]["index.js"] == "routes"
    assert all(
        item["scope"] == "application" for item in report["orm"]["raw_sql"] if item["file"] == "index.js"
    )
