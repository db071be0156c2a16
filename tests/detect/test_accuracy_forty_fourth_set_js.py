"""Patterns of the forty-fourth held-out set's JavaScript half (docs/accuracy.md, issue 18).

- A statement written with a template tag that only builds a `{ text, values }` statement for a driver
  (`@nearform/sql`'s and sql-template-strings' SQL`SELECT … ${id}`), handed to a pg client as it is made, by
  the name bound to it, or through that name's `.text` in a query-config object, is raw SQL at the sink.
- The callbacks a migration runner is given (postgrator's `execQuery` / `execSqlScript`) run the runner's
  bookkeeping and the migration files' statements: the parameter they hand the client is no SQL the app writes.

The projects are small synthetic ones written for these tests.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json

PACKAGE = (
    '{"name": "notes", "type": "module", "dependencies": {"fastify": "5", "pg": "8", "@nearform/sql": "1",'
    ' "sql-template-strings": "2", "postgrator": "8"}}'
)
TAGGED_STORE = """import SQL from "@nearform/sql";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });

export async function addNote(title) {
  const statement = SQL`
    INSERT INTO notes (title)
    VALUES (${title})
    RETURNING id, title
  `;
  const result = await pool.query({
    text: statement.text,
    values: statement.values,
  });
  return result.rows[0];
}

export async function listNotes() {
  const listing = SQL`SELECT id, title FROM notes ORDER BY id`;
  return (await pool.query(listing)).rows;
}

export async function dropNote(id) {
  return pool.query(SQL`DELETE FROM notes WHERE id = ${id}`);
}
"""


def _raw_sql(report: dict[str, object]) -> dict[int, str]:
    orm = report["orm"]
    assert isinstance(orm, dict)
    return {item["line"]: item["sql"] for item in orm["raw_sql"]}


@pytest.mark.parametrize(
    "store",
    [
        TAGGED_STORE,
        TAGGED_STORE.replace('import SQL from "@nearform/sql"', 'import SQL from "sql-template-strings"'),
        TAGGED_STORE.replace('import SQL from "@nearform/sql"', 'import { SQL } from "sql-template-strings"'),
    ],
)
def test_statements_of_a_sql_template_tag_are_raw_sql_at_the_sink(
    make_project: MakeProject, store: str
) -> None:
    report = inspect_json(make_project, {"package.json": PACKAGE, "src/notes.js": store})
    sites = _raw_sql(report)
    assert " ".join(sites[12].split()).startswith(
        "INSERT INTO notes (title) VALUES ("
    )  # `.text` of the bound statement
    assert sites[21] == "SELECT id, title FROM notes ORDER BY id"  # the name bound to the statement
    assert sites[25].startswith("DELETE FROM notes WHERE id = ")  # handed to the sink as it is made
    assert sorted(sites) == [12, 21, 25]  # at the sinks, not where the templates are written


def test_a_tag_of_the_project_stays_unread(make_project: MakeProject) -> None:
    # a tag of the project's own: what it returns is unknown (a string, an object, a builder)
    store = TAGGED_STORE.replace('import SQL from "@nearform/sql"', 'import SQL from "./sqltag.js"')
    files: dict[str, str | bytes] = {"package.json": PACKAGE, "src/notes.js": store}
    files["src/sqltag.js"] = "export default function SQL(strings) { return strings.join('?'); }\n"
    sites = _raw_sql(inspect_json(make_project, files))
    assert not {12, 21} & set(sites)


def test_other_fields_of_the_statement_are_no_sql(make_project: MakeProject) -> None:
    store = TAGGED_STORE.replace("text: statement.text", "text: statement.title")
    store = store.replace("pool.query(listing)", "pool.query(listing.values)")
    sites = _raw_sql(inspect_json(make_project, {"package.json": PACKAGE, "src/notes.js": store}))
    assert sorted(sites) == [25]  # only the statement handed as it is made


MIGRATOR = """import Postgrator from "postgrator";
import pg from "pg";

export async function runMigrations() {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query("SELECT 1 AS one");
  const postgrator = new Postgrator({
    migrationPattern: "migrations/*.sql",
    driver: "pg",
    execQuery: async (query) => {
      const result = await client.query(query);
      return { rows: result.rows };
    },
    execSqlScript: async (sqlScript) => {
      await client.query(sqlScript);
    },
  });
  await postgrator.migrate();
}
"""
SERVER = """import Fastify from "fastify";
import { runMigrations } from "./migrate.js";

await runMigrations();
const app = Fastify();
app.listen({ port: 3000 });
"""


def test_the_callbacks_of_a_migration_runner_hold_no_sql_of_the_app(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "src/migrate.js": MIGRATOR,
        "src/server.js": SERVER,
    }
    sites = _raw_sql(inspect_json(make_project, files))
    assert sites == {7: "SELECT 1 AS one"}  # the probe the app writes; not the runner's queries


def test_a_callback_handed_elsewhere_still_runs_dynamic_sql(make_project: MakeProject) -> None:
    # the same callbacks handed to a project function, not a migration runner: SQL built at run time
    migrator = MIGRATOR.replace(
        'import Postgrator from "postgrator";', 'import Postgrator from "./runner.js";'
    )
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "src/migrate.js": migrator,
        "src/server.js": SERVER,
        "src/runner.js": "export default class Runner { constructor(options) { this.options = options; } }\n",
    }
    sites = _raw_sql(inspect_json(make_project, files))
    assert sites == {7: "SELECT 1 AS one", 12: "query", 16: "sqlScript"}
