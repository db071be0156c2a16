"""A callback written where it is handed reads the variables of the function around it (the twenty-seventh
unseen labelled set, issue 18, docs/accuracy.md "The twenty-seventh set's disagreements"): a migration runner
running each migration file's text in a transaction (`sqlite.transaction(() => { sqlite.exec(sql) })`, `sql`
read from the file just before) writes no statement there; a statement assigned before the callback is that
statement, not SQL built at run time. Violating and clean projects written for the test."""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json

SERVER = """import express from "express";
import Database from "better-sqlite3";
import { runMigrations } from "./db/migrate";

const sqlite = new Database("data.db");
runMigrations(sqlite);
const app = express();
app.get("/health", (_req, res) => res.json({ ok: true }));
app.listen(3000);
"""
PACKAGE = '{"name": "api", "dependencies": {"express": "^4.19.0", "better-sqlite3": "^11.0.0"}}'
RUNNER = """import type Database from "better-sqlite3";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export function runMigrations(sqlite: Database.Database, folder = "migrations"): void {
  for (const file of readdirSync(folder).sort()) {
    const sql = %s;
    const apply = sqlite.transaction(() => {
      sqlite.exec(sql);
    });
    apply();
  }
}
"""


def _sites(files: dict[str, str | bytes], make_project: MakeProject) -> list[tuple[int, str]]:
    report: dict[str, Any] = inspect_json(make_project, files)
    return sorted(
        (item["line"], item["kind"])
        for item in report["orm"]["raw_sql"]
        if item["file"] == "src/db/migrate.ts" and item["scope"] == "application"
    )


def _project(runner: str) -> dict[str, str | bytes]:
    return {"package.json": PACKAGE, "src/server.ts": SERVER, "src/db/migrate.ts": runner}


def test_a_migration_file_run_in_a_transaction_callback_is_no_statement(make_project: MakeProject) -> None:
    """Violating on main: the callback's `sql` was looked up in the callback alone, so the file's text read
    by the enclosing function was SQL built at run time (a dynamic site)."""
    runner = RUNNER % 'readFileSync(join(folder, file), "utf8")'
    assert _sites(_project(runner), make_project) == []


def test_a_statement_assigned_around_the_callback_is_that_statement(make_project: MakeProject) -> None:
    """Violating on main: the statement assigned in the enclosing function was not seen in the callback,
    which reported dynamic SQL with no table."""
    runner = RUNNER % '"DELETE FROM migrations WHERE filename = \'" + file + "\'"'
    runner = runner.replace("sqlite.exec(sql);", "sqlite.exec(sql);\n      sqlite.exec(file);")
    assert _sites(_project(runner), make_project) == [(9, "statement"), (10, "dynamic")]


def test_a_parameter_of_the_callback_hides_the_enclosing_variable(make_project: MakeProject) -> None:
    """Clean: a callback's own parameter named `sql` (`function apply(sql) { … }`) is what it runs, each
    piece of the list it is handed, not the statement assigned around it."""
    runner = RUNNER % '"DELETE FROM migrations WHERE filename = ?"'
    runner = runner.replace(
        "const apply = sqlite.transaction(() => {\n      sqlite.exec(sql);\n    });\n    apply();",
        "readdirSync(file).map(String).forEach(function apply(sql: string) {\n      sqlite.exec(sql);\n    });\n"
        "    sqlite.prepare(sql).run(file);",
    )
    sites = _sites(_project(runner), make_project)
    assert (11, "statement") in sites
    assert (9, "statement") not in sites
