"""node-config's get at start-up of a key only an unset variable gives (issue 18; detect/database/
config_gets.py): `config.get(key)` throws "Configuration property … is not defined" where the merged
configuration holds no value for the key, and a key config/custom-environment-variables.json alone maps to a
variable holds none while that variable is unset (the paper's harness sets none). Made as the application
starts, the get stops it: no engine holds there. Violating cases (each fails on main's code) and clean ones: a
value in default.json, a `config.has` guard, a get in a route handler, in a function nothing runs at start-up,
in a `try` that carries on, a variable the project's `.env` sets, a format cdverify does not read."""

from __future__ import annotations

import json

import pytest
from reports import MakeProject, check, only

POSTGRES_TASK = "node-express-openapi-postgres-sequelize"
PG_URL = "postgres://user:password@postgres:5432/conduit"
PACKAGE = {"dependencies": {"express": "4", "config": "3", "sequelize": "6", "pg": "8"}}
DB = (
    "const config = require('config');\nconst { Sequelize } = require('sequelize');\n\n"
    "module.exports = new Sequelize(config.get('db.url'));\n"
)
DEFAULT = json.dumps({"port": 3000, "db": {"url": PG_URL}}, indent=2)
MAPPING = json.dumps({"port": "PORT", "jwtPrivateKey": "APP_JWT_KEY"}, indent=2)
# the start-up module's shape: a function the entry calls as it requires the module
CHECK = (
    "const config = require('config');\n\nmodule.exports = function () {\n"
    "  if (!config.get('jwtPrivateKey')) {\n    throw new Error('FATAL ERROR: jwtPrivateKey is not defined.');\n"
    "  }\n};\n"
)
ENTRY = (
    "require('./startup/config')();\nconst express = require('express');\nconst db = require('./db');\n"
    "const app = express();\napp.listen(3000);\n"
)


def _project(
    entry: str = ENTRY,
    startup: str = CHECK,
    default: str = DEFAULT,
    mapping: str = MAPPING,
    package: dict[str, object] | None = None,
    more: dict[str, str] | None = None,
) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": json.dumps(package or PACKAGE),
        "index.js": entry,
        "db.js": DB,
        "startup/config.js": startup,
        "config/default.json": default,
        "config/custom-environment-variables.json": mapping,
    }
    return files | (more or {})


def _rules(make_project: MakeProject, files: dict[str, str | bytes]) -> list[str]:
    return [f["rule"] for f in check(make_project, files, POSTGRES_TASK)["findings"]]


def test_a_start_up_function_getting_a_key_only_a_variable_gives(make_project: MakeProject) -> None:
    """`require('./startup/config')()` runs `config.get('jwtPrivateKey')`, which only $APP_JWT_KEY gives:
    it throws there, before the PostgreSQL connection is used."""
    db001 = only(check(make_project, _project(), POSTGRES_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "jwtPrivateKey" in db001["message"]
    assert "$APP_JWT_KEY" in db001["message"]
    assert (db001["file"], db001["line"]) == ("startup/config.js", 4)
    assert "config/default.json" in db001["hint"]
    assert "$APP_JWT_KEY" in db001["hint"]


def test_a_module_level_get_of_a_nested_key_in_typescript(make_project: MakeProject) -> None:
    """`const secret = config.get<string>('auth.jwt.secret')` as an imported module loads, the key mapped
    (nested) to $JWT_SECRET only."""
    auth = "import config from 'config';\n\nexport const secret = config.get<string>('auth.jwt.secret');\n"
    entry = (
        "import express from 'express';\nimport { secret } from './auth';\nimport db from './db';\n\n"
        "const app = express();\napp.listen(3000, () => console.log(secret, db));\n"
    )
    files = _project(entry=entry, mapping=json.dumps({"auth": {"jwt": {"secret": "JWT_SECRET"}}}))
    files |= {"auth.ts": auth, "index.ts": entry}
    del files["index.js"], files["startup/config.js"]
    db001 = only(check(make_project, files, POSTGRES_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "$JWT_SECRET" in db001["message"] and "auth.jwt.secret" in db001["message"]


def test_an_async_main_called_at_start_up(make_project: MakeProject) -> None:
    """`main()` at module level: its get throws before anything listens (the rejection ends the process)."""
    entry = (
        "const config = require('config');\nconst express = require('express');\nconst db = require('./db');\n\n"
        "async function main() {\n  const key = config.get('jwtPrivateKey');\n  await db.authenticate();\n"
        "  express().listen(3000);\n}\n\nmain();\n"
    )
    db001 = only(check(make_project, _project(entry=entry), POSTGRES_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert (db001["file"], db001["line"]) == ("index.js", 6)


def test_a_production_value_does_not_hold_where_node_env_is_unset(make_project: MakeProject) -> None:
    """production.json gives the key, but the harness runs with NODE_ENV unset (`development`)."""
    files = _project(more={"config/production.json": json.dumps({"jwtPrivateKey": "prod-key"})})
    assert only(check(make_project, files, POSTGRES_TASK), "DB001")["harness_engines"] == []


@pytest.mark.parametrize(
    "files",
    [
        # a value in default.json: the variable only overrides it
        _project(default=json.dumps({"db": {"url": PG_URL}, "jwtPrivateKey": "dev-key"})),
        # development.json holds in the harness (NODE_ENV unset)
        _project(more={"config/development.json": json.dumps({"jwtPrivateKey": "dev-key"})}),
        # an empty object or a list is a value
        _project(default=json.dumps({"db": {"url": PG_URL}, "jwtPrivateKey": {}})),
        # the project runs with NODE_ENV=production, whose file gives the key
        _project(
            more={"config/production.json": json.dumps({"jwtPrivateKey": "prod-key"})},
            package={**PACKAGE, "scripts": {"start": "NODE_ENV=production node index.js"}},
        ),
        # a loaded file cdverify does not read may define it
        _project(more={"config/local.js": "module.exports = { jwtPrivateKey: 'local' };\n"}),
        # $NODE_CONFIG_DIR points node-config elsewhere
        _project(package={**PACKAGE, "scripts": {"start": "NODE_CONFIG_DIR=./settings node index.js"}}),
    ],
    ids=["default-value", "development-file", "object-value", "production-run", "js-file", "config-dir"],
)
def test_a_key_given_otherwise_claims_nothing(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    assert "DB001" not in _rules(make_project, files)


@pytest.mark.parametrize(
    "startup",
    [
        # guarded by config.has
        "const config = require('config');\n\nmodule.exports = function () {\n"
        "  if (config.has('jwtPrivateKey')) {\n    process.env.KEY = config.get('jwtPrivateKey');\n  }\n};\n",
        "const config = require('config');\n\nmodule.exports = function () {\n"
        "  const key = config.has('jwtPrivateKey') && config.get('jwtPrivateKey');\n  return key;\n};\n",
        # in a try that carries on
        "const config = require('config');\n\nmodule.exports = function () {\n  try {\n"
        "    config.get('jwtPrivateKey');\n  } catch (error) {\n    console.warn('no key');\n  }\n};\n",
        # in a route handler the function registers
        "const config = require('config');\n\nmodule.exports = function (app) {\n"
        "  app.get('/key', (req, res) => res.send(config.get('jwtPrivateKey')));\n};\n",
    ],
    ids=["has-guard", "has-and", "try", "handler"],
)
def test_a_get_that_may_not_run_at_start_up_claims_nothing(make_project: MakeProject, startup: str) -> None:
    assert "DB001" not in _rules(make_project, _project(startup=startup))


def test_a_function_nothing_calls_at_start_up_claims_nothing(make_project: MakeProject) -> None:
    """The module is required, its function never called as the application starts."""
    entry = ENTRY.replace(
        "require('./startup/config')();", "const checkConfig = require('./startup/config');"
    )
    assert "DB001" not in _rules(make_project, _project(entry=entry))


def test_the_variable_set_by_the_projects_env_file(make_project: MakeProject) -> None:
    entry = "require('dotenv').config();\n" + ENTRY
    package = {"dependencies": {**PACKAGE["dependencies"], "dotenv": "16"}}
    files = _project(entry=entry, package=package) | {".env": "APP_JWT_KEY=secret\n"}
    assert "DB001" not in _rules(make_project, files)
