"""DB001 where the variable the application runs on names the engine rather than giving a URL (TypeORM's
`TYPEORM_CONNECTION` read by `getConnectionOptions()`, knex's `client: process.env.DB_CLIENT`): the hint and
the mechanical fix set it to the name the library reading it gives the required engine (`postgres`,
`pg`), never to the harness URL (`TYPEORM_CONNECTION=postgresql://…` makes TypeORM refuse to start)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from reports import MakeProject

from cdverify import verify
from cdverify.fixes import with_fixes

TYPEORM_PACKAGE = (
    '{"name": "heroes", "dependencies": {"koa": "2.7.0", "koa-router": "7.4.0", "typeorm": "0.2.18", '
    '"pg": "7.11.0"}}'
)
TYPEORM_DATABASE = """import { createConnection, getConnectionOptions } from "typeorm";

export const openDatabase = async (): Promise<any> => {
  const options = await getConnectionOptions();
  return createConnection(options);
};
"""
KNEX_PACKAGE = (
    '{"name": "notes", "dependencies": {"koa": "2.7.0", "koa-router": "7.4.0", "knex": "3", "pg": "8"}}'
)
KNEX_DATABASE = """import knex from "knex";

export const db = knex({ client: process.env.DB_CLIENT, connection: "postgresql://user:password@postgres:5432/conduit" });
export const openDatabase = async (): Promise<any> => db.raw("select 1");
"""
SERVER = """import * as Koa from "koa";
import * as Router from "koa-router";
import { openDatabase } from "./database";

openDatabase().then(() => {
  const app = new Koa();
  const router = new Router();
  router.get("/api/health-check", (ctx) => { ctx.body = "ok"; });
  app.use(router.routes());
  app.listen(3000);
});
"""


def _project(make_project: MakeProject, package: str, database: str) -> Path:
    return make_project({"package.json": package, "src/database.ts": database, "src/index.ts": SERVER})


def _db001(root: Path) -> Any:
    report = with_fixes(verify(root, "koa-openapi-postgres", use_cache=False))
    (finding,) = [f for f in report.findings if f.rule == "DB001"]
    return report, finding


@pytest.mark.parametrize(
    ("package", "database", "variable", "value"),
    [
        (TYPEORM_PACKAGE, TYPEORM_DATABASE, "TYPEORM_CONNECTION", "postgres"),
        (KNEX_PACKAGE, KNEX_DATABASE, "DB_CLIENT", "pg"),
    ],
    ids=["typeorm-from-the-environment", "knex-client-from-the-environment"],
)
def test_a_variable_naming_the_engine_is_set_to_the_librarys_name_of_it(
    make_project: MakeProject, package: str, database: str, variable: str, value: str
) -> None:
    root = _project(make_project, package, database)
    report, finding = _db001(root)
    assert finding.data["switch"] == variable
    assert finding.data["switch_value"] == value
    assert f"{variable}={value} in a `.env`" in finding.hint
    assert "postgresql://" not in finding.hint.split(" in a `.env`")[0]
    assert f"+{variable}={value}" in report.fix_diff
    done = subprocess.run(
        ["git", "apply", "-"], cwd=root, input=report.fix_diff, text=True, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert (root / ".env").read_text() == f"{variable}={value}\n"
    after = verify(root, "koa-openapi-postgres", use_cache=False)
    assert [f.rule for f in after.findings if f.rule.startswith("DB")] == []


def test_a_url_variable_still_gets_the_harness_url(make_project: MakeProject) -> None:
    database = TYPEORM_DATABASE.replace(
        "const options = await getConnectionOptions();\n  return createConnection(options);",
        'return createConnection({ type: "postgres", url: process.env.PG_URL });',
    )
    _, finding = _db001(_project(make_project, TYPEORM_PACKAGE, database))
    assert finding.data["switch"] == "PG_URL"
    assert "switch_value" not in finding.data
    assert "PG_URL=postgresql://user:password@postgres:5432/conduit in a `.env`" in finding.hint
