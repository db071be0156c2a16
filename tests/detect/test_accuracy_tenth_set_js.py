"""JavaScript/TypeScript layer patterns of the tenth unseen labelled set (issue 18, docs/accuracy.md "The tenth
set's JavaScript/TypeScript patterns"), each with a violating and a clean project written for the test:

- a module of the project's own SQL statement builders (`buildSelect(table)` writing `SELECT … FROM …` and
  returning `{ text, values }`) whose results a client runs elsewhere (`pool.query(buildSelect(table))`) is data
  access wherever it lives, and a route module importing it reaches data access directly. A module of helpers
  whose results a client runs but that writes no statement (a formatter of values), or one writing SQL text that
  no client call takes, keeps no layer;
- an import whose names are used only as types (`import { TableInfo } from "../db/introspector"`, an interface)
  is erased at run time: its finding is marked `type_only`, where an import of a function is not.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json
from reports import evidence_of as _evidence
from reports import layer_violations as _violations
from reports import layers_of as _layers

PACKAGE = """{"name": "crud", "type": "module", "dependencies": {"fastify": "5", "pg": "8"}}"""
SERVER = """import Fastify from "fastify";
import { Pool } from "pg";
import { registerCrudRoutes } from "./routes/crud.js";

const app = Fastify();
const pool = new Pool({ connectionString: process.env.DATABASE_URL });
registerCrudRoutes(app, pool);
await app.listen({ port: 3000 });
"""
BUILDER = """export interface TableInfo {
  name: string;
  columns: string[];
}

export interface Statement {
  text: string;
  values: unknown[];
}

export function buildSelect(table: TableInfo, limit: number): Statement {
  const sql = `SELECT ${table.columns.join(", ")} FROM ${table.name} LIMIT $1`;
  return { text: sql, values: [limit] };
}

export function buildDelete(table: TableInfo, id: number): Statement {
  const sql = `DELETE FROM ${table.name} WHERE id = $1`;
  return { text: sql, values: [id] };
}
"""
FORMATTER = """export interface TableInfo {
  name: string;
  columns: string[];
}

export function pageOf(table: TableInfo, limit: number): { text: string; values: unknown[] } {
  const label = `${table.name} page`;
  return { text: label, values: [limit] };
}
"""
ROUTES = """import type { FastifyInstance } from "fastify";
import { Pool } from "pg";
import { TableInfo } from "../db/statements.js";
import { buildSelect, buildDelete } from "../db/statements.js";

const users: TableInfo = { name: "users", columns: ["id", "email"] };

export function registerCrudRoutes(app: FastifyInstance, pool: Pool): void {
  app.get("/users", async () => (await pool.query(buildSelect(users, 20))).rows);
  app.delete("/users/:id", async (request) => {
    await pool.query(buildDelete(users, Number((request.params as { id: string }).id)));
    return { deleted: true };
  });
}
"""


def _crud(**more: str) -> dict[str, str]:
    return {
        "package.json": PACKAGE,
        "src/index.ts": SERVER,
        "src/db/statements.ts": BUILDER,
        "src/routes/crud.ts": ROUTES,
        **more,
    }


def test_a_module_writing_the_statements_a_client_runs_is_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _crud())
    assert _layers(report)["src/db/statements.ts"] == "repositories"
    assert _evidence(report)["src/db/statements.ts"] == "code: queries"
    assert _layers(report)["src/routes/crud.ts"] == "routes"
    # the import of the builders is a run-time bypass; the import of the interface alone is erased
    violations = report["architecture"]["violations"]
    assert _violations(report) == [
        ("bypass", "src/routes/crud.ts", "src/db/statements.ts"),
        ("bypass", "src/routes/crud.ts", "src/db/statements.ts"),
    ]
    assert sorted((v["line"], v["type_only"]) for v in violations) == [(3, True), (4, False)]


def test_the_builders_in_any_folder_are_data_access(make_project: MakeProject) -> None:
    files = _crud(
        **{"src/lib/statements.ts": BUILDER, "src/routes/crud.ts": ROUTES.replace("../db/", "../lib/")}
    )
    del files["src/db/statements.ts"]
    report = inspect_json(make_project, files)
    assert _layers(report)["src/lib/statements.ts"] == "repositories"
    assert ("bypass", "src/routes/crud.ts", "src/lib/statements.ts") in _violations(report)


@pytest.mark.parametrize("unused", [True, False], ids=["no-client-runs-it", "writes-no-statement"])
def test_helpers_writing_no_statement_or_run_by_no_client_keep_no_layer(
    make_project: MakeProject, unused: bool
) -> None:
    if unused:  # the statements are written, but the routes only read their text: no client runs them
        routes = ROUTES.replace("pool.query(buildSelect(users, 20))", "buildSelect(users, 20).text")
        routes = routes.replace("await pool.query(buildDelete(", "buildDelete(")
        files = _crud(**{"src/routes/crud.ts": routes, "src/lib/statements.ts": BUILDER})
    else:  # a client runs the helper's result, but the helper writes no SQL
        routes = ROUTES.replace("buildSelect(", "pageOf(").replace("buildDelete(", "pageOf(")
        routes = routes.replace("import { pageOf, pageOf }", "import { pageOf }")
        files = _crud(
            **{"src/routes/crud.ts": routes.replace("../db/", "../lib/"), "src/lib/statements.ts": FORMATTER}
        )
    del files["src/db/statements.ts"]
    files["src/routes/crud.ts"] = files["src/routes/crud.ts"].replace("../db/", "../lib/")
    report = inspect_json(make_project, files)
    assert "src/lib/statements.ts" not in _layers(report)
    assert _layers(report)["src/routes/crud.ts"] == "routes"
    assert _violations(report) == []
