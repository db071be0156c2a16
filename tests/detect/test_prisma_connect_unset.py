"""Prisma clients connected at start-up with a datasource URL the harness lacks (issue 18, docs/accuracy.md "Node
apps whose start-up connection fails in the harness (session 2026-12-06 (12))"): a schema's `url =
env("DATABASE_URL")` fails every connection where the variable is unset, so `await prisma.$connect()` awaited
before the server's `listen` (in that function, or in a function of another module awaited there) keeps it from
starting. Prisma connects lazily otherwise: without `$connect()`, with a `catch` that carries on, a connection
not awaited, a client given a URL of its own, or the variable set in `.env`, the app starts. Small projects
written for the tests."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, database_status

PG_TASK = "express-openapi-postgres"
PACKAGE = '{"name": "app", "dependencies": {"express": "4", "@prisma/client": "5"}, "devDependencies": {"prisma": "5"}}'
SCHEMA = """generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Note {
  id   Int    @id @default(autoincrement())
  body String
}
"""
STOPS = "Prisma rejects every connection without it"

DB = """import { PrismaClient } from '@prisma/client';

export const prisma = new PrismaClient(OPTIONS);

export async function openDatabase(): Promise<void> {
  CONNECT
}
"""
CONNECT_EXITING = """try {
    await prisma.$connect();
  } catch (error) {
    console.error('database unreachable', error);
    process.exit(1);
  }"""

MAIN = """import express from 'express';
import { prisma, openDatabase } from './db';

const app = express();
app.get('/api/notes', async (req, res) => res.json(await prisma.note.findMany()));

async function boot() {
  AWAIT
  app.listen(3000);
}

boot();
"""
DIRECT = """import express from 'express';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
const app = express();
app.get('/api/notes', async (req, res) => res.json(await prisma.note.findMany()));

const main = async () => {
  CONNECT
  app.listen(Number(process.env.PORT ?? 3000));
};

main().catch((error) => console.error(error));
"""


def _project(
    connect: str = CONNECT_EXITING,
    awaited: str = "await openDatabase();",
    options: str = "{ log: ['error'] }",
    **extra: str,
) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "prisma/schema.prisma": SCHEMA,
        "src/db.ts": DB.replace("OPTIONS", options).replace("CONNECT", connect),
        "src/index.ts": MAIN.replace("AWAIT", awaited),
        **extra,
    }


def _direct(connect: str) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "prisma/schema.prisma": SCHEMA,
        "src/index.ts": DIRECT.replace("CONNECT", connect),
    }


def _stops(report: dict[str, Any]) -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule"] == "DB001" and STOPS in f["message"]]


@pytest.mark.parametrize(
    "connect",
    [
        CONNECT_EXITING,
        "await prisma.$connect();",
        "try {\n    await prisma.$connect();\n  } catch (error) {\n    throw new Error(`no database: ${error}`);\n  }",
    ],
    ids=["catch-exits", "bare", "catch-rethrows"],
)
def test_connect_in_a_helper_awaited_before_listen_stops(make_project: MakeProject, connect: str) -> None:
    report = check(make_project, _project(connect=connect), PG_TASK)
    assert database_status(report) == "fail"
    (message,) = _stops(report)
    assert "prisma.$connect() at src/db.ts:" in message and "$DATABASE_URL is unset" in message
    assert 'env("DATABASE_URL") (prisma/schema.prisma:7)' in message
    assert "awaited at start-up at src/index.ts:8" in message


def test_connect_awaited_in_the_listening_function_stops(make_project: MakeProject) -> None:
    report = check(make_project, _direct("await prisma.$connect();"), PG_TASK)
    assert database_status(report) == "fail"
    (message,) = _stops(report)
    assert (
        message.count("prisma.$connect() at src/index.ts:9") == 1 and "before the server listens" in message
    )


def test_connect_and_listen_under_one_condition_stop(make_project: MakeProject) -> None:
    """Both under `if (process.env.NODE_ENV !== 'test')`: where the server listens, the connection ran first."""
    awaited = "if (process.env.NODE_ENV !== 'test') {\n    await openDatabase();\n    app.listen(3000);\n  }"
    files = _project(awaited=awaited)
    files["src/index.ts"] = str(files["src/index.ts"]).replace("  app.listen(3000);\n}", "}")
    report = check(make_project, files, PG_TASK)
    assert database_status(report) == "fail"
    assert len(_stops(report)) == 1


@pytest.mark.parametrize(
    "files",
    [
        _project(connect="console.log('lazy');", awaited="await openDatabase();"),  # no $connect: lazy
        _project(
            connect="try {\n    await prisma.$connect();\n  } catch (error) {\n    console.warn(error);\n  }"
        ),
        _project(awaited="openDatabase();"),  # not awaited: the server listens first
        _project(
            awaited="try {\n    await openDatabase();\n  } catch (error) {\n    console.error(error);\n  }"
        ),
        _project(
            options="{ datasourceUrl: process.env.DATABASE_URL ?? 'postgresql://user:password@postgres/conduit' }"
        ),
        _project(**{".env": "DATABASE_URL=postgresql://user:password@postgres:5432/conduit\n"}),
        _direct("if (process.env.CONNECT_EARLY) await prisma.$connect();"),  # under a condition of its own
        _direct("app.listen(3001);\n  await prisma.$connect();"),  # a listen call before it
    ],
    ids=[
        "lazy",
        "catch-carries-on",
        "not-awaited",
        "caller-catches",
        "own-url",
        "dotenv",
        "condition",
        "listen-before",
    ],
)
def test_a_connection_that_cannot_hold_back_the_listen_does_not_stop(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    report = check(make_project, files, PG_TASK)
    assert not _stops(report)
    assert database_status(report) == "pass"


# `client.$connect().then(main)`: the server listens only in the function the chain runs where the connection
# resolves (docs/accuracy.md "Start-up stops and harness engines of the hundred-and-fifth set")
CLIENT = """import { PrismaClient } from '@prisma/client';

export const db = new PrismaClient();
"""
CHAINED = """import express from 'express';
import { db } from './client';

const app = express();
app.get('/api/notes', async (req, res) => res.json(await db.note.findMany()));

function serve(): void {
  LISTEN
}

CHAIN
"""
CHAIN_EXITING = """db.$connect()
  .then(serve)
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });"""


def _chained(
    chain: str = CHAIN_EXITING, listen: str = "app.listen(3000);", **extra: str
) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "prisma/schema.prisma": SCHEMA,
        "src/client.ts": CLIENT,
        "src/index.ts": CHAINED.replace("LISTEN", listen).replace("CHAIN", chain),
        **extra,
    }


@pytest.mark.parametrize(
    "chain",
    [CHAIN_EXITING, "db.$connect().then(serve);", "db.$connect().then(serve).catch(console.error);"],
    ids=["catch-exits", "no-catch", "catch-logs"],
)
def test_listen_only_where_a_chained_connect_resolves_stops(make_project: MakeProject, chain: str) -> None:
    report = check(make_project, _chained(chain), PG_TASK)
    assert database_status(report) == "fail"
    (message,) = _stops(report)
    assert "at src/index.ts:11" in message and "listens only in serve()" in message
    assert 'env("DATABASE_URL") (prisma/schema.prisma:7)' in message


@pytest.mark.parametrize(
    "files",
    [
        _chained("db.$connect().then(serve).catch(() => serve());"),  # the failure serves too
        _chained("db.$connect().catch(console.error);\nserve();"),  # served whatever the connection does
        _chained("db.$connect().then(serve);", listen="if (process.env.SERVE) app.listen(3000);"),
        _chained(**{".env": "DATABASE_URL=postgresql://user:password@postgres:5432/notes\n"}),
        {
            **_chained(),
            "src/client.ts": CLIENT + "export const store = { $connect: async () => undefined };\n",
            "src/index.ts": CHAINED.replace("LISTEN", "app.listen(3000);")
            .replace("CHAIN", "store.$connect().then(serve);")
            .replace("import { db }", "import { db, store }"),
        },  # another object's $connect
    ],
    ids=["catch-serves", "not-chained", "listen-condition", "dotenv", "not-prisma"],
)
def test_a_chained_connect_that_cannot_hold_back_the_listen_does_not_stop(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    report = check(make_project, files, PG_TASK)
    assert not _stops(report)
    assert database_status(report) == "pass"
