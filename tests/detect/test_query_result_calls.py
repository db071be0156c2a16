"""A method called on what a JS query returned runs no query (docs/accuracy.md "The hundred-and-twenty-fifth set's
disagreements (session 2026-12-07 (19))"): postgres.js's sql`SELECT …` runs its statement itself and hands back
the rows, so `rows.map(convert)` after const rows = await sql`…` and (await sql`…`).map(convert) are calls on
an array, not pg-promise's `db.map(query, values, cb)`; the statement is sited at the template only, in a
transaction (tx`…`) as well. Clean: pg-promise's own `db.map(…)` on the client, and a postgres.js transaction's
`tx.unsafe(…)` (the transaction is a client, not a query's result) still run their SQL. Projects written for
the test."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from reports import MakeProject, inspect_json


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def sites(make_project: MakeProject, package: str, queries: str) -> list[tuple[str, int, str]]:
    files: dict[str, str | bytes] = {
        "package.json": json.dumps({"name": "shop", "dependencies": {"koa": "2.15.0", package: "3.4.4"}}),
        "lib/services/products.ts": src(queries),
    }
    data: dict[str, Any] = inspect_json(make_project, files)["orm"]
    return sorted((r["file"], r["line"], r["api"]) for r in data["raw_sql"])


ROWS = """
import postgres from "postgres";

const sql = postgres({ host: "db" });
const toNumber = (row: { price: string }) => ({ ...row, price: Number(row.price) });

export async function listProducts(kind?: string) {
  const products = await sql<{ price: string }[]>`
    SELECT id, price
    FROM products
    ${kind ? sql`WHERE kind = ${kind}` : sql``}
  `;
  return products.map(toNumber);
}

export async function getProduct(id: string) {
  const [product] = (
    await sql<{ price: string }[]>`
    SELECT id, price FROM products WHERE id = ${id}
  `
  ).map(toNumber);
  return product;
}
"""


def test_a_method_on_the_rows_a_postgres_js_template_returned_runs_no_query(
    make_project: MakeProject,
) -> None:
    template = "postgres.js tagged template"
    assert sites(make_project, "postgres", ROWS) == [
        ("lib/services/products.ts", 7, template),
        ("lib/services/products.ts", 17, template),
    ]


PG_PROMISE = """
import pgPromise from "pg-promise";

const db = pgPromise()("postgres://db/shop");

export async function prices() {
  return db.map("SELECT price FROM products", [], (row: { price: string }) => Number(row.price));
}
"""
TRANSACTION = """
import postgres from "postgres";

const sql = postgres({ host: "db" });

export async function restock(id: string) {
  return sql.begin(async (tx) => {
    await tx.unsafe("UPDATE products SET stock = stock + 1 WHERE id = $1", [id]);
    const rows = await tx`SELECT stock FROM products WHERE id = ${id}`;
    return rows.map((row: { stock: number }) => row.stock);
  });
}
"""


def test_pg_promise_map_on_the_client_and_a_transactions_query_still_run_sql(
    make_project: MakeProject,
) -> None:
    assert sites(make_project, "pg-promise", PG_PROMISE) == [
        ("lib/services/products.ts", 6, "pg-promise / postgres.js")
    ]
    assert sites(make_project, "postgres", TRANSACTION) == [
        ("lib/services/products.ts", 7, "pg-promise / postgres.js"),
        ("lib/services/products.ts", 8, "postgres.js tagged template"),
    ]
