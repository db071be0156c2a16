"""The database knowledge kept as data in rules/database/*.toml besides the engine signals: the
per-file rules of configuration files (`[settings_files]`), the stacks that pick the DB001 hint
(`[hint_stacks]`), the template defaults, the image prefixes and the SQLAlchemy scheme. Each table is
checked against the code that produces what it names, and its effect is shown on a small project."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, inspect_json, only

from cdverify.catalog import load_rules
from cdverify.config import load_config
from cdverify.detect.database import engine_of_value
from cdverify.detect.database.values import ENVIRONMENT_SOURCES
from cdverify.discover import discover
from cdverify.manifests import read_manifests
from cdverify.rules_schema import Connections, Engines

ENGINES = load_rules(Engines)
CONNECTIONS = load_rules(Connections)

# One configuration file of each kind manifests.py reads settings from.
SETTINGS_FILES = {
    ".env": "DATABASE_URL=postgresql://localhost/conduit\n",
    "docker-compose.yml": "services:\n  api:\n    environment:\n      DATABASE_URL: postgresql://db/conduit\n",
    "prisma/schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
    "alembic.ini": "[alembic]\nsqlalchemy.url = postgresql://localhost/conduit\n",
    "config/config.json": '{"development": {"dialect": "postgres"}}\n',
    "ormconfig.json": '{"type": "postgres", "url": "postgresql://localhost/conduit"}\n',
    "run.sh": "#!/bin/sh\nexport DATABASE_URL=postgresql://localhost/conduit\nexec node server.js\n",
    "settings.toml": '[default]\nDATABASE_URL = "postgresql://localhost/conduit"\n',
}


def test_every_settings_file_rule_names_a_source_the_manifests_produce(make_project: MakeProject) -> None:
    """A misspelt source in `[settings_files.sources]` would silently never apply."""
    root = make_project(SETTINGS_FILES)
    settings = read_manifests(discover(root, load_config(root))).settings
    produced = {setting.source for setting in settings}
    assert produced == set(CONNECTIONS.settings_files.sources) | set(ENVIRONMENT_SOURCES)


def test_hint_stacks_and_engine_hints_name_the_same_stacks() -> None:
    stacks = {stack.name for stack in ENGINES.hint_stacks.stacks}
    for name, engine in ENGINES.engines.items():
        assert set(engine.hints) <= stacks | {"python", "node"}, name
    for engine in ENGINES.constraint.values():  # an engine a constraint can require has a hint in every stack
        assert set(ENGINES.engines[engine].hints) == stacks | {"python", "node"}, engine


def test_template_defaults_are_catalogued_engine_values() -> None:
    for default in CONNECTIONS.template_defaults:
        assert engine_of_value(default.value) is not None, default.value


# A SQLite connection written with each stack, checked against `-c postgres`: DB001's hint is the stack's.
STACK_PROJECTS: dict[str, dict[str, str | bytes]] = {
    "django": {
        "conduit/settings.py": 'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}\n'
    },
    "prisma": {
        "prisma/schema.prisma": 'datasource db {\n  provider = "sqlite"\n  url = "file:./dev.db"\n}\n'
    },
    "sequelize": {
        "src/db.js": 'const { Sequelize } = require("sequelize");\n\n'
        'module.exports = new Sequelize({ dialect: "sqlite", storage: "conduit.sqlite" });\n'
    },
    "knex": {
        "src/db.js": 'const knex = require("knex");\n\n'
        'module.exports = knex({ client: "sqlite3", connection: { filename: "./conduit.sqlite" } });\n'
    },
    "typeorm": {
        "src/db.ts": 'import { DataSource } from "typeorm";\n\n'
        'export const source = new DataSource({ type: "sqlite", database: "conduit.sqlite" });\n'
    },
    "sqlalchemy": {
        "app/db.py": 'from sqlalchemy import create_engine\n\nengine = create_engine("sqlite:///app.db")\n'
    },
    "python": {"app/db.py": 'import sqlite3\n\nconnection = sqlite3.connect("app.db")\n'},
    "node": {
        "src/db.js": 'const Database = require("better-sqlite3");\n\nmodule.exports = new Database("app.db");\n'
    },
}


@pytest.mark.parametrize("stack", sorted(STACK_PROJECTS))
def test_db001_hint_is_written_in_the_applications_stack(make_project: MakeProject, stack: str) -> None:
    report = check(make_project, STACK_PROJECTS[stack], "postgres")
    db001: dict[str, Any] = only(report, "DB001")
    spec = ENGINES.engines["postgresql"]
    line = spec.connections.get(stack, "")
    line = line.replace("{variable}", "DATABASE_URL").replace("{url}", spec.harness_url)
    assert db001["hint"] == spec.hints[stack].replace("{connection}", line)
    # the exact connection line, with the paper harness's URL, where the stack has one
    if stack in ("python", "node"):
        assert "connection_line" not in db001
    else:
        assert db001["connection_line"] == line and "postgresql://user:password@postgres:5432/conduit" in line


@pytest.mark.parametrize(
    ("name", "scope"), [(".env", "application"), (".env.test", "test"), (".env.test.local", "test")]
)
def test_a_settings_file_named_for_the_tests_is_the_tests(
    make_project: MakeProject, name: str, scope: str
) -> None:
    data = inspect_json(make_project, {name: "POSTGRES_USER=conduit\n"})["database"]
    assert [(e["file"], e["engine"], e["scope"]) for e in data["evidence"]] == [(name, "postgresql", scope)]


def test_sequelize_cli_test_block_is_the_tests(make_project: MakeProject) -> None:
    config = '{"development": {"dialect": "postgres"}, "test": {"dialect": "sqlite"}}\n'
    data = inspect_json(make_project, {"config/config.json": config})["database"]
    assert {(e["engine"], e["scope"]) for e in data["evidence"]} == {
        ("postgresql", "application"),
        ("sqlite", "test"),
    }


def test_alembic_ini_is_the_migrations_and_its_postgres_scheme_is_db003(make_project: MakeProject) -> None:
    files = {"alembic.ini": "[alembic]\nsqlalchemy.url = postgres://user@localhost/conduit\n"}
    report = inspect_json(make_project, files)
    assert [e["scope"] for e in report["database"]["evidence"]] == ["migration"]
    db003 = only(report, "DB003")
    assert db003["hint"] == CONNECTIONS.sqlalchemy.hint
    assert CONNECTIONS.sqlalchemy.rejected_scheme in db003["message"]
