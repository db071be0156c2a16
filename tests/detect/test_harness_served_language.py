"""The application the paper's harness starts is the serving framework's: a start-up check in a file of another
language never runs then (session 2026-12-06 (14), 094459/reddit-clone: a Flask port keeping its PHP original,
whose Bootstrap `js/npm.js` requires files left out of the repository — a false stop failed the SQLite task)."""

from __future__ import annotations

from reports import MakeProject

from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness
from cdverify.pipeline import inspect

FLASK_APP = """from flask import Flask
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///forum.db"
db = SQLAlchemy(app)


@app.route("/posts")
def posts():
    return {"posts": []}
"""
# a browser bundle's entry, beside the original PHP site: it requires files the repository does not ship
LEFTOVER_JS = "require('../../js/transition.js')\nrequire('../../js/alert.js')\n"
MISSING_CONFIG_PY = "import os\n\nSECRET = os.environ['FORUM_SECRET']\n"


def test_a_node_file_beside_a_flask_app_stops_nothing(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "flask\nflask-sqlalchemy\n",
        "app.py": FLASK_APP,
        "php/js/npm.js": LEFTOVER_JS,
    }
    found = in_harness(inspect(make_project(files), use_cache=False).analysis.database, PAPER_ENVIRONMENT)
    assert found.stopped == ()
    assert found.engines == ["sqlite"]


def test_a_python_check_of_the_flask_app_still_stops_it(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "flask\nflask-sqlalchemy\n",
        "app.py": "import settings\n" + FLASK_APP,
        "settings.py": MISSING_CONFIG_PY,
        "php/js/npm.js": LEFTOVER_JS,
    }
    found = in_harness(inspect(make_project(files), use_cache=False).analysis.database, PAPER_ENVIRONMENT)
    assert found.engines == []


def test_the_same_require_in_an_express_app_stops_it(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "package.json": '{"dependencies": {"express": "^4.21.0", "sqlite3": "^5.1.0"}}',
        "server.js": "const express = require('express');\nconst sqlite3 = require('sqlite3');\n"
        "require('./js/transition.js');\n\nconst db = new sqlite3.Database('forum.db');\n"
        "const app = express();\napp.get('/posts', (req, res) => res.json([]));\napp.listen(3000);\n",
    }
    found = in_harness(inspect(make_project(files), use_cache=False).analysis.database, PAPER_ENVIRONMENT)
    assert found.engines == []
    assert [s.file for s in found.stopped] == ["server.js"]


def test_with_no_serving_framework_every_file_counts(make_project: MakeProject) -> None:
    """Where nothing serves, the harness's app is unknown: a stop anywhere in the application counts."""
    files: dict[str, str | bytes] = {
        "requirements.txt": "sqlalchemy\n",
        "db.py": 'from sqlalchemy import create_engine\n\nengine = create_engine("sqlite:///forum.db")\n',
        "php/js/npm.js": LEFTOVER_JS,
    }
    found = in_harness(inspect(make_project(files), use_cache=False).analysis.database, PAPER_ENVIRONMENT)
    assert [s.file for s in found.stopped] == ["php/js/npm.js", "php/js/npm.js"]
