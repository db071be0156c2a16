"""The engine read through a project's environment helper and an options object built from parts (issue 18):
`type: env.db.type` with `env.db.type = getOsEnv('TYPEORM_CONNECTION')` from another module, passed to
TypeORM in `Object.assign(await getConnectionOptions(), {…})`; knex given `env('DB_CLIENT', 'sqlite3')`.
Violating and clean cases each; a function of a package, or a default import of another module, is no
project helper."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, inspect_json, only

POSTGRES_TASK = "express-openapi-postgres"
SQLITE_TASK = "express-openapi-sqlite"
PACKAGE = (
    '{"name": "app", "dependencies": {"express": "4", "typeorm": "0.3", "knex": "3", "pg": "8",'
    ' "sqlite3": "5", "env-reader": "1"}}'
)
SERVER = "import express from 'express';\nconst app = express();\napp.listen(3000);\n"
LIB_ENV = """export function getOsEnv(key: string): string {
    if (typeof process.env[key] === 'undefined') {
        throw new Error(`Environment variable ${key} is not set.`);
    }
    return process.env[key] as string;
}
"""
ENV = """import { getOsEnv } from './lib/env';
export const env = { db: { type: getOsEnv('TYPEORM_CONNECTION'), database: getOsEnv('TYPEORM_DATABASE') } };
"""
LOADER = """import { createConnection, getConnectionOptions } from 'typeorm';
import { env } from '../env';
export const load = async () => {
    const loaded = await getConnectionOptions();
    const connectionOptions = Object.assign(loaded, { type: env.db.type as any, database: env.db.database });
    return createConnection(connectionOptions);
};
"""
KNEX = """import knex from 'knex';
import { env } from './config';
export const db = knex({ client: env('DB_CLIENT', 'FALLBACK'), connection: env('DATABASE_URL') });
"""
CONFIG = "export const env = (key: string, fallback?: string) => process.env[key] ?? fallback;\n"


def _typeorm(example: str) -> dict[str, str | bytes]:
    return {
        "src/lib/env.ts": LIB_ENV,
        "src/env.ts": ENV,
        "src/loaders/typeormLoader.ts": LOADER,
        "src/app.ts": SERVER + "import { load } from './loaders/typeormLoader';\nload();\n",
        "package.json": PACKAGE,
        ".env.example": example,
    }


def _engines(report: dict[str, Any]) -> list[str]:
    engines: list[str] = report["database"]["engines"]
    return engines


@pytest.mark.parametrize(("value", "engine"), [("postgres", "postgresql"), ("sqlite", "sqlite")])
def test_the_helper_read_in_another_module_names_the_engine(
    make_project: MakeProject, value: str, engine: str
) -> None:
    example = f"TYPEORM_CONNECTION={value}\nTYPEORM_DATABASE=app\n"
    report = inspect_json(make_project, _typeorm(example))
    assert _engines(report) == [engine]
    (item,) = [e for e in report["database"]["evidence"] if e["kind"] == "connection"]
    assert item["file"] == "src/loaders/typeormLoader.ts"
    assert item["detail"] == f"type: $TYPEORM_CONNECTION={value} in .env.example:1"


def test_a_test_env_file_does_not_decide_the_run_time_engine(make_project: MakeProject) -> None:
    files = _typeorm("TYPEORM_CONNECTION=postgres\n")
    files[".env.test"] = "TYPEORM_CONNECTION=sqlite\n"
    assert _engines(inspect_json(make_project, files)) == ["postgresql"]


def test_the_variable_unset_in_the_harness_fails_the_task(make_project: MakeProject) -> None:
    # getOsEnv has no fallback and throws when the variable is unset; src/env.ts calls it as it loads, so in
    # the paper's harness the app cannot start (a required helper called at load: a start-up stop)
    report = check(make_project, _typeorm("TYPEORM_CONNECTION=postgres\n"), POSTGRES_TASK)
    message = only(report, "DB001")["message"]
    assert (
        "getOsEnv('TYPEORM_CONNECTION') at src/env.ts:2 throws when $TYPEORM_CONNECTION is unset" in message
    )


@pytest.mark.parametrize(
    ("fallback", "sqlite", "postgres"), [("sqlite3", "pass", "fail"), ("pg", "fail", "pass")]
)
def test_the_helper_fallback_is_the_engine_where_the_variable_is_unset(
    make_project: MakeProject, fallback: str, sqlite: str, postgres: str
) -> None:
    files: dict[str, str | bytes] = {
        "src/config.ts": CONFIG,
        "src/db.ts": KNEX.replace("FALLBACK", fallback),
        "src/app.ts": SERVER + "import { db } from './db';\n",
        "package.json": PACKAGE,
    }
    for task, status in ((SQLITE_TASK, sqlite), (POSTGRES_TASK, postgres)):
        report = check(make_project, files, task)
        assert report["verdicts"]["database"]["status"] == status, report["findings"]


def test_a_package_function_or_another_module_default_is_no_project_helper(make_project: MakeProject) -> None:
    # `env-reader` is a declared package: its `getOsEnv` is not the project's helper of that name; the
    # default export of `./names` is not the default-exported helper of `./lib/read`
    files = _typeorm("TYPEORM_CONNECTION=postgres\n")
    files["src/env.ts"] = ENV.replace("'./lib/env'", "'env-reader'")
    assert _engines(inspect_json(make_project, files)) == []
    files = _typeorm("TYPEORM_CONNECTION=postgres\n")
    files["src/lib/read.ts"] = "export default (key: string) => process.env[key];\n"
    files["src/names.ts"] = "export default (key: string) => key.toLowerCase();\n"
    files["src/env.ts"] = (
        "import read from './lib/read';\nimport names from './names';\n"
        "export const env = { db: { type: names('TYPEORM_CONNECTION') } };\n"
    )
    assert _engines(inspect_json(make_project, files)) == []
    files["src/env.ts"] = files["src/env.ts"].replace("names('TYPEORM", "read('TYPEORM")
    assert _engines(inspect_json(make_project, files)) == ["postgresql"]
