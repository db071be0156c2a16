"""The pool @fastify/postgres decorates a Fastify instance with, handed to a repository class typed with the
plugin's own `PostgresDb` (issue 18, the sixty-second set; docs/accuracy.md "Sixty-second and sixty-third sets,
JavaScript/TypeScript halves"): a route plugin builds `new ItemService(fastify.pg)`, the service builds
`new ItemRepository(pg)`, and the repository, `constructor(private readonly pg: PostgresDb)`, runs
`this.pg.query("SELECT …")`. The parameter is the pool (rules/parse.toml `[node.injected]`), so the strings its
`query` runs are raw SQL, as those of `fastify.pg.query(…)` are; its `pool` too.

Clean: the pool's connection and transaction plumbing (`connect`, `release`, `transact`) runs no SQL; a parameter
typed with another library's client is no pool. Projects written for the test."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from reports import MakeProject, inspect_json

PACKAGE = (
    '{"name": "shop", "dependencies": {"fastify": "5.2.0", "@fastify/postgres": "6.0.1", "pg": "8.13.1"}}'
)
APP = """import Fastify from "fastify";
import fastifyPostgres from "@fastify/postgres";
import { ItemService } from "./items/item.service";

const app = Fastify();
app.register(fastifyPostgres, { connectionString: process.env.DATABASE_URL });
app.register(async (instance) => {
  const items = new ItemService(instance.pg);
  instance.get("/items", async () => items.list());
});
app.listen({ port: 3000 });
"""
SERVICE = """import { PostgresDb } from "@fastify/postgres";
import { ItemRepository } from "./item.repo";

export class ItemService {
  private readonly repo: ItemRepository;

  constructor(pg: PostgresDb) {
    this.repo = new ItemRepository(pg);
  }

  list() {
    return this.repo.findAll();
  }
}
"""


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def sites(make_project: MakeProject, repo: str) -> list[tuple[str, int]]:
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "src/app.ts": APP,
        "src/items/item.service.ts": SERVICE,
        "src/items/item.repo.ts": src(repo),
    }
    data: dict[str, Any] = inspect_json(make_project, files)["orm"]
    return sorted((r["file"], r["line"]) for r in data["raw_sql"])


REPOSITORY = """
import { PostgresDb } from "@fastify/postgres";

export class ItemRepository {
  constructor(private readonly pg: PostgresDb) {}

  async findAll() {
    const result = await this.pg.query("SELECT * FROM item ORDER BY id");
    return result.rows;
  }

  async remove(id: number) {
    const result = await this.pg.query("DELETE FROM item WHERE id = $1", [id]);
    return result.rowCount > 0;
  }
}
"""
POOL = """
import type { PostgresDb } from "@fastify/postgres";

export class ItemRepository {
  private readonly db: PostgresDb;

  constructor(db: PostgresDb) {
    this.db = db;
  }

  async findAll() {
    return (await this.db.pool.query("SELECT id, name FROM item")).rows;
  }
}
"""


@pytest.mark.parametrize(
    ("repo", "expected"),
    [
        (REPOSITORY, [("src/items/item.repo.ts", 7), ("src/items/item.repo.ts", 12)]),
        (POOL, [("src/items/item.repo.ts", 11)]),
    ],
    ids=["parameter-property", "assigned-field-pool"],
)
def test_a_parameter_typed_with_the_plugins_pool_runs_raw_sql(
    make_project: MakeProject, repo: str, expected: list[tuple[str, int]]
) -> None:
    assert sites(make_project, repo) == expected


def test_the_pools_connection_and_transaction_calls_run_no_sql(make_project: MakeProject) -> None:
    plumbing = """
    import { PostgresDb } from "@fastify/postgres";

    export class ItemRepository {
      constructor(private readonly pg: PostgresDb) {}

      async ping() {
        const client = await this.pg.connect();
        client.release();
        return this.pg.transact(async () => "items");
      }
    }
    """
    assert sites(make_project, plumbing) == []


def test_a_repository_typed_with_another_library_runs_no_plugin_sql(make_project: MakeProject) -> None:
    cache = """
    import type { Redis } from "ioredis";

    export class ItemRepository {
      constructor(private readonly pg: Redis) {}

      async findAll() {
        return this.pg.get("items");
      }
    }
    """
    assert sites(make_project, cache) == []
