"""After every edit, a run with the caches (result cache, facts, partials, stored discovery) gives the very
output of a run without them (`--no-cache`), in JSON and text, for edits whose effect crosses files: a
route added or removed, an import, SQL passed to a helper in another module, a module renamed, an
instance exported to other modules, renamed, retargeted at a new module and found through another
module's export (the traced instances are brought up to date, detect/traced_state.py), an edit that
keeps the facts, an edit undone."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner

from cdverify import results
from cdverify.cli import cli
from cdverify.detect.database.values import Values

Make = Callable[[dict[str, str | bytes]], Path]
T = TypeVar("T")

PROJECT = {
    "requirements.txt": "flask\nflask-sqlalchemy\n",
    "app/__init__.py": "",
    "app/extensions.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
    "app/main.py": "from flask import Flask\nfrom app.extensions import db\n\napp = Flask(__name__)\n"
    "db.init_app(app)\n",
    "app/routes/__init__.py": "",
    "app/routes/users.py": "from app.main import app\nfrom app.services.users import list_users\n\n\n"
    "@app.get('/users')\ndef users():\n    return list_users()\n",
    "app/services/__init__.py": "",
    "app/services/users.py": "from app.repositories.users import all_users\n\n\n"
    "def list_users():\n    return all_users()\n",
    "app/repositories/__init__.py": "",
    "app/repositories/helpers.py": "import sqlite3\n\n\ndef query(sql):\n"
    "    return sqlite3.connect('app.db').execute(sql).fetchall()\n",
    "app/repositories/users.py": "from app.repositories.helpers import query\n\n\n"
    "def all_users():\n    return query('SELECT * FROM users')\n",
    "app/models/__init__.py": "",
    "app/models/user.py": "from app.extensions import db\n\n\nclass User(db.Model):\n"
    "    id = db.Column(db.Integer, primary_key=True)\n",
}

EXTENSIONS = (
    "from flask_sqlalchemy import SQLAlchemy\nfrom flask import Blueprint\n\ndb = SQLAlchemy()\n"
    "api = Blueprint('api', __name__)\n"
)

# each step: (path, new content or None to delete); applied in order on the same project
EDITS: list[tuple[str, list[tuple[str, str | None]]]] = [
    (
        "a route added",
        [
            (
                "app/routes/users.py",
                PROJECT["app/routes/users.py"] + "\n\n@app.post('/users')\ndef create():\n    return {}\n",
            )
        ],
    ),
    ("an edit keeping the facts", [("app/routes/users.py", None)]),  # a comment appended (see below)
    (
        "SQL through the helper of another module",
        [
            (
                "app/services/users.py",
                "from app.repositories.helpers import query\nfrom app.repositories.users import all_users\n\n\n"
                "def list_users():\n    query('DELETE FROM sessions')\n    return all_users()\n",
            )
        ],
    ),
    (
        "a layer-crossing import",
        [
            (
                "app/repositories/users.py",
                "from app.routes.users import users\nfrom app.repositories.helpers import query\n\n\n"
                "def all_users():\n    return query('SELECT * FROM users')\n",
            )
        ],
    ),
    ("the import removed", [("app/repositories/users.py", PROJECT["app/repositories/users.py"])]),
    (
        "a module renamed",
        [
            ("app/repositories/helpers.py", None),
            ("app/repositories/sql.py", PROJECT["app/repositories/helpers.py"]),
        ],
    ),
    (
        "an instance exported to other modules",
        [
            ("app/extensions.py", EXTENSIONS),
            (
                "app/routes/users.py",
                "from app.extensions import api\nfrom app.services.users import list_users\n\n\n"
                "@api.get('/users')\ndef users():\n    return list_users()\n",
            ),
        ],
    ),
    (
        "the exported instance renamed",
        [
            (
                "app/extensions.py",
                "from flask_sqlalchemy import SQLAlchemy\nfrom flask import Blueprint\n\ndb = SQLAlchemy()\n"
                "web = Blueprint('api', __name__)\n",
            ),
        ],
    ),
    (
        "the import retargeted at a new module exporting the instance",
        [
            ("app/blueprints.py", "from flask import Blueprint\n\napi = Blueprint('api', __name__)\n"),
            (
                "app/routes/users.py",
                "from app.blueprints import api\nfrom app.services.users import list_users\n\n\n"
                "@api.get('/users')\ndef users():\n    return list_users()\n",
            ),
        ],
    ),
    (
        "the instance found through another module's export",
        [
            ("app/blueprints.py", "from app.extensions import web as api\n"),
            ("app/models/user.py", PROJECT["app/models/user.py"].replace("app.extensions", "app.main")),
        ],
    ),
    ("the export it is found through removed", [("app/extensions.py", PROJECT["app/extensions.py"])]),
    ("a route removed", [("app/routes/users.py", "from app.extensions import api\n")]),
    (
        "a connection exported to another module",
        [
            ("app/extensions.py", EXTENSIONS + "import sqlite3\n\nconn = sqlite3.connect('app.db')\n"),
            (
                "app/services/users.py",
                "from app.extensions import conn\nfrom app.repositories.users import all_users\n\n\n"
                "def list_users():\n    conn.execute('DELETE FROM sessions')\n    return all_users()\n",
            ),
        ],
    ),
    # the ORM detector's result changes through another file only
    ("the connection made no database's", [("app/extensions.py", EXTENSIONS + "conn = object()\n")]),
    (
        "the models' base made no ORM's",
        [
            (
                "app/extensions.py",
                "from flask import Blueprint\n\ndb = object()\napi = Blueprint('api', __name__)\n",
            )
        ],
    ),
    (
        "SQL in a module the application imports",
        [
            (
                "app/cleanup.py",
                "import sqlite3\n\n\ndef purge():\n    sqlite3.connect('a.db').execute('DELETE FROM t')\n",
            ),
            ("app/main.py", PROJECT["app/main.py"] + "from app.cleanup import purge\n"),
            ("app/seed.py", "if __name__ == '__main__':\n    print('seeded')\n"),
        ],
    ),
    (
        "that module imported by a script only",  # it serves the script: its scope changes, not its code
        [
            ("app/main.py", PROJECT["app/main.py"]),
            ("app/seed.py", "from app.cleanup import purge\n\nif __name__ == '__main__':\n    purge()\n"),
        ],
    ),
    # the framework detector's reads of one file look at other files: constants, `.env` values, objects
    (
        "a blueprint prefixed by another module's constant",
        [
            ("app/settings.py", "API_PREFIX = '/v1'\n"),
            (
                "app/api.py",
                "import os\nfrom flask import Blueprint\n\nbp = Blueprint('bp', __name__, url_prefix=API_PREFIX)\n"
                "admin = Blueprint('admin', __name__, url_prefix=os.getenv('ADMIN_PREFIX', '/adm'))\n\n\n"
                "@bp.get('/items')\ndef items():\n    return []\n\n\n@admin.get('/stats')\ndef stats():\n"
                "    return {}\n",
            ),
        ],
    ),
    ("the constant changed in its module", [("app/settings.py", "API_PREFIX = '/v2'\n")]),
    ("the prefix given by a .env file", [(".env", "ADMIN_PREFIX=/admin\n")]),
    ("the .env value changed", [(".env", "ADMIN_PREFIX=/staff\n")]),
    ("the app the routes are registered on made no app", [("app/main.py", "app = object()\n")]),
    ("the app made again", [("app/main.py", PROJECT["app/main.py"])]),
    # the database detector's reads of one file follow names into other files' assignments, two hops deep
    # (the second reader finds the walk memoised by the first)
    (
        "configuration keys set from another module's URL",
        [
            ("app/defaults.py", "DEFAULT_URL = 'postgresql://db/app'\n"),
            ("app/config.py", "import os\n\nDATABASE_URL = os.environ.get('DATABASE_URL', DEFAULT_URL)\n"),
            (
                "app/dbconfig.py",
                "from app.config import DATABASE_URL\n\nSQLALCHEMY_DATABASE_URI = DATABASE_URL\n",
            ),
            (
                "app/worker.py",
                "from app.config import DATABASE_URL\n\nSQLALCHEMY_DATABASE_URI = DATABASE_URL\n",
            ),
        ],
    ),
    ("the URL's default changed two modules away", [("app/defaults.py", "DEFAULT_URL = 'mysql://db/app'\n")]),
    (
        "a driver import added",
        [("app/config.py", "import os\nimport psycopg2\n\nDATABASE_URL = os.environ['X']\n")],
    ),
    (
        "every edit undone",
        [(path, text) for path, text in PROJECT.items()]
        + [("app/repositories/sql.py", None), ("app/blueprints.py", None)]
        + [("app/cleanup.py", None), ("app/seed.py", None)]
        + [("app/settings.py", None), ("app/api.py", None), (".env", None)]
        + [
            ("app/config.py", None),
            ("app/dbconfig.py", None),
            ("app/worker.py", None),
            ("app/defaults.py", None),
        ],
    ),
]


# edits that change the JSON output through a file they leave alone
CHANGING = {
    "the connection made no database's",
    "the models' base made no ORM's",
    "that module imported by a script only",
    "the URL's default changed two modules away",
}


@pytest.fixture(autouse=True)
def _no_racy_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by a test are seconds old at most: the cache would (rightly) not trust them."""
    monkeypatch.setattr(results, "RACY_NS", 0)


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def write(path: Path, text: str | None) -> None:
    if text is None:
        path.unlink()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - 5_000_000_000))  # a signature surely new


def edit_chain(root: Path, fmt: str) -> tuple[list[str], list[str]]:
    """Apply every edit of EDITS in turn, each followed by a cached run and a run without the caches;
    (the outputs, the edits after which they differ)."""
    args = ("check", str(root), "-c", "flask+clean_architecture+sqlite", "--format", fmt)
    outputs = [run(*args)]
    differ = [] if outputs[0] == run(*args, "--no-cache") else ["the first run"]
    for name, steps in EDITS:
        for path, text in steps:
            target = root / path
            if name == "an edit keeping the facts":
                text = target.read_text() + "# reviewed\n"
            if text is None and not target.exists():
                continue
            write(target, text)
        cached = run(*args)
        if cached != run(*args, "--no-cache"):
            differ.append(name)
        if fmt == "json":  # every detector's report, as `inspect` shows it
            inspect = ("inspect", str(root), "--format", "json")
            if run(*inspect) != run(*inspect, "--no-cache"):
                differ.append(f"{name} (inspect)")
        if fmt == "json" and name in CHANGING:
            assert cached != outputs[-1], name  # the edit does change what is found
        outputs.append(cached)
    return outputs, differ


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_every_edit_gives_the_output_of_a_fresh_run(make_project: Make, fmt: str) -> None:
    outputs, differ = edit_chain(make_project(PROJECT), fmt)
    assert differ == []
    assert outputs[-1] == outputs[0]  # every edit undone: the first output again
    assert len(set(outputs)) >= (7 if fmt == "json" else 4)  # the edits did change what was found


def _forgetful(self: Values, kind: str, memo: dict[tuple[int, int], T], key: tuple[int, int], walk: Any) -> T:
    """`Values._memoised` noting nothing of a walk memoised before (a file's read misses what it read)."""
    return memo[key] if key in memo else MEMOISED(self, kind, memo, key, walk)


MEMOISED = Values._memoised
# checks a kept read is served by, each made too weak in turn
WEAKENED = {
    "framework: traced answers": ("cdverify.detect.framework.file_read", "same_answers", lambda *a: True),
    "framework: constants and .env values": (
        "cdverify.detect.framework.file_read",
        "same_looks",
        lambda *a: True,
    ),
    "database: names looked up": ("cdverify.detect.database.code", "Assigned.same", lambda *a: True),
    "database: what a file assigns": ("cdverify.detect.database.code", "Assigned._file", lambda *a: b""),
    "database: names a memoised walk looked up": (
        "cdverify.detect.database.values",
        "Values._memoised",
        _forgetful,
    ),
}


@pytest.mark.parametrize("weakened", WEAKENED)
def test_a_kept_read_served_while_what_it_looked_at_changed_is_caught(
    make_project: Make, monkeypatch: pytest.MonkeyPatch, weakened: str
) -> None:
    """A per-file read kept under too weak a key (served while its file alone is the same) is caught by
    the edits above: some cached output differs from the fresh one."""
    module, name, replacement = WEAKENED[weakened]
    owner: Any = importlib.import_module(module)
    *path, attribute = name.split(".")
    for part in path:
        owner = getattr(owner, part)
    monkeypatch.setattr(owner, attribute, replacement)
    _, differ = edit_chain(make_project(PROJECT), "json")
    assert differ, differ
