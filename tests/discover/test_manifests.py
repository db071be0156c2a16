"""Manifests and configuration files outside code: what is read, and DISC006 when a file is malformed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cdverify.catalog import load_rules
from cdverify.manifest_files import reader_for
from cdverify.manifests import READERS
from cdverify.pipeline import inspect, verify
from cdverify.rules_schema import ManifestFiles, Reader

MakeProject = Callable[[dict[str, str | bytes]], Path]

APP = {"app.py": "from flask import Flask\n\napp = Flask(__name__)\n"}


def declared(root: Path) -> set[tuple[str, str, int, bool]]:
    report = inspect(root, use_cache=False)
    return {(d.name, d.file, d.line, d.dev) for d in report.analysis.manifests.dependencies}


def disc006(root: Path) -> list[tuple[str, int]]:
    report = inspect(root, use_cache=False)
    return [(f.location.path, f.location.line) for f in report.findings if f.rule == "DISC006"]


def test_requirements_with_includes_extras_markers_and_options(make_project: MakeProject) -> None:
    root = make_project(
        {
            **APP,
            "requirements.txt": "# web\n-r requirements/base.txt\n--index-url https://pypi.org/simple\n"
            "Flask==3.1.3  # pinned\npsycopg[binary,pool]>=3.1\nuvloop ; sys_platform != 'win32'\n",
            "requirements/base.txt": "SQLAlchemy ~= 2.0\n",
            "requirements-dev.txt": "pytest\n",
        }
    )
    assert declared(root) == {
        ("flask", "requirements.txt", 4, False),
        ("psycopg", "requirements.txt", 5, False),
        ("psycopg[binary]", "requirements.txt", 5, False),
        ("psycopg[pool]", "requirements.txt", 5, False),
        ("uvloop", "requirements.txt", 6, False),
        ("sqlalchemy", "requirements/base.txt", 1, False),
        ("pytest", "requirements-dev.txt", 1, True),
    }
    assert disc006(root) == []


def test_pyproject_pipfile_and_package_json(make_project: MakeProject) -> None:
    root = make_project(
        {
            **APP,
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["fastapi>=0.110", "asyncpg"]\n'
            '[project.optional-dependencies]\ntest = ["pytest"]\n'
            '[dependency-groups]\nlint = ["ruff"]\n'
            '[tool.poetry.dependencies]\npython = "^3.12"\naiosqlite = "*"\n',
            "Pipfile": '[packages]\npymongo = "*"\n[dev-packages]\nblack = "*"\n',
            "web/package.json": '{"name": "w", "dependencies": {"pg": "^8"}, "devDependencies": {"jest": "29"}}',
        }
    )
    names = {(name, file, dev) for name, file, _, dev in declared(root)}
    assert names == {
        ("fastapi", "pyproject.toml", False),
        ("asyncpg", "pyproject.toml", False),
        ("pytest", "pyproject.toml", True),
        ("ruff", "pyproject.toml", True),
        ("aiosqlite", "pyproject.toml", False),
        ("pymongo", "Pipfile", False),
        ("black", "Pipfile", True),
        ("pg", "web/package.json", False),
        ("jest", "web/package.json", True),
    }


@pytest.mark.parametrize(
    ("files", "where"),
    [
        pytest.param(
            {"requirements.txt": "flask\nthis is not a requirement\n"},
            [("requirements.txt", 2)],
            id="requirements",
        ),
        pytest.param({"pyproject.toml": "[project\nname = 1\n"}, [("pyproject.toml", 0)], id="pyproject"),
        pytest.param({"Pipfile": "[packages\n"}, [("Pipfile", 0)], id="pipfile"),
        pytest.param(
            {"docker-compose.yml": "services:\n  db:\n    image: [postgres\n"},
            [("docker-compose.yml", 0)],
            id="compose",
        ),
        pytest.param({"alembic.ini": "no section header\n"}, [("alembic.ini", 0)], id="alembic"),
        pytest.param(
            {"config/config.json": '{"development": {"dialect": "sqlite",}}'},
            [("config/config.json", 1)],
            id="sequelize-config",
        ),
    ],
)
def test_malformed_file_is_disc006_and_the_rest_is_read(
    make_project: MakeProject, files: dict[str, str], where: list[tuple[str, int]]
) -> None:
    root = make_project({**APP, **files, "requirements-extra.txt": "redis\n"})
    assert disc006(root) == where
    assert ("redis", "requirements-extra.txt", 1, False) in declared(root)  # other files still read


@pytest.mark.parametrize(
    ("files", "reported"),
    [
        pytest.param(
            {
                "src/server.js": 'const express = require("express");\nconst app = express();\napp.listen(3000);\n'
            },
            "RES002",
            id="read-by-the-resolver-first",
        ),
        pytest.param({}, "DISC006", id="no-node-code"),
    ],
)
def test_malformed_package_json_is_task001_unreadable_once(
    make_project: MakeProject, files: dict[str, str], reported: str
) -> None:
    """Reported once: as RES002 when the Node resolver read it first, else as DISC006; TASK001 points
    at the finding that is there."""
    root = make_project(
        {**files, "package.json": '{"dependencies": {"express": "4",}}', "run.sh": "#!/bin/sh\nexec node .\n"}
    )
    report = verify(root, "express+task", use_cache=False)
    rules = [(f.rule, f.location.path) for f in report.findings if f.rule in ("TASK001", "DISC006", "RES002")]
    assert ("TASK001", "package.json") in rules
    assert [r for r in rules if r[0] in ("DISC006", "RES002")] == [(reported, "package.json")]  # once
    task001 = next(f for f in report.findings if f.rule == "TASK001")
    assert f"package.json cannot be read (see {reported})" in task001.message


def test_bad_requirement_line_is_skipped_and_the_others_are_used(make_project: MakeProject) -> None:
    """DISC006 says that only the bad line was skipped; TASK001 does not call the file unreadable, and
    TASK002 judges the imports against the lines that were read."""
    root = make_project(
        {
            "app.py": "import requests\nfrom flask import Flask\n\napp = Flask(__name__)\n",
            "requirements.txt": "flask==3.0.3\nsqlalchemy=2.0.36\n",
        }
    )
    report = verify(root, "flask+task", use_cache=False)
    (problem,) = [f for f in report.findings if f.rule == "DISC006"]
    assert problem.message.startswith("cannot read requirements.txt: line 2: ")
    assert problem.message.endswith("; the line was skipped, the other lines were used")
    assert ("flask", "requirements.txt", 1, False) in declared(root)
    assert not report.analysis.manifests.unreadable
    task = [(f.rule, f.data.get("package")) for f in report.findings if f.rule in ("TASK001", "TASK002")]
    assert task == [("TASK002", "requests")]


def test_wrong_shaped_table_is_skipped_and_the_rest_is_used(make_project: MakeProject) -> None:
    root = make_project({**APP, "package.json": '{"dependencies": [1], "devDependencies": {"jest": "29"}}'})
    report = inspect(root, use_cache=False)
    (problem,) = [f for f in report.findings if f.rule == "DISC006"]
    assert (
        problem.message
        == 'cannot read package.json: "dependencies" is an array, not a table; it was skipped, the rest of the file was used'
    )
    assert ("jest", "package.json", 1, True) in declared(root)
    assert not report.analysis.manifests.unreadable


def test_env_files_are_read_even_when_git_ignored(make_project: MakeProject) -> None:
    root = make_project(
        {
            **APP,
            ".gitignore": ".env\n",
            ".env": "# local\nexport DATABASE_URL='postgresql://u:p@localhost/db'\nbroken line\n",
            ".env.example": "DATABASE_URL=sqlite:///dev.db\n",
        }
    )
    report = inspect(root, use_cache=False)
    settings = {(s.key, s.value, s.file, s.line) for s in report.analysis.manifests.settings}
    assert settings == {
        ("DATABASE_URL", "postgresql://u:p@localhost/db", ".env", 2),
        ("DATABASE_URL", "sqlite:///dev.db", ".env.example", 1),
    }


def test_typeorm_example_config_names_the_engine(make_project: MakeProject) -> None:
    """NestJS projects often commit only `ormconfig.json.example` (the real file is git-ignored)."""
    root = make_project(
        {
            "src/app.module.ts": 'import { TypeOrmModule } from "@nestjs/typeorm";\n\n'
            "export const db = TypeOrmModule.forRoot();\n",
            "ormconfig.json.example": '{\n  "type": "mysql",\n  "host": "localhost"\n}\n',
            "package.json": '{"dependencies": {"@nestjs/typeorm": "10", "mysql": "2"}}',
        }
    )
    data = inspect(root, use_cache=False).to_json()
    assert data["database"]["engines"] == ["mysql"]
    [item] = [e for e in data["database"]["evidence"] if e["kind"] == "config"]
    assert (item["file"], item["line"], item["engine"]) == ("ormconfig.json.example", 2, "mysql")


@pytest.mark.parametrize(
    ("path", "reader"),
    [
        ("requirements.txt", Reader.REQUIREMENTS),
        ("requirements-dev.in", Reader.REQUIREMENTS),
        ("requirements/base.txt", Reader.REQUIREMENTS),
        ("requirements/base.in", None),  # `.in` only under its own name
        ("api/pyproject.toml", Reader.PYPROJECT),
        ("Pipfile", Reader.PIPFILE),
        ("Pipfile.lock", None),
        ("web/package.json", Reader.PACKAGE_JSON),
        (".env", Reader.ENV_FILE),
        ("api/.env.production.local", Reader.ENV_FILE),
        ("env.example", None),
        ("docker-compose.yml", Reader.COMPOSE),
        ("compose.prod.yaml", Reader.COMPOSE),
        ("prisma/schema.prisma", Reader.PRISMA),
        ("alembic.ini", Reader.ALEMBIC),
        ("config/config.json", Reader.SEQUELIZE_CONFIG),
        # elsewhere the reader takes it only when it has NODE_ENV sections (development, test, production):
        # tests/detect/test_accuracy_fourth_set_js.py::test_another_config_json_is_no_sequelize_config
        ("src/config.json", Reader.SEQUELIZE_CONFIG),
        ("ormconfig.json", Reader.TYPEORM_CONFIG),
        ("ormconfig.json.template", Reader.TYPEORM_CONFIG),
        ("db/schema.sql", Reader.SQL),
        ("data/app.sqlite3", Reader.DATABASE_FILE),
        ("run.sh", Reader.RUN_SCRIPT),
        ("scripts/run.sh", None),  # the run script is the root's alone
        ("src/app.ts", None),
    ],
)
def test_each_file_goes_to_the_first_matching_reader_of_the_catalogue(
    path: str, reader: Reader | None
) -> None:
    entry = reader_for(path)
    assert (entry.reader if entry else None) == reader


def test_the_manifest_catalogue_is_complete_and_every_entry_can_match() -> None:
    """Every reader named in rules/manifests.toml has a function, and an entry with no condition (which
    would swallow every later entry) is refused."""
    catalogue = load_rules(ManifestFiles)
    assert {entry.reader for entry in catalogue.file} == set(Reader) == set(READERS)
    for entry in catalogue.file:
        conditions = (entry.names, entry.pattern, entry.suffixes, entry.parent, entry.path)
        assert any(conditions), f"{entry} sets no condition"


def test_prisma_env_url_names_its_variable(make_project: MakeProject) -> None:
    """`url = env("DATABASE_URL")` is a read of the variable (`Setting.env_var`), its value as written; the
    `.env` entry it reads then counts as the application's configuration, not a mere deployment hint."""
    root = make_project(
        {
            "prisma/schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
            ".env": "DATABASE_URL=postgresql://u:p@localhost/db\n",
            "package.json": '{"dependencies": {"@prisma/client": "5"}}',
        }
    )
    report = inspect(root, use_cache=False)
    prisma = {(s.key, s.value, s.env_var) for s in report.analysis.manifests.settings if s.source == "prisma"}
    assert prisma == {("provider", "postgresql", ""), ("url", 'env("DATABASE_URL")', "DATABASE_URL")}
    evidence = report.to_json()["database"]["evidence"]
    assert [(e["file"], e["kind"]) for e in evidence if e["file"] == ".env"] == [(".env", "config")]
