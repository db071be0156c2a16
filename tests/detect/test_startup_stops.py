"""Start-up checks that stop the application in the harness (issue 18): a module-level `throw` under
`if (!process.env.DATABASE_URL)` (or a name assigned from it) in a module the entry imports, or under
`if (envFound.error)` after `dotenv.config()` where the project ships no `.env`; a `process.exit(1)` there
alike (not `process.exit(0)`). Where the check fails the
application cannot start, so DB001 says it has no database to start with, and why. Clean variants: the
variable set by the project's `.env` or the declared harness environment, a `.env` file shipped, a check
inside a function or in a module loaded only by a handler, a condition that is no unset test. The projects
are small synthetic ones written for these tests."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, only

from cdverify.config import build_config
from cdverify.pipeline import verify

PG_TASK = "express-openapi-postgres"
PACKAGE = '{"name": "app", "dependencies": {"express": "4", "pg": "8", "dotenv": "16"}}'
INDEX = """const express = require('express');
const pool = require('./config/database');

const app = express();
app.get('/health', async (req, res) => res.json((await pool.query('SELECT 1 AS ok')).rows));
app.listen(3000);
"""
CHECKED = """const { Pool } = require('pg');

const url = process.env.DATABASE_URL;
CHECK
module.exports = new Pool({ connectionString: url });
"""
MODULE_CHECK = "if (!url) {\n  throw new Error('DATABASE_URL is not set');\n}"
DOTENV_CONFIG = """const dotenv = require('dotenv');

const envFound = dotenv.config();
if (envFound.error) {
  throw new Error("Couldn't find .env file");
}
module.exports = { databaseURL: process.env.DATABASE_URL || 'postgres://localhost:5432/app' };
"""
DOTENV_DATABASE = """const { Pool } = require('pg');
const config = require('./index');

module.exports = new Pool({ connectionString: config.databaseURL });
"""


def _app(check: str, **extra: str) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "src/index.js": INDEX,
        "src/config/database.js": CHECKED.replace("CHECK", check),
        **extra,
    }


def _status(report: dict[str, Any]) -> str:
    status: str = report["verdicts"]["database"]["status"]
    return status


def test_a_module_level_check_of_an_unset_variable_stops_the_app(make_project: MakeProject) -> None:
    db001 = only(check(make_project, _app(MODULE_CHECK), PG_TASK), "DB001")
    assert "has no database to start with" in db001["message"]
    assert "at src/config/database.js:5 throws when $DATABASE_URL is unset" in db001["message"]
    assert db001["harness_engines"] == []


def test_a_module_level_exit_on_an_unset_variable_stops_the_app(make_project: MakeProject) -> None:
    exits = "if (!url) {\n  console.error('DATABASE_URL is required');\n  process.exit(1);\n}"
    db001 = only(check(make_project, _app(exits), PG_TASK), "DB001")
    assert "at src/config/database.js:6 exits when $DATABASE_URL is unset" in db001["message"]
    assert db001["harness_engines"] == []


@pytest.mark.parametrize("code", ["0", ""])
def test_an_exit_with_success_is_no_stop(make_project: MakeProject, code: str) -> None:
    exits = f"if (!url) {{\n  process.exit({code});\n}}"
    assert _status(check(make_project, _app(exits), PG_TASK)) == "pass"


@pytest.mark.parametrize(
    "check_code",
    [
        "if (!process.env.DATABASE_URL) throw new Error('missing');",
        # any variable: the paper's harness gives the app none (a JWT secret stops it as a URL does)
        "if (!process.env.JWT_SECRET) throw new Error('JWT_SECRET missing');",
        "if (process.env.DATABASE_URL === undefined || !process.env.PORT) throw new Error('missing');",
        "if (typeof url === 'undefined') throw new Error('missing');",
    ],
)
def test_other_spellings_of_the_unset_test(make_project: MakeProject, check_code: str) -> None:
    assert _status(check(make_project, _app(check_code), PG_TASK)) == "fail"


def test_without_the_check_the_same_app_starts(make_project: MakeProject) -> None:
    assert _status(check(make_project, _app(""), PG_TASK)) == "pass"


def test_the_env_file_or_the_declared_environment_sets_it(make_project: MakeProject) -> None:
    root = make_project(_app(MODULE_CHECK))
    declared = build_config({"harness_env": {"DATABASE_URL": "postgresql://u:p@db:5432/app"}})
    assert verify(root, PG_TASK, declared, use_cache=False).verdicts["database"].status == "pass"
    (root / ".env").write_text("DATABASE_URL=postgresql://u:p@db:5432/app\n", encoding="utf-8")
    assert verify(root, PG_TASK, build_config({}), use_cache=False).verdicts["database"].status == "pass"


@pytest.mark.parametrize(
    "check_code",
    [
        # inside a function: runs when called (a request, a CLI command), not at start-up
        "function requireUrl() {\n  if (!url) throw new Error('missing');\n}",
        # a condition that is no unset test
        "if (url && url.startsWith('mysql:')) throw new Error('PostgreSQL only');",
        # unconditional code paths are not start-up checks of a variable
        "if (!Array.isArray([])) throw new Error('impossible');",
    ],
)
def test_checks_that_do_not_stop_start_up(make_project: MakeProject, check_code: str) -> None:
    assert _status(check(make_project, _app(check_code), PG_TASK)) == "pass"


def test_a_module_only_a_handler_loads_does_not_stop_start_up(make_project: MakeProject) -> None:
    lazy = INDEX.replace(
        "app.listen(3000);",
        "app.get('/report', (req, res) => res.json(require('./reports/export').run()));\napp.listen(3000);",
    )
    reports = "if (!process.env.DATABASE_URL) throw new Error('no database');\nexports.run = () => [];\n"
    files = _app("", **{"src/reports/export.js": reports})
    files["src/index.js"] = lazy
    assert _status(check(make_project, files, PG_TASK)) == "pass"
    files["src/index.js"] = "require('./reports/export');\n" + lazy  # now imported at start-up
    assert _status(check(make_project, files, PG_TASK)) == "fail"


def test_a_dotenv_file_the_project_does_not_ship_stops_the_app(make_project: MakeProject) -> None:
    files = {
        "package.json": PACKAGE,
        "src/index.js": INDEX,
        "src/config/index.js": DOTENV_CONFIG,
        "src/config/database.js": DOTENV_DATABASE,
        ".env.example": "DATABASE_URL=postgresql://u:p@localhost:5432/app\n",
    }
    db001 = only(check(make_project, files, PG_TASK), "DB001")
    assert "at src/config/index.js:5 throws when dotenv finds no .env file" in db001["message"]
    root = make_project({".env": "PORT=3000\n"})  # the same project, now shipping a `.env`
    assert verify(root, PG_TASK, build_config({}), use_cache=False).verdicts["database"].status == "pass"
