"""Query-only modules the folder misplaced (docs/accuracy.md "Query-only modules in a services folder (session
2026-12-07 (18))"), each with violating and clean projects written for the test:

- a file in a services folder whose compound name starts with a word naming the database or its engine
  (`[roles] data_file_prefixes`: `postgresql_executor.py`, `supabaseClient.ts`, `sql-graph-backend.ts`) and
  whose code runs queries is data access, as one named for the database itself (`services/database.ts`) is; a
  route importing it bypasses the services. The same code in a file named for a use case keeps its folder's
  layer, and so does a file whose database word comes after another (`report_sql.py`) or stands alone (`sql.py`);
- a module whose path names no layer and that hands the statements it is given on to the project's SQL helper
  (`selectFromNotes(sql) → selectFrom(path, sql)`, a step of a raw-SQL site's `via`) is data access; one handing
  only values on (`oneNote(id) → noteById(path, id)`) keeps no layer.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, evidence_of, inspect_json
from reports import layer_violations as _violations
from reports import layers_of as _layers

REQUIREMENTS = "flask==3.0.0\npsycopg2-binary==2.9.9\n"
APP = """from flask import Flask

from app.routes.reports import reports

app = Flask(__name__)
app.register_blueprint(reports)
"""
ROUTE = """from flask import Blueprint, jsonify

from app.services.%(module)s import Executor

reports = Blueprint("reports", __name__)


@reports.get("/reports")
def list_reports():
    return jsonify(Executor().rows("SELECT id, title FROM report"))
"""
EXECUTOR = """import os

import psycopg2


class Executor:
    def __init__(self):
        self.conn = None

    def connect(self):
        self.conn = psycopg2.connect(os.environ["DATABASE_URL"])

    def rows(self, statement):
        if self.conn is None:
            self.connect()
        with self.conn.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchall()
"""


def _app(module: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": REQUIREMENTS,
        "app/__init__.py": "",
        "app/main.py": APP,
        "app/routes/__init__.py": "",
        "app/routes/reports.py": ROUTE % {"module": module},
        "app/services/__init__.py": "",
        f"app/services/{module}.py": EXECUTOR,
    }


@pytest.mark.parametrize("module", ["postgresql_executor", "pg_runner", "db_client"])
def test_a_querying_file_named_first_for_the_database_is_data_access(
    make_project: MakeProject, module: str
) -> None:
    """Violating on main: the file stayed a service by its folder, so the route's import was allowed."""
    report = inspect_json(make_project, _app(module))
    assert _layers(report)[f"app/services/{module}.py"] == "repositories"
    assert evidence_of(report)[f"app/services/{module}.py"] == "code: queries"
    assert ("bypass", "app/routes/reports.py", f"app/services/{module}.py") in _violations(report)


@pytest.mark.parametrize("module", ["report_executor", "report_sql", "sql"])
def test_a_querying_file_named_for_a_use_case_stays_a_service(make_project: MakeProject, module: str) -> None:
    """Clean: a use-case word first, a database word only after it, or a database word alone (no compound
    name) leave the folder's say."""
    report = inspect_json(make_project, _app(module))
    assert _layers(report)[f"app/services/{module}.py"] == "services"
    assert _violations(report) == []


NODE_PACKAGE = '{"name": "graph", "type": "module", "dependencies": {"express": "^4.21.0", "pg": "^8.11.0"}}'
NODE_INDEX = """import express from "express";
import { %(cls)s } from "./services/%(module)s.js";

const app = express();
const store = new %(cls)s();
app.get("/entities", async (_req, res) => res.json(await store.entities()));
app.listen(3000);
"""
NODE_STORE = """import pg from "pg";

const pool = new pg.Pool();

export class %(cls)s {
  async entities() {
    const found = await pool.query("SELECT id, name FROM entity ORDER BY id");
    return found.rows;
  }
}
"""


def _node(module: str, cls: str) -> dict[str, str | bytes]:
    values = {"module": module, "cls": cls}
    return {
        "package.json": NODE_PACKAGE,
        "src/index.ts": NODE_INDEX % values,
        f"src/services/{module}.ts": NODE_STORE % values,
    }


def test_a_camel_case_or_hyphenated_database_name_in_node_is_data_access(make_project: MakeProject) -> None:
    for module, cls in (("sql-graph-backend", "SqlGraphBackend"), ("supabaseClient", "SupabaseClient")):
        assert _layers(inspect_json(make_project, _node(module, cls)))[f"src/services/{module}.ts"] == (
            "repositories"
        )


def test_a_node_service_named_for_its_use_case_stays_a_service(make_project: MakeProject) -> None:
    assert (
        _layers(inspect_json(make_project, _node("graph-search", "GraphSearch")))[
            "src/services/graph-search.ts"
        ]
        == "services"
    )


# -- a module of SQL helpers handing the statements on ------------------------------------------------------

HELPER_PACKAGE = (
    '{"name": "notes", "type": "module", "dependencies": {"express": "^4.21.0", "better-sqlite3": "^11.0.0"}}'
)
SQLITE_HELPERS = """import Database from "better-sqlite3";

export function selectFrom(path: string, sql: string, params: unknown[] = []) {
  const db = new Database(path);
  try {
    return db.prepare(sql).all(...params);
  } finally {
    db.close();
  }
}

export function noteById(path: string, id: number) {
  const db = new Database(path);
  return db.prepare("SELECT id, body FROM note WHERE id = ?").get(id);
}
"""
APP_STORE = """import { noteById, selectFrom } from "./sqlite";

const PATH = process.env.NOTES_DB || "./notes.db";

export function selectFromNotes(sql: string, params: unknown[] = []) {
  return selectFrom(PATH, sql, params);
}

export function oneNote(id: number) {
  return noteById(PATH, id);
}
"""
HELPER_SERVER = """import express from "express";
import { %(name)s } from "./%(module)s";

const app = express();
app.get("/notes", (_req, res) => res.json(%(call)s));
app.listen(3000);
"""


def test_a_module_handing_statements_on_to_the_query_helper_is_data_access(make_project: MakeProject) -> None:
    """Violating on main: `notesStore.ts` reaches SQLite only through `sqlite.ts`'s helper, handing its SQL
    parameter on, so no client call shows in its code and it had no layer."""
    server = {
        "name": "selectFromNotes",
        "module": "notesStore",
        "call": 'selectFromNotes("SELECT id FROM note")',
    }
    files: dict[str, str | bytes] = {
        "package.json": HELPER_PACKAGE,
        "src/sqlite.ts": SQLITE_HELPERS,
        "src/notesStore.ts": APP_STORE,
        "src/server.ts": HELPER_SERVER % server,
    }
    report = inspect_json(make_project, files)
    assert _layers(report)["src/notesStore.ts"] == "repositories"
    assert evidence_of(report)["src/notesStore.ts"] == "code: queries"


def test_a_module_handing_only_values_on_to_the_data_access_keeps_no_layer(make_project: MakeProject) -> None:
    """Clean: a module passing an id to a querying function (`noteById(PATH, id)`) hands no SQL on."""
    facade = 'import { noteById } from "./sqlite";\n\nexport const oneNote = (id: number) => noteById("./n.db", id);\n'
    files: dict[str, str | bytes] = {
        "package.json": HELPER_PACKAGE,
        "src/sqlite.ts": SQLITE_HELPERS,
        "src/notesFacade.ts": facade,
        "src/server.ts": HELPER_SERVER % {"name": "oneNote", "module": "notesFacade", "call": "oneNote(1)"},
    }
    assert _layers(inspect_json(make_project, files)).get("src/notesFacade.ts", "none") == "none"
