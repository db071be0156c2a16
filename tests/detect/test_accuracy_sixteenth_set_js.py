"""Patterns of the sixteenth held-out set's JavaScript/TypeScript half (docs/accuracy.md, issue 18).

- A driver method chosen by a string: a helper `run(method, sql, params)` running `pool[method](sql, params)`,
  called as `run('query', sql)` by thin wrappers, is a helper of each catalogued method its callers name, and
  the SQL handed to the wrappers is raw SQL at their callers; a method named by nothing literal is no sink.
- A TypeORM connection whose options come from the environment: `createConnection(options)` after
  `const options = await getConnectionOptions()` (or `createConnection()` alone) reads `ormconfig.*`, else the
  `TYPEORM_*` variables: the engine of $TYPEORM_CONNECTION where a `.env` sets it, else the one declared
  driver; an ormconfig file decides as before. Without either the getter throws: no engine in the paper's
  harness.
"""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, inspect_json

EXPRESS_MYSQL = (
    '{"name": "shows", "version": "1.0.0", "dependencies": {"express": "4.18.2", "mysql2": "3.6.0"}}'
)
RUNNER = """const express = require('express');
const mysql = require('mysql2/promise');

let pool;

async function openPool() {
  if (!pool) {
    pool = mysql.createPool({ host: process.env.DB_HOST || 'localhost', database: 'shows' });
  }
  return pool;
}

async function runSql(method, sql, params, attempt = 0) {
  const client = await openPool();
  try {
    return await client[method](sql, params);
  } catch (err) {
    if (attempt < 2) return runSql(method, sql, params, attempt + 1);
    throw err;
  }
}

const select = (sql, params) => runSql({select}, sql, params);
const change = (sql, params) => runSql({change}, sql, params);

const app = express();
app.get('/shows', async (req, res) => {
  const [rows] = await select('SELECT id, title FROM shows WHERE year = ?', [req.query.year]);
  res.json(rows);
});
app.post('/shows', async (req, res) => {
  await change('INSERT INTO shows (title) VALUES (?)', [req.body.title]);
  res.status(201).end();
});
app.listen(3000);
"""


def _raw(make_project: MakeProject, select: str, change: str) -> list[tuple[int, str, str]]:
    source = RUNNER.replace("{select}", select).replace("{change}", change)
    report = inspect_json(make_project, {"package.json": EXPRESS_MYSQL, "server.js": source})
    return [(r["line"], r["statement"], r["via"]) for r in report["orm"]["raw_sql"]]


def test_sql_handed_to_a_helper_choosing_the_driver_method_by_a_string_is_raw_sql_at_the_callers(
    make_project: MakeProject,
) -> None:
    assert _raw(make_project, "'query'", "'execute'") == [
        (28, "SELECT", "select (server.js:23) → runSql (server.js:16)"),
        (32, "INSERT", "change (server.js:24) → runSql (server.js:16)"),
    ]


def test_a_method_name_that_is_no_literal_or_no_driver_method_runs_no_sql(make_project: MakeProject) -> None:
    # the wrappers hand a variable (`req`-free: a module value) and a name outside the catalogue
    assert _raw(make_project, "process.env.DB_METHOD", "'prepareStatement'") == []


KOA_TYPEORM = (
    '{"name": "heroes", "version": "1.0.0", "dependencies": {"koa": "2.7.0", "koa-router": "7.4.0", '
    '"typeorm": "0.2.18", {drivers}}}'
)
DATABASE = """import { createConnection, getConnectionOptions, ConnectionOptions } from "typeorm";

export const openDatabase = async (): Promise<any> => {
  {open}
};
"""
FROM_GETTER = """const options: ConnectionOptions = await getConnectionOptions();
  Object.assign(options, { logging: ["error"], synchronize: false });
  return createConnection(options);"""
SERVER = """import * as Koa from "koa";
import * as Router from "koa-router";
import { openDatabase } from "./database";

openDatabase()
  .then(() => {
    const app = new Koa();
    const router = new Router();
    router.get("/api/health-check", (ctx) => { ctx.body = "ok"; });
    app.use(router.routes());
    app.listen(3000);
  })
  .catch((err) => console.error(err));
"""
PG = '"pg": "7.11.0"'
PG_AND_MYSQL = '"pg": "7.11.0", "mysql2": "3.6.0"'


def _typeorm(open_: str, drivers: str = PG, **extra: str) -> dict[str, str | bytes]:
    return {
        "package.json": KOA_TYPEORM.replace("{drivers}", drivers),
        "src/database.ts": DATABASE.replace("{open}", open_),
        "src/index.ts": SERVER,
        **extra,
    }


def _engines(make_project: MakeProject, files: dict[str, str | bytes]) -> tuple[list[str], dict[str, str]]:
    database: dict[str, Any] = inspect_json(make_project, files)["database"]
    return database["engines"], database["usage"]


@pytest.mark.parametrize(
    "open_",
    [FROM_GETTER, "return createConnection(await getConnectionOptions());", "return createConnection();"],
)
def test_typeorm_options_read_from_the_environment_take_the_one_declared_driver(
    make_project: MakeProject, open_: str
) -> None:
    assert _engines(make_project, _typeorm(open_)) == (["postgresql"], {"postgresql": "runtime"})


@pytest.mark.parametrize(
    ("dotenv", "engines"),
    [
        ("TYPEORM_CONNECTION=mysql\nTYPEORM_HOST=localhost\n", ["mysql"]),
        ("TYPEORM_URL=postgres://user:secret@localhost:5432/heroes\n", ["postgresql"]),
        ("", ["mysql", "postgresql"]),  # no `.env`: either declared driver, nothing says which
    ],
)
def test_typeorm_options_read_from_the_environment_take_the_engine_a_dotenv_names(
    make_project: MakeProject, dotenv: str, engines: list[str]
) -> None:
    extra = {".env": dotenv} if dotenv else {}
    found, usage = _engines(make_project, _typeorm(FROM_GETTER, PG_AND_MYSQL, **extra))
    assert found == engines
    assert all(usage[engine] == "runtime" for engine in engines)


def test_an_ormconfig_file_decides_as_before(make_project: MakeProject) -> None:
    files = _typeorm(
        FROM_GETTER, PG_AND_MYSQL, **{"ormconfig.json": '{"type": "mysql", "database": "heroes"}'}
    )
    engines, usage = _engines(make_project, files)
    assert engines == ["mysql"]
    assert usage["postgresql"] == "declared"


def test_an_ormconfig_file_cdverify_does_not_read_leaves_the_engine_unknown(
    make_project: MakeProject,
) -> None:
    files = _typeorm(FROM_GETTER, PG, **{"ormconfig.yml": "default:\n  type: postgres\n"})
    assert _engines(make_project, files) == ([], {"postgresql": "declared"})


def test_options_written_in_code_are_not_read_from_the_environment(make_project: MakeProject) -> None:
    written = 'return createConnection({ type: "mysql", database: "heroes" });'
    assert _engines(make_project, _typeorm(written, PG_AND_MYSQL))[0] == ["mysql"]


def _paper_database(make_project: MakeProject, files: dict[str, str | bytes]) -> dict[str, Any]:
    report = check(make_project, files, "koa-openapi-postgres")
    verdict: dict[str, Any] = report["verdicts"]["database"]
    db001 = [f for f in report["findings"] if f["rule"] == "DB001"]
    return {"status": verdict["status"], "DB001": db001}


def test_without_typeorm_variables_the_app_has_no_database_in_the_paper_harness(
    make_project: MakeProject,
) -> None:
    found = _paper_database(make_project, _typeorm(FROM_GETTER))
    (finding,) = found["DB001"]
    assert "has no database to start with" in finding["message"]
    assert finding["harness_engines"] == []
    assert "$TYPEORM_CONNECTION" in finding["message"]
    assert finding["file"] == "src/database.ts"


def test_where_a_dotenv_sets_the_typeorm_variable_the_app_runs_on_it_in_the_paper_harness(
    make_project: MakeProject,
) -> None:
    found = _paper_database(make_project, _typeorm(FROM_GETTER, **{".env": "TYPEORM_CONNECTION=postgres\n"}))
    assert found == {"status": "pass", "DB001": []}
