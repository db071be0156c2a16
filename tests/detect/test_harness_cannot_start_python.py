"""Python applications that cannot start in the paper's harness because a setting they require at start-up
has no default (issue 18, session 2026-12-05 (6)): python-decouple's `config("X")` (UndefinedValueError),
dynaconf validators with `must_exist=True` (ValidationError, variables named with `envvar_prefix`), and a
pydantic settings class built at start-up — at module level or in a function a start-up module calls there
— with a field of no default, whatever the field is for. DB001 says the application has no database to
start with and names what stops it. Each case has clean variants (a default, a read inside a function
nobody calls at start-up, the variable set by the project's `.env`). The projects are small synthetic ones
written for these tests."""

from __future__ import annotations

import pytest
from reports import MakeProject, check, database_status, database_status_set_and_unset, only

POSTGRES_TASK = "python-flask-openapi-postgres-sqlalchemy"
REQUIREMENTS = "flask\nsqlalchemy\npsycopg2-binary\npython-decouple\ndynaconf\npydantic-settings\nenvparse\n"
APP = """from flask import Flask

from app.db import engine

app = Flask(__name__)
"""
DB = """from sqlalchemy import create_engine

from app.settings import DATABASE_URL

engine = create_engine(DATABASE_URL)
"""
PG_URL = "postgresql://user:password@postgres:5432/conduit"


def _files(settings: str, **extra: str) -> dict[str, str | bytes]:
    return {
        "app/__init__.py": "",
        "app/main.py": APP,
        "app/db.py": DB,
        "app/settings.py": settings,
        "requirements.txt": REQUIREMENTS,
        **extra,
    }


# -- python-decouple -------------------------------------------------------------------------------------

DECOUPLE = f"""from decouple import config

DATABASE_URL = config("DATABASE_URL", default="{PG_URL}")
SECRET_KEY = READ
"""


def test_a_decouple_read_with_no_default_stops_the_app(make_project: MakeProject) -> None:
    files = _files(DECOUPLE.replace("READ", 'config("SECRET_KEY")'))
    db001 = only(check(make_project, files, POSTGRES_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert (
        'config("SECRET_KEY") at app/settings.py:4 raises UndefinedValueError at import' in db001["message"]
    )
    assert "give $SECRET_KEY a default in code" in db001["hint"]


@pytest.mark.parametrize(
    "read",
    [
        'config("SECRET_KEY", default="dev")',  # a default
        'config("SECRET_KEY", "dev")',  # a default given by position
        'config("SECRET_KEY") if False else "dev"',  # a conditional expression: maybe not evaluated
    ],
)
def test_a_decouple_read_with_a_default_starts(make_project: MakeProject, read: str) -> None:
    assert (
        database_status(check(make_project, _files(DECOUPLE.replace("READ", read)), POSTGRES_TASK)) == "pass"
    )


def test_a_decouple_read_inside_a_function_is_not_at_start_up(make_project: MakeProject) -> None:
    settings = DECOUPLE.replace("SECRET_KEY = READ", 'def secret():\n    return config("SECRET_KEY")')
    assert database_status(check(make_project, _files(settings), POSTGRES_TASK)) == "pass"


def test_a_decouple_read_set_by_the_env_file_or_the_harness(make_project: MakeProject) -> None:
    root = make_project(_files(DECOUPLE.replace("READ", 'config("SECRET_KEY")')))
    assert database_status_set_and_unset(root, POSTGRES_TASK, "SECRET_KEY", "s3cret") == ("pass", "pass")


ENVIRONS = f"""from environs import Env

env = Env()
env.read_env()
DATABASE_URL = env.str("DATABASE_URL", "{PG_URL}")
SECRET_KEY = READ
"""


@pytest.mark.parametrize(
    ("read", "stops"), [('env.str("SECRET_KEY")', True), ('env.str("SECRET_KEY", "dev")', False)]
)
def test_an_environs_read_with_no_default(make_project: MakeProject, read: str, stops: bool) -> None:
    report = check(make_project, _files(ENVIRONS.replace("READ", read)), POSTGRES_TASK)
    assert database_status(report) == ("fail" if stops else "pass")
    if stops:
        assert "raises EnvError at import when $SECRET_KEY is unset" in only(report, "DB001")["message"]


DJANGO_ENVIRON = f"""import environ

env = environ.Env(DEBUG=(bool, False))
DATABASE_URL = env.str("DATABASE_URL", default="{PG_URL}")
SECRET_KEY = READ
"""


@pytest.mark.parametrize(
    ("read", "stops"),
    [
        ('env("SECRET_KEY")', True),  # django-environ raises ImproperlyConfigured (session (20))
        ('env.str("SECRET_KEY")', True),
        ('env("SECRET_KEY", default="dev")', False),
        ('env.bool("DEBUG")', False),  # declared with its default by the constructor
    ],
)
def test_a_django_environ_read_with_no_default(make_project: MakeProject, read: str, stops: bool) -> None:
    files = _files(DJANGO_ENVIRON.replace("READ", read))
    files["requirements.txt"] = REQUIREMENTS + "django-environ\n"
    report = check(make_project, files, POSTGRES_TASK)
    assert database_status(report) == ("fail" if stops else "pass")
    if stops:
        assert (
            "raises ImproperlyConfigured at import when $SECRET_KEY is unset"
            in only(report, "DB001")["message"]
        )


ENVPARSE = f"""from envparse import env

env.read_envfile()
DATABASE_URL = env.str("DATABASE_URL", default="{PG_URL}")
SECRET_KEY = READ
"""


@pytest.mark.parametrize(
    ("read", "stops"),
    [
        ('env.str("SECRET_KEY")', True),
        ('env("SECRET_KEY")', True),
        ('env.str("SECRET_KEY", default="dev")', False),
        ('env.bool("DEBUG", default=False)', False),
    ],
)
def test_an_envparse_read_with_no_default(make_project: MakeProject, read: str, stops: bool) -> None:
    """envparse's `env.str("X")` raises ConfigurationError where $X is unset and no default is given (the
    eighty-fourth set's trushad0w/aiohttp_template: `POSTGRESQL_DSN = env.str("POSTGRESQL_DSN")`)."""
    report = check(make_project, _files(ENVPARSE.replace("READ", read)), POSTGRES_TASK)
    assert database_status(report) == ("fail" if stops else "pass")
    if stops:
        assert (
            "raises ConfigurationError at import when $SECRET_KEY is unset"
            in only(report, "DB001")["message"]
        )


# -- dynaconf validators -----------------------------------------------------------------------------------

DYNACONF = f"""from dynaconf import Dynaconf, Validator

settings = Dynaconf(
    envvar_prefix="CONDUIT",
    validators=[
        Validator("SECRET_KEY", VALIDATION),
    ],
)
settings.validators.validate_all()
DATABASE_URL = "{PG_URL}"
"""


def test_a_required_dynaconf_setting_stops_the_app(make_project: MakeProject) -> None:
    files = _files(DYNACONF.replace("VALIDATION", "must_exist=True"))
    db001 = only(check(make_project, files, POSTGRES_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "fails dynaconf's validation at start-up when $CONDUIT_SECRET_KEY is unset" in db001["message"]
    root = make_project(files)  # the variable carries the settings' prefix
    assert database_status_set_and_unset(root, POSTGRES_TASK, "CONDUIT_SECRET_KEY", "s") == ("pass", "pass")


@pytest.mark.parametrize(
    "validation",
    [
        'must_exist=True, default="dev"',  # a default
        "must_exist=False",  # not required
        "is_type_of=str",  # checks the value only where it is set
    ],
)
def test_a_dynaconf_setting_with_a_default_or_not_required_starts(
    make_project: MakeProject, validation: str
) -> None:
    files = _files(DYNACONF.replace("VALIDATION", validation))
    assert database_status(check(make_project, files, POSTGRES_TASK)) == "pass"


# -- pydantic settings built at start-up -----------------------------------------------------------------

BASE = """from pydantic_settings import BaseSettings


class BaseAppSettings(BaseSettings):
    jwt_secret: str FIELD
"""
PYDANTIC = f"""from app.base import BaseAppSettings


class AppSettings(BaseAppSettings):
    debug: bool = False


DATABASE_URL = "{PG_URL}"
BUILD
"""


def _pydantic(build: str, field: str = "", subclass: str = "debug: bool = False") -> dict[str, str | bytes]:
    settings = PYDANTIC.replace("BUILD", build).replace("debug: bool = False", subclass)
    return _files(settings, **{"app/base.py": BASE.replace("FIELD", field)})


@pytest.mark.parametrize(
    ("build", "where"),
    [
        # a subclass of a settings class of another module
        ("settings = AppSettings()", "settings = AppSettings() at app/settings.py:9"),
        # built in a function a start-up module calls at module level
        (
            "def get_settings():\n    settings = BaseAppSettings()\n    return settings\n\n\nSETTINGS = get_settings()",
            "(called at start-up at app/settings.py:14)",
        ),
        (
            "def get_settings():\n    return AppSettings()\n\n\nSETTINGS = get_settings()",
            "return AppSettings()",
        ),
    ],
)
def test_a_settings_class_built_at_start_up_with_a_required_field(
    make_project: MakeProject, build: str, where: str
) -> None:
    files = _pydantic(build)
    db001 = only(check(make_project, files, POSTGRES_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "raises a ValidationError (a pydantic BaseSettings class" in db001["message"]
    assert where in db001["message"]
    assert "when $JWT_SECRET is unset" in db001["message"]


@pytest.mark.parametrize(
    ("field", "build"),
    [
        ('= "dev"', "settings = AppSettings()"),  # the field has a default
        ("", 'settings = AppSettings(jwt_secret="x")'),  # built with arguments, which may give it
        ("", "def get_settings():\n    return AppSettings()"),  # a function nobody calls at start-up
    ],
)
def test_a_settings_class_that_can_be_built_in_the_harness(
    make_project: MakeProject, field: str, build: str
) -> None:
    assert database_status(check(make_project, _pydantic(build, field), POSTGRES_TASK)) == "pass"


def test_a_subclass_default_lifts_the_requirement(make_project: MakeProject) -> None:
    files = _pydantic("settings = AppSettings()", subclass='jwt_secret: str = "dev"')
    assert database_status(check(make_project, files, POSTGRES_TASK)) == "pass"


# -- a configuration picked by a flag the harness leaves unset -----------------------------------------------

CONFIGS = f"""import os


class Config:
    SECRET_KEY = "dev"


class ProdConfig(Config):
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "{PG_URL}")


class DevConfig(Config):
    SQLALCHEMY_DATABASE_URI = "sqlite:///dev.db"


class TestConfig(Config):
    SQLALCHEMY_DATABASE_URI = "sqlite://"
"""
AUTOAPP = """from flask import Flask
from flask.helpers import get_debug_flag

from app.settings import DevConfig, ProdConfig

CONFIG = PICK

app = Flask(__name__)
app.config.from_object(CONFIG)
"""


def _configs(pick: str) -> dict[str, str | bytes]:
    return {
        "app/__init__.py": "",
        "app/settings.py": CONFIGS,
        "autoapp.py": AUTOAPP.replace("PICK", pick),
        "requirements.txt": REQUIREMENTS,
    }


@pytest.mark.parametrize(
    "pick",
    [
        "DevConfig if get_debug_flag() else ProdConfig",  # Flask's debug flag: off where FLASK_DEBUG is unset
        'DevConfig if os.getenv("APP_DEBUG") else ProdConfig',  # a plain read of a variable
    ],
)
def test_the_configuration_a_flag_picks_where_it_is_off(make_project: MakeProject, pick: str) -> None:
    files = _configs(pick)
    if "os.getenv" in pick:
        files["autoapp.py"] = "import os\n" + str(files["autoapp.py"])
    assert database_status(check(make_project, files, POSTGRES_TASK)) == "pass"  # ProdConfig's PostgreSQL
    sqlite = check(make_project, files, "python-flask-openapi-sqlite-sqlalchemy")
    db001 = only(sqlite, "DB001")  # DevConfig's SQLite is not what it runs on there
    assert db001["harness_engines"] == ["postgresql"]


def test_the_flag_set_picks_the_other_configuration(make_project: MakeProject) -> None:
    root = make_project(_configs("DevConfig if get_debug_flag() else ProdConfig"))
    from cdverify.config import build_config
    from cdverify.pipeline import verify

    debug = build_config({"harness_env": {"FLASK_DEBUG": "1"}})
    report = verify(root, POSTGRES_TASK, debug, use_cache=False).to_json()
    assert only(report, "DB001")["harness_engines"] == ["sqlite"]
    off = build_config({"harness_env": {"FLASK_DEBUG": "false"}})  # a false value leaves it off
    assert verify(root, POSTGRES_TASK, off, use_cache=False).verdicts["database"].status == "pass"


def test_without_a_flag_both_configurations_may_run(make_project: MakeProject) -> None:
    # chosen by a comparison the harness does not decide here: both engines stay possible
    files = _configs('DevConfig if os.getenv("ENV") == "dev" else ProdConfig')
    files["autoapp.py"] = "import os\n" + str(files["autoapp.py"])
    report = check(make_project, files, POSTGRES_TASK)
    assert sorted(report["database"]["engines"]) == ["postgresql", "sqlite"]


def test_a_test_configuration_class_is_the_tests(make_project: MakeProject) -> None:
    files = _configs("ProdConfig")
    data = check(make_project, files, POSTGRES_TASK)["database"]
    evidence = [
        e for e in data["evidence"] if e["file"] == "app/settings.py" and e["text"].endswith('"sqlite://"')
    ]
    assert [e["scope"] for e in evidence] == ["test"]  # TestConfig's, as a `test` section of a settings file
