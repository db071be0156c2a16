"""Engines from weaker evidence, and the engine the app runs on in the task's harness (issue 18).

- `connect_args={"check_same_thread": False}` is SQLite whatever the URL;
- knex / Sequelize given `client: process.env.DB_CLIENT` / `dialect: process.env.DB_DIALECT` take the
  engine a `.env` (or `.env.example`) sets, or the one declared driver;
- the database constraint of a paper task is judged in the paper's harness, which sets no DATABASE_URL:
  an app falling back to SQLite fails a PostgreSQL task; `harness_env` / `--env` declare another one.

Each case has a violating and a clean variant.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from reports import MakeProject, check, inspect_json, only

from cdverify.cli import cli
from cdverify.config import ConfigError, build_config
from cdverify.pipeline import verify

POSTGRES_TASK = "python-flask-openapi-postgres-sqlalchemy"
SQLITE_TASK = "python-flask-openapi-sqlite-sqlalchemy"
FLASK = "from flask import Flask\n\napp = Flask(__name__)\n"
REQUIREMENTS = "flask\nsqlalchemy\npsycopg2-binary\n"
FALLBACK = (
    "import os\nfrom sqlalchemy import create_engine\n\n"
    'engine = create_engine(os.environ.get("DATABASE_URL", "sqlite:///conduit.db"))\n'
)
PG_URL = "postgresql://user:password@postgres:5432/conduit"


def _database(make_project: MakeProject, files: dict[str, str | bytes]) -> dict[str, Any]:
    data: dict[str, Any] = inspect_json(make_project, files)["database"]
    return data


def _rules(report: dict[str, Any]) -> list[str]:
    return sorted(f["rule"] for f in report["findings"] if f["rule"].startswith("DB"))


def _status(report: dict[str, Any]) -> str:
    status: str = report["verdicts"]["database"]["status"]
    return status


# -- connect_args check_same_thread ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "engines"),
    [
        ('os.environ["DATABASE_URL"], connect_args={"check_same_thread": False}', ["sqlite"]),
        ('os.environ["DATABASE_URL"]', ["postgresql"]),  # clean: the declared driver decides
    ],
)
def test_check_same_thread_means_sqlite(
    make_project: MakeProject, arguments: str, engines: list[str]
) -> None:
    code = f"import os\nfrom sqlalchemy import create_engine\n\nengine = create_engine({arguments})\n"
    data = _database(make_project, {"app.py": code, "requirements.txt": REQUIREMENTS})
    assert data["engines"] == engines


def test_check_same_thread_fails_a_postgres_constraint(make_project: MakeProject) -> None:
    code = (
        "import os\nfrom sqlalchemy import create_engine\n\n"
        'engine = create_engine(os.getenv("DATABASE_URL", "postgresql://u@h/db"), '
        'connect_args={"check_same_thread": False})\n'
    )
    files: dict[str, str | bytes] = {"app.py": code, "requirements.txt": REQUIREMENTS}
    report = check(make_project, files, "flask+postgres")
    db001 = only(report, "DB001")
    assert "SQLite" in db001["message"] and "check_same_thread" in db001["message"]
    assert _status(check(make_project, files, "flask+sqlite")) == "pass"


# -- an engine named by a variable a .env file sets ---------------------------------------------------

KNEXFILE = "module.exports = {\n  client: process.env.DB_CLIENT,\n  connection: { filename: 'dev.db' },\n};\n"
KNEX_APP = "const knex = require('knex');\nconst config = require('../knexfile');\n\nmodule.exports = knex(config);\n"


def _knex_project(drivers: dict[str, str], env_example: str | None) -> dict[str, str | bytes]:
    dependencies = {"express": "4.21.2", "knex": "3.1.0", **drivers}
    package = json.dumps({"name": "k", "version": "1.0.0", "dependencies": dependencies})
    files: dict[str, str | bytes] = {"package.json": package, "knexfile.js": KNEXFILE, "src/db.js": KNEX_APP}
    if env_example is not None:
        files[".env.example"] = env_example
    return files


@pytest.mark.parametrize(
    ("drivers", "env_example", "engines"),
    [
        ({"sqlite3": "5.1.7"}, "DB_CLIENT=sqlite3\n", ["sqlite"]),  # was: no engine and a false DB005
        ({"pg": "8.13.1"}, "DB_CLIENT=pg\n", ["postgresql"]),
        ({"sqlite3": "5.1.7"}, None, ["sqlite"]),  # the one declared driver
        ({"sqlite3": "5.1.7", "pg": "8.13.1"}, None, []),  # two drivers, nothing says which: no guess
    ],
)
def test_knex_client_from_the_environment(
    make_project: MakeProject, drivers: dict[str, str], env_example: str | None, engines: list[str]
) -> None:
    files = _knex_project(drivers, env_example)
    data = _database(make_project, files)
    assert data["engines"] == engines
    report = inspect_json(make_project, files)
    if engines:
        assert "DB005" not in _rules(report)


ESM_KNEXFILE = (
    "import dotenv from 'dotenv';\n\ndotenv.config();\n\n"
    "export default {\n  development: {\n    client: process.env.DB_KIND,\n"
    "    connection: { host: process.env.DB_HOST, database: 'shop' },\n  },\n};\n"
)
ASSIGNED_KNEXFILE = ESM_KNEXFILE.replace("export default {", "export default Object.assign({}, {").replace(
    "\n};\n", "\n});\n"
)
ESM_KNEX_APP = (
    "import Knex from 'knex';\nimport { Model } from 'objection';\nimport settings from './knexfile.js';\n\n"
    "const knex = Knex(settings.development);\nModel.knex(knex);\nexport default knex;\n"
)


@pytest.mark.parametrize(
    ("knexfile", "env", "engines"),
    [
        (ESM_KNEXFILE, "DB_KIND=postgres\n", ["postgresql"]),  # was: no engine (the entries went unread)
        (ESM_KNEXFILE, "DB_KIND=sqlite3\n", ["sqlite"]),
        (ASSIGNED_KNEXFILE, "DB_KIND=pg\n", ["postgresql"]),  # `Object.assign({}, { … })`: its objects
        (ESM_KNEXFILE, "OTHER=postgres\n", []),  # the variable is set nowhere, two drivers: no guess
    ],
)
def test_knex_client_of_an_esm_default_export(
    make_project: MakeProject, knexfile: str, env: str, engines: list[str]
) -> None:
    dependencies = {
        "koa": "2.15.0",
        "knex": "3.1.0",
        "objection": "3.1.3",
        "pg": "8.13.1",
        "sqlite3": "5.1.7",
    }
    package = json.dumps({"name": "k", "version": "1.0.0", "type": "module", "dependencies": dependencies})
    files: dict[str, str | bytes] = {"package.json": package, "knexfile.js": knexfile, "app.js": ESM_KNEX_APP}
    assert _database(make_project, {**files, ".env": env})["engines"] == engines


def test_sequelize_dialect_from_env_example(make_project: MakeProject) -> None:
    code = (
        "const { Sequelize } = require('sequelize');\n\n"
        "module.exports = new Sequelize('conduit', 'user', 'password', { dialect: process.env.DB_DIALECT });\n"
    )
    package = '{"name": "s", "version": "1.0.0", "dependencies": {"sequelize": "6.37.5", "mysql2": "3.11.0"}}'
    files: dict[str, str | bytes] = {"package.json": package, "src/db.js": code}
    assert _database(make_project, {**files, ".env.example": "DB_DIALECT=mysql\n"})["engines"] == ["mysql"]
    named = _database(make_project, {**files, ".env.example": "DB_DIALECT=postgres\n"})
    assert named["usage"].get("postgresql") == "runtime"


TYPEORM_ENV = "export const env = {\n  db: {\n    type: process.env.DB_TYPE,\n    host: process.env.DB_HOST,\n  },\n};\n"
TYPEORM_SOURCE = (
    "import { DataSource } from 'typeorm';\nimport { env } from './env';\n\n"
    "export const source = new DataSource({\n  type: env.db.type as any,\n  host: env.db.host,\n});\n"
)


@pytest.mark.parametrize(
    ("env_example", "engines"),
    [
        ("DB_TYPE=postgres\n", ["postgresql"]),  # was: both declared drivers, inferred
        ("DB_TYPE=mysql\n", ["mysql"]),
        ("DB_HOST=localhost\n", ["mysql", "postgresql"]),  # nothing says which: the declared drivers
    ],
)
def test_typeorm_type_from_a_config_object_reading_the_environment(
    make_project: MakeProject, env_example: str, engines: list[str]
) -> None:
    dependencies = {"typeorm": "0.3.20", "pg": "8.13.1", "mysql2": "3.11.0"}
    files: dict[str, str | bytes] = {
        "package.json": json.dumps({"name": "t", "version": "1.0.0", "dependencies": dependencies}),
        "src/env.ts": TYPEORM_ENV,
        "src/db.ts": TYPEORM_SOURCE,
        ".env.example": env_example,
    }
    assert _database(make_project, files)["engines"] == engines


# -- the paper's harness -------------------------------------------------------------------------------


def test_sqlite_fallback_fails_a_postgres_task_in_the_papers_harness(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {"app.py": FLASK + FALLBACK, "requirements.txt": REQUIREMENTS}
    report = check(make_project, files, POSTGRES_TASK)
    db001 = only(report, "DB001")
    assert db001["message"].startswith("PostgreSQL is required but in the paper's harness environment")
    assert (
        "runs on SQLite (URL sqlite:///conduit.db, default when $DATABASE_URL is unset)" in db001["message"]
    )
    assert db001["environment"] == {"name": "paper", "variables": {}}
    assert db001["harness_engines"] == ["sqlite"]
    assert _status(check(make_project, files, SQLITE_TASK)) == "pass"
    # a constraint that is no paper task judges the configured engines, as before
    assert "DB001" not in _rules(check(make_project, files, "flask+postgres"))


@pytest.mark.parametrize(
    ("env_file", "status"),
    [(f"DATABASE_URL={PG_URL}\n", "pass"), ("DATABASE_URL=sqlite:///other.db\n", "fail")],
)
def test_a_env_file_the_project_ships_counts_in_the_harness(
    make_project: MakeProject, env_file: str, status: str
) -> None:
    files: dict[str, str | bytes] = {
        "app.py": FLASK + FALLBACK,
        "requirements.txt": REQUIREMENTS,
        ".env": env_file,
    }
    assert _status(check(make_project, files, POSTGRES_TASK)) == status


def test_an_example_env_file_is_not_loaded_in_the_harness(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "app.py": FLASK + FALLBACK,
        "requirements.txt": REQUIREMENTS,
        ".env.example": f"DATABASE_URL={PG_URL}\n",
    }
    assert _status(check(make_project, files, POSTGRES_TASK)) == "fail"


def test_literal_settings_pass_a_postgres_task(make_project: MakeProject) -> None:
    code = f'from sqlalchemy import create_engine\n\nengine = create_engine("{PG_URL}")\n'
    report = check(make_project, {"app.py": FLASK + code, "requirements.txt": REQUIREMENTS}, POSTGRES_TASK)
    assert _status(report) == "pass"


def test_a_url_only_an_unset_variable_gives_cannot_start(make_project: MakeProject) -> None:
    code = 'import os\nfrom sqlalchemy import create_engine\n\nengine = create_engine(os.environ["DATABASE_URL"])\n'
    files: dict[str, str | bytes] = {"app.py": FLASK + code, "requirements.txt": REQUIREMENTS}
    db001 = only(check(make_project, files, POSTGRES_TASK), "DB001")
    assert "has no database to start with" in db001["message"]
    assert "needs $DATABASE_URL, which is unset there" in db001["message"]
    assert db001["harness_engines"] == []
    assert (
        _status(check(make_project, {**files, ".env": f"DATABASE_URL={PG_URL}\n"}, POSTGRES_TASK)) == "pass"
    )


def test_a_declared_environment_is_used_and_named(make_project: MakeProject) -> None:
    root = make_project({"app.py": FLASK + FALLBACK, "requirements.txt": REQUIREMENTS})
    declared = build_config({"harness_env": {"DATABASE_URL": PG_URL}})
    report = verify(root, POSTGRES_TASK, declared, use_cache=False)
    assert report.verdicts["database"].status == "pass"
    # for a constraint that is no paper task, a declared environment applies too
    empty = build_config({"harness_env": {}})
    other = verify(root, "flask+postgres", empty, use_cache=False).to_json()
    assert only(other, "DB001")["environment"] == {"name": "declared", "variables": {}}


def test_check_env_option(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project({"app.py": FLASK + FALLBACK, "requirements.txt": REQUIREMENTS})
    runner = CliRunner()
    failing = runner.invoke(cli, ["check", str(root), "--task", POSTGRES_TASK, "--no-cache"])
    assert "database [postgres]: FAIL" in failing.output
    assert "in the paper's harness environment" in failing.output
    passing = runner.invoke(
        cli, ["check", str(root), "--task", POSTGRES_TASK, "--no-cache", "--env", f"DATABASE_URL={PG_URL}"]
    )
    assert "database [postgres]: PASS" in passing.output
    assert "DB001" not in passing.output
    bad = runner.invoke(cli, ["check", str(root), "--task", POSTGRES_TASK, "--env", "DATABASE_URL"])
    assert bad.exit_code == 2 and "expects KEY=VALUE" in bad.output


def test_harness_env_config_must_hold_strings() -> None:
    with pytest.raises(ConfigError, match=r"harness_env\.PORT must be a string"):
        build_config({"harness_env": {"PORT": 8080}})
    with pytest.raises(ConfigError, match="harness_env must be a table"):
        build_config({"harness_env": "DATABASE_URL=x"})


# -- a URL returned by a project helper in another module ---------------------------------------------

HELPER = (
    "import os\n\n\ndef get_uri():\n"
    '    host = os.environ.get("DB_HOST", "localhost")\n'
    '    return f"{scheme}://user:password@{{host}}:5432/app"\n'
)
UOW = "from sqlalchemy import create_engine\n\nfrom {module} import config\n\nENGINE = create_engine(config.get_uri())\n"


@pytest.mark.parametrize(
    ("scheme", "engines"), [("postgresql", ["postgresql"]), ("mysql+pymysql", ["mysql"])]
)
def test_url_returned_by_a_helper_of_another_module(
    make_project: MakeProject, scheme: str, engines: list[str]
) -> None:
    files: dict[str, str | bytes] = {
        "shop/__init__.py": "",
        "shop/config.py": HELPER.format(scheme=scheme),
        "shop/uow.py": UOW.format(module="shop"),
        "requirements.txt": "flask\nsqlalchemy\n",  # no driver declared: nothing to infer from
    }
    data = _database(make_project, files)
    assert data["engines"] == engines
    assert not [e for e in data["evidence"] if e["kind"] == "mention"]  # the helper's URL is connected


def test_a_helper_of_the_same_name_elsewhere_is_not_followed(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "shop/__init__.py": "",
        "other/__init__.py": "",
        "other/config.py": HELPER.format(scheme="postgresql"),
        "shop/config.py": "def get_uri():\n    return read_secret()\n",
        "shop/uow.py": UOW.format(module="shop"),
        "requirements.txt": "flask\nsqlalchemy\n",
    }
    assert _database(make_project, files)["engines"] == []
