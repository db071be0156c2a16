"""Source files a package.json script runs through a development runner (issue 18, the eighty-ninth set):
`"migration:run": "ts-node-dev src/shared/infra/database/runMigrations.ts"` runs a migration program as surely as `ts-node` or
`tsx` would (rules/manifests.toml `package_json.runners`): it is a command-line script, in no layer, and its statements
are the scripts' raw SQL, not the application's. The server the start script runs through the same runner stays the
application."""

from __future__ import annotations

import pytest
from reports import MakeProject

from cdverify.pipeline import inspect

SERVER = (
    'import Koa from "koa";\nimport Router from "koa-router";\nimport { pool } from "./shared/infra/database/pool";\n\n'
    "const app = new Koa();\nconst router = new Router();\n"
    'router.get("/notes", async (ctx) => {\n  ctx.body = (await pool.query("select id, body from notes")).rows;\n});\n'
    "app.use(router.routes());\napp.listen(3000);\n"
)
POOL = (
    'import { Client } from "pg";\n\nexport const pool = new Client({ host: "localhost" });\n\n'
    "export async function createConnection() {\n  await pool.connect();\n  return { client: pool };\n}\n"
)
MIGRATE = (
    'import { createConnection } from "./pool";\n\n(async () => {\n  const { client } = await createConnection();\n'
    "  await client.query(`create table if not exists migrations (id serial primary key, name varchar not null)`);\n"
    '  await client.query("insert into migrations(name) values($1)", ["init"]);\n})();\n'
)


def _package(runner: str) -> str:
    return (
        '{"name": "notes", "scripts": {"dev": "'
        + runner
        + ' src/server.ts", "migration:run": "'
        + runner
        + ' src/shared/infra/database/runMigrations.ts"}, "dependencies": {"koa": "2", "koa-router": "12", "pg": "8"}}'
    )


@pytest.mark.parametrize("runner", ["ts-node-dev --respawn", "tsnd", "vite-node", "node-dev"])
def test_a_program_a_development_runner_runs_is_a_script(make_project: MakeProject, runner: str) -> None:
    files: dict[str, str | bytes] = {
        "package.json": _package(runner),
        "src/server.ts": SERVER,
        "src/shared/infra/database/pool.ts": POOL,
        "src/shared/infra/database/runMigrations.ts": MIGRATE,
    }
    inspected = inspect(make_project(files), use_cache=False)
    report = inspected.to_json()
    assert "src/shared/infra/database/runMigrations.ts" not in report["architecture"]["files"]
    assert (
        report["architecture"]["evidence"]["src/shared/infra/database/runMigrations.ts"]
        == "command-line script"
    )
    scopes = {(site["file"], site["scope"]) for site in report["orm"]["raw_sql"]}
    assert scopes == {
        ("src/server.ts", "application"),
        ("src/shared/infra/database/runMigrations.ts", "scripts"),
    }
    # the start script's server, run by the same runner, is the application's routes
    assert report["architecture"]["files"]["src/server.ts"] == "routes"
    assert report["framework"]["serving"] == ["koa"]
