"""Python settings classes and settings objects (issue 18): pydantic's `BaseSettings` fills each field from
the variable of its name at start-up. A database URL field with no default, which the paper's harness
leaves unset, means the application cannot start there (DB001, naming the class); a field's default is
the URL it runs with there. The URL is followed through the settings object (`settings = Settings()`,
`create_engine(settings.database_url)`), also for a plain class whose attributes read `os.environ`.
Each case has a violating and a clean variant."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, check, database_status_set_and_unset, only

from cdverify.model import Language, Member
from cdverify.parse import parse_source

POSTGRES_TASK = "python-fastapi-openapi-postgres-sqlalchemy"
SQLITE_TASK = "python-fastapi-openapi-sqlite-sqlalchemy"
PG_URL = "postgresql://user:password@postgres:5432/conduit"
REQUIREMENTS = "fastapi\nsqlalchemy\npsycopg2-binary\npydantic-settings\n"
SETTINGS = """from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class BaseAppSettings(BaseSettings):
    model_config = SettingsConfigDict(CONFIG)


class Settings(BaseAppSettings):
    debug: bool = False
    FIELD


settings = Settings()
"""
DB = """from sqlalchemy import create_engine

from app.config import settings

engine = create_engine(str(settings.database_url))
"""
MAIN = "from fastapi import FastAPI\n\nfrom app.db import engine\n\napp = FastAPI()\n"


def _files(field: str, config: str = "") -> dict[str, str | bytes]:
    return {
        "app/__init__.py": "",
        "app/config.py": SETTINGS.replace("FIELD", field).replace("CONFIG", config),
        "app/db.py": DB,
        "app/main.py": MAIN,
        "requirements.txt": REQUIREMENTS,
    }


def _status(report: dict[str, Any]) -> str:
    status: str = report["verdicts"]["database"]["status"]
    return status


@pytest.mark.parametrize("field", ["database_url: str", "database_url: str = Field(..., min_length=1)"])
def test_a_url_field_with_no_default_cannot_start_in_the_harness(
    make_project: MakeProject, field: str
) -> None:
    db001 = only(check(make_project, _files(field), POSTGRES_TASK), "DB001")
    assert "has no database to start with" in db001["message"]
    assert (
        "needs $DATABASE_URL, which is unset there (a pydantic BaseSettings class (Settings) at "
        "app/config.py:11 requires it with no default)" in db001["message"]
    )
    assert db001["harness_engines"] == []


def test_the_apps_env_file_or_the_declared_environment_provides_the_field(make_project: MakeProject) -> None:
    root = make_project(_files("database_url: str"))
    assert database_status_set_and_unset(root, POSTGRES_TASK, "DATABASE_URL", PG_URL) == ("pass", "pass")


def test_a_dotenv_file_outside_the_project_is_not_known_to_be_missing(make_project: MakeProject) -> None:
    # `env_file="../.env"`: a file the project does not hold may set it, so no DB001 says it cannot start
    report = check(make_project, _files("database_url: str", 'env_file="../.env"'), POSTGRES_TASK)
    assert "needs $DATABASE_URL" not in str(report["findings"])


def test_an_env_prefix_names_the_variable(make_project: MakeProject) -> None:
    db001 = only(
        check(make_project, _files("database_url: str", 'env_prefix="app_"'), POSTGRES_TASK), "DB001"
    )
    assert "needs $APP_DATABASE_URL, which is unset there" in db001["message"]


@pytest.mark.parametrize(
    "field",
    [
        'database_url: str = "sqlite:///./conduit.db"',
        'database_url: str = Field("sqlite:///./conduit.db", min_length=1)',
        'database_url: str = Field(default="sqlite:///./conduit.db")',
    ],
)
def test_a_field_default_is_the_harness_engine(make_project: MakeProject, field: str) -> None:
    files = _files(field)
    db001 = only(check(make_project, files, POSTGRES_TASK), "DB001")
    assert "runs on SQLite" in db001["message"]
    assert "when $DATABASE_URL is unset" in db001["message"]
    assert db001["harness_engines"] == ["sqlite"]
    assert _status(check(make_project, files, SQLITE_TASK)) == "pass"
    # the app's own `.env` replaces the default, as pydantic does
    assert (
        _status(check(make_project, {**files, ".env": f"DATABASE_URL={PG_URL}\n"}, POSTGRES_TASK)) == "pass"
    )


def test_a_postgres_field_default_passes_a_postgres_task(make_project: MakeProject) -> None:
    report = check(make_project, _files(f'database_url: str = "{PG_URL}"'), POSTGRES_TASK)
    assert _status(report) == "pass"


def test_a_field_of_a_plain_model_is_no_setting(make_project: MakeProject) -> None:
    # a pydantic BaseModel is not filled from the environment: its field names no variable
    files = _files("database_url: str")
    files["app/config.py"] = (
        "from pydantic import BaseModel\n\n\nclass Settings(BaseModel):\n    database_url: str\n\n\n"
        f'settings = Settings(database_url="{PG_URL}")\n'
    )
    assert "needs $DATABASE_URL" not in str(check(make_project, files, POSTGRES_TASK)["findings"])


@pytest.mark.parametrize(
    ("read", "status"),
    [('os.environ.get("DATABASE_URL", "sqlite:///conduit.db")', "fail"), (f'"{PG_URL}"', "pass")],
)
def test_a_plain_settings_object_is_followed(make_project: MakeProject, read: str, status: str) -> None:
    files = _files("")
    files["app/config.py"] = (
        f"import os\n\n\nclass Config:\n    DATABASE_URL = {read}\n\n\nsettings = Config()\n"
    )
    files["app/db.py"] = DB.replace("settings.database_url", "settings.DATABASE_URL")
    report = check(make_project, files, POSTGRES_TASK)
    assert _status(report) == status
    if status == "fail":
        assert only(report, "DB001")["harness_engines"] == ["sqlite"]


def test_a_plain_settings_object_reading_a_required_variable_cannot_start(make_project: MakeProject) -> None:
    files = _files("")
    files["app/config.py"] = (
        'import os\n\n\nclass Config:\n    DATABASE_URL = os.environ["DATABASE_URL"]\n\n\nsettings = Config()\n'
    )
    files["app/db.py"] = DB.replace("settings.database_url", "settings.DATABASE_URL")
    db001 = only(check(make_project, files, POSTGRES_TASK), "DB001")
    assert "needs $DATABASE_URL, which is unset there" in db001["message"]
    assert db001["harness_engines"] == []


def test_class_fields_are_parse_facts() -> None:
    source = SETTINGS.replace("FIELD", 'database_url: str = Field(...)\n    other: str = Field("x")').replace(
        "CONFIG", ""
    )
    facts = parse_source("app/config.py", Language.PYTHON, source.encode())
    assert [m for m in facts.members if m.owner == "Settings"] == [
        Member("Settings", "debug", 10, "bool", default=True),
        Member("Settings", "database_url", 11, "str", default=False),
        Member("Settings", "other", 12, "str", default=True),
    ]
