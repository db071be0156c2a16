"""A postgres.js client handed to a function as a parameter typed with the library's own type (issue 18, the
thirty-fifth set; docs/accuracy.md "Typed postgres.js parameters (session 2026-12-06 (12))"): `import type { Sql }
from "postgres"` then `export async function getUser(sql: Sql, id: number) { return sql\\`SELECT …\\` }` — the
query modules of a Fastify app whose routes hand them `fastify.sql`. The parameter is the client (rules/parse.toml
`[node.injected]`), so its tagged templates are raw SQL, typed (`sql<Row[]>\\`…\\``) or not, as the client's own are;
a transaction's type (`TransactionSql`) too.

Clean: the client called as a function builds values and identifiers, not a query (`sql(user, "name")`); a
parameter whose `Sql` type is the project's own is no client. Projects written for the test."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from reports import MakeProject, inspect_json

PACKAGE = '{"name": "todo", "dependencies": {"fastify": "4.28.1", "postgres": "3.4.4"}}'
SERVER = """import Fastify from "fastify";
import postgres from "postgres";
import { getTask } from "./queries.js";

const sql = postgres(process.env.DATABASE_URL ?? "postgres://localhost/todo");
const app = Fastify();
app.get("/api/tasks/:id", async (request) => getTask(sql, Number((request.params as { id: string }).id)));
app.listen({ port: 3000 });
"""


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def sites(make_project: MakeProject, queries: str) -> list[tuple[str, int]]:
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "src/server.ts": SERVER,
        "src/queries.ts": src(queries),
    }
    data: dict[str, Any] = inspect_json(make_project, files)["orm"]
    return sorted((r["file"], r["line"]) for r in data["raw_sql"])


TYPED = """
import type { Sql } from "postgres";

export async function getTask(sql: Sql, id: number) {
  const [task] = await sql<{ id: number; title: string }[]>`
    SELECT id, title FROM tasks WHERE id = ${id}
  `;
  return task;
}

export async function deleteTask(sql: Sql, id: number) {
  await sql`DELETE FROM tasks WHERE id = ${id}`;
}
"""
TRANSACTION = """
import type { TransactionSql } from "postgres";

export async function getTask(tx: TransactionSql, id: number) {
  await tx`UPDATE tasks SET seen = true WHERE id = ${id}`;
}
"""


@pytest.mark.parametrize(
    ("queries", "expected"),
    [(TYPED, [("src/queries.ts", 4), ("src/queries.ts", 11)]), (TRANSACTION, [("src/queries.ts", 4)])],
    ids=["Sql", "TransactionSql"],
)
def test_a_parameter_typed_with_the_postgres_js_client_runs_raw_sql(
    make_project: MakeProject, queries: str, expected: list[tuple[str, int]]
) -> None:
    assert sites(make_project, queries) == expected


def test_the_client_called_as_a_function_builds_no_query(make_project: MakeProject) -> None:
    helper = """
    import type { Sql } from "postgres";

    export async function getTask(sql: Sql, id: number) {
      return sql({ id }, "id");
    }
    """
    assert sites(make_project, helper) == []


def test_a_parameter_typed_with_a_project_type_named_sql_is_no_client(make_project: MakeProject) -> None:
    own = TYPED.replace('import type { Sql } from "postgres";', 'import type { Sql } from "./types.js";')
    assert sites(make_project, own) == []
