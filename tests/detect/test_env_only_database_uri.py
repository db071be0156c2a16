"""A database URL the environment gives whole, with no fallback (issue 18, the eighty-seventh and eighty-eighth
sets): Replit Agent's Flask template writes `app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL")`
beside psycopg2 alone. A connection call given such a URL already took the engines of the declared drivers; the
configuration key took none, so the app had no engine. With one declared driver, its engine; with two, none is
guessed; a `.env` setting the variable says which."""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json

APP = """import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL")
db.init_app(app)
"""


@pytest.mark.parametrize(
    ("requirements", "env", "engines"),
    [
        ("flask\nflask-sqlalchemy\npsycopg2-binary\n", None, ["postgresql"]),
        ("flask\nflask-sqlalchemy\npymysql\n", None, ["mysql"]),
        ("flask\nflask-sqlalchemy\npsycopg2-binary\npymysql\n", None, []),
        ("flask\nflask-sqlalchemy\npsycopg2-binary\n", "DATABASE_URL=sqlite:///app.db\n", ["sqlite"]),
    ],
    ids=["one-postgres-driver", "one-mysql-driver", "two-drivers", "set-by-env-file"],
)
def test_the_engine_of_a_url_the_environment_gives_whole(
    make_project: MakeProject, requirements: str, env: str | None, engines: list[str]
) -> None:
    files = {"app.py": APP, "requirements.txt": requirements}
    if env is not None:
        files[".env"] = env
    assert inspect_json(make_project, files)["database"]["engines"] == engines
