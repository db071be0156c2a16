"""Start scripts running a Prisma schema command before the server (issue 18, docs/accuracy.md "Prisma schema steps
before the server (session 2026-12-06 (14))"): `prisma db push && node …` exits 1 where the schema's `url =
env("DATABASE_URL")` is unset (P1012 "Environment variable not found"), so the server never starts. Clean: a
`prisma generate` only (it does not resolve the URL), a `;` or `||` after the step, a `.env` Prisma reads, a URL
written in the schema, another start script reaching the server, a Prisma configuration file, a command
outside the catalogue. Small projects written for the tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from reports import MakeProject, check, database_status, database_status_set_and_unset

PG_TASK = "express-openapi-postgres"
SCHEMA = """generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "postgresql"
  url      = URL
}

model Task {
  id    Int    @id @default(autoincrement())
  title String
}
"""
INDEX = """const express = require('express');
const { PrismaClient } = require('@prisma/client');

const prisma = new PrismaClient();
const app = express();
app.get('/api/tasks', async (req, res) => res.json(await prisma.task.findMany()));
app.listen(Number(process.env.PORT || 3000));
"""
STOPS = "Environment variable not found"


def _project(
    scripts: dict[str, str], url: str = 'env("DATABASE_URL")', **more: str
) -> dict[str, str | bytes]:
    package = {
        "name": "tasks-api",
        "scripts": scripts,
        "dependencies": {"express": "4", "@prisma/client": "6"},
        "devDependencies": {"prisma": "6"},
    }
    return {
        "package.json": json.dumps(package, indent=2),
        "prisma/schema.prisma": SCHEMA.replace("URL", url),
        "src/index.js": INDEX,
        **more,
    }


def _stops(report: dict[str, Any]) -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule"] == "DB001" and STOPS in f["message"]]


@pytest.mark.parametrize(
    ("scripts", "step"),
    [
        (
            {
                "dev": "prisma generate && prisma db push --accept-data-loss && nodemon src/index.js",
                "build": "prisma generate",
            },
            "prisma db push --accept-data-loss",
        ),
        (
            {
                "start": "npx prisma migrate deploy && node src/index.js",
                "dev": "prisma migrate dev --name init && nodemon src/index.js",
            },
            "prisma migrate deploy",
        ),
        ({"prestart": "prisma migrate deploy", "start": "node src/index.js"}, "prisma migrate deploy"),
        (
            {"db:sync": "prisma db push", "start": "npm run db:sync && node src/index.js"},
            "npm run db:sync (prisma db push)",
        ),
        ({"start:dev": "pnpm exec prisma db push&&node src/index.js"}, "prisma db push"),
        (
            {
                "start": "cross-env NODE_ENV=production npx prisma@6 migrate deploy > /dev/null 2>&1 && node src/index.js"
            },
            "prisma@6 migrate deploy",
        ),
    ],
    ids=["dev-db-push", "migrate-deploy-and-dev", "prestart", "npm-run", "start-prefixed", "cross-env"],
)
def test_a_schema_step_before_every_server_stops(
    make_project: MakeProject, scripts: dict[str, str], step: str
) -> None:
    report = check(make_project, _project(scripts), PG_TASK)
    assert database_status(report) == "fail"
    (message,) = _stops(report)  # DB001 names the first start script's stop
    assert f"it runs `{step}` before the server" in message
    assert 'env("DATABASE_URL") (prisma/schema.prisma:7)' in message and "$DATABASE_URL is unset" in message


@pytest.mark.parametrize(
    "files",
    [
        _project({"start": "prisma generate && node src/index.js"}),  # generate does not resolve the URL
        _project({"start": "npx prisma migrate deploy; node src/index.js"}),  # the server runs anyway
        _project({"start": "prisma db push || true && node src/index.js"}),
        _project(
            {"start": "prisma migrate deploy && node src/index.js"},
            **{".env": "DATABASE_URL=postgresql://user:password@postgres:5432/conduit\n"},
        ),
        _project(
            {"start": "prisma migrate deploy && node src/index.js"},
            **{"prisma/.env": "DATABASE_URL=postgresql://user:password@postgres:5432/conduit\n"},
        ),
        _project(
            {"start": "prisma db push && node src/index.js"},
            url='"postgresql://user:password@postgres:5432/conduit"',
        ),
        _project({"start": "node src/index.js", "dev": "prisma db push && nodemon src/index.js"}),
        _project(
            {"start": "prisma migrate deploy && node src/index.js"},
            **{
                "prisma.config.ts": "import 'dotenv/config';\nexport default { schema: 'prisma/schema.prisma' };\n"
            },
        ),
        _project(
            {"start": "DATABASE_URL=postgresql://u:p@postgres/conduit prisma db push && node src/index.js"}
        ),
        _project({"start": "prisma db seed && node src/index.js"}),  # not catalogued: the seed script decides
        _project({"start": "concurrently 'prisma db push' 'node src/index.js'"}),
    ],
    ids=[
        "generate-only",
        "semicolon",
        "or",
        "dotenv",
        "dotenv-beside-schema",
        "literal-url",
        "other-start-script",
        "prisma-config",
        "inline-variable",
        "db-seed",
        "concurrently",
    ],
)
def test_a_server_the_schema_step_does_not_hold_back_is_not_stopped(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    report = check(make_project, files, PG_TASK)
    assert not _stops(report)
    assert database_status(report) == "pass"


def test_the_variable_set_where_the_app_runs_lifts_the_stop(make_project: MakeProject) -> None:
    root: Path = make_project(_project({"start": "prisma migrate deploy && node src/index.js"}))
    declared, shipped = database_status_set_and_unset(
        root, PG_TASK, "DATABASE_URL", "postgresql://user:password@postgres:5432/conduit"
    )
    assert (declared, shipped) == ("pass", "pass")
