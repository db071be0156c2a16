"""Fastify plugins written as a function bound to a name and exported by that name (issue 18):
`const users: FastifyPluginAsync = async (server) => { server.get(…) }; export default users`, and
`const db = async function (app) { app.decorate("db", pool) }; export default fp(db)`. The plugin's parameter
is the app whatever it is called; only plugins written in place (`export default async function (app)`,
`fp(async (app) => …)`) or with a parameter named `fastify` were read so, so these registered no route and
decorated nothing."""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json

PACKAGE = """{"name": "plugins", "dependencies": {"fastify": "5", "fastify-plugin": "5", "pg": "8"}}"""
SERVER = """import Fastify from 'fastify';
import db from './plugins/db';
import users from './routes/users';

const app = Fastify();
app.register(db);
app.register(users, { prefix: '/api' });
app.listen({ port: 3000 });
"""
USERS = """import { FastifyPluginAsync } from 'fastify';

const users: FastifyPluginAsync = async (server) => {
  server.get('/users', async () => server.db.query('SELECT id FROM users'));
};

export default users;
"""
DB = """import fp from 'fastify-plugin';
import { FastifyPluginAsync } from 'fastify';
import { Pool } from 'pg';

const dbPlugin: FastifyPluginAsync = async function (app) {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL });
  app.decorate('db', pool);
};

export default fp(dbPlugin);
"""


def _report(make_project: MakeProject, users: str = USERS, db: str = DB) -> dict:  # type: ignore[type-arg]
    files = {
        "package.json": PACKAGE,
        "src/server.ts": SERVER,
        "src/routes/users.ts": users,
        "src/plugins/db.ts": db,
    }
    return inspect_json(make_project, files)


@pytest.mark.parametrize(
    "users",
    [
        USERS,
        USERS.replace(
            "const users: FastifyPluginAsync = async (server) =>", "const users = async function (server)"
        ),
    ],
    ids=["typed-arrow", "function-expression"],
)
def test_a_plugin_bound_to_its_exported_name_registers_its_routes(
    make_project: MakeProject, users: str
) -> None:
    report = _report(make_project, users=users)
    routes = [(r["file"], r["method"], r["path"]) for r in report["framework"]["routes"]]
    assert routes == [("src/routes/users.ts", "GET", "/users")]
    assert report["architecture"]["files"]["src/routes/users.ts"] == "routes"


def test_a_plugin_wrapped_by_name_decorating_with_a_pool_is_data_access(make_project: MakeProject) -> None:
    report = _report(make_project)
    assert report["architecture"]["files"]["src/plugins/db.ts"] == "repositories"
    assert report["architecture"]["evidence"]["src/plugins/db.ts"] == "code: queries"


def test_a_function_bound_to_a_name_nobody_exports_registers_nothing(make_project: MakeProject) -> None:
    users = USERS.replace("export default users;", "export default async function noop() {}")
    report = _report(make_project, users=users)
    assert report["framework"]["routes"] == []


def test_a_plugin_decorating_with_settings_holds_no_client(make_project: MakeProject) -> None:
    db = DB.replace(
        "const pool = new Pool({ connectionString: process.env.DATABASE_URL });", "const pool = { size: 10 };"
    )
    report = _report(make_project, db=db)
    assert "src/plugins/db.ts" not in report["architecture"]["files"]
