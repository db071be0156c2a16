"""Node modules that export nothing and run as they load (docs/accuracy.md "The hundred-and-twenty-second set's
disagreements (session 2026-12-07 (19))"): a `check-database.js` at the project root opening the SQLite file and
running its queries at module level, that nothing imports, can only be run by hand: a program in no layer, whose
statements are no application raw SQL. A module exporting its handle, or one the app imports for its side
effects, keeps its layer.
"""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import layers_of as _layers

PACKAGE = '{"name": "timeflow", "type": "module", "dependencies": {"express": "4", "better-sqlite3": "11"}}'
SERVER = """import express from "express";
import { db } from "./db.js";
import "./tasks-table.js";

const app = express();
app.get("/tasks", (req, res) => res.json(db.prepare("SELECT * FROM tasks").all()));
app.listen(3000);
"""
DB = """import Database from "better-sqlite3";

export const db = new Database("data.sqlite");
"""
SEED = """import { db } from "./db.js";

db.prepare("INSERT OR IGNORE INTO tasks (id, title) VALUES (1, 'first')").run();
"""
CHECK = """import Database from "better-sqlite3";

const db = new Database("data.sqlite");
const row = db.prepare("SELECT * FROM tasks WHERE id = 1").get();
console.log(row);
"""


def test_a_module_exporting_nothing_that_runs_queries_as_it_loads_is_a_program(
    make_project: MakeProject,
) -> None:
    report = inspect_json(
        make_project,
        {
            "package.json": PACKAGE,
            "server.js": SERVER,
            "db.js": DB,
            "tasks-table.js": SEED,
            "check-database.js": CHECK,
        },
    )
    layers = _layers(report)
    assert "check-database.js" not in layers
    application = {(r["file"], r["line"]) for r in report["orm"]["raw_sql"] if r["scope"] == "application"}
    assert ("check-database.js", 4) not in application
    # the handle's module and the module the server imports for its effects keep their layer and their SQL
    assert layers["db.js"] == "repositories"
    assert layers["tasks-table.js"] == "repositories"
    assert ("tasks-table.js", 3) in application
