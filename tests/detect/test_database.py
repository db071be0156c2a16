"""The database-engine verifier (DB001-DB006) on small projects written for each case.

Three kinds of tests, all table-driven:

- every signal of rules/database/engines.toml and rules/database/connections.toml, taken from the
  catalogue itself (URL schemes, dialect values, packages, driver modules, dialect modules, Compose
  images, environment prefixes, connection calls, configuration keys), so that a new catalogue entry
  is tested the day it is added (the in-memory engine has no URL scheme and no image in the
  catalogue, nor SQLite an image: `sqlite://` and `:memory:` URLs have their own tests);
- the connection points spelled the way real projects write them (SQLAlchemy, Flask-SQLAlchemy,
  pydantic settings, Django, dj-database-url, raw drivers, Tortoise, Peewee; Sequelize, knex, TypeORM,
  drizzle, pg, better-sqlite3, mysql2, mongoose, Prisma; .env, sequelize-cli, alembic.ini, Compose);
- the traps: comments, tests, migrations, scripts, unused drivers and services, Django's default
  settings, environment fallbacks, `postgres://` and SQLAlchemy, a second engine, monorepo front-ends;
  and a violating and a clean case for every rule.

Finally the `db-*` and `fw-*` samples of corpus/ are inspected and checked against what a reviewer expects.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from reports import MakeProject, check, findings_of, inspect_json, only

from cdverify.pipeline import inspect, verify

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules" / "database"
CORPUS = REPO / "corpus"
ENGINES: dict[str, dict[str, Any]] = tomllib.loads((RULES / "engines.toml").read_text())["engines"]
CONNECTIONS: dict[str, Any] = tomllib.loads((RULES / "connections.toml").read_text())


# One URL per engine that the URL-decided connection points accept, and a dialect value per engine.
URL_OF = {
    "postgresql": "postgresql://user:password@localhost:5432/conduit",
    "sqlite": "sqlite:///conduit.db",
    "mysql": "mysql://root:password@localhost:3306/conduit",
    "mssql": "mssql+pyodbc://sa:password@localhost:1433/conduit",
    "oracle": "oracle+oracledb://system:password@localhost:1521/xe",
    "mongodb": "mongodb://localhost:27017/conduit",
    "redis": "redis://localhost:6379/0",
}
DIALECT_OF = {
    "postgresql": "postgres",
    "sqlite": "sqlite",
    "mysql": "mysql",
    "mssql": "mssql",
    "oracle": "oracle",
    "mongodb": "mongodb",
}


# -- helpers -----------------------------------------------------------------------------------------


def database(make_project: MakeProject, files: dict[str, str | bytes]) -> dict[str, Any]:
    """The `database` object of `cdverify inspect --format json` for a project made of `files`."""
    data: dict[str, Any] = inspect_json(make_project, files)["database"]
    return data


def db_findings(report: dict[str, Any]) -> list[tuple[str, str, int]]:
    return findings_of(report, "DB")


def rules_of(report: dict[str, Any]) -> list[str]:
    return sorted(f["rule"] for f in report["findings"] if f["rule"].startswith("DB"))


finding = only


def kinds(data: dict[str, Any], engine: str) -> set[str]:
    return {e["kind"] for e in data["evidence"] if e["engine"] == engine}


def python_call(callee: str, arguments: str = "") -> str:
    """A Python module calling `callee` as cdverify traces it (`import root`, then the dotted name)."""
    root = callee.split(".")[0]
    return f"import {root}\n\nconnection = {callee}({arguments})\n"


def node_module(callee: str) -> str:
    """The npm module a traced callee comes from: `pg.Pool` → pg, `@libsql/client.createClient` →
    @libsql/client, `mysql2/promise.createPool` → mysql2/promise, `sql.js` → sql.js."""
    if callee == "sql.js":
        return callee
    if callee.startswith("@"):
        scope, rest = callee.split("/", 1)
        return scope + "/" + re.match(r"[^.(]+", rest).group(0)  # type: ignore[union-attr]
    return re.match(r"[^.(]+", callee).group(0)  # type: ignore[union-attr]


def node_call(callee: str, arguments: str = "") -> str:
    """A CommonJS module calling `callee`: `const db = require("pg"); new db.Pool(…)`."""
    module = node_module(callee)
    expression = "db" + callee[len(module) :]
    return f'const db = require("{module}");\n\nconst connection = {expression}({arguments});\n'


# -- every signal of engines.toml --------------------------------------------------------------------


def _signals(field: str) -> list[Any]:
    return [
        pytest.param(engine, item, id=f"{engine}-{item}")
        for engine, spec in ENGINES.items()
        for item in spec.get(field, [])
    ]


def _url_for_scheme(scheme: str) -> str:
    if scheme == "file":
        return "file:./data/conduit.db"
    if scheme == "sqlite":
        return "sqlite:///./conduit.db"
    return f"{scheme}://user:password@localhost:5432/conduit"


@pytest.mark.parametrize(("engine", "scheme"), _signals("url_schemes"))
def test_url_scheme_names_its_engine(make_project: MakeProject, engine: str, scheme: str) -> None:
    url = _url_for_scheme(scheme)
    data = database(make_project, {"app/config.py": f'DATABASE_URL = "{url}"\n'})
    assert data["engines"] == [engine]
    assert data["usage"] == {engine: "runtime"}
    assert kinds(data, engine) == {"config"}


@pytest.mark.parametrize(
    ("engine", "scheme"),
    [
        pytest.param("sqlite", "sqlite+aiosqlite"),
        pytest.param("postgresql", "postgresql+asyncpg"),
        pytest.param("mysql", "mysql+pymysql"),
        pytest.param("mongodb", "mongodb+srv"),
    ],
)
def test_url_scheme_with_driver_suffix(make_project: MakeProject, engine: str, scheme: str) -> None:
    slashes = ":///./conduit.db" if engine == "sqlite" else "://user:password@db.example.com/conduit"
    data = database(make_project, {"app/config.py": f'DATABASE_URL = "{scheme}{slashes}"\n'})
    assert data["engines"] == [engine]


def test_file_url_without_database_file_is_not_sqlite(make_project: MakeProject) -> None:
    data = database(make_project, {"app/config.py": 'DATABASE_URL = "file:///etc/app/settings.json"\n'})
    assert data["engines"] == []
    assert data["usage"] == {}


@pytest.mark.parametrize(("engine", "value"), _signals("values"))
def test_dialect_value_names_its_engine(make_project: MakeProject, engine: str, value: str) -> None:
    settings = f'DATABASES = {{\n    "default": {{\n        "ENGINE": "{value}",\n        "NAME": "conduit",\n    }}\n}}\n'
    data = database(make_project, {"mysite/settings.py": settings})
    assert data["engines"] == [engine]
    assert data["usage"] == {engine: "runtime"}


@pytest.mark.parametrize(("engine", "package"), _signals("python_packages"))
def test_declared_python_package_only(make_project: MakeProject, engine: str, package: str) -> None:
    """A driver in requirements.txt that no code uses: declared, never run time; DB005 (info)."""
    files = {"requirements.txt": f"flask==3.0.3\n{package}\n", "app.py": "print('hello')\n"}
    report = check(make_project, files, "flask+postgres" if engine != "postgresql" else "flask+sqlite")
    assert report["database"]["engines"] == []
    assert report["database"]["usage"] == {engine: "declared"}
    db005 = finding(report, "DB005")
    assert (db005["file"], db005["line"], db005["engine"]) == ("requirements.txt", 2, engine)
    assert db005["severity"] == "info"


@pytest.mark.parametrize(("engine", "package"), _signals("npm_packages"))
def test_declared_npm_package_only(make_project: MakeProject, engine: str, package: str) -> None:
    files = {
        "package.json": '{\n  "name": "api",\n  "dependencies": {\n    "express": "^4.19.2",\n'
        f'    "{package}": "^1.0.0"\n  }}\n}}\n',
        "src/server.js": "console.log('hello');\n",
    }
    report = check(make_project, files, "express+sqlite" if engine != "sqlite" else "express+postgres")
    assert report["database"]["engines"] == []
    assert report["database"]["usage"] == {engine: "declared"}
    db005 = finding(report, "DB005")
    assert (db005["file"], db005["line"], db005["engine"]) == ("package.json", 5, engine)


@pytest.mark.parametrize(("engine", "module"), _signals("python_modules"))
def test_driver_module_import_in_application(make_project: MakeProject, engine: str, module: str) -> None:
    data = database(make_project, {"app/db.py": f"import {module}\n"})
    assert data["engines"] == [engine]
    assert data["usage"] == {engine: "runtime"}
    assert kinds(data, engine) == {"import"}


@pytest.mark.parametrize(("engine", "module"), _signals("python_modules"))
def test_driver_module_import_in_tests_only(make_project: MakeProject, engine: str, module: str) -> None:
    data = database(make_project, {"app/db.py": "DEBUG = True\n", "tests/test_db.py": f"import {module}\n"})
    assert data["engines"] == []
    assert data["usage"] == {engine: "tests"}


@pytest.mark.parametrize(("engine", "package"), _signals("npm_packages"))
def test_npm_driver_import_in_application(make_project: MakeProject, engine: str, package: str) -> None:
    data = database(
        make_project, {"src/db.ts": f'import * as driver from "{package}";\n\nexport {{ driver }};\n'}
    )
    assert data["engines"] == [engine]
    assert data["usage"] == {engine: "runtime"}


@pytest.mark.parametrize(("engine", "module"), _signals("dialect_modules"))
def test_dialect_module_import(make_project: MakeProject, engine: str, module: str) -> None:
    if module.startswith(("sqlalchemy.", "django.")):
        files = {"app/models.py": f"from {module} import something\n"}
    else:
        files = {"src/schema.ts": f'import * as dialect from "{module}";\n\nexport {{ dialect }};\n'}
    data = database(make_project, files)
    assert data["engines"] == [engine]
    assert data["usage"] == {engine: "runtime"}
    assert kinds(data, engine) == {"dialect"}


@pytest.mark.parametrize(("engine", "image"), _signals("images"))
def test_compose_image_alone_is_declared_and_db006(
    make_project: MakeProject, engine: str, image: str
) -> None:
    compose = f"services:\n  api:\n    build: .\n  db:\n    image: {image}:latest\n    restart: always\n"
    report = check(
        make_project,
        {"docker-compose.yml": compose, "app.py": "print('hello')\n"},
        "postgres" if engine != "postgresql" else "sqlite",
    )
    assert report["database"]["engines"] == []
    assert report["database"]["usage"] == {engine: "declared"}
    db006 = finding(report, "DB006")
    assert (db006["file"], db006["line"], db006["engine"], db006["severity"]) == (
        "docker-compose.yml",
        4,
        engine,
        "info",
    )


def test_compose_image_with_registry_and_digest(make_project: MakeProject) -> None:
    compose = "services:\n  db:\n    image: docker.io/library/postgres:16-alpine@sha256:abc123\n"
    data = database(make_project, {"compose.yaml": compose})
    assert data["usage"] == {"postgresql": "declared"}


def _env_key(prefix: str) -> str:
    return prefix + "HOST" if prefix.endswith("_") else prefix


@pytest.mark.parametrize(("engine", "prefix"), _signals("env_prefixes"))
def test_environment_prefix_hints_at_engine(make_project: MakeProject, engine: str, prefix: str) -> None:
    """`POSTGRES_PASSWORD=…` in .env configures a deployment, not a connection: declared only."""
    data = database(make_project, {".env": f"{_env_key(prefix)}=localhost\n", "app.py": "print('hello')\n"})
    assert data["engines"] == []
    assert data["usage"] == {engine: "declared"}
    assert kinds(data, engine) == {"service"}


@pytest.mark.parametrize(("engine", "prefix"), _signals("env_prefixes"))
def test_environment_prefix_in_compose(make_project: MakeProject, engine: str, prefix: str) -> None:
    compose = f"services:\n  api:\n    build: .\n    environment:\n      {_env_key(prefix)}: db.internal\n"
    data = database(make_project, {"docker-compose.yml": compose})
    assert data["usage"] == {engine: "declared"}


def test_in_memory_sqlite_url_is_sqlite_in_memory(make_project: MakeProject) -> None:
    data = database(
        make_project,
        {
            "app/db.py": 'from sqlalchemy import create_engine\n\nengine = create_engine("sqlite:///:memory:")\n'
        },
    )
    assert data["engines"] == ["sqlite"]
    assert "in memory" in data["evidence"][0]["detail"]


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "sqlite::memory:", "file::memory:"], ids=lambda u: u
)
def test_memory_markers(make_project: MakeProject, url: str) -> None:
    files = {
        "src/db.js": f'const {{ Sequelize }} = require("sequelize");\n\nmodule.exports = new Sequelize("{url}");\n'
    }
    data = database(make_project, files)
    assert data["engines"] == ["sqlite"]
    assert data["evidence"][0]["detail"].endswith("(in memory)")


# -- every connection point of connections.toml -------------------------------------------------------


def _connection_params(family: str) -> list[Any]:
    params = []
    for entry in CONNECTIONS[family]:
        fixed = entry.get("engine")
        for callee in entry["calls"]:
            if fixed is not None:
                params.append(pytest.param(callee, fixed, None, id=f"{callee}->{fixed}"))
            else:
                for engine in entry["engines"]:
                    params.append(pytest.param(callee, engine, entry, id=f"{callee}->{engine}"))
    return params


def _python_arguments(entry: dict[str, Any] | None, engine: str) -> str:
    if entry is None:
        return ""
    url = URL_OF[engine]
    if "0" in entry.get("url", []):
        return f'"{url}"'
    return f'{entry["url"][0]}="{url}"'


def _node_arguments(entry: dict[str, Any] | None, engine: str) -> str:
    if entry is None:
        return ""
    if entry.get("dialect"):
        return f'{{ {entry["dialect"][0]}: "{DIALECT_OF[engine]}" }}'
    return f'"{URL_OF[engine]}"'


@pytest.mark.parametrize(("callee", "engine", "entry"), _connection_params("python"))
def test_every_python_connection_call(
    make_project: MakeProject, callee: str, engine: str, entry: dict[str, Any] | None
) -> None:
    data = database(make_project, {"app/db.py": python_call(callee, _python_arguments(entry, engine))})
    assert data["engines"] == [engine]
    assert data["usage"] == {engine: "runtime"}
    assert "connection" in kinds(data, engine)


@pytest.mark.parametrize(("callee", "engine", "entry"), _connection_params("node"))
def test_every_node_connection_call(
    make_project: MakeProject, callee: str, engine: str, entry: dict[str, Any] | None
) -> None:
    data = database(make_project, {"src/db.js": node_call(callee, _node_arguments(entry, engine))})
    assert data["engines"] == [engine]
    assert data["usage"] == {engine: "runtime"}
    assert "connection" in kinds(data, engine)


_URL_DECIDED_NODE_WITH_URL = [
    pytest.param(callee, key, id=f"{callee}-{key}")
    for entry in CONNECTIONS["node"]
    if entry.get("engine") is None
    for callee in entry["calls"][:1]
    for key in entry.get("url", [])
    if key != "0"
]


@pytest.mark.parametrize(("callee", "key"), _URL_DECIDED_NODE_WITH_URL)
def test_node_url_keys_of_connection_calls(make_project: MakeProject, callee: str, key: str) -> None:
    """`new DataSource({url})`, `knex({connection: {connectionString}})`, drizzle-kit `dbCredentials.url`."""
    parts = key.split(".")
    value = f'"{URL_OF["mysql"]}"'
    for part in reversed(parts):
        value = f"{{ {part}: {value} }}"
    data = database(make_project, {"src/db.js": node_call(callee, value)})
    assert data["engines"] == ["mysql"]


@pytest.mark.parametrize(
    ("callee", "driver"),
    [
        (c, "aiomysql" if "pymysql" in entry.get("unusable_drivers", []) else "pymysql")
        for entry in CONNECTIONS["python"]
        if entry.get("engine") is None
        for c in entry["calls"]
    ],
)
def test_python_url_from_environment_uses_declared_drivers(
    make_project: MakeProject, callee: str, driver: str
) -> None:
    """`create_engine(os.environ["DATABASE_URL"])`: the engines whose driver is declared may serve (one
    the call can load: an asyncio engine takes aiomysql, not pymysql)."""
    source = python_call(callee, 'os.environ["DATABASE_URL"]').replace("\n\n", "\nimport os\n\n", 1)
    files = {"app/db.py": source, "requirements.txt": f"{driver}==1.1.1\n"}
    data = database(make_project, files)
    assert data["engines"] == ["mysql"]
    evidence = [e for e in data["evidence"] if e["kind"] == "connection"]
    assert [e["switch"] for e in evidence] == ["DATABASE_URL"]


@pytest.mark.parametrize(
    ("callee", "key"),
    [
        pytest.param(entry["calls"][0], entry["url"][0], id=entry["calls"][0])
        for entry in CONNECTIONS["node"]
        if entry.get("engine") is None
    ],
)
def test_node_url_from_environment_uses_declared_drivers(
    make_project: MakeProject, callee: str, key: str
) -> None:
    """`new Sequelize(process.env.DATABASE_URL)`, `knex({connection: process.env.DATABASE_URL})`, …"""
    argument = "process.env.DATABASE_URL"
    for part in reversed(key.split(".") if key != "0" else []):
        argument = f"{{ {part}: {argument} }}"
    files = {
        "src/db.js": node_call(callee, argument),
        "package.json": '{"dependencies": {"pg": "^8.11.0"}}',
    }
    data = database(make_project, files)
    assert data["engines"] == ["postgresql"]


@pytest.mark.parametrize("key", CONNECTIONS["config"]["url_keys"])
def test_every_url_key(make_project: MakeProject, key: str) -> None:
    if "." in key:  # sqlalchemy.url lives in alembic.ini
        files = {"alembic.ini": f"[alembic]\nscript_location = migrations\n{key} = {URL_OF['postgresql']}\n"}
        data = database(make_project, files)
        assert data["usage"] == {"postgresql": "migrations"}
        return
    data = database(make_project, {"app/config.py": f'{key} = "{URL_OF["postgresql"]}"\n'})
    assert data["engines"] == ["postgresql"]
    assert kinds(data, "postgresql") == {"config"}


@pytest.mark.parametrize("key", CONNECTIONS["config"]["value_keys"])
def test_every_value_key(make_project: MakeProject, key: str) -> None:
    data = database(make_project, {"src/config.js": f'module.exports = {{ {key}: "mysql" }};\n'})
    assert data["engines"] == ["mysql"]
    assert kinds(data, "mysql") == {"config"}


@pytest.mark.parametrize("key", [k for k in CONNECTIONS["config"]["sqlalchemy_keys"] if "." not in k])
def test_every_sqlalchemy_key_rejects_postgres_scheme(make_project: MakeProject, key: str) -> None:
    source = f'from flask import Flask\n\napp = Flask(__name__)\napp.config["{key}"] = "postgres://u:p@localhost/app"\n'
    report = check(make_project, {"app.py": source}, "flask+postgres")
    db003 = finding(report, "DB003")
    assert (db003["file"], db003["line"]) == ("app.py", 4)


def test_alembic_ini_postgres_scheme_is_db003(make_project: MakeProject) -> None:
    """`sqlalchemy.url` is listed in connections.toml `sqlalchemy_keys`: alembic hands it to
    SQLAlchemy's engine_from_config, which raises NoSuchModuleError for postgres://."""
    files = {
        "alembic.ini": "[alembic]\nscript_location = migrations\nsqlalchemy.url = postgres://user:password@localhost/conduit\n",
        "app/db.py": 'from sqlalchemy import create_engine\n\nengine = create_engine("postgresql://user:password@localhost/conduit")\n',
    }
    report = check(make_project, files, "postgres")
    assert db_findings(report) == [("DB003", "alembic.ini", 3)]


# -- connection points as real code writes them -------------------------------------------------------

REAL_CODE: list[Any] = [
    # SQLAlchemy
    pytest.param(
        {
            "app/db.py": "from sqlalchemy import create_engine\nfrom sqlalchemy.orm import sessionmaker\n\n"
            'engine = create_engine("postgresql+psycopg2://user:password@localhost:5432/conduit", pool_pre_ping=True)\n'
            "SessionLocal = sessionmaker(bind=engine, autoflush=False)\n",
            "requirements.txt": "SQLAlchemy==2.0.30\npsycopg2-binary==2.9.9\n",
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="sqlalchemy-create_engine-literal",
    ),
    pytest.param(
        {
            "app/db.py": "from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine\n\n"
            'engine = create_async_engine("sqlite+aiosqlite:///./conduit.db", echo=False)\n'
            "SessionLocal = async_sessionmaker(engine, expire_on_commit=False)\n",
            "requirements.txt": "sqlalchemy[asyncio]\naiosqlite\n",
        },
        ["sqlite"],
        {"sqlite": "runtime"},
        id="sqlalchemy-create_async_engine-literal",
    ),
    pytest.param(
        {
            "app/db.py": "import os\n\nfrom sqlalchemy import create_engine\n\n"
            'engine = create_engine(os.environ.get("DATABASE_URL", "sqlite:///x.db"), connect_args={"check_same_thread": False})\n',
            "requirements.txt": "sqlalchemy\n",
        },
        ["sqlite"],
        {"sqlite": "runtime"},
        id="sqlalchemy-environ-get-sqlite-default",
    ),
    pytest.param(
        {
            "app/config.py": "import os\n\n\nclass Config:\n"
            '    SQLALCHEMY_DATABASE_URI = os.getenv("DATABASE_URL", "sqlite:///conduit.db")\n',
            "app/db.py": "from sqlalchemy import create_engine\n\nfrom app.config import Config\n\n"
            "engine = create_engine(Config.SQLALCHEMY_DATABASE_URI)\n",
        },
        ["sqlite"],
        {"sqlite": "runtime"},
        id="sqlalchemy-url-from-config-class",
    ),
    # Flask-SQLAlchemy
    pytest.param(
        {
            "app/__init__.py": "from flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n\n"
            "def create_app():\n    app = Flask(__name__)\n"
            '    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql://user:password@localhost:5432/conduit"\n'
            '    app.config["SQLALCHEMY_TRACK_MODIFICATIONS"] = False\n    db.init_app(app)\n    return app\n',
            "requirements.txt": "Flask\nFlask-SQLAlchemy\npsycopg2-binary\n",
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="flask-sqlalchemy-config-uri",
    ),
    # pydantic settings
    pytest.param(
        {
            "app/core/config.py": "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n"
            '    database_url: str = "postgresql+asyncpg://user:password@localhost:5432/conduit"\n'
            '    secret_key: str = "change-me"\n\n\nsettings = Settings()\n',
            "app/core/db.py": "from sqlalchemy.ext.asyncio import create_async_engine\n\nfrom app.core.config import settings\n\n"
            "engine = create_async_engine(settings.database_url, pool_size=5)\n",
            "requirements.txt": "fastapi\nsqlalchemy\nasyncpg\npydantic-settings\n",
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="pydantic-settings-database_url",
    ),
    # Django
    pytest.param(
        {
            "conduit/settings.py": 'DATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.postgresql",\n'
            '        "NAME": "conduit",\n        "USER": "user",\n        "PASSWORD": "password",\n'
            '        "HOST": "localhost",\n        "PORT": "5432",\n    }\n}\n',
            "requirements.txt": "Django==5.0.6\npsycopg2-binary==2.9.9\n",
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="django-databases-engine",
    ),
    pytest.param(
        {
            "conduit/settings.py": "import dj_database_url\n\nDATABASES = {\n"
            '    "default": dj_database_url.config(default="postgres://user:password@localhost:5432/conduit", conn_max_age=600)\n}\n',
            "requirements.txt": "Django\ndj-database-url\npsycopg[binary]\n",
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="dj-database-url-config-default",
    ),
    pytest.param(
        {
            "conduit/settings.py": "import os\n\nimport dj_database_url\n\n"
            'DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3"))}\n',
        },
        ["sqlite"],
        {"sqlite": "runtime"},
        id="dj-database-url-parse",
    ),
    pytest.param(
        {
            "conduit/settings.py": "import environ\n\nenv = environ.Env()\n\n"
            'DATABASES = {"default": env.db("DATABASE_URL", default="mysql://root:password@localhost/conduit")}\n',
        },
        ["mysql"],
        {"mysql": "runtime"},
        id="django-environ-env-db",
    ),
    # raw drivers
    pytest.param(
        {
            "app/db.py": 'import sqlite3\n\nDB_PATH = "conduit.db"\n\n\ndef get_connection():\n'
            "    conn = sqlite3.connect(DB_PATH)\n    conn.row_factory = sqlite3.Row\n    return conn\n",
        },
        ["sqlite"],
        {"sqlite": "runtime"},
        id="sqlite3-connect",
    ),
    pytest.param(
        {
            "app/db.py": "import os\n\nimport psycopg2\nfrom psycopg2.extras import RealDictCursor\n\n\ndef connect():\n"
            '    return psycopg2.connect(os.environ["DATABASE_URL"], cursor_factory=RealDictCursor)\n',
            "requirements.txt": "psycopg2-binary\n",
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="psycopg2-connect",
    ),
    pytest.param(
        {
            "app/db.py": "import asyncpg\n\npool = None\n\n\nasync def init_pool(dsn: str):\n    global pool\n"
            "    pool = await asyncpg.create_pool(dsn=dsn, min_size=1, max_size=10)\n",
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="asyncpg-create_pool",
    ),
    pytest.param(
        {
            "app/db.py": "import pymysql\n\n\ndef connect():\n"
            '    return pymysql.connect(host="localhost", user="root", password="password", database="conduit",\n'
            "                           cursorclass=pymysql.cursors.DictCursor)\n",
        },
        ["mysql"],
        {"mysql": "runtime"},
        id="pymysql-connect",
    ),
    pytest.param(
        {
            "app/db.py": "import os\n\nfrom pymongo import MongoClient\n\n"
            'client = MongoClient(os.getenv("MONGO_URI", "mongodb://localhost:27017"))\ndb = client["conduit"]\n',
        },
        ["mongodb"],
        {"mongodb": "runtime"},
        id="pymongo-MongoClient",
    ),
    # Tortoise, Peewee
    pytest.param(
        {
            "app/main.py": "from fastapi import FastAPI\nfrom tortoise.contrib.fastapi import register_tortoise\n\napp = FastAPI()\n\n"
            'register_tortoise(app, db_url="sqlite://db.sqlite3", modules={"models": ["app.models"]}, generate_schemas=True)\n',
        },
        ["sqlite"],
        {"sqlite": "runtime"},
        id="tortoise-register_tortoise",
    ),
    pytest.param(
        {
            "app/db.py": "from tortoise import Tortoise\n\n\nasync def init():\n"
            '    await Tortoise.init(db_url="postgres://user:password@localhost:5432/conduit", modules={"models": ["app.models"]})\n',
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="tortoise-init",
    ),
    pytest.param(
        {
            "app/models.py": "from peewee import CharField, Model, SqliteDatabase\n\n"
            'db = SqliteDatabase("conduit.db", pragmas={"journal_mode": "wal"})\n\n\nclass User(Model):\n'
            "    username = CharField(unique=True)\n\n    class Meta:\n        database = db\n",
        },
        ["sqlite"],
        {"sqlite": "runtime"},
        id="peewee-SqliteDatabase",
    ),
    pytest.param(
        {
            "app/models.py": "from peewee import PostgresqlDatabase\n\n"
            'db = PostgresqlDatabase("conduit", user="user", password="password", host="localhost", port=5432)\n',
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="peewee-PostgresqlDatabase",
    ),
    pytest.param(
        {
            "app/models.py": "import os\n\nfrom playhouse.db_url import connect\n\n"
            'db = connect(os.environ.get("DATABASE_URL") or "mysql://root:password@localhost:3306/conduit")\n',
        },
        ["mysql"],
        {"mysql": "runtime"},
        id="playhouse-db_url-connect",
    ),
    # Sequelize
    pytest.param(
        {
            "src/config/database.js": 'const { Sequelize } = require("sequelize");\n\n'
            'const sequelize = new Sequelize("postgres://user:password@localhost:5432/conduit", { logging: false });\n\n'
            "module.exports = sequelize;\n",
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="sequelize-url",
    ),
    pytest.param(
        {
            "src/config/database.js": 'const { Sequelize } = require("sequelize");\nconst path = require("path");\n\n'
            'const sequelize = new Sequelize({\n  dialect: "sqlite",\n'
            '  storage: path.join(__dirname, "..", "..", "conduit.sqlite"),\n  logging: false,\n});\n\nmodule.exports = sequelize;\n',
        },
        ["sqlite"],
        {"sqlite": "runtime"},
        id="sequelize-dialect-storage",
    ),
    pytest.param(
        {
            "src/db.ts": 'import { Sequelize } from "sequelize";\n\nexport const sequelize = new Sequelize(\n'
            '  process.env.DB_NAME ?? "conduit",\n  process.env.DB_USER ?? "root",\n  process.env.DB_PASSWORD,\n'
            '  { host: "localhost", dialect: "mysql" },\n);\n',
        },
        ["mysql"],
        {"mysql": "runtime"},
        id="sequelize-four-arguments-ts",
    ),
    # knex
    pytest.param(
        {
            "src/db.js": 'const knex = require("knex")({\n  client: "pg",\n  connection: process.env.DATABASE_URL,\n'
            "  pool: { min: 0, max: 7 },\n});\n\nmodule.exports = knex;\n",
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="knex-client",
    ),
    pytest.param(
        {
            "knexfile.js": 'module.exports = {\n  development: {\n    client: "better-sqlite3",\n'
            '    connection: { filename: "./dev.sqlite3" },\n    useNullAsDefault: true,\n  },\n};\n',
            "src/db.js": 'const knex = require("knex");\nconst config = require("../knexfile");\n\n'
            "module.exports = knex(config.development);\n",
        },
        ["sqlite"],
        {"sqlite": "runtime"},
        id="knexfile-module-exports",
    ),
    # TypeORM
    pytest.param(
        {
            "src/data-source.ts": 'import "reflect-metadata";\nimport { DataSource } from "typeorm";\n'
            'import { User } from "./entity/User";\n\nexport const AppDataSource = new DataSource({\n'
            '  type: "postgres",\n  url: process.env.DATABASE_URL,\n  synchronize: true,\n  entities: [User],\n});\n',
            "src/entity/User.ts": "export class User {}\n",
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="typeorm-DataSource",
    ),
    # drizzle
    pytest.param(
        {
            "drizzle.config.ts": 'import { defineConfig } from "drizzle-kit";\n\nexport default defineConfig({\n'
            '  schema: "./src/db/schema.ts",\n  out: "./drizzle",\n  dialect: "sqlite",\n'
            '  dbCredentials: { url: "file:./conduit.db" },\n});\n',
        },
        ["sqlite"],
        {"sqlite": "runtime"},
        id="drizzle-kit-defineConfig",
    ),
    pytest.param(
        {
            "src/db/index.ts": 'import { drizzle } from "drizzle-orm/node-postgres";\nimport { Pool } from "pg";\n\n'
            "const pool = new Pool({ connectionString: process.env.DATABASE_URL });\n\nexport const db = drizzle(pool);\n",
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="drizzle-node-postgres",
    ),
    # raw Node drivers
    pytest.param(
        {
            "src/db.mjs": 'import pg from "pg";\n\nexport const pool = new pg.Pool({\n  host: "localhost",\n'
            '  user: "user",\n  password: "password",\n  database: "conduit",\n});\n',
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="pg-Pool-default-import",
    ),
    pytest.param(
        {
            "src/db.js": 'const { Pool } = require("pg");\n\nconst pool = new Pool();\n\nmodule.exports = pool;\n'
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="pg-Pool-no-arguments",
    ),
    pytest.param(
        {
            "src/db.ts": 'import Database from "better-sqlite3";\n\nexport const db = new Database("conduit.db");\n'
            'db.pragma("journal_mode = WAL");\n',
        },
        ["sqlite"],
        {"sqlite": "runtime"},
        id="better-sqlite3",
    ),
    pytest.param(
        {
            "src/db.js": 'const mysql = require("mysql2/promise");\n\nconst pool = mysql.createPool({\n'
            '  host: process.env.DB_HOST || "localhost",\n  user: "root",\n  database: "conduit",\n});\n\n'
            "module.exports = pool;\n",
        },
        ["mysql"],
        {"mysql": "runtime"},
        id="mysql2-createPool",
    ),
    pytest.param(
        {
            "src/db.ts": 'import mongoose from "mongoose";\n\nexport async function connect(): Promise<void> {\n'
            '  await mongoose.connect(process.env.MONGODB_URI ?? "mongodb://127.0.0.1:27017/conduit");\n}\n',
        },
        ["mongodb"],
        {"mongodb": "runtime"},
        id="mongoose-connect",
    ),
    # Prisma
    pytest.param(
        {
            "prisma/schema.prisma": 'generator client {\n  provider = "prisma-client-js"\n}\n\n'
            'datasource db {\n  provider = "sqlite"\n  url      = env("DATABASE_URL")\n}\n\n'
            "model User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n",
            "src/db.js": 'const { PrismaClient } = require("@prisma/client");\n\nmodule.exports = new PrismaClient();\n',
        },
        ["sqlite"],
        {"sqlite": "runtime"},
        id="prisma-provider",
    ),
    pytest.param(
        {
            "prisma/schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url      = "postgresql://user:password@localhost:5432/conduit"\n}\n',
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="prisma-provider-and-url",
    ),
    # configuration outside code
    pytest.param(
        {
            "src/db.js": 'const { Sequelize } = require("sequelize");\n\nmodule.exports = new Sequelize(process.env.DATABASE_URL);\n',
            ".env": "PORT=3000\nDATABASE_URL=postgres://user:password@localhost:5432/conduit\n",
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="dotenv-database-url-read-by-code",
    ),
    pytest.param(
        {
            "app/db.py": 'import os\n\nfrom sqlalchemy import create_engine\n\nengine = create_engine(os.environ["DATABASE_URL"])\n',
            ".env.example": "# copy to .env\nDATABASE_URL=postgresql://user:password@localhost:5432/conduit\n",
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="dotenv-example-database-url",
    ),
    pytest.param(
        {
            "config/config.json": '{\n  "development": {\n    "username": "user",\n    "password": "password",\n'
            '    "database": "conduit",\n    "host": "127.0.0.1",\n    "dialect": "postgres"\n  },\n'
            '  "production": {\n    "use_env_variable": "DATABASE_URL",\n    "dialect": "postgres"\n  }\n}\n',
            "package.json": '{"dependencies": {"sequelize": "^6.37.0", "pg": "^8.11.0"}, "devDependencies": {"sequelize-cli": "^6.6.0"}}',
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="sequelize-cli-config-json",
    ),
    pytest.param(
        {
            "alembic.ini": "[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://user:password@localhost/conduit\n",
            "app/db.py": 'from sqlalchemy import create_engine\n\nengine = create_engine("postgresql://user:password@localhost/conduit")\n',
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="alembic-ini",
    ),
    pytest.param(
        {
            "docker-compose.yml": "services:\n  api:\n    build: .\n    environment:\n"
            "      DATABASE_URL: postgresql://user:password@db:5432/conduit\n    depends_on: [db]\n"
            "  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: user\n      POSTGRES_PASSWORD: password\n",
            "app/db.py": 'import os\n\nfrom sqlalchemy import create_engine\n\nengine = create_engine(os.environ["DATABASE_URL"])\n',
        },
        ["postgresql"],
        {"postgresql": "runtime"},
        id="compose-environment-read-by-code",
    ),
]


@pytest.mark.parametrize(("files", "engines", "usage"), REAL_CODE)
def test_connection_as_real_code_writes_it(
    make_project: MakeProject, files: dict[str, str], engines: list[str], usage: dict[str, str]
) -> None:
    data = database(make_project, files)
    assert data["engines"] == engines
    assert data["usage"] == usage


def test_sqlalchemy_dialects_package_import_names_the_engine(make_project: MakeProject) -> None:
    """`from sqlalchemy.dialects import postgresql` (how alembic autogenerate and many models write it)
    imports the dialect module sqlalchemy.dialects.postgresql, exactly like
    `from sqlalchemy.dialects.postgresql import UUID`."""
    files = {
        "app/models.py": "from sqlalchemy import Column\nfrom sqlalchemy.dialects import postgresql\n\n"
        "id_column = Column(postgresql.UUID(as_uuid=True), primary_key=True)\n",
    }
    data = database(make_project, files)
    assert data["usage"] == {"postgresql": "runtime"}
    assert kinds(data, "postgresql") == {"dialect"}


@pytest.mark.parametrize("method", ["update", "from_mapping"])
def test_flask_config_keyword_names_the_engine(make_project: MakeProject, method: str) -> None:
    """`app.config.from_mapping(SQLALCHEMY_DATABASE_URI=…)` (the Flask tutorial's spelling) and
    `app.config.update(…)` set the same key as `app.config["SQLALCHEMY_DATABASE_URI"] = …`."""
    files = {
        "app/__init__.py": "from flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n\n"
        "def create_app():\n    app = Flask(__name__)\n"
        f'    app.config.{method}(SECRET_KEY="dev", SQLALCHEMY_DATABASE_URI="sqlite:///conduit.db")\n'
        "    db.init_app(app)\n    return app\n",
    }
    data = database(make_project, files)
    assert data["engines"] == ["sqlite"]
    assert data["usage"] == {"sqlite": "runtime"}


def test_dj_database_url_config_without_default_reads_environment(make_project: MakeProject) -> None:
    """`dj_database_url.config()` takes the URL from $DATABASE_URL only, like
    `create_engine(os.environ["DATABASE_URL"])`: the declared driver decides (postgresql)."""
    files = {
        "conduit/settings.py": 'import dj_database_url\n\nDATABASES = {"default": dj_database_url.config(conn_max_age=600)}\n',
        "requirements.txt": "Django\ndj-database-url\npsycopg2-binary\n",
    }
    data = database(make_project, files)
    assert data["engines"] == ["postgresql"]
    assert data["usage"] == {"postgresql": "runtime"}


# -- traps -----------------------------------------------------------------------------------------------

COMMENTED: list[Any] = [
    pytest.param(
        {
            "app/db.py": "from sqlalchemy import create_engine\n\n"
            '# engine = create_engine("mysql+pymysql://root:password@localhost/conduit")\n'
            'engine = create_engine("postgresql://user:password@localhost/conduit")  # was mysql://root@localhost/conduit\n'
        },
        id="python-hash-comment",
    ),
    pytest.param(
        {
            "app/db.py": 'from sqlalchemy import create_engine\n\n"""\nOld setup: create_engine("mysql://root@localhost/conduit")\n"""\n'
            'engine = create_engine("postgresql://user:password@localhost/conduit")\n'
        },
        id="python-docstring-is-only-a-mention",
    ),
    pytest.param(
        {
            "src/db.js": 'const { Sequelize } = require("sequelize");\n'
            '// const sequelize = new Sequelize("mysql://root@localhost/conduit");\n'
            '/* mongoose.connect("mongodb://localhost/conduit"); */\n'
            'module.exports = new Sequelize("postgres://user:password@localhost/conduit");\n'
        },
        id="js-line-and-block-comments",
    ),
    pytest.param(
        {
            ".env": "# DATABASE_URL=mysql://root@localhost/conduit\nDATABASE_URL=postgresql://user:password@localhost/conduit\n",
            "app/db.py": 'import os\n\nfrom sqlalchemy import create_engine\n\nengine = create_engine(os.environ["DATABASE_URL"])\n',
        },
        id="dotenv-comment",
    ),
    pytest.param(
        {
            "prisma/schema.prisma": 'datasource db {\n  // provider = "mysql"\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n'
        },
        id="prisma-comment",
    ),
    pytest.param(
        {
            "docker-compose.yml": "services:\n  db:\n    image: postgres:16\n  # cache:\n  #   image: mysql:8\n",
            "app/db.py": "import os\n\nfrom sqlalchemy import create_engine\n\n"
            'engine = create_engine(os.getenv("DATABASE_URL", "postgresql://user:password@localhost/conduit"))\n',
        },
        id="compose-comment",
    ),
]


@pytest.mark.parametrize("files", COMMENTED)
def test_commented_out_url_never_counts(make_project: MakeProject, files: dict[str, str]) -> None:
    report = check(make_project, files, "postgres")
    data = report["database"]
    assert data["engines"] == ["postgresql"]
    assert set(data["usage"]) <= {"postgresql", "mysql"}
    assert data["usage"].get("mysql") in (None, "mentioned")
    assert "mongodb" not in data["usage"]
    assert report["verdicts"]["database"]["status"] == "pass"
    assert rules_of(report) == []


APP_POSTGRES = {
    "app/db.py": "import os\n\nfrom sqlalchemy import create_engine\n\n"
    'engine = create_engine(os.environ.get("DATABASE_URL", "postgresql+psycopg2://user:password@localhost/conduit"))\n',
    "requirements.txt": "fastapi\nsqlalchemy\npsycopg2-binary\n",
}

OUTSIDE_APPLICATION: list[Any] = [
    pytest.param(
        {
            "tests/conftest.py": "import pytest\nfrom sqlalchemy import create_engine\n\n\n@pytest.fixture\ndef engine():\n"
            '    return create_engine("sqlite://")\n'
        },
        "sqlite",
        "tests",
        id="tests-folder-sqlite-in-memory",
    ),
    pytest.param(
        {"app/test_users.py": 'import sqlite3\n\n\ndef test_x():\n    sqlite3.connect(":memory:")\n'},
        "sqlite",
        "tests",
        id="test-file-pattern",
    ),
    pytest.param(
        {
            "migrations/versions/0001_initial.py": "import sqlalchemy as sa\nfrom alembic import op\n"
            "from sqlalchemy.dialects.mysql import LONGTEXT\n\n\ndef upgrade():\n"
            '    op.add_column("articles", sa.Column("body", LONGTEXT()))\n'
        },
        "mysql",
        "migrations",
        id="migrations-only",
    ),
    pytest.param(
        {
            "scripts/import_legacy.py": 'import pymongo\n\nclient = pymongo.MongoClient("mongodb://localhost:27017")\n'
        },
        "mongodb",
        "scripts",
        id="scripts-only",
    ),
    pytest.param(
        {
            "seeds/seed.js": 'const Database = require("better-sqlite3");\n\nconst db = new Database("seed.db");\n'
        },
        "sqlite",
        "scripts",
        id="seeds-only",
    ),
    pytest.param(
        {"app/docs.py": 'EXAMPLE_URL = "mysql://root:password@localhost/conduit"\n'},
        "mysql",
        "mentioned",
        id="url-written-down-only",
    ),
]


@pytest.mark.parametrize(("extra", "engine", "status"), OUTSIDE_APPLICATION)
def test_engine_outside_application_code(
    make_project: MakeProject, extra: dict[str, str], engine: str, status: str
) -> None:
    report = check(make_project, {**APP_POSTGRES, **extra}, "postgres")
    assert report["database"]["engines"] == ["postgresql"]
    assert report["database"]["usage"] == {"postgresql": "runtime", engine: status}
    assert report["verdicts"]["database"]["status"] == "pass"
    assert rules_of(report) == []


def test_js_tests_with_sqlite_in_memory(make_project: MakeProject) -> None:
    files = {
        "src/db.js": 'const { Sequelize } = require("sequelize");\n\nmodule.exports = new Sequelize(process.env.DATABASE_URL, { dialect: "postgres" });\n',
        "src/__tests__/users.test.js": 'const { Sequelize } = require("sequelize");\n\nconst sequelize = new Sequelize("sqlite::memory:");\n',
        "package.json": '{"dependencies": {"sequelize": "^6", "pg": "^8"}, "devDependencies": {"sqlite3": "^5", "jest": "^29"}}',
    }
    report = check(make_project, files, "express+postgres")
    assert report["database"]["usage"] == {"postgresql": "runtime", "sqlite": "tests"}
    assert rules_of(report) == []  # sqlite3 is a devDependency: no DB005


def test_sequelize_cli_test_environment_is_tests_only(make_project: MakeProject) -> None:
    """sequelize-cli picks the block of config/config.json named by NODE_ENV; `test` is the test run's."""
    files = {
        "config/config.json": '{\n  "development": {"dialect": "postgres", "host": "127.0.0.1", "database": "conduit"},\n'
        '  "test": {"dialect": "sqlite", "storage": ":memory:"},\n'
        '  "production": {"use_env_variable": "DATABASE_URL", "dialect": "postgres"}\n}\n',
        "package.json": '{"dependencies": {"sequelize": "^6", "pg": "^8"}, "devDependencies": {"sqlite3": "^5"}}',
    }
    report = check(make_project, files, "postgres")
    assert report["database"]["usage"] == {"postgresql": "runtime", "sqlite": "tests"}
    assert rules_of(report) == []


def test_declared_driver_used_only_in_tests_is_db005(make_project: MakeProject) -> None:
    files = {
        **APP_POSTGRES,
        "requirements.txt": "sqlalchemy\npsycopg2-binary\naiosqlite\n",
        "tests/test_db.py": "import aiosqlite\n",
    }
    report = check(make_project, files, "postgres")
    db005 = finding(report, "DB005")
    assert (db005["file"], db005["line"], db005["engine"]) == ("requirements.txt", 3, "sqlite")
    assert "used in tests only" in db005["message"]


def test_development_dependency_is_not_db005(make_project: MakeProject) -> None:
    files = {
        **APP_POSTGRES,
        "requirements-dev.txt": "pytest\naiosqlite\n",
        "package.json": '{"devDependencies": {"better-sqlite3": "^9"}}',
    }
    report = check(make_project, files, "postgres")
    assert report["database"]["usage"]["sqlite"] == "declared"
    assert rules_of(report) == []


DJANGO_DEFAULT = {
    "manage.py": '#!/usr/bin/env python\nimport os\nimport sys\n\n\ndef main():\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conduit.settings")\n'
    "    from django.core.management import execute_from_command_line\n\n    execute_from_command_line(sys.argv)\n\n\n"
    'if __name__ == "__main__":\n    main()\n',
    "conduit/settings.py": "from pathlib import Path\n\nBASE_DIR = Path(__file__).resolve().parent.parent\n\n"
    'DATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.sqlite3",\n        "NAME": BASE_DIR / "db.sqlite3",\n    }\n}\n',
    "requirements.txt": "Django==5.0.6\npsycopg2-binary==2.9.9\n",
}


def test_django_default_sqlite_with_postgres_constraint(make_project: MakeProject) -> None:
    report = check(make_project, DJANGO_DEFAULT, "django+postgres")
    assert report["database"]["engines"] == ["sqlite"]
    assert report["database"]["usage"] == {"postgresql": "declared", "sqlite": "runtime"}
    assert db_findings(report) == [("DB001", "conduit/settings.py", 7), ("DB005", "requirements.txt", 2)]
    db001 = finding(report, "DB001")
    assert "Django's default SQLite settings" in db001["message"]
    assert db001["engines"] == ["sqlite"]
    assert report["verdicts"]["database"]["status"] == "fail"


def test_django_default_sqlite_with_sqlite_constraint(make_project: MakeProject) -> None:
    report = check(make_project, DJANGO_DEFAULT, "django+sqlite")
    assert report["verdicts"]["database"]["status"] == "pass"
    assert db_findings(report) == [("DB005", "requirements.txt", 2)]


FALLBACK = {
    "app/db.py": "import os\n\nfrom sqlalchemy import create_engine\n\n"
    'DATABASE_URL = os.environ.get("DATABASE_URL") or "sqlite:///./conduit.db"\n'
    "engine = create_engine(DATABASE_URL)\n",
}


@pytest.mark.parametrize(("constraint", "other"), [("postgres", "sqlite"), ("sqlite", "postgresql")])
def test_database_url_or_sqlite_with_pg_driver_passes_both(
    make_project: MakeProject, constraint: str, other: str
) -> None:
    """`DATABASE_URL or sqlite` with psycopg2 declared: PostgreSQL when $DATABASE_URL is set, SQLite
    otherwise. Either constraint passes, with DB004 (info) naming the engine of the other branch."""
    files = {**FALLBACK, "requirements.txt": "fastapi\nsqlalchemy\npsycopg2-binary\n"}
    report = check(make_project, files, constraint)
    assert report["verdicts"]["database"]["status"] == "pass"
    db004 = finding(report, "DB004")
    assert (db004["engine"], db004["switch"], db004["severity"]) == (other, "DATABASE_URL", "info")
    assert "DB005" not in rules_of(report)


def test_database_url_or_sqlite_without_pg_driver_is_sqlite_only(make_project: MakeProject) -> None:
    files = {**FALLBACK, "requirements.txt": "fastapi\nsqlalchemy\n"}
    report = check(make_project, files, "postgres")
    assert report["database"]["engines"] == ["sqlite"]
    assert db_findings(report) == [("DB001", "app/db.py", 6)]


def test_sqlite_default_with_postgres_in_dotenv_is_db004(make_project: MakeProject) -> None:
    files = {
        "app/db.py": "import os\n\nfrom sqlalchemy import create_engine\n\n"
        'engine = create_engine(os.environ.get("DATABASE_URL", "sqlite:///./conduit.db"))\n',
        ".env": "DATABASE_URL=postgresql://user:password@localhost:5432/conduit\n",
    }
    report = check(make_project, files, "postgres")
    assert report["database"]["engines"] == ["postgresql", "sqlite"]
    assert report["verdicts"]["database"]["status"] == "pass"
    assert db_findings(report) == [("DB004", "app/db.py", 5)]
    assert finding(report, "DB004")["engine"] == "sqlite"


def test_one_of_several_configurations_is_a_configuration_switch(make_project: MakeProject) -> None:
    """The same setting in `DevConfig` and `ProdConfig`: which engine runs is chosen by the configuration,
    not by an environment variable; the JSON names that switch `<configuration>`."""
    files: dict[str, str | bytes] = {
        "app/config.py": 'class DevConfig:\n    SQLALCHEMY_DATABASE_URI = "sqlite:///dev.db"\n\n\n'
        'class ProdConfig:\n    SQLALCHEMY_DATABASE_URI = "postgresql://u:p@db/app"\n',
        "requirements.txt": "flask\nflask-sqlalchemy\npsycopg2-binary\n",
    }
    report = check(make_project, files, "postgres")
    db004 = finding(report, "DB004")
    assert (db004["engine"], db004["switch"]) == ("sqlite", "<configuration>")
    assert "when another of the project's configurations is selected" in db004["message"]
    switches = {
        (e["engine"], e.get("switch")) for e in report["database"]["evidence"] if e["kind"] == "config"
    }
    assert switches == {("sqlite", "<configuration>"), ("postgresql", "<configuration>")}


POSTGRES_SCHEME: list[Any] = [
    pytest.param(
        {
            "app/db.py": 'from sqlalchemy import create_engine\n\nengine = create_engine("postgres://user:password@localhost/conduit")\n'
        },
        [("DB003", "app/db.py", 3)],
        id="literal",
    ),
    pytest.param(
        {
            "app/db.py": "import os\n\nfrom sqlalchemy import create_engine\n\n"
            'engine = create_engine(os.getenv("DATABASE_URL", "postgres://user:password@localhost/conduit"))\n'
        },
        [("DB003", "app/db.py", 5)],
        id="environment-default",
    ),
    pytest.param(
        {
            "app/db.py": 'import os\n\nfrom sqlalchemy import create_engine\n\nengine = create_engine(os.environ["DATABASE_URL"])\n',
            ".env": "DATABASE_URL=postgres://user:password@localhost/conduit\n",
        },
        [("DB003", "app/db.py", 5)],
        id="dotenv-value",
    ),
    pytest.param(
        {
            "app/__init__.py": "import os\n\nfrom flask import Flask\n\napp = Flask(__name__)\n"
            'app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", "postgres://user:password@localhost/conduit")\n'
        },
        [("DB003", "app/__init__.py", 6)],
        id="flask-sqlalchemy-config",
    ),
    pytest.param(
        {
            "app/db.py": "import os\n\nfrom sqlalchemy import create_engine\n\n"
            'engine = create_engine(os.getenv("DATABASE_URL", "postgres://user:password@localhost/conduit").replace("postgres://", "postgresql://", 1))\n'
        },
        [],
        id="rewritten-inline",
    ),
    pytest.param(
        {
            "app/__init__.py": "import os\n\nfrom flask import Flask\n\napp = Flask(__name__)\n"
            'app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", "postgres://user:password@localhost/conduit").replace(\n'
            '    "postgres://", "postgresql://", 1\n)\n'
        },
        [],
        id="rewritten-flask-config",
    ),
    pytest.param(
        {
            "app/db.py": "import os\n\nfrom sqlalchemy import create_engine\n\n"
            'url = os.environ.get("DATABASE_URL", "postgres://user:password@localhost/conduit")\n'
            'if url.startswith("postgres://"):\n    url = url.replace("postgres://", "postgresql://", 1)\n'
            "engine = create_engine(url)\n"
        },
        [],
        id="rewritten-variable-heroku-idiom",
    ),
    pytest.param(
        {
            "app/db.py": 'from sqlalchemy import create_engine\n\nengine = create_engine("postgresql://user:password@localhost/conduit")\n'
        },
        [],
        id="postgresql-scheme",
    ),
    pytest.param(
        {
            "app/db.py": 'import psycopg2\n\nconnection = psycopg2.connect("postgres://user:password@localhost/conduit")\n'
        },
        [],
        id="psycopg2-accepts-postgres-scheme",
    ),
    pytest.param(
        {
            "src/db.js": 'const { Pool } = require("pg");\n\nmodule.exports = new Pool({ connectionString: "postgres://user:password@localhost/conduit" });\n'
        },
        [],
        id="node-pg-accepts-postgres-scheme",
    ),
]


@pytest.mark.parametrize(("files", "expected"), POSTGRES_SCHEME)
def test_postgres_scheme_reaching_sqlalchemy(
    make_project: MakeProject, files: dict[str, str], expected: list[tuple[str, str, int]]
) -> None:
    report = check(make_project, files, "postgres")
    assert report["database"]["engines"] == ["postgresql"]
    assert db_findings(report) == expected
    assert report["verdicts"]["database"]["status"] == ("fail" if expected else "pass")


SECOND_ENGINE: list[Any] = [
    pytest.param(
        {**APP_POSTGRES, "app/cache.py": 'import sqlite3\n\ncache = sqlite3.connect("cache.db")\n'},
        "postgres",
        [("DB002", "app/cache.py", 3)],
        "sqlite",
        id="python-sqlite3-next-to-postgres",
    ),
    pytest.param(
        {
            "src/db.js": 'const { Sequelize } = require("sequelize");\n\n'
            'module.exports = new Sequelize({ dialect: "sqlite", storage: "conduit.sqlite" });\n',
            "src/audit.js": 'const mongoose = require("mongoose");\n\nmongoose.connect("mongodb://localhost:27017/audit");\n',
        },
        "sqlite",
        [("DB002", "src/audit.js", 3)],
        "mongodb",
        id="node-mongoose-next-to-sqlite",
    ),
]


@pytest.mark.parametrize(("files", "constraint", "expected", "other"), SECOND_ENGINE)
def test_second_engine_hard_wired_is_db002(
    make_project: MakeProject, files: dict[str, str], constraint: str, expected: list[Any], other: str
) -> None:
    report = check(make_project, files, constraint)
    assert db_findings(report) == expected
    assert finding(report, "DB002")["engine"] == other
    assert report["verdicts"]["database"]["status"] == "fail"


def test_cache_next_to_required_engine_is_fine(make_project: MakeProject) -> None:
    files = {
        **APP_POSTGRES,
        "requirements.txt": "fastapi\nsqlalchemy\npsycopg2-binary\nredis\n",
        "app/cache.py": 'import redis\n\ncache = redis.Redis.from_url("redis://localhost:6379/0")\n',
    }
    report = check(make_project, files, "postgres")
    assert report["database"]["engines"] == ["postgresql", "redis"]
    assert report["verdicts"]["database"]["status"] == "pass"
    assert rules_of(report) == []


ONE_ENGINE_APPS: list[Any] = [
    pytest.param(
        {
            "app/db.py": "from sqlalchemy import create_engine\n\n"
            'engine = create_engine("mysql+pymysql://root:password@localhost:3306/conduit")\n',
            "requirements.txt": "sqlalchemy\npymysql\n",
        },
        "mysql",
        "MySQL / MariaDB",
        id="mysql-only-python",
    ),
    pytest.param(
        {
            "src/db.js": 'const { Sequelize } = require("sequelize");\n\n'
            'module.exports = new Sequelize("conduit", "root", "password", { dialect: "mariadb" });\n',
            "package.json": '{"dependencies": {"sequelize": "^6", "mariadb": "^3"}}',
        },
        "mysql",
        "MySQL / MariaDB",
        id="mariadb-only-node",
    ),
    pytest.param(
        {
            "app/db.py": "from motor.motor_asyncio import AsyncIOMotorClient\n\n"
            'client = AsyncIOMotorClient("mongodb://localhost:27017")\ndb = client.conduit\n',
            "requirements.txt": "motor\n",
        },
        "mongodb",
        "MongoDB",
        id="mongodb-only-python",
    ),
    pytest.param(
        {
            "src/db.js": 'const mongoose = require("mongoose");\n\nmodule.exports = () => mongoose.connect(process.env.MONGO_URL);\n',
            "package.json": '{"dependencies": {"mongoose": "^8"}}',
        },
        "mongodb",
        "MongoDB",
        id="mongodb-only-node",
    ),
]


@pytest.mark.parametrize("constraint", ["postgres", "sqlite"])
@pytest.mark.parametrize(("files", "engine", "label"), ONE_ENGINE_APPS)
def test_other_engine_only_is_db001_naming_it(
    make_project: MakeProject, files: dict[str, str], engine: str, label: str, constraint: str
) -> None:
    report = check(make_project, files, constraint)
    assert report["database"]["engines"] == [engine]
    assert rules_of(report) == ["DB001"]
    db001 = finding(report, "DB001")
    assert db001["engines"] == [engine]
    assert db001["required"] == {"postgres": "postgresql", "sqlite": "sqlite"}[constraint]
    assert f"uses {label}" in db001["message"]
    assert report["verdicts"]["database"]["status"] == "fail"


def test_monorepo_front_end_package_is_ignored(make_project: MakeProject) -> None:
    files = {
        "package.json": '{"private": true, "workspaces": ["apps/*"]}',
        "apps/api/package.json": '{"name": "api", "dependencies": {"express": "^4.19.2", "pg": "^8.11.0"}}',
        "apps/api/src/db.js": 'const { Pool } = require("pg");\n\nmodule.exports = new Pool({ connectionString: process.env.DATABASE_URL });\n',
        "apps/web/package.json": '{"name": "web", "dependencies": {"react": "^18.3.0", "sql.js": "^1.10.0", "mongodb": "^6.5.0", "dexie": "^4.0.0"}}',
        "apps/web/src/db.js": 'import initSqlJs from "sql.js";\n\nexport const SQL = await initSqlJs();\n',
        "apps/web/.env": "MONGODB_URI=mongodb://localhost:27017/web\n",
    }
    report = check(make_project, files, "express+postgres")
    assert report["database"]["engines"] == ["postgresql"]
    assert report["database"]["usage"] == {"postgresql": "runtime"}
    assert rules_of(report) == []


# -- every rule: a violating and a clean case -------------------------------------------------------------

SQLITE_APP = {
    "app/db.py": 'from sqlalchemy import create_engine\n\nengine = create_engine("sqlite:///./conduit.db")\n',
    "requirements.txt": "sqlalchemy\n",
}
POSTGRES_APP = {
    "app/db.py": 'from sqlalchemy import create_engine\n\nengine = create_engine("postgresql://user:password@localhost/conduit")\n',
    "requirements.txt": "sqlalchemy\npsycopg2-binary\n",
}

RULE_CASES: list[Any] = [
    pytest.param(SQLITE_APP, "postgres", [("DB001", "app/db.py", 3)], id="DB001-violating"),
    pytest.param(
        {"app/main.py": "print('no database')\n"}, "postgres", [("DB001", ".", 0)], id="DB001-no-connection"
    ),
    pytest.param(POSTGRES_APP, "postgres", [], id="DB001-clean"),
    pytest.param(
        {**POSTGRES_APP, "app/legacy.py": 'import sqlite3\n\nlegacy = sqlite3.connect("legacy.db")\n'},
        "postgres",
        [("DB002", "app/legacy.py", 3)],
        id="DB002-violating",
    ),
    pytest.param(
        {**POSTGRES_APP, "tests/test_legacy.py": 'import sqlite3\n\nlegacy = sqlite3.connect(":memory:")\n'},
        "postgres",
        [],
        id="DB002-clean",
    ),
    pytest.param(
        {
            "app/db.py": 'from sqlalchemy import create_engine\n\nengine = create_engine("postgres://user:password@localhost/conduit")\n'
        },
        "postgres",
        [("DB003", "app/db.py", 3)],
        id="DB003-violating",
    ),
    pytest.param(POSTGRES_APP, "postgres", [], id="DB003-clean"),
    pytest.param(
        {
            "app/db.py": "import os\n\nfrom sqlalchemy import create_engine\n\n"
            'engine = create_engine(os.getenv("DATABASE_URL", "sqlite:///./conduit.db"))\n',
            ".env": "DATABASE_URL=postgresql://user:password@localhost/conduit\n",
        },
        "postgres",
        [("DB004", "app/db.py", 5)],
        id="DB004-violating",
    ),
    pytest.param(POSTGRES_APP, "postgres", [], id="DB004-clean"),
    pytest.param(
        {**SQLITE_APP, "requirements.txt": "sqlalchemy\nasyncpg\n"},
        "sqlite",
        [("DB005", "requirements.txt", 2)],
        id="DB005-violating",
    ),
    pytest.param(
        {**SQLITE_APP, "requirements.txt": "sqlalchemy\naiosqlite\n"},
        "sqlite",
        [],
        id="DB005-clean-driver-of-the-used-engine",
    ),
    pytest.param(
        {
            **SQLITE_APP,
            "docker-compose.yml": "services:\n  api:\n    build: .\n  db:\n    image: postgres:16-alpine\n",
        },
        "sqlite",
        [("DB006", "docker-compose.yml", 4)],
        id="DB006-violating",
    ),
    pytest.param(
        {
            "app/db.py": 'import os\n\nfrom sqlalchemy import create_engine\n\nengine = create_engine(os.environ["DATABASE_URL"])\n',
            "requirements.txt": "sqlalchemy\npsycopg2-binary\n",
            "docker-compose.yml": "services:\n  api:\n    build: .\n    environment:\n"
            "      - DATABASE_URL=postgresql://user:password@db:5432/conduit\n  db:\n    image: postgres:16-alpine\n",
        },
        "postgres",
        [],
        id="DB006-clean",
    ),
]


@pytest.mark.parametrize(("files", "constraint", "expected"), RULE_CASES)
def test_rule(make_project: MakeProject, files: dict[str, str], constraint: str, expected: list[Any]) -> None:
    report = check(make_project, files, constraint)
    assert db_findings(report) == expected
    errors = [f for f in report["findings"] if f["rule"].startswith("DB") and f["severity"] == "error"]
    assert report["verdicts"]["database"]["status"] == ("fail" if errors else "pass")


def test_constraint_free_findings_appear_in_inspect(make_project: MakeProject) -> None:
    """DB003, DB005 and DB006 hold whatever the constraints; inspect reports them too."""
    files = {
        "app/db.py": 'from sqlalchemy import create_engine\n\nengine = create_engine("postgres://user:password@localhost/conduit")\n',
        "requirements.txt": "sqlalchemy\npymysql\n",
        "compose.yaml": "services:\n  cache:\n    image: mongo:7\n",
    }
    data = inspect(make_project(files), use_cache=False).to_json()
    assert db_findings(data) == [
        ("DB003", "app/db.py", 3),
        ("DB005", "requirements.txt", 2),
        ("DB006", "compose.yaml", 2),
    ]


def test_database_findings_are_dropped_when_not_asked(make_project: MakeProject) -> None:
    report = check(make_project, {**SQLITE_APP, "requirements.txt": "sqlalchemy\nasyncpg\n"}, "flask")
    assert rules_of(report) == []
    assert "database" not in report["verdicts"]


# -- corpus samples ---------------------------------------------------------------------------------------

# What a reviewer expects of each db-* sample (see each golden file's notes for the reasons).
CORPUS_EXPECTED: dict[str, dict[str, Any]] = {
    "db-py-django-default-sqlite": {
        "engines": ["sqlite"],
        "usage": {"postgresql": "declared", "sqlite": "runtime"},
        "checks": {
            "django+postgres": [("DB001", "conduit/settings.py", 22), ("DB005", "requirements.txt", 2)],
            "django+sqlite": [("DB005", "requirements.txt", 2)],
        },
    },
    "db-py-env-fallback": {
        "engines": ["postgresql", "sqlite"],
        "usage": {"postgresql": "runtime", "sqlite": "runtime"},
        "checks": {
            "fastapi+postgres": [("DB004", "app/db/session.py", 9)],
            "fastapi+sqlite": [("DB004", "app/db/session.py", 9)],
        },
    },
    "db-js-prisma-sqlite": {
        "engines": ["sqlite"],
        "usage": {"postgresql": "declared", "sqlite": "runtime"},
        "checks": {
            "express+sqlite": [("DB006", "docker-compose.yml", 10)],
            "express+postgres": [("DB001", "prisma/schema.prisma", 6), ("DB006", "docker-compose.yml", 10)],
        },
    },
    "db-ts-typeorm-mysql": {
        "engines": ["mysql"],
        "usage": {"mysql": "runtime", "sqlite": "tests"},
        "checks": {
            "koa+postgres": [("DB001", "src/data-source.ts", 8)],
            "koa+sqlite": [("DB001", "src/data-source.ts", 8)],
        },
    },
    "db-js-mongoose": {
        "engines": ["mongodb"],
        "usage": {"memory": "tests", "mongodb": "runtime"},
        "checks": {
            "fastify+postgres": [("DB001", "src/db.js", 6)],
            "fastify+sqlite": [("DB001", "src/db.js", 6)],
        },
    },
    "fw-ts-hono-two-frameworks": {
        "engines": ["sqlite"],
        "usage": {"sqlite": "runtime"},
        "checks": {"sqlite": [], "postgres": [("DB001", "src/db.ts", 3)]},
    },
}


@pytest.mark.parametrize("sample", sorted(CORPUS_EXPECTED))
def test_corpus_sample_database(sample: str) -> None:
    expected = CORPUS_EXPECTED[sample]
    data = inspect(CORPUS / sample, use_cache=False).to_json()["database"]
    assert data["engines"] == expected["engines"]
    assert data["usage"] == expected["usage"]


@pytest.mark.parametrize(
    ("sample", "constraint"),
    [
        (sample, constraint)
        for sample, spec in sorted(CORPUS_EXPECTED.items())
        for constraint in spec["checks"]
    ],
)
def test_corpus_sample_database_check(sample: str, constraint: str) -> None:
    expected = CORPUS_EXPECTED[sample]["checks"][constraint]
    report = verify(CORPUS / sample, constraint, use_cache=False).to_json()
    assert db_findings(report) == sorted(expected)
    failing = any(rule in ("DB001", "DB002", "DB003") for rule, _, _ in expected)
    assert report["verdicts"]["database"]["status"] == ("fail" if failing else "pass")


# -- where evidence points ------------------------------------------------------------------------------


def test_object_entries_are_located_at_their_own_line_and_column(make_project: MakeProject) -> None:
    """An entry of a settings dict or a config object is shown and located as written, not as the
    statement that holds it (which may start many lines above)."""
    files: dict[str, str | bytes] = {
        "knexfile.js": "const configs = {\n  development: {\n    connection: { filename: ':memory:' },\n"
        "    client: 'sqlite3',\n  },\n};\nmodule.exports = configs;\n",
        "settings.py": 'DATABASES = {\n    "default": {\n        "NAME": "app",\n'
        '        "ENGINE": "django.db.backends.postgresql",\n    }\n}\n',
        "requirements.txt": "Django==5.0.6\n",
        "package.json": '{"dependencies": {"knex": "^3.1.0"}}',
    }
    evidence = database(make_project, files)["evidence"]
    located = {(e["file"], e["line"], e["col"], e["text"]) for e in evidence if e["kind"] == "config"}
    assert located == {
        ("knexfile.js", 4, 5, "client: 'sqlite3'"),
        ("settings.py", 4, 9, '"ENGINE": "django.db.backends.postgresql"'),
    }


def test_findings_in_code_carry_the_column(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "app.py": "import sqlalchemy\n\nengine = sqlalchemy.create_engine('sqlite:///app.db')\n",
        "requirements.txt": "SQLAlchemy==2.0.30\n",
    }
    db001 = finding(check(make_project, files, "postgres"), "DB001")
    assert (db001["file"], db001["line"], db001["col"]) == ("app.py", 3, 10)
