"""A package marker that re-exports its module's blueprint (issue 18, session (20),
asenawritescode/flask-library-system): `app/services/books/__init__.py` holds only `from
app.services.books.views import book_bp`, and `views.py` registers the blueprint's routes. The marker is code-
silent but for bringing its own module's names up to the package, so it goes with its package's modules as a
silent one does — the routes, not the `services/` folder — and its import of the views is no upward import.
One importing a module by name (`from . import views`) or doing work of its own keeps the folder."""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json

VIEWS = """from flask import Blueprint, jsonify

book_bp = Blueprint("book", __name__)


@book_bp.get("/books")
def index():
    return jsonify([])
"""
APP = """from flask import Flask

from app.services.books import book_bp


def create_app():
    app = Flask(__name__)
    app.register_blueprint(book_bp)
    return app
"""


def _architecture(make_project: MakeProject, marker: str) -> dict[str, object]:
    files: dict[str, str | bytes] = {
        "requirements.txt": "flask\n",
        "app/__init__.py": APP,
        "app/services/__init__.py": "",
        "app/services/books/__init__.py": marker,
        "app/services/books/views.py": VIEWS,
    }
    architecture = inspect_json(make_project, files)["architecture"]
    assert isinstance(architecture, dict)
    return architecture


@pytest.mark.parametrize(
    "marker", ["from app.services.books.views import book_bp\n", "from .views import book_bp\n"]
)
def test_a_marker_reexporting_its_module_goes_with_it(make_project: MakeProject, marker: str) -> None:
    architecture = _architecture(make_project, marker)
    assert architecture["files"]["app/services/books/__init__.py"] == "routes"
    assert architecture["violations"] == []


@pytest.mark.parametrize(
    "marker",
    [
        "from app.services.books.views import book_bp\n\nbook_bp.url_prefix = '/api'\n",  # work of its own
        "from app.shared.views import book_bp\n",  # another package's names
    ],
)
def test_a_marker_doing_more_keeps_its_folder(make_project: MakeProject, marker: str) -> None:
    architecture = _architecture(make_project, marker)
    assert architecture["files"]["app/services/books/__init__.py"] == "services"
