"""The Node side of server URLs with unset holes connected at start-up (issue 18, docs/accuracy.md "The harness
decision's written-up misses (session 2026-12-06 (12))"): `` `postgres://${process.env.DB_USER}@${process.env.
DB_HOST}/todos` `` handed to node-postgres or Sequelize holds `undefined` where a variable is unset, so the
connection awaited before the server's `listen` rejects and nothing listens. A default, the project's `.env`, a
config object (pg falls back to PGHOST or localhost), a password hole alone, a connection in a `try` or not
awaited, a listen call the connection does not hold back let it start. Small projects written for the tests."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, database_status

PG_TASK = "express-openapi-postgres"
PACKAGE = '{"name": "app", "dependencies": {"express": "4", "pg": "8", "sequelize": "6"}}'
HOLES = "in its place and the connection fails"

PG_CLIENT = """const { Client } = require('pg');

const client = new Client(CONFIG);

module.exports = { client };
"""
TEMPLATE_URL = (
    "`postgres://${process.env.DB_USER}:${process.env.DB_PASSWORD}@${process.env.DB_HOST}:5432/todos`"
)

MAIN = """const express = require('express');
const { client } = require('./db');

const app = express();
app.get('/api/todos', async (req, res) => res.json((await client.query('SELECT * FROM todos')).rows));

async function main() {
  CONNECT
  app.listen(3000, () => console.log('listening'));
}

CALL
"""

SEQUELIZE_DB = """const { Sequelize } = require('sequelize');

const DB_HOST = process.env.DB_HOST;
const DB_NAME = process.env.DB_NAME;

const sequelize = new Sequelize(`postgres://app:secret@${DB_HOST}:5432/${DB_NAME}`, { logging: false });

module.exports = { sequelize };
"""
SEQUELIZE_MAIN = """const express = require('express');
const { sequelize } = require('./db');

const app = express();
app.get('/api/health', (req, res) => res.json({ ok: true }));

const start = async () => {
  await sequelize.authenticate();
  await sequelize.sync();
  app.listen(3000);
};

start();
"""


def _pg(
    url: str = TEMPLATE_URL,
    connect: str = "await client.connect();",
    call: str = "main();",
    config: str = "{ connectionString: URL }",
    **extra: str,
) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "src/db.js": PG_CLIENT.replace("CONFIG", config).replace("URL", url),
        "src/index.js": MAIN.replace("CONNECT", connect).replace("CALL", call),
        **extra,
    }


def _db001(report: dict[str, Any]) -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule"] == "DB001"]


@pytest.mark.parametrize(
    "call", ["main();", "main().catch((err) => console.error(err));"], ids=["bare", "caught-by-caller"]
)
def test_pg_connected_before_listen_with_unset_holes_stops(make_project: MakeProject, call: str) -> None:
    report = check(make_project, _pg(call=call), PG_TASK)
    assert database_status(report) == "fail"
    (message,) = [m for m in _db001(report) if HOLES in m]
    assert "client.connect() at src/index.js:8 connects at start-up" in message
    assert "$DB_USER and $DB_HOST" in message and "$DB_PASSWORD" not in message
    assert "holds undefined" in message and "before the server listens" in message


def test_sequelize_authenticated_before_listen_with_unset_holes_stops(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "src/db.js": SEQUELIZE_DB,
        "src/index.js": SEQUELIZE_MAIN,
    }
    report = check(make_project, files, PG_TASK)
    assert database_status(report) == "fail"
    (message,) = [m for m in _db001(report) if HOLES in m]
    assert "sequelize.authenticate() at src/index.js:8" in message
    assert "$DB_HOST and $DB_NAME" in message


@pytest.mark.parametrize(
    ("files"),
    [
        _pg(  # every stopping hole has a default
            url="`postgres://${process.env.DB_USER || 'user'}:${process.env.DB_PASSWORD}@"
            "${process.env.DB_HOST ?? 'postgres'}:5432/conduit`"
        ),
        _pg(url="`postgres://user:${process.env.DB_PASSWORD}@postgres:5432/conduit`"),  # a password hole only
        # pg fills an unset host and user from PGHOST / PGUSER or localhost: not certain to fail
        _pg(config="{ host: process.env.DB_HOST, user: process.env.DB_USER, database: 'conduit' }"),
        _pg(connect="try {\n    await client.connect();\n  } catch (err) {\n    console.error(err);\n  }"),
        _pg(connect="client.connect();"),  # not awaited: the listen call runs
        _pg(**{".env": "DB_USER=user\nDB_PASSWORD=password\nDB_HOST=postgres\n"}),  # the project's .env
    ],
    ids=["defaults", "password-only", "config-object", "caught", "not-awaited", "dotenv"],
)
def test_holes_filled_or_not_holding_back_the_listen_do_not_stop(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    report = check(make_project, files, PG_TASK)
    assert not any(HOLES in m for m in _db001(report))
    assert database_status(report) == "pass"


def test_a_listen_call_elsewhere_lets_it_start(make_project: MakeProject) -> None:
    """The server listens at module level whatever the connection does: the rejection is the caller's."""
    files = _pg(call="main().catch(console.error);\nrequire('http').createServer(app).listen(8081);")
    report = check(make_project, files, PG_TASK)
    assert not any(HOLES in m for m in _db001(report))
