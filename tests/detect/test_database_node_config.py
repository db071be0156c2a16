"""node-config as an engine source (issue 18): `config.get("db.url")` and `config.db.url` read
config/default.json|yaml, the NODE_ENV files beside it (development, production, …) and
custom-environment-variables.json, which maps a key to an environment variable. The paper's harness sets
no NODE_ENV and no app variable: default/development values hold there, production values do not, and a
key only a variable gives leaves the app nothing to start with. Violating and clean cases."""

from __future__ import annotations

import json
from typing import Any

import pytest
from reports import MakeProject, check, inspect_json, only

POSTGRES_TASK = "node-express-openapi-postgres-sequelize"
PG_URL = "postgres://user:password@localhost:5432/conduit"
SQLITE_URL = "sqlite:./conduit.sqlite"
PACKAGE = json.dumps(
    {"dependencies": {"express": "4", "config": "3", "sequelize": "6", "pg": "8", "sqlite3": "5"}}
)
SERVER = "const express = require('express');\nconst app = express();\napp.listen(3000);\n"


def _project(code: str, config: dict[str, str]) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {"package.json": PACKAGE, "src/server.js": SERVER, "src/db.js": code}
    return files | {f"config/{name}": text for name, text in config.items()}


def _db(url: str) -> str:
    return json.dumps({"port": 3000, "db": {"url": url}}, indent=2)


GET = "const config = require('config');\nconst { Sequelize } = require('sequelize');\n\nmodule.exports = new Sequelize(config.get('db.url'));\n"
PROPERTY = "const config = require('config');\nconst { Sequelize } = require('sequelize');\n\nmodule.exports = new Sequelize(config.db.url);\n"
IMPORTED = "import config from 'config';\nimport { Sequelize } from 'sequelize';\n\nconst url: string = config.get('db.url');\nexport default new Sequelize(url);\n"


def _database(make_project: MakeProject, files: dict[str, str | bytes]) -> dict[str, Any]:
    data: dict[str, Any] = inspect_json(make_project, files)["database"]
    return data


@pytest.mark.parametrize(
    ("code", "db"), [(GET, "src/db.js"), (PROPERTY, "src/db.js"), (IMPORTED, "src/db.ts")]
)
@pytest.mark.parametrize(("url", "engine"), [(SQLITE_URL, "sqlite"), (PG_URL, "postgresql")])
def test_the_key_a_connection_reads_names_the_engine(
    make_project: MakeProject, code: str, db: str, url: str, engine: str
) -> None:
    files = _project(code, {"default.json": _db(url)}) | {db: code}
    if db != "src/db.js":
        del files["src/db.js"]
    data = _database(make_project, files)
    assert data["engines"] == [engine]  # two drivers declared: without the config file, both
    connection = next(e for e in data["evidence"] if e["kind"] == "connection")
    assert "db.url in config/default.json" in connection["detail"]


def test_without_the_config_file_the_declared_drivers_are_all_possible(make_project: MakeProject) -> None:
    assert _database(make_project, _project(GET, {}))["engines"] == ["postgresql", "sqlite"]


def test_yaml_config_and_other_keys_are_not_read(make_project: MakeProject) -> None:
    yaml = f"db:\n  url: {PG_URL}\ncache:\n  url: redis://localhost:6379\n"
    data = _database(make_project, _project(GET, {"default.yaml": yaml}))
    assert data["engines"] == ["postgresql"]


def test_a_production_file_does_not_hold_in_the_harness(make_project: MakeProject) -> None:
    """default.json says SQLite, production.json PostgreSQL: the app may run on both, but with NODE_ENV
    unset (the paper's harness) it runs on SQLite and fails a PostgreSQL task."""
    files = _project(GET, {"default.json": _db(SQLITE_URL), "production.json": _db(PG_URL)})
    assert _database(make_project, files)["engines"] == ["postgresql", "sqlite"]
    db001 = only(check(make_project, files, POSTGRES_TASK), "DB001")
    assert db001["harness_engines"] == ["sqlite"]
    assert "when NODE_ENV=production" not in db001["message"]
    clean = _project(GET, {"default.json": _db(PG_URL), "production.json": _db(PG_URL)})
    assert "DB001" not in [f["rule"] for f in check(make_project, clean, POSTGRES_TASK)["findings"]]


def test_a_development_file_overrides_in_the_harness(make_project: MakeProject) -> None:
    files = _project(
        GET, {"default.json": _db(PG_URL), "development.json": _db(PG_URL), "test.json": _db(SQLITE_URL)}
    )
    assert _database(make_project, files)["engines"] == ["postgresql"]  # test.json is the tests'


def test_custom_environment_variables_map_a_key_to_a_variable(make_project: MakeProject) -> None:
    """`{"db": {"url": "DATABASE_URL"}}`: the variable overrides the file's value; unset in the harness,
    the file's value holds; with no file value, the app has nothing to start with (config.get throws)."""
    mapping = json.dumps({"db": {"url": "DATABASE_URL"}})
    files = _project(GET, {"default.json": _db(PG_URL), "custom-environment-variables.json": mapping})
    report = check(make_project, files, POSTGRES_TASK)
    assert "DB001" not in [f["rule"] for f in report["findings"]]
    only_variable = _project(
        GET, {"default.json": json.dumps({"port": 3000}), "custom-environment-variables.json": mapping}
    )
    db001 = only(check(make_project, only_variable, POSTGRES_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "$DATABASE_URL" in db001["message"]
    with_env = only_variable | {".env": f"DATABASE_URL={PG_URL}\n"}
    assert "DB001" not in [f["rule"] for f in check(make_project, with_env, POSTGRES_TASK)["findings"]]


def test_a_project_config_module_is_not_node_config(make_project: MakeProject) -> None:
    """A project's own `./config` module with a `db.url` is followed as code, not through config/*.json."""
    files = {
        "package.json": json.dumps(
            {"dependencies": {"express": "4", "sequelize": "6", "pg": "8", "sqlite3": "5"}}
        ),
        "src/server.js": SERVER,
        "src/config.js": f"module.exports = {{ db: {{ url: '{PG_URL}' }} }};\n",
        "src/db.js": "const config = require('./config');\nconst { Sequelize } = require('sequelize');\n\n"
        "module.exports = new Sequelize(config.db.url);\n",
        "config/default.json": _db(SQLITE_URL),
    }
    assert "sqlite" not in _database(make_project, files)["engines"]


def test_invalid_config_json_is_reported_not_raised(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _project(GET, {"default.json": '{"db": {"url": '}))
    assert any(f["rule"] == "DISC006" and f["file"] == "config/default.json" for f in report["findings"])


KNEXFILE = (
    "const config = require('config');\n\nconst dbClient = config.get('db.client');\n\n"
    "module.exports = { client: dbClient, connection: { filename: 'data/dev.sqlite3' } };\n"
)
KNEX = "const knex = require('knex');\nconst knexfile = require('../knexfile');\n\nmodule.exports = knex(knexfile);\n"


def _knex_project(config: dict[str, str]) -> dict[str, str | bytes]:
    package = json.dumps(
        {"dependencies": {"koa": "2", "config": "3", "knex": "3", "pg": "8", "sqlite3": "5"}}
    )
    files: dict[str, str | bytes] = {"package.json": package, "knexfile.js": KNEXFILE, "src/lib/db.js": KNEX}
    return files | {f"config/{name}": text for name, text in config.items()}


def test_a_knex_client_from_node_config(make_project: MakeProject) -> None:
    """`client: dbClient` with `const dbClient = config.get('db.client')` and `client: sqlite3` in
    config/default.yml (the gothinkster Koa app's shape): SQLite."""
    data = _database(make_project, _knex_project({"default.yml": "db:\n  client: sqlite3\n"}))
    assert data["engines"] == ["sqlite"]
    sqlite = next(e for e in data["evidence"] if e["engine"] == "sqlite" and e["kind"] == "config")
    assert "db.client in config/default.yml" in sqlite["detail"]


def test_a_production_knex_client_is_possible_but_not_in_the_harness(make_project: MakeProject) -> None:
    """production.yml's `pg` holds only with NODE_ENV=production: PostgreSQL is among the engines (its
    driver is not declared: only the config file names it), SQLite is what runs where NODE_ENV is unset."""
    files = _knex_project(
        {"default.yml": "db:\n  client: sqlite3\n", "production.yml": "db:\n  client: pg\n"}
    )
    data = _database(make_project, files)
    assert data["engines"] == ["postgresql", "sqlite"]
    postgres = next(e for e in data["evidence"] if e["engine"] == "postgresql" and e["kind"] == "config")
    assert postgres["switch"] == "NODE_ENV"


def test_a_knex_client_key_no_config_file_sets_names_no_engine_from_it(make_project: MakeProject) -> None:
    data = _database(make_project, _knex_project({"default.yml": "server:\n  port: 3000\n"}))
    assert not [e for e in data["evidence"] if e["kind"] == "config"]
