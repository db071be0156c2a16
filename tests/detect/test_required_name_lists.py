"""Start-up checks over a literal list of variable names (issue 18, the thirtieth set; docs/accuracy.md
"Required-variable lists at start-up (session 2026-12-06 (12))"): an app that stops at import where any name
of a list is unset requires each name, as a check written per name would.

- JavaScript / TypeScript: `const missing = REQUIRED.filter((name) => !process.env[name])` then `if
  (missing.length > 0) process.exit(1)` (or `throw`), `for (const name of REQUIRED) { if (!process.env[name])
  throw … }`, `REQUIRED.forEach((name) => { … })`, `if (REQUIRED.some((name) => !process.env[name]))`, `if
  (!REQUIRED.every((name) => process.env[name]))` — at module level of a module the server imports.
- Python: the list checks that `raise` (tenth set) stop the import as surely with `sys.exit(…)`.

Each has clean variants: a test passing where a variable is unset, a list the code does not show, a check in a
function nothing calls, a `try` around it. The projects are small synthetic ones written for these tests."""

from __future__ import annotations

import pytest
from reports import (
    FLASK_POSTGRES_TASK,
    MakeProject,
    check,
    database_status,
    database_status_set_and_unset,
    flask_postgres_app,
    only,
)

PG_TASK = "express-openapi-postgres"
PACKAGE = '{"name": "app", "dependencies": {"express": "4", "pg": "8"}}'
INDEX = """const express = require('express');
const config = require('./config');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: config.databaseUrl });
const app = express();
app.get('/api/health-check', async (req, res) => res.json((await pool.query('SELECT 1 AS ok')).rows));
app.listen(3000);
"""
CONFIG = """const REQUIRED = ['JWT_SECRET', 'SESSION_KEY'];

CHECK

module.exports = {
  databaseUrl: process.env.DATABASE_URL || 'postgresql://user:password@postgres:5432/conduit',
  secret: process.env.JWT_SECRET,
};
"""

FILTERED = """const missing = REQUIRED.filter((name) => !process.env[name]);
if (missing.length > 0) {
  console.error(`Missing environment variables: ${missing.join(', ')}`);
  process.exit(1);
}"""
LOOPED = """for (const name of REQUIRED) {
  if (!process.env[name]) {
    throw new Error(`${name} must be set`);
  }
}"""
EACH = """REQUIRED.forEach((name) => {
  if (process.env[name] === undefined) throw new Error(`${name} must be set`);
});"""
SOME = "if (REQUIRED.some((name) => !process.env[name])) {\n  throw new Error('missing settings');\n}"
EVERY = "if (!REQUIRED.every(function (name) { return process.env[name]; })) process.exit(1);"
TYPED = """const missing: string[] = (['JWT_SECRET', 'SESSION_KEY'] as const).filter(
  (name: string) => !process.env[name]?.trim(),
);
if (missing.length) throw new Error(`missing: ${missing}`);"""


def _app(check_code: str, config: str = "src/config.js") -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "src/index.js": INDEX,
        config: CONFIG.replace("CHECK", check_code),
    }


@pytest.mark.parametrize(
    "check_code", [FILTERED, LOOPED, EACH, SOME, EVERY], ids=["filter", "for-of", "forEach", "some", "every"]
)
def test_a_node_check_over_a_list_of_names_requires_each(make_project: MakeProject, check_code: str) -> None:
    db001 = only(check(make_project, _app(check_code), PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "src/config.js" in db001["message"] and "$JWT_SECRET is unset" in db001["message"]
    assert "$SESSION_KEY" in db001["hint"]


def test_a_typed_check_over_a_list_requires_each(make_project: MakeProject) -> None:
    files = {**_app(TYPED, "src/config.ts"), "src/index.js": INDEX.replace("'./config'", "'./config.ts'")}
    db001 = only(check(make_project, files, PG_TASK), "DB001")
    assert "src/config.ts" in db001["message"] and "$JWT_SECRET is unset" in db001["message"]


def test_setting_every_listed_name_starts_the_app(make_project: MakeProject) -> None:
    root = make_project(_app(FILTERED.replace("REQUIRED.filter", "['JWT_SECRET'].filter")))
    assert database_status_set_and_unset(root, PG_TASK, "JWT_SECRET", "s3cret") == ("pass", "pass")


@pytest.mark.parametrize(
    "check_code",
    [
        FILTERED.replace("!process.env[name]", "process.env[name] === 'prod'"),  # not a test of being unset
        FILTERED.replace("if (missing.length > 0)", "if (missing.length === 0)"),  # stops when all are set
        FILTERED.replace("REQUIRED.filter", "loadNames().filter"),  # names the code does not show
        LOOPED.replace("!process.env[name]", "process.env[name]"),  # throws when the variable is set
        LOOPED.replace("for (const name of REQUIRED)", "for (const name of OTHER)"),  # an unknown list
        "function validate() {\n" + LOOPED + "\n}",  # never called
        "try {\n" + SOME + "\n} catch (error) {\n  console.warn(error.message);\n}",  # caught
        EACH.replace("REQUIRED.forEach", "REQUIRED.map"),  # a callback no start-up check runs
        EVERY.replace("!REQUIRED.every", "REQUIRED.every"),  # stops when every one is set
    ],
    ids=[
        "comparison",
        "inverted-count",
        "computed",
        "inverted-test",
        "unknown-list",
        "never-called",
        "caught",
        "map",
        "inverted-every",
    ],
)
def test_a_node_check_over_a_list_that_cannot_stop_the_app(
    make_project: MakeProject, check_code: str
) -> None:
    assert database_status(check(make_project, _app(check_code), PG_TASK)) == "pass"


# -- Python: sys.exit over a list of names -------------------------------------------------------------

EXITED = """import sys

REQUIRED_VARS = ("API_TOKEN", "LOG_LEVEL")
missing = [name for name in REQUIRED_VARS if not os.environ.get(name)]
if missing:
    print(f"missing: {', '.join(missing)}", file=sys.stderr)
    sys.exit(1)
"""
LOOP_EXIT = """import sys

for name in ["API_TOKEN"]:
    if os.getenv(name) is None:
        sys.exit(f"{name} must be set")
"""


@pytest.mark.parametrize("check_code", [EXITED, LOOP_EXIT], ids=["comprehension", "loop"])
def test_a_python_exit_over_a_list_of_names_requires_each(make_project: MakeProject, check_code: str) -> None:
    db001 = only(check(make_project, flask_postgres_app(check_code), FLASK_POSTGRES_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "config.py" in db001["message"] and "$API_TOKEN" in db001["message"]


@pytest.mark.parametrize(
    "check_code",
    [
        EXITED.replace("if missing:", "if not missing:"),  # exits when every one is set
        # names the code does not show (the helper defined: an undefined name would stop the app at import)
        "def load_names():\n    return NAMES\n\n\nNAMES = []\n"
        + EXITED.replace('("API_TOKEN", "LOG_LEVEL")', "load_names()"),
        'import sys\n\nif __name__ == "__main__":\n'
        + EXITED.replace("\n", "\n    ").replace("import sys", ""),
    ],
    ids=["inverted", "computed", "main-only"],
)
def test_a_python_exit_over_a_list_that_cannot_stop_the_app(
    make_project: MakeProject, check_code: str
) -> None:
    assert database_status(check(make_project, flask_postgres_app(check_code), FLASK_POSTGRES_TASK)) == "pass"


# -- a module-level check inside a `try` ----------------------------------------------------------------

ONE = "if (!process.env.JWT_SECRET) throw new Error('JWT_SECRET must be set');"


@pytest.mark.parametrize(
    "catch", ["catch (error) {\n  throw error;\n}", "catch (error) {\n  process.exit(1);\n}", "finally {\n}"]
)
def test_a_check_whose_failure_a_try_lets_through_stops_the_app(
    make_project: MakeProject, catch: str
) -> None:
    db001 = only(check(make_project, _app(f"try {{\n  {ONE}\n}} {catch}"), PG_TASK), "DB001")
    assert "$JWT_SECRET is unset" in db001["message"]


def test_a_check_whose_failure_is_caught_does_not_stop_the_app(make_project: MakeProject) -> None:
    caught = f"try {{\n  {ONE}\n}} catch (error) {{\n  console.warn(error.message);\n}}"
    assert database_status(check(make_project, _app(caught), PG_TASK)) == "pass"
    assert database_status(check(make_project, _app(ONE), PG_TASK)) == "fail"
