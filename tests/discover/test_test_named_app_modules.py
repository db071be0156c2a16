"""A module named like a test that the application imports (issue 18): `app/test_routes.py`, a `/test`
blueprint the app factory registers, matches pytest's `test_*.py` but runs in the application, so its
routes and SQL are the application's. A test-named module importing a test runner, one only tests import,
one nothing imports, and one inside a test folder stay tests."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, inspect_json
from reports import layers_of as _layers

FACTORY = """from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///notes.db"
    db.init_app(app)
    from app.{module} import probe_bp

    app.register_blueprint(probe_bp)
    return app
"""
PROBE = """{runner}from flask import Blueprint, jsonify
from sqlalchemy import text

from app import db

probe_bp = Blueprint("probe", __name__, url_prefix="/probe")


@probe_bp.route("/db")
def probe():
    return jsonify(ok=db.session.execute(text("SELECT COUNT(*) FROM note")).scalar())
"""
TEST = """from app import create_app


def test_probe():
    assert create_app().test_client().get("/probe/db").status_code == 200
"""


def _app(module: str = "test_routes", runner: str = "") -> dict[str, str | bytes]:
    return {
        "requirements.txt": "flask\nflask-sqlalchemy\n",
        "app/__init__.py": FACTORY.format(module=module.replace("/", ".")),
        f"app/{module}.py": PROBE.format(runner=runner),
        "tests/test_app.py": TEST,
    }


def _sql_files(report: dict[str, Any]) -> set[str]:
    return {item["file"] for item in report["orm"].get("raw_sql", []) if item["scope"] == "application"}


@pytest.mark.parametrize("module", ["test_routes", "probe_test"])
def test_a_test_named_blueprint_the_app_registers_is_application_code(
    make_project: MakeProject, module: str
) -> None:
    report = inspect_json(make_project, _app(module))
    assert _layers(report)[f"app/{module}.py"] == "routes"
    assert _sql_files(report) == {f"app/{module}.py"}
    assert report["project"]["by_scope"] == {"application": 2, "test": 1}  # tests/test_app.py


def test_a_test_named_module_importing_pytest_stays_a_test(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _app(runner="import pytest\n"))
    assert "app/test_routes.py" not in _layers(report)
    assert _sql_files(report) == set()


def test_test_named_modules_the_app_does_not_import_stay_tests(make_project: MakeProject) -> None:
    files = _app()
    files["app/__init__.py"] = FACTORY.format(module="probe").replace("from app.probe import probe_bp\n", "")
    files["app/__init__.py"] = str(files["app/__init__.py"]).replace(
        "    app.register_blueprint(probe_bp)\n", ""
    )
    files["app/test_models.py"] = "from app.test_routes import probe_bp\n"  # only a test imports it
    report = inspect_json(make_project, files)
    assert "app/test_routes.py" not in _layers(report)
    assert _sql_files(report) == set()
    assert report["project"]["by_scope"] == {"application": 1, "test": 3}


def test_a_test_named_module_in_a_test_folder_stays_a_test(make_project: MakeProject) -> None:
    files = _app(module="testing/test_routes")
    files["app/testing/__init__.py"] = ""
    report = inspect_json(make_project, files)
    assert "app/testing/test_routes.py" not in _layers(report)
    assert _sql_files(report) == set()
