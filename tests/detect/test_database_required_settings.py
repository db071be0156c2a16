"""Settings validated at start-up with no default (issue 18): envalid's `cleanEnv`, Joi objects with
`.required()` fields and zod objects parsed from the environment. When the database URL is such a setting
and the harness does not set it, the application does not start there: DB001 for PostgreSQL and SQLite
tasks alike, saying which schema requires it. Each case has clean variants: a default, a `.env` the app
ships, or the harness environment declaring the variable."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, database_status_set_and_unset, only

POSTGRES_TASK = "express-openapi-postgres"
SQLITE_TASK = "express-openapi-sqlite"
PG_URL = "postgresql://user:password@postgres:5432/conduit"
PACKAGE = (
    '{"name": "app", "dependencies": {"express": "4", "envalid": "8", "joi": "17", "zod": "3", "pg": "8"}}'
)
SERVER = "const app = express();\napp.listen(3000);\n"

ENVALID = """const express = require('express');
const { cleanEnv, str, url } = require('envalid');
const { Pool } = require('pg');

const env = cleanEnv(process.env, {
  PORT: str({ default: '3000' }),
  DATABASE_URL: FIELD,
});
const pool = new Pool({ connectionString: env.DATABASE_URL });
"""
JOI = """const express = require('express');
const Joi = require('joi');
const { Pool } = require('pg');

const schema = Joi.object({
  DATABASE_URL: FIELD,
  PORT: Joi.number().default(3000),
}).unknown();
const { value: envVars, error } = schema.validate(process.env);
if (error) throw new Error(error.message);
const pool = new Pool({ connectionString: envVars.DATABASE_URL });
"""
ZOD = """import express from 'express';
import { z } from 'zod';
import { Pool } from 'pg';

const Env = z.object({ DATABASE_URL: FIELD, PORT: z.coerce.number().default(3000) });
export const env = Env.parse(process.env);
const pool = new Pool({ connectionString: env.DATABASE_URL });
"""
REQUIRED = {
    "envalid": (ENVALID, "url()", "envalid's cleanEnv at index.js:5"),
    "joi": (JOI, "Joi.string().uri().required()", "a Joi schema at index.js:5"),
    "zod": (ZOD, "z.string().url()", "a zod schema at index.ts:5"),
}
OPTIONAL = {
    "envalid": [f"url({{ default: '{PG_URL}' }})", f"url({{ devDefault: '{PG_URL}' }})"],
    "joi": ["Joi.string().uri()", f"Joi.string().uri().default('{PG_URL}')"],
    "zod": ["z.string().url().optional()", f"z.string().url().default('{PG_URL}')"],
}


def _files(library: str, field: str) -> dict[str, str | bytes]:
    template = REQUIRED[library][0]
    name = "index.ts" if library == "zod" else "index.js"
    return {name: template.replace("FIELD", field) + SERVER, "package.json": PACKAGE}


def _database(report: dict[str, Any]) -> str:
    status: str = report["verdicts"]["database"]["status"]
    return status


@pytest.mark.parametrize("library", sorted(REQUIRED))
def test_a_required_setting_the_harness_leaves_unset_cannot_start(
    make_project: MakeProject, library: str
) -> None:
    _, field, schema = REQUIRED[library]
    db001 = only(check(make_project, _files(library, field), POSTGRES_TASK), "DB001")
    assert "has no database to start with" in db001["message"]
    assert (
        f"needs $DATABASE_URL, which is unset there ({schema} requires it with no default)"
        in db001["message"]
    )
    assert db001["harness_engines"] == []


@pytest.mark.parametrize(("field", "status"), [("str()", "fail"), ("str({ default: 'app.db' })", "pass")])
def test_a_sqlite_task_alike(make_project: MakeProject, field: str, status: str) -> None:
    code = ENVALID.replace("FIELD", field).replace(
        "{ Pool } = require('pg')", "Database = require('better-sqlite3')"
    )
    code = code.replace("new Pool({ connectionString: env.DATABASE_URL })", "new Database(env.DATABASE_URL)")
    package = PACKAGE.replace('"pg": "8"', '"better-sqlite3": "11"')
    report = check(make_project, {"index.js": code + SERVER, "package.json": package}, SQLITE_TASK)
    assert _database(report) == status
    if status == "fail":
        assert (
            "needs $DATABASE_URL, which is unset there (envalid's cleanEnv"
            in only(report, "DB001")["message"]
        )


@pytest.mark.parametrize(("library", "field"), [(lib, f) for lib, fields in OPTIONAL.items() for f in fields])
def test_a_setting_with_a_default_or_optional_starts(
    make_project: MakeProject, library: str, field: str
) -> None:
    assert _database(check(make_project, _files(library, field), POSTGRES_TASK)) == "pass"


@pytest.mark.parametrize("library", sorted(REQUIRED))
def test_the_app_env_file_or_the_declared_environment_provides_it(
    make_project: MakeProject, library: str
) -> None:
    root = make_project(_files(library, REQUIRED[library][1]))
    assert database_status_set_and_unset(root, POSTGRES_TASK, "DATABASE_URL", PG_URL) == ("pass", "pass")


def test_a_schema_of_request_bodies_does_not_block(make_project: MakeProject) -> None:
    # a zod object validating a request body, with the URL a literal: nothing the harness must set (a
    # schema parsing `process.env` at start-up would stop the app: test_accuracy_fifth_set_data.py)
    code = (
        ZOD.replace("FIELD", "z.string()")
        .replace("env.DATABASE_URL", f"'{PG_URL}'")
        .replace(
            "export const env = Env.parse(process.env);", "export const check = (body) => Env.parse(body);"
        )
    )
    report = check(make_project, {"index.ts": code + SERVER, "package.json": PACKAGE}, POSTGRES_TASK)
    assert _database(report) == "pass"
