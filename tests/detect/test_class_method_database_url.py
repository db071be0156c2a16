"""A database URL returned by a static or class method of the module's own class (issue 18, the ninety-fourth
set): `create_engine(Config.get_database_url(), …)` after `class Config: @staticmethod def get_database_url():
return f"sqlite:///{…}/database.db"`. The method's return is read as a project function's is
(`create_engine(database_url())`), so the engine is the URL's; a driver the project also declares adds no other
engine where the URL is written in code."""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json

DATABASE = """from pathlib import Path

from sqlalchemy import create_engine

from app.settings import settings


class Config:
    @{decorator}
    def get_database_url({first}):
        if settings.DATABASE_TYPE == "sqlite":
            return f"sqlite:///{{Path(__file__).parent}}/database.db"
        raise ValueError("Invalid database type.")


engine = create_engine(Config.get_database_url(), echo=False)
"""
SETTINGS = 'import os\n\n\nclass Settings:\n    DATABASE_TYPE = os.environ.get("DATABASE_TYPE", "sqlite")\n\n\nsettings = Settings()\n'


@pytest.mark.parametrize(("decorator", "first"), [("staticmethod", ""), ("classmethod", "cls")])
def test_the_url_a_class_method_returns_names_the_engine(
    make_project: MakeProject, decorator: str, first: str
) -> None:
    files = {
        "app/__init__.py": "",
        "app/settings.py": SETTINGS,
        "app/database.py": DATABASE.format(decorator=decorator, first=first),
        "requirements.txt": "fastapi\nsqlalchemy\npsycopg2-binary\n",
    }
    assert inspect_json(make_project, files)["database"]["engines"] == ["sqlite"]


def test_a_method_of_another_class_is_not_read(make_project: MakeProject) -> None:
    """`Other.get_database_url()` names no class of the module: the call is not read as the method's return, so
    the URL stays one known at run time and the declared driver's engine (PostgreSQL) stays possible beside the
    module's SQLite URL literal."""
    source = DATABASE.format(decorator="staticmethod", first="").replace(
        "create_engine(Config.get_database_url()", "create_engine(Other.get_database_url()"
    )
    files = {
        "app/__init__.py": "",
        "app/settings.py": SETTINGS,
        "app/database.py": source,
        "requirements.txt": "fastapi\nsqlalchemy\npsycopg2-binary\n",
    }
    assert inspect_json(make_project, files)["database"]["engines"] == ["postgresql", "sqlite"]
