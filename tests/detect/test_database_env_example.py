"""dotenv-safe (issue 18): `require('dotenv-safe').config()` / `import 'dotenv-safe/config'` throws at start-up
when a variable `.env.example` lists is unset. In the paper's harness (no app variables) an app whose
`.env.example` lists its database URL does not start: DB001, saying which loader requires it. Clean variants:
plain dotenv, a `.env` the app ships, the URL's variable not listed, the declared environment setting it."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, only

from cdverify.config import build_config
from cdverify.pipeline import verify

POSTGRES_TASK = "express-openapi-postgres"
PG_URL = "postgresql://user:password@postgres:5432/conduit"
PACKAGE = '{"name": "app", "dependencies": {"express": "4", "dotenv-safe": "9", "dotenv": "16", "pg": "8"}}'
EXAMPLE = f"PORT=3000\nDATABASE_URL={PG_URL}\nJWT_SECRET=change-me\n"
POOL = "const pool = new Pool({ connectionString: process.env.DATABASE_URL });\n"
SERVER = "const app = express();\napp.listen(3000);\n"
REQUIRE = (
    "require('dotenv-safe').config();\nconst express = require('express');\nconst { Pool } = require('pg');\n"
)
IMPORT = "import 'dotenv-safe/config';\nimport express from 'express';\nimport { Pool } from 'pg';\n"
LOADERS = {"require": ("index.js", REQUIRE, "index.js:1"), "import": ("index.ts", IMPORT, "index.ts:1")}


def _files(loader: str, example: str = EXAMPLE, pool: str = POOL) -> dict[str, str | bytes]:
    name, head, _ = LOADERS[loader]
    return {name: head + pool + SERVER, "package.json": PACKAGE, ".env.example": example}


def _database(report: dict[str, Any]) -> str:
    status: str = report["verdicts"]["database"]["status"]
    return status


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_a_url_the_example_lists_stops_the_app_in_the_paper_harness(
    make_project: MakeProject, loader: str
) -> None:
    db001 = only(check(make_project, _files(loader), POSTGRES_TASK), "DB001")
    where = LOADERS[loader][2]
    assert "has no database to start with" in db001["message"]
    assert (
        f"needs $DATABASE_URL, which is unset there (dotenv-safe at {where} requires every variable "
        ".env.example lists (DATABASE_URL at line 2))" in db001["message"]
    )
    assert db001["harness_engines"] == []


def test_plain_dotenv_does_not_stop_the_app(make_project: MakeProject) -> None:
    files = _files("require")
    files["index.js"] = str(files["index.js"]).replace("dotenv-safe", "dotenv")
    assert _database(check(make_project, files, POSTGRES_TASK)) == "pass"


def test_a_url_the_example_does_not_list_starts_only_where_the_listed_variables_are_set(
    make_project: MakeProject,
) -> None:
    """dotenv-safe throws MissingEnvVarsError for any variable the example lists and the environment
    lacks, whatever the URL reads (session 2026-12-06 (10)): the app starts only once they are all set."""
    pool = f"const pool = new Pool({{ connectionString: process.env.PG_URL || '{PG_URL}' }});\n"
    files = _files("require", pool=pool)
    db001 = only(check(make_project, files, POSTGRES_TASK), "DB001")
    assert (
        "at index.js:1 throws when dotenv-safe finds $PORT or $DATABASE_URL or $JWT_SECRET unset "
        "(listed in .env.example)" in db001["message"]
    )
    files[".env"] = f"PORT=3000\nDATABASE_URL={PG_URL}\nJWT_SECRET=s3cret\n"
    assert _database(check(make_project, files, POSTGRES_TASK)) == "pass"


def test_the_app_env_file_or_the_declared_environment_sets_it(make_project: MakeProject) -> None:
    root = make_project(_files("require"))
    declared = build_config({"harness_env": {"DATABASE_URL": PG_URL}})
    assert verify(root, POSTGRES_TASK, declared, use_cache=False).verdicts["database"].status == "pass"
    (root / ".env").write_text(f"DATABASE_URL={PG_URL}\n", encoding="utf-8")
    assert (
        verify(root, POSTGRES_TASK, build_config({}), use_cache=False).verdicts["database"].status == "pass"
    )
