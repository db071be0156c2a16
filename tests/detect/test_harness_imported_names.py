"""A module the application loads as it starts that imports, from a module of the project, a name that module
does not define (`from app.utils import generate_hash` with the function commented out, renamed or removed in
app/utils.py) raises ImportError as it is imported: the app cannot start, so no engine holds in the harness
(DB001; cdverify/detect/database/imported_names.py over the parse fact `FileFacts.defines`). Each project is
written for the test (issue 18; docs/accuracy.md "Names imported from project modules that do not define
them")."""

from __future__ import annotations

import pytest
from reports import MakeProject

from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness
from cdverify.pipeline import inspect

APP = """from flask import Flask

from .routes import bp

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///app.db"
app.register_blueprint(bp)
"""
ROUTES = """from flask import Blueprint, request
{imports}
bp = Blueprint("main", __name__)


@bp.post("/users")
def register():
    return {{"hash": generate_hash(request.json["password"])}}
"""
DB = """from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
"""
COMMENTED = """import hashlib


def check_hash(password, digest):
    return hashlib.sha256(password.encode()).hexdigest() == digest


# def generate_hash(password):
#     return hashlib.sha256(password.encode()).hexdigest()
"""
ABSOLUTE = "from app.utils import generate_hash\n"


def _app(imports: str = ABSOLUTE, utils: str = COMMENTED, **files: str) -> dict[str, str | bytes]:
    return {
        "app/__init__.py": APP,
        "app/routes.py": ROUTES.format(imports=imports),
        "app/db.py": DB,
        "app/utils.py": utils,
        **files,
    }


def _harness(make_project: MakeProject, files: dict[str, str | bytes]) -> tuple[list[str], str]:
    database = inspect(make_project(files), use_cache=False).analysis.database
    found = in_harness(database, PAPER_ENVIRONMENT)
    return found.engines, found.stopped[0].describe() if found.stopped else ""


# -- the import fails: the app cannot start -----------------------------------------------------------------


def test_a_function_commented_out_in_the_module_it_is_imported_from_stops_the_app(
    make_project: MakeProject,
) -> None:
    """Violating on main (which said SQLite): routes.py, imported by the module building the app, imports
    `generate_hash` from app/utils.py, where it is commented out."""
    engines, why = _harness(make_project, _app())
    assert engines == []
    assert why == (
        "from app.utils import generate_hash at app/routes.py:2 raises ImportError (cannot import name "
        "'generate_hash'): app/utils.py defines no generate_hash"
    )


def test_a_relative_import_of_a_renamed_function_among_defined_ones_stops_the_app(
    make_project: MakeProject,
) -> None:
    """Violating on main: `from .utils import check_hash, generate_hash`, the second renamed to `make_hash`."""
    utils = "def check_hash(password, digest):\n    return True\n\n\ndef make_hash(password):\n    return password\n"
    engines, why = _harness(make_project, _app("from .utils import check_hash, generate_hash\n", utils))
    assert engines == []
    assert "from .utils import generate_hash at app/routes.py:2 raises ImportError" in why


def test_a_name_from_a_package_that_defines_it_nowhere_stops_the_app(make_project: MakeProject) -> None:
    """Violating on main: `from app.security import generate_hash` with app/security/__init__.py empty and no
    submodule of that name (the function lives in app/security/hashing.py)."""
    files = _app(
        "from app.security import generate_hash\n",
        **{
            "app/security/__init__.py": "",
            "app/security/hashing.py": "def generate_hash(p):\n    return p\n",
        },
    )
    engines, why = _harness(make_project, files)
    assert engines == []
    assert "app/security/__init__.py defines no generate_hash" in why


# -- the import finds the name, or is not judged: nothing claimed -------------------------------------------


@pytest.mark.parametrize(
    "utils",
    [
        "import hashlib\n\ngenerate_hash = hashlib.sha256\n",  # an assignment
        "from hashlib import sha256 as generate_hash\n",  # an import passed on
        "import sys\n\nif sys.version_info >= (3, 11):\n    def generate_hash(p):\n        return p\n"
        "else:\n    def generate_hash(p):\n        return p[::-1]\n",  # conditional definitions
        "try:\n    from bcrypt import hashpw as generate_hash\nexcept ImportError:\n    generate_hash = None\n",
        "def init():\n    global generate_hash\n    generate_hash = str\n",  # bound by a function
        "from hashlib import *\n",  # a star import: not judged
        "def __getattr__(name):\n    return str\n",  # a lazy module: not judged
        "globals()['generate_hash'] = str\n",  # a dynamic namespace: not judged
        "def broken(:\n",  # a syntax error: not judged here
    ],
)
def test_a_name_the_module_binds_or_may_bind_is_found(make_project: MakeProject, utils: str) -> None:
    """Clean: the module defines the name (by assignment, import, under an `if` or a `try`, through `global`),
    or is not judged (a star import, `__getattr__`, `globals()`, a syntax error; the latter is reported on its
    own as unparsable)."""
    engines, why = _harness(make_project, _app(utils=utils))
    assert "ImportError" not in why
    if "broken" not in utils:
        assert engines == ["sqlite"]


def test_a_submodule_or_a_folder_of_the_package_is_found(make_project: MakeProject) -> None:
    """Clean: `from app.security import hashing, keys` imports app/security/hashing.py and the namespace
    folder app/security/keys/ though app/security/__init__.py binds neither."""
    files = _app(
        "from app.security import hashing, keys\n\ngenerate_hash = hashing.generate_hash\n",
        **{
            "app/security/__init__.py": "",
            "app/security/hashing.py": "def generate_hash(p):\n    return p\n",
            "app/security/keys/rsa.py": "SIZE = 2048\n",
        },
    )
    assert _harness(make_project, files) == (["sqlite"], "")


@pytest.mark.parametrize(
    "imports",
    [
        "def generate_hash(password):\n    from app.utils import generate_hash as real\n    return real(password)\n",
        "try:\n    from app.utils import generate_hash\nexcept ImportError:\n    generate_hash = str\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.utils import generate_hash\n",
    ],
)
def test_an_import_in_a_function_or_under_a_condition_is_not_judged(
    make_project: MakeProject, imports: str
) -> None:
    """Clean: an import in a function runs only when it is called; one under `try` or `if` may be caught or
    skipped."""
    assert _harness(make_project, _app(imports))[0] == ["sqlite"]


def test_a_module_nothing_loads_at_start_up_stops_nothing(make_project: MakeProject) -> None:
    """Clean: a stray script importing the missing name is not imported as the app starts."""
    files = _app(
        "from app.utils import check_hash as generate_hash\n",
        **{"scripts/rehash.py": "from app.utils import generate_hash\n\nprint(generate_hash('x'))\n"},
    )
    assert _harness(make_project, files) == (["sqlite"], "")


def test_a_module_another_folder_could_also_be_is_judged_by_every_copy(make_project: MakeProject) -> None:
    """Clean: `from helpers.hashing import generate_hash` could be lib/helpers/hashing.py as well as
    app/helpers/hashing.py, depending on the path the app is started with; one of them defines it."""
    files = _app(
        "from helpers.hashing import generate_hash\n",
        **{
            "app/helpers/__init__.py": "",
            "app/helpers/hashing.py": "def check_hash(p, d):\n    return True\n",
            "lib/requirements.txt": "bcrypt\n",
            "lib/helpers/__init__.py": "",
            "lib/helpers/hashing.py": "def generate_hash(p):\n    return p\n",
        },
    )
    assert "ImportError" not in _harness(make_project, files)[1]


def test_a_submodule_left_out_of_the_analysis_is_still_found_on_disk(make_project: MakeProject) -> None:
    """Clean: app/security/hashing.py is excluded by the configuration, but Python finds it in the folder."""
    files = _app(
        "from app.security import hashing\n\ngenerate_hash = hashing.generate_hash\n",
        **{
            "cdverify.toml": 'exclude = ["app/security/hashing.py"]\n',
            "app/security/__init__.py": "",
            "app/security/hashing.py": "def generate_hash(p):\n    return p\n",
        },
    )
    assert _harness(make_project, files) == (["sqlite"], "")


# -- a package's __init__.py runs before the submodule a dotted import names ---------------------------------

MODELS_INIT = '"""Init models."""\n\nfrom .users import User, UserPreferences\n'
USERS = "class User:\n    pass\n"


def test_a_failing_package_init_run_before_a_dotted_import_stops_the_app(make_project: MakeProject) -> None:
    """Violating before (ezerfernandes/viagemeconomica, whose label said it starts): routes.py imports
    `app.models.deals`, so Python runs app/models/__init__.py first, and its `from .users import User,
    UserPreferences` fails — users.py defines User only. The modules loaded at start-up now hold the
    packages' `__init__.py` a dotted import runs."""
    files = _app(
        "from app.models.deals import Deal\n\ngenerate_hash = str\n",
        utils="def generate_hash(p):\n    return p\n",
        **{
            "app/models/__init__.py": MODELS_INIT,
            "app/models/users.py": USERS,
            "app/models/deals.py": "class Deal:\n    pass\n",
        },
    )
    engines, why = _harness(make_project, files)
    assert engines == []
    assert why.startswith("from .users import UserPreferences at app/models/__init__.py:3 raises ImportError")


def test_a_package_init_imported_through_no_dotted_name_is_not_read(make_project: MakeProject) -> None:
    """Clean: the same broken app/models/__init__.py, but nothing the app loads imports the package or one of
    its submodules (a module run alone, `python app/models/deals.py`, runs no __init__.py)."""
    files = _app(
        "import hashlib\n\ngenerate_hash = hashlib.sha256\n",
        utils="def generate_hash(p):\n    return p\n",
        **{
            "app/models/__init__.py": MODELS_INIT,
            "app/models/users.py": USERS,
            "app/models/deals.py": "class Deal:\n    pass\n",
        },
    )
    engines, _why = _harness(make_project, files)
    assert engines == ["sqlite"]
